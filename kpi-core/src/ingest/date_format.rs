//! The strftime date formats of a column mapping (`date_formats`), read by hand.
//!
//! chrono's general strftime parser (its format items, its `Parsed` and the RFC 2822
//! reader it carries) is about 20 KB of the browser module, and a mapping needs a small
//! part of it. This reader reads that part exactly as chrono 0.4 does — a run of spaces
//! in the format skips any whitespace, a number skips the whitespace before it and reads
//! one digit up to its width (`%Y` four, or any count after a sign), `%y` is 1970–2069,
//! a field given twice must agree, and nothing may follow — which a property test pins
//! against chrono itself (below). A specifier it does not read is
//! refused when the mapping is checked, with the reason, instead of failing every row.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

/// A checked date format: the items it reads, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DatePattern {
    items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A run of whitespace in the format: skips any whitespace (none included).
    Space,
    /// Text that must be there as written.
    Literal(String),
    /// A number, after any whitespace.
    Number(Field),
    /// `%b`: the first three letters of an English month name, any case; `%B` also
    /// takes the rest of the long name when it follows.
    MonthName { long: bool },
    /// `%a` and `%A`, the same for weekday names; the day must be that weekday.
    WeekdayName { long: bool },
    /// `%p`: `AM` or `PM`, any case.
    AmPm,
    /// `%.f`: nothing, or a dot and one to nine digits (more digits are skipped).
    Fraction,
    /// `%.3f` (`dot`) or `%3f`: exactly this many digits of a second.
    FractionDigits { digits: usize, dot: bool },
}

/// The numeric fields, with chrono's widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Year,
    YearOfCentury,
    Month,
    Day,
    DayOfYear,
    Hour,
    Hour12,
    Minute,
    Second,
    Nanosecond,
}

impl Field {
    /// The most digits the field reads (unsigned).
    fn width(self) -> usize {
        match self {
            Field::Year => 4,
            Field::DayOfYear => 3,
            Field::Nanosecond => 9,
            _ => 2,
        }
    }
}

/// The specifiers that expand to others, as chrono expands them.
fn composite(spec: char) -> Option<&'static str> {
    Some(match spec {
        'F' => "%Y-%m-%d",
        'D' | 'x' => "%m/%d/%y",
        'T' | 'X' => "%H:%M:%S",
        'R' => "%H:%M",
        'r' => "%I:%M:%S %p",
        'c' => "%a %b %e %H:%M:%S %Y",
        'v' => "%e-%b-%Y",
        _ => return None,
    })
}

/// The specifiers read (for the refusal's message).
const READ: &str = "%Y %y %m %b %B %d %e %j %a %A %H %I %M %S %p, fractions (%f %.f %.3f %3f), \
     the shorthands %F %T %D %R %c %x %X %r %v, the aliases %h %k %l %P, and %n %t %%";

impl DatePattern {
    /// Checks a strftime format; the error says which specifier is not read and why.
    pub(crate) fn compile(format: &str) -> Result<DatePattern, String> {
        let mut items = Vec::new();
        push_items(format, &mut items)?;
        Ok(DatePattern { items })
    }

    /// The date written in `text`, if `text` is in this format. Time fields are checked
    /// (an hour 25 is not a time) and otherwise ignored.
    pub(crate) fn date(&self, text: &str) -> Option<NaiveDate> {
        self.read(text)?.date()
    }

    /// The local date and time written in `text` (a time needs its hour and minute; the
    /// seconds default to 0).
    pub(crate) fn date_time(&self, text: &str) -> Option<NaiveDateTime> {
        let fields = self.read(text)?;
        Some(fields.date()?.and_time(fields.time()?))
    }

    fn read(&self, text: &str) -> Option<Fields> {
        let mut fields = Fields::default();
        let mut rest = text;
        for item in &self.items {
            rest = read_item(item, rest, &mut fields)?;
        }
        rest.is_empty().then_some(fields)
    }
}

