//! Arrow in: `FactTable.from_arrow(obj)` reads any object with the Arrow `PyCapsule`
//! stream interface (`__arrow_c_stream__`: a `PyArrow` `Table` or `RecordBatchReader`, a
//! Polars or pandas `DataFrame`) batch by batch, column by column, with no Python object
//! per row.
//!
//! Every conversion is checked: a value reads exactly or is an error naming its column
//! and row. The schema is checked once, before any row is read: every column's type must
//! have a faithful fact form (lists, structs, unions, extension types such as pandas
//! periods, and a pandas index are refused), the options must apply (`columns=` names
//! existing columns, `amount_scale` an integer amount column, `kind=` a table without a
//! `kind` column, `calendar=` a date column of timestamps), and each column serves one
//! field.
//! The data itself is validated on arrival (offsets, dictionary keys, UTF-8), since it
//! comes from another library through raw pointers.

use std::collections::{BTreeMap, HashMap, HashSet};

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Float16Type, Float32Type, Float64Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, PrimitiveArray, RecordBatch, RecordBatchReader,
    StringArray, downcast_integer_array,
};
use arrow_buffer::ArrowNativeType;
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone as _, Utc};
use kpi_core as core;
use kpi_core::ErrorKind;
use kpi_core::fact::{AmountColumn, Attribute, ColumnBatch, Packed, TextColumn, Texts, UnitColumn};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use rust_decimal::Decimal;

use crate::args;
use crate::convert::{error, exact_decimal, instant_text, local_text, to_py_err, type_name};

/// The fact fields a column can serve, in the order they are named in errors.
const FIELDS: [&str; 7] = [
    "id", "kind", "owner", "customer", "status", "amount", "date",
];

/// How `from_arrow` reads the columns.
pub(crate) struct ArrowOptions {
    /// Fact field → column name, for columns named otherwise.
    columns: HashMap<String, String>,
    /// The kind of every row, for a table without a `kind` column.
    kind: Option<String>,
    /// The scale of integer amounts (2: cents).
    amount_scale: Option<u32>,
    /// Where instants become local dates (else a timestamp's own time zone).
    calendar: Option<core::period::Calendar>,
    /// Accept binary floats as amounts and attributes (through their shortest text).
    allow_float: bool,
}

impl ArrowOptions {
    /// Reads `from_arrow`'s keyword arguments; a wrong type or value is an error.
    pub(crate) fn new(
        columns: Option<&Bound<'_, PyAny>>,
        kind: Option<&Bound<'_, PyAny>>,
        amount_scale: Option<&Bound<'_, PyAny>>,
        calendar: Option<&Bound<'_, PyAny>>,
        allow_float: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ArrowOptions> {
        let mut renames = HashMap::new();
        if let Some(columns) = columns.filter(|c| !c.is_none()) {
            let dict = columns.cast::<PyDict>().map_err(|_| {
                crate::convert::invalid_argument(
                    "columns",
                    format!(
                        "`columns` is a dict of fact field to column name, not {}",
                        type_name(columns)
                    ),
                )
            })?;
            for item in dict.items().iter() {
                let (field, column) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
                let field = args::text(&field, "columns")?;
                let path = format!("columns.{field}");
                if !FIELDS.contains(&field.as_str()) {
                    return Err(to_py_err(error(
                        ErrorKind::DataInvalidMapping,
                        &path,
                        format!(
                            "`{field}` is not a fact field: columns= maps id, kind, owner, customer, status, amount or date to a column"
                        ),
                    )));
                }
                renames.insert(field, args::text(&column, &path)?);
            }
        }
        let amount_scale = match amount_scale.filter(|s| !s.is_none()) {
            None => None,
            Some(scale) => {
                let scale = args::int(scale, "amount_scale")?;
                Some(
                    u32::try_from(scale)
                        .ok()
                        .filter(|s| *s <= 28)
                        .ok_or_else(|| {
                            crate::convert::invalid_argument(
                                "amount_scale",
                                format!(
                                    "amount_scale is the number of decimal places of integer amounts, from 0 to 28, not {scale}"
                                ),
                            )
                        })?,
                )
            }
        };
        Ok(ArrowOptions {
            columns: renames,
            kind: args::opt_text(kind, "kind")?,
            amount_scale,
            calendar: crate::period::calendar_arg(calendar, "calendar")?,
            allow_float: args::flag(allow_float, "allow_float", false)?,
        })
    }
}

/// A fact-data error at `column[row]` (rows numbered across the whole stream).
fn at_row(kind: ErrorKind, column: &str, row: usize, message: impl Into<String>) -> core::Error {
    core::Error::new(kind, message).at(core::Location {
        path: Some(format!("{column}[{row}]")),
        row: Some(row as u64),
        ..core::Location::default()
    })
}

/// A column whose values have no faithful fact form.
fn unsupported(column: &str, message: impl Into<String>) -> core::Error {
    error(ErrorKind::DataUnsupportedValue, column, message)
}

/// The stream behind `obj`'s `__arrow_c_stream__` (`PyArrow` converts what lacks one).
fn stream_of(obj: &Bound<'_, PyAny>) -> PyResult<ArrowArrayStreamReader> {
    let reader = stream_from(obj, obj)?;
    // Polars exports a column of nulls with a buffer that the Arrow format does not give
    // it, which this reader refuses; PyArrow reads it and passes it on as the format says.
    let polars = obj
        .get_type()
        .module()
        .is_ok_and(|m| m.to_string().starts_with("polars"));
    let nulls = reader
        .schema()
        .fields()
        .iter()
        .any(|f| f.data_type() == &DataType::Null);
    if polars && nulls {
        if let Ok(table) = obj
            .py()
            .import("pyarrow")
            .and_then(|pa| pa.call_method1("table", (obj,)))
        {
            return stream_from(&table, obj);
        }
    }
    Ok(reader)
}

/// The stream of `source` (what `obj`, the caller's object, became).
fn stream_from(
    source: &Bound<'_, PyAny>,
    obj: &Bound<'_, PyAny>,
) -> PyResult<ArrowArrayStreamReader> {
    let not_arrow = |why: String| {
        let name = type_name(obj);
        let hint = if name == "LazyFrame" {
            " (a Polars LazyFrame: call .collect() first)".to_owned()
        } else {
            String::new()
        };
        crate::convert::invalid_argument(
            "data",
            format!(
                "cannot read a {name} as Arrow data{hint}: pass a PyArrow Table, RecordBatch or RecordBatchReader, or a pandas or Polars DataFrame ({why})"
            ),
        )
    };
    let has_stream = source.hasattr("__arrow_c_stream__").unwrap_or(false);
    let source = if has_stream {
        source.clone()
    } else {
        source
            .py()
            .import("pyarrow")
            .and_then(|pa| pa.call_method1("table", (source,)))
            .map_err(|e| not_arrow(e.to_string()))?
    };
    let capsule = source
        .call_method0("__arrow_c_stream__")
        .map_err(|e| not_arrow(e.to_string()))?;
    let capsule = capsule
        .cast::<PyCapsule>()
        .map_err(|_| not_arrow("__arrow_c_stream__ did not return a capsule".into()))?;
    let pointer = capsule
        .pointer_checked(Some(c"arrow_array_stream"))
        .map_err(|_| not_arrow("__arrow_c_stream__ did not return an Arrow stream".into()))?;
    // Take the stream out of the capsule, leaving a released one for its destructor.
    let stream = unsafe {
        std::ptr::replace(
            pointer.as_ptr().cast::<FFI_ArrowArrayStream>(),
            FFI_ArrowArrayStream::empty(),
        )
    };
    ArrowArrayStreamReader::try_new(stream).map_err(|e| not_arrow(e.to_string()))
}

/// What a column is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `id`, `kind` (required) or `owner`, `customer`, `status`.
    Text,
    Amount,
    Date,
    Attribute,
}

