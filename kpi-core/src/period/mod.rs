//! Periods of time: grains, half-open `[start, end)` periods and their labels, and the
//! calendar (fiscal, retail 52/53-week, ISO weeks, time zone, business days) that places
//! dates in them. See `docs/periods.md` for every convention.

mod calendar;
mod label;
mod retail;
pub(crate) mod rfc3339;
mod scheme;
mod words;

pub use calendar::{Calendar, DayBasis, FiscalYearName, PeriodIndex};
pub use retail::{RetailCalendar, WeekPattern, YearEnd};
pub use words::{date_in, label_in};

use std::fmt;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use scheme::Scheme;

/// The first supported day. Facts, as-of days, holidays and periods start on or after it.
pub const MIN_DATE: NaiveDate = NaiveDate::from_ymd_opt(1000, 1, 1).expect("a valid date");

/// The last supported day of a fact or an as-of day. Every period that contains a supported
/// day (its year, fiscal year, retail year …) then ends by 9999-12-31, so its bounds are
/// dates in Python (`datetime.date`) and JavaScript alike, and its label has a four-digit
/// year that parses back.
pub const MAX_DATE: NaiveDate = NaiveDate::from_ymd_opt(9998, 12, 31).expect("a valid date");

/// The latest (exclusive) end of a period.
pub const MAX_PERIOD_END: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

/// The supported range, as messages state it.
pub(crate) const SUPPORTED: &str =
    "kpi reads days from 1000-01-01 to 9998-12-31, and periods that end by 9999-12-31";

/// `date` when it is a supported day ([`MIN_DATE`] through [`MAX_DATE`]): the rule for
/// every date kpi is given as data (a fact's date, an as-of day, a holiday, a date in a
/// plan). Otherwise `period.out_of_range`.
pub fn check_date(date: NaiveDate) -> Result<NaiveDate> {
    if (MIN_DATE..=MAX_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(out_of_range(format_args!("the date {date}")))
    }
}

/// `date` when it can end a half-open span of supported days (exclusive, like a period's
/// end): after [`MIN_DATE`] and at most [`MAX_PERIOD_END`]. Otherwise `period.out_of_range`.
pub(crate) fn check_end(date: NaiveDate) -> Result<NaiveDate> {
    if MIN_DATE < date && date <= MAX_PERIOD_END {
        Ok(date)
    } else {
        Err(out_of_range(format_args!("the end date {date}")))
    }
}

/// An out-of-range error of a step from a period, said in that period's terms (`what`);
/// other errors as they are.
fn moved_out(error: Error, what: fmt::Arguments<'_>) -> Error {
    if error.kind() == ErrorKind::PeriodOutOfRange {
        out_of_range(what)
    } else {
        error
    }
}

/// `period.out_of_range`: `what` lies outside the supported range.
pub(crate) fn out_of_range(what: impl fmt::Display) -> Error {
    Error::new(
        ErrorKind::PeriodOutOfRange,
        format!("{what} is outside the supported range: {SUPPORTED}"),
    )
}

/// The length of a regular period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Grain {
    /// One day.
    Day,
    /// Seven days from the calendar's week start (ISO weeks when that is Monday), or a week
    /// of the retail year.
    Week,
    /// A civil month, or a 4- or 5-week period of a retail calendar.
    Month,
    /// Three months, aligned to the fiscal year.
    Quarter,
    /// Six months (two quarters), aligned to the fiscal year.
    Half,
    /// A fiscal (or civil) year; 52 or 53 weeks in a retail calendar.
    Year,
}

impl Grain {
    /// Every grain, finest first.
    pub const ALL: [Grain; 6] = [
        Grain::Day,
        Grain::Week,
        Grain::Month,
        Grain::Quarter,
        Grain::Half,
        Grain::Year,
    ];

