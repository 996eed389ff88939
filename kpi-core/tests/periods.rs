//! Periods and calendars: known values, and the properties that must hold for every
//! calendar, grain and date.

use chrono::{Datelike, Days, NaiveDate, TimeZone, Weekday};
use kpi_core::period::{
    Calendar, DayBasis, FiscalYearName, Grain, MAX_DATE, MAX_PERIOD_END, MIN_DATE, Period,
    PeriodKind, RetailCalendar, WeekPattern, YearEnd, add_months, day_number,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn april() -> Calendar {
    Calendar::with_fiscal_year_start(4).unwrap()
}

fn nrf() -> Calendar {
    Calendar {
        fiscal_year_named_by: FiscalYearName::Start,
        retail: Some(RetailCalendar {
            year_end: YearEnd::Nearest,
            weekday: Weekday::Sat,
            month: 1,
            pattern: WeekPattern::P454,
            leap_week_quarter: 4,
        }),
        ..Calendar::default()
    }
}

fn bounds(p: &Period) -> (NaiveDate, NaiveDate) {
    (p.start(), p.end())
}

#[test]
fn fiscal_years_are_named_by_their_end_year_or_start_year() {
    let cal = april();
    let fy = cal.parse_period("FY2027").unwrap();
    assert_eq!(bounds(&fy), (date(2026, 4, 1), date(2027, 4, 1)));
    assert_eq!(
        cal.period_of(date(2026, 7, 15), Grain::Quarter)
            .unwrap()
            .label(),
        "FY2027-Q2"
    );
    assert_eq!(
        cal.period_of(date(2026, 10, 1), Grain::Half)
            .unwrap()
            .label(),
        "FY2027-H2"
    );
    assert_eq!(
        bounds(&cal.parse_period("FY2027-M03").unwrap()),
        (date(2026, 6, 1), date(2026, 7, 1))
    );
    let by_start = Calendar {
        fiscal_year_named_by: FiscalYearName::Start,
        ..april()
    };
    assert_eq!(
        by_start
            .period_of(date(2026, 7, 15), Grain::Year)
            .unwrap()
            .label(),
        "FY2026"
    );
    assert_eq!(
        bounds(&by_start.parse_period("FY2026").unwrap()),
        bounds(&fy)
    );
}

#[test]
fn civil_labels_of_every_grain() {
    let cal = Calendar::default();
    for (label, start, end) in [
        ("2026-03-15", date(2026, 3, 15), date(2026, 3, 16)),
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 5)),
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 4)),
        ("2026-03", date(2026, 3, 1), date(2026, 4, 1)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026-H2", date(2026, 7, 1), date(2027, 1, 1)),
        ("2026", date(2026, 1, 1), date(2027, 1, 1)),
        ("2024-01-01..2024-04-01", date(2024, 1, 1), date(2024, 4, 1)),
        ("FY2027..FY2029", date(2027, 1, 1), date(2030, 1, 1)),
        ("2026-01..2026-03", date(2026, 1, 1), date(2026, 4, 1)),
    ] {
        let p = cal.parse_period(label).unwrap();
        assert_eq!(bounds(&p), (start, end), "{label}");
        assert_eq!(p.label(), label);
    }
    let plan = april().parse_period("FY2027..FY2029").unwrap();
    assert_eq!(bounds(&plan), (date(2026, 4, 1), date(2029, 4, 1)));
    assert_eq!(plan.kind(), PeriodKind::Span);
    assert_eq!(plan.grain(), Some(Grain::Year));
}

