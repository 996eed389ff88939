//! The column mapping: which input column (or constant) fills each fact field, and how
//! dates, decimals and statuses are written in the input.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::date_format::DatePattern;
use super::{Cell, Rejection, RejectionReason, amount, attribute_of};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::{Attribute, FactRecord};
use crate::formula::suggest;

/// How to read an export into facts, as TOML or JSON:
///
/// ```toml
/// delimiter = ","                       # CSV only; default ","
/// date_formats = ["%m/%d/%Y", "%Y-%m-%d"]   # tried in order (strftime); default ISO
///                                       # "epoch_ms" and "rfc3339" read time stamps
/// timezone = "Asia/Shanghai"            # time stamps become local dates here (default UTC)
/// decimal_separator = "."               # "," for 1.234,56; thousands separators are
///                                       # the other one, spaces and NBSP, in groups of
///                                       # three: text that could be read two ways is
///                                       # rejected (unparseable_amount), never guessed
/// [fields]                              # fact field = input column, or { value = … }
/// id = "Deal Id"
/// kind = { value = "deal" }
/// owner = "Deal Owner"
/// customer = "Account Name"
/// amount = "Amount"
/// date = "Closing Date"
/// status = "Stage"
/// "attributes.region" = "Region"
/// [status]                              # input status -> fact status; "*" for the rest
/// "Closed Won" = "won"
/// "Closed Lost" = "lost"
/// "*" = "open"
/// ```
///
/// `id`, `kind` and `date` are required, and so are the fields listed in `required`.
/// Without a `[status]` table statuses are kept as written; with one, a status it does not
/// list (and no `"*"`) rejects the record. `modified` (a time stamp, not kept as a fact
/// field) resolves repeated ids: the later version wins. `[keep]` lists, per input
/// column, the values a record must have to be a fact at all (Fxiaoke's
/// `life_status = ["normal"]`); other records are reported as skipped, not rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ColumnMapping {
    /// The CSV field delimiter, one ASCII character; `,` by default.
    #[serde(default = "comma", skip_serializing_if = "is_comma")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub delimiter: String,
    /// Date formats tried in order, in `strftime` syntax; `["%Y-%m-%d"]` by default. The
    /// specifiers read are `%Y %y %m %b %B %d %e %j %a %A %H %I %M %S %p %f` and the
    /// shorthands `%F %T %D %R %c %x %X %r`; another (a time zone's `%z`, say) is refused
    /// when the mapping is checked. A format with a time reads the date part. `epoch_ms` reads Unix milliseconds and
    /// `rfc3339` a time stamp with an offset (`2026-03-31T23:30:00-08:00`): both become the
    /// local date in `timezone`.
    #[serde(default = "iso_dates")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub date_formats: Vec<String>,
    /// The IANA time zone where time stamps become local dates (the plan's, usually);
    /// UTC when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub timezone: Option<String>,
    /// The decimal separator of amounts: `.` (default) or `,`.
    #[serde(default = "dot", skip_serializing_if = "is_dot")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub decimal_separator: String,
    /// Fact field → where its value comes from.
    pub fields: BTreeMap<String, Source>,
    /// Input status → fact status (`"*"` for any other).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub status: BTreeMap<String, String>,
    /// Fact fields that must have a value besides `id`, `kind` and `date` (`owner`, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub required: Vec<String>,
    /// Input column → the values that make a record a fact; a record with another value
    /// (or none) is skipped and reported with the reason `excluded`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub keep: BTreeMap<String, Vec<String>>,
    /// The plan's home currency. Amounts of records whose `currency` differs are divided
    /// by their `exchange_rate` (units of the record's currency per home unit, as Zoho CRM
    /// gives it) and rounded half-up to cents; amounts of records without a currency are
    /// in the home currency. Every amount's fact then has `attributes.currency` = the home
    /// currency, and a converted one keeps what was written in
    /// `attributes.original_currency` and `attributes.original_amount`. Without a home
    /// currency, an amount keeps the currency its record names in `attributes.currency`
    /// (evaluation refuses to add amounts of different currencies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub home_currency: Option<String>,
    /// Amounts with fewer decimal places are written out to this many: Zoho CRM's JSON
    /// numbers drop trailing zeros (`1200.5` is `1200.50`). More places are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub amount_places: Option<u32>,
    /// `timezone`, resolved once when the mapping is checked.
    #[serde(skip)]
    zone: Option<crate::zone::Zone>,
    /// The sources of the fact fields in [`FIELDS`] order, resolved once when checked: a
    /// record's fields are read without looking names up.
    #[serde(skip)]
    slots: Vec<Option<Source>>,
    /// The attribute fields (`attributes.<name>`): (name, field, source).
    #[serde(skip)]
    attribute_sources: Vec<(String, String, Source)>,
    /// `date_formats`, compiled once when checked.
    #[serde(skip)]
    formats: Vec<DateFormat>,
}

