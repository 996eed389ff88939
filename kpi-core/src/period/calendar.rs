//! The plan's calendar: where the fiscal year starts, and how dates and labels map to periods.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Grain, Period, label_error};
use crate::error::{Error, ErrorKind, Result};

/// The calendar of a plan.
///
/// Months are civil months. Quarters and years are aligned to `fiscal_year_start_month`:
/// with `4`, the year runs April to March and its first quarter is April to June.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Calendar {
    /// The month (1–12) the fiscal year starts in; 1 (January) when omitted.
    #[serde(default = "Calendar::default_start_month")]
    pub fiscal_year_start_month: u32,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            fiscal_year_start_month: Self::default_start_month(),
        }
    }
}

impl Calendar {
    const fn default_start_month() -> u32 {
        1
    }

    /// A calendar whose fiscal year starts in `month` (1–12).
    pub fn with_fiscal_year_start(month: u32) -> Result<Calendar> {
        let calendar = Calendar {
            fiscal_year_start_month: month,
        };
        calendar.validate()?;
        Ok(calendar)
    }

    /// Checks the settings are in range.
    pub fn validate(&self) -> Result<()> {
        if (1..=12).contains(&self.fiscal_year_start_month) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::PeriodInvalidCalendar,
                format!(
                    "fiscal_year_start_month must be 1 to 12, not {}",
                    self.fiscal_year_start_month
                ),
            ))
        }
    }

    /// `Some(start month)` when quarters and years are fiscal, `None` when they are civil.
    fn fiscal(self) -> Option<u32> {
        (self.fiscal_year_start_month != 1).then_some(self.fiscal_year_start_month)
    }

    /// The period of `grain` that contains `date`.
    pub fn period_of(&self, date: NaiveDate, grain: Grain) -> Period {
        let first_of_month = date.with_day(1).expect("day 1 exists in every month");
        let months_into_year =
            (date.month0() + 12 - (self.fiscal_year_start_month.clamp(1, 12) - 1)) % 12;
        let back = match grain {
            Grain::Month => 0,
            Grain::Quarter => months_into_year % 3,
            Grain::Year => months_into_year,
        };
        Period::new(grain, first_of_month - Months::new(back), self.fiscal())
    }

    /// How many whole periods of `grain` tile `period` exactly, or `None` when `period`
    /// does not start and end on `grain` boundaries of this calendar.
    pub fn count_within(&self, grain: Grain, period: &Period) -> Option<u32> {
        let mut current = self.period_of(period.start(), grain);
        if current.start() != period.start() {
            return None;
        }
        let mut count = 1;
        while current.end() < period.end() {
            current = Period::new(grain, current.end(), current.fiscal_start_month);
            count += 1;
        }
        (current.end() == period.end()).then_some(count)
    }

    /// Parses a period label.
    ///
    /// Civil labels: `2026-03` (a month), `2026-Q1` (January–March), `2026` (a year).
    /// Fiscal labels, named by the year the fiscal year ends in: `FY2027` and `FY2027-Q2`
    /// (with an April start, April 2026–March 2027 and July–September 2026).
    pub fn parse_period(&self, label: &str) -> Result<Period> {
        self.validate()?;
        if let Some(rest) = label.strip_prefix("FY") {
            let (year_text, quarter) = match rest.split_once("-Q") {
                Some((year, quarter)) => (year, Some(parse_quarter(label, quarter)?)),
                None => (rest, None),
            };
            let name = parse_year(label, year_text)?;
            let start_year = if self.fiscal_year_start_month == 1 {
                name
            } else {
                name - 1
            };
            let year_start = ymd(label, start_year, self.fiscal_year_start_month)?;
            let fiscal = Some(self.fiscal_year_start_month);
            return Ok(match quarter {
                None => Period::new(Grain::Year, year_start, fiscal),
                Some(q) => Period::new(
                    Grain::Quarter,
                    year_start + Months::new(3 * (q - 1)),
                    fiscal,
                ),
            });
        }
        let (year_text, rest) = match label.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (label, None),
        };
        let year = parse_year(label, year_text)?;
        match rest {
            None => Ok(Period::new(Grain::Year, ymd(label, year, 1)?, None)),
            Some(quarter) if quarter.starts_with('Q') => {
                let q = parse_quarter(label, &quarter[1..])?;
                Ok(Period::new(
                    Grain::Quarter,
                    ymd(label, year, 3 * q - 2)?,
                    None,
                ))
            }
            Some(month) => {
                let valid = month.len() == 2 && month.bytes().all(|b| b.is_ascii_digit());
                let month: u32 = month
                    .parse()
                    .ok()
                    .filter(|m| valid && (1..=12).contains(m))
                    .ok_or_else(|| label_error(label, "the month must be 01 to 12"))?;
                Ok(Period::new(Grain::Month, ymd(label, year, month)?, None))
            }
        }
    }
}

