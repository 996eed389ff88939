//! Conversion between Python objects and the core's JSON documents, and of core errors
//! into the Python exception classes defined in `kpi_core/errors.py`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Raises the `kpi_core` exception that matches the error's family, carrying `.code`,
/// `.path`, `.line`, `.column` and `.row`.
#[allow(clippy::needless_pass_by_value)] // `map_err(to_py_err)` hands the error over by value.
pub fn to_py_err(err: kpi_core::Error) -> PyErr {
    Python::attach(|py| {
        let class_name = match err.kind().category() {
            "plan" => "PlanError",
            "formula" => "FormulaError",
            "data" => "DataError",
            "period" => "PeriodError",
            _ => "KpiError",
        };
        let build = || -> PyResult<PyErr> {
            let class = py.import("kpi_core.errors")?.getattr(class_name)?;
            let location = err.location();
            let kwargs = PyDict::new(py);
            kwargs.set_item("code", err.code())?;
            kwargs.set_item("path", location.path.as_deref())?;
            kwargs.set_item("line", location.line)?;
            kwargs.set_item("column", location.column)?;
            kwargs.set_item("row", location.row)?;
            let instance = class.call((err.to_string(),), Some(&kwargs))?;
            Ok(PyErr::from_value(instance))
        };
        build().unwrap_or_else(|e| e)
    })
}

/// A core error for a Python value that has no JSON form.
fn unsupported(path: &str, message: String) -> kpi_core::Error {
    kpi_core::Error::new(kpi_core::ErrorKind::DataUnsupportedValue, message)
        .at_path(path.trim_start_matches('.'))
}

/// Converts a Python value (dicts, lists, str, int, bool, None, `decimal.Decimal`,
/// `datetime.date`) into JSON. Decimals become exact strings; a `float` is refused unless
/// `allow_float`, because binary floats silently change money amounts.
pub fn to_json(value: &Bound<'_, PyAny>, allow_float: bool) -> PyResult<Value> {
    convert(value, allow_float, "").map_err(to_py_err)
}

fn convert(
    value: &Bound<'_, PyAny>,
    allow_float: bool,
    path: &str,
) -> Result<Value, kpi_core::Error> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_string()));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(match value.extract::<i64>() {
            Ok(i) => Value::Number(Number::from(i)),
            Err(_) => Value::String(value.to_string()),
        });
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        if !allow_float {
            return Err(unsupported(
                path,
                format!(
                    "{} is a float; pass decimal.Decimal or str for exact amounts, or allow_float=True",
                    f.value()
                ),
            ));
        }
        // repr() is the shortest text that round-trips: 0.1 stays "0.1".
        return Ok(Value::String(
            value
                .repr()
                .map_or_else(|_| f.value().to_string(), |r| r.to_string()),
        ));
    }
    if value.is_instance_of::<PyDateTime>() {
        // An aware datetime is an instant: the core turns it into a local date in the
        // plan's time zone. A naive one names no instant.
        let aware = !value.getattr("tzinfo").is_ok_and(|tz| tz.is_none());
        if !aware {
            return Err(unsupported(
                path,
                "a naive datetime names no instant: pass an aware datetime or a datetime.date"
                    .into(),
            ));
        }
        let text = value
            .call_method0("isoformat")
            .map_err(|e| unsupported(path, e.to_string()))?;
        return Ok(Value::String(text.to_string()));
    }
    if value.is_instance_of::<PyDate>() {
        let text = value
            .call_method0("isoformat")
            .map_err(|e| unsupported(path, e.to_string()))?;
        return Ok(Value::String(text.to_string()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, item) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(unsupported(
                    path,
                    format!("dict keys must be str, not {}", type_name(&key)),
                ));
            };
            let key = key.to_string();
            let child = format!("{path}.{key}");
            map.insert(key, convert(&item, allow_float, &child)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value
            .try_iter()
            .map_err(|e| unsupported(path, e.to_string()))?
            .enumerate()
        {
            let item = item.map_err(|e| unsupported(path, e.to_string()))?;
            items.push(convert(&item, allow_float, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    if type_name(value) == "Decimal" {
        let text = value
            .str()
            .map_err(|e| unsupported(path, e.to_string()))?
            .to_string();
        if text.parse::<rust_decimal::Decimal>().is_err() {
            return Err(unsupported(path, format!("{text} is not a finite decimal")));
        }
        return Ok(Value::String(text));
    }
    Err(unsupported(
        path,
        format!("cannot use a value of type {}", type_name(value)),
    ))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// Fields of the core's documents that hold decimals: Python gets `decimal.Decimal`.
const DECIMAL_FIELDS: [&str; 21] = [
    "actual",
    "target",
    "attainment",
    "gap",
    "weight",
    "original_target",
    "baseline",
    "elapsed",
    "projected",
    "projected_attainment",
    "remaining",
    "required_per_day",
    "score",
    "basis",
    "rate",
    "amount",
    "total",
    "assigned",
    "over_assignment",
    "sum",
    "share",
];

/// Fields that hold dates: Python gets `datetime.date`.
const DATE_FIELDS: [&str; 4] = ["start", "end", "as_of", "from"];

/// A core document (serialised to JSON) as Python dicts and lists, with decimals as
/// `decimal.Decimal` and dates as `datetime.date` (by field name, in one place for
/// every document).
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    to_python_field(py, value, None)
}

fn to_python_field<'py>(
    py: Python<'py>,
    value: &Value,
    field: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None => n.to_string().into_pyobject(py)?.into_any(),
        },
        // Flattened table columns (`pacing_projected`, `period_start`) type like their field.
        Value::String(s) => match field.map(|f| {
            f.strip_prefix("pacing_")
                .or_else(|| f.strip_prefix("period_"))
                .unwrap_or(f)
        }) {
            Some(f) if DECIMAL_FIELDS.contains(&f) => match s.parse::<rust_decimal::Decimal>() {
                Ok(d) => d.into_pyobject(py)?.into_any(),
                Err(_) => s.into_pyobject(py)?.into_any(),
            },
            Some(f) if DATE_FIELDS.contains(&f) => {
                match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(d) => d.into_pyobject(py)?.into_any(),
                    Err(_) => s.into_pyobject(py)?.into_any(),
                }
            }
            _ => s.into_pyobject(py)?.into_any(),
        },
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                // A list of decimals (cascade parts, partial values) keeps its field's type.
                list.append(to_python_field(py, item, field)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            // A statement's `balances` map incentive ids to amounts.
            let balances = field == Some("balances");
            for (key, item) in map {
                let child = if balances { "amount" } else { key.as_str() };
                dict.set_item(key, to_python_field(py, item, Some(child))?)?;
            }
            dict.into_any()
        }
    })
}

/// A serialisable core value as Python (see [`to_python`]).
pub fn serde_to_python<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    to_python(
        py,
        &serde_json::to_value(value).expect("core documents serialise"),
    )
}
