//! Conversion between Python objects and the core's JSON documents, and of core errors
//! into the Python exception classes defined in `kpi_core/errors.py`.
//!
//! The rules every entry point shares (docs/python.md, "What kpi refuses"):
//!
//! - numbers are exact: `int` (any size the decimal range holds), `decimal.Decimal` and
//!   decimal text; a `float` only with `allow_float=True`, read through its shortest
//!   text; NaN and infinities never; a decimal with more than 28 places or beyond about
//!   ±7.9e28 is refused, not rounded; `bool` is not a number;
//! - a naive `datetime` is a local date-time (its date is its own date part); an aware
//!   one is an instant;
//! - containers nest at most [`MAX_DEPTH`] levels (a deeper or self-containing value is
//!   an error at its path, not a crash);
//! - text must be valid Unicode (a lone surrogate is refused).

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateAccess, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString,
    PyTimeAccess, PyTuple, PyType,
};
use rust_decimal::Decimal;
use serde_json::{Map, Number, Value};

use kpi_core::ErrorKind;

/// The deepest nesting of lists and dicts accepted from Python.
pub const MAX_DEPTH: usize = 64;

/// Raises the `kpi_core` exception that matches the error's family, carrying `.code`,
/// `.path`, `.line`, `.column` and `.row`.
#[allow(clippy::needless_pass_by_value)] // `map_err(to_py_err)` hands the error over by value.
pub fn to_py_err(err: kpi_core::Error) -> PyErr {
    Python::attach(|py| {
        let class_name = err.kind().family().class_name();
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

/// A core error of `kind` at `path` (none when empty).
pub fn error(kind: ErrorKind, path: &str, message: impl Into<String>) -> kpi_core::Error {
    let err = kpi_core::Error::new(kind, message);
    let path = path.trim_start_matches('.');
    if path.is_empty() {
        err
    } else {
        err.at_path(path)
    }
}

/// A Python value that has no exact form (`data.unsupported_value`) at `path`.
pub fn unsupported(path: &str, message: impl Into<String>) -> kpi_core::Error {
    error(ErrorKind::DataUnsupportedValue, path, message)
}

/// An argument of the wrong type or value (`data.invalid_argument`), named `name`.
pub fn invalid_argument(name: &str, message: impl Into<String>) -> PyErr {
    to_py_err(error(ErrorKind::DataInvalidArgument, name, message))
}

/// The Python type name of `value`, for messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// `decimal.Decimal`.
fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

/// Decimal text read exactly, as the core's Arrow reader reads it.
pub use kpi_core::bindings::exact_decimal;

/// A number from Python, exactly.
#[derive(Debug, Clone, Copy)]
pub enum Exact {
    /// An integer that JSON holds as it is.
    Int(i64),
    /// A non-negative integer beyond `i64`.
    UInt(u64),
    /// Any other exact number: a `Decimal`, a larger `int`, a float's shortest text.
    Decimal(Decimal),
}

impl Exact {
    /// The number as a decimal.
    pub fn decimal(self) -> Decimal {
        match self {
            Exact::Int(i) => Decimal::from(i),
            Exact::UInt(u) => Decimal::from(u),
            Exact::Decimal(d) => d,
        }
    }

    /// The number in a JSON document: a JSON integer where it is one, else its exact
    /// text (which decimal fields read exactly), or with `exact_form` the number by its
    /// digits (`kpi_core::bindings::exact_number_value`, which a fact attribute reads as a
    /// number).
    fn json(self, exact_form: bool) -> Value {
        match self {
            Exact::Int(i) => Value::Number(Number::from(i)),
            Exact::UInt(u) => Value::Number(Number::from(u)),
            Exact::Decimal(d) => {
                if d.scale() == 0 {
                    if let Ok(i) = i64::try_from(d) {
                        return Value::Number(Number::from(i));
                    }
                }
                if exact_form {
                    kpi_core::bindings::exact_number_value(&d.to_string())
                } else {
                    Value::String(d.to_string())
                }
            }
        }
    }
}

/// Whether binary floats are read: `Some(true)` allowed, `Some(false)` refused where the
/// caller could allow them (`allow_float=True`), `None` refused where it cannot.
pub type FloatRule = Option<bool>;

/// `value` as an exact number, `Ok(None)` when it is not a number at all (text, a
/// date …). `bool` is not a number. A `float` is refused unless `floats` allows it;
/// NaN and infinities always.
pub fn exact_number(
    value: &Bound<'_, PyAny>,
    floats: FloatRule,
    path: &str,
) -> Result<Option<Exact>, kpi_core::Error> {
    number(value, floats).map_err(|why| unsupported(path, why))
}

/// [`exact_number`], saying why a number is refused (without its path, which a caller
/// renders only for an error).
fn number(value: &Bound<'_, PyAny>, floats: FloatRule) -> Result<Option<Exact>, String> {
    if value.is_instance_of::<PyBool>() {
        return Ok(None);
    }
    if value.is_instance_of::<PyInt>() {
        return integer(value).map(Some);
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let f = f.value();
        if !f.is_finite() {
            return Err(format!("{f} is not a number: use None for a missing value"));
        }
        if floats != Some(true) {
            let allow = if floats.is_some() {
                ", or allow_float=True"
            } else {
                ""
            };
            return Err(format!(
                "{f} is a binary float, which changes decimals: pass decimal.Decimal, int or decimal text{allow}"
            ));
        }
        // Rust prints the shortest text that reads back as the same float, as repr() does.
        return exact_decimal(&f.to_string()).map(|d| Some(Exact::Decimal(d)));
    }
    let decimal = decimal_type(value.py()).map_err(|e| e.to_string())?;
    if value.is_instance(decimal).unwrap_or(false) {
        // Decimal's own text, even for a subclass that overrides __str__.
        let text = decimal
            .getattr("__str__")
            .and_then(|s| s.call1((value,)))
            .map_err(|e| e.to_string())?;
        let text = text
            .cast::<PyString>()
            .map_err(|_| "Decimal.__str__ did not return text".to_owned())?
            .to_cow()
            .map_err(|e| e.to_string())?
            .into_owned();
        if text.contains("NaN") || text.contains("Infinity") {
            return Err(format!(
                "Decimal('{text}') is not a number: use None for a missing value"
            ));
        }
        return exact_decimal(&text).map(|d| Some(Exact::Decimal(d)));
    }
    // Other integers (numpy's): whatever says it is one through __index__.
    if !value.is_instance_of::<PyString>() && value.hasattr("__index__").unwrap_or(false) {
        if let Ok(index) = value.call_method0("__index__") {
            if index.is_instance_of::<PyInt>() && !index.is_instance_of::<PyBool>() {
                return integer(&index).map(Some);
            }
        }
    }
    Ok(None)
}

/// An `int` of any size the decimal range holds.
fn integer(value: &Bound<'_, PyAny>) -> Result<Exact, String> {
    if let Ok(i) = value.extract::<i64>() {
        return Ok(Exact::Int(i));
    }
    if let Ok(u) = value.extract::<u64>() {
        return Ok(Exact::UInt(u));
    }
    value
        .extract::<i128>()
        .ok()
        .and_then(|i| Decimal::try_from_i128_with_scale(i, 0).ok())
        .map(Exact::Decimal)
        .ok_or_else(|| "the integer is beyond the decimal range (about ±7.9e28)".to_owned())
}

/// Text from a Python `str`: valid Unicode only (a lone surrogate is refused).
pub fn text_of(value: &Bound<'_, PyString>, path: &str) -> Result<String, kpi_core::Error> {
    text(value).map_err(|why| unsupported(path, why))
}

fn text(value: &Bound<'_, PyString>) -> Result<String, String> {
    value
        .to_cow()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| "the text is not valid Unicode (it holds a lone surrogate)".to_owned())
}

/// What a datetime is read as.
pub enum Moment {
    /// A naive datetime: a local date-time.
    Local(NaiveDateTime),
    /// An aware one: an instant with its offset.
    Instant(chrono::DateTime<FixedOffset>),
}

/// A Python `datetime` (or a subclass such as pandas' `Timestamp`), read from its fields
/// and its `utcoffset()`.
pub fn moment(value: &Bound<'_, PyDateTime>, path: &str) -> Result<Moment, kpi_core::Error> {
    read_moment(value).map_err(|why| unsupported(path, why))
}

fn read_moment(value: &Bound<'_, PyDateTime>) -> Result<Moment, String> {
    // pandas' NaT is a datetime that is not equal to itself.
    if value.ne(value).unwrap_or(false) {
        return Err("NaT is no date: use None for a missing value".into());
    }
    let date = NaiveDate::from_ymd_opt(
        value.get_year(),
        value.get_month().into(),
        value.get_day().into(),
    );
    let time = NaiveTime::from_hms_micro_opt(
        value.get_hour().into(),
        value.get_minute().into(),
        value.get_second().into(),
        value.get_microsecond(),
    );
    let (Some(date), Some(time)) = (date, time) else {
        return Err("not a valid date and time".into());
    };
    let local = NaiveDateTime::new(date, time);
    let offset = value
        .call_method0("utcoffset")
        .map_err(|e| format!("the datetime's time zone failed: {e}"))?;
    if offset.is_none() {
        return Ok(Moment::Local(local));
    }
    let offset: chrono::TimeDelta = offset
        .extract()
        .map_err(|e| format!("the datetime's offset is not a timedelta: {e}"))?;
    let seconds = i32::try_from(offset.num_seconds()).ok();
    let fixed = seconds
        .filter(|s| chrono::TimeDelta::seconds(i64::from(*s)) == offset)
        .and_then(FixedOffset::east_opt)
        .ok_or("the datetime's offset is not a whole number of seconds within a day")?;
    fixed
        .from_local_datetime(&local)
        .single()
        .map(Moment::Instant)
        .ok_or_else(|| "not a valid date and time".into())
}

/// Whether an instant lies within a day of the supported days
/// ([`MIN_DATE`](kpi_core::period::MIN_DATE) through
/// [`MAX_DATE`](kpi_core::period::MAX_DATE), in UTC): only such an instant is made a
/// local date (a time zone moves it by less than a day), so that no date arithmetic runs
/// at the edge of what dates can hold.
pub fn instant_in_range(instant: &chrono::DateTime<chrono::Utc>) -> bool {
    let date = instant.date_naive();
    let first = kpi_core::period::MIN_DATE.pred_opt();
    let last = kpi_core::period::MAX_DATE.succ_opt();
    first.is_some_and(|f| date >= f) && last.is_some_and(|l| date <= l)
}

/// The error for an instant outside [`instant_in_range`], at `path`.
pub fn instant_out_of_range(path: &str) -> kpi_core::Error {
    error(
        ErrorKind::PeriodOutOfRange,
        path,
        format!(
            "the timestamp is outside the supported days, {} through {}",
            kpi_core::period::MIN_DATE,
            kpi_core::period::MAX_DATE
        ),
    )
}

/// A local date-time as text: `2026-04-01T09:30:00`, with a fraction of a second only
/// when there is one.
pub fn local_text(local: &NaiveDateTime) -> String {
    local.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}

/// An instant as RFC 3339 text with its offset: `2026-04-01T09:30:00+08:00`.
pub fn instant_text(instant: &chrono::DateTime<FixedOffset>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// Where in a document a value sits, for the few places where that changes how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Anywhere in a plan, a mapping or settings.
    Document,
    /// The list of fact records.
    Records,
    /// One fact record.
    Record,
    /// A record's `date`: a naive datetime is its date.
    RecordDate,
    /// A record's `attributes`.
    Attributes,
    /// One attribute value: numbers in their exact form, which reads as a number.
    Attribute,
}

/// How a Python value is read into JSON.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// Whether binary floats are read (through their shortest text).
    floats: FloatRule,
    place: Place,
}

impl Reading {
    /// A plan or another document whose caller has `allow_float`.
    pub fn document(allow_float: bool) -> Reading {
        Reading {
            floats: Some(allow_float),
            place: Place::Document,
        }
    }

    /// A document without `allow_float` (settings, mappings, inputs): floats refused.
    pub fn exact() -> Reading {
        Reading {
            floats: None,
            place: Place::Document,
        }
    }

    /// A list of fact records: attribute numbers stay numbers, exactly, and a naive
    /// datetime `date` is its date.
    pub fn records(allow_float: bool) -> Reading {
        Reading {
            floats: Some(allow_float),
            place: Place::Records,
        }
    }

    fn at(self, place: Place) -> Reading {
        Reading { place, ..self }
    }

    /// The place of a dict's item `key`.
    fn item(self, key: &str) -> Reading {
        self.at(match (self.place, key) {
            (Place::Record, "attributes") => Place::Attributes,
            (Place::Record, "date") => Place::RecordDate,
            (Place::Attributes, _) => Place::Attribute,
            _ => Place::Document,
        })
    }

    /// The place of a list's item.
    fn element(self) -> Reading {
        self.at(match self.place {
            Place::Records => Place::Record,
            _ => Place::Document,
        })
    }
}

/// Converts a Python value (dicts, lists, tuples, str, int, bool, None,
/// `decimal.Decimal`, `datetime.date`, `datetime.datetime`, and `float` with
/// `allow_float`) into JSON, as `reading` says.
pub fn to_json(value: &Bound<'_, PyAny>, reading: Reading) -> PyResult<Value> {
    to_json_at(value, reading, "")
}

/// Like [`to_json`], with errors located under `path` (an argument's name).
pub fn to_json_at(value: &Bound<'_, PyAny>, reading: Reading, path: &str) -> PyResult<Value> {
    convert(value, reading, &Path::Root(path), 0).map_err(to_py_err)
}

/// Where a value sits in what is converted, rendered (`[3].attributes.score`) only for an
/// error: most values convert, and a string per value would cost more than the value.
enum Path<'a> {
    Root(&'a str),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        match self {
            Path::Root(root) => (*root).to_owned(),
            Path::Key(parent, key) => format!("{}.{key}", parent.render()),
            Path::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }

    fn error(&self, why: impl Into<String>) -> kpi_core::Error {
        unsupported(&self.render(), why)
    }
}