    /// The lowercase name used in plans: `day`, `week`, `month`, `quarter`, `half`, `year`.
    pub const fn name(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Half => "half",
            Grain::Year => "year",
        }
    }

    /// Parses a grain name.
    pub fn parse(text: &str) -> Option<Grain> {
        Grain::ALL.into_iter().find(|g| g.name() == text)
    }

    /// Parses a grain name, or explains which names exist.
    pub fn from_name(text: &str) -> Result<Grain> {
        Grain::parse(text)
            .ok_or_else(|| Error::new(ErrorKind::PeriodUnknownGrain, Grain::unknown(text)))
    }

    /// Why `text` is not a grain, with the grain it probably means (`monthly`: `month`).
    pub(crate) fn unknown(text: &str) -> String {
        let names = "day, week, month, quarter, half or year";
        match Grain::hint(text) {
            Some(grain) => format!("`{}` is not a grain: use `{grain}` ({names})", shown(text)),
            None => format!("`{}` is not a grain: use {names}", shown(text)),
        }
    }

    /// The grain a word that is not a grain name probably means: `monthly`, `Month` and
    /// `months` mean `month`; `annual` means `year`.
    pub(crate) fn hint(text: &str) -> Option<Grain> {
        let word: String = text
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let word = word.as_str();
        if word.is_empty() {
            return None;
        }
        match word {
            "daily" | "days" => return Some(Grain::Day),
            "annual" | "annually" | "yearly" | "years" => return Some(Grain::Year),
            "semiannual" | "semiannually" | "halfyear" | "halfyearly" | "biannual" => {
                return Some(Grain::Half);
            }
            _ => {}
        }
        Grain::ALL
            .into_iter()
            .find(|g| word.starts_with(g.name()) || (word.len() >= 3 && g.name().starts_with(word)))
    }

    /// A label of one period of this grain, for messages.
    pub(crate) const fn example(self) -> &'static str {
        match self {
            Grain::Day => "2026-03-15",
            Grain::Week => "2026-W05",
            Grain::Month => "2026-03",
            Grain::Quarter => "2026-Q1 or FY2027-Q2",
            Grain::Half => "2026-H1",
            Grain::Year => "2026 or FY2027",
        }
    }

    /// Months in one period of a month-based grain (civil and fiscal calendars).
    pub(crate) const fn months(self) -> u32 {
        match self {
            Grain::Day | Grain::Week | Grain::Month => 1,
            Grain::Quarter => 3,
            Grain::Half => 6,
            Grain::Year => 12,
        }
    }
}

/// A grain is read from its name; other text is an error that says which grain it
/// probably means (`monthly`: use `month`).
impl<'de> Deserialize<'de> for Grain {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Grain, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Grain::parse(&text).ok_or_else(|| serde::de::Error::custom(Grain::unknown(&text)))
    }
}

impl fmt::Display for Grain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of period: one regular grain, a span of several, or any date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum PeriodKind {
    /// A day.
    Day,
    /// A week.
    Week,
    /// A month.
    Month,
    /// A quarter.
    Quarter,
    /// A half year.
    Half,
    /// A year.
    Year,
    /// Several consecutive periods of one grain, such as a three-year plan `FY2027..FY2029`.
    Span,
    /// Any half-open date range, such as `2024-01-01..2024-04-01` or a to-date window.
    Range,
}

crate::shape::by_name!(PeriodKind { "day" => Day, "week" => Week, "month" => Month, "quarter" => Quarter, "half" => Half, "year" => Year, "span" => Span, "range" => Range });

impl PeriodKind {
    /// The lowercase name: a grain name, `span` or `range`.
    pub const fn name(self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::Year => "year",
            PeriodKind::Span => "span",
            PeriodKind::Range => "range",
        }
    }
}

impl From<Grain> for PeriodKind {
    fn from(grain: Grain) -> Self {
        match grain {
            Grain::Day => PeriodKind::Day,
            Grain::Week => PeriodKind::Week,
            Grain::Month => PeriodKind::Month,
            Grain::Quarter => PeriodKind::Quarter,
            Grain::Half => PeriodKind::Half,
            Grain::Year => PeriodKind::Year,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    Regular(Grain),
    Span { grain: Grain, count: u32 },
    Range,
}

/// A half-open span of days `[start, end)`: a regular period of a grain, a span of
/// several, or a date range. It remembers how its calendar names periods, so it can label
/// itself and step to its neighbours without the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    shape: Shape,
    start: NaiveDate,
    end: NaiveDate,
    scheme: Scheme,
}

impl Period {
    /// Parses a civil label (`2026-03`, `2026-Q1`, `2026-W05`, …) with the default calendar.
    /// Fiscal and retail labels depend on the calendar: use [`Calendar::parse_period`].
    pub fn parse(label: &str) -> Result<Period> {
        Calendar::default().parse_period(label)
    }

    /// The range `[start, end)`; an error when `end <= start`, and `period.out_of_range`
    /// when it starts before [`MIN_DATE`] or ends after [`MAX_PERIOD_END`].
    pub fn range(start: NaiveDate, end: NaiveDate) -> Result<Period> {
        if end <= start {
            return Err(Error::new(
                ErrorKind::PeriodInvalidLabel,
                format!("a range must end after it starts: {start}..{end}"),
            ));
        }
        Period::checked(Shape::Range, start, end, Scheme::CIVIL)
    }