/// Appends the items of `format` (composites expanded).
fn push_items(format: &str, items: &mut Vec<Item>) -> Result<(), String> {
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            items.push(Item::Space);
            continue;
        }
        if c != '%' {
            match items.last_mut() {
                Some(Item::Literal(text)) => text.push(c),
                _ => items.push(Item::Literal(c.to_string())),
            }
            continue;
        }
        let mut spec = chars.next().ok_or("it ends with a lone %")?;
        let padded = matches!(spec, '-' | '0' | '_');
        if padded {
            spec = chars
                .next()
                .ok_or("it ends with a padding flag and no specifier")?;
        }
        let item = match spec {
            '.' | '3' | '6' | '9' => fraction(spec, &mut chars)?,
            _ => specifier(spec)?,
        };
        match item {
            Some(item) if !padded || matches!(item, Item::Number(_)) => items.push(item),
            None if !padded => push_items(composite(spec).unwrap_or("%"), items)?,
            _ if matches!(spec, '.' | '3' | '6' | '9') => {
                return Err(
                    "a padding flag goes on a number, not on a fraction of a second".into(),
                );
            }
            _ => return Err(format!("a padding flag goes on a number, not on %{spec}")),
        }
    }
    Ok(())
}

/// One specifier's item; `None` for a composite (or `%%`: a literal `%`).
fn specifier(spec: char) -> Result<Option<Item>, String> {
    let number = |field| Ok(Some(Item::Number(field)));
    match spec {
        'Y' => number(Field::Year),
        'y' => number(Field::YearOfCentury),
        'm' => number(Field::Month),
        'd' | 'e' => number(Field::Day),
        'j' => number(Field::DayOfYear),
        'H' | 'k' => number(Field::Hour),
        'I' | 'l' => number(Field::Hour12),
        'M' => number(Field::Minute),
        'S' => number(Field::Second),
        'f' => number(Field::Nanosecond),
        'b' | 'h' => Ok(Some(Item::MonthName { long: false })),
        'B' => Ok(Some(Item::MonthName { long: true })),
        'a' => Ok(Some(Item::WeekdayName { long: false })),
        'A' => Ok(Some(Item::WeekdayName { long: true })),
        'p' | 'P' => Ok(Some(Item::AmPm)),
        'n' | 't' => Ok(Some(Item::Space)),
        '%' => Ok(Some(Item::Literal("%".to_owned()))),
        _ if composite(spec).is_some() => Ok(None),
        'z' | ':' | '#' | 'Z' | '+' => Err(format!(
            "%{spec} (a time zone) is not read: use \"rfc3339\" for time stamps with an offset"
        )),
        's' => Err("%s (Unix seconds) is not read: use \"epoch_ms\" for Unix milliseconds".into()),
        _ => Err(format!(
            "%{spec} is not a specifier kpi reads; it reads {READ}"
        )),
    }
}

