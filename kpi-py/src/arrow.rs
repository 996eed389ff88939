//! Arrow in: `FactTable.from_arrow(obj)` reads any object with the Arrow `PyCapsule`
//! stream interface (`__arrow_c_stream__`: a `PyArrow` `Table` or `RecordBatchReader`, a
//! Polars or pandas `DataFrame`) batch by batch, column by column, with no Python object
//! per row.
//!
//! This file is the Python glue: the keyword arguments, the stream behind the capsule,
//! and the data's arrival through raw pointers (each batch is validated before it is
//! read). Reading the batches into facts is the core's (`kpi_core::fact::arrow`, cargo
//! feature `arrow`), with its checks, errors and rows.

use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::DataType;
use kpi_core as core;
use kpi_core::fact::arrow::{ArrowAppender, ArrowOptions, validate};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};

use crate::args;
use crate::convert::{to_py_err, type_name};

/// Reads `from_arrow`'s keyword arguments; a wrong type or value is an error.
pub(crate) fn options(
    columns: Option<&Bound<'_, PyAny>>,
    kind: Option<&Bound<'_, PyAny>>,
    amount_scale: Option<&Bound<'_, PyAny>>,
    calendar: Option<&Bound<'_, PyAny>>,
    allow_float: Option<&Bound<'_, PyAny>>,
) -> PyResult<ArrowOptions> {
    let mut options = ArrowOptions::default();
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
            // The field is checked (by the core) before its column is read.
            options.map_column(&field, "").map_err(to_py_err)?;
            let column = args::text(&column, &format!("columns.{field}"))?;
            options.columns.insert(field, column);
        }
    }
    options.amount_scale = match amount_scale.filter(|s| !s.is_none()) {
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
    options.kind = args::opt_text(kind, "kind")?;
    options.calendar = crate::period::calendar_arg(calendar, "calendar")?;
    options.allow_float = args::flag(allow_float, "allow_float", false)?;
    Ok(options)
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

/// Reads every batch of `obj` into a new table.
pub(crate) fn facts_from_arrow(
    obj: &Bound<'_, PyAny>,
    options: ArrowOptions,
) -> PyResult<core::FactTable> {
    let py = obj.py();
    let reader = stream_of(obj)?;
    let mut appender = ArrowAppender::new(&reader.schema(), options).map_err(to_py_err)?;
    let mut facts = core::FactTable::new();
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
    // can claim).
    let in_memory: Vec<RecordBatch> = if held_in_memory(obj) {
        batches.by_ref().collect::<PyResult<_>>()?
    } else {
        Vec::new()
    };
    appender.reserve(&mut facts, &in_memory);
    for batch in in_memory.into_iter().map(Ok).chain(batches) {
        let batch = batch?;
        // Without the GIL: a batch is converted and stored on several threads.
        py.detach(|| appender.push(&mut facts, batch))
            .map_err(to_py_err)?;
    }
    py.detach(|| appender.finish(&mut facts))
        .map_err(to_py_err)?;
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
