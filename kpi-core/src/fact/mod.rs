//! Facts: the records a KPI is measured from, and the columnar [`FactTable`] that holds them.

mod amount;
#[cfg(feature = "arrow")]
pub mod arrow;
mod codes;
mod columns;
mod dictionary;
mod lazy;
mod scan;
mod texts;

pub(crate) use amount::{Amounts, ScaledSum};
pub(crate) use codes::{CodeSlice, Codes};
pub(crate) use scan::{CodeTest, RowScan};

pub use amount::UnitColumn;
pub use columns::{AmountColumn, ColumnBatch};
pub(crate) use dictionary::Dictionary;
pub use dictionary::Packed;
pub use texts::{TextColumn, Texts};

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Location, Result};
use crate::maps::IntoMap;
use crate::period::Calendar;

/// One fact as it arrives: an order, a payment, a refund, a deal, a lead, a customer, a
/// survey answer …
///
/// `kind` says which; the other fields are optional because not every kind has them (a
/// lead has no amount, a survey answer no status). Extra, kind-specific values go in
/// `attributes` (for example a survey's `score`). Unknown top-level fields are an error,
/// so a misspelt `ammount` is reported instead of silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct FactRecord {
    /// Unique id of the fact, for example the CRM record id.
    pub id: String,
    /// What the fact is: `order`, `payment`, `refund`, `deal`, `lead`, `customer`, `survey` …
    pub kind: String,
    /// The id of the member who owns the fact. A fact with no owner, or an owner who is not
    /// in the org, is counted under the `unassigned` scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Owners who share the credit for the fact, instead of one `owner`: each gets their
    /// `share` of its amount and count. The shares must be positive and total exactly 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub owners: Vec<Credit>,
    /// The id of the customer the fact concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The amount, exact (a decimal string, or a number), in the currency named by
    /// `attributes.currency` when there is one. A decimal string has at most 28 decimal
    /// places and no separators (`"1200.50"`, `"-3"`, `"1.5e3"`); nothing is rounded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::decimal::exact::option"
    )]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    pub amount: Option<Decimal>,
    /// The status, for example `won`, `lost` or `open`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The date that places the fact in a period (`YYYY-MM-DD`), a supported day:
    /// 1000-01-01 through 9998-12-31 (see [`crate::period::check_date`]).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    #[serde(deserialize_with = "crate::period::date_text::deserialize")]
    pub date: NaiveDate,
    /// Kind-specific values: text, decimal numbers or booleans.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "attributes"
    )]
    pub attributes: BTreeMap<String, Attribute>,
}

/// Reads `attributes`, an object of names and values. A number where the object belongs
/// travels as `{"$kpi::number": …}` (how exact numbers are handed over) and is refused,
/// not read as an attribute of that name.
fn attributes<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Attribute>, D::Error> {
    let map = BTreeMap::<String, Attribute>::deserialize(deserializer)?;
    if map.contains_key(crate::decimal::EXACT_NUMBER_KEY) {
        return Err(serde::de::Error::custom(
            "attributes: an object, not a number",
        ));
    }
    Ok(map)
}

/// One owner's part of a fact whose credit is split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Credit {
    /// The member id.
    pub id: String,
    /// Their share, for example `0.6` for 60% (exact, as an amount is).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub share: Decimal,
}

/// `period.out_of_range` at the fact's `date` unless it is a supported day.
fn check_fact_date(date: NaiveDate, row: usize, path: String) -> Result<()> {
    crate::period::check_date(date).map(|_| ()).map_err(|e| {
        e.at(Location {
            path: Some(path),
            row: Some(row as u64),
            ..Location::default()
        })
    })
}

/// Fact kinds whose amounts are money going back to the customer, stored negative.
pub const NEGATIVE_KINDS: [&str; 2] = ["refund", "credit_note"];

/// The value of a fact attribute: a JSON boolean, string or number.
///
/// A string is always text (`"4.5"` stays text) and a number always a number. A number
/// is kept as an exact decimal (one with more than 28 decimal places, or beyond the
/// decimal range, is refused rather than rounded) and written back as a JSON number, so
/// records round-trip. (A number that a binary float cannot hold exactly, such as one with
/// 20 significant digits, is written as a string, which reads back as text.)
///
/// A number may also arrive by its digits, `{"$kpi::number": "0.1234567890123456789"}`
/// ([`crate::decimal::EXACT_NUMBER_KEY`]): JSON text and the bindings hand over numbers
/// that a binary float cannot hold this way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", serde(untagged))]
pub enum Attribute {
    /// `true` or `false`.
    Bool(bool),
    /// A string.
    Text(String),
    /// A number.
    Number(#[cfg_attr(feature = "typescript", tsify(type = "number"))] Decimal),
}

impl Serialize for Attribute {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Attribute::Bool(b) => serializer.serialize_bool(*b),
            Attribute::Text(t) => serializer.serialize_str(t),
            Attribute::Number(n) => {
                if let Ok(i) = i64::try_from(*n) {
                    if Decimal::from(i) == *n {
                        return serializer.serialize_i64(i);
                    }
                }
                let float: f64 = n.to_string().parse().unwrap_or(f64::NAN);
                // Rust prints the shortest text that reads back as the same f64.
                if float.to_string().parse::<Decimal>().ok() == Some(n.normalize()) {
                    serializer.serialize_f64(float)
                } else {
                    serializer.collect_str(n)
                }
            }
        }
    }
}

