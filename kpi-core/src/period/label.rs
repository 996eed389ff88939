//! Period labels: formatting and strict parsing, so that `parse(label(p)) == p`.

use chrono::{Datelike, Months, NaiveDate};

use super::retail::RetailCalendar;
use super::scheme::{Scheme, cumulative, fiscal_name, retail_name};
use super::{Grain, Period, Shape, add_days, label_error, out_of_range, shown, weeks_between};
use crate::error::{Error, ErrorKind, Result};

/// The label of the regular period of `grain` that starts on `start`.
pub(crate) fn format(scheme: Scheme, grain: Grain, start: NaiveDate, end: NaiveDate) -> String {
    if grain == Grain::Day {
        return start.to_string();
    }
    if let Some(retail) = scheme.retail {
        let Some((year, year_start, year_end)) = retail.year_of(start) else {
            return format!("{start}..{end}");
        };
        let name = retail_name(scheme, year);
        let week = weeks_between(year_start, start);
        let weeks = weeks_between(year_start, year_end);
        let month = super::scheme::month_index(&retail.month_weeks(weeks), week) as u32;
        return match grain {
            Grain::Week => format!("FY{name:04}-W{:02}", week + 1),
            Grain::Month => format!("FY{name:04}-M{:02}", month + 1),
            Grain::Quarter => format!("FY{name:04}-Q{}", month / 3 + 1),
            Grain::Half => format!("FY{name:04}-H{}", month / 6 + 1),
            Grain::Year | Grain::Day => format!("FY{name:04}"),
        };
    }
    match grain {
        Grain::Week => match scheme.week_number(start) {
            Ok((year, number)) => format!("{year:04}-W{number:02}"),
            Err(_) => format!("{start}..{end}"),
        },
        Grain::Month => format!("{:04}-{:02}", start.year(), start.month()),
        _ if !scheme.fiscal => match grain {
            Grain::Quarter => format!("{:04}-Q{}", start.year(), start.month0() / 3 + 1),
            Grain::Half => format!("{:04}-H{}", start.year(), start.month0() / 6 + 1),
            _ => format!("{:04}", start.year()),
        },
        _ => {
            let into_year = (start.month0() + 12 - (scheme.start_month - 1)) % 12;
            let name = fiscal_name(scheme, start);
            match grain {
                Grain::Quarter => format!("FY{name:04}-Q{}", into_year / 3 + 1),
                Grain::Half => format!("FY{name:04}-H{}", into_year / 6 + 1),
                _ => format!("FY{name:04}"),
            }
        }
    }
}

/// The schemes a calendar parses labels with.
#[derive(Clone, Copy)]
pub(crate) struct Schemes {
    /// The calendar's own: days always; weeks and months unless the calendar is retail.
    pub own: Scheme,
    /// Civil quarters, halves and years (and civil weeks and months in a retail calendar).
    pub civil: Scheme,
    /// `FY…` labels.
    pub fiscal: Scheme,
}

/// The longest text read as a label: every label kpi writes is much shorter.
const MAX_LABEL: usize = 64;

/// Parses `label`: `FY…` labels in the fiscal scheme, the others in the civil one.
/// Reads the text by characters and ASCII bytes only (never slicing it inside a
/// character), so any string gives a period or an error.
pub(crate) fn parse(schemes: Schemes, label: &str) -> Result<Period> {
    check_text(label)?;
    let parsed = match label.split_once("..") {
        Some((first, last)) => parse_span(schemes, label, first, last),
        None => parse_one(schemes, label, label),
    };
    parsed.map_err(|e| {
        if e.kind() == ErrorKind::PeriodOutOfRange {
            out_of_range(format_args!("`{}`", shown(label)))
        } else {
            e
        }
    })
}

/// What no label can hold: nothing, too much, characters other than ASCII, spaces.
fn check_text(label: &str) -> Result<()> {
    if label.is_empty() {
        return Err(label_error(label, "the label is empty"));
    }
    if let Some(c) = label.chars().find(|c| !c.is_ascii()) {
        return Err(label_error(
            label,
            &format!(
                "`{c}` cannot be part of a label (labels are digits, `-`, `..` and the letters FY, Q, H, M, W)"
            ),
        ));
    }
    if label.len() > MAX_LABEL {
        return Err(label_error(
            label,
            &format!("a label is at most {MAX_LABEL} characters"),
        ));
    }
    if label.trim() != label {
        return Err(label_error(label, "remove the spaces around the label"));
    }
    if label.contains(|c: char| c.is_ascii_whitespace()) {
        return Err(label_error(label, "a label has no spaces"));
    }
    Ok(())
}