#[test]
fn bad_labels_are_errors_with_codes() {
    let cal = Calendar::default();
    for label in [
        "2026-13",
        "2026-Q5",
        "26-01",
        "2026-1",
        "FY27",
        "",
        "2026-02-30",
        "2025-W53",
        "2026-H3",
        "2026-03..2026-01",
        "2026..2026-03",
        "2024-04-01..2024-01-01",
        "FY2027-X1",
        "FY2027-é1",
        "é",
        "2026-Q١",
        "２０２６",
        " 2026-03",
        "2026-03 ",
        "2026 -03",
        "2026-03..",
        "..2026-03",
        "2026-01..2026-02..2026-03",
        "month",
        "monthly",
        "fy2027",
        "2026-q1",
        "FY2027-",
        "FY2027-q1",
        "2026-M03",
        "2026-3-5",
        "10000",
        "2026-03-01..2026-03-01",
    ] {
        assert_eq!(
            cal.parse_period(label).unwrap_err().code(),
            "period.invalid_label",
            "{label}"
        );
    }
    assert_eq!(
        cal.parse_period("FY2027-W05").unwrap_err().code(),
        "period.grain_not_in_calendar"
    );
    // Messages say what to write instead.
    for (label, says) in [
        ("2026-3", "the month needs two digits: 2026-03"),
        ("2026-W5", "the week needs two digits: 2026-W05"),
        ("2026-Q01", "the quarter needs one digit: 2026-Q1"),
        ("FY2027-M3", "the month needs two digits: FY2027-M03"),
        ("2026-3-5", "a day is YYYY-MM-DD: 2026-03-05"),
        ("2026-13", "the month must be 1 to 12"),
        ("monthly", "as in 2026-03"),
        ("quarter", "as in 2026-Q1"),
        ("fy2027", "write FY in capitals"),
        (" 2026-03", "remove the spaces"),
        ("FY2027-é1", "`é` cannot be part of a label"),
        ("26-01", "the year `26` needs four digits"),
        ("2025-W53", "2025 has 52 weeks"),
    ] {
        let message = cal.parse_period(label).unwrap_err().to_string();
        assert!(message.contains(says), "{label}: {message}");
        assert!(
            message.contains("labels look like 2026-03-15"),
            "{label}: {message}"
        );
    }
    // A long label is quoted cut, at a character.
    let long = "é".repeat(100);
    let message = cal.parse_period(&long).unwrap_err().to_string();
    assert!(
        message.contains(&format!("`{}…`", "é".repeat(40))),
        "{message}"
    );
    assert_eq!(
        Calendar::with_fiscal_year_start(13).unwrap_err().code(),
        "period.invalid_calendar"
    );
    let bad_zone = Calendar {
        timezone: Some("Mars/Olympus".into()),
        ..Calendar::default()
    };
    let err = bad_zone.validate().unwrap_err();
    assert_eq!(
        (err.code(), err.location().path.as_deref()),
        ("period.unknown_timezone", Some("calendar.timezone"))
    );
}

#[test]
fn nrf_retail_calendar() {
    let cal = nrf();
    // NRF fiscal 2023 ran from 2023-01-29 to 2024-02-03 and had 53 weeks.
    let year = cal.parse_period("FY2023").unwrap();
    assert_eq!(bounds(&year), (date(2023, 1, 29), date(2024, 2, 4)));
    assert_eq!(year.children(Grain::Week).unwrap().len(), 53);
    let months: Vec<u32> = year
        .children(Grain::Month)
        .unwrap()
        .iter()
        .map(|m| m.days() / 7)
        .collect();
    assert_eq!(months, [4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5, 5]);
    assert_eq!(
        cal.parse_period("FY2023-W53").unwrap().label(),
        "FY2023-W53"
    );
    assert_eq!(
        cal.parse_period("FY2024-W53").unwrap_err().code(),
        "period.invalid_label"
    );
    assert_eq!(
        cal.period_of(date(2023, 12, 25), Grain::Month)
            .unwrap()
            .label(),
        "FY2023-M11"
    );
    assert_eq!(
        cal.period_of(date(2023, 12, 25), Grain::Quarter)
            .unwrap()
            .label(),
        "FY2023-Q4"
    );
    // The same week last year has the same number.
    let week = cal.parse_period("FY2024-W10").unwrap();
    assert_eq!(week.same_period_last_year().unwrap().label(), "FY2023-W10");
    // A civil label still means civil dates in a retail calendar.
    assert_eq!(
        bounds(&cal.parse_period("2024-02").unwrap()),
        (date(2024, 2, 1), date(2024, 3, 1))
    );
}

