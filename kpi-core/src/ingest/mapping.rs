//! The column mapping: which input column (or constant) fills each fact field, and how
//! dates, decimals and statuses are written in the input.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Rejection, attribute_of};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::{Attribute, FactRecord};
use crate::formula::suggest;

/// How to read an export into facts, as TOML or JSON:
///
/// ```toml
/// delimiter = ","                       # CSV only; default ","
/// date_formats = ["%m/%d/%Y", "%Y-%m-%d"]   # tried in order (chrono formats); default ISO
///                                       # "epoch_ms" and "rfc3339" read time stamps
/// timezone = "Asia/Shanghai"            # time stamps become local dates here (default UTC)
/// decimal_separator = "."               # "," for 1.234,56; thousands separators are
///                                       # the other one, spaces and NBSP
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
    /// Date formats tried in order (chrono's `strftime` syntax); `["%Y-%m-%d"]` by default.
    /// A format with a time reads the date part. `epoch_ms` reads Unix milliseconds and
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
    /// gives it) and rounded half-up to cents; the original currency and amount stay in
    /// `attributes.currency` and `attributes.original_amount`.
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
    zone: Option<chrono_tz::Tz>,
}

/// Where a fact field's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// How a [`Source::Typed`] column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

impl Source {
    /// The input column this source reads, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            Source::Column(column) | Source::Typed { column, .. } => Some(column),
            Source::Constant { .. } => None,
        }
    }
}