/// Parses one period (not a span): `part` is `label` or one end of it.
fn parse_one(schemes: Schemes, label: &str, part: &str) -> Result<Period> {
    if let Some(rest) = part.strip_prefix("FY") {
        return parse_fiscal(schemes, label, part, rest);
    }
    if part
        .get(..2)
        .is_some_and(|fy| fy.eq_ignore_ascii_case("FY"))
    {
        return Err(label_error(label, "write FY in capitals, as in FY2027"));
    }
    if let Some(grain) = Grain::parse(part).or_else(|| Grain::hint(part)) {
        return Err(label_error(
            label,
            &format!(
                "`{}` is not one period: name one, as in {}",
                shown(part),
                grain.example()
            ),
        ));
    }
    parse_civil(schemes, label, part)
}

fn parse_span(schemes: Schemes, label: &str, first: &str, last: &str) -> Result<Period> {
    if first.is_empty() || last.is_empty() {
        return Err(label_error(
            label,
            "a span names both ends, as in FY2027..FY2029 or 2024-01-01..2024-04-01",
        ));
    }
    if last.contains("..") {
        return Err(label_error(label, "a span has one `..`"));
    }
    if let (Some(start), Some(end)) = (parse_date(first), parse_date(last)) {
        return Period::range(start, end).map_err(|e| {
            if e.kind() == ErrorKind::PeriodInvalidLabel {
                label_error(
                    label,
                    "a range must end after it starts (the end is exclusive)",
                )
            } else {
                e
            }
        });
    }
    let a = parse_one(schemes, label, first)?;
    let b = parse_one(schemes, label, last)?;
    let (Shape::Regular(grain), Shape::Regular(other)) = (a.shape, b.shape) else {
        return Err(label_error(
            label,
            "both ends of a span must be periods of one grain",
        ));
    };
    if grain != other || a.scheme != b.scheme || b.start < a.start {
        return Err(label_error(
            label,
            "a span runs from a period to a later one of the same grain",
        ));
    }
    let count = u32::try_from(a.scheme.count(grain, a.start, b.start)?)
        .map_err(|_| label_error(label, "the span is too long"))?;
    a.scheme.span(grain, a.start, count)
}

/// The value of a run of ASCII digits (`None` for anything else, or for too many).
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// A date written exactly `YYYY-MM-DD` (any year 0000–9999).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = text.as_bytes() else {
        return None;
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(number(&[y0, y1, y2, y3])?).ok()?,
        number(&[m0, m1])?,
        number(&[d0, d1])?,
    )
}

/// Whether `text` is shaped `YYYY-MM-DD` (digits where they belong), day or no day.
pub(crate) fn has_date_shape(text: &str) -> bool {
    matches!(
        text.as_bytes(),
        &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1]
            if [y0, y1, y2, y3, m0, m1, d0, d1].iter().all(u8::is_ascii_digit)
    )
}

/// Whether `text` starts with a `YYYY-MM-DD` date followed by a time (`T` or a space):
/// a timestamp, not a date.
pub(crate) fn looks_like_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() > 11
        && text.get(..10).is_some_and(has_date_shape)
        && matches!(bytes[10], b'T' | b't' | b' ')
        && bytes[11].is_ascii_digit()
}

/// `2026-3-2` as `2026-03-02`: a date written with one-digit months or days, padded.
pub(crate) fn padded_date(text: &str) -> Option<String> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || number(year.as_bytes()).is_none() {
        return None;
    }
    let two = |part: &str| match part.len() {
        1 | 2 => number(part.as_bytes()).map(|n| format!("{n:02}")),
        _ => None,
    };
    let (month, day) = (two(month)?, two(day)?);
    let padded = format!("{year}-{month}-{day}");
    (padded != text && parse_date(&padded).is_some()).then_some(padded)
}

/// The year of a label: four digits. (Whether the period is in the supported range is
/// decided by its days: `FY0999-Q3` of a July year named by its start is January–March
/// 1000, which is.)
fn year(label: &str, text: &str) -> Result<i32> {
    let bytes = text.as_bytes();
    if !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit) {
        return match (bytes.len(), number(bytes)) {
            (4, Some(y)) => Ok(y as i32),
            _ => Err(label_error(
                label,
                &format!("the year `{}` needs four digits, as in 2026", shown(text)),
            )),
        };
    }
    Err(label_error(
        label,
        "a label starts with a four-digit year or FY, as in 2026-03 or FY2027-Q2",
    ))
}