impl<'de> Deserialize<'de> for Attribute {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AttributeVisitor)
    }
}

/// Reads a JSON boolean, string or number (or a number's exact form) as an attribute.
struct AttributeVisitor;

impl AttributeVisitor {
    /// A number's text as an exact decimal: more than 28 decimal places, or a value
    /// beyond the decimal range, is an error, not rounded.
    fn number<E: serde::de::Error>(text: &str) -> Result<Attribute, E> {
        crate::decimal::parse_exact(text)
            .map(Attribute::Number)
            .map_err(|why| E::custom(why.describe(text)))
    }
}

impl<'de> serde::de::Visitor<'de> for AttributeVisitor {
    type Value = Attribute;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a boolean, a string or a number")
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Attribute, E> {
        Ok(Attribute::Bool(value))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Attribute, E> {
        Ok(Attribute::Text(value.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Attribute, E> {
        Ok(Attribute::Text(value))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Attribute, E> {
        Ok(Attribute::Number(Decimal::from(value)))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Attribute, E> {
        Ok(Attribute::Number(Decimal::from(value)))
    }

    fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<Attribute, E> {
        Self::number(&value.to_string())
    }

    fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<Attribute, E> {
        Self::number(&value.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Attribute, E> {
        if !value.is_finite() {
            return Err(E::custom(format!("{value} is not a number")));
        }
        // Rust prints the shortest text that reads back as the same f64, without an
        // exponent: 0.1 is "0.1".
        Self::number(&value.to_string())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Attribute, A::Error> {
        crate::decimal::exact::number_from_map(map).map(Attribute::Number)
    }
}

/// The standard columns a filter can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Id,
    Kind,
    Owner,
    Customer,
    Status,
}

impl Column {
    pub(crate) const NAMES: [(&'static str, Column); 5] = [
        ("id", Column::Id),
        ("kind", Column::Kind),
        ("owner", Column::Owner),
        ("customer", Column::Customer),
        ("status", Column::Status),
    ];
}

/// Facts stored by column: dictionary-encoded text columns (codes one, two or four bytes
/// wide, as their dictionary needs), amounts as integer units, dates as day numbers, so a
/// measure pass is a loop over slices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactTable {
    ids: Dictionary,
    kinds: Dictionary,
    owners: Dictionary,
    statuses: Dictionary,
    id: Vec<u32>,
    kind: Codes,
    owner: Codes,
    /// Customers, interned on first use (most plans never read them).
    customer: lazy::LazyTexts,
    status: Codes,
    amount: Amounts,
    date: Vec<NaiveDate>,
    attributes: BTreeMap<String, Vec<Option<Attribute>>>,
    /// Credit splits of the facts that have them (owner code, share), by row.
    splits: BTreeMap<usize, Vec<(u32, Decimal)>>,
    /// When each fact was last modified in its source (Unix milliseconds; `i64::MIN` for
    /// unknown), kept only once ingestion has seen one: it decides which of two versions
    /// of a record wins. Empty otherwise. Not part of a fact's record.
    modified: Vec<i64>,
}

impl FactTable {
    /// An empty table.
    pub fn new() -> FactTable {
        FactTable::default()
    }

    /// Builds a table from records. A repeated fact id is an error at the second record.
    pub fn from_records(records: impl IntoIterator<Item = FactRecord>) -> Result<FactTable> {
        let mut table = FactTable::new();
        for record in records {
            table.push(record)?;
        }
        Ok(table)
    }

    /// Builds a table from a JSON array of fact records. A malformed record is an error
    /// that names its index and field (`[3].amount`). Numbers are read by their digits,
    /// exactly (`90071992547409.93` stays that, never a nearby binary float); a number kpi
    /// cannot hold without rounding (29 decimal places, beyond ±7.9e28) is an error, and so
    /// is a key that appears twice in an object.
    pub fn from_json(text: &str) -> Result<FactTable> {
        let json = crate::json::parse(text).map_err(|e| {
            Error::new(
                ErrorKind::DataInvalidFact,
                format!("facts are not valid JSON: {}", e.message),
            )
            .at(Location {
                line: u32::try_from(e.line).ok(),
                column: u32::try_from(e.column).ok(),
                ..Location::default()
            })
        })?;
        let crate::json::Json::Array(items) = json else {
            return Err(Error::new(
                ErrorKind::DataInvalidFact,
                format!("facts must be a list of records, not {}", json.kind()),
            ));
        };
        let mut table = FactTable::new();
        table.append_items(items.iter().map(crate::json::Json::to_value), None)?;
        Ok(table)
    }

    /// Builds a table from JSON Lines: one fact record per line; blank lines are skipped.
    /// An error names the 1-based line and the 0-based row. Numbers are exact, as in
    /// [`FactTable::from_json`].
    pub fn from_json_lines(text: &str) -> Result<FactTable> {
        let mut table = FactTable::new();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let row = table.len() as u64;
            let located = |message: String, path: String| {
                Error::new(ErrorKind::DataInvalidFact, message).at(Location {
                    path: Some(path),
                    line: Some(index as u32 + 1),
                    row: Some(row),
                    ..Location::default()
                })
            };
            // Through a JSON value, like `from_json_value`: one deserialiser per record
            // type, not one per JSON source (which the wasm file would carry twice).
            let json =
                crate::json::parse(line).map_err(|e| located(e.message, format!("[{row}]")))?;
            let record: FactRecord = crate::path_de::deserialize(json.to_value())
                .map_err(|e| located(e.inner().to_string(), format!("[{row}].{}", e.path())))?;
            table.push(record).map_err(|e| {
                let mut location = e.location().clone();
                location.line = Some(index as u32 + 1);
                e.at(location)
            })?;
        }
        Ok(table)
    }

    /// Builds a table from an already parsed JSON array (what the Python and JavaScript
    /// bindings hand over).
    ///
    /// Dates must be `YYYY-MM-DD`; to read timestamps, use
    /// [`FactTable::from_json_value_in`] with the plan's calendar.
    pub fn from_json_value(value: serde_json::Value) -> Result<FactTable> {
        FactTable::read_json_value(value, None)
    }

    /// Like [`FactTable::from_json_value`], but a `date` may also be a timestamp, which
    /// becomes a local date in `calendar`'s time zone: an RFC 3339 string with an offset
    /// (`2026-03-31T20:00:00Z`) or Unix milliseconds (`1774987200000`).
    pub fn from_json_value_in(value: serde_json::Value, calendar: &Calendar) -> Result<FactTable> {
        FactTable::read_json_value(value, Some(calendar))
    }

    fn read_json_value(value: serde_json::Value, calendar: Option<&Calendar>) -> Result<FactTable> {
        let mut table = FactTable::new();
        table.append_json_value(value, calendar)?;
        Ok(table)
    }

    /// Appends a JSON array of records (with timestamps read in `calendar`, if given).
    /// All or nothing: every record is checked first (fields, credit splits, ids new to
    /// the table and to the batch), and an error names the record's index in the batch.
    pub fn append_json_value(
        &mut self,
        value: serde_json::Value,
        calendar: Option<&Calendar>,
    ) -> Result<()> {
        let serde_json::Value::Array(items) = value else {
            return Err(Error::new(
                ErrorKind::DataInvalidFact,
                "facts must be a list of records",
            ));
        };
        self.append_items(items, calendar)
    }

    /// Appends records given as JSON values (as [`FactTable::append_json_value`]).
    fn append_items(
        &mut self,
        items: impl IntoIterator<Item = serde_json::Value>,
        calendar: Option<&Calendar>,
    ) -> Result<()> {
        let at = |row: usize, path: String| Location {
            path: Some(path),
            row: Some(row as u64),
            ..Location::default()
        };
        let mut records = Vec::new();
        let mut batch_ids = HashSet::new();
        for (row, mut item) in items.into_iter().enumerate() {
            localise_timestamp(&mut item, calendar)
                .map_err(|e| e.at(at(row, format!("[{row}].date"))))?;
            let record: FactRecord = crate::path_de::deserialize(item).map_err(|e| {
                let path = match e.path().to_string().as_str() {
                    "." => format!("[{row}]"),
                    field => format!("[{row}].{field}"),
                };
                Error::new(ErrorKind::DataInvalidFact, e.inner().to_string()).at(at(row, path))
            })?;
            check_fact_date(record.date, row, format!("[{row}].date"))?;
            check_credits(&record, row)?;
            if self.ids.code(&record.id).is_some() || !batch_ids.insert(record.id.clone()) {
                return Err(Error::new(
                    ErrorKind::DataInvalidFact,
                    format!("fact id `{}` appears twice", record.id),
                )
                .at(at(row, format!("[{row}].id"))));
            }
            records.push(record);
        }
        for record in records {
            self.push(record)?;
        }
        Ok(())
    }

    /// Appends one record. A fact id already in the table is an error.
    ///
    /// Refunds and credit notes (kinds in [`NEGATIVE_KINDS`]) take money back, so their
    /// amounts are stored negative: a positive amount is negated here, once, and a
    /// negative one kept. `sum(amount)` over orders and refunds is then net revenue.
    pub fn push(&mut self, mut record: FactRecord) -> Result<()> {
        let row = self.len();
        check_fact_date(record.date, row, format!("[{row}].date"))?;
        negate_returns(&mut record);
        check_credits(&record, row)?;
        let before = self.ids.len();
        let id = self.ids.intern(&record.id);
        if self.ids.len() == before {
            return Err(Error::new(
                ErrorKind::DataInvalidFact,
                format!("fact id `{}` appears twice", record.id),
            )
            .at(Location {
                path: Some(format!("[{row}].id")),
                row: Some(row as u64),
                ..Location::default()
            }));
        }
        self.push_with_id(record, id);
        Ok(())
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    /// Appends records whose ids are `ids` in order (code `i` is the id of the `i`-th
    /// record, all distinct) to an empty table: the ingestion batch has interned them
    /// already, so they are not hashed again.
    pub(crate) fn push_interned(
        &mut self,
        ids: Dictionary,
        records: impl ExactSizeIterator<Item = FactRecord>,
    ) -> Result<()> {
        debug_assert!(self.is_empty() && ids.len() == records.len());
        self.ids = ids;
        self.reserve_columns(records.len());
        for (row, mut record) in records.enumerate() {
            check_fact_date(record.date, row, format!("[{row}].date"))?;
            negate_returns(&mut record);
            check_credits(&record, row)?;
            let code = u32::try_from(row).expect("ids are u32 codes");
            self.push_with_id(record, code);
        }
        Ok(())
    }

    /// Appends a record whose id is interned as `id`.
    fn push_with_id(&mut self, record: FactRecord, id: u32) {
        let row = self.len();
        self.id.push(id);
        self.kind.push(self.kinds.intern(&record.kind));
        self.owner
            .push(self.owners.intern_opt(record.owner.as_deref()));
        if !record.owners.is_empty() {
            let credits = record
                .owners
                .iter()
                .map(|c| (self.owners.intern(&c.id), c.share))
                .collect();
            self.splits.insert(row, credits);
        }
        self.customer.push(record.customer.as_deref());
        self.status
            .push(self.statuses.intern_opt(record.status.as_deref()));
        self.amount.push(record.amount);
        self.date.push(record.date);
        for column in self.attributes.values_mut() {
            column.push(None);
        }
        if !self.modified.is_empty() {
            self.modified.push(i64::MIN);
        }
        self.set_attributes(row, record.attributes);
    }

    fn set_attributes(&mut self, row: usize, attributes: BTreeMap<String, Attribute>) {
        let len = self.len();
        for (name, value) in attributes {
            let column = self
                .attributes
                .entry(name)
                .or_insert_with(|| vec![None; len]);
            column[row] = Some(value);
        }
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    /// Replaces the fact at `row` with a newer version of it (same id): ingestion's
    /// last-modified-wins de-duplication. The row keeps its place.
    pub(crate) fn replace(&mut self, row: usize, mut record: FactRecord) -> Result<()> {
        debug_assert_eq!(self.id_of(row), record.id);
        check_fact_date(record.date, row, format!("[{row}].date"))?;
        negate_returns(&mut record);
        check_credits(&record, row)?;
        self.kind.set(row, self.kinds.intern(&record.kind));
        self.owner
            .set(row, self.owners.intern_opt(record.owner.as_deref()));
        self.splits.remove(&row);
        if !record.owners.is_empty() {
            let credits = record
                .owners
                .iter()
                .map(|c| (self.owners.intern(&c.id), c.share))
                .collect();
            self.splits.insert(row, credits);
        }
        self.customer.set(row, record.customer.as_deref());
        self.status
            .set(row, self.statuses.intern_opt(record.status.as_deref()));
        self.amount.set(row, record.amount);
        self.date[row] = record.date;
        for column in self.attributes.values_mut() {
            column[row] = None;
        }
        self.set_attributes(row, record.attributes);
        Ok(())
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    /// When the fact at `row` was last modified in its source (Unix milliseconds).
    pub(crate) fn modified_at(&self, row: usize) -> Option<i64> {
        self.modified.get(row).copied().filter(|m| *m != i64::MIN)
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    pub(crate) fn set_modified(&mut self, row: usize, millis: i64) {
        if self.modified.is_empty() {
            self.modified = vec![i64::MIN; self.len()];
        }
        self.modified[row] = millis;
    }

    /// The number of facts.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// Whether the table has no facts.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// The record at `row`, rebuilt from the columns.
    pub fn record(&self, row: usize) -> Option<FactRecord> {
        if row >= self.len() {
            return None;
        }
        let text = |dict: &Dictionary, code: u32| dict.get(code).map(str::to_owned);
        Some(FactRecord {
            id: text(&self.ids, self.id[row]).unwrap_or_default(),
            kind: text(&self.kinds, self.kind.get(row)).unwrap_or_default(),
            owner: text(&self.owners, self.owner.get(row)),
            owners: self
                .splits
                .get(&row)
                .map(|credits| {
                    credits
                        .iter()
                        .map(|(code, share)| Credit {
                            id: self.owners.get(*code).unwrap_or_default().to_owned(),
                            share: *share,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            customer: self.customer.get(row).map(str::to_owned),
            amount: self.amount.get(row),
            status: text(&self.statuses, self.status.get(row)),
            date: self.date[row],
            attributes: self
                .attributes
                .iter()
                .filter_map(|(name, column)| Some((name.clone(), column[row].clone()?)))
                .into_map(),
        })
    }

    /// All records, in insertion order.
    pub fn records(&self) -> impl Iterator<Item = FactRecord> + '_ {
        (0..self.len()).filter_map(|row| self.record(row))
    }

    /// The earliest and latest fact dates, or `None` for an empty table.
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let min = self.date.iter().min()?;
        let max = self.date.iter().max()?;
        Some((*min, *max))
    }

    /// The distinct owner ids that appear in the facts.
    pub fn owners(&self) -> &Dictionary {
        &self.owners
    }

    pub(crate) fn dictionary(&self, column: Column) -> &Dictionary {
        match column {
            Column::Id => &self.ids,
            Column::Kind => &self.kinds,
            Column::Owner => &self.owners,
            Column::Customer => self.customer.interned().0,
            Column::Status => &self.statuses,
        }
    }

    pub(crate) fn codes(&self, column: Column) -> CodeSlice<'_> {
        match column {
            Column::Id => CodeSlice::U32(&self.id),
            Column::Kind => self.kind.slice(),
            Column::Owner => self.owner.slice(),
            Column::Customer => CodeSlice::U32(self.customer.interned().1),
            Column::Status => self.status.slice(),
        }
    }

    /// Whether any fact has a credit split.
    pub(crate) fn has_splits(&self) -> bool {
        !self.splits.is_empty()
    }

    /// The credit split of the fact at `row`, if it has one.
    pub(crate) fn splits(&self, row: usize) -> Option<&[(u32, Decimal)]> {
        self.splits.get(&row).map(Vec::as_slice)
    }

    /// The bytes the table holds on the heap, at capacity: its columns, dictionaries,
    /// attributes and credit splits (attribute strings counted by their length). The
    /// benches compare it with the same facts' Arrow size.
    pub fn heap_bytes(&self) -> usize {
        let codes = self.id.capacity() * std::mem::size_of::<u32>()
            + self.kind.heap_bytes()
            + self.owner.heap_bytes()
            + self.status.heap_bytes();
        let dictionaries = [&self.ids, &self.kinds, &self.owners, &self.statuses]
            .iter()
            .map(|d| d.heap_bytes())
            .sum::<usize>();
        let attributes = self
            .attributes
            .iter()
            .map(|(name, column)| {
                name.len()
                    + column.capacity() * std::mem::size_of::<Option<Attribute>>()
                    + column
                        .iter()
                        .map(|a| match a {
                            Some(Attribute::Text(t)) => t.capacity(),
                            _ => 0,
                        })
                        .sum::<usize>()
            })
            .sum::<usize>();
        let splits = self
            .splits
            .values()
            .map(|v| v.capacity() * std::mem::size_of::<(u32, Decimal)>() + 48)
            .sum::<usize>();
        codes
            + dictionaries
            + self.customer.heap_bytes()
            + self.amount.heap_bytes()
            + self.date.capacity() * std::mem::size_of::<NaiveDate>()
            + attributes
            + splits
            + self.modified.capacity() * std::mem::size_of::<i64>()
    }

    /// Makes room for `additional` more facts (a batch about to be appended), so the
    /// columns and the id index grow once.
    pub fn reserve(&mut self, additional: usize) {
        self.ids.reserve(additional);
        self.reserve_columns(additional);
    }

    /// Makes room in every column but the id index.
    fn reserve_columns(&mut self, additional: usize) {
        self.id.reserve(additional);
        for column in [&mut self.kind, &mut self.owner, &mut self.status] {
            column.reserve(additional);
        }
        self.customer.reserve(additional);
        self.date.reserve(additional);
        self.amount.reserve(additional);
    }

    /// The row of the fact with this id (ids are unique, so a row's id code is its row).
    pub(crate) fn row_of(&self, id: &str) -> Option<usize> {
        self.ids.code(id).map(|code| code as usize)
    }

    /// The id of the fact at `row`.
    pub(crate) fn id_of(&self, row: usize) -> &str {
        self.ids.get(self.id[row]).unwrap_or_default()
    }

    /// The owner of the fact at `row`, if it has one.
    /// The owner id of an owner code (a credit split's).
    pub(crate) fn owner_name(&self, code: u32) -> Option<&str> {
        self.owners.get(code)
    }

    pub(crate) fn owner_of(&self, row: usize) -> Option<&str> {
        self.owners.get(self.owner.get(row))
    }

    pub(crate) fn amounts(&self) -> &Amounts {
        &self.amount
    }

    pub(crate) fn dates(&self) -> &[NaiveDate] {
        &self.date
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&[Option<Attribute>]> {
        self.attributes.get(name).map(Vec::as_slice)
    }

    /// The names of the attributes present on any fact.
    pub fn attribute_names(&self) -> impl Iterator<Item = &str> {
        self.attributes.keys().map(String::as_str)
    }

    /// Whether a fact id is present.
    pub fn contains_id(&self, id: &str) -> bool {
        self.ids.code(id).is_some()
    }

    /// Ids that occur in `owners` but are not in `known`: the facts that will be counted
    /// as `unassigned`.
    pub fn unknown_owners<'a>(&'a self, known: &HashSet<&str>) -> Vec<&'a str> {
        self.owners
            .values()
            .filter(|owner| !known.contains(owner))
            .collect()
    }
}

/// A fact has one owner or a credit split, whose shares are positive and total exactly 1.
/// Returns (kinds in [`NEGATIVE_KINDS`]) are stored negative.
fn negate_returns(record: &mut FactRecord) {
    if NEGATIVE_KINDS.contains(&record.kind.as_str()) {
        record.amount = record.amount.map(|a| -a.abs());
    }
}

fn check_credits(record: &FactRecord, row: usize) -> Result<()> {
    if record.owners.is_empty() {
        return Ok(());
    }
    let bad = |message: String| {
        Err(
            Error::new(ErrorKind::DataInvalidFact, message).at(Location {
                path: Some(format!("[{row}].owners")),
                row: Some(row as u64),
                ..Location::default()
            }),
        )
    };
    if record.owner.is_some() {
        return bad("a fact has an `owner` or a credit split in `owners`, not both".into());
    }
    if let Some(credit) = record.owners.iter().find(|c| c.share <= Decimal::ZERO) {
        return bad(format!(
            "the share of `{}` is {}; shares must be positive",
            credit.id, credit.share
        ));
    }
    let total = crate::decimal::checked_sum(record.owners.iter().map(|c| c.share));
    if total != Some(Decimal::ONE) {
        let shown = total.map_or_else(
            || "more than can be written".to_owned(),
            crate::text::percent,
        );
        return bad(format!(
            "credit splits must total 100%, and these total {shown}"
        ));
    }
    Ok(())
}

/// Replaces a timestamp in a record's `date` by its local date in `calendar`. Plain
/// `YYYY-MM-DD` dates (and text that is neither, which the record's reader reports) are
/// left alone; a timestamp without a calendar is an error, because its local date
/// depends on the time zone.
fn localise_timestamp(record: &mut serde_json::Value, calendar: Option<&Calendar>) -> Result<()> {
    let Some(date) = record.get_mut("date") else {
        return Ok(());
    };
    let is_timestamp = match date {
        serde_json::Value::String(text) => crate::period::looks_like_timestamp(text),
        serde_json::Value::Number(_) => true,
        _ => false,
    };
    if !is_timestamp {
        return Ok(());
    }
    let Some(calendar) = calendar else {
        return Err(Error::new(
            ErrorKind::DataInvalidFact,
            "this date is a timestamp: read the facts with the plan's calendar, whose time zone makes it a local date (or give the day as YYYY-MM-DD)",
        ));
    };
    let local = match date {
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(millis) => calendar.local_date_of_millis(millis),
            None => Err(Error::new(
                ErrorKind::DataInvalidFact,
                format!("{n} is not whole milliseconds"),
            )),
        },
        serde_json::Value::String(text) => calendar.local_date_of_rfc3339(text),
        _ => unreachable!("checked above"),
    }
    .map_err(|e| match e.kind() {
        ErrorKind::PeriodOutOfRange => e,
        _ => Error::new(ErrorKind::DataInvalidFact, e.message().to_owned()),
    })?;
    *date = serde_json::Value::String(local.to_string());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"[
        {"id": "o1", "kind": "order", "owner": "ann", "amount": "100.50", "status": "won", "date": "2026-03-02"},
        {"id": "s1", "kind": "survey", "customer": "c9", "date": "2026-03-05", "attributes": {"score": 5, "channel": "email"}}
    ]"#;

    #[test]
    fn records_round_trip_through_the_columns() {
        let table = FactTable::from_json(TWO).unwrap();
        assert_eq!(table.len(), 2);
        let records: Vec<_> = table.records().collect();
        let again = FactTable::from_records(records.clone()).unwrap();
        assert_eq!(again.records().collect::<Vec<_>>(), records);
        assert_eq!(records[0].amount, Some(Decimal::new(10050, 2)));
        assert_eq!(
            records[1].attributes["score"],
            Attribute::Number(Decimal::from(5))
        );
        assert_eq!(records[1].owner, None);
        // Numeric attributes stay numbers through JSON, so they stay numbers on reading.
        let json = serde_json::to_string(&records[1]).unwrap();
        assert!(json.contains(r#""score":5"#), "{json}");
        let record: FactRecord = serde_json::from_str(
            r#"{"id": "x", "kind": "k", "date": "2026-01-01", "attributes": {"r": 0.25, "n": -3}}"#,
        )
        .unwrap();
        let again: FactRecord =
            serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(again, record);
    }

    #[test]
    fn attributes_read_strings_as_text_and_numbers_exactly() {
        let read = |value: serde_json::Value| serde_json::from_value::<Attribute>(value);
        assert_eq!(
            read(serde_json::json!("4.5")).unwrap(),
            Attribute::Text("4.5".into())
        );
        assert_eq!(
            read(serde_json::json!(4.5)).unwrap(),
            Attribute::Number(Decimal::new(45, 1))
        );
        assert_eq!(
            read(serde_json::json!(true)).unwrap(),
            Attribute::Bool(true)
        );
        // The exact form keeps every digit and the scale, beyond what a float holds.
        let key = crate::decimal::EXACT_NUMBER_KEY;
        let exact = |text: &str| read(serde_json::json!({ key: text }));
        assert_eq!(
            exact("1234567890.1234567890123456789").unwrap(),
            Attribute::Number("1234567890.1234567890123456789".parse().unwrap())
        );
        assert_eq!(
            exact("4.50").unwrap(),
            Attribute::Number(Decimal::new(450, 2))
        );
        // Refused, not rounded: 29 decimal places, or beyond the decimal range.
        assert!(exact("0.00000000000000000000000000001").is_err());
        assert!(exact("79228162514264337593543950336").is_err());
        assert!(read(serde_json::json!(1e-30)).is_err());
        // Amounts and shares are exact too: rounding a 29th place is an error.
        let record = |amount: serde_json::Value| {
            serde_json::from_value::<FactRecord>(serde_json::json!(
                {"id": "x", "kind": "order", "date": "2026-01-01", "amount": amount}
            ))
        };
        let amount = |v| record(v).map(|r| r.amount.unwrap().to_string());
        assert!(
            amount(serde_json::json!("1_000.50")).is_err(),
            "not a decimal"
        );
        assert_eq!(amount(serde_json::json!("1e3")).unwrap(), "1000");
        assert_eq!(amount(serde_json::json!(0.1)).unwrap(), "0.1");
        assert_eq!(
            amount(serde_json::json!({ key: "0.1234567890123456789012345678" })).unwrap(),
            "0.1234567890123456789012345678"
        );
        for rounded in [
            serde_json::json!("0.12345678901234567890123456789"),
            serde_json::json!("1e-29"),
            serde_json::json!(1e-29),
        ] {
            let err = record(rounded.clone()).unwrap_err().to_string();
            assert!(err.contains("would be rounded"), "{rounded}: {err}");
        }
        assert!(record(serde_json::json!("lots")).is_err());
        assert!(record(serde_json::json!(true)).is_err());
        let share = serde_json::from_value::<Credit>(
            serde_json::json!({"id": "a", "share": "0.33333333333333333333333333333"}),
        );
        assert!(share.is_err());
        for other in [
            serde_json::json!(null),
            serde_json::json!([1]),
            serde_json::json!({"x": "1"}),
            serde_json::json!({ key: "1", "x": "2" }),
        ] {
            assert!(read(other.clone()).is_err(), "{other}");
        }
    }

    #[test]
    fn a_bad_amount_names_its_row_and_field() {
        let text = r#"[{"id": "a", "kind": "order", "date": "2026-01-01", "amount": "1"},
                       {"id": "b", "kind": "order", "date": "2026-01-01", "amount": "lots"}]"#;
        let err = FactTable::from_json(text).unwrap_err();
        assert_eq!(err.code(), "data.invalid_fact");
        assert_eq!(err.location().path.as_deref(), Some("[1].amount"));
        assert_eq!(err.location().row, Some(1));
    }

    #[test]
    fn duplicate_ids_and_unknown_fields_are_errors() {
        let dup = r#"[{"id": "a", "kind": "order", "date": "2026-01-01"},
                      {"id": "a", "kind": "order", "date": "2026-01-02"}]"#;
        let err = FactTable::from_json(dup).unwrap_err();
        assert_eq!(err.location().path.as_deref(), Some("[1].id"));
        let typo = r#"[{"id": "a", "kind": "order", "date": "2026-01-01", "ammount": "1"}]"#;
        let err = FactTable::from_json(typo).unwrap_err();
        assert_eq!(err.code(), "data.invalid_fact");
        assert!(err.message().contains("ammount"), "{err}");
    }

    #[test]
    fn timestamps_need_a_calendar_and_become_local_dates() {
        let records = serde_json::json!([
            {"id": "a", "kind": "order", "date": "2026-03-31T20:00:00Z"},
            {"id": "b", "kind": "order", "date": 1_774_972_800_000_i64},
            {"id": "c", "kind": "order", "date": "2026-03-31"}
        ]);
        let err = FactTable::from_json_value(records.clone()).unwrap_err();
        assert_eq!(err.location().path.as_deref(), Some("[0].date"));
        let shanghai = Calendar {
            timezone: Some("Asia/Shanghai".into()),
            ..Calendar::default()
        };
        let table = FactTable::from_json_value_in(records, &shanghai).unwrap();
        let dates: Vec<String> = table.records().map(|r| r.date.to_string()).collect();
        assert_eq!(dates, ["2026-04-01", "2026-04-01", "2026-03-31"]);
        let bad = serde_json::json!([{"id": "a", "kind": "order", "date": "2026-03-31T20:00:00"}]);
        let err = FactTable::from_json_value_in(bad, &shanghai).unwrap_err();
        assert_eq!(
            (err.code(), err.location().row),
            ("data.invalid_fact", Some(0))
        );
    }

    #[test]
    fn append_checks_the_whole_batch_before_changing_anything() {
        let mut table = FactTable::from_json(TWO).unwrap();
        let batch = serde_json::json!([
            {"id": "o2", "kind": "order", "date": "2026-03-03"},
            {"id": "o1", "kind": "order", "date": "2026-03-04"}
        ]);
        let err = table.append_json_value(batch, None).unwrap_err();
        assert_eq!(
            (err.location().path.as_deref(), err.location().row),
            (Some("[1].id"), Some(1))
        );
        assert_eq!(table.len(), 2);
        let twice = serde_json::json!([
            {"id": "o3", "kind": "order", "date": "2026-03-03"},
            {"id": "o3", "kind": "order", "date": "2026-03-04"}
        ]);
        assert_eq!(
            table
                .append_json_value(twice, None)
                .unwrap_err()
                .location()
                .row,
            Some(1)
        );
        let good = serde_json::json!([{"id": "o3", "kind": "order", "date": "2026-03-03"}]);
        table.append_json_value(good, None).unwrap();
        assert_eq!(table.len(), 3);
    }

    #[test]
    fn json_text_numbers_are_exact_or_errors() {
        let table = FactTable::from_json(
            r#"[{"id": "a", "kind": "order", "date": "2026-01-01", "amount": 90071992547409.93,
                 "owners": [{"id": "x", "share": 0.3333333333333333333333333333},
                            {"id": "y", "share": 0.6666666666666666666666666667}],
                 "attributes": {"n": 12345678901234567.5, "t": "1.5"}}]"#,
        )
        .unwrap();
        let record = table.records().next().unwrap();
        assert_eq!(record.amount.unwrap().to_string(), "90071992547409.93");
        assert_eq!(
            record.attributes["n"],
            Attribute::Number("12345678901234567.5".parse().unwrap())
        );
        assert_eq!(record.attributes["t"], Attribute::Text("1.5".into()));
        for (text, path) in [
            (
                r#"[{"id": "a", "kind": "o", "date": "2026-01-01", "amount": 1e-29}]"#,
                "[0].amount",
            ),
            (
                r#"[{"id": "a", "kind": "o", "date": "2026-01-01", "amount": "1_000"}]"#,
                "[0].amount",
            ),
            (
                r#"[{"id": "a", "kind": "o", "date": "2026-01-01", "amount": "0.00000000000000000000000000001"}]"#,
                "[0].amount",
            ),
            (
                r#"[{"id": "a", "kind": "o", "date": "2026-01-01", "attributes": {"n": 1e40}}]"#,
                "[0].attributes.n",
            ),
            (
                r#"[{"id": "a", "kind": "o", "date": "2026-01-01", "owners": [{"id": "x", "share": 1e-30}]}]"#,
                "[0].owners[0].share",
            ),
        ] {
            let err = FactTable::from_json(text).unwrap_err();
            assert_eq!(err.code(), "data.invalid_fact", "{text}");
            assert_eq!(err.location().path.as_deref(), Some(path), "{text}: {err}");
        }
        for text in [
            r#"[{"id": "a", "kind": "o", "date": "2026-01-01", "id": "b"}]"#,
            r#"[{"id": "a", "kind": "o", "date": "2026-01-01", "attributes": {"k": 1, "k": 2}}]"#,
            r#"[{"id": "a", "kind": "o", "date": "2026-01-01"}] [{"id": "b", "kind": "o", "date": "2026-01-01"}]"#,
        ] {
            let err = FactTable::from_json(text).unwrap_err();
            assert_eq!(err.code(), "data.invalid_fact", "{text}");
        }
        let err = FactTable::from_json_lines(
            "{\"id\": \"a\", \"kind\": \"o\", \"date\": \"2026-01-01\", \"amount\": 1e99}\n",
        )
        .unwrap_err();
        assert_eq!(err.location().path.as_deref(), Some("[0].amount"));
    }

    #[test]
    fn json_lines_errors_name_the_line() {
        let text = "{\"id\": \"a\", \"kind\": \"order\", \"date\": \"2026-01-01\"}\n\n{\"id\": \"b\", \"kind\": \"order\", \"date\": \"2026-02-30\"}\n";
        let err = FactTable::from_json_lines(text).unwrap_err();
        assert_eq!(err.location().line, Some(3));
        assert_eq!(err.location().row, Some(1));
        assert_eq!(err.location().path.as_deref(), Some("[1].date"));
    }
}