/// Which column serves each fact field, checked against the schema once.
struct Layout {
    /// Fact field → column index.
    fields: HashMap<&'static str, usize>,
    /// Attribute columns: (name, index), Null-typed ones left out (no value to keep).
    attributes: Vec<(String, usize)>,
}

impl Layout {
    fn column(&self, field: &str) -> Option<usize> {
        self.fields.get(field).copied()
    }
}

/// Checks the schema and the options against each other, and finds the columns.
fn layout(schema: &Schema, options: &ArrowOptions) -> Result<Layout, core::Error> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut seen = HashSet::new();
    if let Some(twice) = names.iter().find(|n| !seen.insert(**n)) {
        return Err(unsupported(
            twice,
            format!(
                "two columns are named `{twice}`: rename one, as a fact reads each column by its name"
            ),
        ));
    }
    pandas_index(schema)?;
    let fields = fact_columns(&names, options)?;
    for (field, column) in &fields {
        let role = match *field {
            "amount" => Role::Amount,
            "date" => Role::Date,
            _ => Role::Text,
        };
        check_type(schema.field(*column), role, options)?;
    }
    let mut attributes = Vec::new();
    for (index, field) in schema.fields().iter().enumerate() {
        if fields.values().any(|c| *c == index) {
            continue;
        }
        check_type(field, Role::Attribute, options)?;
        if value_type(field.data_type()) != &DataType::Null {
            attributes.push((field.name().clone(), index));
        }
    }
    let layout = Layout { fields, attributes };
    check_options(schema, &layout, options)?;
    Ok(layout)
}

/// The column of each fact field: its own name, or the one `columns=` gives (which
/// must exist); no column serves two fields, and `id` and `date` are there.
fn fact_columns(
    names: &[&str],
    options: &ArrowOptions,
) -> Result<HashMap<&'static str, usize>, core::Error> {
    let index_of = |name: &str| names.iter().position(|n| *n == name);
    let mut fields = HashMap::new();
    let mut used: HashMap<usize, &str> = HashMap::new();
    for field in FIELDS {
        let column = match options.columns.get(field) {
            Some(name) => Some(index_of(name).ok_or_else(|| {
                error(
                    ErrorKind::DataInvalidMapping,
                    &format!("columns.{field}"),
                    format!(
                        "columns= reads `{field}` from column `{name}`, which the table does not have (it has {})",
                        names.join(", ")
                    ),
                )
            })?),
            None => index_of(field),
        };
        let Some(column) = column else { continue };
        if let Some(other) = used.insert(column, field) {
            return Err(error(
                ErrorKind::DataInvalidMapping,
                &format!("columns.{field}"),
                format!(
                    "column `{}` would be read both as `{other}` and as `{field}`: map each field to its own column",
                    names[column]
                ),
            ));
        }
        fields.insert(field, column);
    }
    for required in ["id", "date"] {
        if !fields.contains_key(required) {
            let name = options
                .columns
                .get(required)
                .map_or(required, String::as_str);
            return Err(error(
                ErrorKind::DataInvalidFact,
                required,
                format!(
                    "the table has no `{name}` column (map another with columns={{\"{required}\": \"…\"}})"
                ),
            ));
        }
    }
    Ok(fields)
}

/// `kind=`, `amount_scale` and `calendar=` apply to the table, or are errors.
fn check_options(
    schema: &Schema,
    layout: &Layout,
    options: &ArrowOptions,
) -> Result<(), core::Error> {
    match (layout.column("kind").is_some(), &options.kind) {
        (true, Some(_)) => {
            return Err(error(
                ErrorKind::DataInvalidArgument,
                "kind",
                "the table has a `kind` column: kind= is for a table without one",
            ));
        }
        (false, None) => {
            return Err(error(
                ErrorKind::DataInvalidFact,
                "kind",
                "the table has no `kind` column; pass kind=\"order\" (or the kind of its rows)",
            ));
        }
        _ => {}
    }
    let type_of = |column: usize| value_type(schema.field(column).data_type());
    if let Some(scale) = options.amount_scale {
        let amount = layout.column("amount");
        if !amount.map(type_of).is_some_and(DataType::is_integer) {
            let what = amount.map_or_else(
                || "the table has no amount column".to_owned(),
                |c| format!("the amount column holds {}", schema.field(c).data_type()),
            );
            return Err(error(
                ErrorKind::DataInvalidArgument,
                "amount_scale",
                format!("amount_scale={scale} is for integer amounts, and {what}"),
            ));
        }
    }
    let dated_by_timestamps = layout
        .column("date")
        .is_some_and(|i| matches!(type_of(i), DataType::Timestamp(..)));
    if options.calendar.is_some() && !dated_by_timestamps {
        return Err(error(
            ErrorKind::DataInvalidArgument,
            "calendar",
            "calendar= says in which time zone the date column's timestamps are local, and it holds none: leave it out",
        ));
    }
    Ok(())
}