    /// A period, when it lies in the supported range: every period kpi makes is built
    /// here, so every one has a label with four-digit years and dates that Python and
    /// JavaScript can hold.
    fn checked(shape: Shape, start: NaiveDate, end: NaiveDate, scheme: Scheme) -> Result<Period> {
        if start < MIN_DATE || end > MAX_PERIOD_END {
            let what = match shape {
                Shape::Regular(grain) | Shape::Span { grain, .. } => {
                    format!("the {grain} from {start} to {end} (exclusive)")
                }
                Shape::Range => format!("the range from {start} to {end} (exclusive)"),
            };
            return Err(out_of_range(what));
        }
        Ok(Period {
            shape,
            start,
            end,
            scheme,
        })
    }

    /// The first day of the period.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The first day after the period (the period is `[start, end)`).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The last day in the period (`end - 1`).
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.start)
    }

    /// The number of days in the period.
    pub fn days(&self) -> u32 {
        days_between(self.start, self.end) as u32
    }

    /// The grain of a regular period or of a span's parts; `None` for a date range.
    pub fn grain(&self) -> Option<Grain> {
        match self.shape {
            Shape::Regular(grain) | Shape::Span { grain, .. } => Some(grain),
            Shape::Range => None,
        }
    }

    /// For a span of whole periods (`FY2027..FY2029`): their grain and how many.
    pub(crate) fn span_of(&self) -> Option<(Grain, u32)> {
        match self.shape {
            Shape::Span { grain, count } => Some((grain, count)),
            _ => None,
        }
    }

    /// What kind of period this is.
    pub fn kind(&self) -> PeriodKind {
        match self.shape {
            Shape::Regular(grain) => grain.into(),
            Shape::Span { .. } => PeriodKind::Span,
            Shape::Range => PeriodKind::Range,
        }
    }

    /// Whether `date` falls in `[start, end)`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// The label: `2026-03-15`, `2026-W05`, `2026-03`, `2026-Q1`, `2026-H1`, `2026`,
    /// `FY2027`, `FY2027-Q2`, `FY2027-M03` (retail), `FY2027-W05` (retail), spans like
    /// `FY2027..FY2029`, and ranges like `2024-01-01..2024-04-01`.
    pub fn label(&self) -> String {
        match self.shape {
            Shape::Regular(grain) => label::format(self.scheme, grain, self.start, self.end),
            Shape::Span { grain, .. } => {
                let part = |day| {
                    self.scheme
                        .locate(day, grain)
                        .map_or_else(|_| day.to_string(), |p| p.label())
                };
                format!("{}..{}", part(self.start), part(self.last_day()))
            }
            Shape::Range => format!("{}..{}", self.start, self.end),
        }
    }

    /// The period after this one (for a span: the next span of the same length).
    pub fn next(&self) -> Result<Period> {
        self.shift(1)
    }

    /// The period before this one.
    pub fn prev(&self) -> Result<Period> {
        self.shift(-1)
    }

    /// The period `n` steps away. Month-based steps count from this period's start, so
    /// repeated shifts never drift. Any `n` is accepted: a step that would leave the
    /// supported range is the error `period.out_of_range`, and `shift(a + b)` is
    /// `shift(a)` then `shift(b)`.
    pub fn shift(&self, n: i64) -> Result<Period> {
        let moved = match self.shape {
            Shape::Regular(grain) => self.scheme.shift(grain, self.start, n),
            Shape::Span { grain, count } => n
                .checked_mul(i64::from(count))
                .ok_or_else(|| out_of_range("the step"))
                .and_then(|steps| self.scheme.shift(grain, self.start, steps))
                .and_then(|first| self.scheme.span(grain, first.start, count)),
            Shape::Range => i64::from(self.days())
                .checked_mul(n)
                .ok_or_else(|| out_of_range("the step"))
                .and_then(|days| {
                    Period::range(add_days(self.start, days)?, add_days(self.end, days)?)
                }),
        };
        moved.map_err(|e| moved_out(e, format_args!("{} shifted by {n}", self.label())))
    }

    /// The same period one year earlier: the same month, quarter, week number or retail
    /// period of the previous year; a day or range moves back 12 months (29 February
    /// becomes 28 February).
    pub fn same_period_last_year(&self) -> Result<Period> {
        match self.shape {
            Shape::Regular(grain) => self.scheme.same_period_last_year(grain, self.start),
            Shape::Span { grain, count } => self
                .scheme
                .same_period_last_year(grain, self.start)
                .and_then(|first| self.scheme.span(grain, first.start, count)),
            Shape::Range => sub_months(self.start, 12)
                .and_then(|start| Period::range(start, sub_months(self.end, 12)?)),
        }
        .map_err(|e| moved_out(e, format_args!("the year before {}", self.label())))
    }

    /// The period of the coarser `grain` that contains this one; an error when this
    /// period is not inside one (a week that straddles two civil months).
    pub fn parent(&self, grain: Grain) -> Result<Period> {
        let parent = self
            .scheme
            .locate(self.start, grain)
            .map_err(|e| moved_out(e, format_args!("the {grain} of {}", self.label())))?;
        if parent.start <= self.start && self.end <= parent.end {
            Ok(parent)
        } else {
            Err(Error::new(
                ErrorKind::PeriodNotNested,
                format!("{} is not inside one {grain}", self.label()),
            ))
        }
    }

    /// The periods of the finer `grain` that tile this one exactly; an error when they do
    /// not (the weeks of a civil month).
    pub fn children(&self, grain: Grain) -> Result<Vec<Period>> {
        let mut children = Vec::new();
        let mut cursor = self.start;
        while cursor < self.end {
            let child = self.scheme.locate(cursor, grain)?;
            if child.start != cursor || child.end > self.end {
                return Err(Error::new(
                    ErrorKind::PeriodNotNested,
                    format!("{} is not made of whole {grain}s", self.label()),
                ));
            }
            cursor = child.end;
            children.push(child);
        }
        Ok(children)
    }

    /// The `n` periods ending with this one, as a span (`trailing(3)` of `2026-03` is
    /// `2026-01..2026-03`). Only for regular periods.
    pub fn trailing(&self, n: u32) -> Result<Period> {
        let Shape::Regular(grain) = self.shape else {
            return Err(Error::new(
                ErrorKind::PeriodInvalidLabel,
                "trailing windows are made of regular periods",
            ));
        };
        if n == 0 {
            return Err(Error::new(
                ErrorKind::PeriodInvalidLabel,
                "a trailing window needs at least one period",
            ));
        }
        self.scheme
            .shift(grain, self.start, -i64::from(n - 1))
            .and_then(|first| self.scheme.span(grain, first.start, n))
            .map_err(|e| moved_out(e, format_args!("the {n} {grain}s through {}", self.label())))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The label forms, for messages.
pub(crate) const LABEL_FORMS: &str = "labels look like 2026-03-15, 2026-W05, 2026-03, 2026-Q1, 2026-H1, 2026, FY2027, FY2027-Q2, FY2027-M03, FY2027..FY2029 or 2024-01-01..2024-04-01";

pub(crate) fn label_error(label: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::PeriodInvalidLabel,
        format!(
            "cannot read period label `{}`: {why}; {LABEL_FORMS}",
            shown(label)
        ),
    )
}

