//! Columnar fact input for large sets: `FactTable.fromColumns({ id, kind, day, amount, … })`
//! with typed arrays for ids and day numbers and string arrays for decimals, so a million
//! facts cross into wasm as a few arrays rather than a million objects.

use kpi_core as core;
use rust_decimal::Decimal;
use wasm_bindgen::prelude::*;

use crate::{FactTable, map_err};

/// An error about column `column` (at `row`, when one value is at fault).
fn invalid(column: &str, row: Option<usize>, message: String) -> JsValue {
    let path = match row {
        Some(row) => format!("{column}[{row}]"),
        None => column.to_owned(),
    };
    let mut error = core::Error::new(core::ErrorKind::DataInvalidFact, message).at_path(&path);
    if let Some(row) = row {
        error = error.at(core::error::Location {
            path: Some(path),
            row: Some(row as u64),
            ..core::error::Location::default()
        });
    }
    map_err::<()>(Err(error)).unwrap_err()
}

fn get(columns: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(columns, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// A text column: strings (or whole numbers, written out) per row, `null` for none; a
/// single string is the same value on every row.
fn text_column(
    columns: &JsValue,
    key: &str,
    rows: usize,
) -> Result<Option<Vec<Option<String>>>, JsValue> {
    let Some(value) = get(columns, key) else {
        return Ok(None);
    };
    if let Some(constant) = value.as_string() {
        return Ok(Some(vec![Some(constant); rows]));
    }
    let items = js_sys::Array::from(&value);
    if items.length() as usize != rows {
        return Err(invalid(
            key,
            None,
            format!("`{key}` has {} values, `id` has {rows}", items.length()),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(row, item)| {
            if item.is_null() || item.is_undefined() {
                Ok(None)
            } else if let Some(text) = item.as_string() {
                Ok(Some(text))
            } else if let Some(number) = item
                .as_f64()
                .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            {
                #[allow(clippy::cast_possible_truncation)] // whole and below 2^53: exact
                Ok(Some((number as i64).to_string()))
            } else {
                Err(invalid(
                    key,
                    Some(row),
                    format!("`{key}` holds text or whole numbers"),
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

impl FactTable {
    fn columns_to_records(columns: &JsValue) -> Result<Vec<core::FactRecord>, JsValue> {
        let id_value = get(columns, "id")
            .ok_or_else(|| invalid("id", None, "the columns need `id`".into()))?;
        let rows = js_sys::Array::from(&id_value).length() as usize;
        let ids = text_column(columns, "id", rows)?.unwrap_or_default();
        let kinds = text_column(columns, "kind", rows)?
            .ok_or_else(|| invalid("kind", None, "the columns need `kind`".into()))?;
        let days: Vec<i32> = match get(columns, "day") {
            Some(day) => js_sys::Int32Array::new(&day).to_vec(),
            None => {
                return Err(invalid(
                    "day",
                    None,
                    "the columns need `day`: days since 1970-01-01 (Int32Array)".into(),
                ));
            }
        };
        if days.len() != rows {
            return Err(invalid(
                "day",
                None,
                format!("`day` has {} values, `id` has {rows}", days.len()),
            ));
        }
        let owners = text_column(columns, "owner", rows)?;
        let customers = text_column(columns, "customer", rows)?;
        let statuses = text_column(columns, "status", rows)?;
        let amounts = text_column(columns, "amount", rows)?;
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
        let mut records = Vec::with_capacity(rows);
        for row in 0..rows {
            let pick =
                |column: &Option<Vec<Option<String>>>| column.as_ref().and_then(|c| c[row].clone());
            let id = ids[row]
                .clone()
                .ok_or_else(|| invalid("id", Some(row), "a fact needs an id".into()))?;
            let kind = kinds[row]
                .clone()
                .ok_or_else(|| invalid("kind", Some(row), "a fact needs a kind".into()))?;
            let date = epoch
                .checked_add_signed(chrono::TimeDelta::days(i64::from(days[row])))
                .ok_or_else(|| {
                    invalid(
                        "day",
                        Some(row),
                        format!("day {} is out of range", days[row]),
                    )
                })?;
            let amount = match pick(&amounts) {
                Some(text) => Some(text.parse::<Decimal>().map_err(|_| {
                    invalid(
                        "amount",
                        Some(row),
                        format!("{text:?} is not a decimal (give amounts as strings)"),
                    )
                })?),
                None => None,
            };
            records.push(core::FactRecord {
                id,
                kind,
                owner: pick(&owners),
                owners: Vec::new(),
                customer: pick(&customers),
                amount,
                status: pick(&statuses),
                date,
                attributes: std::collections::BTreeMap::new(),
            });
        }
        Ok(records)
    }
}

#[wasm_bindgen]
impl FactTable {
    /// Builds a table from columns of equal length: `id` (strings, or whole numbers in an
    /// array or typed array), `kind` (strings, or one string for all), `day` (an
    /// `Int32Array` of days since 1970-01-01), and optional `owner`, `customer`, `status`
    /// (strings or `null`) and `amount` (decimal strings or `null`). A bad value is a
    /// `DataError` naming its column and row (`amount[3]`).
    #[wasm_bindgen(js_name = fromColumns)]
    pub fn from_columns(
        #[wasm_bindgen(unchecked_param_type = "FactColumns")] columns: JsValue,
    ) -> Result<FactTable, JsValue> {
        let records = FactTable::columns_to_records(&columns)?;
        Ok(FactTable {
            inner: map_err(core::FactTable::from_records(records))?,
        })
    }
}

#[wasm_bindgen(typescript_custom_section)]
const FACT_COLUMNS: &str = r#"
/** Facts by column, for large sets (see `FactTable.fromColumns`). */
export interface FactColumns {
  id: string[] | ArrayLike<number>;
  kind: string | string[];
  /** Days since 1970-01-01. */
  day: Int32Array | ArrayLike<number>;
  owner?: (string | null)[];
  customer?: (string | null)[];
  status?: (string | null)[];
  /** Decimals as strings, exact. */
  amount?: (string | null)[];
}
"#;