/// The index columns pandas adds (anything but a `RangeIndex`, which it keeps in its
/// metadata) are not facts' data: refused, with how to drop or keep them.
fn pandas_index(schema: &Schema) -> Result<(), core::Error> {
    let Some(metadata) = schema.metadata().get("pandas") else {
        return Ok(());
    };
    let Ok(metadata) = serde_json::from_str::<serde_json::Value>(metadata) else {
        return Ok(());
    };
    let columns = metadata
        .get("index_columns")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str);
    for column in columns {
        if schema.field_with_name(column).is_ok() {
            return Err(unsupported(
                column,
                format!(
                    "column `{column}` is the data frame's index, not a column: drop it with df.reset_index(drop=True), or keep it as a column with df.reset_index()"
                ),
            ));
        }
    }
    Ok(())
}

/// The type of a column's values (a dictionary's value type).
fn value_type(data_type: &DataType) -> &DataType {
    match data_type {
        DataType::Dictionary(_, values) => values,
        other => other,
    }
}

fn is_text(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
    )
}

fn is_decimal(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Decimal32(..)
            | DataType::Decimal64(..)
            | DataType::Decimal128(..)
            | DataType::Decimal256(..)
    )
}

fn is_float(t: &DataType) -> bool {
    matches!(t, DataType::Float16 | DataType::Float32 | DataType::Float64)
}

/// Whether a column of `field`'s type can serve `role` faithfully.
fn check_type(field: &Field, role: Role, options: &ArrowOptions) -> Result<(), core::Error> {
    let name = field.name();
    if let Some(extension) = field.metadata().get("ARROW:extension:name") {
        let hint = if extension == "pandas.period" {
            " (periods: .astype(str) for their labels, or .dt.start_time for their first day)"
        } else {
            ""
        };
        return Err(unsupported(
            name,
            format!(
                "column `{name}` holds `{extension}` values, which have no fact form: convert them first{hint}"
            ),
        ));
    }
    let t = value_type(field.data_type());
    if !fits(t, role) {
        return Err(unsupported(
            name,
            format!(
                "column `{name}` holds {}, and a fact's {} is {}{}",
                field.data_type(),
                role_name(role, name),
                role_types(role),
                type_hint(t)
            ),
        ));
    }
    if is_float(t) && !options.allow_float && matches!(role, Role::Amount | Role::Attribute) {
        let why = if role == Role::Amount {
            "which change money: give decimals, integers with amount_scale, or decimal text (or pass allow_float=True)"
        } else {
            "which are not exact: cast it to decimals or integers (or pass allow_float=True to read each float's shortest text)"
        };
        return Err(unsupported(
            name,
            format!(
                "column `{name}` holds binary floats ({}), {why}",
                field.data_type()
            ),
        ));
    }
    if let DataType::Decimal32(_, s)
    | DataType::Decimal64(_, s)
    | DataType::Decimal128(_, s)
    | DataType::Decimal256(_, s) = t
    {
        if !(0..=28).contains(s) {
            return Err(unsupported(
                name,
                format!(
                    "column `{name}` has decimals of scale {s}, and a decimal holds 0 to 28 places exactly"
                ),
            ));
        }
    }
    if let DataType::Timestamp(_, Some(zone)) = t {
        if column_zone(zone).is_none() {
            return Err(error(
                ErrorKind::PeriodUnknownTimezone,
                name,
                format!(
                    "column `{name}` has the time zone `{zone}`, which is neither an IANA name nor an offset such as +08:00"
                ),
            ));
        }
    }
    Ok(())
}

/// Whether values of type `t` can serve `role` faithfully.
fn fits(t: &DataType, role: Role) -> bool {
    let null = t == &DataType::Null;
    match role {
        Role::Text => is_text(t) || t.is_integer() || null,
        Role::Amount => is_text(t) || t.is_integer() || is_decimal(t) || is_float(t) || null,
        Role::Date => {
            is_text(t)
                || null
                || matches!(
                    t,
                    DataType::Date32 | DataType::Date64 | DataType::Timestamp(..)
                )
        }
        Role::Attribute => {
            is_text(t)
                || t.is_integer()
                || is_decimal(t)
                || is_float(t)
                || null
                || matches!(
                    t,
                    DataType::Boolean
                        | DataType::Date32
                        | DataType::Date64
                        | DataType::Timestamp(..)
                )
        }
    }
}

/// The types a role takes, for messages.
fn role_types(role: Role) -> &'static str {
    match role {
        Role::Text => "text (or integers)",
        Role::Amount => "decimals, integers with amount_scale, or decimal text",
        Role::Date => "dates, timestamps or YYYY-MM-DD text",
        Role::Attribute => "text, numbers, booleans, dates or timestamps",
    }
}

/// How to make a column of type `t` readable, for messages.
fn type_hint(t: &DataType) -> &'static str {
    match t {
        DataType::List(_)
        | DataType::LargeList(_)
        | DataType::ListView(_)
        | DataType::LargeListView(_)
        | DataType::FixedSizeList(..) => {
            ": a list has no single value (join its items into text, or explode it into rows)"
        }
        DataType::Struct(_) | DataType::Map(..) => ": unnest its fields into columns",
        DataType::Union(..) => ": a column of mixed types; cast it to one type",
        _ => "",
    }
}

fn role_name(role: Role, name: &str) -> String {
    match role {
        Role::Attribute => format!("attribute `{name}`"),
        Role::Text => "text field".into(),
        Role::Amount => "amount".into(),
        Role::Date => "date".into(),
    }
}