#[test]
fn navigation_windows_and_date_arithmetic() {
    let cal = april();
    let q = cal.parse_period("FY2027-Q1").unwrap();
    assert_eq!(q.next().unwrap().label(), "FY2027-Q2");
    assert_eq!(q.prev().unwrap().label(), "FY2026-Q4");
    assert_eq!(q.shift(5).unwrap().label(), "FY2028-Q2");
    assert_eq!(q.same_period_last_year().unwrap().label(), "FY2026-Q1");
    assert_eq!(q.parent(Grain::Year).unwrap().label(), "FY2027");
    let months: Vec<String> = q
        .children(Grain::Month)
        .unwrap()
        .iter()
        .map(Period::label)
        .collect();
    assert_eq!(months, ["2026-04", "2026-05", "2026-06"]);
    assert_eq!(q.trailing(3).unwrap().label(), "FY2026-Q3..FY2027-Q1");
    // Weeks do not nest in civil months.
    let week = Calendar::default().parse_period("2026-W05").unwrap();
    assert_eq!(
        week.parent(Grain::Month).unwrap_err().code(),
        "period.not_nested"
    );
    assert_eq!(
        Calendar::default()
            .parse_period("2026-02")
            .unwrap()
            .children(Grain::Week)
            .unwrap_err()
            .code(),
        "period.not_nested"
    );
    // 29 February last year is 28 February.
    let leap_day = Calendar::default().parse_period("2024-02-29").unwrap();
    assert_eq!(
        leap_day.same_period_last_year().unwrap().label(),
        "2023-02-28"
    );
    // Month arithmetic clamps, and counts from the original date.
    assert_eq!(add_months(date(2024, 1, 31), 1).unwrap(), date(2024, 2, 29));
    assert_eq!(add_months(date(2023, 1, 31), 1).unwrap(), date(2023, 2, 28));
    assert_eq!(
        add_months(date(2024, 2, 29), 12).unwrap(),
        date(2025, 2, 28)
    );
    assert_eq!(add_months(date(2024, 1, 31), 2).unwrap(), date(2024, 3, 31));
    // To-date windows.
    let ytd = cal.to_date(date(2026, 7, 15), Grain::Year).unwrap();
    assert_eq!(ytd.label(), "2026-04-01..2026-07-16");
    let mtd = cal.to_date(date(2026, 7, 15), Grain::Month).unwrap();
    assert_eq!(bounds(&mtd), (date(2026, 7, 1), date(2026, 7, 16)));
}

#[test]
fn elapsed_fraction_by_calendar_and_business_days() {
    let cal = Calendar {
        holidays: vec![date(2026, 6, 1)],
        ..Calendar::default()
    };
    let june = cal.parse_period("2026-06").unwrap();
    let half = cal
        .elapsed_fraction(&june, date(2026, 6, 15), DayBasis::Calendar)
        .unwrap();
    assert_eq!(half, Decimal::new(5, 1));
    // June 2026 has 22 weekdays, minus the holiday on Monday the 1st: 21 business days.
    // By Friday the 5th, 4 of them have passed.
    let business = cal
        .elapsed_fraction(&june, date(2026, 6, 5), DayBasis::Business)
        .unwrap();
    assert_eq!(business, Decimal::from(4) / Decimal::from(21));
    assert_eq!(
        cal.elapsed_fraction(&june, date(2026, 5, 1), DayBasis::Calendar),
        Some(Decimal::ZERO)
    );
    assert_eq!(
        cal.elapsed_fraction(&june, date(2026, 8, 1), DayBasis::Calendar),
        Some(Decimal::ONE)
    );
}

#[test]
fn timestamps_become_local_dates_in_the_calendar_time_zone() {
    let shanghai = Calendar {
        timezone: Some("Asia/Shanghai".into()),
        ..Calendar::default()
    };
    let utc_evening = chrono::Utc.with_ymd_and_hms(2026, 3, 31, 20, 0, 0).unwrap();
    assert_eq!(shanghai.local_date(&utc_evening).unwrap(), date(2026, 4, 1));
    assert_eq!(
        Calendar::default().local_date(&utc_evening).unwrap(),
        date(2026, 3, 31)
    );
    assert_eq!(
        shanghai
            .local_date_of_rfc3339("2026-03-31T23:30:00-08:00")
            .unwrap(),
        date(2026, 4, 1)
    );
    // 1775001600000 ms is 2026-04-01T00:00:00Z.
    assert_eq!(
        shanghai.local_date_of_millis(1_775_001_600_000).unwrap(),
        date(2026, 4, 1)
    );
    let new_york = Calendar {
        timezone: Some("America/New_York".into()),
        ..Calendar::default()
    };
    assert_eq!(
        new_york.local_date_of_millis(1_775_001_600_000).unwrap(),
        date(2026, 3, 31)
    );
}

