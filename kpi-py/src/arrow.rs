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
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, PrimitiveArray, RecordBatch, StringArray,
    downcast_integer_array,
};
use arrow_buffer::ArrowNativeType;
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use kpi_core as core;
use kpi_core::fact::{AmountColumn, Attribute, ColumnBatch, Packed, TextColumn, Texts, UnitColumn};
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
    // Room for every row up front when the object knows how many (a table, a data
    // frame): the id index then never rehashes as batches arrive.
    if let Some(rows) = obj.len().ok().filter(|&n| n > 0) {
        facts.reserve(rows);
    }
    let mut offset = 0;
    let mut pending: Vec<RecordBatch> = Vec::new();
    let mut pending_rows = 0;
    let mut append = |facts: &mut core::FactTable, pending: &mut Vec<RecordBatch>| {
        let Some(first) = pending.first() else {
            return Ok(());
        };
        // Small batches (Parquet row groups, streamed pages) are stored together: a
        // large batch is stored on several threads and its ids indexed in bucket order.
        let batch = if pending.len() == 1 {
            first.clone()
        } else {
            arrow_select::concat::concat_batches(&first.schema(), pending.iter())
                .map_err(|e| invalid("", format!("joining the Arrow batches: {e}")))?
        };
        pending.clear();
        // Without the GIL: the batch is converted and stored on several threads, and an
        // error built on one of them takes the GIL for its exception.
        obj.py()
            .detach(|| append_batch(facts, &batch, options, offset))?;
        offset += batch.num_rows();
        PyResult::Ok(())
    };
    for batch in stream_of(obj)? {
        let batch = batch.map_err(|e| invalid("", format!("reading the Arrow stream: {e}")))?;
        pending_rows += batch.num_rows();
        pending.push(batch);
        if pending_rows >= JOINED_ROWS {
            append(&mut facts, &mut pending)?;
            pending_rows = 0;
        }
    }
    append(&mut facts, &mut pending)?;
    Ok(facts)
}

/// Batches are joined until they hold this many rows before they are stored (about 1M:
/// enough for the threaded, bucket-ordered append; joining more costs more in copies and
/// fresh pages than it saves, now that customers are not interned on load).
const JOINED_ROWS: usize = 1 << 20;

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

/// A string array read in place by the core.
struct InPlace(StringArray);

impl TextColumn for InPlace {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, row: usize) -> Option<&str> {
        self.0.is_valid(row).then(|| self.0.value(row))
    }

    fn packed(&self) -> Option<Packed<'_>> {
        if self.0.null_count() > 0 {
            return None;
        }
        let offsets = self.0.value_offsets();
        let first = usize::try_from(*offsets.first()?).ok()?;
        let last = usize::try_from(*offsets.last()?).ok()?;
        let text = std::str::from_utf8(self.0.value_data().get(first..last)?).ok()?;
        Some(Packed { text, offsets })
    }
}

/// A text column as it arrived: a string array (read in place), or a dictionary array
/// (its distinct values and each row's key), so that nothing is copied per row.
enum TextArray {
    Strings(InPlace),
    Dictionary { values: StringArray, keys: Vec<u32> },
}

impl TextArray {
    fn new(array: &ArrayRef, column: &str) -> PyResult<TextArray> {
        let Some(dictionary) = array.as_any_dictionary_opt() else {
            return Ok(TextArray::Strings(InPlace(utf8(array, column)?)));
        };
        let values = utf8(dictionary.values(), column)?;
        let valid = |key: usize| key < values.len() && values.is_valid(key);
        let keys = dictionary.keys();
        let keys = downcast_integer_array!(
            keys => { keys_of(keys, valid) }
            other => return Err(invalid(column, format!("`{column}` has dictionary keys of type {other}"))),
        );
        Ok(TextArray::Dictionary { values, keys })
    }

    /// The column as the core's `Texts`, borrowing its buffers (a dictionary's keys move).
    fn texts(&mut self) -> Texts<'_> {
        match self {
            TextArray::Strings(values) => Texts::InPlace(values),
            TextArray::Dictionary { values, keys } => Texts::Dictionary {
                values: (0..values.len())
                    .map(|v| {
                        if values.is_valid(v) {
                            values.value(v)
                        } else {
                            ""
                        }
                    })
                    .collect(),
                keys: std::mem::take(keys),
            },
        }
    }
}

/// A dictionary's keys as `u32` in one pass: a null key, or one outside the values or at
/// a null value, is missing.
fn keys_of<K: ArrowPrimitiveType>(
    keys: &PrimitiveArray<K>,
    valid: impl Fn(usize) -> bool,
) -> Vec<u32> {
    (0..keys.len())
        .map(|row| {
            let key = keys.value(row).as_usize();
            if keys.is_valid(row) && valid(key) {
                u32::try_from(key).unwrap_or(core::fact::Dictionary::NONE)
            } else {
                core::fact::Dictionary::NONE
            }
        })
        .collect()
}

/// Decimal128 or integer amounts read in place, as units of the column's scale.
enum UnitArray {
    Decimal128(PrimitiveArray<Decimal128Type>),
    Int64(PrimitiveArray<Int64Type>),
}

impl UnitColumn for UnitArray {
    fn len(&self) -> usize {
        match self {
            UnitArray::Decimal128(values) => values.len(),
            UnitArray::Int64(values) => values.len(),
        }
    }

    fn get(&self, row: usize) -> Option<i128> {
        match self {
            UnitArray::Decimal128(values) => values.is_valid(row).then(|| values.value(row)),
            UnitArray::Int64(values) => values.is_valid(row).then(|| i128::from(values.value(row))),
        }
    }
}