/// `%.f`, `%.3f`, `%.6f`, `%.9f`, `%3f`, `%6f` and `%9f`.
fn fraction(
    spec: char,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Result<Option<Item>, String> {
    let dot = spec == '.';
    let width = if dot { chars.next() } else { Some(spec) };
    let digits = match width {
        Some('f') if dot => return Ok(Some(Item::Fraction)),
        Some('3') => 3,
        Some('6') => 6,
        Some('9') => 9,
        _ => {
            return Err(format!(
                "%{spec}… is not a specifier kpi reads; it reads {READ}"
            ));
        }
    };
    match chars.next() {
        Some('f') => Ok(Some(Item::FractionDigits { digits, dot })),
        _ => Err(format!(
            "%{spec}… is not a specifier kpi reads; it reads {READ}"
        )),
    }
}

/// What a text gave, as chrono's `Parsed` keeps it: each field once.
#[derive(Debug, Default)]
struct Fields {
    year: Option<i32>,
    year_of_century: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    day_of_year: Option<u32>,
    weekday: Option<Weekday>,
    /// 0 before noon, 1 after (from `%H` or `%p`).
    half: Option<u32>,
    /// The hour within its half, 0–11 (`%I` 12 is 0).
    hour_of_half: Option<u32>,
    minute: Option<u32>,
    second: Option<u32>,
    nanosecond: Option<u32>,
}

/// Sets a field a second time only to the same value.
fn set<T: PartialEq>(field: &mut Option<T>, value: T) -> Option<()> {
    match field {
        Some(old) if *old != value => None,
        _ => {
            *field = Some(value);
            Some(())
        }
    }
}

impl Fields {
    fn set_number(&mut self, field: Field, value: i64) -> Option<()> {
        let within = |low: i64, high: i64| {
            (low..=high)
                .contains(&value)
                .then(|| u32::try_from(value).ok())
                .flatten()
        };
        match field {
            Field::Year => set(&mut self.year, i32::try_from(value).ok()?),
            Field::YearOfCentury => set(&mut self.year_of_century, within(0, 99)? as i32),
            Field::Month => set(&mut self.month, within(1, 12)?),
            Field::Day => set(&mut self.day, within(1, 31)?),
            Field::DayOfYear => set(&mut self.day_of_year, within(1, 366)?),
            Field::Hour => {
                let hour = within(0, 23)?;
                set(&mut self.half, hour / 12)?;
                set(&mut self.hour_of_half, hour % 12)
            }
            Field::Hour12 => set(&mut self.hour_of_half, within(1, 12)? % 12),
            Field::Minute => set(&mut self.minute, within(0, 59)?),
            Field::Second => set(&mut self.second, within(0, 60)?),
            Field::Nanosecond => set(&mut self.nanosecond, within(0, 999_999_999)?),
        }
    }

    /// The year from `%Y` and `%y`, which must agree.
    fn full_year(&self) -> Option<i32> {
        match (self.year, self.year_of_century) {
            (year, None) => year,
            (Some(year), Some(short)) => (year >= 0 && year % 100 == short).then_some(year),
            (None, Some(short)) => Some(short + if short < 70 { 2000 } else { 1900 }),
        }
    }

    fn date(&self) -> Option<NaiveDate> {
        let year = self.full_year()?;
        let date = match (self.month, self.day, self.day_of_year) {
            (Some(month), Some(day), _) => NaiveDate::from_ymd_opt(year, month, day)?,
            (month, day, Some(ordinal)) => {
                let date = NaiveDate::from_yo_opt(year, ordinal)?;
                let agrees = month.unwrap_or(date.month()) == date.month()
                    && day.unwrap_or(date.day()) == date.day();
                agrees.then_some(date)?
            }
            _ => return None,
        };
        let agrees = self.day_of_year.unwrap_or(date.ordinal()) == date.ordinal()
            && self.weekday.unwrap_or(date.weekday()) == date.weekday();
        agrees.then_some(date)
    }

    fn time(&self) -> Option<NaiveTime> {
        let hour = self.half? * 12 + self.hour_of_half?;
        // Seconds may be left out, but not when their fraction is written.
        let nanosecond = match (self.second, self.nanosecond) {
            (None, Some(_)) => return None,
            (_, fraction) => fraction.unwrap_or(0),
        };
        match self.second.unwrap_or(0) {
            // A leap second, as chrono keeps it: 59 s and a whole second of nanoseconds.
            60 => NaiveTime::from_hms_nano_opt(hour, self.minute?, 59, 1_000_000_000 + nanosecond),
            second => NaiveTime::from_hms_nano_opt(hour, self.minute?, second, nanosecond),
        }
    }
}

/// Reads one item at the start of `text`; the rest of the text after it.
fn read_item<'t>(item: &Item, text: &'t str, fields: &mut Fields) -> Option<&'t str> {
    match item {
        Item::Space => Some(text.trim_start()),
        Item::Literal(literal) => text.strip_prefix(literal.as_str()),
        Item::Number(field) => {
            let text = text.trim_start();
            let (rest, value) = match (field, text.chars().next()) {
                (Field::Year, Some('-')) => {
                    let (rest, value) = digits(text.get(1..)?, 1, usize::MAX)?;
                    (rest, 0i64.checked_sub(value)?)
                }
                (Field::Year, Some('+')) => digits(text.get(1..)?, 1, usize::MAX)?,
                _ => digits(text, 1, field.width())?,
            };
            fields.set_number(*field, value)?;
            Some(rest)
        }
        Item::MonthName { long } => {
            let (rest, month) = name(text, &MONTHS, *long)?;
            fields.set_number(Field::Month, i64::from(month) + 1)?;
            Some(rest)
        }
        Item::WeekdayName { long } => {
            let (rest, day) = name(text, &WEEKDAYS, *long)?;
            set(&mut fields.weekday, Weekday::try_from(day).ok()?)?;
            Some(rest)
        }
        Item::AmPm => {
            let (half, rest) = match text.get(..2).map(str::to_ascii_lowercase)?.as_str() {
                "am" => (0, text.get(2..)?),
                "pm" => (1, text.get(2..)?),
                _ => return None,
            };
            set(&mut fields.half, half)?;
            Some(rest)
        }
        Item::Fraction => match text.strip_prefix('.') {
            Some(after) => {
                let before = after.len();
                let (rest, value) = digits(after, 1, 9)?;
                let scale = 10i64.checked_pow(9 - (before - rest.len()) as u32)?;
                set(
                    &mut fields.nanosecond,
                    u32::try_from(value.checked_mul(scale)?).ok()?,
                )?;
                Some(rest.trim_start_matches(|c: char| c.is_ascii_digit()))
            }
            None => Some(text),
        },
        Item::FractionDigits { digits: count, dot } => {
            let after = match (dot, text.strip_prefix('.')) {
                (true, None) => return Some(text),
                (true, Some(after)) => after,
                (false, _) => text,
            };
            let (rest, value) = digits(after, *count, *count)?;
            let scale = 10i64.checked_pow(9 - *count as u32)?;
            set(
                &mut fields.nanosecond,
                u32::try_from(value.checked_mul(scale)?).ok()?,
            )?;
            Some(rest)
        }
    }
}