#[test]
fn bulk_mapping_matches_period_of() {
    let cal = april();
    let days: Vec<i32> = (0..2000)
        .map(|i| day_number(date(2025, 1, 1)) + (i * 37) % 900)
        .collect();
    let mapped = cal.index_days(&days, Grain::Quarter).unwrap();
    for (day, &i) in days.iter().zip(&mapped.index) {
        let d = kpi_core::period::date_of_day_number(*day).unwrap();
        assert_eq!(
            mapped.periods[i as usize],
            cal.period_of(d, Grain::Quarter).unwrap()
        );
    }
    assert!(cal.index_days(&[], Grain::Day).unwrap().periods.is_empty());
}

#[test]
fn the_supported_range_is_enforced_at_its_edges() {
    let cal = Calendar::default();
    let out = |cal: &Calendar, label: &str| {
        assert_eq!(
            cal.parse_period(label).unwrap_err().code(),
            "period.out_of_range",
            "{label}"
        );
    };
    for label in [
        "FY9999",
        "9999",
        "9999-12",
        "9999-Q4",
        "9999-H2",
        "9999-W52",
        "9999-12-31",
        "0999",
        "0999-12",
        "0000-01-01..1000-01-02",
        "9999-12-30..10000-01-01",
    ] {
        let err = cal.parse_period(label).unwrap_err();
        assert!(
            ["period.out_of_range", "period.invalid_label"].contains(&err.code()),
            "{label}: {err}"
        );
        if label != "9999-12-30..10000-01-01" {
            out(&cal, label);
        }
    }
    for (label, start, end) in [
        ("9999-11", date(9999, 11, 1), date(9999, 12, 1)),
        ("9999-12-30", date(9999, 12, 30), MAX_PERIOD_END),
        ("9999-12-30..9999-12-31", date(9999, 12, 30), MAX_PERIOD_END),
        ("1000-01-01", MIN_DATE, date(1000, 1, 2)),
        ("1000", MIN_DATE, date(1001, 1, 1)),
        ("9999-Q3", date(9999, 7, 1), date(9999, 10, 1)),
    ] {
        let p = cal.parse_period(label).unwrap();
        assert_eq!((label, p.start(), p.end()), (label, start, end));
        assert_eq!(cal.parse_period(&p.label()).unwrap(), p);
    }
    // An April fiscal year: FY1000 would start in 999; FY9999 ends in 9999.
    out(&april(), "FY1000");
    out(&april(), "FY1000-Q1");
    assert_eq!(
        april().parse_period("FY9999").unwrap().end(),
        date(9999, 4, 1)
    );
    assert_eq!(
        april().parse_period("FY10000").unwrap_err().code(),
        "period.invalid_label"
    );
    // A February year named by its end: February–December 9999 is in fiscal year 10000,
    // which has no four-digit name.
    let february = Calendar::with_fiscal_year_start(2).unwrap();
    assert_eq!(
        february
            .period_of(date(9999, 3, 1), Grain::Quarter)
            .unwrap_err()
            .code(),
        "period.out_of_range"
    );
    assert_eq!(
        february.period_of(MAX_DATE, Grain::Year).unwrap().label(),
        "FY9999"
    );
    // Steps off either end.
    let last = cal.parse_period("9999-11").unwrap();
    assert_eq!(last.next().unwrap_err().code(), "period.out_of_range");
    let first = cal.parse_period("1000-01").unwrap();
    assert_eq!(first.prev().unwrap_err().code(), "period.out_of_range");
    assert_eq!(first.trailing(2).unwrap_err().code(), "period.out_of_range");
    assert_eq!(
        first.same_period_last_year().unwrap_err().code(),
        "period.out_of_range"
    );
    assert_eq!(
        april()
            .parse_period("1000-01")
            .unwrap()
            .parent(Grain::Year)
            .unwrap_err()
            .code(),
        "period.out_of_range"
    );
}

