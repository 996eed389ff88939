//! Fuzz target: period labels, under several calendars (the first byte picks one: civil,
//! fiscal years named by their end or start, retail 4-4-5/4-5-4/5-4-4, weeks from
//! Sunday, time zones). A label gives a period or a coded error, never a panic; a parsed
//! period's `label()` parses back to the same days and kind, and so do its neighbours;
//! stepping `n` and back returns to it; every period operation gives a result or a coded
//! error.
#![no_main]

use kpi_core::period::DayBasis;
use kpi_core::{Calendar, Grain, Period};
use kpi_fuzz::{CALENDARS, check_error, text};
use libfuzzer_sys::fuzz_target;

/// A label's period reads back from the label: same days, same kind, same label.
fn round_trip(calendar: &Calendar, period: &Period, what: &str) {
    let label = period.label();
    match calendar.parse_period(&label) {
        Ok(back) => {
            assert_eq!(
                (back.start(), back.end(), back.kind()),
                (period.start(), period.end(), period.kind()),
                "{what}: `{label}` reads back as another period ({})",
                back.label()
            );
            assert_eq!(back.label(), label, "{what}: `{label}` is labelled anew");
        }
        Err(e) => panic!("{what}: the label `{label}` does not parse back: {e:?}"),
    }
}

fn ok_or_coded<T>(result: kpi_core::Result<T>) -> Option<T> {
    result.map_err(|e| check_error(&e)).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Some(label) = text(rest) else { return };
    let calendar = &CALENDARS[usize::from(pick) % CALENDARS.len()];
    if let Err(e) = Period::parse(label) {
        check_error(&e);
    }
    let Some(period) = ok_or_coded(calendar.parse_period(label)) else {
        return;
    };
    round_trip(calendar, &period, "parsed");
    for n in [1i64, -1, 13, -400] {
        if let Some(moved) = ok_or_coded(period.shift(n)) {
            round_trip(calendar, &moved, "shifted");
            if let Some(back) = ok_or_coded(moved.shift(-n)) {
                assert_eq!(
                    (back.start(), back.end()),
                    (period.start(), period.end()),
                    "`{}` shifted by {n} and back is `{}`",
                    period.label(),
                    back.label()
                );
            }
        }
    }
    for n in [1i64 << 31, (1 << 62) + 1, i64::MAX, i64::MIN] {
        ok_or_coded(period.shift(n));
    }
    ok_or_coded(period.next());
    ok_or_coded(period.prev());
    if let Some(last_year) = ok_or_coded(period.same_period_last_year()) {
        round_trip(calendar, &last_year, "a year earlier");
    }
    for n in [0, 1, 3, 1000, u32::MAX] {
        ok_or_coded(period.trailing(n));
    }
    let days = period.days();
    for grain in Grain::ALL {
        ok_or_coded(period.parent(grain));
        if days <= 3700 && (grain != Grain::Day || days <= 400) {
            ok_or_coded(period.children(grain));
        }
        for day in [period.start(), period.last_day()] {
            if let Some(found) = ok_or_coded(calendar.period_of(day, grain)) {
                assert!(
                    found.contains(day),
                    "period_of({day}, {grain}) is `{}`, which does not contain it",
                    found.label()
                );
            }
            ok_or_coded(calendar.to_date(day, grain));
        }
    }
    if days <= 3700 {
        for grain in Grain::ALL {
            let _ = calendar.count_within(grain, &period);
        }
        for basis in [DayBasis::Calendar, DayBasis::Business] {
            let _ = calendar.elapsed_fraction(&period, period.start(), basis);
        }
    }
});