/// The amount column: integers in place with their scale, or decimals read from text.
enum AmountArray {
    Units(UnitArray, u32),
    Decimals(Vec<Option<Decimal>>),
}

impl AmountArray {
    fn new(array: &ArrayRef, options: &ArrowOptions, offset: usize) -> PyResult<AmountArray> {
        match array.data_type() {
            DataType::Decimal128(_, scale) => {
                let scale = u32::try_from(*scale).map_err(|_| {
                    invalid(
                        "amount",
                        format!("a decimal scale of {scale} is not supported"),
                    )
                })?;
                let values = array.as_primitive::<Decimal128Type>().clone();
                Ok(AmountArray::Units(UnitArray::Decimal128(values), scale))
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
                let values = values.as_primitive::<Int64Type>().clone();
                Ok(AmountArray::Units(UnitArray::Int64(values), scale))
            }
            _ => amounts(array, options, offset).map(AmountArray::Decimals),
        }
    }

    fn column(&mut self) -> AmountColumn<'_> {
        match self {
            AmountArray::Units(units, scale) => AmountColumn::Units {
                column: units,
                scale: *scale,
            },
            AmountArray::Decimals(values) => AmountColumn::Decimals(std::mem::take(values)),
        }
    }
}

/// A batch's columns by fact field, through `options.columns`' renames.
struct Fields<'b> {
    batch: &'b RecordBatch,
    options: &'b ArrowOptions,
}

impl Fields<'_> {
    /// The column name of `field`.
    fn name(&self, field: &str) -> String {
        self.options
            .columns
            .get(field)
            .cloned()
            .unwrap_or_else(|| field.to_owned())
    }

    fn column(&self, field: &str) -> Option<ArrayRef> {
        self.batch.column_by_name(&self.name(field)).cloned()
    }

    fn required(&self, field: &str) -> PyResult<ArrayRef> {
        self.column(field).ok_or_else(|| {
            invalid(
                field,
                format!("the table has no `{}` column", self.name(field)),
            )
        })
    }
}

/// `offset` numbers the rows of this batch within the whole stream, for errors.
fn append_batch(
    facts: &mut core::FactTable,
    batch: &RecordBatch,
    options: &ArrowOptions,
    offset: usize,
) -> PyResult<()> {
    let fields = Fields { batch, options };
    let rows = batch.num_rows();
    fields.required("id")?; // named first when both are missing
    let date_column = fields.required("date")?;
    std::thread::scope(|scope| {
        // Dates convert on their own thread while the other columns are prepared.
        let dates = scope.spawn(|| dates(&date_column, options, offset));
        let prepared = prepare_and_append(facts, batch, options, offset, rows);
        let dates = dates.join().expect("converting dates does not panic");
        prepared.and_then(|append| append(dates?))
    })
}

/// Prepares every column but the dates, and returns the append that takes them.
fn prepare_and_append<'f>(
    facts: &'f mut core::FactTable,
    batch: &'f RecordBatch,
    options: &'f ArrowOptions,
    offset: usize,
    rows: usize,
) -> PyResult<impl FnOnce(Vec<NaiveDate>) -> PyResult<()> + 'f> {
    let fields = Fields { batch, options };
    let (name, column) = (|f: &str| fields.name(f), |f: &str| fields.column(f));
    let required = |f: &str| fields.required(f);
    // Missing ids and kinds are found by the core, at their row.
    let mut ids = TextArray::new(&required("id")?, "id")?;
    let mut kinds = match (column("kind"), &options.kind) {
        (Some(kinds), _) => TextArray::new(&kinds, "kind")?,
        (None, Some(kind)) => TextArray::Dictionary {
            values: StringArray::from(vec![kind.as_str()]),
            keys: vec![0; rows],
        },
        (None, None) => {
            return Err(invalid(
                "kind",
                "the table has no `kind` column; pass kind=".into(),
            ));
        }
    };
    let optional_text = |field: &str| -> PyResult<Option<TextArray>> {
        column(field).map(|c| TextArray::new(&c, field)).transpose()
    };
    let mut owners = optional_text("owner")?;
    let mut customers = optional_text("customer")?;
    let mut statuses = optional_text("status")?;
    let mut amounts = column("amount")
        .map(|a| AmountArray::new(&a, options, offset))
        .transpose()?;
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
    Ok(move |dates: Vec<NaiveDate>| {
        let batch = ColumnBatch {
            id: ids.texts(),
            kind: kinds.texts(),
            owner: owners.as_mut().map(TextArray::texts),
            customer: customers.as_mut().map(TextArray::texts),
            status: statuses.as_mut().map(TextArray::texts),
            amount: amounts.as_mut().map(AmountArray::column),
            date: dates,
            attributes,
        };
        facts.append_columns(batch).map_err(|e| {
            // The core numbers rows within the batch (`amount[3]`); the caller's rows run on
            // across batches.
            let column = e
                .location()
                .path
                .as_deref()
                .and_then(|p| p.split('[').next());
            match (e.location().row, column) {
                (Some(row), Some(column)) => {
                    invalid_at(column, offset + row as usize, e.message().to_owned())
                }
                _ => to_py_err(e),
            }
        })
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
    let missing = |row: usize| invalid_at("date", offset + row, "a fact needs a date".into());
    match array.data_type() {
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>();
            (0..days.len())
                .map(|r| {
                    if days.is_null(r) {
                        return Err(missing(r));
                    }
                    // Days since 1970-01-01 are days since 0001-01-01 less 719,163.
                    days.value(r)
                        .checked_add(719_163)
                        .and_then(NaiveDate::from_num_days_from_ce_opt)
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