/// `min` to `max` ASCII digits at the start of `text`, as a number (overflow: none).
fn digits(text: &str, min: usize, max: usize) -> Option<(&str, i64)> {
    let count = text
        .bytes()
        .take(max)
        .take_while(u8::is_ascii_digit)
        .count();
    if count < min {
        return None;
    }
    let (number, rest) = text.split_at_checked(count)?;
    let value = number.bytes().try_fold(0i64, |value, digit| {
        value.checked_mul(10)?.checked_add(i64::from(digit - b'0'))
    })?;
    Some((rest, value))
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Monday first, as `Weekday::try_from` numbers them.
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// An English name at the start of `text` by its first three letters, any case; with
/// `long`, the rest of the name too when it follows. Its index in `names`.
fn name<'t>(text: &'t str, names: &[&str], long: bool) -> Option<(&'t str, u8)> {
    let short = text.get(..3)?;
    let index = names
        .iter()
        .position(|name| name.get(..3).is_some_and(|s| s.eq_ignore_ascii_case(short)))?;
    let rest = text.get(3..)?;
    let suffix = names[index].get(3..)?;
    let rest = match rest.get(..suffix.len()) {
        Some(next) if long && next.eq_ignore_ascii_case(suffix) => rest.get(suffix.len()..)?,
        _ => rest,
    };
    Some((rest, u8::try_from(index).ok()?))
}

#[cfg(test)]
mod tests {
    use chrono::format::{Item as ChronoItem, StrftimeItems};
    use chrono::{NaiveDate, NaiveDateTime};
    use proptest::prelude::*;

    use super::DatePattern;

    /// chrono's reading of `text` in `format`: (date, date and time).
    fn chrono(format: &str, text: &str) -> (Option<NaiveDate>, Option<NaiveDateTime>) {
        (
            NaiveDate::parse_from_str(text, format).ok(),
            NaiveDateTime::parse_from_str(text, format).ok(),
        )
    }

    fn ours(format: &str, text: &str) -> (Option<NaiveDate>, Option<NaiveDateTime>) {
        let pattern = DatePattern::compile(format).expect("a format kpi reads");
        (pattern.date(text), pattern.date_time(text))
    }

    /// The pieces formats are made of: every specifier read, and separators.
    const PIECES: &[&str] = &[
        "%Y", "%y", "%m", "%b", "%h", "%B", "%d", "%e", "%j", "%a", "%A", "%H", "%k", "%I", "%l",
        "%M", "%S", "%p", "%P", "%f", "%.f", "%.3f", "%.6f", "%.9f", "%3f", "%6f", "%9f", "%F",
        "%T", "%D", "%R", "%c", "%x", "%X", "%r", "%v", "%%", "%-d", "%_m", "%0H", "%-Y", "%n",
        "%t", " ", "  ", "\u{3000}", "-", "/", ":", "年", "月", "日", "T", ".", ",",
    ];