/// The number after a grain letter (or a month's two digits): `width` digits, 1 to `max`.
/// `part` is the period being read, which ends with `text`, for the suggestion.
fn numbered(
    label: &str,
    part: &str,
    text: &str,
    width: usize,
    max: u32,
    what: &str,
) -> Result<u32> {
    let bytes = text.as_bytes();
    let fail = |why: String| Err(label_error(label, &why));
    if bytes.is_empty() {
        return fail(format!("the {what} number is missing"));
    }
    if !bytes.iter().all(u8::is_ascii_digit) {
        return fail(format!("the {what} must be a number from 1 to {max}"));
    }
    let value = number(bytes);
    if bytes.len() != width {
        let head = part.strip_suffix(text).unwrap_or_default();
        let fixed = value
            .filter(|n| (1..=max).contains(n))
            .map(|n| format!("{head}{n:0width$}"));
        let digits = if width == 1 {
            "one digit"
        } else {
            "two digits"
        };
        return fail(match fixed {
            Some(fixed) => format!("the {what} needs {digits}: {fixed}"),
            None => format!("the {what} needs {digits}, from 1 to {max}"),
        });
    }
    match value {
        Some(n) if (1..=max).contains(&n) => Ok(n),
        _ => fail(format!("the {what} must be 1 to {max}")),
    }
}

fn first_of(label: &str, year: i32, month: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| label_error(label, "no such date"))
}

/// Splits `text` at its first character: `Q1` is `('Q', "1")`.
fn split_first(text: &str) -> Option<(char, &str)> {
    let mut chars = text.chars();
    chars.next().map(|c| (c, chars.as_str()))
}

fn parse_civil(schemes: Schemes, label: &str, part: &str) -> Result<Period> {
    let scheme = schemes.civil;
    let mut pieces = part.split('-');
    let y = year(label, pieces.next().unwrap_or_default())?;
    let (second, third) = (pieces.next(), pieces.next());
    if pieces.next().is_some() {
        return Err(label_error(label, "too many `-`"));
    }
    let (grain, start) = match (second, third) {
        (None, _) => (Grain::Year, first_of(label, y, 1)?),
        (Some(month), Some(day)) => {
            let date = parse_date(part).ok_or_else(|| {
                label_error(
                    label,
                    &match padded_date(part) {
                        Some(padded) => format!("a day is YYYY-MM-DD: {padded}"),
                        None if month.len() == 2 && day.len() == 2 => "there is no such day".into(),
                        None => "a day is YYYY-MM-DD, as in 2026-03-15".into(),
                    },
                )
            })?;
            return schemes.own.locate(date, Grain::Day);
        }
        (Some(rest), None) => match split_first(rest) {
            Some(('Q', n)) => {
                let q = numbered(label, part, n, 1, 4, "quarter")?;
                (Grain::Quarter, first_of(label, y, 3 * q - 2)?)
            }
            Some(('H', n)) => {
                let h = numbered(label, part, n, 1, 2, "half")?;
                (Grain::Half, first_of(label, y, 6 * h - 5)?)
            }
            Some(('W', n)) => {
                let w = numbered(label, part, n, 2, 53, "week")?;
                let weeks = scheme.weeks_in_week_year(y)?;
                if w > weeks {
                    return Err(label_error(label, &format!("{y} has {weeks} weeks")));
                }
                (
                    Grain::Week,
                    add_days(scheme.week_one(y)?, 7 * i64::from(w - 1))?,
                )
            }
            Some(('q' | 'h' | 'w', _)) => {
                return Err(label_error(
                    label,
                    "write Q, H and W in capitals, as in 2026-Q1",
                ));
            }
            Some(('M' | 'm', _)) => {
                return Err(label_error(
                    label,
                    "a month is YYYY-MM, as in 2026-03 (FY2027-M03 is a month of a fiscal year)",
                ));
            }
            Some((c, _)) if c.is_ascii_digit() => {
                let m = numbered(label, part, rest, 2, 12, "month")?;
                (Grain::Month, first_of(label, y, m)?)
            }
            _ => {
                return Err(label_error(
                    label,
                    "after the year comes -MM, -Qn, -Hn or -Wnn, as in 2026-03 or 2026-Q1",
                ));
            }
        },
    };
    match grain {
        Grain::Week | Grain::Month if schemes.own.retail.is_none() => {
            schemes.own.locate(start, grain)
        }
        _ => scheme.locate(start, grain),
    }
}