/// A timestamp column's own time zone: an IANA name or a fixed offset.
#[derive(Debug, Clone, Copy)]
enum ColumnZone {
    Fixed(FixedOffset),
    Named(chrono_tz::Tz),
}

fn column_zone(zone: &str) -> Option<ColumnZone> {
    let fixed = |sign: i32, hours: &str, minutes: &str| -> Option<ColumnZone> {
        let (h, m) = (hours.parse::<i32>().ok()?, minutes.parse::<i32>().ok()?);
        (hours.len() == 2 && minutes.len() == 2 && h <= 23 && m <= 59)
            .then(|| FixedOffset::east_opt(sign * (h * 3600 + m * 60)))
            .flatten()
            .map(ColumnZone::Fixed)
    };
    let signed = |rest: &str, sign: i32| match (rest.get(..2), rest.get(2..)) {
        (Some(h), Some(rest)) => match rest.strip_prefix(':') {
            Some(m) => fixed(sign, h, m),
            None if rest.is_empty() => fixed(sign, h, "00"),
            None => fixed(sign, h, rest),
        },
        _ => None,
    };
    if let Some(rest) = zone.strip_prefix('+') {
        return signed(rest, 1);
    }
    if let Some(rest) = zone.strip_prefix('-') {
        return signed(rest, -1);
    }
    zone.parse::<chrono_tz::Tz>().ok().map(ColumnZone::Named)
}

impl ColumnZone {
    fn offset_at(self, instant: DateTime<Utc>) -> FixedOffset {
        use chrono::Offset as _;
        match self {
            ColumnZone::Fixed(offset) => offset,
            ColumnZone::Named(tz) => tz.offset_from_utc_datetime(&instant.naive_utc()).fix(),
        }
    }
}

