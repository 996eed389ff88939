//! Arrow out: a report table (or a series' long table) as a `pyarrow.Table` built column
//! by column in Rust and handed over through the Arrow C stream interface, with no Python
//! object per cell. The columns and types are those `kpi_core.frames` gives from rows
//! (`_arrow_of`): columns in the order they first appear, text as `string`, decimals as
//! `decimal128(38, s)` with `s` the column's finest scale (`decimal256(76, s)` when a
//! value needs more than 38 digits at it), whole numbers as `int64`, days as `date32`, a
//! column without a value as `null`.

use std::sync::{Arc, Mutex};

use arrow_array::builder::{
    Date32Builder, Decimal128Builder, Decimal256Builder, Int64Builder, StringBuilder,
};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, NullArray, RecordBatch, RecordBatchIterator};
use arrow_buffer::i256;
use arrow_schema::{Field, Schema};
use kpi_core::report::{Cell, TableRow};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The most digits a `decimal128` column holds.
const PRECISION: u8 = 38;

/// The most digits a `decimal256` column holds.
const WIDE_PRECISION: u8 = 76;

/// The table of `rows` as a `pyarrow.Table`, or `None` when a column does not fit the
/// types the rows' Python path gives (a column of mixed kinds, a whole number beyond
/// `int64`) or the table has no row: the caller then takes that path. `pyarrow` is
/// imported first, so a missing one is said before any work.
pub(crate) fn table<'py>(
    py: Python<'py>,
    rows: &[TableRow<'_>],
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let pyarrow = crate::frames::import(py, "pyarrow")?;
    let Some(batch) = batch(rows) else {
        return Ok(None);
    };
    let schema = batch.schema();
    let reader = RecordBatchIterator::new(vec![Ok(batch)], schema);
    let stream = Stream {
        stream: Mutex::new(Some(FFI_ArrowArrayStream::new(Box::new(reader)))),
    };
    pyarrow
        .getattr("RecordBatchReader")?
        .call_method1("from_stream", (stream,))?
        .call_method0("read_all")
        .map(Some)
}

/// One Arrow C stream, handed to pyarrow through the public `PyCapsule` protocol
/// (`RecordBatchReader.from_stream` reads `__arrow_c_stream__`).
#[pyclass(frozen, module = "kpi_core")]
struct Stream {
    stream: Mutex<Option<FFI_ArrowArrayStream>>,
}

#[pymethods]
impl Stream {
    /// The stream in a capsule, once; pyarrow moves it out (leaving it released) and the
    /// capsule's destructor drops what is left.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema; // the table's own schema is the one to read
        let stream = self
            .stream
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err("the Arrow stream was read already")
            })?;
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}

/// The rows as one record batch, or `None` (see [`table`]).
fn batch(rows: &[TableRow<'_>]) -> Option<RecordBatch> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, cells) in by_column(rows) {
        let array = column(&cells)?;
        fields.push(Field::new(name, array.data_type().clone(), true));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).ok()
}

/// The rows' cells by column, the columns in the order they first appear and a row
/// without a column null there. Rows mostly have the same columns in the same place, so
/// a cell's column is looked for at its own position first.
fn by_column<'a>(rows: &[TableRow<'a>]) -> Vec<(&'static str, Vec<Cell<'a>>)> {
    let mut columns: Vec<(&'static str, Vec<Cell<'a>>)> = Vec::new();
    for (at, row) in rows.iter().enumerate() {
        debug_assert!(
            row.iter()
                .enumerate()
                .all(|(i, (n, _))| row[..i].iter().all(|(m, _)| m != n)),
            "a row names each column once"
        );
        for (position, &(name, cell)) in row.iter().enumerate() {
            let index = match columns.get(position) {
                Some((n, _)) if *n == name => position,
                _ => {
                    if let Some(index) = columns.iter().position(|(n, _)| *n == name) {
                        index
                    } else {
                        columns.push((name, Vec::with_capacity(rows.len())));
                        columns.len() - 1
                    }
                }
            };
            let cells = &mut columns[index].1;
            cells.resize(at, Cell::Null);
            cells.push(cell);
        }
    }
    for (_, cells) in &mut columns {
        cells.resize(rows.len(), Cell::Null);
    }
    columns
}

/// One column: the type of its values (all of one kind), or `None` for mixed kinds.
fn column(cells: &[Cell<'_>]) -> Option<ArrayRef> {
    let present = cells.iter().find(|c| !matches!(c, Cell::Null));
    let array: ArrayRef = match present {
        None => Arc::new(NullArray::new(cells.len())),
        Some(Cell::Text(_)) => {
            let mut builder = StringBuilder::with_capacity(cells.len(), cells.len() * 8);
            for cell in cells {
                match cell {
                    Cell::Text(text) => builder.append_value(text),
                    Cell::Null => builder.append_null(),
                    _ => return None,
                }
            }
            Arc::new(builder.finish())
        }
        Some(Cell::Decimal(_)) => {
            let mut scale = 0;
            for cell in cells {
                match cell {
                    Cell::Decimal(d) => scale = scale.max(d.scale()),
                    Cell::Null => {}
                    _ => return None,
                }
            }
            // Each value's units at the column's scale: a 96-bit mantissa times at most
            // 10^28 always fits 256 bits.
            let ten = i256::from_i128(10);
            let units: Vec<Option<i256>> = cells
                .iter()
                .map(|cell| match cell {
                    Cell::Decimal(d) => ten
                        .checked_pow(scale - d.scale())
                        .and_then(|f| i256::from_i128(d.mantissa()).checked_mul(f))
                        .map(Some),
                    _ => Some(None),
                })
                .collect::<Option<_>>()?;
            decimal_column(&units, i8::try_from(scale).ok()?)?
        }
        Some(Cell::Integer(_)) => {
            let mut builder = Int64Builder::with_capacity(cells.len());
            for cell in cells {
                match cell {
                    Cell::Integer(n) => builder.append_value(i64::try_from(*n).ok()?),
                    Cell::Null => builder.append_null(),
                    _ => return None,
                }
            }
            Arc::new(builder.finish())
        }
        Some(Cell::Date(_)) => {
            let mut builder = Date32Builder::with_capacity(cells.len());
            for cell in cells {
                match cell {
                    Cell::Date(day) => {
                        builder.append_value(kpi_core::period::day_number(*day));
                    }
                    Cell::Null => builder.append_null(),
                    _ => return None,
                }
            }
            Arc::new(builder.finish())
        }
        Some(Cell::Null) => return None, // found a present value above
    };
    Some(array)
}

/// A decimal column at `scale`: `decimal128(38, scale)` when every value has at most 38
/// digits at it, else `decimal256(76, scale)` (revenue in the billions next to a ratio of
/// 28 places), so that no value is rounded.
fn decimal_column(units: &[Option<i256>], scale: i8) -> Option<ArrayRef> {
    let limit = i256::from_i128(10).checked_pow(u32::from(PRECISION))?;
    let narrow = units
        .iter()
        .flatten()
        .all(|u| u.checked_abs().is_some_and(|a| a < limit));
    if narrow {
        let mut builder = Decimal128Builder::with_capacity(units.len())
            .with_precision_and_scale(PRECISION, scale)
            .ok()?;
        for value in units {
            builder.append_option(value.and_then(i256::to_i128));
        }
        return Some(Arc::new(builder.finish()));
    }
    let mut builder = Decimal256Builder::with_capacity(units.len())
        .with_precision_and_scale(WIDE_PRECISION, scale)
        .ok()?;
    for value in units {
        builder.append_option(*value);
    }
    Some(Arc::new(builder.finish()))
}
