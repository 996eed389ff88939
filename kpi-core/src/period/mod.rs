//! Periods of time: grains, half-open `[start, end)` periods, their labels, and the calendar
//! that places a date in a period.

mod calendar;

pub use calendar::Calendar;

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// The length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Grain {
    /// A calendar month.
    Month,
    /// Three months, aligned to the calendar's fiscal year start.
    Quarter,
    /// Twelve months, starting in the calendar's fiscal year start month.
    Year,
}

impl Grain {
    /// Every grain, finest first.
    pub const ALL: [Grain; 3] = [Grain::Month, Grain::Quarter, Grain::Year];

    /// The number of months in one period of this grain.
    pub const fn months(self) -> u32 {
        match self {
            Grain::Month => 1,
            Grain::Quarter => 3,
            Grain::Year => 12,
        }
    }

    /// The lowercase name used in plans and labels: `month`, `quarter` or `year`.
    pub const fn name(self) -> &'static str {
        match self {
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
        }
    }

    /// Parses `month`, `quarter` or `year`.
    pub fn parse(text: &str) -> Option<Grain> {
        Grain::ALL.into_iter().find(|g| g.name() == text)
    }
}

impl fmt::Display for Grain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A half-open span of days `[start, end)` of a given grain.
///
/// A quarter or year is either civil (`2026-Q3`, `2026`) or fiscal (`FY2027-Q2`, `FY2027`),
/// in which case it remembers the month its fiscal year starts in, to name itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    grain: Grain,
    start: NaiveDate,
    end: NaiveDate,
    fiscal_start_month: Option<u32>,
}

impl Period {
    /// The period of `grain` that starts on `start`; `fiscal_start_month` is `Some` for a
    /// fiscal quarter or year. Callers guarantee `start` is the first of a month.
    pub(crate) fn new(grain: Grain, start: NaiveDate, fiscal_start_month: Option<u32>) -> Period {
        let end = start + Months::new(grain.months());
        let fiscal_start_month = fiscal_start_month.filter(|_| grain != Grain::Month);
        Period {
            grain,
            start,
            end,
            fiscal_start_month,
        }
    }

    /// Parses a civil label: `2026-03`, `2026-Q1` or `2026`. Fiscal labels (`FY2027-Q2`)
    /// depend on the fiscal year start: parse them with [`Calendar::parse_period`].
    pub fn parse(label: &str) -> Result<Period> {
        Calendar::default().parse_period(label)
    }

    /// The grain of the period.
    pub fn grain(&self) -> Grain {
        self.grain
    }

    /// The first day of the period.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The first day after the period (the period is `[start, end)`).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Whether `date` falls in `[start, end)`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// The period's label: `2026-03`, `2026-Q1`, `2026`, `FY2027` or `FY2027-Q2`.
    ///
    /// Fiscal years are named by the calendar year they end in (April 2026 to March 2027
    /// is FY2027), as pandas and most US companies do.
    pub fn label(&self) -> String {
        let (year, month0) = (self.start.year(), self.start.month0());
        match (self.grain, self.fiscal_start_month) {
            (Grain::Month, _) => format!("{year:04}-{:02}", month0 + 1),
            (Grain::Quarter, None) => format!("{year:04}-Q{}", month0 / 3 + 1),
            (Grain::Year, None) => format!("{year:04}"),
            (Grain::Quarter, Some(first_month)) => {
                let offset = (month0 + 12 - (first_month - 1)) % 12;
                let fiscal_year_start = self.start - Months::new(offset);
                let name = fiscal_year_name(fiscal_year_start);
                format!("FY{name:04}-Q{}", offset / 3 + 1)
            }
            (Grain::Year, Some(_)) => format!("FY{:04}", fiscal_year_name(self.start)),
        }
    }
}

/// The name of the fiscal year that starts on `start`: the civil year of its last day.
fn fiscal_year_name(start: NaiveDate) -> i32 {
    (start + Months::new(12))
        .pred_opt()
        .map_or(start.year(), |d| d.year())
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

pub(crate) fn label_error(label: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::PeriodInvalidLabel,
        format!(
            "cannot read period label `{label}`: {why}; expected one of 2026-03, 2026-Q1, 2026, FY2027, FY2027-Q2"
        ),
    )
}

/// The serialised form of a period: label, grain and the half-open bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PeriodInfo {
    /// The label, for example `2026-Q3`.
    pub label: String,
    /// The grain.
    pub grain: Grain,
    /// First day, inclusive (`YYYY-MM-DD`).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub start: NaiveDate,
    /// First day after the period, exclusive (`YYYY-MM-DD`).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub end: NaiveDate,
}

impl From<&Period> for PeriodInfo {
    fn from(p: &Period) -> Self {
        PeriodInfo {
            label: p.label(),
            grain: p.grain,
            start: p.start,
            end: p.end,
        }
    }
}
