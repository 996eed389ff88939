//! How a calendar cuts time: where a date's period of each grain starts and ends, and how
//! periods step to their neighbours. Every lookup is O(1) arithmetic.

use chrono::{Datelike, NaiveDate, Weekday};

use super::retail::RetailCalendar;
use super::{
    Grain, Period, Shape, add_days, add_months, days_between, out_of_range, weeks_between,
};
use crate::error::Result;

/// The part of a calendar that periods carry with them: enough to label themselves and
/// to step, but not holidays or the time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Scheme {
    /// Quarters, halves and years are labelled `FY…`.
    pub fiscal: bool,
    /// The month (1–12) a non-retail fiscal year starts in; 1 when civil.
    pub start_month: u32,
    /// Fiscal years are named by the civil year they end in (else: begin in).
    pub named_by_end: bool,
    /// The first day of a week.
    pub week_start: Weekday,
    /// The retail calendar, if any: then weeks, months, quarters, halves and years are
    /// its 52/53-week structure.
    pub retail: Option<RetailCalendar>,
}

impl Scheme {
    pub(crate) const CIVIL: Scheme = Scheme {
        fiscal: false,
        start_month: 1,
        named_by_end: true,
        week_start: Weekday::Mon,
        retail: None,
    };

    /// The civil scheme with this scheme's week start.
    pub(crate) fn civil(self) -> Scheme {
        Scheme {
            week_start: self.week_start,
            ..Scheme::CIVIL
        }
    }

    /// The period of `grain` that contains `date`; `period.out_of_range` when that
    /// period is not inside the supported range.
    pub(crate) fn locate(self, date: NaiveDate, grain: Grain) -> Result<Period> {
        let (start, end) = self
            .bounds(date, grain)
            .ok_or_else(|| out_of_range(format_args!("the {grain} that holds {date}")))?;
        // A period of 9999 may belong to a fiscal year named 10000, which has no label.
        if start.year() >= 9999
            && let Some(name) = fiscal_year_name(self, grain, start)
            && name > 9999
        {
            return Err(out_of_range(format_args!(
                "the {grain} of fiscal year {name}"
            )));
        }
        Period::checked(Shape::Regular(grain), start, end, self)
    }

    fn bounds(self, date: NaiveDate, grain: Grain) -> Option<(NaiveDate, NaiveDate)> {
        if grain == Grain::Day {
            return Some((date, date.succ_opt()?));
        }
        if let Some(retail) = self.retail {
            return retail_bounds(&retail, date, grain);
        }
        if grain == Grain::Week {
            let back = date.weekday().days_since(self.week_start);
            let start = date.checked_sub_days(chrono::Days::new(u64::from(back)))?;
            return Some((start, start.checked_add_days(chrono::Days::new(7))?));
        }
        let first_of_month = date.with_day(1)?;
        let months_into_year = (date.month0() + 12 - (self.start_month - 1)) % 12;
        let back = months_into_year % grain.months();
        let start = first_of_month.checked_sub_months(chrono::Months::new(back))?;
        Some((
            start,
            start.checked_add_months(chrono::Months::new(grain.months()))?,
        ))
    }

    /// The period `n` periods of `grain` after the one starting on `start`, in O(1) for
    /// every grain and `n`.
    pub(crate) fn shift(self, grain: Grain, start: NaiveDate, n: i64) -> Result<Period> {
        let too_far = || out_of_range(format_args!("{n} {grain}s from {start}"));
        match (grain, self.retail) {
            (Grain::Day, _) => self.locate(add_days(start, n)?, grain),
            // Weeks are seven-day blocks in every calendar (a retail year is whole weeks).
            (Grain::Week, _) => {
                let days = n.checked_mul(7).ok_or_else(too_far)?;
                self.locate(add_days(start, days)?, grain)
            }
            (_, None) => {
                let months = n
                    .checked_mul(i64::from(grain.months()))
                    .ok_or_else(too_far)?;
                self.locate(add_months(start, months)?, grain)
            }
            (_, Some(retail)) => {
                let target = self
                    .ordinal(grain, start)?
                    .checked_add(n)
                    .ok_or_else(too_far)?;
                let per_year = i64::from(12 / grain.months());
                let year = i32::try_from(target.div_euclid(per_year)).map_err(|_| too_far())?;
                let index = target.rem_euclid(per_year) as u32;
                let (year_start, year_end) = retail.year_bounds(year).ok_or_else(too_far)?;
                let weeks = weeks_between(year_start, year_end);
                let week =
                    cumulative(&retail.month_weeks(weeks))[(index * grain.months()) as usize];
                self.locate(add_days(year_start, 7 * i64::from(week))?, grain)
            }
        }
    }