#[test]
fn dates_given_as_data_are_supported_days() {
    let cal = Calendar::default();
    for day in [
        date(999, 12, 31),
        date(9999, 1, 1),
        NaiveDate::MIN,
        NaiveDate::MAX,
    ] {
        assert_eq!(
            cal.to_date(day, Grain::Month).unwrap_err().code(),
            "period.out_of_range"
        );
    }
    assert_eq!(
        cal.to_date(MAX_DATE, Grain::Year).unwrap().end(),
        date(9999, 1, 1)
    );
    let with_holiday = Calendar {
        holidays: vec![date(2026, 1, 1), date(999, 1, 1)],
        ..Calendar::default()
    };
    let err = with_holiday.validate().unwrap_err();
    assert_eq!(
        (err.code(), err.location().path.as_deref()),
        ("period.out_of_range", Some("calendar.holidays[1]"))
    );
    assert_eq!(
        with_holiday.parse_period("2026").unwrap_err().code(),
        "period.out_of_range"
    );
    // Timestamps whose local date leaves the range, and the ends of chrono's range.
    let shanghai = Calendar {
        timezone: Some("Asia/Shanghai".into()),
        ..Calendar::default()
    };
    // 253402300799999 ms is 9999-12-31T23:59:59.999Z: 10000-01-01 in Shanghai.
    for millis in [253_402_300_799_999, i64::MAX, i64::MIN] {
        assert_eq!(
            shanghai.local_date_of_millis(millis).unwrap_err().code(),
            "period.out_of_range",
            "{millis}"
        );
    }
    // -30610224000000 ms is 1000-01-01T00:00:00Z.
    assert_eq!(
        cal.local_date_of_millis(-30_610_224_000_000).unwrap(),
        MIN_DATE
    );
    assert_eq!(
        cal.local_date_of_millis(-30_610_224_000_001)
            .unwrap_err()
            .code(),
        "period.out_of_range"
    );
    assert_eq!(
        cal.index_days(&[0, i32::MAX], Grain::Day)
            .unwrap_err()
            .code(),
        "period.out_of_range"
    );
    assert_eq!(
        cal.index_days(&[i32::MIN, 0], Grain::Day)
            .unwrap_err()
            .code(),
        "period.out_of_range"
    );
}

#[test]
fn shifts_never_wrap() {
    let calendars = [Calendar::default(), april(), nrf()];
    for cal in &calendars {
        for grain in Grain::ALL {
            let p = cal.period_of(date(2026, 3, 15), grain).unwrap();
            for n in [
                i64::MAX,
                i64::MIN,
                (1 << 62) + 1,
                -(1 << 62) - 1,
                1 << 32,
                12 * 9000 * 53,
            ] {
                assert_eq!(
                    p.shift(n).unwrap_err().code(),
                    "period.out_of_range",
                    "{} by {n}",
                    p.label()
                );
            }
            let span = p.trailing(3).unwrap();
            for n in [i64::MAX, i64::MIN, i64::MAX / 3 + 1] {
                assert_eq!(span.shift(n).unwrap_err().code(), "period.out_of_range");
            }
            assert_eq!(
                p.trailing(u32::MAX).unwrap_err().code(),
                "period.out_of_range"
            );
        }
    }
    let range = Period::range(date(2026, 1, 1), date(2026, 2, 1)).unwrap();
    assert_eq!(
        range.shift(i64::MAX).unwrap_err().code(),
        "period.out_of_range"
    );
    // A range moves by its own length: three times 31 days.
    assert_eq!(range.shift(3).unwrap().start(), date(2026, 4, 4));
    // A retail calendar shifts in one step: 400,000 weeks is about 7,700 years.
    let week = nrf().parse_period("FY1100-W01").unwrap();
    let far = week.shift(400_000).unwrap();
    assert_eq!(
        far.start() - week.start(),
        chrono::TimeDelta::weeks(400_000)
    );
    assert_eq!(far.shift(-400_000).unwrap(), week);
}