/// A compiled date format. The two commonest have a fast path for their usual width.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DateFormat {
    EpochMillis,
    Rfc3339,
    /// `%Y-%m-%d`.
    Iso(DatePattern),
    /// `%m/%d/%Y`.
    UsSlashes(DatePattern),
    Pattern(DatePattern),
}

impl DateFormat {
    fn of(format: &str) -> std::result::Result<DateFormat, String> {
        Ok(match format {
            "epoch_ms" => DateFormat::EpochMillis,
            "rfc3339" => DateFormat::Rfc3339,
            "%Y-%m-%d" => DateFormat::Iso(DatePattern::compile(format)?),
            "%m/%d/%Y" => DateFormat::UsSlashes(DatePattern::compile(format)?),
            other => DateFormat::Pattern(DatePattern::compile(other)?),
        })
    }
}

/// Reads `digits` ASCII digits as a number.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// A year, month and day written in ASCII digits; `None` when one is not all digits (a
/// space inside: the format's reader decides).
fn digits_ymd(year: &[u8], month: [u8; 2], day: [u8; 2]) -> Option<(i32, u32, u32)> {
    Some((
        i32::try_from(number(year)?).ok()?,
        number(&month)?,
        number(&day)?,
    ))
}

/// `YYYY-MM-DD` exactly (`%Y-%m-%d` also takes other widths: fall back to it).
fn iso_date(text: &str, pattern: &DatePattern) -> Option<NaiveDate> {
    let fast = match text.as_bytes() {
        [y @ .., b'-', m1, m2, b'-', d1, d2] if y.len() == 4 => {
            digits_ymd(y, [*m1, *m2], [*d1, *d2])
        }
        _ => None,
    };
    match fast {
        Some((year, month, day)) => NaiveDate::from_ymd_opt(year, month, day),
        None => pattern.date(text),
    }
}

/// `MM/DD/YYYY` exactly, else `%m/%d/%Y`.
fn us_date(text: &str, pattern: &DatePattern) -> Option<NaiveDate> {
    let fast = match text.as_bytes() {
        [m1, m2, b'/', d1, d2, b'/', y @ ..] if y.len() == 4 => {
            digits_ymd(y, [*m1, *m2], [*d1, *d2])
        }
        _ => None,
    };
    match fast {
        Some((year, month, day)) => NaiveDate::from_ymd_opt(year, month, day),
        None => pattern.date(text),
    }
}

/// Where a fact field's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    untagged,
    expecting = "a column name, or { value = \"…\" } for a constant"
)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Source {
    /// An input column (CSV header) or key (JSON Lines).
    Column(String),
    /// The same value for every record.
    Constant {
        /// The value.
        value: String,
    },
    /// An input column read as a given type: `{ column = "create_time", as = "date" }`
    /// makes a time stamp a `YYYY-MM-DD` attribute, `as = "text"` keeps `00123` as text.
    Typed {
        /// The input column.
        column: String,
        /// How to read it.
        #[serde(rename = "as")]
        read_as: ReadAs,
    },
}

// Read by hand rather than as serde's untagged enum: see `crate::shape`.
impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use crate::shape;
        use serde::de::Error as _;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ConstantFields {
            value: String,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct TypedFields {
            column: String,
            #[serde(rename = "as")]
            read_as: ReadAs,
        }
        const EXPECTED: &str = "a column name, or { value = \"…\" } for a constant";
        match shape::value(deserializer)? {
            serde_json::Value::String(column) => Ok(Source::Column(column)),
            serde_json::Value::Object(fields) if fields.contains_key("value") => {
                let ConstantFields { value } = shape::read(fields)?;
                Ok(Source::Constant { value })
            }
            serde_json::Value::Object(fields) if fields.contains_key("column") => {
                let TypedFields { column, read_as } = shape::read(fields)?;
                Ok(Source::Typed { column, read_as })
            }
            serde_json::Value::Object(_) => Err(D::Error::custom(EXPECTED)),
            value => Err(shape::unexpected(&value, EXPECTED)),
        }
    }
}