/// User text as a message quotes it: at most 40 characters (cut at a character, never
/// inside one), with `…` when cut.
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()).into(),
        None => text.into(),
    }
}

pub(crate) fn add_days(date: NaiveDate, days: i64) -> Result<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .ok_or_else(|| out_of_range(format_args!("{date} moved by {days} days")))
}

/// `date` plus `months` (negative: minus), clamped to the end of the target month:
/// 31 January + 1 month is 28 or 29 February, 29 February + 12 months is 28 February.
/// Shift from the original date each time (`add_months(d, 2)`, not twice
/// `add_months(_, 1)`), so that repeated shifts do not drift.
pub fn add_months(date: NaiveDate, months: i64) -> Result<NaiveDate> {
    let moved = u32::try_from(months.unsigned_abs()).ok().and_then(|step| {
        if months >= 0 {
            date.checked_add_months(Months::new(step))
        } else {
            date.checked_sub_months(Months::new(step))
        }
    });
    moved.ok_or_else(|| out_of_range(format_args!("{date} moved by {months} months")))
}

fn sub_months(date: NaiveDate, months: i64) -> Result<NaiveDate> {
    add_months(date, -months)
}

/// Whole days from `from` to `to` (negative when `to` is earlier). Every two dates chrono
/// holds are less than 2^28 days apart, so this never overflows.
pub(crate) fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    to.signed_duration_since(from).num_days()
}

/// Whole weeks from `from` to `to`, for dates of one retail year or week count.
pub(crate) fn weeks_between(from: NaiveDate, to: NaiveDate) -> u32 {
    (days_between(from, to) / 7) as u32
}

