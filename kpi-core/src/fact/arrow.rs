//! Arrow in (cargo feature `arrow`): facts from Arrow record batches, column by column.
//!
//! [`FactTable::append_arrow`] appends one [`RecordBatch`]; [`ArrowAppender`] appends a
//! stream of them (joining small batches, numbering rows across the stream for errors);
//! both store through [`FactTable::append_columns`], so nothing is built per row where the
//! columns allow it: string and dictionary columns are read in place, decimal and integer
//! amounts as integer units at their scale.
//!
//! A column serves the fact field of its name (`id`, `kind`, `owner`, `customer`,
//! `status`, `amount`, `date`; [`ArrowOptions::columns`] maps others); every other column
//! is an attribute. Every conversion is checked: a value reads exactly or is an error
//! naming its column and row (`amount[3]`, with the row numbered across the stream). The
//! schema is checked once, before any row is read: every column's type must have a
//! faithful fact form (lists, structs, unions, extension types such as pandas periods, and
//! a pandas index are refused), the options must apply (`columns` names existing columns,
//! `amount_scale` an integer amount column, `kind` a table without a `kind` column,
//! `calendar` a date column of timestamps), and each column serves one field.
//!
//! | Field | Arrow types |
//! |---|---|
//! | `id`, `kind`, `owner`, `customer`, `status` | strings, UTF-8 binary, integers; dictionaries of these |
//! | `amount` | decimals (scale 0 to 28), integers with `amount_scale`, decimal text, floats with `allow_float` |
//! | `date` | date32, date64, timestamps (a naive one is local; an instant is made local in `calendar`'s zone, else its own), `YYYY-MM-DD` text |
//! | attributes | text, integers, decimals, booleans, dates and timestamps (as text), floats with `allow_float` |
//!
//! The error messages name the options as the Python binding's keywords (`kind=`,
//! `amount_scale=`, `allow_float=True`), which are the fields of [`ArrowOptions`].
//! Batches that come through the C data interface (from another library's pointers) are
//! checked with [`validate`] before they are read; batches built with arrow-rs's safe
//! constructors are valid already. A batch's columns are converted on two threads, so
//! this module is for native builds (the WebAssembly build leaves the feature off).
//!
//! ```
//! use std::sync::Arc;
//!
//! use kpi_core::FactTable;
//! use kpi_core::fact::arrow::{ArrowOptions, arrow_array};
//! use arrow_array::{ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringArray};
//!
//! let batch = RecordBatch::try_from_iter([
//!     ("id", Arc::new(StringArray::from(vec!["o1", "o2"])) as ArrayRef),
//!     ("owner", Arc::new(StringArray::from(vec![Some("zhang.san"), None])) as ArrayRef),
//!     (
//!         "amount",
//!         Arc::new(
//!             Decimal128Array::from(vec![30_000_000_i128, 15_000_050])
//!                 .with_precision_and_scale(12, 2)?,
//!         ) as ArrayRef,
//!     ),
//!     // Days since 1970-01-01: 2026-03-01 and 2026-03-02.
//!     ("date", Arc::new(Date32Array::from(vec![20_513, 20_514])) as ArrayRef),
//!     ("region", Arc::new(StringArray::from(vec!["north", "south"])) as ArrayRef),
//! ])?;
//! // The batch has no `kind` column: every row is an order.
//! let options = ArrowOptions {
//!     kind: Some("order".into()),
//!     ..ArrowOptions::default()
//! };
//! let mut facts = FactTable::new();
//! facts.append_arrow(&batch, &options)?;
//! let second = facts.record(1).unwrap();
//! assert_eq!(second.amount.unwrap().to_string(), "150000.50");
//! assert_eq!(second.owner, None);
//! assert_eq!(second.date.to_string(), "2026-03-02");
//! assert_eq!(second.attributes["region"], kpi_core::Attribute::Text("south".into()));
//!
//! // A value that does not read is an error at its column and row; the table is unchanged.
//! let dates = RecordBatch::try_from_iter([
//!     ("id", Arc::new(StringArray::from(vec!["o3", "o4"])) as ArrayRef),
//!     ("date", Arc::new(StringArray::from(vec!["2026-03-03", "March 4th"])) as ArrayRef),
//! ])?;
//! let err = facts.append_arrow(&dates, &options).unwrap_err();
//! assert_eq!(err.location().path.as_deref(), Some("date[1]"));
//! assert_eq!(facts.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Float16Type, Float32Type, Float64Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, PrimitiveArray, RecordBatch, StringArray,
    downcast_integer_array,
};
use arrow_buffer::ArrowNativeType;
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;

