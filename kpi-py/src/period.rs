//! Python classes `Calendar` and `Period`: conversion and delegation to `kpi_core::period`.

use kpi_core::period as core;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyInt, PyString};

use crate::args;
use crate::convert::{Moment, Reading, invalid_argument, moment, py_date, to_json, to_py_err};

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

fn grain(value: &Bound<'_, PyAny>) -> PyResult<core::Grain> {
    core::Grain::from_name(&args::text(value, "grain")?).map_err(to_py_err)
}

fn basis(value: Option<&Bound<'_, PyAny>>) -> PyResult<core::DayBasis> {
    match args::opt_text(value, "basis")? {
        Some(name) => core::DayBasis::from_name(&name).map_err(to_py_err),
        None => Ok(core::DayBasis::Calendar),
    }
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

/// A period argument: a `Period`, or a label read in `calendar`.
pub(crate) fn period_arg(
    value: &Bound<'_, PyAny>,
    name: &str,
    calendar: &core::Calendar,
) -> PyResult<core::Period> {
    if let Ok(p) = value.cast::<Period>() {
        return Ok(p.get().inner);
    }
    if value.is_instance_of::<PyString>() {
        let label = args::text(value, name)?;
        return calendar.parse_period(&label).map_err(to_py_err);
    }
    let given = crate::convert::type_name(value);
    let hint = if value.is_instance_of::<pyo3::types::PyDate>() {
        // A day names several periods: say how to get the one meant.
        ": for the quarter (or month …) holding the day, plan.calendar.period_of(day, \"quarter\"); \
         for that day alone, day.isoformat(); for a period as it stood on the day, \
         plan.evaluate_as_of(facts, period, day)"
    } else {
        ", such as \"2026-03\", \"2026-Q1\" or \"FY2027\""
    };
    Err(invalid_argument(
        name,
        format!("`{name}` is a period label (str) or a Period, not {given}{hint}"),
    ))
}

/// An optional calendar argument.
pub(crate) fn calendar_arg(
    value: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Option<core::Calendar>> {
    match value {
        Some(v) if !v.is_none() => v
            .cast::<Calendar>()
            .map(|c| Some(c.get().inner.clone()))
            .map_err(|_| {
                invalid_argument(
                    name,
                    format!(
                        "`{name}` is a kpi_core.Calendar, not {}",
                        crate::convert::type_name(v)
                    ),
                )
            }),
        _ => Ok(None),
    }
}

#[pymethods]
impl Calendar {
    #[new]
    #[pyo3(signature = (**settings))]
    fn new(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let value = match settings {
            Some(dict) => to_json(dict.as_any(), Reading::exact())?,
            None => serde_json::json!({}),
        };
        core::Calendar::from_json_value(value)
            .map(|inner| Calendar { inner })
            .map_err(to_py_err)
    }

    /// The period of `grain` (`"day"` … `"year"`) that contains `date`.
    fn period_of(&self, date: &Bound<'_, PyAny>, grain: &Bound<'_, PyAny>) -> PyResult<Period> {
        self.inner
            .period_of(args::date(date, "date")?, self::grain(grain)?)
            .map(Period::from)
            .map_err(to_py_err)
    }

    /// Parses a label: `2026-03`, `2026-Q1`, `2026-W05`, `FY2027-Q2`, `FY2027..FY2029`, …
    fn parse_period(&self, label: &Bound<'_, PyAny>) -> PyResult<Period> {
        self.inner
            .parse_period(&args::text(label, "label")?)
            .map(Period::from)
            .map_err(to_py_err)
    }

    /// The to-date window of `grain` as of `as_of` (month-, quarter-, year-to-date).
    fn to_date(&self, as_of: &Bound<'_, PyAny>, grain: &Bound<'_, PyAny>) -> PyResult<Period> {
        self.inner
            .to_date(args::date(as_of, "as_of")?, self::grain(grain)?)
            .map(Period::from)
            .map_err(to_py_err)
    }

    /// Whether `date` is neither a weekend day nor a holiday.
    fn is_business_day(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.is_business_day(args::date(date, "date")?))
    }

    /// Days in `[start, end)`, counting `"calendar"` or `"business"` days.
    #[pyo3(signature = (start, end, basis = None))]
    fn count_days(
        &self,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        basis: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u32> {
        let (start, end) = (args::date(start, "start")?, args::date(end, "end")?);
        Ok(self.inner.count_days(start, end, self::basis(basis)?))
    }

    /// The elapsed share of `period` (a `Period` or a label) at the end of day `as_of`, as
    /// a `Decimal` (or `None` when the period has no day of that basis).
    #[pyo3(signature = (period, as_of, basis = None))]
    fn elapsed_fraction(
        &self,
        period: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
        basis: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<rust_decimal::Decimal>> {
        let period = period_arg(period, "period", &self.inner)?;
        let as_of = args::date(as_of, "as_of")?;
        Ok(self
            .inner
            .elapsed_fraction(&period, as_of, self::basis(basis)?))
    }

    /// The local date, in the calendar's time zone, of a timestamp: an aware `datetime`
    /// (an instant), a naive one (a local date-time already: its own date), Unix
    /// milliseconds (`int`), or an RFC 3339 string with an offset.
    fn local_date<'py>(&self, timestamp: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = timestamp.py();
        let date = if let Ok(dt) = timestamp.cast::<PyDateTime>() {
            match moment(dt, "timestamp").map_err(to_py_err)? {
                Moment::Local(local) => Ok(local.date()),
                Moment::Instant(instant) => self.inner.local_date(&instant),
            }
        } else if timestamp.is_instance_of::<PyInt>() {
            let millis = args::int(timestamp, "timestamp")?;
            let inside = chrono::DateTime::from_timestamp_millis(millis)
                .is_some_and(|i| crate::convert::instant_in_range(&i));
            if !inside {
                return Err(to_py_err(crate::convert::instant_out_of_range("timestamp")));
            }
            self.inner
                .local_date_of_millis(millis)
                .map_err(|e| e.at_path("timestamp"))
        } else if timestamp.is_instance_of::<PyString>() {
            self.inner
                .local_date_of_rfc3339(&args::text(timestamp, "timestamp")?)
                .map_err(|e| e.at_path("timestamp"))
        } else {
            return Err(invalid_argument(
                "timestamp",
                "a timestamp is a datetime, Unix milliseconds (int) or an RFC 3339 string",
            ));
        };
        py_date(py, date.map_err(to_py_err)?)
    }

    /// Maps dates to periods of `grain` in bulk: `(periods, index)` where `index[i]` is the
    /// position in `periods` of `dates[i]`'s period.
    fn period_index(
        &self,
        dates: &Bound<'_, PyAny>,
        grain: &Bound<'_, PyAny>,
    ) -> PyResult<(Vec<Period>, Vec<u32>)> {
        let days = args::items(dates, "dates")?
            .iter()
            .enumerate()
            .map(|(i, d)| args::date(d, &format!("dates[{i}]")).map(core::day_number))
            .collect::<PyResult<Vec<i32>>>()?;
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
        let json = serde_json::to_string(&self.inner).unwrap_or_else(|_| "{}".into());
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
    fn start<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_date(py, self.inner.start())
    }
    /// The first day after the period (exclusive end).
    #[getter]
    fn end<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_date(py, self.inner.end())
    }
    /// The number of days.
    #[getter]
    fn days(&self) -> u32 {
        self.inner.days()
    }
    /// Whether `date` is in `[start, end)`.
    fn contains(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.contains(args::date(date, "date")?))
    }
    fn __contains__(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.contains(date)
    }
    /// The next period.
    fn next(&self) -> PyResult<Period> {
        self.inner.next().map(Period::from).map_err(to_py_err)
    }
    /// The previous period.
    fn prev(&self) -> PyResult<Period> {
        self.inner.prev().map(Period::from).map_err(to_py_err)
    }
    /// The period `n` steps away (`n` a whole number).
    fn shift(&self, n: &Bound<'_, PyAny>) -> PyResult<Period> {
        self.inner
            .shift(args::int(n, "n")?)
            .map(Period::from)
            .map_err(to_py_err)
    }
    /// The same period one year earlier.
    fn same_period_last_year(&self) -> PyResult<Period> {
        self.inner
            .same_period_last_year()
            .map(Period::from)
            .map_err(to_py_err)
    }
    /// The period of the coarser `grain` that contains this one.
    fn parent(&self, grain: &Bound<'_, PyAny>) -> PyResult<Period> {
        self.inner
            .parent(self::grain(grain)?)
            .map(Period::from)
            .map_err(to_py_err)
    }
    /// The periods of the finer `grain` that tile this one.
    fn children(&self, grain: &Bound<'_, PyAny>) -> PyResult<Vec<Period>> {
        periods(self.inner.children(self::grain(grain)?))
    }
    /// The `n` periods ending with this one, as a span.
    fn trailing(&self, n: &Bound<'_, PyAny>) -> PyResult<Period> {
        self.inner
            .trailing(args::count(n, "n")?)
            .map(Period::from)
            .map_err(to_py_err)
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
