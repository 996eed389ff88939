//! Arrow in: `FactTable.from_arrow(obj)` reads any object with the Arrow `PyCapsule`
//! stream interface (`__arrow_c_stream__`: a `PyArrow` `Table` or `RecordBatchReader`, a
//! Polars or pandas `DataFrame`) batch by batch, column by column, with no Python object
//! per row.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::types::{
    Date32Type, Decimal128Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use kpi_core as core;
use kpi_core::fact::{Attribute, ColumnBatch};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use rust_decimal::Decimal;

use crate::convert::to_py_err;

/// How `from_arrow` reads the columns.
pub(crate) struct ArrowOptions {
    /// Fact field → column name, for columns named otherwise.
    pub columns: HashMap<String, String>,
    /// The kind of every row, for a table without a `kind` column.
    pub kind: Option<String>,
    /// The scale of integer amounts (2: cents).
    pub amount_scale: Option<u32>,
    /// Where timestamps become local dates (else a timestamp's own time zone, else UTC).
    pub calendar: Option<core::period::Calendar>,
    /// Accept binary floats as amounts (through their shortest decimal form).
    pub allow_float: bool,
}

fn invalid(path: &str, message: String) -> PyErr {
    to_py_err(core::Error::new(core::ErrorKind::DataInvalidFact, message).at_path(path))
}

fn invalid_at(column: &str, row: usize, message: String) -> PyErr {
    to_py_err(
        core::Error::new(core::ErrorKind::DataInvalidFact, message).at(core::Location {
            path: Some(format!("{column}[{row}]")),
            row: Some(row as u64),
            ..core::Location::default()
        }),
    )
}

/// The stream behind `obj`'s `__arrow_c_stream__` (`PyArrow` converts what lacks one).
fn stream_of(obj: &Bound<'_, PyAny>) -> PyResult<ArrowArrayStreamReader> {
    let source = if obj.hasattr("__arrow_c_stream__")? {
        obj.clone()
    } else {
        obj.py().import("pyarrow")?.call_method1("table", (obj,))?
    };
    let capsule = source.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let pointer = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // Take the stream out of the capsule, leaving a released one for its destructor.
    let stream = unsafe {
        std::ptr::replace(
            pointer.as_ptr().cast::<FFI_ArrowArrayStream>(),
            FFI_ArrowArrayStream::empty(),
        )
    };
    ArrowArrayStreamReader::try_new(stream)
        .map_err(|e| invalid("", format!("not an Arrow stream: {e}")))
}

/// Reads every batch of `obj` into a new table.
pub(crate) fn facts_from_arrow(
    obj: &Bound<'_, PyAny>,
    options: &ArrowOptions,
) -> PyResult<core::FactTable> {
    let mut facts = core::FactTable::new();
    let mut offset = 0;
    for batch in stream_of(obj)? {
        let batch = batch.map_err(|e| invalid("", format!("reading the Arrow stream: {e}")))?;
        append_batch(&mut facts, &batch, options, offset)?;
        offset += batch.num_rows();
    }
    Ok(facts)
}

/// A text column as UTF-8 (casting dictionaries, views, large strings and numbers).
fn utf8(array: &ArrayRef, column: &str) -> PyResult<StringArray> {
    let array = if array.data_type() == &DataType::Utf8 {
        array.clone()
    } else {
        arrow_cast::cast(array, &DataType::Utf8)
            .map_err(|e| invalid(column, format!("`{column}` is not text: {e}")))?
    };
    Ok(array.as_string::<i32>().clone())
}

fn texts(array: &StringArray) -> Vec<Option<&str>> {
    array.iter().collect()
}