#[test]
fn business_days_are_counted_for_any_dates() {
    let cal = Calendar {
        holidays: vec![date(2026, 10, 1), date(2026, 10, 1), date(2026, 10, 3)],
        ..Calendar::default()
    };
    // 2026-10-03 is a Saturday: a holiday on a weekend day is not counted twice.
    assert_eq!(
        cal.count_days(date(2026, 9, 28), date(2026, 10, 5), DayBasis::Business),
        4
    );
    assert_eq!(
        cal.count_days(NaiveDate::MIN, NaiveDate::MAX, DayBasis::Calendar),
        u32::try_from((NaiveDate::MAX - NaiveDate::MIN).num_days()).unwrap()
    );
    let all = cal.count_days(NaiveDate::MIN, NaiveDate::MAX, DayBasis::Business);
    assert!(all > 0);
    assert_eq!(
        cal.count_days(date(2026, 10, 5), date(2026, 9, 28), DayBasis::Business),
        0
    );
    let never = Calendar {
        weekend: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ],
        ..Calendar::default()
    };
    assert_eq!(
        never.count_days(NaiveDate::MIN, NaiveDate::MAX, DayBasis::Business),
        0
    );
    let june = cal.parse_period("2026-06").unwrap();
    assert_eq!(
        cal.elapsed_fraction(&june, NaiveDate::MAX, DayBasis::Business),
        Some(Decimal::ONE)
    );
}

// The calendars, days and grains of `kpi_core::testing`: the strategies users get.
use kpi_core::testing::{calendars, dates as any_date, grains as any_grain};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn period_of_contains_the_date_and_labels_round_trip(cal in calendars(), d in any_date(), grain in any_grain()) {
        let p = cal.period_of(d, grain).unwrap();
        prop_assert!(p.contains(d));
        prop_assert_eq!(cal.parse_period(&p.label()).unwrap(), p);
        prop_assert_eq!(p.next().unwrap().prev().unwrap(), p);
        prop_assert_eq!(p.prev().unwrap().next().unwrap(), p);
    }

    #[test]
    fn periods_tile_the_timeline(cal in calendars(), d in any_date(), grain in any_grain()) {
        let p = cal.period_of(d, grain).unwrap();
        let next = p.next().unwrap();
        prop_assert_eq!(next.start(), p.end());
        prop_assert_eq!(cal.period_of(p.end(), grain).unwrap(), next);
        prop_assert_eq!(cal.period_of(p.last_day(), grain).unwrap(), p);
        prop_assert!(p.start() < p.end());
    }

    #[test]
    fn children_cover_their_parent_exactly(cal in calendars(), d in any_date(), fine in 0usize..5, above in 0usize..5) {
        let coarse = Grain::ALL[fine + 1 + above % (5 - fine)];
        let mut fine = Grain::ALL[fine];
        // Civil weeks do not nest in months, quarters, halves or years: test days there.
        if fine == Grain::Week && cal.retail.is_none() && coarse != Grain::Week {
            fine = Grain::Day;
        }
        let parent = cal.period_of(d, coarse).unwrap();
        let children = parent.children(fine).unwrap();
        prop_assert_eq!(children[0].start(), parent.start());
        prop_assert_eq!(children[children.len() - 1].end(), parent.end());
        for pair in children.windows(2) {
            prop_assert_eq!(pair[0].end(), pair[1].start());
        }
        for child in &children {
            prop_assert_eq!(child.parent(parent.grain().unwrap()).unwrap(), parent);
        }
    }

    #[test]
    fn spans_shifts_and_last_year_round_trip(cal in calendars(), d in any_date(), grain in 1usize..6, n in 1u32..5, k in -8i64..8) {
        let grain = Grain::ALL[grain];
        let p = cal.period_of(d, grain).unwrap();
        let span = p.trailing(n).unwrap();
        prop_assert_eq!(span.end(), p.end());
        prop_assert_eq!(cal.parse_period(&span.label()).unwrap(), span);
        let shifted = p.shift(k).unwrap();
        prop_assert_eq!(shifted.shift(-k).unwrap(), p);
        let last_year = p.same_period_last_year().unwrap();
        prop_assert!(last_year.end() <= p.start());
        prop_assert_eq!(last_year.grain(), p.grain());
    }
}

