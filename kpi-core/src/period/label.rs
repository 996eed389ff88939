//! Period labels: formatting and strict parsing, so that `parse(label(p)) == p`.

use chrono::{Datelike, Months, NaiveDate};

use super::scheme::{Scheme, cumulative};
use super::{Grain, Period, Shape, add_days, label_error};
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
        let week = ((start - year_start).num_days() / 7) as u32;
        let weeks = ((year_end - year_start).num_days() / 7) as u32;
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
            let year_start = start - Months::new(into_year);
            let name = fiscal_name(scheme, year_start);
            match grain {
                Grain::Quarter => format!("FY{name:04}-Q{}", into_year / 3 + 1),
                Grain::Half => format!("FY{name:04}-H{}", into_year / 6 + 1),
                _ => format!("FY{name:04}"),
            }
        }
    }
}

/// The name of the non-retail fiscal year that starts on `year_start`.
fn fiscal_name(scheme: Scheme, year_start: NaiveDate) -> i32 {
    if scheme.named_by_end {
        (year_start + Months::new(11)).year()
    } else {
        year_start.year()
    }
}

/// The name of the retail year whose nominal end month is in civil year `year`.
fn retail_name(scheme: Scheme, year: i32) -> i32 {
    match scheme.retail {
        Some(retail) if !scheme.named_by_end && retail.month != 12 => year - 1,
        _ => year,
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

/// Parses `label`: `FY…` labels in the fiscal scheme, the others in the civil one.
pub(crate) fn parse(schemes: Schemes, label: &str) -> Result<Period> {
    if let Some((first, last)) = label.split_once("..") {
        return parse_span(schemes, label, first, last);
    }
    match label.strip_prefix("FY") {
        Some(rest) => parse_fiscal(schemes.fiscal, label, rest),
        None => parse_civil(schemes, label),
    }
}

fn parse_span(schemes: Schemes, label: &str, first: &str, last: &str) -> Result<Period> {
    if let (Some(start), Some(end)) = (parse_date(first), parse_date(last)) {
        if first.len() == 10 && last.len() == 10 {
            return Period::range(start, end);
        }
    }
    let a = parse(schemes, first)?;
    let b = parse(schemes, last)?;
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
    let mut count = 1;
    let mut cursor = a;
    while cursor.start < b.start {
        cursor = cursor.next()?;
        count += 1;
        if count > 100_000 {
            return Err(label_error(label, "the span is too long"));
        }
    }
    a.scheme.span(grain, a.start, count)
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::from_ymd_opt(
        text[..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..].parse().ok()?,
    )
}

fn digits(text: &str, count: usize) -> Option<u32> {
    (text.len() == count && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn year(label: &str, text: &str) -> Result<i32> {
    match digits(text, 4) {
        Some(y) if y >= 1000 => Ok(y as i32),
        _ => Err(label_error(label, "the year must have four digits")),
    }
}

fn numbered(label: &str, text: &str, width: usize, max: u32, what: &str) -> Result<u32> {
    match digits(text, width) {
        Some(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(label_error(
            label,
            &format!("the {what} must be 1 to {max}"),
        )),
    }
}

fn first_of(label: &str, year: i32, month: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| label_error(label, "no such date"))
}

fn parse_civil(schemes: Schemes, label: &str) -> Result<Period> {
    if label.len() == 10 {
        let day = parse_date(label).ok_or_else(|| label_error(label, "no such day"))?;
        return schemes.own.locate(day, Grain::Day);
    }
    let scheme = schemes.civil;
    let (year_text, rest) = label.split_once('-').unwrap_or((label, ""));
    let y = year(label, year_text)?;
    let (grain, start) = match rest.as_bytes().first() {
        None => (Grain::Year, first_of(label, y, 1)?),
        Some(b'Q') => {
            let q = numbered(label, &rest[1..], 1, 4, "quarter")?;
            (Grain::Quarter, first_of(label, y, 3 * q - 2)?)
        }
        Some(b'H') => {
            let h = numbered(label, &rest[1..], 1, 2, "half")?;
            (Grain::Half, first_of(label, y, 6 * h - 5)?)
        }
        Some(b'W') => {
            let w = numbered(label, &rest[1..], 2, 53, "week")?;
            if w > scheme.weeks_in_week_year(y)? {
                return Err(label_error(
                    label,
                    &format!("{y} has {} weeks", scheme.weeks_in_week_year(y)?),
                ));
            }
            (
                Grain::Week,
                add_days(scheme.week_one(y)?, 7 * i64::from(w - 1))?,
            )
        }
        Some(_) => {
            let m = numbered(label, rest, 2, 12, "month")?;
            (Grain::Month, first_of(label, y, m)?)
        }
    };
    match grain {
        Grain::Week | Grain::Month if schemes.own.retail.is_none() => {
            schemes.own.locate(start, grain)
        }
        _ => scheme.locate(start, grain),
    }
}

fn parse_fiscal(scheme: Scheme, label: &str, rest: &str) -> Result<Period> {
    let (name_text, part) = rest.split_once('-').unwrap_or((rest, ""));
    let name = year(label, name_text)?;
    let (kind, number_text) = part.split_at(part.len().min(1));
    if let Some(retail) = scheme.retail {
        let nominal = if !scheme.named_by_end && retail.month != 12 {
            name + 1
        } else {
            name
        };
        let (year_start, year_end) = retail
            .year_bounds(nominal)
            .ok_or_else(|| label_error(label, "no such year"))?;
        let weeks = ((year_end - year_start).num_days() / 7) as u32;
        let at_week = |w: u32| add_days(year_start, 7 * i64::from(w));
        let month_start = |m: u32| at_week(cumulative(&retail.month_weeks(weeks))[m as usize]);
        let (grain, start) = match kind {
            "" => (Grain::Year, year_start),
            "W" => {
                let w = numbered(label, number_text, 2, weeks, "week")?;
                (Grain::Week, at_week(w - 1)?)
            }
            "M" => (
                Grain::Month,
                month_start(numbered(label, number_text, 2, 12, "month")? - 1)?,
            ),
            "Q" => (
                Grain::Quarter,
                month_start(3 * (numbered(label, number_text, 1, 4, "quarter")? - 1))?,
            ),
            "H" => (
                Grain::Half,
                month_start(6 * (numbered(label, number_text, 1, 2, "half")? - 1))?,
            ),
            _ => {
                return Err(label_error(
                    label,
                    "expected -Q, -H, -M or -W after the fiscal year",
                ));
            }
        };
        return scheme.locate(start, grain);
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
            .ok_or_else(|| label_error(label, "no such date"))
    };
    let (grain, start) = match kind {
        "" => (Grain::Year, year_start),
        "Q" => (
            Grain::Quarter,
            months(3 * (numbered(label, number_text, 1, 4, "quarter")? - 1))?,
        ),
        "H" => (
            Grain::Half,
            months(6 * (numbered(label, number_text, 1, 2, "half")? - 1))?,
        ),
        "M" => (
            Grain::Month,
            months(numbered(label, number_text, 2, 12, "month")? - 1)?,
        ),
        "W" => {
            return Err(Error::new(
                ErrorKind::PeriodGrainNotInCalendar,
                format!(
                    "`{label}`: fiscal weeks exist only in a retail calendar; use an ISO week such as 2026-W05"
                ),
            ));
        }
        _ => {
            return Err(label_error(
                label,
                "expected -Q, -H or -M after the fiscal year",
            ));
        }
    };
    scheme.locate(start, grain)
}
