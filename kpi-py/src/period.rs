//! Python classes `Calendar` and `Period`: conversion and delegation to `kpi_core::period`.

use chrono::{DateTime, NaiveDate};
use kpi_core::period as core;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyInt, PyString};

use crate::convert::{to_json, to_py_err};

/// A calendar: fiscal year, week start, retail 52/53-week structure, time zone and
/// business days. Keyword arguments are the fields of a plan's `[calendar]` table.
#[pyclass(frozen, module = "kpi_core")]
#[derive(Clone, Debug)]
pub struct Calendar {
    pub(crate) inner: core::Calendar,
}

/// A half-open period `[start, end)`: a day, week, month, quarter, half, year, a span of
/// several, or a date range.
#[pyclass(frozen, eq, hash, module = "kpi_core")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub(crate) inner: core::Period,
}

fn grain(name: &str) -> PyResult<core::Grain> {
    core::Grain::from_name(name).map_err(to_py_err)
}

fn periods(result: kpi_core::Result<Vec<core::Period>>) -> PyResult<Vec<Period>> {
    Ok(result
        .map_err(to_py_err)?
        .into_iter()
        .map(Period::from)
        .collect())
}

impl From<core::Period> for Period {
    fn from(inner: core::Period) -> Self {
        Period { inner }
    }
}

#[pymethods]
impl Calendar {
    #[new]
    #[pyo3(signature = (**settings))]
    fn new(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let value = match settings {
            Some(dict) => to_json(dict.as_any(), false)?,
            None => serde_json::json!({}),
        };
        core::Calendar::from_json_value(value)
            .map(|inner| Calendar { inner })
            .map_err(to_py_err)
    }

    /// The period of `grain` (`"day"` … `"year"`) that contains `date`.
    fn period_of(&self, date: NaiveDate, grain: &str) -> PyResult<Period> {
        self.inner
            .period_of(date, self::grain(grain)?)
            .map(Period::from)
            .map_err(to_py_err)
    }

    /// Parses a label: `2026-03`, `2026-Q1`, `2026-W05`, `FY2027-Q2`, `FY2027..FY2029`, …
    fn parse_period(&self, label: &str) -> PyResult<Period> {
        self.inner
            .parse_period(label)
            .map(Period::from)
            .map_err(to_py_err)
    }

    /// The to-date window of `grain` as of `as_of` (month-, quarter-, year-to-date).
    fn to_date(&self, as_of: NaiveDate, grain: &str) -> PyResult<Period> {
        self.inner
            .to_date(as_of, self::grain(grain)?)
            .map(Period::from)
            .map_err(to_py_err)
    }

    /// Whether `date` is neither a weekend day nor a holiday.
    fn is_business_day(&self, date: NaiveDate) -> bool {
        self.inner.is_business_day(date)
    }

    /// Days in `[start, end)`, counting `"calendar"` or `"business"` days.
    #[pyo3(signature = (start, end, basis = "calendar"))]
    fn count_days(&self, start: NaiveDate, end: NaiveDate, basis: &str) -> PyResult<u32> {
        let basis = core::DayBasis::from_name(basis).map_err(to_py_err)?;
        Ok(self.inner.count_days(start, end, basis))
    }

    /// The elapsed share of `period` at the end of day `as_of`, as a `Decimal` (or `None`
    /// when the period has no day of that basis).
    #[pyo3(signature = (period, as_of, basis = "calendar"))]
    fn elapsed_fraction(
        &self,
        period: &Period,
        as_of: NaiveDate,
        basis: &str,
    ) -> PyResult<Option<rust_decimal::Decimal>> {
        let basis = core::DayBasis::from_name(basis).map_err(to_py_err)?;
        Ok(self.inner.elapsed_fraction(&period.inner, as_of, basis))
    }

    /// The local date, in the calendar's time zone, of a timestamp: an aware `datetime`,
    /// Unix milliseconds (`int`), or an RFC 3339 string with an offset.
    fn local_date(&self, timestamp: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
        let result = if let Ok(dt) = timestamp.cast::<PyDateTime>() {
            let instant: DateTime<chrono::FixedOffset> = dt.extract().map_err(|_| {
                to_py_err(kpi_core::Error::new(
                    kpi_core::ErrorKind::DataUnsupportedValue,
                    "a naive datetime has no time zone: give an aware datetime",
                ))
            })?;
            self.inner.local_date(&instant)
        } else if timestamp.is_instance_of::<PyInt>() {
            self.inner.local_date_of_millis(timestamp.extract()?)
        } else if let Ok(text) = timestamp.cast::<PyString>() {
            self.inner.local_date_of_rfc3339(&text.to_string())
        } else {
            Err(kpi_core::Error::new(
                kpi_core::ErrorKind::DataUnsupportedValue,
                "a timestamp is an aware datetime, Unix milliseconds or an RFC 3339 string",
            ))
        };
        result.map_err(to_py_err)
    }