/// A converted amount's original currency and amount.
type Converted = (String, Decimal);

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
        let deserializer = toml::Deserializer::parse(text).map_err(|e| {
            Error::new(
                ErrorKind::DataInvalidMapping,
                e.message().trim_end().to_owned(),
            )
        })?;
        let mapping: ColumnMapping =
            serde_path_to_error::deserialize(deserializer).map_err(|e| {
                invalid(
                    &e.path().to_string(),
                    e.inner().message().trim_end().to_owned(),
                )
            })?;
        mapping.checked()
    }

    /// Reads and checks a mapping given as a JSON value (what the bindings hand over).
    pub fn from_json_value(value: serde_json::Value) -> Result<ColumnMapping> {
        let mapping: ColumnMapping = serde_path_to_error::deserialize(value)
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
        let this = &checked;
        for (i, format) in this.date_formats.iter().enumerate() {
            if matches!(format.as_str(), "epoch_ms" | "rfc3339") {
                continue;
            }
            let broken = chrono::format::StrftimeItems::new(format)
                .any(|item| matches!(item, chrono::format::Item::Error));
            if broken {
                return Err(invalid(
                    &format!("date_formats[{i}]"),
                    format!("{format:?} is not a date format"),
                ));
            }
        }
        Ok(checked)
    }

    /// The time zone where time stamps become local dates.
    fn clock(&self) -> Result<chrono_tz::Tz> {
        let name = self.timezone.as_deref().unwrap_or("UTC");
        name.parse().map_err(|_| {
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

    fn value(&self, field: &str, get: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        let text = match self.fields.get(field)? {
            Source::Column(column) | Source::Typed { column, .. } => get(column)?,
            Source::Constant { value } => value.clone(),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            None
        } else if trimmed.len() == text.len() {
            Some(text) // most values need no trimming: keep the copy already made
        } else {
            Some(trimmed.to_owned())
        }
    }

    fn required(
        &self,
        field: &str,
        get: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<String, Rejection> {
        self.value(field, get).ok_or_else(|| {
            Rejection::new(
                field,
                "missing_field",
                format!("the record has no `{field}`"),
            )
        })
    }

    /// An amount as written in the input: thousands separators (the other separator,
    /// spaces, NBSP) dropped, the decimal separator read as a point.
    fn amount(&self, text: &str) -> Option<Decimal> {
        let thousands = if self.decimal_separator == "," {
            '.'
        } else {
            ','
        };
        let cleaned: String = text
            .chars()
            .filter(|c| *c != thousands && *c != ' ' && *c != '\u{a0}')
            .map(|c| {
                if c.to_string() == self.decimal_separator {
                    '.'
                } else {
                    c
                }
            })
            .collect();
        let mut amount: Decimal = cleaned.parse().ok()?;
        if let Some(places) = self.amount_places
            && amount.scale() < places
        {
            amount.rescale(places);
        }
        Some(amount)
    }

    fn zone(&self) -> chrono_tz::Tz {
        self.zone.unwrap_or(chrono_tz::UTC)
    }

    fn date(&self, text: &str) -> Option<NaiveDate> {
        self.date_formats
            .iter()
            .find_map(|format| match format.as_str() {
                "epoch_ms" => {
                    let millis = text.parse::<i64>().ok()?;
                    let instant = chrono::DateTime::from_timestamp_millis(millis)?;
                    Some(instant.with_timezone(&self.zone()).date_naive())
                }
                "rfc3339" => chrono::DateTime::parse_from_rfc3339(text)
                    .ok()
                    .map(|t| t.with_timezone(&self.zone()).date_naive()),
                _ => NaiveDate::parse_from_str(text, format).ok().or_else(|| {
                    NaiveDateTime::parse_from_str(text, format)
                        .ok()
                        .map(|t| t.date())
                }),
            })
    }

    /// A modification time stamp as Unix milliseconds: milliseconds, RFC 3339, or a local
    /// `YYYY-MM-DD HH:MM:SS` (CSV exports) in the mapping's time zone.
    fn instant(&self, text: &str) -> Option<i64> {
        if let Ok(millis) = text.parse::<i64>() {
            return Some(millis);
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return Some(t.timestamp_millis());
        }
        [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%m/%d/%Y %H:%M:%S",
            "%m/%d/%Y %I:%M %p",
        ]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .and_then(|local| {
            use chrono::TimeZone as _;
            self.zone().from_local_datetime(&local).earliest()
        })
        .map(|t| t.timestamp_millis())
    }

    /// The amount in the home currency, and the original currency and amount when it was
    /// converted.
    fn in_home_currency(
        &self,
        amount: Option<Decimal>,
        get: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<(Option<Decimal>, Option<Converted>), Rejection> {
        let (Some(home), Some(value)) = (&self.home_currency, amount) else {
            return Ok((amount, None));
        };
        let Some(currency) = self.value("currency", get).filter(|c| c != home) else {
            return Ok((amount, None));
        };
        let rate = self
            .value("exchange_rate", get)
            .and_then(|text| self.amount(&text))
            .filter(|r| *r > Decimal::ZERO)
            .ok_or_else(|| {
                Rejection::new(
                    "exchange_rate",
                    "unknown_exchange_rate",
                    format!("an amount in {currency} needs a positive exchange rate to {home}"),
                )
            })?;
        let home_amount = (value / rate)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        Ok((Some(home_amount), Some((currency, value))))
    }

    /// One input record as a fact (with its modification time), or why it is skipped or
    /// rejected.
    pub(crate) fn record(&self, get: &dyn Fn(&str) -> Option<String>) -> Outcome {
        for (column, values) in &self.keep {
            let value = get(column).unwrap_or_default();
            if !values.iter().any(|v| *v == value.trim()) {
                return Outcome::Skipped(Rejection::new(
                    "",
                    "excluded",
                    format!("`{column}` is {value:?}, not one of {values:?}"),
                ));
            }
        }
        match self.fact(get) {
            Ok(fact) => Outcome::Fact(fact),
            Err(rejection) => Outcome::Rejected(rejection),
        }
    }

    fn fact(
        &self,
        get: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<(FactRecord, Option<i64>), Rejection> {
        let id = self.required("id", get)?;
        let kind = self.required("kind", get)?;
        for field in &self.required {
            self.required(field, get)?;
        }
        let date_text = self.required("date", get)?;
        let date = self
            .date(&date_text)
            .ok_or_else(|| self.unparseable_date("date", &date_text))?;
        let amount = match self.value("amount", get) {
            Some(text) => Some(self.amount(&text).ok_or_else(|| {
                Rejection::new(
                    "amount",
                    "unparseable_amount",
                    format!("{text:?} is not an amount"),
                )
            })?),
            None => None,
        };
        let (amount, converted) = self.in_home_currency(amount, get)?;
        let status = self.status(get)?;
        let modified = match self.value("modified", get) {
            Some(text) => Some(self.instant(&text).ok_or_else(|| {
                Rejection::new(
                    "modified",
                    "unparseable_date",
                    format!("{text:?} is not a time stamp"),
                )
            })?),
            None => None,
        };
        let mut attributes = self.attributes(get)?;
        if let Some((currency, original)) = converted {
            attributes.insert("currency".into(), Attribute::Text(currency));
            attributes.insert("original_amount".into(), Attribute::Number(original));
        }
        let fact = FactRecord {
            id,
            kind,
            owner: self.value("owner", get),
            owners: Vec::new(),
            customer: self.value("customer", get),
            amount,
            status,
            date,
            attributes,
        };
        Ok((fact, modified))
    }

    fn unparseable_date(&self, field: &str, text: &str) -> Rejection {
        Rejection::new(
            field,
            "unparseable_date",
            format!(
                "{text:?} is not a date in {}",
                self.date_formats.join(" or ")
            ),
        )
    }

    fn status(
        &self,
        get: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<Option<String>, Rejection> {
        match self.value("status", get) {
            Some(raw) if !self.status.is_empty() => self
                .status
                .get(&raw)
                .or_else(|| self.status.get("*"))
                .cloned()
                .map(Some)
                .ok_or_else(|| {
                    Rejection::new(
                        "status",
                        "unknown_status",
                        format!("the status {raw:?} is not in the mapping's [status] table"),
                    )
                }),
            other => Ok(other),
        }
    }

    fn attributes(
        &self,
        get: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<BTreeMap<String, Attribute>, Rejection> {
        let mut attributes = BTreeMap::new();
        for (field, source) in &self.fields {
            let Some(name) = field.strip_prefix("attributes.") else {
                continue;
            };
            let Some(text) = self.value(field, get) else {
                continue;
            };
            let value = match source {
                Source::Typed {
                    read_as: ReadAs::Date,
                    ..
                } => {
                    let date = self
                        .date(&text)
                        .ok_or_else(|| self.unparseable_date(field, &text))?;
                    Attribute::Text(date.format("%Y-%m-%d").to_string())
                }
                Source::Typed {
                    read_as: ReadAs::Text,
                    ..
                } => Attribute::Text(text),
                Source::Typed {
                    read_as: ReadAs::Number,
                    ..
                } => Attribute::Number(self.amount(&text).ok_or_else(|| {
                    Rejection::new(
                        field,
                        "unparseable_amount",
                        format!("{text:?} is not a number"),
                    )
                })?),
                _ => attribute_of(&text),
            };
            attributes.insert(name.to_owned(), value);
        }
        Ok(attributes)
    }
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