/// `offset` numbers the rows of this batch within the whole stream, for errors.
fn append_batch(
    facts: &mut core::FactTable,
    batch: &RecordBatch,
    options: &ArrowOptions,
    offset: usize,
) -> PyResult<()> {
    let name = |field: &str| {
        options
            .columns
            .get(field)
            .cloned()
            .unwrap_or_else(|| field.to_owned())
    };
    let column = |field: &str| batch.column_by_name(&name(field)).cloned();
    let required = |field: &str| {
        column(field)
            .ok_or_else(|| invalid(field, format!("the table has no `{}` column", name(field))))
    };
    let rows = batch.num_rows();
    let ids = utf8(&required("id")?, "id")?;
    if let Some(row) = (0..rows).find(|&r| ids.is_null(r)) {
        return Err(invalid_at("id", offset + row, "a fact needs an id".into()));
    }
    let kinds = match (column("kind"), &options.kind) {
        (Some(kinds), _) => Some(utf8(&kinds, "kind")?),
        (None, Some(_)) => None,
        (None, None) => {
            return Err(invalid(
                "kind",
                "the table has no `kind` column; pass kind=".into(),
            ));
        }
    };
    let kind_values: Vec<&str> = match &kinds {
        Some(kinds) => (0..rows)
            .map(|r| {
                if kinds.is_null(r) {
                    Err(invalid_at("kind", offset + r, "a fact needs a kind".into()))
                } else {
                    Ok(kinds.value(r))
                }
            })
            .collect::<PyResult<_>>()?,
        None => vec![options.kind.as_deref().unwrap_or_default(); rows],
    };
    let optional_text = |field: &str| -> PyResult<Option<StringArray>> {
        column(field).map(|c| utf8(&c, field)).transpose()
    };
    let owners = optional_text("owner")?;
    let customers = optional_text("customer")?;
    let statuses = optional_text("status")?;
    let amounts = column("amount")
        .map(|a| amounts(&a, options, offset))
        .transpose()?;
    let dates = dates(&required("date")?, options, offset)?;
    let known: Vec<String> = [
        "id", "kind", "owner", "customer", "status", "amount", "date",
    ]
    .iter()
    .map(|f| name(f))
    .collect();
    let mut attributes = BTreeMap::new();
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        if !known.contains(field.name()) {
            attributes.insert(
                field.name().clone(),
                attribute_column(array, field.name(), offset)?,
            );
        }
    }
    let batch = ColumnBatch {
        id: (0..rows).map(|r| ids.value(r)).collect(),
        kind: kind_values,
        owner: owners.as_ref().map(texts),
        customer: customers.as_ref().map(texts),
        status: statuses.as_ref().map(texts),
        amount: amounts,
        date: dates,
        attributes,
    };
    facts.append_columns(batch).map_err(|e| {
        // The core numbers rows within the batch; the caller's rows run on across batches.
        match e.location().row {
            Some(row) => invalid_at("id", offset + row as usize, e.message().to_owned()),
            None => to_py_err(e),
        }
    })
}

fn amounts(
    array: &ArrayRef,
    options: &ArrowOptions,
    offset: usize,
) -> PyResult<Vec<Option<Decimal>>> {
    let bad = |row: usize, message: String| invalid_at("amount", offset + row, message);
    match array.data_type() {
        DataType::Decimal128(_, scale) => {
            let scale = u32::try_from(*scale)
                .ok()
                .filter(|s| *s <= 28)
                .ok_or_else(|| invalid("amount", format!("a decimal scale of {scale} is not supported")))?;
            let values = array.as_primitive::<Decimal128Type>();
            (0..array.len())
                .map(|r| {
                    if values.is_null(r) {
                        return Ok(None);
                    }
                    Decimal::try_from_i128_with_scale(values.value(r), scale)
                        .map(Some)
                        .map_err(|e| bad(r, format!("the amount does not fit: {e}")))
                })
                .collect()
        }
        t if t.is_integer() => {
            let scale = options.amount_scale.ok_or_else(|| {
                invalid(
                    "amount",
                    "integer amounts need their scale: amount_scale=2 for cents, 0 for whole units".into(),
                )
            })?;
            let values = arrow_cast::cast(array, &DataType::Int64)
                .map_err(|e| invalid("amount", e.to_string()))?;
            let values = values.as_primitive::<Int64Type>();
            Ok(values.iter().map(|v| v.map(|v| Decimal::new(v, scale))).collect())
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 if !options.allow_float => Err(invalid(
            "amount",
            "amounts are binary floats, which change money: give decimal128, integers with amount_scale, or strings (or pass allow_float=True)".into(),
        )),
        _ => {
            let text = utf8(array, "amount")?;
            (0..text.len())
                .map(|r| {
                    if text.is_null(r) {
                        return Ok(None);
                    }
                    let value = text.value(r);
                    value
                        .trim()
                        .parse::<Decimal>()
                        .map(Some)
                        .or_else(|_| Decimal::from_scientific(value.trim()).map(Some))
                        .map_err(|_| bad(r, format!("{value:?} is not an amount")))
                })
                .collect()
        }
    }
}

fn dates(array: &ArrayRef, options: &ArrowOptions, offset: usize) -> PyResult<Vec<NaiveDate>> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    let missing = |row: usize| invalid_at("date", offset + row, "a fact needs a date".into());
    match array.data_type() {
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>();
            (0..days.len())
                .map(|r| {
                    if days.is_null(r) {
                        return Err(missing(r));
                    }
                    epoch
                        .checked_add_signed(chrono::TimeDelta::days(i64::from(days.value(r))))
                        .ok_or_else(|| invalid_at("date", offset + r, "out of range".into()))
                })
                .collect()
        }
        DataType::Timestamp(unit, zone) => {
            let millis = timestamp_millis(array, *unit);
            let calendar = options
                .calendar
                .clone()
                .unwrap_or_else(|| core::period::Calendar {
                    timezone: zone.as_ref().map(ToString::to_string),
                    ..core::period::Calendar::default()
                });
            millis
                .into_iter()
                .enumerate()
                .map(|(r, m)| {
                    let m = m.ok_or_else(|| missing(r))?;
                    calendar.local_date_of_millis(m).map_err(to_py_err)
                })
                .collect()
        }
        DataType::Date64 => {
            let cast = arrow_cast::cast(array, &DataType::Date32)
                .map_err(|e| invalid("date", e.to_string()))?;
            dates(&cast, options, offset)
        }
        _ => {
            let text = utf8(array, "date")?;
            (0..text.len())
                .map(|r| {
                    if text.is_null(r) {
                        return Err(missing(r));
                    }
                    core::period::parse_date(text.value(r))
                        .map_err(|e| invalid_at("date", offset + r, e.message().to_owned()))
                })
                .collect()
        }
    }
}