/// How a [`Source::Typed`] column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum ReadAs {
    /// A date in the mapping's date formats, kept as `YYYY-MM-DD`.
    Date,
    /// Text, as written.
    Text,
    /// A number in the mapping's decimal notation.
    Number,
}

crate::shape::by_name!(ReadAs { "date" => Date, "text" => Text, "number" => Number });

impl Source {
    /// The input column this source reads, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            Source::Column(column) | Source::Typed { column, .. } => Some(column),
            Source::Constant { .. } => None,
        }
    }
}

/// The currency attributes ingestion writes on a fact (`currency`, `original_currency`,
/// `original_amount`).
type CurrencyAttributes = Vec<(&'static str, Attribute)>;

/// Reads an input column of the record at hand (`None` when absent or null).
pub(crate) type Get<'r> = dyn Fn(&str) -> Option<Cell<'r>> + 'r;

fn comma() -> String {
    ",".to_owned()
}
fn is_comma(s: &str) -> bool {
    s == ","
}
fn dot() -> String {
    ".".to_owned()
}
fn is_dot(s: &str) -> bool {
    s == "."
}
fn iso_dates() -> Vec<String> {
    vec!["%Y-%m-%d".to_owned()]
}

const FIELDS: [&str; 10] = [
    "id",
    "modified",
    "kind",
    "owner",
    "customer",
    "amount",
    "status",
    "date",
    "currency",
    "exchange_rate",
];

fn invalid(path: &str, message: String) -> Error {
    Error::new(ErrorKind::DataInvalidMapping, message).at_path(path)
}

impl ColumnMapping {
    /// Reads and checks a TOML mapping.
    pub fn from_toml(text: &str) -> Result<ColumnMapping> {
        let mapping: ColumnMapping = crate::toml_doc::from_toml(
            text,
            ErrorKind::DataInvalidMapping,
            ErrorKind::DataInvalidMapping,
        )?;
        mapping.checked()
    }

    /// Reads and checks a mapping given as a JSON value (what the bindings hand over).
    pub fn from_json_value(value: serde_json::Value) -> Result<ColumnMapping> {
        let mapping: ColumnMapping = crate::path_de::deserialize(value)
            .map_err(|e| invalid(&e.path().to_string(), e.inner().to_string()))?;
        mapping.checked()
    }

    fn checked(self) -> Result<ColumnMapping> {
        for field in self.fields.keys() {
            let known = FIELDS.contains(&field.as_str())
                || field
                    .strip_prefix("attributes.")
                    .is_some_and(|a| !a.is_empty());
            if !known {
                let hint = suggest(field, FIELDS.iter().copied())
                    .map(|near| format!("; did you mean `{near}`?"))
                    .unwrap_or_default();
                return Err(invalid(
                    &format!("fields.{field}"),
                    format!(
                        "`{field}` is not a fact field (id, kind, owner, customer, amount, status, date, currency, exchange_rate, modified or attributes.<name>){hint}"
                    ),
                ));
            }
        }
        for (i, field) in self.required.iter().enumerate() {
            if !self.fields.contains_key(field) {
                return Err(invalid(
                    &format!("required[{i}]"),
                    format!("`{field}` is required but the mapping has no source for it"),
                ));
            }
        }
        for required in ["id", "kind", "date"] {
            if !self.fields.contains_key(required) {
                return Err(invalid(
                    &format!("fields.{required}"),
                    format!("the mapping needs a source for `{required}`"),
                ));
            }
        }
        self.delimiter_byte()?;
        self.check_currency()?;
        if let Some(places) = self.amount_places
            && places > crate::exact::MAX_PLACES
        {
            return Err(invalid(
                "amount_places",
                format!("amounts have at most 28 decimal places, not {places}"),
            ));
        }
        if !matches!(self.decimal_separator.as_str(), "." | ",") {
            return Err(invalid(
                "decimal_separator",
                format!(
                    "the decimal separator is \".\" or \",\", not {:?}",
                    self.decimal_separator
                ),
            ));
        }
        let mut checked = self;
        checked.zone = Some(checked.clock()?);
        checked.slots = FIELDS
            .iter()
            .map(|f| checked.fields.get(*f).cloned())
            .collect();
        checked.attribute_sources = checked
            .fields
            .iter()
            .filter_map(|(field, source)| {
                let name = field.strip_prefix("attributes.")?;
                Some((name.to_owned(), field.clone(), source.clone()))
            })
            .collect();
        checked.formats = checked
            .date_formats
            .iter()
            .enumerate()
            .map(|(i, format)| {
                DateFormat::of(format).map_err(|why| {
                    invalid(
                        &format!("date_formats[{i}]"),
                        format!(
                            "{:?} is not a date format: {why}",
                            crate::decimal::shorten(format, 40)
                        ),
                    )
                })
            })
            .collect::<Result<_>>()?;
        Ok(checked)
    }

    /// Ingestion writes the currency attributes itself: a mapping that reads a currency
    /// (`currency`, or a `home_currency`) cannot also fill them from a column, and one
    /// that converts cannot fill the original amount's.
    pub(crate) fn check_currency(&self) -> Result<()> {
        let reads_currency = self.fields.contains_key("currency") || self.home_currency.is_some();
        let written = [
            ("attributes.currency", reads_currency),
            ("attributes.original_currency", self.home_currency.is_some()),
            ("attributes.original_amount", self.home_currency.is_some()),
        ];
        for (field, taken) in written {
            if taken && self.fields.contains_key(field) {
                return Err(invalid(
                    &format!("fields.{field}"),
                    format!(
                        "`{field}` is written by ingestion from the record's currency (and the home currency): map the currency column to `currency` instead"
                    ),
                ));
            }
        }
        if let Some(home) = &self.home_currency
            && home.trim().is_empty()
        {
            return Err(invalid(
                "home_currency",
                "the home currency is a currency code, such as CNY or USD".to_owned(),
            ));
        }
        Ok(())
    }

    /// The time zone where time stamps become local dates.
    fn clock(&self) -> Result<crate::zone::Zone> {
        let name = self.timezone.as_deref().unwrap_or("UTC");
        crate::zone::Zone::parse(name).ok_or_else(|| {
            invalid(
                "timezone",
                format!("`{name}` is not an IANA time zone name (for example Asia/Shanghai)"),
            )
        })
    }

    pub(crate) fn delimiter_byte(&self) -> Result<u8> {
        match self.delimiter.as_bytes() {
            [b] if b.is_ascii() => Ok(*b),
            _ => Err(invalid(
                "delimiter",
                format!(
                    "the delimiter is one ASCII character, not {:?}",
                    self.delimiter
                ),
            )),
        }
    }

    /// Every column the mapping reads is in `headers` (with `only_required`, the columns
    /// of the required fields: a CRM export leaves out the columns of unused fields).
    pub(crate) fn check_columns(&self, headers: &[String], only_required: bool) -> Result<()> {
        // A column read twice would be a guess between two values: refuse it.
        let mut seen = std::collections::HashSet::new();
        let twice: std::collections::HashSet<&str> = headers
            .iter()
            .filter(|h| !seen.insert(h.as_str()))
            .map(String::as_str)
            .collect();
        let read = self
            .fields
            .iter()
            .filter_map(|(field, source)| Some((format!("fields.{field}"), source.column()?)))
            .chain(self.keep.keys().map(|c| (format!("keep.{c}"), c.as_str())));
        for (path, column) in read {
            if twice.contains(column) {
                return Err(invalid(
                    &path,
                    format!(
                        "the header has the column `{column}` twice: which one to read is ambiguous"
                    ),
                ));
            }
        }
        for (field, source) in &self.fields {
            let required =
                ["id", "kind", "date"].contains(&field.as_str()) || self.required.contains(field);
            if only_required && !required {
                continue;
            }
            if let Some(column) = source.column()
                && !headers.iter().any(|h| h == column)
            {
                let hint = suggest(column, headers.iter().map(String::as_str))
                    .map(|near| format!("; did you mean `{near}`?"))
                    .unwrap_or_default();
                return Err(invalid(
                    &format!("fields.{field}"),
                    format!("the input has no column `{column}`{hint}"),
                ));
            }
        }
        if let Some(column) = self.keep.keys().find(|c| !headers.contains(c)) {
            return Err(invalid(
                &format!("keep.{column}"),
                format!("the input has no column `{column}`"),
            ));
        }
        Ok(())
    }

    fn value<'r>(&self, field: &str, get: &Get<'r>) -> Option<Cell<'r>> {
        let source = match FIELDS.iter().position(|f| *f == field) {
            Some(slot) => self.slots.get(slot)?.as_ref()?,
            None => self.fields.get(field)?,
        };
        Self::read(source, get)
    }

    fn read<'r>(source: &Source, get: &Get<'r>) -> Option<Cell<'r>> {
        let cell = match source {
            Source::Column(column) | Source::Typed { column, .. } => get(column)?,
            Source::Constant { value } => Cell::text(Cow::Owned(value.clone())),
        };
        let trimmed = cell.text.trim();
        if trimmed.is_empty() {
            None
        } else if trimmed.len() == cell.text.len() {
            Some(cell) // most values need no trimming: no copy
        } else {
            Some(Cell {
                text: Cow::Owned(trimmed.to_owned()),
                number: cell.number,
            })
        }
    }

    fn required<'r>(&self, field: &str, get: &Get<'r>) -> std::result::Result<Cell<'r>, Rejection> {
        self.value(field, get).ok_or_else(|| {
            Rejection::new(
                field,
                RejectionReason::MissingField,
                format!("the record has no `{field}`"),
            )
        })
    }

    /// A number as written in the input, exactly: a JSON number by its digits, text in the
    /// mapping's notation (see [`amount::read`]). A rejection of `field` otherwise:
    /// `unparseable_amount` for text that is not an amount in the notation,
    /// `amount_out_of_range` for one that kpi cannot hold without rounding.
    fn number(&self, cell: &Cell<'_>, field: &str) -> std::result::Result<Decimal, Rejection> {
        let text = cell.text.as_ref();
        let read = if cell.number {
            crate::exact::decimal_text(text)
        } else {
            amount::read(text, self.decimal_char())
        };
        read.map_err(|e| {
            if e.out_of_range() {
                Rejection::new(
                    field,
                    RejectionReason::AmountOutOfRange,
                    format!("{text:?} is not kept: {e}"),
                )
            } else if cell.number {
                Rejection::new(
                    field,
                    RejectionReason::UnparseableAmount,
                    format!("{text:?} is not a number: {e}"),
                )
            } else {
                Rejection::new(
                    field,
                    RejectionReason::UnparseableAmount,
                    format!(
                        "{text:?} is not an amount with the decimal separator {:?}: {e}",
                        self.decimal_separator
                    ),
                )
            }
        })
    }

    /// The decimal separator as a character.
    fn decimal_char(&self) -> char {
        if self.decimal_separator == "," {
            ','
        } else {
            '.'
        }
    }

    /// An amount, written out to `amount_places` places when it has fewer (when the digits
    /// fit: more places never round, and a value too long to pad keeps its own places).
    fn amount(&self, cell: &Cell<'_>) -> std::result::Result<Decimal, Rejection> {
        let mut amount = self.number(cell, "amount")?;
        if let Some(places) = self.amount_places
            && amount.scale() < places
        {
            let padded = 10i128
                .checked_pow(places - amount.scale())
                .and_then(|factor| amount.mantissa().checked_mul(factor))
                .and_then(|m| Decimal::try_from_i128_with_scale(m, places).ok());
            if let Some(padded) = padded {
                amount = padded;
            }
        }
        Ok(amount)
    }

    fn zone(&self) -> &crate::zone::Zone {
        self.zone.as_ref().unwrap_or(&crate::zone::Zone::UTC)
    }

    fn date(&self, text: &str) -> Option<NaiveDate> {
        self.formats.iter().find_map(|format| match format {
            DateFormat::EpochMillis => {
                let millis = text.parse::<i64>().ok()?;
                let instant = chrono::DateTime::from_timestamp_millis(millis)?;
                self.zone().local_date(instant)
            }
            DateFormat::Rfc3339 => {
                crate::period::rfc3339::instant(text).and_then(|t| self.zone().local_date(t))
            }
            DateFormat::Iso(pattern) => iso_date(text, pattern),
            DateFormat::UsSlashes(pattern) => us_date(text, pattern),
            DateFormat::Pattern(pattern) => pattern.date(text),
        })
    }

    /// A modification time stamp as Unix milliseconds: milliseconds, RFC 3339, or a local
    /// `YYYY-MM-DD HH:MM:SS` (CSV exports) in the mapping's time zone.
    fn instant(&self, text: &str) -> Option<i64> {
        if let Ok(millis) = text.parse::<i64>() {
            return Some(millis);
        }
        if let Some(t) = crate::period::rfc3339::instant(text) {
            return Some(t.timestamp_millis());
        }
        LOCAL_TIME_FORMATS
            .iter()
            .find_map(|pattern| pattern.date_time(text))
            .and_then(|local| self.zone().instant_of_local(local))
            .map(|t| t.timestamp_millis())
    }

    /// The amount in the currency it is kept in, and the currency attributes of the fact:
    /// `currency` (the amount's), and for a converted amount `original_currency` and
    /// `original_amount`. With `home_currency`, an amount in another currency is divided by
    /// its exchange rate and rounded half-up to cents; an amount without a currency is in
    /// the home currency. Without, an amount keeps the currency its record names (or none).
    fn currency(
        &self,
        amount: Option<Decimal>,
        get: &Get<'_>,
    ) -> std::result::Result<(Option<Decimal>, CurrencyAttributes), Rejection> {
        let Some(value) = amount else {
            return Ok((None, Vec::new()));
        };
        let written = self.value("currency", get).map(|c| c.text);
        let Some(home) = &self.home_currency else {
            let attributes = written
                .map(|c| vec![("currency", Attribute::Text(c.into_owned()))])
                .unwrap_or_default();
            return Ok((Some(value), attributes));
        };
        let home_only = vec![("currency", Attribute::Text(home.clone()))];
        let Some(currency) = written.filter(|c| c.as_ref() != home) else {
            return Ok((Some(value), home_only));
        };
        let unknown = |what: String| {
            Rejection::new(
                "exchange_rate",
                RejectionReason::UnknownExchangeRate,
                format!("an amount in {currency} needs a positive exchange rate to {home}: {what}"),
            )
        };
        let rate_cell = self
            .value("exchange_rate", get)
            .ok_or_else(|| unknown("the record has none".to_owned()))?;
        let rate = self
            .number(&rate_cell, "exchange_rate")
            .map_err(|e| unknown(e.message))?;
        if rate <= Decimal::ZERO {
            return Err(unknown(format!("it is {rate}")));
        }
        let converted = convert(value, rate).ok_or_else(|| {
            Rejection::new(
                "amount",
                RejectionReason::AmountOutOfRange,
                format!(
                    "{value} {currency} at {rate} {currency} per {home} is beyond what kpi converts exactly"
                ),
            )
        })?;
        Ok((
            Some(converted),
            vec![
                ("currency", Attribute::Text(home.clone())),
                ("original_currency", Attribute::Text(currency.into_owned())),
                ("original_amount", Attribute::Number(value)),
            ],
        ))
    }

    /// One input record as a fact (with its modification time), or why it is skipped or
    /// rejected.
    pub(crate) fn record(&self, get: &Get<'_>) -> Outcome {
        for (column, values) in &self.keep {
            let cell = get(column);
            let value = cell.as_ref().map_or("", |c| c.text.as_ref());
            if !values.iter().any(|v| *v == value.trim()) {
                return Outcome::Skipped(Rejection::new(
                    "",
                    RejectionReason::Excluded,
                    format!("`{column}` is {value:?}, not one of {values:?}"),
                ));
            }
        }
        match self.fact(get) {
            Ok(fact) => Outcome::Fact(fact),
            Err(rejection) => Outcome::Rejected(rejection),
        }
    }

    fn fact(&self, get: &Get<'_>) -> std::result::Result<(FactRecord, Option<i64>), Rejection> {
        let id = self.required("id", get)?.text.into_owned();
        let kind = self.required("kind", get)?.text.into_owned();
        for field in &self.required {
            self.required(field, get)?;
        }
        let date_cell = self.required("date", get)?;
        let date = self.supported_date("date", &date_cell.text)?;
        let amount = match self.value("amount", get) {
            Some(cell) => Some(self.amount(&cell)?),
            None => None,
        };
        let (amount, currency) = self.currency(amount, get)?;
        let status = self.status(get)?;
        let modified = match self.value("modified", get) {
            Some(cell) => Some(self.instant(&cell.text).ok_or_else(|| {
                Rejection::new(
                    "modified",
                    RejectionReason::UnparseableDate,
                    format!("{:?} is not a time stamp", cell.text),
                )
            })?),
            None => None,
        };
        let mut attributes = self.attributes(get)?;
        for (name, value) in currency {
            attributes.insert(name.to_owned(), value);
        }
        let fact = FactRecord {
            id,
            kind,
            owner: self.value("owner", get).map(|c| c.text.into_owned()),
            owners: Vec::new(),
            customer: self.value("customer", get).map(|c| c.text.into_owned()),
            amount,
            status,
            date,
            attributes,
        };
        Ok((fact, modified))
    }

    /// The date `text` names, when it is one and a supported day (1000-01-01 to
    /// 9998-12-31): else an `unparseable_date` or `date_out_of_range` rejection.
    fn supported_date(&self, field: &str, text: &str) -> std::result::Result<NaiveDate, Rejection> {
        let date = self
            .date(text)
            .ok_or_else(|| self.unparseable_date(field, text))?;
        crate::period::check_date(date).map_err(|_| {
            let day = if date.to_string() == text {
                String::new()
            } else {
                format!(" (the day {date})")
            };
            Rejection::new(
                field,
                RejectionReason::DateOutOfRange,
                format!("{text:?}{day} is outside the supported days, 1000-01-01 to 9998-12-31"),
            )
        })
    }

    fn unparseable_date(&self, field: &str, text: &str) -> Rejection {
        // The common formats that would read it: the fix is to list one in date_formats.
        let fits: Vec<String> = COMMON_DATE_FORMATS
            .iter()
            // A supported day only: `%Y` also reads "26" as the year 26.
            .filter(|(format, _)| {
                DatePattern::compile(format)
                    .ok()
                    .and_then(|pattern| pattern.date(text.trim()))
                    .is_some_and(|d| crate::period::check_date(d).is_ok())
            })
            .map(|(format, how)| format!("{format:?} ({how})"))
            .collect();
        let fix = match fits.as_slice() {
            [] => String::new(),
            [one] => format!(": add {one} to the mapping's date_formats"),
            several => format!(
                ": add the one your CRM writes to the mapping's date_formats, {}",
                several.join(" or ")
            ),
        };
        Rejection::new(
            field,
            RejectionReason::UnparseableDate,
            format!(
                "{:?} is not a date in {}{fix}",
                crate::decimal::shorten(text, 40),
                self.date_formats.join(" or ")
            ),
        )
    }

    fn status(&self, get: &Get<'_>) -> std::result::Result<Option<String>, Rejection> {
        match self.value("status", get) {
            Some(raw) if !self.status.is_empty() => self
                .status
                .get(raw.text.as_ref())
                .or_else(|| self.status.get("*"))
                .cloned()
                .map(Some)
                .ok_or_else(|| {
                    Rejection::new(
                        "status",
                        RejectionReason::UnknownStatus,
                        format!(
                            "the status {:?} is not in the mapping's [status] table",
                            raw.text
                        ),
                    )
                }),
            other => Ok(other.map(|c| c.text.into_owned())),
        }
    }

    fn attributes(
        &self,
        get: &Get<'_>,
    ) -> std::result::Result<BTreeMap<String, Attribute>, Rejection> {
        let mut attributes = BTreeMap::new();
        for (name, field, source) in &self.attribute_sources {
            let Some(cell) = Self::read(source, get) else {
                continue;
            };
            let value = match source {
                Source::Typed {
                    read_as: ReadAs::Date,
                    ..
                } => {
                    let date = self.supported_date(field, &cell.text)?;
                    Attribute::Text(date.to_string()) // ISO 8601, as `%Y-%m-%d`
                }
                Source::Typed {
                    read_as: ReadAs::Text,
                    ..
                } => Attribute::Text(cell.text.into_owned()),
                Source::Typed {
                    read_as: ReadAs::Number,
                    ..
                } => Attribute::Number(self.number(&cell, field)?),
                _ => attribute_of(&cell).map_err(|e| {
                    Rejection::new(
                        field,
                        RejectionReason::AmountOutOfRange,
                        format!("{:?} is not kept: {e}", cell.text),
                    )
                })?,
            };
            attributes.insert(name.to_owned(), value);
        }
        Ok(attributes)
    }
}