    fn format() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(PIECES), 1..8)
            .prop_map(|pieces| pieces.concat())
    }

    /// Texts near dates: digits, signs, names, separators, whitespace, CJK.
    fn text() -> impl Strategy<Value = String> {
        proptest::string::string_regex(
            "[0-9+\\-./: T年月日]{0,6}([0-9]{1,5}|[+-][0-9]{1,7}|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|uary|ch|il|e|y|ust|tember|ober|ember|mon|tue|wed|thu|fri|sat|sun|day|nesday|urday|am|pm)|[ \\t\\u{3000}]|[-/:.年月日T,%]){0,14}",
        )
        .expect("a regex")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever chrono writes for a day and time, both read back the same.
        #[test]
        fn written_dates_read_as_chrono_reads_them(
            format in format(),
            day in -1000i32..=3_000_000,
            seconds in 0u32..86_400,
            nanos in 0u32..1_000_000_000,
        ) {
            let Some(date) = NaiveDate::from_num_days_from_ce_opt(day) else {
                return Ok(());
            };
            let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)
                .expect("a time");
            let text = date.and_time(time).format(&format).to_string();
            prop_assert_eq!(ours(&format, &text), chrono(&format, &text), "{:?} {:?}", format, text);
        }

        /// Any text near a date reads (or not) as chrono reads it.
        #[test]
        fn any_text_reads_as_chrono_reads_it(format in format(), text in text()) {
            prop_assert_eq!(ours(&format, &text), chrono(&format, &text), "{:?} {:?}", format, text);
        }

        /// A format kpi accepts is one chrono accepts, and reads the same.
        #[test]
        fn accepted_formats_are_chrono_formats(
            format in "[%YymbBdejaAHIMSpPfFTDRcxXrv.369_0 /:年Tz#s+-]{0,10}",
            text in text(),
        ) {
            if DatePattern::compile(&format).is_ok() {
                prop_assert!(!StrftimeItems::new(&format).any(|i| matches!(i, ChronoItem::Error)));
                prop_assert_eq!(ours(&format, &text), chrono(&format, &text), "{:?} {:?}", format, text);
            }
        }
    }

    #[test]
    fn refused_specifiers_say_why() {
        let refused = |format: &str| DatePattern::compile(format).expect_err(format);
        assert!(
            refused("%Y-%m-%d %z").contains("rfc3339"),
            "{}",
            refused("%z")
        );
        assert!(refused("%:z").contains("time zone"));
        assert!(refused("%s").contains("epoch_ms"));
        assert_eq!(
            refused("%U"),
            "%U is not a specifier kpi reads; it reads %Y %y %m %b %B %d %e %j %a %A %H %I %M \
             %S %p, fractions (%f %.f %.3f %3f), the shorthands %F %T %D %R %c %x %X %r %v, the \
             aliases %h %k %l %P, and %n %t %%"
        );
        assert_eq!(
            refused("%-.3f"),
            "a padding flag goes on a number, not on a fraction of a second"
        );
        assert_eq!(refused("%Y-%"), "it ends with a lone %");
        assert_eq!(
            refused("%-"),
            "it ends with a padding flag and no specifier"
        );
        assert_eq!(refused("%-b"), "a padding flag goes on a number, not on %b");
        assert_eq!(refused("%-F"), "a padding flag goes on a number, not on %F");
        assert!(refused("%.2f").starts_with("%.… is not"));
        assert!(refused("%é").starts_with("%é is not"));
    }

    #[test]
    fn reads_what_crms_write() {
        let date = |format: &str, text: &str| DatePattern::compile(format).unwrap().date(text);
        let day = NaiveDate::from_ymd_opt(2026, 3, 1);
        assert_eq!(date("%Y年%m月%d日", "2026年3月1日"), day);
        assert_eq!(date("%d %B %Y", "1 MARCH 2026"), day);
        assert_eq!(date("%d %b %Y", "01 Mar 2026"), day);
        // `%b` is the short name only, as in chrono.
        assert_eq!(date("%d %b %Y", "01 March 2026"), None);
        assert_eq!(date("%a, %d %b %Y", "Sun, 01 Mar 2026"), day);
        // The weekday must be the day's.
        assert_eq!(date("%a, %d %b %Y", "Mon, 01 Mar 2026"), None);
        assert_eq!(date("%m/%d/%y", "03/01/26"), day);
        assert_eq!(
            date("%m/%d/%y", "03/01/70"),
            NaiveDate::from_ymd_opt(1970, 3, 1)
        );
        assert_eq!(date("%Y-%j", "2026-060"), day);
        assert_eq!(date("%Y-%m-%d %H:%M:%S", "2026-03-01 23:59:60"), day);
        assert_eq!(date("%Y-%m-%d %H:%M", "2026-03-01 24:00"), None);
        assert_eq!(date("%Y-%m-%d", "2026-03-01 "), None);
        assert_eq!(date("%Y-%m", "2026-03"), None);
        let time = DatePattern::compile("%m/%d/%Y %I:%M %p").unwrap();
        assert_eq!(
            time.date_time("3/1/2026 12:05 am"),
            day.and_then(|d| d.and_hms_opt(0, 5, 0))
        );
        // Non-ASCII text is read by characters, never cut inside one.
        assert_eq!(date("%d %b", "01 M\u{e4}r"), None);
        assert_eq!(date("%p", "\u{e9}m"), None);
        assert_eq!(date("%Y", "+99999999999999999999"), None);
    }
}
