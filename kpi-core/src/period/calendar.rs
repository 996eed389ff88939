//! The plan's calendar: fiscal year, week start, retail structure, time zone and business
//! days; and the lookups, windows and fractions built on it.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::retail::{RetailCalendar, weekday_name};
use super::scheme::Scheme;
use super::{Grain, Period, add_days, check_date, day_number, label, out_of_range};
use crate::error::{Error, ErrorKind, Result};

/// How fiscal years are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum FiscalYearName {
    /// By the civil year the fiscal year ends in: April 2026–March 2027 is FY2027 (pandas'
    /// convention, and most US companies').
    #[default]
    End,
    /// By the civil year it begins in: April 2026–March 2027 is FY2026 (the NRF convention
    /// for retail years).
    Start,
}

crate::shape::by_name!(FiscalYearName { "end" => End, "start" => Start });

/// Which days count when measuring how much of a period has elapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum DayBasis {
    /// Every calendar day.
    Calendar,
    /// Days that are neither weekend days nor holidays.
    Business,
}

crate::shape::by_name!(DayBasis { "calendar" => Calendar, "business" => Business });

impl DayBasis {
    /// Parses `calendar` or `business`.
    pub fn from_name(text: &str) -> Result<DayBasis> {
        match text {
            "calendar" => Ok(DayBasis::Calendar),
            "business" => Ok(DayBasis::Business),
            _ => Err(Error::new(
                ErrorKind::PeriodUnknownGrain,
                format!("`{text}` is not a day basis: use calendar or business"),
            )),
        }
    }
}

/// The calendar of a plan, under `[calendar]`.
///
/// ```toml
/// [calendar]
/// fiscal_year_start_month = 4      # April–March
/// fiscal_year_named_by = "end"     # April 2026–March 2027 is FY2027
/// week_start = "monday"            # ISO weeks
/// timezone = "Asia/Shanghai"       # timestamps become local dates here
/// weekend = ["saturday", "sunday"]
/// holidays = ["2026-10-01", "2026-10-02"]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
// `Calendar` is the JavaScript class; its settings object is `CalendarSettings`.
#[cfg_attr(feature = "typescript", tsify(rename = "CalendarSettings"))]
pub struct Calendar {
    /// The month (1–12) the fiscal year starts in; 1 (January) when omitted. Ignored by a
    /// retail calendar, whose year is set by `retail`.
    #[serde(default = "Calendar::default_start_month")]
    pub fiscal_year_start_month: u32,
    /// Whether fiscal years are named by the year they end in (default) or begin in.
    #[serde(default)]
    pub fiscal_year_named_by: FiscalYearName,
    /// The first day of a week; Monday (ISO weeks) when omitted.
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Weekday"))]
    #[serde(default = "Calendar::default_week_start", with = "weekday_name")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub week_start: Weekday,
    /// An IANA time zone (`Asia/Shanghai`); timestamps become local dates in it. UTC when
    /// omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub timezone: Option<String>,
    /// A 52/53-week retail calendar, when the business uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub retail: Option<RetailCalendar>,
    /// Weekend days, for business-day counts; Saturday and Sunday when omitted.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Vec<crate::hand_schemas::Weekday>")
    )]
    #[serde(default = "Calendar::default_weekend", with = "weekday_name::list")]
    #[cfg_attr(feature = "typescript", tsify(type = "string[]"))]
    pub weekend: Vec<Weekday>,
    /// Holidays, for business-day counts.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<crate::hand_schemas::Date>"))]
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::date_text::list"
    )]
    #[cfg_attr(feature = "typescript", tsify(type = "string[]", optional))]
    pub holidays: Vec<NaiveDate>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            fiscal_year_start_month: Self::default_start_month(),
            fiscal_year_named_by: FiscalYearName::End,
            week_start: Weekday::Mon,
            timezone: None,
            retail: None,
            weekend: Self::default_weekend(),
            holidays: Vec::new(),
        }
    }
}

/// Periods for a column of dates: each date's index into `periods`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodIndex {
    /// The distinct periods, in time order, from the earliest date's to the latest's.
    pub periods: Vec<Period>,
    /// For each input date, the index of its period in `periods`.
    pub index: Vec<u32>,
}

impl Calendar {
    const fn default_start_month() -> u32 {
        1
    }

    const fn default_week_start() -> Weekday {
        Weekday::Mon
    }

    fn default_weekend() -> Vec<Weekday> {
        vec![Weekday::Sat, Weekday::Sun]
    }

    /// A calendar whose fiscal year starts in `month` (1–12).
    pub fn with_fiscal_year_start(month: u32) -> Result<Calendar> {
        let calendar = Calendar {
            fiscal_year_start_month: month,
            ..Calendar::default()
        };
        calendar.validate()?;
        Ok(calendar)
    }