/// `value` in units of a currency, divided by `rate` (units per home unit) and rounded
/// half-up to cents, exactly: in integers, so the rounding is of the true quotient, never
/// of an already rounded one. `None` when the numbers are too long for that.
fn convert(value: Decimal, rate: Decimal) -> Option<Decimal> {
    // value = mv / 10^sv, rate = mr / 10^sr: cents = mv * 10^(sr - sv + 2) / mr.
    let mv = value.mantissa().unsigned_abs();
    let mr = rate.mantissa().unsigned_abs();
    let shift = i64::from(rate.scale()) - i64::from(value.scale()) + 2;
    let power = |n: i64| 10u128.checked_pow(u32::try_from(n).ok()?);
    let (numerator, denominator) = if shift >= 0 {
        (mv.checked_mul(power(shift)?)?, mr)
    } else {
        (mv, mr.checked_mul(power(-shift)?)?)
    };
    let quotient = numerator.checked_div(denominator)?;
    let remainder = numerator.checked_rem(denominator)?;
    // Half-up (away from zero): up when the remainder is at least half the divisor.
    let cents = if remainder >= denominator - remainder {
        quotient.checked_add(1)?
    } else {
        quotient
    };
    let cents = i128::try_from(cents).ok()?;
    let signed = if value.is_sign_negative() {
        -cents
    } else {
        cents
    };
    Decimal::try_from_i128_with_scale(signed, 2).ok()
}