/// Reads every batch of `obj` into a new table.
pub(crate) fn facts_from_arrow(
    obj: &Bound<'_, PyAny>,
    options: &ArrowOptions,
) -> PyResult<core::FactTable> {
    let py = obj.py();
    let reader = stream_of(obj)?;
    let layout = layout(&reader.schema(), options).map_err(to_py_err)?;
    let mut facts = core::FactTable::new();
    let mut offset = 0;
    let mut pending: Vec<RecordBatch> = Vec::new();
    let mut pending_rows = 0;
    let mut append = |facts: &mut core::FactTable, pending: &mut Vec<RecordBatch>| {
        let batches = std::mem::take(pending);
        // Without the GIL: the batch is converted and stored on several threads.
        py.detach(|| {
            for batch in join(batches) {
                append_batch(facts, &batch, &layout, options, offset)?;
                offset += batch.num_rows();
            }
            Ok::<(), core::Error>(())
        })
        .map_err(to_py_err)
    };
    let mut batches = reader.map(|batch| {
        let batch = batch.map_err(|e| {
            crate::convert::invalid_argument(
                "data",
                format!("reading the Arrow stream failed: {e}"),
            )
        })?;
        validate(&batch).map_err(to_py_err)?;
        Ok::<_, PyErr>(batch)
    });
    // A table or data frame is in memory already: its batches are read first, and room
    // made for all its rows, so the id index never rehashes as batches arrive. The room
    // comes from the rows of the batches themselves (not from `len()`, which an object
    // can claim), counting a chunk repeated over the same buffers once.
    let in_memory: Vec<RecordBatch> = if held_in_memory(obj) {
        batches.by_ref().collect::<PyResult<_>>()?
    } else {
        Vec::new()
    };
    if let Some(id) = layout.column("id") {
        facts.reserve(distinct_rows(&in_memory, id));
    }
    for batch in in_memory.into_iter().map(Ok).chain(batches) {
        let batch = batch?;
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

/// Whether `obj` is a `PyArrow` `Table` or `RecordBatch`, or a pandas or Polars
/// `DataFrame`: data already in memory (a reader streams instead).
fn held_in_memory(obj: &Bound<'_, PyAny>) -> bool {
    const KINDS: [(&str, &str); 4] = [
        ("pyarrow.lib", "Table"),
        ("pyarrow.lib", "RecordBatch"),
        ("pandas.core.frame", "DataFrame"),
        ("polars.dataframe.frame", "DataFrame"),
    ];
    obj.get_type().mro().iter().any(|t| {
        let Ok(t) = t.cast::<pyo3::types::PyType>() else {
            return false;
        };
        let module = t.module().map(|m| m.to_string()).unwrap_or_default();
        let name = t.name().map(|n| n.to_string()).unwrap_or_default();
        KINDS.iter().any(|(m, n)| module == *m && name == *n)
    })
}

/// The rows of `batches`, counting a batch whose id column is the same data as an
/// earlier one's (a chunk repeated without copying) once.
fn distinct_rows(batches: &[RecordBatch], id: usize) -> usize {
    let mut seen = HashSet::new();
    batches
        .iter()
        .filter(|batch| {
            let data = batch.column(id).to_data();
            let at = data.buffers().first().map_or(0, |b| b.as_ptr() as usize);
            seen.insert((at, data.offset(), data.len()))
        })
        .map(RecordBatch::num_rows)
        .sum()
}

/// Checks a batch that arrived through raw pointers: offsets and lengths within their
/// buffers, dictionary keys within their values, text valid UTF-8. Nothing is read
/// before this.
fn validate(batch: &RecordBatch) -> Result<(), core::Error> {
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        column.to_data().validate_full().map_err(|e| {
            unsupported(
                field.name(),
                format!("column `{}` is not valid Arrow data: {e}", field.name()),
            )
        })?;
    }
    Ok(())
}

/// Batches are joined until they hold this many rows before they are stored (about 1M:
/// enough for the threaded, bucket-ordered append; joining more costs more in copies and
/// fresh pages than it saves, now that customers are not interned on load).
const JOINED_ROWS: usize = 1 << 20;

/// Small batches (Parquet row groups, streamed pages) joined into one, to be stored
/// together: a large batch is stored on several threads and its ids indexed in bucket
/// order. Dictionary columns are widened to 32-bit keys first, so dictionaries that
/// together outgrow their key type (two pandas categoricals of 100 values each) still
/// join; batches that cannot be joined are stored one by one.
fn join(batches: Vec<RecordBatch>) -> Vec<RecordBatch> {
    if batches.len() < 2 {
        return batches;
    }
    let widened: Option<Vec<RecordBatch>> = batches.iter().map(wide_keys).collect();
    let joined = widened.and_then(|widened| {
        let schema = widened.first()?.schema();
        arrow_select::concat::concat_batches(&schema, widened.iter()).ok()
    });
    match joined {
        Some(batch) => vec![batch],
        None => batches,
    }
}

/// The batch with its dictionary columns' keys cast to `Int32`.
fn wide_keys(batch: &RecordBatch) -> Option<RecordBatch> {
    let schema = batch.schema();
    let narrow = |t: &DataType| matches!(t, DataType::Dictionary(key, _) if key.as_ref() != &DataType::Int32);
    if !schema.fields().iter().any(|f| narrow(f.data_type())) {
        return Some(batch.clone());
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        match field.data_type() {
            DataType::Dictionary(_, values) if narrow(field.data_type()) => {
                let wide = DataType::Dictionary(Box::new(DataType::Int32), values.clone());
                columns.push(arrow_cast::cast(column, &wide).ok()?);
                fields.push(field.as_ref().clone().with_data_type(wide));
            }
            _ => {
                columns.push(column.clone());
                fields.push(field.as_ref().clone());
            }
        }
    }
    let schema = Schema::new_with_metadata(fields, schema.metadata().clone());
    RecordBatch::try_new(std::sync::Arc::new(schema), columns).ok()
}

/// A text column as UTF-8 (casting views, large strings, integers, and bytes that are
/// UTF-8: bytes that are not are an error at their row).
fn utf8(array: &ArrayRef, column: &str, offset: usize) -> Result<StringArray, core::Error> {
    let check = |bytes: &mut dyn Iterator<Item = Option<&[u8]>>| {
        bytes
            .enumerate()
            .find(|(_, b)| b.is_some_and(|b| std::str::from_utf8(b).is_err()))
            .map_or(Ok(()), |(row, _)| {
                Err(at_row(
                    ErrorKind::DataUnsupportedValue,
                    column,
                    offset + row,
                    format!("`{column}` holds bytes that are not UTF-8 text"),
                ))
            })
    };
    match array.data_type() {
        DataType::Utf8 => return Ok(array.as_string::<i32>().clone()),
        DataType::Binary => check(&mut array.as_binary::<i32>().iter())?,
        DataType::LargeBinary => check(&mut array.as_binary::<i64>().iter())?,
        DataType::BinaryView => check(&mut array.as_binary_view().iter())?,
        _ => {}
    }
    let cast = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| {
        unsupported(
            column,
            format!("column `{column}` does not read as text: {e}"),
        )
    })?;
    Ok(cast.as_string::<i32>().clone())
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
/// (its distinct values and each row's key), so that nothing is copied per row; or the
/// same value on every row (`kind=`).
enum TextArray {
    Strings(InPlace),
    Dictionary { values: StringArray, keys: Vec<u32> },
}

impl TextArray {
    fn new(array: &ArrayRef, column: &str, offset: usize) -> Result<TextArray, core::Error> {
        let Some(dictionary) = array.as_any_dictionary_opt() else {
            return Ok(TextArray::Strings(InPlace(utf8(array, column, offset)?)));
        };
        let values = utf8(dictionary.values(), column, offset)?;
        let valid = |key: usize| key < values.len() && values.is_valid(key);
        let keys = dictionary.keys();
        let keys = downcast_integer_array!(
            keys => { keys_of(keys, valid) }
            other => return Err(unsupported(column, format!("`{column}` has dictionary keys of type {other}"))),
        );
        Ok(TextArray::Dictionary { values, keys })
    }

    fn constant(value: &str, rows: usize) -> TextArray {
        TextArray::Dictionary {
            values: StringArray::from(vec![value]),
            keys: vec![0; rows],
        }
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
                u32::try_from(key).unwrap_or(Texts::MISSING)
            } else {
                Texts::MISSING
            }
        })
        .collect()
}

/// Decimal or integer amounts read in place, as units of the column's scale.
enum UnitArray {
    Decimal128(PrimitiveArray<Decimal128Type>),
    Int64(PrimitiveArray<Int64Type>),
    UInt64(PrimitiveArray<UInt64Type>),
}

impl UnitColumn for UnitArray {
    fn len(&self) -> usize {
        match self {
            UnitArray::Decimal128(values) => values.len(),
            UnitArray::Int64(values) => values.len(),
            UnitArray::UInt64(values) => values.len(),
        }
    }

    fn get(&self, row: usize) -> Option<i128> {
        match self {
            UnitArray::Decimal128(values) => values.is_valid(row).then(|| values.value(row)),
            UnitArray::Int64(values) => values.is_valid(row).then(|| i128::from(values.value(row))),
            UnitArray::UInt64(values) => {
                values.is_valid(row).then(|| i128::from(values.value(row)))
            }
        }
    }
}

/// The amount column: integers in place with their scale, or decimals read one by one.
enum AmountArray {
    Units(UnitArray, u32),
    Decimals(Vec<Option<Decimal>>),
}