fn parse_fiscal(schemes: Schemes, label: &str, part: &str, rest: &str) -> Result<Period> {
    let scheme = schemes.fiscal;
    let (name_text, sub) = match rest.split_once('-') {
        Some((name, sub)) => (name, Some(sub)),
        None => (rest, None),
    };
    let name = year(label, name_text)?;
    let (kind, number_text) = match sub.map(split_first) {
        None => (None, ""),
        Some(Some((kind, number))) => (Some(kind), number),
        Some(None) => {
            return Err(label_error(
                label,
                "expected Q, H, M or W after `FY2027-`, as in FY2027-Q2",
            ));
        }
    };
    if matches!(kind, Some('q' | 'h' | 'm' | 'w')) {
        return Err(label_error(
            label,
            "write Q, H, M and W in capitals, as in FY2027-Q2",
        ));
    }
    if let Some(retail) = scheme.retail {
        return parse_retail(scheme, retail, label, part, name, kind, number_text);
    }
    let start_year = if scheme.named_by_end && scheme.start_month != 1 {
        name - 1
    } else {
        name
    };
    let year_start = first_of(label, start_year, scheme.start_month)?;
    let months = |n: u32| {
        year_start
            .checked_add_months(Months::new(n))
            .ok_or_else(|| out_of_range(format_args!("FY{name}")))
    };
    let (grain, start) = match kind {
        None => (Grain::Year, year_start),
        Some('Q') => (
            Grain::Quarter,
            months(3 * (numbered(label, part, number_text, 1, 4, "quarter")? - 1))?,
        ),
        Some('H') => (
            Grain::Half,
            months(6 * (numbered(label, part, number_text, 1, 2, "half")? - 1))?,
        ),
        Some('M') => (
            Grain::Month,
            months(numbered(label, part, number_text, 2, 12, "month")? - 1)?,
        ),
        Some('W') => {
            return Err(Error::new(
                ErrorKind::PeriodGrainNotInCalendar,
                format!(
                    "`{}`: fiscal weeks exist only in a retail calendar; use an ISO week such as 2026-W05",
                    shown(label)
                ),
            ));
        }
        Some(_) => {
            return Err(label_error(
                label,
                "expected -Q, -H or -M after the fiscal year, as in FY2027-Q2",
            ));
        }
    };
    // A month of a non-retail fiscal year is a civil month, labelled (and read) as one.
    match grain {
        Grain::Month => schemes.own.locate(start, grain),
        _ => scheme.locate(start, grain),
    }
}

/// A retail `FY…` label: `name` is the year in it, `kind` the letter after `-`.
#[allow(clippy::too_many_arguments)] // the parts of the label, read by the caller
fn parse_retail(
    scheme: Scheme,
    retail: RetailCalendar,
    label: &str,
    part: &str,
    name: i32,
    kind: Option<char>,
    number_text: &str,
) -> Result<Period> {
    let nominal = if !scheme.named_by_end && retail.month != 12 {
        name + 1
    } else {
        name
    };
    let (year_start, year_end) = retail
        .year_bounds(nominal)
        .ok_or_else(|| out_of_range(format_args!("FY{name}")))?;
    let weeks = weeks_between(year_start, year_end);
    let at_week = |w: u32| add_days(year_start, 7 * i64::from(w));
    let month_start = |m: u32| at_week(cumulative(&retail.month_weeks(weeks))[m as usize]);
    let (grain, start) = match kind {
        None => (Grain::Year, year_start),
        Some('W') => {
            let w = numbered(label, part, number_text, 2, 53, "week")?;
            if w > weeks {
                return Err(label_error(label, &format!("FY{name} has {weeks} weeks")));
            }
            (Grain::Week, at_week(w - 1)?)
        }
        Some('M') => (
            Grain::Month,
            month_start(numbered(label, part, number_text, 2, 12, "month")? - 1)?,
        ),
        Some('Q') => (
            Grain::Quarter,
            month_start(3 * (numbered(label, part, number_text, 1, 4, "quarter")? - 1))?,
        ),
        Some('H') => (
            Grain::Half,
            month_start(6 * (numbered(label, part, number_text, 1, 2, "half")? - 1))?,
        ),
        Some(_) => {
            return Err(label_error(
                label,
                "expected -Q, -H, -M or -W after the fiscal year, as in FY2027-Q2",
            ));
        }
    };
    scheme.locate(start, grain)
}