    /// The place of the period of `grain` that starts on `start` on this scheme's
    /// timeline: consecutive periods have consecutive ordinals (weeks and days count
    /// days, so their ordinals differ by 7 and 1 in the same way).
    pub(crate) fn ordinal(self, grain: Grain, start: NaiveDate) -> Result<i64> {
        let days = i64::from(start.num_days_from_ce());
        Ok(match (grain, self.retail) {
            (Grain::Day, _) => days,
            (Grain::Week, _) => days.div_euclid(7),
            (_, None) => {
                let months = i64::from(start.year()) * 12 + i64::from(start.month0());
                months.div_euclid(i64::from(grain.months()))
            }
            (_, Some(retail)) => {
                let (year, year_start, year_end) = retail
                    .year_of(start)
                    .ok_or_else(|| out_of_range(format_args!("the {grain} that holds {start}")))?;
                let per_year = i64::from(12 / grain.months());
                let weeks = weeks_between(year_start, year_end);
                let week = weeks_between(year_start, start);
                let month = month_index(&retail.month_weeks(weeks), week) as u32;
                i64::from(year) * per_year + i64::from(month / grain.months())
            }
        })
    }

    /// How many periods of `grain` run from the one starting on `first` through the one
    /// starting on `last` (both included); `first <= last`.
    pub(crate) fn count(self, grain: Grain, first: NaiveDate, last: NaiveDate) -> Result<i64> {
        let distance = self.ordinal(grain, last)? - self.ordinal(grain, first)?;
        Ok(distance + 1)
    }

    /// `count` consecutive periods of `grain` from the one containing `start`, as one span
    /// (a single period when `count` is 1).
    /// A span of days is the date range of those days: its label then reads back.
    pub(crate) fn span(self, grain: Grain, start: NaiveDate, count: u32) -> Result<Period> {
        let first = self.locate(start, grain)?;
        if count <= 1 {
            return Ok(first);
        }
        let last = self.shift(grain, first.start, i64::from(count - 1))?;
        if grain == Grain::Day {
            return Period::range(first.start, last.end);
        }
        Period::checked(
            Shape::Span { grain, count },
            first.start,
            last.end,
            first.scheme,
        )
    }

    /// The period of `grain` one year before the one starting on `start`.
    pub(crate) fn same_period_last_year(self, grain: Grain, start: NaiveDate) -> Result<Period> {
        match (grain, self.retail) {
            (Grain::Day, _) => self.locate(add_months(start, -12)?, grain),
            (Grain::Week, None) => {
                let (year, number) = self.week_number(start)?;
                let weeks = self.weeks_in_week_year(year - 1)?;
                let first = self.week_one(year - 1)?;
                self.locate(
                    add_days(first, 7 * i64::from(number.min(weeks) - 1))?,
                    grain,
                )
            }
            (_, None) => self.shift(grain, start, -i64::from(12 / grain.months())),
            (_, Some(retail)) => {
                let beyond = || out_of_range(format_args!("the year before {start}"));
                let (year, year_start, _) = retail.year_of(start).ok_or_else(beyond)?;
                let (prev_start, prev_end) = retail.year_bounds(year - 1).ok_or_else(beyond)?;
                let week_index = weeks_between(year_start, start);
                let prev_weeks = weeks_between(prev_start, prev_end);
                let target_week = match grain {
                    Grain::Week => week_index.min(prev_weeks - 1),
                    Grain::Year => 0,
                    _ => {
                        let weeks = weeks_between(
                            year_start,
                            retail.year_bounds(year).ok_or_else(beyond)?.1,
                        );
                        let month = month_index(&retail.month_weeks(weeks), week_index);
                        let cumulative = cumulative(&retail.month_weeks(prev_weeks));
                        cumulative[month]
                    }
                };
                self.locate(add_days(prev_start, 7 * i64::from(target_week))?, grain)
            }
        }
    }