impl AmountArray {
    fn new(
        array: &ArrayRef,
        options: &ArrowOptions,
        offset: usize,
    ) -> Result<Option<AmountArray>, core::Error> {
        let array = decoded(array, "amount")?;
        let scale_of = |s: i8| {
            u32::try_from(s).map_err(|_| {
                unsupported("amount", format!("a decimal scale of {s} is not supported"))
            })
        };
        Ok(Some(match array.data_type() {
            DataType::Null => return Ok(None),
            DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) => {
                let scale = scale_of(*s)?;
                let wide = arrow_cast::cast(&array, &DataType::Decimal128(38, *s))
                    .map_err(|e| unsupported("amount", e.to_string()))?;
                AmountArray::Units(
                    UnitArray::Decimal128(wide.as_primitive::<Decimal128Type>().clone()),
                    scale,
                )
            }
            DataType::Decimal256(..) => AmountArray::Decimals(decimals(&array, "amount", offset)?),
            t if t.is_integer() => {
                let scale = options.amount_scale.ok_or_else(|| {
                    error(ErrorKind::DataInvalidFact, "amount", "integer amounts need their scale: amount_scale=2 for cents, 0 for whole units")
                })?;
                let units = if t == &DataType::UInt64 {
                    UnitArray::UInt64(array.as_primitive::<UInt64Type>().clone())
                } else {
                    // Every other integer type fits i64 exactly.
                    let values = arrow_cast::cast(&array, &DataType::Int64)
                        .map_err(|e| unsupported("amount", e.to_string()))?;
                    UnitArray::Int64(values.as_primitive::<Int64Type>().clone())
                };
                AmountArray::Units(units, scale)
            }
            t if is_float(t) => AmountArray::Decimals(floats(&array, offset, |row, why| {
                at_row(ErrorKind::DataUnsupportedValue, "amount", row, why)
            })?),
            _ => {
                let text = utf8(&array, "amount", offset)?;
                AmountArray::Decimals(
                    (0..text.len())
                        .map(|r| {
                            if text.is_null(r) {
                                return Ok(None);
                            }
                            let value = text.value(r);
                            exact_decimal(value.trim_matches(|c: char| c.is_ascii_whitespace()))
                                .map(Some)
                                .map_err(|why| {
                                    at_row(
                                        ErrorKind::DataInvalidFact,
                                        "amount",
                                        offset + r,
                                        format!("{value:?} is not an amount: {why}"),
                                    )
                                })
                        })
                        .collect::<Result<_, _>>()?,
                )
            }
        }))
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

/// A dictionary column decoded to its values (the values' type decides how it reads).
fn decoded(array: &ArrayRef, column: &str) -> Result<ArrayRef, core::Error> {
    match array.data_type() {
        DataType::Dictionary(_, values) => arrow_cast::cast(array, values)
            .map_err(|e| unsupported(column, format!("column `{column}` does not decode: {e}"))),
        _ => Ok(array.clone()),
    }
}

/// Binary floats through their shortest text (what Python's repr prints); NaN and
/// infinities are errors at their row.
fn floats(
    array: &ArrayRef,
    offset: usize,
    bad: impl Fn(usize, String) -> core::Error,
) -> Result<Vec<Option<Decimal>>, core::Error> {
    let exact = |row: usize, f: f64, text: String| -> Result<Option<Decimal>, core::Error> {
        if !f.is_finite() {
            return Err(bad(
                offset + row,
                format!("{f} is not a number: use null for a missing value"),
            ));
        }
        exact_decimal(&text)
            .map(Some)
            .map_err(|why| bad(offset + row, why))
    };
    match array.data_type() {
        DataType::Float64 => array
            .as_primitive::<Float64Type>()
            .iter()
            .enumerate()
            .map(|(r, v)| v.map_or(Ok(None), |f| exact(r, f, f.to_string())))
            .collect(),
        DataType::Float32 => array
            .as_primitive::<Float32Type>()
            .iter()
            .enumerate()
            .map(|(r, v)| v.map_or(Ok(None), |f| exact(r, f64::from(f), f.to_string())))
            .collect(),
        _ => array
            .as_primitive::<Float16Type>()
            .iter()
            .enumerate()
            .map(|(r, v)| {
                v.map_or(Ok(None), |f| {
                    exact(r, f64::from(f), f32::from(f).to_string())
                })
            })
            .collect(),
    }
}

/// `offset` numbers the rows of this batch within the whole stream, for errors.
fn append_batch(
    facts: &mut core::FactTable,
    batch: &RecordBatch,
    layout: &Layout,
    options: &ArrowOptions,
    offset: usize,
) -> Result<(), core::Error> {
    let rows = batch.num_rows();
    let column = |field: &str| layout.column(field).map(|i| batch.column(i));
    let date_column = column("date").cloned();
    std::thread::scope(|scope| {
        // Dates convert on their own thread while the other columns are prepared.
        let dates = scope.spawn(|| match &date_column {
            Some(dates) => self::dates(dates, options, offset),
            None => Ok(Vec::new()),
        });
        let prepared = prepare(batch, layout, options, offset, rows);
        let dates = dates.join().unwrap_or_else(|_| {
            Err(error(
                ErrorKind::DataInvalidFact,
                "date",
                "the dates could not be read",
            ))
        });
        let mut prepared = prepared?;
        let dates = dates?;
        store(facts, &mut prepared, dates, offset)
    })
}

/// Every column of a batch but the dates, ready to store.
struct Prepared {
    ids: TextArray,
    kinds: TextArray,
    owners: Option<TextArray>,
    customers: Option<TextArray>,
    statuses: Option<TextArray>,
    amounts: Option<AmountArray>,
    attributes: BTreeMap<String, Vec<Option<Attribute>>>,
}

fn prepare(
    batch: &RecordBatch,
    layout: &Layout,
    options: &ArrowOptions,
    offset: usize,
    rows: usize,
) -> Result<Prepared, core::Error> {
    let column = |field: &str| layout.column(field).map(|i| batch.column(i));
    // A Null-typed column has no values: an optional field is absent, a required one
    // missing at its first row.
    let present =
        |field: &str| column(field).filter(|c| value_type(c.data_type()) != &DataType::Null);
    let missing = |field: &str| {
        let article = if field == "id" { "an" } else { "a" };
        at_row(
            ErrorKind::DataInvalidFact,
            field,
            offset,
            format!("a fact needs {article} {field}"),
        )
    };
    let ids = match present("id") {
        Some(ids) => TextArray::new(ids, "id", offset)?,
        None if rows == 0 => TextArray::constant("", 0),
        None => return Err(missing("id")),
    };
    let kinds = match (present("kind"), &options.kind) {
        (Some(kinds), _) => TextArray::new(kinds, "kind", offset)?,
        (None, Some(kind)) => TextArray::constant(kind, rows),
        (None, None) if rows == 0 => TextArray::constant("", 0),
        (None, None) => return Err(missing("kind")),
    };
    let optional = |field: &str| {
        present(field)
            .map(|c| TextArray::new(c, field, offset))
            .transpose()
    };
    let amounts = match present("amount") {
        Some(amounts) => AmountArray::new(amounts, options, offset)?,
        None => None,
    };
    let mut attributes = BTreeMap::new();
    for (name, index) in &layout.attributes {
        attributes.insert(
            name.clone(),
            attribute_column(batch.column(*index), name, offset)?,
        );
    }
    Ok(Prepared {
        ids,
        kinds,
        owners: optional("owner")?,
        customers: optional("customer")?,
        statuses: optional("status")?,
        amounts,
        attributes,
    })
}

fn store(
    facts: &mut core::FactTable,
    prepared: &mut Prepared,
    dates: Vec<NaiveDate>,
    offset: usize,
) -> Result<(), core::Error> {
    let batch = ColumnBatch {
        id: prepared.ids.texts(),
        kind: prepared.kinds.texts(),
        owner: prepared.owners.as_mut().map(TextArray::texts),
        customer: prepared.customers.as_mut().map(TextArray::texts),
        status: prepared.statuses.as_mut().map(TextArray::texts),
        amount: prepared.amounts.as_mut().map(AmountArray::column),
        date: dates,
        attributes: std::mem::take(&mut prepared.attributes),
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
                at_row(e.kind(), column, offset + row as usize, e.message())
            }
            _ => e,
        }
    })
}

