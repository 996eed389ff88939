//! Python functions `formula_check` and `formula_evaluate`, wrapped as `kpi_core.formula`.

use std::collections::BTreeMap;

use kpi_core::formula::{self, Formula, Value};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

use crate::convert::{
    Reading, exact_number, invalid_argument, text_of, to_json_at, to_py_err, type_name, unsupported,
};

/// A Python value as a formula value: `None`, `bool`, `int`, `Decimal`, `str` (and
/// `float` only with `allow_float`), exactly.
fn to_value(name: &str, value: &Bound<'_, PyAny>, allow_float: bool) -> PyResult<Value> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return text_of(s, name).map(Value::Text).map_err(to_py_err);
    }
    match exact_number(value, Some(allow_float), name).map_err(to_py_err)? {
        Some(number) => Ok(Value::Number(number.decimal())),
        None => Err(to_py_err(unsupported(
            name,
            format!(
                "cannot use a value of type {} in a formula",
                type_name(value)
            ),
        ))),
    }
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
    text: &Bound<'py, PyAny>,
    names: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = crate::args::text(text, "text")?;
    let names = match names {
        Some(names) => to_json_at(names, Reading::exact(), "names")?,
        None => serde_json::Value::Null,
    };
    let types = kpi_core::bindings::names_from_json(&names).map_err(to_py_err)?;
    let info = Formula::check(&text, &types).map_err(to_py_err)?.info();
    let dict = PyDict::new(py);
    dict.set_item("type", info.result)?;
    dict.set_item("names", info.names)?;
    Ok(dict.into_any())
}

/// Checks and evaluates a formula with the given values.
#[pyfunction]
#[pyo3(signature = (text, values = None, *, allow_float = None))]
pub fn formula_evaluate(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    values: Option<&Bound<'_, PyAny>>,
    allow_float: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let text = crate::args::text(text, "text")?;
    let allow_float = crate::args::flag(allow_float, "allow_float", false)?;
    let mut map = BTreeMap::new();
    if let Some(values) = values.filter(|v| !v.is_none()) {
        let values = values.cast::<PyDict>().map_err(|_| {
            invalid_argument(
                "values",
                format!(
                    "`values` is a dict of name to value, not {}",
                    type_name(values)
                ),
            )
        })?;
        for item in values.items().iter() {
            let (key, value) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
            let name = crate::args::text(&key, "values")?;
            let value = to_value(&name, &value, allow_float)?;
            map.insert(name, value);
        }
    }
    let result = formula::evaluate(&text, &map).map_err(to_py_err)?;
    to_python(py, result)
}
