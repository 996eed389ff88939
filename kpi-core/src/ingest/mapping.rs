//! The column mapping: which input column (or constant) fills each fact field, and how
//! dates, decimals and statuses are written in the input.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Rejection, attribute_of};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::FactRecord;
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
/// `id`, `kind` and `date` are required. Without a `[status]` table statuses are kept as
/// written; with one, a status it does not list (and no `"*"`) rejects the record.
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
    /// The plan's home currency. Amounts of records whose `currency` differs are divided
    /// by their `exchange_rate` (units of the record's currency per home unit, as Zoho CRM
    /// gives it) and rounded half-up to cents; the original currency and amount stay in
    /// `attributes.currency` and `attributes.original_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub home_currency: Option<String>,
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

const FIELDS: [&str; 9] = [
    "id",
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
                        "`{field}` is not a fact field (id, kind, owner, customer, amount, status, date or attributes.<name>){hint}"
                    ),
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
        self.clock()?;
        for (i, format) in self.date_formats.iter().enumerate() {
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
        Ok(self)
    }

    /// The calendar that turns time stamps into local dates.
    fn clock(&self) -> Result<crate::period::Calendar> {
        let calendar = crate::period::Calendar {
            timezone: self.timezone.clone(),
            ..crate::period::Calendar::default()
        };
        calendar
            .validate()
            .map_err(|e| invalid("timezone", e.message().to_owned()))?;
        Ok(calendar)
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

    /// Every column the mapping reads is in `headers`.
    pub(crate) fn check_columns(&self, headers: &[String]) -> Result<()> {
        for (field, source) in &self.fields {
            if let Source::Column(column) = source
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
        Ok(())
    }

    fn value(&self, field: &str, get: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        let text = match self.fields.get(field)? {
            Source::Column(column) => get(column)?,
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
        cleaned.parse().ok()
    }

    fn date(&self, text: &str) -> Option<NaiveDate> {
        self.date_formats
            .iter()
            .find_map(|format| match format.as_str() {
                "epoch_ms" => {
                    let millis = text.parse::<i64>().ok()?;
                    self.clock().ok()?.local_date_of_millis(millis).ok()
                }
                "rfc3339" => self.clock().ok()?.local_date_of_rfc3339(text).ok(),
                _ => NaiveDate::parse_from_str(text, format).ok().or_else(|| {
                    NaiveDateTime::parse_from_str(text, format)
                        .ok()
                        .map(|t| t.date())
                }),
            })
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

    /// One input record as a fact, or why it cannot be one.
    pub(crate) fn record(
        &self,
        get: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<FactRecord, Rejection> {
        let id = self.required("id", get)?;
        let kind = self.required("kind", get)?;
        let date_text = self.required("date", get)?;
        let date = self.date(&date_text).ok_or_else(|| {
            Rejection::new(
                "date",
                "unparseable_date",
                format!(
                    "{date_text:?} is not a date in {}",
                    self.date_formats.join(" or ")
                ),
            )
        })?;
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
        let status = match self.value("status", get) {
            Some(raw) if !self.status.is_empty() => Some(
                self.status
                    .get(&raw)
                    .or_else(|| self.status.get("*"))
                    .cloned()
                    .ok_or_else(|| {
                        Rejection::new(
                            "status",
                            "unknown_status",
                            format!("the status {raw:?} is not in the mapping's [status] table"),
                        )
                    })?,
            ),
            other => other,
        };
        let mut attributes: BTreeMap<String, crate::fact::Attribute> = self
            .fields
            .keys()
            .filter_map(|field| {
                let name = field.strip_prefix("attributes.")?;
                Some((name.to_owned(), attribute_of(&self.value(field, get)?)))
            })
            .collect();
        if let Some((currency, original)) = converted {
            attributes.insert("currency".into(), crate::fact::Attribute::Text(currency));
            attributes.insert(
                "original_amount".into(),
                crate::fact::Attribute::Number(original),
            );
        }
        Ok(FactRecord {
            id,
            kind,
            owner: self.value("owner", get),
            owners: Vec::new(),
            customer: self.value("customer", get),
            amount,
            status,
            date,
            attributes,
        })
    }
}