/// The first and last day a fact may have.
fn in_range(date: NaiveDate, row: usize) -> Result<NaiveDate, core::Error> {
    if (core::period::MIN_DATE..=core::period::MAX_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(at_row(
            ErrorKind::PeriodOutOfRange,
            "date",
            row,
            format!(
                "{date} is outside the supported days, {} through {}",
                core::period::MIN_DATE,
                core::period::MAX_DATE
            ),
        ))
    }
}

/// A timestamp column's values as (seconds, nanoseconds) since 1970, exactly.
fn timestamp_parts(array: &ArrayRef, unit: TimeUnit) -> Vec<Option<(i64, u32)>> {
    let split = |v: i64, per_second: i64| {
        let nanos = v.rem_euclid(per_second) * (1_000_000_000 / per_second);
        (v.div_euclid(per_second), u32::try_from(nanos).unwrap_or(0))
    };
    match unit {
        TimeUnit::Second => array
            .as_primitive::<TimestampSecondType>()
            .iter()
            .map(|v| v.map(|s| (s, 0)))
            .collect(),
        TimeUnit::Millisecond => array
            .as_primitive::<TimestampMillisecondType>()
            .iter()
            .map(|v| v.map(|v| split(v, 1_000)))
            .collect(),
        TimeUnit::Microsecond => array
            .as_primitive::<TimestampMicrosecondType>()
            .iter()
            .map(|v| v.map(|v| split(v, 1_000_000)))
            .collect(),
        TimeUnit::Nanosecond => array
            .as_primitive::<TimestampNanosecondType>()
            .iter()
            .map(|v| v.map(|v| split(v, 1_000_000_000)))
            .collect(),
    }
}

/// What a timestamp value is: a local date-time (naive) or an instant.
enum Stamp {
    Local(chrono::NaiveDateTime),
    Instant(DateTime<Utc>),
}

/// Each row of a timestamp column, or an error for one out of range.
fn stamps(
    array: &ArrayRef,
    unit: TimeUnit,
    naive: bool,
    column: &str,
    offset: usize,
) -> Result<Vec<Option<Stamp>>, core::Error> {
    timestamp_parts(array, unit)
        .into_iter()
        .enumerate()
        .map(|(r, parts)| {
            let Some((seconds, nanos)) = parts else {
                return Ok(None);
            };
            let instant = DateTime::from_timestamp(seconds, nanos)
                .filter(crate::convert::instant_in_range)
                .ok_or_else(|| {
                    let err = crate::convert::instant_out_of_range("");
                    at_row(err.kind(), column, offset + r, err.message())
                })?;
            Ok(Some(if naive {
                Stamp::Local(instant.naive_utc())
            } else {
                Stamp::Instant(instant)
            }))
        })
        .collect()
}

fn dates(
    array: &ArrayRef,
    options: &ArrowOptions,
    offset: usize,
) -> Result<Vec<NaiveDate>, core::Error> {
    let array = decoded(array, "date")?;
    let missing = |row: usize| {
        at_row(
            ErrorKind::DataInvalidFact,
            "date",
            offset + row,
            "a fact needs a date",
        )
    };
    let from_days = |row: usize, days: i64| {
        i32::try_from(days)
            .ok()
            .and_then(core::period::date_of_day_number)
            .ok_or_else(|| {
                at_row(
                    ErrorKind::PeriodOutOfRange,
                    "date",
                    offset + row,
                    "the date is out of range",
                )
            })
            .and_then(|d| in_range(d, offset + row))
    };
    match array.data_type() {
        DataType::Date32 => array
            .as_primitive::<Date32Type>()
            .iter()
            .enumerate()
            .map(|(r, d)| from_days(r, i64::from(d.ok_or_else(|| missing(r))?)))
            .collect(),
        DataType::Date64 => array
            .as_primitive::<Date64Type>()
            .iter()
            .enumerate()
            .map(|(r, ms)| from_days(r, ms.ok_or_else(|| missing(r))?.div_euclid(86_400_000)))
            .collect(),
        DataType::Timestamp(unit, zone) => {
            let own = zone.as_deref().and_then(column_zone);
            stamps(&array, *unit, zone.is_none(), "date", offset)?
                .into_iter()
                .enumerate()
                .map(|(r, stamp)| {
                    let date = match stamp.ok_or_else(|| missing(r))? {
                        // A local date-time: its date, whatever the zone.
                        Stamp::Local(local) => local.date(),
                        Stamp::Instant(instant) => match (&options.calendar, own) {
                            (Some(calendar), _) => calendar
                                .local_date(&instant)
                                .map_err(|e| at_row(e.kind(), "date", offset + r, e.message()))?,
                            (None, Some(zone)) => {
                                instant.with_timezone(&zone.offset_at(instant)).date_naive()
                            }
                            (None, None) => instant.date_naive(),
                        },
                    };
                    in_range(date, offset + r)
                })
                .collect()
        }
        DataType::Null => (0..array.len()).map(|r| Err(missing(r))).collect(),
        _ => {
            let text = utf8(&array, "date", offset)?;
            (0..text.len())
                .map(|r| {
                    if text.is_null(r) {
                        return Err(missing(r));
                    }
                    core::period::parse_date(text.value(r))
                        .map_err(|e| at_row(e.kind(), "date", offset + r, e.message()))
                        .and_then(|d| in_range(d, offset + r))
                })
                .collect()
        }
    }
}