/// Any supported day, half of them within two years of either end of the range.
fn edge_date() -> impl Strategy<Value = NaiveDate> {
    let span = u64::try_from((MAX_DATE - MIN_DATE).num_days()).unwrap();
    prop_oneof![
        (0..=span).prop_map(|d| MIN_DATE + Days::new(d)),
        (0u64..800).prop_map(|d| MIN_DATE + Days::new(d)),
        (0u64..800).prop_map(|d| MAX_DATE - Days::new(d)),
    ]
}

/// Any step: small, large, and the ends of i64.
fn any_step() -> impl Strategy<Value = i64> {
    prop_oneof![
        -60i64..60,
        -700_000i64..700_000,
        any::<i64>(),
        Just(i64::MAX),
        Just(i64::MIN),
        Just((1 << 62) + 1),
    ]
}

/// Text that looks like a label, broken in every way, and any text at all.
fn label_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9FYQHMWfyqé١ .:-]{0,24}",
        "(FY)?[0-9]{4}(-[QHMW]?[0-9]{1,2})?(\\.\\.(FY)?[0-9]{4}(-[QHMW]?[0-9]{1,2})?)?",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(\\.\\.[0-9]{4}-[0-9]{2}-[0-9]{2})?",
    ]
}

/// Whether `p` lies in the supported range, and its label reads back as `p` in `cal`.
fn reads_back(cal: &Calendar, p: &Period) -> Result<(), TestCaseError> {
    prop_assert!(MIN_DATE <= p.start() && p.end() <= MAX_PERIOD_END, "{p:?}");
    prop_assert_eq!(&cal.parse_period(&p.label()).unwrap(), p, "{}", p.label());
    Ok(())
}

