//! Arguments of kpi's functions. An argument of the wrong type or value is a `DataError`
//! (`data.invalid_argument`, its `path` the argument's name), never a bare `TypeError`,
//! `OverflowError` or `ValueError`; a number that has no exact form is
//! `data.unsupported_value`, as in records and documents.

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDate, PyDateAccess, PyDateTime, PyInt, PyList, PyString,
    PyTuple,
};
use rust_decimal::Decimal;

use crate::convert::{exact_decimal, exact_number, invalid_argument, to_py_err, type_name};

/// Text: a `str` (valid Unicode), or `bytes` holding UTF-8.
pub fn text(value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return s.to_cow().map(std::borrow::Cow::into_owned).map_err(|_| {
            invalid_argument(
                name,
                format!("`{name}` is not valid Unicode (it holds a lone surrogate)"),
            )
        });
    }
    let bytes = if let Ok(b) = value.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(b) = value.cast::<PyByteArray>() {
        b.to_vec()
    } else {
        return Err(invalid_argument(
            name,
            format!("`{name}` is text (str), not {}", type_name(value)),
        ));
    };
    String::from_utf8(bytes).map_err(|e| {
        invalid_argument(
            name,
            format!(
                "`{name}` is not UTF-8 text (byte {} does not decode)",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Optional text (`None` when absent or `None`).
/// A locale tag (`"en"` when omitted or `None`): `en`, `zh-CN` and what
/// `Locale::from_tag` reads; any other text is a `DataError`, anything else a `TypeError`.
pub fn locale(value: Option<&Bound<'_, PyAny>>) -> PyResult<kpi_core::Locale> {
    match opt_text(value, "locale")? {
        None => Ok(kpi_core::Locale::En),
        Some(tag) => tag.parse().map_err(crate::convert::to_py_err),
    }
}

pub fn opt_text(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    match value {
        Some(v) if !v.is_none() => text(v, name).map(Some),
        _ => Ok(None),
    }
}

/// A `bool` (not any truthy value): `default` when absent.
pub fn flag(value: Option<&Bound<'_, PyAny>>, name: &str, default: bool) -> PyResult<bool> {
    match value {
        None => Ok(default),
        Some(v) => v.cast::<PyBool>().map(PyBoolMethods::is_true).map_err(|_| {
            invalid_argument(
                name,
                format!("`{name}` is True or False, not {}", type_name(v)),
            )
        }),
    }
}

/// A whole number (an `int`, not a `bool` or a `float`) in `i64`.
pub fn int(value: &Bound<'_, PyAny>, name: &str) -> PyResult<i64> {
    let whole = value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>();
    if !whole {
        return Err(invalid_argument(
            name,
            format!("`{name}` is a whole number (int), not {}", type_name(value)),
        ));
    }
    value.extract::<i64>().map_err(|_| {
        invalid_argument(
            name,
            format!("`{name}` is out of range: {value} does not fit in 64 bits"),
        )
    })
}

/// A whole number from 0 to `u32::MAX`.
pub fn count(value: &Bound<'_, PyAny>, name: &str) -> PyResult<u32> {
    let n = int(value, name)?;
    u32::try_from(n).map_err(|_| {
        invalid_argument(
            name,
            format!("`{name}` is out of range: {n} is not between 0 and 4294967295"),
        )
    })
}

/// A `datetime.date`. A `datetime` is refused (its time of day would be dropped
/// silently): pass its `.date()`.
pub fn date(value: &Bound<'_, PyAny>, name: &str) -> PyResult<NaiveDate> {
    if value.is_instance_of::<PyDateTime>() {
        return Err(invalid_argument(
            name,
            format!("`{name}` is a date, not a datetime: pass its .date()"),
        ));
    }
    let Ok(date) = value.cast::<PyDate>() else {
        return Err(invalid_argument(
            name,
            format!("`{name}` is a datetime.date, not {}", type_name(value)),
        ));
    };
    NaiveDate::from_ymd_opt(
        date.get_year(),
        date.get_month().into(),
        date.get_day().into(),
    )
    .ok_or_else(|| invalid_argument(name, format!("`{name}` is not a valid date")))
}

/// An optional date (`None` when absent or `None`).
pub fn opt_date(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<NaiveDate>> {
    match value {
        Some(v) if !v.is_none() => date(v, name).map(Some),
        _ => Ok(None),
    }
}

/// The items of a list or tuple (read by index: a lying `__len__` or `__iter__` cannot
/// make them more, or endless).
pub fn items<'py>(value: &Bound<'py, PyAny>, name: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast::<PyList>() {
        let mut out = Vec::with_capacity(list.len());
        let mut i = 0;
        while let Ok(item) = list.get_item(i) {
            out.push(item);
            i += 1;
        }
        return Ok(out);
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    Err(invalid_argument(
        name,
        format!("`{name}` is a list, not {}", type_name(value)),
    ))
}

/// An exact number: `Decimal`, `int` or decimal text; a `float` is refused (the float
/// rule), as are NaN and infinities.
pub fn decimal(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Decimal> {
    if let Ok(s) = value.cast::<PyString>() {
        let text = text(s.as_any(), name)?;
        return exact_decimal(&text)
            .map_err(|why| to_py_err(crate::convert::unsupported(name, why)));
    }
    match exact_number(value, None, name).map_err(to_py_err)? {
        Some(number) => Ok(number.decimal()),
        None => Err(invalid_argument(
            name,
            format!(
                "`{name}` is a number (Decimal, int or decimal text), not {}",
                type_name(value)
            ),
        )),
    }
}

/// A list of exact numbers, each named `name[i]` in errors.
pub fn decimals(values: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Decimal>> {
    items(values, name)?
        .iter()
        .enumerate()
        .map(|(i, v)| decimal(v, &format!("{name}[{i}]")))
        .collect()
}
