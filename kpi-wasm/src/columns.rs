//! Columnar fact input for large sets: `FactTable.fromColumns({ id, kind, day, amount, … })`
//! with typed arrays for ids and day numbers and string arrays for decimals, so a million
//! facts cross into wasm as a few arrays rather than a million objects. `boundary.js`
//! checks every column and cell (types, holes, lengths, exact numbers) and hands the
//! columns over as one JSON text; here the days are placed in the supported range and the
//! amounts read as decimals.

use std::collections::BTreeMap;

use kpi_core as core;
use rust_decimal::Decimal;
use wasm_bindgen::prelude::*;

use crate::{FactTable, boundary, map_err, read_options, to_js_err};

/// A text column: one value for every row, or a value (or none) per row.
enum Text {
    All(String),
    Rows(Vec<serde_json::Value>),
}

impl Text {
    fn read(value: Option<serde_json::Value>) -> Option<Text> {
        match value? {
            serde_json::Value::String(text) => Some(Text::All(text)),
            serde_json::Value::Array(rows) => Some(Text::Rows(rows)),
            _ => None,
        }
    }

    fn at(&self, row: usize) -> Option<String> {
        match self {
            Text::All(text) => Some(text.clone()),
            Text::Rows(rows) => rows.get(row).and_then(|v| v.as_str()).map(str::to_owned),
        }
    }
}

/// The columns as `boundary.js` hands them over (checked there): read from one JSON value
/// by hand, which keeps the wasm file smaller than a derived reader.
struct Columns {
    id: Vec<serde_json::Value>,
    kind: Option<Text>,
    day: Vec<serde_json::Value>,
    owner: Option<Text>,
    customer: Option<Text>,
    status: Option<Text>,
    amount: Vec<serde_json::Value>,
    attributes: Vec<(String, Vec<serde_json::Value>)>,
}

