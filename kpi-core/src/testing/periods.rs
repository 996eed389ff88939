//! Strategies for calendars, dates, periods and decimals.

use chrono::{Days, NaiveDate, Weekday};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::period::{
    Calendar, FiscalYearName, Grain, Period, RetailCalendar, WeekPattern, YearEnd,
};

/// Any calendar: a fiscal year starting in any month and named by its start or its end,
/// any first day of the week, and half of them a retail 4-4-5, 4-5-4 or 5-4-4 calendar
/// with either year-end rule and the leap week in any quarter.
pub fn calendars() -> impl Strategy<Value = Calendar> {
    let weekday = (0u8..7).prop_map(|i| Weekday::try_from(i).unwrap_or(Weekday::Mon));
    let retail = prop_oneof![
        Just(None),
        (
            any::<bool>(),
            weekday.clone(),
            1u32..=12,
            0usize..3,
            1u32..=4
        )
            .prop_map(|(last, weekday, month, pattern, leap_week_quarter)| {
                Some(RetailCalendar {
                    year_end: if last {
                        YearEnd::Last
                    } else {
                        YearEnd::Nearest
                    },
                    weekday,
                    month,
                    pattern: [WeekPattern::P445, WeekPattern::P454, WeekPattern::P544][pattern],
                    leap_week_quarter,
                })
            }),
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

/// A day from 1960-01-01 through 2069-07-05 (40,000 days): the years sales data lives in.
pub fn dates() -> impl Strategy<Value = NaiveDate> {
    let start = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or(NaiveDate::MIN);
    (0u64..40_000).prop_map(move |d| start.checked_add_days(Days::new(d)).unwrap_or(start))
}

/// Any grain: day, week, month, quarter, half or year.
pub fn grains() -> impl Strategy<Value = Grain> {
    prop::sample::select(Grain::ALL.to_vec())
}

/// A calendar and one of its periods, of any grain, holding a day of [`dates`].
pub fn periods() -> impl Strategy<Value = (Calendar, Period)> {
    (calendars(), dates(), grains()).prop_filter_map(
        "every day of the range has a period",
        |(calendar, date, grain)| {
            let period = calendar.period_of(date, grain).ok()?;
            Some((calendar, period))
        },
    )
}

/// An amount of money as users write it: cents from -1,000,000.00 to 100,000,000.00,
/// half of them whole units.
pub fn decimals() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (-1_000_000i64..100_000_000).prop_map(|units| Decimal::new(units, 0)),
        (-100_000_000i64..10_000_000_000).prop_map(|cents| Decimal::new(cents, 2)),
    ]
}

/// Decimals chosen to break arithmetic: the extremes, halves of the range (two of which
/// overflow when added), 28 decimal places, the smallest steps, any mantissa at any scale,
/// and ordinary amounts. Arithmetic on them must be exact or fail with `data.overflow`,
/// never panic or round silently.
pub fn hostile_decimals() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
        Just(Decimal::new(0, 2)),
        Just(Decimal::new(1, 28)),
        Just(Decimal::new(-1, 28)),
        Just(Decimal::from_parts(
            u32::MAX,
            u32::MAX,
            0x7FFF_FFFF,
            false,
            0
        )),
        Just(Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, false, 28)),
        Just(Decimal::new(5, 1)),
        Just(Decimal::new(-5, 3)),
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
        (1i64..10_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}