fn out_of_range(result: &kpi_core::Result<Period>) -> Result<(), TestCaseError> {
    if let Err(e) = result {
        prop_assert_eq!(e.code(), "period.out_of_range", "{}", e);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Every label kpi makes, for every calendar kind, anywhere in the supported range,
    /// reads back as the same period; a period that would leave the range is an error.
    #[test]
    fn every_label_kpi_makes_reads_back(cal in calendars(), d in edge_date(), grain in any_grain(), n in 1u32..6, k in -3i64..3) {
        let p = cal.period_of(d, grain);
        out_of_range(&p)?;
        let Ok(p) = p else {
            // Only a period running past either end: within about a year of it.
            prop_assert!((d - MIN_DATE).num_days() < 400 || (MAX_DATE - d).num_days() < 400);
            return Ok(());
        };
        prop_assert!(p.contains(d));
        reads_back(&cal, &p)?;
        for step in [p.next(), p.prev(), p.trailing(n), p.shift(k), p.same_period_last_year()] {
            out_of_range(&step)?;
            if let Ok(q) = step {
                reads_back(&cal, &q)?;
                // A span's steps read back too.
                let moved = q.shift(k);
                out_of_range(&moved)?;
                if let Ok(moved) = moved {
                    reads_back(&cal, &moved)?;
                }
            }
        }
        for coarse in Grain::ALL.into_iter().filter(|g| *g > grain) {
            match p.parent(coarse) {
                Ok(parent) => reads_back(&cal, &parent)?,
                Err(e) => prop_assert!(["period.out_of_range", "period.not_nested"].contains(&e.code())),
            }
        }
        let to_date = cal.to_date(d, grain);
        out_of_range(&to_date)?;
        if let Ok(window) = to_date {
            reads_back(&cal, &window)?;
        }
    }

    /// `shift(a + b)` is `shift(a)` then `shift(b)`, for any steps, or an error in both
    /// ways; never a wrap and never a panic.
    #[test]
    fn shifts_add_up(cal in calendars(), d in edge_date(), grain in any_grain(), n in 1u32..4, a in any_step(), b in any_step()) {
        let Ok(p) = cal.period_of(d, grain) else { return Ok(()) };
        for p in [p, p.trailing(n).unwrap_or(p)] {
            let (Ok(first), Some(sum)) = (p.shift(a), a.checked_add(b)) else {
                out_of_range(&p.shift(a))?;
                continue;
            };
            let (twice, once) = (first.shift(b), p.shift(sum));
            out_of_range(&twice)?;
            out_of_range(&once)?;
            prop_assert_eq!(twice.ok(), once.ok(), "{} by {} and {}", p.label(), a, b);
        }
    }

    /// Any text is a period or an error with a code, never a panic; a period read from
    /// text labels itself in a way that reads back.
    #[test]
    fn any_text_is_a_period_or_an_error(cal in calendars(), text in label_text()) {
        match cal.parse_period(&text) {
            Ok(p) => reads_back(&cal, &p)?,
            Err(e) => prop_assert!(
                ["period.invalid_label", "period.out_of_range", "period.grain_not_in_calendar"].contains(&e.code()),
                "{text:?}: {e}"
            ),
        }
    }

    /// Steps of any size from any period, and dates anywhere in chrono's range: errors
    /// (out of range) or periods inside the range, never a panic.
    #[test]
    fn no_step_or_date_panics(cal in calendars(), d in edge_date(), grain in any_grain(), n in any::<i64>(), m in any::<u32>(), day in any::<i32>(), millis in any::<i64>()) {
        if let Ok(p) = cal.period_of(d, grain) {
            for step in [p.shift(n), p.trailing(m), p.trailing(m).and_then(|s| s.shift(n))] {
                out_of_range(&step)?;
                if let Ok(q) = step {
                    prop_assert!(MIN_DATE <= q.start() && q.end() <= MAX_PERIOD_END);
                }
            }
        }
        let far = NaiveDate::from_num_days_from_ce_opt(day.clamp(NaiveDate::MIN.num_days_from_ce(), NaiveDate::MAX.num_days_from_ce())).unwrap();
        for p in [cal.period_of(far, grain), cal.to_date(far, grain)] {
            out_of_range(&p)?;
        }
        let supported = |n: i32| {
            kpi_core::period::date_of_day_number(n).is_some_and(|d| (MIN_DATE..=MAX_DATE).contains(&d))
        };
        match cal.index_days(&[day, day / 2], grain) {
            Ok(index) => {
                prop_assert!(supported(day) && supported(day / 2));
                prop_assert_eq!(index.index.len(), 2);
            }
            Err(e) => prop_assert_eq!(e.code(), "period.out_of_range"),
        }
        match cal.local_date_of_millis(millis) {
            Ok(local) => prop_assert!((MIN_DATE..=MAX_DATE).contains(&local)),
            Err(e) => prop_assert_eq!(e.code(), "period.out_of_range"),
        }
        let _ = cal.count_days(far, d, DayBasis::Business);
    }

    /// Business days counted in O(1) agree with counting day by day.
    #[test]
    fn business_days_agree_with_a_day_by_day_count(start in edge_date(), len in 0u64..80, weekend in proptest::collection::vec(0u8..7, 0..4), holidays in proptest::collection::vec(0u64..90, 0..6)) {
        let cal = Calendar {
            weekend: weekend.into_iter().map(|d| Weekday::try_from(d).unwrap()).collect(),
            holidays: holidays.into_iter().filter_map(|h| start.checked_add_days(Days::new(h))).collect(),
            ..Calendar::default()
        };
        let Some(end) = start.checked_add_days(Days::new(len)) else { return Ok(()) };
        let by_day = start.iter_days().take_while(|d| *d < end).filter(|d| cal.is_business_day(*d)).count();
        prop_assert_eq!(cal.count_days(start, end, DayBasis::Business) as usize, by_day);
    }
}

/// Dates in kpi's own documents (a period's bounds, a report's or a review's `as_of`)
/// are read as dates everywhere else are: `YYYY-MM-DD` exactly, with the reason otherwise.
#[test]
fn document_dates_are_read_as_yyyy_mm_dd() {
    let info = |start: &str| {
        serde_json::from_str::<kpi_core::PeriodInfo>(&format!(
            r#"{{"label": "2026-Q1", "grain": "quarter", "start": "{start}", "end": "2026-04-01"}}"#
        ))
    };
    assert_eq!(
        info("2026-01-01").unwrap().start,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    );
    let padded = info("2026-1-1").unwrap_err().to_string();
    assert!(
        padded.contains("with two-digit months and days: 2026-01-01"),
        "{padded}"
    );
    let stamp = info("2026-01-01T00:00:00Z").unwrap_err().to_string();
    assert!(stamp.contains("is a timestamp, not a date"), "{stamp}");
    assert!(info(" 2026-01-01").is_err());
}