/// The arrow-rs crates this module reads, at the versions kpi is built with: build
/// batches with these and their types match.
pub use {arrow_array, arrow_schema};

use super::{
    AmountColumn, Attribute, ColumnBatch, Dictionary, FactTable, Packed, TextColumn, Texts,
    UnitColumn,
};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::period::Calendar;
use crate::zone::Zone;

/// The fact fields a column can serve, in the order they are named in errors.
pub const FIELDS: [&str; 7] = [
    "id", "kind", "owner", "customer", "status", "amount", "date",
];

/// How Arrow columns are read as facts. The default reads every field from the column
/// of its name, needs a `kind` column, and refuses integer and float amounts.
#[derive(Debug, Clone, Default)]
pub struct ArrowOptions {
    /// Fact field (one of [`FIELDS`]) → the name of the column it is read from, for
    /// columns named otherwise ([`ArrowOptions::map_column`] checks the field).
    pub columns: BTreeMap<String, String>,
    /// The kind of every row, for a table without a `kind` column.
    pub kind: Option<String>,
    /// The scale of integer amounts, 0 to 28 (2: the integers are cents).
    pub amount_scale: Option<u32>,
    /// Where instants (timestamps with a time zone) become local dates; without it, in
    /// the column's own time zone.
    pub calendar: Option<Calendar>,
    /// Accept binary floats as amounts and attributes, through their shortest text
    /// (`0.1f64` is `0.1`).
    pub allow_float: bool,
}

impl ArrowOptions {
    /// Reads fact field `field` from the column named `column`. A name that is not a fact
    /// field is `data.invalid_mapping` at `columns.<field>`.
    pub fn map_column(&mut self, field: &str, column: impl Into<String>) -> Result<()> {
        check_field(field)?;
        self.columns.insert(field.to_owned(), column.into());
        Ok(())
    }
}

/// `field` is a fact field, or `data.invalid_mapping` at `columns.<field>`.
fn check_field(field: &str) -> Result<()> {
    if FIELDS.contains(&field) {
        return Ok(());
    }
    Err(error(
        ErrorKind::DataInvalidMapping,
        &format!("columns.{field}"),
        format!(
            "`{field}` is not a fact field: columns= maps id, kind, owner, customer, status, amount or date to a column"
        ),
    ))
}

impl FactTable {
    /// Appends the rows of an Arrow record batch (see [the module](self) for the columns
    /// and types it reads). The schema and every value are checked before anything is
    /// stored: on an error (at the value's column and row, `amount[3]`) the table is
    /// unchanged.
    pub fn append_arrow(&mut self, batch: &RecordBatch, options: &ArrowOptions) -> Result<()> {
        let layout = layout(&batch.schema(), options)?;
        append_batch(self, batch, &layout, options, 0)
    }

    /// A table of the rows of `batches`, all of the schema `schema`, read through an
    /// [`ArrowAppender`] (rows are numbered across the batches in errors).
    pub fn from_arrow(
        schema: &Schema,
        batches: impl IntoIterator<Item = RecordBatch>,
        options: ArrowOptions,
    ) -> Result<FactTable> {
        let mut facts = FactTable::new();
        let mut appender = ArrowAppender::new(schema, options)?;
        for batch in batches {
            appender.push(&mut facts, batch)?;
        }
        appender.finish(&mut facts)?;
        Ok(facts)
    }
}