    /// Reads a calendar from its JSON form (the `[calendar]` table of a plan) and checks
    /// it. Errors name the field (`calendar.week_start`).
    pub fn from_json_value(value: serde_json::Value) -> Result<Calendar> {
        let calendar: Calendar = crate::path_de::deserialize(value).map_err(|e| {
            Error::new(ErrorKind::PeriodInvalidCalendar, e.inner().to_string())
                .at_path(format!("calendar.{}", e.path()))
        })?;
        calendar.validate()?;
        Ok(calendar)
    }

    /// Checks the settings: month ranges, the retail settings, the time zone name and
    /// that holidays are supported days (`period.out_of_range` otherwise). Errors carry
    /// the plan path of the field.
    pub fn validate(&self) -> Result<()> {
        if !(1..=12).contains(&self.fiscal_year_start_month) {
            return Err(Error::new(
                ErrorKind::PeriodInvalidCalendar,
                format!(
                    "fiscal_year_start_month must be 1 to 12, not {}",
                    self.fiscal_year_start_month
                ),
            )
            .at_path("calendar.fiscal_year_start_month"));
        }
        if let Some(retail) = &self.retail {
            retail.validate()?;
        }
        for (i, day) in self.holidays.iter().enumerate() {
            check_date(*day).map_err(|e| e.at_path(format!("calendar.holidays[{i}]")))?;
        }
        self.time_zone()?;
        Ok(())
    }

    fn time_zone(&self) -> Result<crate::zone::Zone> {
        let name = self.timezone.as_deref().unwrap_or("UTC");
        crate::zone::Zone::parse(name).ok_or_else(|| {
            Error::new(
                ErrorKind::PeriodUnknownTimezone,
                format!("`{name}` is not an IANA time zone name (for example Asia/Shanghai)"),
            )
            .at_path("calendar.timezone")
        })
    }

    pub(crate) fn scheme(&self) -> Scheme {
        let civil = Scheme {
            week_start: self.week_start,
            ..Scheme::CIVIL
        };
        if self.retail.is_none() && self.fiscal_year_start_month == 1 {
            civil
        } else {
            self.fiscal_scheme()
        }
    }

    fn fiscal_scheme(&self) -> Scheme {
        Scheme {
            fiscal: true,
            start_month: if self.retail.is_some() {
                1
            } else {
                self.fiscal_year_start_month.clamp(1, 12)
            },
            named_by_end: self.fiscal_year_named_by == FiscalYearName::End,
            week_start: self.week_start,
            retail: self.retail,
        }
    }

    /// The period of `grain` that contains `date`, in O(1); `period.out_of_range` when
    /// that period starts before 1000-01-01 or ends after 9999-12-31.
    pub fn period_of(&self, date: NaiveDate, grain: Grain) -> Result<Period> {
        self.scheme().locate(date, grain)
    }

    /// Parses a period label.
    ///
    /// Civil labels: `2026-03-15`, `2026-W05` (weeks from `week_start`, numbered as ISO
    /// 8601 numbers them), `2026-03`, `2026-Q1`, `2026-H1`, `2026`. Fiscal labels, following
    /// `fiscal_year_named_by`: `FY2027`, `FY2027-H1`, `FY2027-Q2`, `FY2027-M03`, and in a
    /// retail calendar `FY2027-W05`. Spans: `FY2027..FY2029`, `2026-01..2026-03`. Ranges:
    /// `2024-01-01..2024-04-01` (end exclusive).
    ///
    /// Any text is accepted: a label that does not parse is `period.invalid_label` (the
    /// message says why, and which forms exist), one whose period lies outside the
    /// supported range (`FY9999`, `0999-12`) is `period.out_of_range`.
    pub fn parse_period(&self, label: &str) -> Result<Period> {
        self.validate()?;
        let own = self.scheme();
        let schemes = label::Schemes {
            own,
            civil: own.civil(),
            fiscal: self.fiscal_scheme(),
        };
        label::parse(schemes, label)
    }

    /// The to-date window of `grain` as of `as_of`: from the start of the period of
    /// `grain` that holds `as_of`, through `as_of` (month-, quarter-, year-to-date; the
    /// year is fiscal when the calendar is). `as_of` must be a supported day.
    pub fn to_date(&self, as_of: NaiveDate, grain: Grain) -> Result<Period> {
        let period = self.period_of(check_date(as_of)?, grain)?;
        Period::range(period.start(), add_days(as_of, 1)?)
    }

