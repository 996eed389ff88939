//! Columnar fact input for large sets: `FactTable.fromColumns({ id, kind, day, amount, … })`
//! with typed arrays for ids and day numbers and string arrays for decimals, so a million
//! facts cross into wasm as a few arrays rather than a million objects. `boundary.js`
//! checks every column and cell (types, holes, lengths, exact numbers) and hands the
//! columns over as one JSON text; here the days are placed in the supported range and the
//! amounts read as decimals.

use std::collections::BTreeMap;

use kpi_core as core;
use rust_decimal::Decimal;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::{FactTable, boundary, map_err, read_options, to_js_err};

/// The columns as `boundary.js` hands them over.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Columns {
    id: Vec<String>,
    kind: Text,
    day: Vec<i64>,
    owner: Option<Text>,
    customer: Option<Text>,
    status: Option<Text>,
    amount: Option<Vec<Option<String>>>,
    #[serde(default)]
    attributes: BTreeMap<String, Vec<Option<core::Attribute>>>,
}

/// A text column, or one value for every row.
#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    All(String),
    Rows(Vec<Option<String>>),
}

impl Text {
    fn at(&self, row: usize) -> Option<String> {
        match self {
            Text::All(text) => Some(text.clone()),
            Text::Rows(rows) => rows.get(row).cloned().flatten(),
        }
    }
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
        for (row, id) in columns.id.into_iter().enumerate() {
            let kind = columns.kind.at(row).ok_or_else(|| {
                invalid(
                    core::ErrorKind::DataInvalidFact,
                    "kind",
                    row,
                    "a fact needs a kind".into(),
                )
            })?;
            let day = columns.day.get(row).copied().unwrap_or_default();
            let date = chrono::TimeDelta::try_days(day)
                .and_then(|days| epoch.checked_add_signed(days))
                .filter(|d| (core::period::MIN_DATE..=core::period::MAX_DATE).contains(d))
                .ok_or_else(|| {
                    invalid(
                        core::ErrorKind::PeriodOutOfRange,
                        "day",
                        row,
                        format!(
                            "day {day} since 1970-01-01 is outside the supported days ({} to {})",
                            core::period::MIN_DATE,
                            core::period::MAX_DATE
                        ),
                    )
                })?;
            let amount = match columns.amount.as_ref().and_then(|a| a.get(row)) {
                // Read as an amount in a record is read.
                Some(Some(text)) => Some(
                    <Decimal as Deserialize>::deserialize(serde::de::value::StrDeserializer::<
                        serde::de::value::Error,
                    >::new(text))
                    .map_err(|_| {
                        invalid(
                            core::ErrorKind::DataInvalidFact,
                            "amount",
                            row,
                            format!("{text:?} is not a decimal (give amounts as strings)"),
                        )
                    })?,
                ),
                _ => None,
            };
            let attributes = columns
                .attributes
                .iter()
                .filter_map(|(name, values)| {
                    let value = values.get(row).cloned().flatten()?;
                    Some((name.clone(), value))
                })
                .collect();
            records.push(core::FactRecord {
                id,
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
        let columns: Columns = serde_json::from_str(&text)
            .map_err(|e| boundary::invalid_argument(format!("columns: {e}")))?;
        let records = FactTable::columns_to_records(columns)?;
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