/// A timestamp column as Unix milliseconds.
fn timestamp_millis(array: &ArrayRef, unit: TimeUnit) -> Vec<Option<i64>> {
    match unit {
        TimeUnit::Second => array
            .as_primitive::<TimestampSecondType>()
            .iter()
            .map(|v| v.map(|s| s * 1000))
            .collect(),
        TimeUnit::Millisecond => array
            .as_primitive::<TimestampMillisecondType>()
            .iter()
            .collect(),
        TimeUnit::Microsecond => array
            .as_primitive::<TimestampMicrosecondType>()
            .iter()
            .map(|v| v.map(|us| us.div_euclid(1000)))
            .collect(),
        TimeUnit::Nanosecond => array
            .as_primitive::<TimestampNanosecondType>()
            .iter()
            .map(|v| v.map(|ns| ns.div_euclid(1_000_000)))
            .collect(),
    }
}

/// Any other column: numbers (integers, decimals) as numbers, booleans, dates as
/// `YYYY-MM-DD` text, everything else as text.
fn attribute_column(
    array: &ArrayRef,
    name: &str,
    offset: usize,
) -> PyResult<Vec<Option<Attribute>>> {
    let as_number = |array: &ArrayRef| -> PyResult<Vec<Option<Attribute>>> {
        let options = ArrowOptions {
            columns: HashMap::new(),
            kind: None,
            amount_scale: Some(0),
            calendar: None,
            allow_float: false,
        };
        Ok(amounts(array, &options, offset)
            .map_err(|_| invalid(name, format!("attribute `{name}` does not read as numbers")))?
            .into_iter()
            .map(|v| v.map(Attribute::Number))
            .collect())
    };
    match array.data_type() {
        DataType::Boolean => Ok(array
            .as_boolean()
            .iter()
            .map(|b| b.map(Attribute::Bool))
            .collect()),
        DataType::Decimal128(..) => as_number(array),
        t if t.is_integer() => as_number(array),
        DataType::Date32 | DataType::Date64 => {
            let days = arrow_cast::cast(&Arc::clone(array), &DataType::Date32)
                .map_err(|e| invalid(name, e.to_string()))?;
            let text = utf8(&days, name)?;
            Ok(text
                .iter()
                .map(|v| v.map(|s| Attribute::Text(s.to_owned())))
                .collect())
        }
        // Attributes are not money: a float reads through its shortest decimal form.
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            let text = utf8(array, name)?;
            Ok(text
                .iter()
                .map(|v| {
                    v.map(|s| {
                        s.parse::<Decimal>()
                            .or_else(|_| Decimal::from_scientific(s))
                            .map_or_else(|_| Attribute::Text(s.to_owned()), Attribute::Number)
                    })
                })
                .collect())
        }
        _ => {
            let text = utf8(array, name)?;
            Ok(text
                .iter()
                .map(|v| v.map(|s| Attribute::Text(s.to_owned())))
                .collect())
        }
    }
}