    /// The first day of week 1 of week-year `year`: the week that contains 4 January
    /// (ISO 8601 when weeks start on Monday).
    pub(crate) fn week_one(self, year: i32) -> Result<NaiveDate> {
        let jan4 = NaiveDate::from_ymd_opt(year, 1, 4)
            .ok_or_else(|| out_of_range(format_args!("week 1 of {year}")))?;
        let (start, _) = self
            .civil()
            .bounds(jan4, Grain::Week)
            .ok_or_else(|| out_of_range(format_args!("week 1 of {year}")))?;
        Ok(start)
    }

    /// The week-year and week number (from 1) of the week starting on `start`: a week
    /// belongs to the year that holds its fourth day.
    pub(crate) fn week_number(self, start: NaiveDate) -> Result<(i32, u32)> {
        let year = add_days(start, 3)?.year();
        let number = days_between(self.week_one(year)?, start) / 7 + 1;
        Ok((year, number as u32))
    }

    /// How many weeks week-year `year` has: 52 or 53.
    pub(crate) fn weeks_in_week_year(self, year: i32) -> Result<u32> {
        Ok(weeks_between(
            self.week_one(year)?,
            self.week_one(year + 1)?,
        ))
    }
}

/// Cumulative week counts at the start of each retail month (13 entries).
pub(crate) fn cumulative(month_weeks: &[u32; 12]) -> [u32; 13] {
    let mut out = [0; 13];
    for (i, weeks) in month_weeks.iter().enumerate() {
        out[i + 1] = out[i] + weeks;
    }
    out
}

/// The retail month (0–11) that holds week `week` (from 0) of the year.
pub(crate) fn month_index(month_weeks: &[u32; 12], week: u32) -> usize {
    let cumulative = cumulative(month_weeks);
    (0..12).find(|&m| week < cumulative[m + 1]).unwrap_or(11)
}

fn retail_bounds(
    retail: &RetailCalendar,
    date: NaiveDate,
    grain: Grain,
) -> Option<(NaiveDate, NaiveDate)> {
    let (_, year_start, year_end) = retail.year_of(date)?;
    let week = weeks_between(year_start, date);
    let at_week = |w: u32| year_start.checked_add_days(chrono::Days::new(u64::from(w) * 7));
    let months_per = match grain {
        Grain::Day => return Some((date, date.succ_opt()?)),
        Grain::Week => return Some((at_week(week)?, at_week(week + 1)?)),
        Grain::Year => return Some((year_start, year_end)),
        Grain::Month => 1,
        Grain::Quarter => 3,
        Grain::Half => 6,
    };
    let weeks = weeks_between(year_start, year_end);
    let month_weeks = retail.month_weeks(weeks);
    let cumulative = cumulative(&month_weeks);
    let first_month = month_index(&month_weeks, week) / months_per * months_per;
    Some((
        at_week(cumulative[first_month])?,
        at_week(cumulative[first_month + months_per])?,
    ))
}

/// The year in the `FY…` label of the period of `grain` that starts on `start`, when it
/// has one: retail periods but days, and fiscal quarters, halves and years.
pub(crate) fn fiscal_year_name(scheme: Scheme, grain: Grain, start: NaiveDate) -> Option<i32> {
    if grain == Grain::Day {
        return None;
    }
    if let Some(retail) = scheme.retail {
        return retail
            .year_of(start)
            .map(|(year, ..)| retail_name(scheme, year));
    }
    if !scheme.fiscal || matches!(grain, Grain::Week | Grain::Month) {
        return None;
    }
    Some(fiscal_name(scheme, start))
}

/// The name of the non-retail fiscal year that holds `day`: the civil year it starts in,
/// or (named by its end, not starting in January) the next.
pub(crate) fn fiscal_name(scheme: Scheme, day: NaiveDate) -> i32 {
    let start_year = if day.month() >= scheme.start_month {
        day.year()
    } else {
        day.year() - 1
    };
    if scheme.named_by_end && scheme.start_month != 1 {
        start_year + 1
    } else {
        start_year
    }
}

/// The name of the retail year whose nominal end month is in civil year `year`.
pub(crate) fn retail_name(scheme: Scheme, year: i32) -> i32 {
    match scheme.retail {
        Some(retail) if !scheme.named_by_end && retail.month != 12 => year - 1,
        _ => year,
    }
}