/// Any other column: numbers (integers, decimals; floats with `allow_float`) as
/// numbers, booleans, text, dates as `YYYY-MM-DD` text, timestamps as text (a naive one
/// as its local date-time, an instant as RFC 3339 with its offset in the column's own
/// zone).
fn attribute_column(
    array: &ArrayRef,
    name: &str,
    offset: usize,
) -> Result<Vec<Option<Attribute>>, core::Error> {
    let array = decoded(array, name)?;
    let bad = |row: usize, why: String| at_row(ErrorKind::DataUnsupportedValue, name, row, why);
    let numbers = |values: Vec<Option<Decimal>>| {
        values
            .into_iter()
            .map(|v| v.map(Attribute::Number))
            .collect()
    };
    Ok(match array.data_type() {
        DataType::Boolean => array
            .as_boolean()
            .iter()
            .map(|b| b.map(Attribute::Bool))
            .collect(),
        DataType::UInt64 => array
            .as_primitive::<UInt64Type>()
            .iter()
            .map(|v| v.map(|v| Attribute::Number(Decimal::from(v))))
            .collect(),
        t if t.is_integer() => {
            let values = arrow_cast::cast(&array, &DataType::Int64)
                .map_err(|e| unsupported(name, e.to_string()))?;
            values
                .as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.map(|v| Attribute::Number(Decimal::from(v))))
                .collect()
        }
        t if is_decimal(t) => numbers(decimals(&array, name, offset)?),
        t if is_float(t) => numbers(floats(&array, offset, bad)?),
        DataType::Date32 | DataType::Date64 => {
            let days = arrow_cast::cast(&array, &DataType::Date32)
                .map_err(|e| unsupported(name, e.to_string()))?;
            days.as_primitive::<Date32Type>()
                .iter()
                .enumerate()
                .map(|(r, d)| {
                    d.map(|d| {
                        core::period::date_of_day_number(d)
                            .map(|d| Attribute::Text(d.format("%Y-%m-%d").to_string()))
                            .ok_or_else(|| bad(offset + r, "the date is out of range".into()))
                    })
                    .transpose()
                })
                .collect::<Result<_, _>>()?
        }
        DataType::Timestamp(unit, zone) => {
            timestamp_texts(&array, *unit, zone.as_deref(), name, offset)?
        }
        _ => {
            let text = utf8(&array, name, offset)?;
            text.iter()
                .map(|v| v.map(|s| Attribute::Text(s.to_owned())))
                .collect()
        }
    })
}

/// A decimal column's values, exactly (scale 0 to 28, checked with the schema; a value
/// beyond 96 bits is an error at its row).
fn decimals(
    array: &ArrayRef,
    name: &str,
    offset: usize,
) -> Result<Vec<Option<Decimal>>, core::Error> {
    let too_large = |row: usize| {
        at_row(
            ErrorKind::DataUnsupportedValue,
            name,
            offset + row,
            "the number does not fit a decimal (96 bits)",
        )
    };
    let (units, scale): (Vec<Option<Option<i128>>>, i8) = match array.data_type() {
        DataType::Decimal256(_, s) => (
            array
                .as_primitive::<Decimal256Type>()
                .iter()
                .map(|v| v.map(arrow_buffer::i256::to_i128))
                .collect(),
            *s,
        ),
        DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) => {
            let wide = arrow_cast::cast(array, &DataType::Decimal128(38, *s))
                .map_err(|e| unsupported(name, e.to_string()))?;
            (
                wide.as_primitive::<Decimal128Type>()
                    .iter()
                    .map(|v| v.map(Some))
                    .collect(),
                *s,
            )
        }
        _ => return Err(unsupported(name, format!("column `{name}` is not decimal"))),
    };
    let scale = u32::try_from(scale).map_err(|_| unsupported(name, "a negative scale"))?;
    units
        .into_iter()
        .enumerate()
        .map(|(r, v)| match v {
            None => Ok(None),
            Some(v) => v
                .and_then(|v| Decimal::try_from_i128_with_scale(v, scale).ok())
                .map(Some)
                .ok_or_else(|| too_large(r)),
        })
        .collect()
}

/// A timestamp attribute as text: a naive one as its local date-time, an instant as
/// RFC 3339 with its offset in the column's own zone (as a Python `datetime` keeps its
/// own offset).
fn timestamp_texts(
    array: &ArrayRef,
    unit: TimeUnit,
    zone: Option<&str>,
    name: &str,
    offset: usize,
) -> Result<Vec<Option<Attribute>>, core::Error> {
    let shown = zone
        .and_then(column_zone)
        .unwrap_or(ColumnZone::Fixed(utc()));
    Ok(stamps(array, unit, zone.is_none(), name, offset)?
        .into_iter()
        .map(|stamp| {
            stamp.map(|stamp| {
                Attribute::Text(match stamp {
                    Stamp::Local(local) => local_text(&local),
                    Stamp::Instant(instant) => {
                        instant_text(&instant.with_timezone(&shown.offset_at(instant)))
                    }
                })
            })
        })
        .collect())
}

/// UTC as a fixed offset.
fn utc() -> FixedOffset {
    use chrono::Offset as _;
    Utc.fix()
}