    /// Whether `date` is a business day: not a weekend day, not a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !self.weekend.contains(&date.weekday()) && !self.holidays.contains(&date)
    }

    /// The number of days of `basis` in `[start, end)` (0 when `end <= start`), in O(1)
    /// plus a pass over the holidays, for any two dates.
    pub fn count_days(&self, start: NaiveDate, end: NaiveDate, basis: DayBasis) -> u32 {
        // chrono's dates span about 525,000 years: fewer than 2^32 days.
        let days = u32::try_from(super::days_between(start, end).max(0)).unwrap_or(u32::MAX);
        if basis == DayBasis::Calendar || days == 0 {
            return days;
        }
        let is_weekend = |day: Weekday| self.weekend.contains(&day);
        let working_per_week = (0..7u8)
            .filter_map(|d| Weekday::try_from(d).ok())
            .filter(|d| !is_weekend(*d))
            .count() as u32;
        // Whole weeks, then the days left over, whose weekdays follow `start`'s.
        let (weeks, rest) = (days / 7, days % 7);
        let mut working = weeks * working_per_week;
        let mut weekday = start.weekday();
        for _ in 0..rest {
            working += u32::from(!is_weekend(weekday));
            weekday = weekday.succ();
        }
        let mut holidays: Vec<NaiveDate> = self
            .holidays
            .iter()
            .copied()
            .filter(|d| start <= *d && *d < end && !is_weekend(d.weekday()))
            .collect();
        holidays.sort_unstable();
        holidays.dedup();
        working - holidays.len() as u32
    }

    /// How much of `period` has elapsed at the end of day `as_of`: elapsed days / days,
    /// counting calendar or business days. 0 before the period, 1 from its last day on;
    /// `None` when the period has no day of that basis (a holiday-only week).
    pub fn elapsed_fraction(
        &self,
        period: &Period,
        as_of: NaiveDate,
        basis: DayBasis,
    ) -> Option<Decimal> {
        let total = self.count_days(period.start(), period.end(), basis);
        let through = as_of
            .succ_opt()
            .map_or(period.end(), |day| day.clamp(period.start(), period.end()));
        let elapsed = self.count_days(period.start(), through, basis);
        crate::decimal::ratio(Decimal::from(elapsed), Decimal::from(total))
    }

    /// The local date, in the calendar's time zone, of an instant; `period.out_of_range`
    /// when that is not a supported day.
    pub fn local_date<Tz: TimeZone>(&self, instant: &DateTime<Tz>) -> Result<NaiveDate> {
        let utc = instant.with_timezone(&chrono::Utc);
        let day = self
            .time_zone()?
            .local_date(utc)
            .ok_or_else(|| out_of_range(format_args!("the instant {utc}")))?;
        check_date(day).map_err(|_| {
            out_of_range(format_args!(
                "the instant {utc}, on {day} in {},",
                self.timezone.as_deref().unwrap_or("UTC")
            ))
        })
    }

    /// The local date of a Unix timestamp in milliseconds (as Fxiaoke and JavaScript give).
    pub fn local_date_of_millis(&self, millis: i64) -> Result<NaiveDate> {
        let instant = DateTime::from_timestamp_millis(millis)
            .ok_or_else(|| out_of_range(format_args!("the timestamp {millis} ms")))?;
        self.local_date(&instant)
    }

    /// The local date of an RFC 3339 timestamp with an offset (`2026-03-31T23:30:00-08:00`).
    pub fn local_date_of_rfc3339(&self, text: &str) -> Result<NaiveDate> {
        let instant = super::rfc3339::instant(text).ok_or_else(|| {
            Error::new(
                ErrorKind::DataUnsupportedValue,
                format!(
                    "`{}` is not an RFC 3339 timestamp with an offset (such as 2026-03-31T23:30:00-08:00)",
                    super::shown(text)
                ),
            )
        })?;
        self.local_date(&instant)
    }

    /// Maps a column of day numbers (days since 1970-01-01) to periods of `grain` in bulk:
    /// one table lookup per date, after building a table over the column's date range.
    pub fn index_days(&self, days: &[i32], grain: Grain) -> Result<PeriodIndex> {
        let (Some(&min), Some(&max)) = (days.iter().min(), days.iter().max()) else {
            return Ok(PeriodIndex {
                periods: Vec::new(),
                index: Vec::new(),
            });
        };
        // Both ends are supported days, so the table below is at most 9,000 years long.
        let day_of = |day: i32| {
            super::date_of_day_number(day)
                .ok_or_else(|| out_of_range(format_args!("day number {day}")))
                .and_then(check_date)
        };
        let first_day = day_of(min)?;
        day_of(max)?;
        let mut periods = Vec::new();
        let mut table: Vec<u32> = Vec::with_capacity((max - min) as usize + 1);
        let mut period = self.period_of(first_day, grain)?;
        let mut day = min;
        while day <= max {
            let period_end = day_number(period.end());
            let slot = periods.len() as u32;
            while day <= max && day < period_end {
                table.push(slot);
                day += 1;
            }
            periods.push(period);
            if day <= max {
                period = period.next()?;
            }
        }
        let index = days.iter().map(|&d| table[(d - min) as usize]).collect();
        Ok(PeriodIndex { periods, index })
    }

    /// How many whole periods of `grain` tile `period` exactly, or `None` when `period`
    /// does not start and end on `grain` boundaries of this calendar.
    pub fn count_within(&self, grain: Grain, period: &Period) -> Option<u32> {
        let mut current = self.period_of(period.start(), grain).ok()?;
        if current.start() != period.start() {
            return None;
        }
        let mut count = 1;
        while current.end() < period.end() {
            current = self.period_of(current.end(), grain).ok()?;
            count += 1;
        }
        (current.end() == period.end()).then_some(count)
    }
}
