//! Report tables as flat rows, and as pandas or Polars data frames.

use kpi_core as core;
use kpi_core::report::Cell;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyModule};
use serde_json::{Map, Value};

use crate::convert::{py_date, to_py_err};

/// Flattens nested objects into `parent_child` columns (pacing → `pacing_elapsed` …).
fn flatten(value: Value) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let mut out = Map::new();
    for (key, item) in map {
        match item {
            Value::Object(inner) => {
                for (k, v) in inner {
                    out.insert(format!("{key}_{k}"), v);
                }
            }
            other => {
                out.insert(key, other);
            }
        }
    }
    Value::Object(out)
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    // The core's documents have string keys only, so they always serialise.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The table named `table` (`scorecards`, `rollups`, `scores`, `statements`).
pub(crate) fn report_table(table: &str) -> PyResult<core::report::ReportTable> {
    table.parse().map_err(to_py_err)
}

/// The rows of one report table as Python dicts (columns and cells are the core's,
/// `Report::table_rows`): decimals as `Decimal`, days as `date`.
pub(crate) fn table_rows<'py>(
    py: Python<'py>,
    report: &core::Report,
    table: core::report::ReportTable,
) -> PyResult<Bound<'py, PyList>> {
    cells_to_dicts(py, report.table_rows(table))
}

/// Table rows as Python dicts: decimals as `Decimal`, days as `date`.
pub(crate) fn cells_to_dicts<'py>(
    py: Python<'py>,
    rows: Vec<core::report::TableRow<'_>>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for row in rows {
        let dict = PyDict::new(py);
        for (column, cell) in row {
            let value = match cell {
                Cell::Null => py.None().into_bound(py),
                Cell::Text(text) => text.into_pyobject(py)?.into_any(),
                Cell::Decimal(decimal) => decimal.into_pyobject(py)?.into_any(),
                Cell::Integer(integer) => integer.into_pyobject(py)?.into_any(),
                Cell::Date(date) => py_date(py, date)?,
            };
            dict.set_item(column, value)?;
        }
        list.append(dict)?;
    }
    Ok(list)
}

/// The review's items as flat rows.
pub(crate) fn review_rows(review: &core::Review) -> Value {
    Value::Array(
        review
            .items
            .iter()
            .map(|item| flatten(to_value(item)))
            .collect(),
    )
}

/// `library` (`pyarrow`, `pandas`, `polars`), which the caller installs: none is a
/// dependency of kpi, and a missing one is an `ImportError` saying how to install it.
pub(crate) fn import<'py>(py: Python<'py>, library: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(library).map_err(|_| {
        pyo3::exceptions::PyImportError::new_err(format!(
            "{library} is not installed: pip install {library}"
        ))
    })
}

/// The table of `rows` as a `pyarrow.Table`: built by column in Rust
/// (`crate::arrow_out`), or from the rows as Python dicts when a column does not fit
/// (the types are the same either way).
pub(crate) fn arrow_of_rows<'py>(
    py: Python<'py>,
    rows: Vec<core::report::TableRow<'_>>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Some(table) = crate::arrow_out::table(py, &rows)? {
        return Ok(table);
    }
    let dicts = cells_to_dicts(py, rows)?;
    py.import("kpi_core.frames")?
        .call_method1("_arrow_of", (dicts,))
}

/// The table of `rows()` as a Polars `DataFrame`, through Arrow (`numbers` as for
/// [`frame`]). The arguments and the libraries are checked before the rows are made.
pub(crate) fn polars_of_rows<'py, 'r>(
    py: Python<'py>,
    rows: impl FnOnce() -> Vec<core::report::TableRow<'r>>,
    numbers: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    import(py, "polars")?;
    import(py, "pyarrow")?;
    let frames = py.import("kpi_core.frames")?;
    if let Some(numbers) = numbers {
        frames.call_method1("_numbers", (numbers,))?;
    }
    let table = arrow_of_rows(py, rows())?;
    match numbers {
        Some(numbers) => frames.call_method1("_polars_of_arrow", (table, numbers)),
        None => frames.call_method1("_polars_of_arrow", (table,)),
    }
}

/// A data frame of `rows` (a list of dicts) from `library` (`pandas` or `polars`), which
/// the caller installs: neither is a dependency of kpi. `numbers` is `decimal` (the
/// default), `float` or `arrow` (`kpi_core.frames._frame_of` says what each gives).
pub(crate) fn frame<'py>(
    py: Python<'py>,
    library: &str,
    rows: Bound<'py, PyAny>,
    numbers: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    import(py, library)?;
    let frames = py.import("kpi_core.frames")?;
    match numbers {
        Some(numbers) => frames.call_method1("_frame_of", (rows, library, numbers)),
        None => frames.call_method1("_frame_of", (rows, library)),
    }
}

/// Calls `kpi_core.frames.<function>(data[, table])`: the frame conversions live in
/// Python, next to the libraries they return.
pub(crate) fn python_frames<'py>(
    py: Python<'py>,
    function: &str,
    data: &Bound<'py, PyAny>,
    table: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let module = py.import("kpi_core.frames")?;
    match table {
        Some(table) => module.call_method1(function, (data, table)),
        None => module.call_method1(function, (data,)),
    }
}

/// Calls `kpi_core.frames.<function>(data, numbers=numbers)` for tables without a name
/// (measures).
pub(crate) fn python_frames_numbers<'py>(
    py: Python<'py>,
    function: &str,
    data: &Bound<'py, PyAny>,
    numbers: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let module = py.import("kpi_core.frames")?;
    let kwargs = pyo3::types::PyDict::new(py);
    if let Some(numbers) = numbers {
        kwargs.set_item("numbers", numbers)?;
    }
    module.call_method(function, (data,), Some(&kwargs))
}