/// Appends a stream of Arrow record batches of one schema to a fact table: the schema is
/// checked once ([`ArrowAppender::new`]); small batches (Parquet row groups, streamed
/// pages) are joined into about a million rows before they are stored, since a large
/// batch is stored on several threads with its ids indexed in bucket order; rows are
/// numbered across the stream in errors. Call [`ArrowAppender::finish`] after the last
/// batch. An error leaves the batches stored before it in the table.
///
/// ```
/// use std::sync::Arc;
///
/// use kpi_core::FactTable;
/// use kpi_core::fact::arrow::{ArrowAppender, ArrowOptions, arrow_array};
/// use arrow_array::{ArrayRef, Date32Array, RecordBatch, StringArray};
///
/// let batch = |ids: Vec<&str>| {
///     let dates = Date32Array::from(vec![20_513; ids.len()]);
///     RecordBatch::try_from_iter([
///         ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
///         ("kind", Arc::new(StringArray::from(vec!["lead"; 2])) as ArrayRef),
///         ("date", Arc::new(dates) as ArrayRef),
///     ])
/// };
/// let pages = [batch(vec!["l1", "l2"])?, batch(vec!["l3", "l1"])?];
/// let mut facts = FactTable::new();
/// let mut appender = ArrowAppender::new(&pages[0].schema(), ArrowOptions::default())?;
/// appender.reserve(&mut facts, &pages);
/// let mut result = Ok(());
/// for page in pages {
///     result = result.and_then(|()| appender.push(&mut facts, page));
/// }
/// // `l1` again: an error at the stream's fourth row.
/// let err = result.and_then(|()| appender.finish(&mut facts)).unwrap_err();
/// assert_eq!(err.location().row, Some(3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ArrowAppender {
    layout: Layout,
    options: ArrowOptions,
    /// The rows stored so far, which number the next batch's rows in errors.
    offset: usize,
    /// Batches waiting to be joined and stored.
    pending: Vec<RecordBatch>,
    pending_rows: usize,
}

impl ArrowAppender {
    /// Checks `schema` against the options (see [the module](self)).
    pub fn new(schema: &Schema, options: ArrowOptions) -> Result<ArrowAppender> {
        Ok(ArrowAppender {
            layout: layout(schema, &options)?,
            options,
            offset: 0,
            pending: Vec::new(),
            pending_rows: 0,
        })
    }

    /// Makes room in `facts` for the rows of `batches` (those already in memory, before
    /// they are pushed), so the id index does not rehash as they arrive. A batch whose id
    /// column is the same data as an earlier one's (a chunk repeated without copying)
    /// counts once.
    pub fn reserve(&self, facts: &mut FactTable, batches: &[RecordBatch]) {
        if let Some(id) = self.layout.column("id") {
            facts.reserve(distinct_rows(batches, id));
        }
    }

    /// Adds a batch (of the schema given to [`ArrowAppender::new`]): stored once the
    /// batches waiting hold about a million rows.
    pub fn push(&mut self, facts: &mut FactTable, batch: RecordBatch) -> Result<()> {
        self.pending_rows += batch.num_rows();
        self.pending.push(batch);
        if self.pending_rows >= JOINED_ROWS {
            self.store_pending(facts)?;
            self.pending_rows = 0;
        }
        Ok(())
    }

    /// Stores the batches still waiting.
    pub fn finish(mut self, facts: &mut FactTable) -> Result<()> {
        self.store_pending(facts)
    }

    fn store_pending(&mut self, facts: &mut FactTable) -> Result<()> {
        for batch in join(std::mem::take(&mut self.pending)) {
            append_batch(facts, &batch, &self.layout, &self.options, self.offset)?;
            self.offset += batch.num_rows();
        }
        Ok(())
    }
}