    /// Maps dates to periods of `grain` in bulk: `(periods, index)` where `index[i]` is the
    /// position in `periods` of `dates[i]`'s period.
    #[allow(clippy::needless_pass_by_value)] // pyo3 extracts a list into a Vec
    fn period_index(
        &self,
        dates: Vec<NaiveDate>,
        grain: &str,
    ) -> PyResult<(Vec<Period>, Vec<u32>)> {
        let days: Vec<i32> = dates.iter().map(|d| core::day_number(*d)).collect();
        let mapped = self
            .inner
            .index_days(&days, self::grain(grain)?)
            .map_err(to_py_err)?;
        Ok((
            mapped.periods.into_iter().map(Period::from).collect(),
            mapped.index,
        ))
    }

    /// The settings, as a dict in the plan's `[calendar]` form.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = serde_json::to_string(&self.inner).expect("a calendar serialises");
        py.import("json")?.call_method1("loads", (json,))
    }

    fn __repr__(&self) -> String {
        format!(
            "Calendar({})",
            serde_json::to_string(&self.inner).unwrap_or_default()
        )
    }
}

#[pymethods]
impl Period {
    /// The label, for example `2026-Q3`, `FY2027-Q2` or `2024-01-01..2024-04-01`.
    #[getter]
    fn label(&self) -> String {
        self.inner.label()
    }
    /// `day`, `week`, `month`, `quarter`, `half`, `year`, `span` or `range`.
    #[getter]
    fn grain(&self) -> &'static str {
        self.inner.kind().name()
    }
    /// The first day.
    #[getter]
    fn start(&self) -> NaiveDate {
        self.inner.start()
    }
    /// The first day after the period (exclusive end).
    #[getter]
    fn end(&self) -> NaiveDate {
        self.inner.end()
    }
    /// The number of days.
    #[getter]
    fn days(&self) -> u32 {
        self.inner.days()
    }
    /// Whether `date` is in `[start, end)`.
    fn contains(&self, date: NaiveDate) -> bool {
        self.inner.contains(date)
    }
    fn __contains__(&self, date: NaiveDate) -> bool {
        self.inner.contains(date)
    }
    /// The next period.
    fn next(&self) -> PyResult<Period> {
        self.inner.next().map(Period::from).map_err(to_py_err)
    }
    /// The previous period.
    fn prev(&self) -> PyResult<Period> {
        self.inner.prev().map(Period::from).map_err(to_py_err)
    }
    /// The period `n` steps away.
    fn shift(&self, n: i64) -> PyResult<Period> {
        self.inner.shift(n).map(Period::from).map_err(to_py_err)
    }
    /// The same period one year earlier.
    fn same_period_last_year(&self) -> PyResult<Period> {
        self.inner
            .same_period_last_year()
            .map(Period::from)
            .map_err(to_py_err)
    }
    /// The period of the coarser `grain` that contains this one.
    fn parent(&self, grain: &str) -> PyResult<Period> {
        self.inner
            .parent(self::grain(grain)?)
            .map(Period::from)
            .map_err(to_py_err)
    }
    /// The periods of the finer `grain` that tile this one.
    fn children(&self, grain: &str) -> PyResult<Vec<Period>> {
        periods(self.inner.children(self::grain(grain)?))
    }
    /// The `n` periods ending with this one, as a span.
    fn trailing(&self, n: u32) -> PyResult<Period> {
        self.inner.trailing(n).map(Period::from).map_err(to_py_err)
    }
    /// `{label, grain, start, end}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        crate::period_dict(py, &core::PeriodInfo::from(&self.inner))
    }
    fn __str__(&self) -> String {
        self.inner.label()
    }
    fn __repr__(&self) -> String {
        format!(
            "Period('{}', start={}, end={})",
            self.inner.label(),
            self.inner.start(),
            self.inner.end()
        )
    }
}
