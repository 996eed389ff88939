//! Periods and calendars: known values, and the properties that must hold for every
//! calendar, grain and date.

use chrono::{Days, NaiveDate, TimeZone, Weekday};
use kpi_core::period::{
    Calendar, DayBasis, FiscalYearName, Grain, Period, PeriodKind, RetailCalendar, WeekPattern,
    YearEnd, add_months, day_number,
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
        "0999",
        "2025-W53",
        "2026-H3",
        "2026-03..2026-01",
        "2026..2026-03",
        "2024-04-01..2024-01-01",
        "FY2027-X1",
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

fn calendars() -> impl Strategy<Value = Calendar> {
    let weekday = (0u8..7).prop_map(|i| Weekday::try_from(i).unwrap());
    let retail = prop_oneof![
        Just(None),
        (
            any::<bool>(),
            weekday.clone(),
            1u32..=12,
            0usize..3,
            1u32..=4
        )
            .prop_map(|(last, weekday, month, pattern, leap_week_quarter)| Some(
                RetailCalendar {
                    year_end: if last {
                        YearEnd::Last
                    } else {
                        YearEnd::Nearest
                    },
                    weekday,
                    month,
                    pattern: [WeekPattern::P445, WeekPattern::P454, WeekPattern::P544][pattern],
                    leap_week_quarter,
                }
            )),
    ];
    (1u32..=12, any::<bool>(), weekday, retail).prop_map(|(start, by_end, week_start, retail)| {
        Calendar {
            fiscal_year_start_month: start,
            fiscal_year_named_by: if by_end {
                FiscalYearName::End
            } else {
                FiscalYearName::Start
            },
            week_start,
            retail,
            ..Calendar::default()
        }
    })
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..40_000).prop_map(|d| date(1960, 1, 1) + Days::new(d))
}

fn any_grain() -> impl Strategy<Value = Grain> {
    (0usize..6).prop_map(|i| Grain::ALL[i])
}

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