fn parse_year(label: &str, text: &str) -> Result<i32> {
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        let year: i32 = text.parse().expect("four ASCII digits");
        if year >= 1000 {
            return Ok(year);
        }
    }
    Err(label_error(label, "the year must have four digits"))
}

fn parse_quarter(label: &str, text: &str) -> Result<u32> {
    match text {
        "1" => Ok(1),
        "2" => Ok(2),
        "3" => Ok(3),
        "4" => Ok(4),
        _ => Err(label_error(label, "the quarter must be Q1 to Q4")),
    }
}

fn ymd(label: &str, year: i32, month: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| label_error(label, "no such date"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn civil_labels() {
        let cal = Calendar::default();
        let q = cal.parse_period("2026-Q3").unwrap();
        assert_eq!((q.start(), q.end()), (date(2026, 7, 1), date(2026, 10, 1)));
        assert_eq!(q.label(), "2026-Q3");
        let m = cal.parse_period("2026-02").unwrap();
        assert_eq!((m.start(), m.end()), (date(2026, 2, 1), date(2026, 3, 1)));
        let y = cal.parse_period("2026").unwrap();
        assert_eq!((y.start(), y.end()), (date(2026, 1, 1), date(2027, 1, 1)));
    }

    #[test]
    fn fiscal_labels_are_named_by_their_end_year() {
        let cal = Calendar::with_fiscal_year_start(4).unwrap();
        let fy = cal.parse_period("FY2027").unwrap();
        assert_eq!((fy.start(), fy.end()), (date(2026, 4, 1), date(2027, 4, 1)));
        let q2 = cal.parse_period("FY2027-Q2").unwrap();
        assert_eq!(
            (q2.start(), q2.end()),
            (date(2026, 7, 1), date(2026, 10, 1))
        );
        assert_eq!(
            cal.period_of(date(2027, 3, 31), Grain::Quarter).label(),
            "FY2027-Q4"
        );
        assert_eq!(
            cal.period_of(date(2026, 4, 1), Grain::Year).label(),
            "FY2027"
        );
    }

    #[test]
    fn bad_labels_are_errors_with_a_code() {
        let cal = Calendar::default();
        for label in [
            "2026-13",
            "2026-Q5",
            "26-01",
            "2026-1",
            "FY27",
            "",
            "2026-03-01",
            "0999",
        ] {
            let err = cal.parse_period(label).unwrap_err();
            assert_eq!(err.code(), "period.invalid_label", "{label}");
        }
        let err = Calendar::with_fiscal_year_start(13).unwrap_err();
        assert_eq!(err.code(), "period.invalid_calendar");
    }

    #[test]
    fn count_within_counts_whole_periods_only() {
        let cal = Calendar::default();
        let q3 = cal.parse_period("2026-Q3").unwrap();
        assert_eq!(cal.count_within(Grain::Month, &q3), Some(3));
        assert_eq!(cal.count_within(Grain::Quarter, &q3), Some(1));
        assert_eq!(cal.count_within(Grain::Year, &q3), None);
        let feb = cal.parse_period("2026-02").unwrap();
        assert_eq!(cal.count_within(Grain::Quarter, &feb), None);
    }

    proptest! {
        #[test]
        fn period_of_contains_the_date_and_round_trips(
            days in 0i64..60_000, start_month in 1u32..=12, grain_index in 0usize..3,
        ) {
            let cal = Calendar::with_fiscal_year_start(start_month).unwrap();
            let d = date(1950, 1, 1) + chrono::Days::new(days as u64);
            let p = cal.period_of(d, Grain::ALL[grain_index]);
            prop_assert!(p.contains(d));
            prop_assert_eq!(cal.parse_period(&p.label()).unwrap(), p);
        }
    }
}