/// Day number of a date: days since 1970-01-01, as Arrow's `date32`. (Every date chrono
/// holds has one.)
pub fn day_number(date: NaiveDate) -> i32 {
    days_between(
        NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch"),
        date,
    ) as i32
}

/// The date of a day number (days since 1970-01-01).
pub fn date_of_day_number(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::TimeDelta::days(i64::from(day)))
}

/// Parses a `YYYY-MM-DD` date: exactly four digits, two and two, nothing around them.
/// Any such date of the years 0000–9999 is read; whether it is a supported day is
/// [`check_date`]'s question.
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    label::parse_date(text)
        .ok_or_else(|| Error::new(ErrorKind::PeriodInvalidDate, date_problem(text)))
}

/// Whether `text` is a date followed by a time (`2026-03-31T20:00:00Z`,
/// `2026-03-31 20:00`): a timestamp rather than a date.
pub(crate) fn looks_like_timestamp(text: &str) -> bool {
    label::looks_like_timestamp(text)
}

/// Why `text` is not a `YYYY-MM-DD` date, with the form to use.
pub(crate) fn date_problem(text: &str) -> String {
    let quoted = shown(text);
    if text.trim() != text {
        format!(
            "`{quoted}` is not a date: remove the spaces around it (use YYYY-MM-DD, such as 2026-03-02)"
        )
    } else if label::looks_like_timestamp(text) {
        format!("`{quoted}` is a timestamp, not a date: use YYYY-MM-DD, such as 2026-03-02")
    } else if let Some(padded) = label::padded_date(text) {
        format!(
            "`{quoted}` is not a date: use YYYY-MM-DD, with two-digit months and days: {padded}"
        )
    } else if label::has_date_shape(text) {
        format!("`{quoted}` is not a date: there is no such day")
    } else {
        format!("`{quoted}` is not a date: use YYYY-MM-DD, such as 2026-03-02")
    }
}

/// Reading dates in documents (plans, facts) as `YYYY-MM-DD` exactly, with the message of
/// [`parse_date`] for anything else. Written back as chrono writes them (the same form).
pub(crate) mod date_text {
    use std::borrow::Cow;

    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer};

    fn read<E: serde::de::Error>(text: &str) -> Result<NaiveDate, E> {
        super::parse_date(text).map_err(|e| E::custom(e.message()))
    }

    /// A date.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        read(&Cow::<'de, str>::deserialize(d)?)
    }

    /// An optional date (`null` or absent: none).
    pub(crate) fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<Cow<'de, str>>::deserialize(d)?
            .map(|text| read(&text))
            .transpose()
    }

    /// A list of dates.
    pub(crate) fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
        Vec::<Cow<'de, str>>::deserialize(d)?
            .iter()
            .map(|text| read(text))
            .collect()
    }
}

/// The serialised form of a period: label, kind and the half-open bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PeriodInfo {
    /// The label, for example `2026-Q3`.
    pub label: String,
    /// The kind: a grain name, `span` or `range`.
    pub grain: PeriodKind,
    /// First day, inclusive (`YYYY-MM-DD`).
    #[serde(deserialize_with = "date_text::deserialize")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub start: NaiveDate,
    /// First day after the period, exclusive (`YYYY-MM-DD`).
    #[serde(deserialize_with = "date_text::deserialize")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub end: NaiveDate,
}

impl PeriodInfo {
    /// The period again, read from its label in `calendar` (the calendar it came from);
    /// a plain date range when the label means other dates in that calendar.
    pub fn to_period(&self, calendar: &Calendar) -> Period {
        match calendar.parse_period(&self.label) {
            Ok(p) if p.start == self.start && p.end == self.end => p,
            _ => Period::range(self.start, self.end).unwrap_or(Period {
                shape: Shape::Range,
                start: self.start,
                end: self.end,
                scheme: Scheme::CIVIL,
            }),
        }
    }
}

impl From<&Period> for PeriodInfo {
    fn from(p: &Period) -> Self {
        PeriodInfo {
            label: p.label(),
            grain: p.kind(),
            start: p.start,
            end: p.end,
        }
    }
}

#[cfg(feature = "schema")]
/// A grain is read by its name (`crate::period::Grain`'s `Deserialize`).
impl schemars::JsonSchema for Grain {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Grain".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A grain: the length of a regular period.",
            "type": "string",
            "enum": ["day", "week", "month", "quarter", "half", "year"]
        })
    }
}