fn convert(
    value: &Bound<'_, PyAny>,
    reading: Reading,
    path: &Path<'_>,
    depth: usize,
) -> Result<Value, kpi_core::Error> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return text(s).map(Value::String).map_err(|why| path.error(why));
    }
    if let Ok(datetime) = value.cast::<PyDateTime>() {
        return Ok(Value::String(
            match read_moment(datetime).map_err(|why| path.error(why))? {
                Moment::Local(local) if reading.place == Place::RecordDate => {
                    local.date().format("%Y-%m-%d").to_string()
                }
                Moment::Local(local) => local_text(&local),
                Moment::Instant(instant) => instant_text(&instant),
            },
        ));
    }
    if let Ok(date) = value.cast::<PyDate>() {
        let date = NaiveDate::from_ymd_opt(
            date.get_year(),
            date.get_month().into(),
            date.get_day().into(),
        )
        .ok_or_else(|| path.error("not a valid date"))?;
        return Ok(Value::String(date.format("%Y-%m-%d").to_string()));
    }
    let container = value.is_instance_of::<PyDict>()
        || value.is_instance_of::<PyList>()
        || value.is_instance_of::<PyTuple>();
    if container && depth >= MAX_DEPTH {
        return Err(path.error(format!(
            "the value is nested more than {MAX_DEPTH} levels deep"
        )));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        // The keys first, then each value by its key: converting a value may run Python
        // code that changes the dict, which must not change what is being read.
        for key in dict.keys().iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(path.error(format!("dict keys must be str, not {}", type_name(&key))));
            };
            let Some(item) = dict.get_item(key).map_err(|e| path.error(e.to_string()))? else {
                continue;
            };
            let key = text(key).map_err(|why| path.error(why))?;
            let child = Path::Key(path, &key);
            let value = convert(&item, reading.item(&key), &child, depth + 1)?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(list) = value.cast::<PyList>() {
        let mut items = Vec::with_capacity(list.len());
        // By index, re-reading the length: the list may change while it is read.
        let mut i = 0;
        while let Ok(item) = list.get_item(i) {
            items.push(convert(
                &item,
                reading.element(),
                &Path::Index(path, i),
                depth + 1,
            )?);
            i += 1;
        }
        return Ok(Value::Array(items));
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        let mut items = Vec::with_capacity(tuple.len());
        for (i, item) in tuple.iter().enumerate() {
            items.push(convert(
                &item,
                reading.element(),
                &Path::Index(path, i),
                depth + 1,
            )?);
        }
        return Ok(Value::Array(items));
    }
    // Numbers last: int, float, Decimal, and other integers through __index__.
    if let Some(number) = self::number(value, reading.floats).map_err(|why| path.error(why))? {
        if let (Place::RecordDate, Exact::Int(ms)) = (reading.place, number) {
            // Unix milliseconds: an instant the calendar makes a local date.
            let instant = chrono::DateTime::from_timestamp_millis(ms);
            if !instant.is_some_and(|i| instant_in_range(&i)) {
                return Err(instant_out_of_range(&path.render()));
            }
        }
        return Ok(number.json(reading.place == Place::Attribute));
    }
    Err(path.error(format!("cannot use a value of type {}", type_name(value))))
}