/// What became of one input record.
pub(crate) enum Outcome {
    /// A fact, with its modification time when the mapping reads one.
    Fact((FactRecord, Option<i64>)),
    /// Not a fact by the mapping's `[keep]` rules.
    Skipped(Rejection),
    /// Could not become a fact.
    Rejected(Rejection),
}

/// The local time stamps `modified` reads besides milliseconds and RFC 3339.
static LOCAL_TIME_FORMATS: std::sync::LazyLock<[DatePattern; 4]> = std::sync::LazyLock::new(|| {
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %I:%M %p",
    ]
    .map(|format| DatePattern::compile(format).expect("kpi's own formats"))
});

/// Date formats CRMs export, to suggest the one a date that did not read is in.
const COMMON_DATE_FORMATS: [(&str, &str); 9] = [
    ("%m/%d/%Y", "month first"),
    ("%d/%m/%Y", "day first"),
    ("%m/%d/%y", "month first, two-digit year"),
    ("%d/%m/%y", "day first, two-digit year"),
    ("%Y/%m/%d", "year first"),
    ("%d.%m.%Y", "day first, with dots"),
    ("%Y.%m.%d", "year first, with dots"),
    ("%Y年%m月%d日", "Chinese"),
    ("%d-%m-%Y", "day first, with dashes"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_paths_read_what_their_formats_read() {
        let iso = DatePattern::compile("%Y-%m-%d").unwrap();
        let us = DatePattern::compile("%m/%d/%Y").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 3);
        // A number may follow spaces: found by fuzzing against chrono.
        assert_eq!(iso_date("2026-03-\n3", &iso), day);
        assert_eq!(iso_date("2026-3-3", &iso), day);
        assert_eq!(iso_date("2026-02-30", &iso), None);
        assert_eq!(us_date("03/ 3/2026", &us), day);
        assert_eq!(us_date("3/3/2026", &us), day);
        assert_eq!(us_date("13/03/2026", &us), None);
    }

    #[test]
    fn an_unread_date_names_the_formats_and_the_ones_that_would_read_it() {
        let mapping = ColumnMapping::from_toml(
            "[fields]\nid = \"id\"\nkind = { value = \"order\" }\ndate = \"day\"\n",
        )
        .unwrap();
        let both = mapping.unparseable_date("date", "03/01/2026");
        assert_eq!(
            both.message,
            "\"03/01/2026\" is not a date in %Y-%m-%d: add the one your CRM writes to the mapping's date_formats, \"%m/%d/%Y\" (month first) or \"%d/%m/%Y\" (day first)"
        );
        let one = mapping.unparseable_date("date", "2026年3月1日");
        assert!(
            one.message
                .ends_with(": add \"%Y年%m月%d日\" (Chinese) to the mapping's date_formats"),
            "{}",
            one.message
        );
        // A two-digit year is not the year 26.
        let short = mapping.unparseable_date("date", "03/01/26");
        assert!(
            short.message.ends_with("\"%m/%d/%y\" (month first, two-digit year) or \"%d/%m/%y\" (day first, two-digit year)"),
            "{}",
            short.message
        );
        let none = mapping.unparseable_date("date", "yesterday");
        assert_eq!(none.message, "\"yesterday\" is not a date in %Y-%m-%d");
    }
}
