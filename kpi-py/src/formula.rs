//! Python functions `formula_check` and `formula_evaluate`, wrapped as `kpi_core.formula`.

use std::collections::BTreeMap;

use kpi_core::formula::{self, Formula, Value};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

use crate::convert::{to_json, to_py_err};

fn unsupported(name: &str, message: String) -> PyErr {
    to_py_err(
        kpi_core::Error::new(kpi_core::ErrorKind::DataUnsupportedValue, message).at_path(name),
    )
}

/// A Python value as a formula value: `None`, `bool`, `int`, `Decimal`, `str` (and
/// `float` only with `allow_float`).
fn to_value(name: &str, value: &Bound<'_, PyAny>, allow_float: bool) -> PyResult<Value> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::Text(s.to_string()));
    }
    if value.is_instance_of::<PyFloat>() && !allow_float {
        return Err(unsupported(
            name,
            format!("{value} is a float; pass decimal.Decimal or int, or allow_float=True"),
        ));
    }
    let is_number = value.is_instance_of::<PyInt>()
        || value.is_instance_of::<PyFloat>()
        || value.get_type().name().is_ok_and(|n| n == "Decimal");
    if is_number {
        let text = if value.is_instance_of::<PyFloat>() {
            value.repr()?.to_string()
        } else {
            value.str()?.to_string()
        };
        return text
            .parse()
            .map(Value::Number)
            .map_err(|_| unsupported(name, format!("{text} is not a finite decimal")));
    }
    Err(unsupported(
        name,
        format!("cannot use {value} in a formula"),
    ))
}

/// A formula value as Python: `None`, `bool`, `Decimal` or `str`.
fn to_python(py: Python<'_>, value: Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, b).to_owned().into_any().unbind(),
        Value::Number(n) => n.into_pyobject(py)?.into_any().unbind(),
        Value::Text(t) => PyString::new(py, &t).into_any().unbind(),
    })
}

/// Checks a formula: returns `{"type": ..., "names": [...]}` or raises `FormulaError`.
#[pyfunction]
#[pyo3(signature = (text, names = None))]
pub fn formula_check<'py>(
    py: Python<'py>,
    text: &str,
    names: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let names = match names {
        Some(names) => to_json(names, false)?,
        None => serde_json::Value::Null,
    };
    let types = formula::names_from_json(&names).map_err(to_py_err)?;
    let info = Formula::check(text, &types).map_err(to_py_err)?.info();
    let dict = PyDict::new(py);
    dict.set_item("type", info.result)?;
    dict.set_item("names", info.names)?;
    Ok(dict.into_any())
}

/// Checks and evaluates a formula with the given values.
#[pyfunction]
#[pyo3(signature = (text, values = None, *, allow_float = false))]
pub fn formula_evaluate(
    py: Python<'_>,
    text: &str,
    values: Option<&Bound<'_, PyDict>>,
    allow_float: bool,
) -> PyResult<Py<PyAny>> {
    let mut map = BTreeMap::new();
    for (key, value) in values.into_iter().flat_map(PyDictMethods::iter) {
        let name: String = key.extract()?;
        let value = to_value(&name, &value, allow_float)?;
        map.insert(name, value);
    }
    let result = formula::evaluate(text, &map).map_err(to_py_err)?;
    to_python(py, result)
}