/// Fields of the core's documents that hold decimals: Python gets `decimal.Decimal`.
const DECIMAL_FIELDS: [&str; 34] = [
    "actual",
    "full_target",
    "target",
    "attainment",
    "gap",
    "weight",
    "original_target",
    "baseline",
    "checkpoint_target",
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
    // A row's forecast.
    "closed",
    "commit",
    "best_case",
    "pipeline",
    "open",
    "weighted",
    "coverage",
    // A true-up of a settled period.
    "paid",
    "now",
    "settled",
    "claimed",
];

/// Fields that hold dates: Python gets `datetime.date`.
const DATE_FIELDS: [&str; 4] = ["start", "end", "as_of", "from"];

/// A date as a Python `datetime.date`; a date Python cannot hold (before year 1 or after
/// 9999) is `period.out_of_range`, not a bare `ValueError`.
pub fn py_date(py: Python<'_>, date: NaiveDate) -> PyResult<Bound<'_, PyAny>> {
    date.into_pyobject(py).map(Bound::into_any).map_err(|_| {
        to_py_err(kpi_core::Error::new(
            ErrorKind::PeriodOutOfRange,
            format!("the date {date} is outside the days Python's datetime.date holds"),
        ))
    })
}

/// An optional date as Python (`None` when absent).
pub fn py_date_opt(py: Python<'_>, date: Option<NaiveDate>) -> PyResult<Bound<'_, PyAny>> {
    match date {
        Some(date) => py_date(py, date),
        None => Ok(py.None().into_bound(py)),
    }
}

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
            Some(f) if DECIMAL_FIELDS.contains(&f) => match s.parse::<Decimal>() {
                Ok(d) => d.into_pyobject(py)?.into_any(),
                Err(_) => s.into_pyobject(py)?.into_any(),
            },
            Some(f) if DATE_FIELDS.contains(&f) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => py_date(py, d)?,
                Err(_) => s.into_pyobject(py)?.into_any(),
            },
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
    let value = serde_json::to_value(value).map_err(|e| {
        to_py_err(kpi_core::Error::new(
            ErrorKind::DataUnsupportedValue,
            format!("the result does not convert: {e}"),
        ))
    })?;
    to_python(py, &value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_is_read_exactly_or_refused() {
        let ok = |t: &str| exact_decimal(t).unwrap().to_string();
        assert_eq!(ok("1.50"), "1.50");
        assert_eq!(ok("-0.25"), "-0.25");
        assert_eq!(ok("1E+3"), "1000");
        assert_eq!(ok("2.5e-3"), "0.0025");
        assert_eq!(ok("0E+1000000"), "0");
        assert_eq!(
            ok("79228162514264337593543950335"),
            "79228162514264337593543950335"
        );
        assert_eq!(
            ok("0.1234567890123456789012345678"),
            "0.1234567890123456789012345678"
        );
        for bad in [
            "",
            "-",
            ".",
            "1e",
            "1.2.3",
            "1_000",
            " 1",
            "0x10",
            "NaN",
            "Infinity",
            "0.12345678901234567890123456789",
            "79228162514264337593543950336",
            "1E+29",
            "1E-29",
            "1E+99999999999999999999",
        ] {
            assert!(exact_decimal(bad).is_err(), "{bad:?}");
        }
    }
}