/// A core error of `kind` at `path` (none when empty).
fn error(kind: ErrorKind, path: &str, message: impl Into<String>) -> Error {
    let err = Error::new(kind, message);
    let path = path.trim_start_matches('.');
    if path.is_empty() {
        err
    } else {
        err.at_path(path)
    }
}

/// A fact-data error at `column[row]` (rows numbered across the whole stream).
fn at_row(kind: ErrorKind, column: &str, row: usize, message: impl Into<String>) -> Error {
    Error::new(kind, message).at(Location {
        path: Some(format!("{column}[{row}]")),
        row: Some(row as u64),
        ..Location::default()
    })
}

/// A column whose values have no faithful fact form.
fn unsupported(column: &str, message: impl Into<String>) -> Error {
    error(ErrorKind::DataUnsupportedValue, column, message)
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
#[derive(Debug)]
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
fn layout(schema: &Schema, options: &ArrowOptions) -> Result<Layout, Error> {
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
) -> Result<HashMap<&'static str, usize>, Error> {
    for field in options.columns.keys() {
        check_field(field)?;
    }
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
fn check_options(schema: &Schema, layout: &Layout, options: &ArrowOptions) -> Result<(), Error> {
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
        if scale > 28 {
            return Err(error(
                ErrorKind::DataInvalidArgument,
                "amount_scale",
                format!(
                    "amount_scale is the number of decimal places of integer amounts, from 0 to 28, not {scale}"
                ),
            ));
        }
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
fn pandas_index(schema: &Schema) -> Result<(), Error> {
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
fn check_type(field: &Field, role: Role, options: &ArrowOptions) -> Result<(), Error> {
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
#[derive(Debug, Clone)]
enum ColumnZone {
    Fixed(FixedOffset),
    Named(Zone),
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
    Zone::parse(zone).map(ColumnZone::Named)
}

impl ColumnZone {
    fn offset_at(&self, instant: DateTime<Utc>) -> FixedOffset {
        match self {
            ColumnZone::Fixed(offset) => *offset,
            // An offset is less than a day, so it fits a `FixedOffset`.
            ColumnZone::Named(zone) => i32::try_from(zone.offset_at(instant))
                .ok()
                .and_then(FixedOffset::east_opt)
                .unwrap_or_else(utc),
        }
    }
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

/// Checks a batch that arrived through raw pointers (the Arrow C data interface, from
/// another library): offsets and lengths within their buffers, dictionary keys within
/// their values, text valid UTF-8. Read such a batch only after this; an invalid column
/// is `data.unsupported_value` at its name.
pub fn validate(batch: &RecordBatch) -> Result<()> {
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
    RecordBatch::try_new(Arc::new(schema), columns).ok()
}

/// A text column as UTF-8 (casting views, large strings, integers, and bytes that are
/// UTF-8: bytes that are not are an error at their row).
fn utf8(array: &ArrayRef, column: &str, offset: usize) -> Result<StringArray, Error> {
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
    fn new(array: &ArrayRef, column: &str, offset: usize) -> Result<TextArray, Error> {
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
                u32::try_from(key).unwrap_or(Dictionary::NONE)
            } else {
                Dictionary::NONE
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
    ) -> Result<Option<AmountArray>, Error> {
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
                            crate::decimal::exact_decimal(
                                value.trim_matches(|c: char| c.is_ascii_whitespace()),
                            )
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
fn decoded(array: &ArrayRef, column: &str) -> Result<ArrayRef, Error> {
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
    bad: impl Fn(usize, String) -> Error,
) -> Result<Vec<Option<Decimal>>, Error> {
    let exact = |row: usize, f: f64, text: String| -> Result<Option<Decimal>, Error> {
        if !f.is_finite() {
            return Err(bad(
                offset + row,
                format!("{f} is not a number: use null for a missing value"),
            ));
        }
        crate::decimal::exact_decimal(&text)
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
    facts: &mut FactTable,
    batch: &RecordBatch,
    layout: &Layout,
    options: &ArrowOptions,
    offset: usize,
) -> Result<(), Error> {
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
) -> Result<Prepared, Error> {
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
    facts: &mut FactTable,
    prepared: &mut Prepared,
    dates: Vec<NaiveDate>,
    offset: usize,
) -> Result<(), Error> {
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
fn in_range(date: NaiveDate, row: usize) -> Result<NaiveDate, Error> {
    if (crate::period::MIN_DATE..=crate::period::MAX_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(at_row(
            ErrorKind::PeriodOutOfRange,
            "date",
            row,
            format!(
                "{date} is outside the supported days, {} through {}",
                crate::period::MIN_DATE,
                crate::period::MAX_DATE
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
) -> Result<Vec<Option<Stamp>>, Error> {
    timestamp_parts(array, unit)
        .into_iter()
        .enumerate()
        .map(|(r, parts)| {
            let Some((seconds, nanos)) = parts else {
                return Ok(None);
            };
            let instant = DateTime::from_timestamp(seconds, nanos)
                .filter(instant_in_range)
                .ok_or_else(|| {
                    at_row(
                        ErrorKind::PeriodOutOfRange,
                        column,
                        offset + r,
                        instant_out_of_range(),
                    )
                })?;
            Ok(Some(if naive {
                Stamp::Local(instant.naive_utc())
            } else {
                Stamp::Instant(instant)
            }))
        })
        .collect()
}

fn dates(array: &ArrayRef, options: &ArrowOptions, offset: usize) -> Result<Vec<NaiveDate>, Error> {
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
            .and_then(crate::period::date_of_day_number)
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
                        Stamp::Instant(instant) => match (&options.calendar, &own) {
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
                    crate::period::parse_date(text.value(r))
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
) -> Result<Vec<Option<Attribute>>, Error> {
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
                        crate::period::date_of_day_number(d)
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
fn decimals(array: &ArrayRef, name: &str, offset: usize) -> Result<Vec<Option<Decimal>>, Error> {
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
) -> Result<Vec<Option<Attribute>>, Error> {
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
/// Whether an instant lies within a day of the supported days
/// ([`MIN_DATE`](crate::period::MIN_DATE) through [`MAX_DATE`](crate::period::MAX_DATE),
/// in UTC): only such an instant is made a local date (a time zone moves it by less than
/// a day), so that no date arithmetic runs at the edge of what dates can hold.
fn instant_in_range(instant: &DateTime<Utc>) -> bool {
    let date = instant.date_naive();
    let first = crate::period::MIN_DATE.pred_opt();
    let last = crate::period::MAX_DATE.succ_opt();
    first.is_some_and(|f| date >= f) && last.is_some_and(|l| date <= l)
}

/// Why an instant outside [`instant_in_range`] is refused.
fn instant_out_of_range() -> String {
    format!(
        "the timestamp is outside the supported days, {} through {}",
        crate::period::MIN_DATE,
        crate::period::MAX_DATE
    )
}

/// A local date-time as text: `2026-04-01T09:30:00`, with a fraction of a second only
/// when there is one.
fn local_text(local: &NaiveDateTime) -> String {
    local.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}

/// An instant as RFC 3339 text with its offset: `2026-04-01T09:30:00+08:00`.
fn instant_text(instant: &DateTime<FixedOffset>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::StringDictionaryBuilder;
    use arrow_array::types::Int8Type;
    use arrow_array::{
        Date32Array, Decimal128Array, Float64Array, Int64Array, ListArray, TimestampSecondArray,
    };

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn texts(values: &[&str]) -> ArrayRef {
        Arc::new(StringArray::from(values.to_vec()))
    }

    fn orders() -> ArrowOptions {
        ArrowOptions {
            kind: Some("order".into()),
            ..ArrowOptions::default()
        }
    }

    /// 2026-03-01 as days since 1970-01-01.
    const MARCH_1: i32 = 20_513;

    #[test]
    fn dictionaries_decimals_and_integer_amounts_read_exactly() {
        let mut owners = StringDictionaryBuilder::<Int8Type>::new();
        owners.append_value("li");
        owners.append_null();
        owners.append_value("li");
        let cents: ArrayRef = Arc::new(Int64Array::from(vec![Some(150), None, Some(-7)]));
        let columns = |amount: ArrayRef, owner: ArrayRef| {
            batch(vec![
                ("id", texts(&["a", "b", "c"])),
                ("owner", owner),
                ("amount", amount),
                ("date", Arc::new(Date32Array::from(vec![MARCH_1; 3]))),
                ("score", Arc::new(Int64Array::from(vec![1, 2, 3]))),
            ])
        };
        let owners: ArrayRef = Arc::new(owners.finish());
        let mut facts = FactTable::new();
        let scaled = ArrowOptions {
            amount_scale: Some(2),
            ..orders()
        };
        facts
            .append_arrow(&columns(cents.clone(), owners.clone()), &scaled)
            .unwrap();
        let first = facts.record(0).unwrap();
        assert_eq!(first.owner.as_deref(), Some("li"));
        assert_eq!(first.amount.unwrap().to_string(), "1.50");
        assert_eq!(
            first.attributes["score"],
            Attribute::Number(Decimal::from(1))
        );
        assert_eq!(facts.record(1).unwrap().owner, None);
        assert_eq!(
            facts.record(2).unwrap().amount.unwrap().to_string(),
            "-0.07"
        );

        // Integers without their scale are refused before anything is stored.
        let err = FactTable::new()
            .append_arrow(&columns(cents, owners.clone()), &orders())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataInvalidFact);
        assert_eq!(err.location().path.as_deref(), Some("amount"));

        let decimals = Decimal128Array::from(vec![Some(12_345), None, Some(1)])
            .with_precision_and_scale(10, 3)
            .unwrap();
        let mut facts = FactTable::new();
        facts
            .append_arrow(&columns(Arc::new(decimals), owners), &orders())
            .unwrap();
        assert_eq!(
            facts.record(0).unwrap().amount.unwrap().to_string(),
            "12.345"
        );
        assert_eq!(facts.record(1).unwrap().amount, None);
    }

    #[test]
    fn floats_need_allow_float_and_read_as_their_shortest_text() {
        let columns = batch(vec![
            ("id", texts(&["a"])),
            ("amount", Arc::new(Float64Array::from(vec![0.1]))),
            ("date", Arc::new(Date32Array::from(vec![MARCH_1]))),
        ]);
        let err = FactTable::new()
            .append_arrow(&columns, &orders())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataUnsupportedValue);
        let mut facts = FactTable::new();
        let floats = ArrowOptions {
            allow_float: true,
            ..orders()
        };
        facts.append_arrow(&columns, &floats).unwrap();
        assert_eq!(facts.record(0).unwrap().amount.unwrap().to_string(), "0.1");
    }

    #[test]
    fn instants_are_local_dates_in_their_own_zone_or_the_calendars() {
        // 2026-03-01T20:00:00Z: March 2 in Shanghai, March 1 in UTC.
        let instant = 1_772_395_200;
        let stamps = |zone: &str| -> ArrayRef {
            Arc::new(TimestampSecondArray::from(vec![instant]).with_timezone(zone))
        };
        let columns = |zone: &str| {
            batch(vec![
                ("id", texts(&["a"])),
                ("date", stamps(zone)),
                ("seen", stamps(zone)),
            ])
        };
        let date = |columns: &RecordBatch, options: &ArrowOptions| {
            let mut facts = FactTable::new();
            facts.append_arrow(columns, options).unwrap();
            facts.record(0).unwrap()
        };
        let own = date(&columns("Asia/Shanghai"), &orders());
        assert_eq!(own.date.to_string(), "2026-03-02");
        assert_eq!(
            own.attributes["seen"],
            Attribute::Text("2026-03-02T04:00:00+08:00".into())
        );
        assert_eq!(
            date(&columns("+00:00"), &orders()).date.to_string(),
            "2026-03-01"
        );
        let calendar = Calendar {
            timezone: Some("Asia/Shanghai".into()),
            ..Calendar::default()
        };
        let in_calendar = ArrowOptions {
            calendar: Some(calendar),
            ..orders()
        };
        assert_eq!(
            date(&columns("UTC"), &in_calendar).date.to_string(),
            "2026-03-02"
        );

        let err = FactTable::new()
            .append_arrow(&columns("Mars/Olympus"), &orders())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PeriodUnknownTimezone);
    }

    #[test]
    fn the_schema_and_options_are_checked_before_any_row() {
        let columns = batch(vec![
            ("ref", texts(&["a"])),
            ("date", Arc::new(Date32Array::from(vec![MARCH_1]))),
        ]);
        let mut options = orders();
        let err = options.map_column("identifier", "ref").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataInvalidMapping);
        assert_eq!(err.location().path.as_deref(), Some("columns.identifier"));
        // The same when the map is filled directly.
        let mut direct = orders();
        direct.columns.insert("identifier".into(), "ref".into());
        let err = FactTable::new()
            .append_arrow(&columns, &direct)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataInvalidMapping);

        let err = FactTable::new()
            .append_arrow(&columns, &orders())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataInvalidFact);
        assert_eq!(err.location().path.as_deref(), Some("id"));
        options.map_column("id", "ref").unwrap();
        let mut facts = FactTable::new();
        facts.append_arrow(&columns, &options).unwrap();
        assert_eq!(facts.record(0).unwrap().id, "a");

        let too_fine = ArrowOptions {
            amount_scale: Some(29),
            ..options.clone()
        };
        let err = FactTable::new()
            .append_arrow(&columns, &too_fine)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataInvalidArgument);

        let lists = ListArray::from_iter_primitive::<Int64Type, _, _>(vec![Some(vec![Some(1)])]);
        let with_list = batch(vec![
            ("id", texts(&["a"])),
            ("date", Arc::new(Date32Array::from(vec![MARCH_1]))),
            ("tags", Arc::new(lists)),
        ]);
        let err = FactTable::new()
            .append_arrow(&with_list, &orders())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DataUnsupportedValue);
        assert_eq!(err.location().path.as_deref(), Some("tags"));
        assert!(err.message().contains("explode"), "{}", err.message());
    }

    #[test]
    fn rows_are_numbered_across_the_stream_and_a_failed_append_stores_nothing() {
        let page =
            |ids: &[&str], dates: &[&str]| batch(vec![("id", texts(ids)), ("date", texts(dates))]);
        let pages = [
            page(&["a", "b"], &["2026-03-01", "2026-03-02"]),
            page(&["c", "d"], &["2026-03-03", "someday"]),
        ];
        let mut facts = FactTable::new();
        let mut appender = ArrowAppender::new(&pages[0].schema(), orders()).unwrap();
        appender.reserve(&mut facts, &pages);
        for page in pages.iter().cloned() {
            appender.push(&mut facts, page).unwrap();
        }
        let err = appender.finish(&mut facts).unwrap_err();
        assert_eq!(err.location().path.as_deref(), Some("date[3]"));
        assert_eq!(err.location().row, Some(3));

        let good = FactTable::from_arrow(&pages[0].schema(), [pages[0].clone()], orders()).unwrap();
        let mut facts = good;
        let err = facts.append_arrow(&pages[1], &orders()).unwrap_err();
        assert_eq!(err.location().path.as_deref(), Some("date[1]"));
        assert_eq!(facts.len(), 2);
    }
}