impl Columns {
    fn read(text: &str) -> Result<Columns, JsValue> {
        let serde_json::Value::Object(mut map) = serde_json::from_str(text)
            .map_err(|e| boundary::invalid_argument(format!("columns: {e}")))?
        else {
            return Err(boundary::invalid_argument("columns: not an object"));
        };
        let mut list = |key: &str| match map.remove(key) {
            Some(serde_json::Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let id = list("id");
        let day = list("day");
        let amount = list("amount");
        let attributes = match map.remove("attributes") {
            Some(serde_json::Value::Object(named)) => named
                .into_iter()
                .map(|(name, cells)| match cells {
                    serde_json::Value::Array(cells) => (name, cells),
                    _ => (name, Vec::new()),
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(Columns {
            id,
            kind: Text::read(map.remove("kind")),
            day,
            owner: Text::read(map.remove("owner")),
            customer: Text::read(map.remove("customer")),
            status: Text::read(map.remove("status")),
            amount,
            attributes,
        })
    }
}

/// An attribute cell (`"s:" + text`, `"n:" + decimal`, a boolean or null).
fn attribute(
    cell: &serde_json::Value,
    name: &str,
    row: usize,
) -> Result<Option<core::Attribute>, JsValue> {
    Ok(match cell {
        serde_json::Value::Bool(b) => Some(core::Attribute::Bool(*b)),
        serde_json::Value::String(tagged) => match tagged.split_at_checked(2) {
            Some(("s:", text)) => Some(core::Attribute::Text(text.to_owned())),
            Some(("n:", number)) => Some(core::Attribute::Number(decimal(
                number,
                &format!("attributes.{name}"),
                row,
            )?)),
            _ => None,
        },
        _ => None,
    })
}

/// A decimal as an amount in a record is read.
fn decimal(text: &str, column: &str, row: usize) -> Result<Decimal, JsValue> {
    // Read exactly, as every decimal kpi reads from users (never rounded to fit).
    core::decimal::parse_exact(text).map_err(|_| {
        invalid(
            core::ErrorKind::DataInvalidFact,
            column,
            row,
            format!("{text:?} is not a decimal (give amounts as strings)"),
        )
    })
}

/// An error about column `column` at `row`.
fn invalid(kind: core::ErrorKind, column: &str, row: usize, message: String) -> JsValue {
    let path = format!("{column}[{row}]");
    to_js_err(&core::Error::new(kind, message).at(core::error::Location {
        path: Some(path),
        row: Some(row as u64),
        ..core::error::Location::default()
    }))
}

impl FactTable {
    fn columns_to_records(columns: Columns) -> Result<Vec<core::FactRecord>, JsValue> {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let mut records = Vec::with_capacity(columns.id.len());
        for (row, id) in columns.id.iter().enumerate() {
            let kind = columns
                .kind
                .as_ref()
                .and_then(|k| k.at(row))
                .ok_or_else(|| {
                    invalid(
                        core::ErrorKind::DataInvalidFact,
                        "kind",
                        row,
                        "a fact needs a kind".into(),
                    )
                })?;
            let day = columns.day.get(row).and_then(serde_json::Value::as_i64);
            let date = day
                .and_then(chrono::TimeDelta::try_days)
                .and_then(|days| epoch.checked_add_signed(days))
                .filter(|d| (core::period::MIN_DATE..=core::period::MAX_DATE).contains(d))
                .ok_or_else(|| {
                    invalid(
                        core::ErrorKind::PeriodOutOfRange,
                        "day",
                        row,
                        format!(
                            "day {} since 1970-01-01 is outside the supported days ({} to {})",
                            day.unwrap_or_default(),
                            core::period::MIN_DATE,
                            core::period::MAX_DATE
                        ),
                    )
                })?;
            let amount = match columns.amount.get(row).and_then(serde_json::Value::as_str) {
                Some(text) => Some(decimal(text, "amount", row)?),
                None => None,
            };
            let mut attributes = BTreeMap::new();
            for (name, cells) in &columns.attributes {
                if let Some(value) = cells
                    .get(row)
                    .map(|c| attribute(c, name, row))
                    .transpose()?
                    .flatten()
                {
                    attributes.insert(name.clone(), value);
                }
            }
            records.push(core::FactRecord {
                id: id.as_str().unwrap_or_default().to_owned(),
                kind,
                owner: columns.owner.as_ref().and_then(|c| c.at(row)),
                owners: Vec::new(),
                customer: columns.customer.as_ref().and_then(|c| c.at(row)),
                amount,
                status: columns.status.as_ref().and_then(|c| c.at(row)),
                date,
                attributes,
            });
        }
        Ok(records)
    }
}

#[wasm_bindgen]
impl FactTable {
    /// Builds a table from columns of equal length: `id` (strings, or whole numbers in an
    /// array or an integer typed array), `kind` (strings, or one string for all), `day`
    /// (an `Int32Array` or array of whole days since 1970-01-01), and optional `owner`,
    /// `customer`, `status` (strings or `null`), `amount` (decimal strings, exact numbers
    /// or `null`) and `attributes` (`{ name: column }` of text, numbers or booleans). A
    /// bad value is a `DataError` naming its column and row (`amount[3]`); an unknown
    /// column is refused.
    #[wasm_bindgen(js_name = fromColumns)]
    pub fn from_columns(
        #[wasm_bindgen(unchecked_param_type = "FactColumns")] columns: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ReadOptions")] options: Option<JsValue>,
    ) -> Result<FactTable, JsValue> {
        let allow_float = read_options(options)?.allow_float;
        let text = boundary::columns_json(&columns, allow_float)?;
        let records = FactTable::columns_to_records(Columns::read(&text)?)?;
        map_err(core::FactTable::from_records(records)).map(FactTable::from)
    }
}

#[wasm_bindgen(typescript_custom_section)]
const FACT_COLUMNS: &str = r#"
/** Facts by column, for large sets (see `FactTable.fromColumns`). */
export interface FactColumns {
  id: (string | number | bigint)[] | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigInt64Array | BigUint64Array;
  kind: string | string[];
  /** Whole days since 1970-01-01. */
  day: Int32Array | number[];
  owner?: string | (string | number | null)[] | Uint32Array | Int32Array;
  customer?: string | (string | number | null)[] | Uint32Array | Int32Array;
  status?: string | (string | null)[];
  /** Decimals as strings (exact), or exact numbers; binary floats need `allowFloat`. */
  amount?: (string | number | bigint | null)[] | Int32Array | Uint32Array | BigInt64Array;
  /** Kind-specific values by name: a column of text, numbers or booleans (null for none). */
  attributes?: Record<string, (string | number | bigint | boolean | null)[]>;
}
"#;
