//! `Plan.evaluate_series` and the `Series` it returns: the reports of many periods and
//! their tables as one long table.

use kpi_core as core;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::convert::{invalid_argument, to_py_err, type_name};
use crate::{Report, args, frames};

/// The `grains` argument: one grain name, or a list or tuple of them.
pub(crate) fn grains_arg(value: &Bound<'_, PyAny>) -> PyResult<Vec<core::Grain>> {
    let grain = |item: &Bound<'_, PyAny>, path: String| -> PyResult<core::Grain> {
        let name = args::text(item, &path)?;
        core::Grain::from_name(&name).map_err(|e| to_py_err(e.at_path(path)))
    };
    if value.is_instance_of::<PyString>() {
        return Ok(vec![grain(value, "grains".to_owned())?]);
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = value.cast::<PyList>() {
        list.iter().collect()
    } else if let Ok(tuple) = value.cast::<pyo3::types::PyTuple>() {
        tuple.iter().collect()
    } else {
        return Err(invalid_argument(
            "grains",
            format!(
                "`grains` is a grain name (\"quarter\") or a list of them ([\"month\", \"quarter\"]), not {}",
                type_name(value)
            ),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| grain(item, format!("grains[{i}]")))
        .collect()
}

/// The reports of every period of a span at one or more grains (`Plan.evaluate_series`),
/// each the report `Plan.evaluate` gives for its period, to the cent.
#[pyclass(frozen, module = "kpi_core")]
pub(crate) struct Series {
    reports: Vec<Py<Report>>,
}

impl Series {
    pub(crate) fn new(
        py: Python<'_>,
        series: core::Series,
        calendar: &core::Calendar,
    ) -> PyResult<Series> {
        let reports = series
            .reports
            .into_iter()
            .map(|report| Py::new(py, Report::new(report, calendar.clone())))
            .collect::<PyResult<_>>()?;
        Ok(Series { reports })
    }

    /// The table named by the `table` argument (`scorecards` when absent).
    fn table(table: Option<&Bound<'_, PyAny>>) -> PyResult<core::report::ReportTable> {
        let table = args::opt_text(table, "table")?;
        frames::report_table(table.as_deref().unwrap_or("scorecards"))
    }

    /// The long rows of `table`, each led by `period` and `grain`.
    pub(crate) fn table_rows(
        &self,
        table: core::report::ReportTable,
    ) -> Vec<core::report::TableRow<'_>> {
        core::Series::table_rows_of(self.reports.iter().map(|r| &*r.get().inner), table)
    }

    /// The long rows of `table` as Python dicts.
    fn long_rows<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        frames::cells_to_dicts(py, self.table_rows(Self::table(table)?))
    }
}

#[pymethods]
impl Series {
    /// One report per period: the first grain's periods in time order, then the next's.
    #[getter]
    fn reports<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.reports.iter().map(|r| r.clone_ref(py)))
    }
    /// The report of the period labelled `label` (`"FY2027-Q2"`), or `None`.
    fn report(&self, py: Python<'_>, label: &Bound<'_, PyAny>) -> PyResult<Option<Py<Report>>> {
        let label = args::text(label, "label")?;
        Ok(self
            .reports
            .iter()
            .find(|r| r.get().inner.period.label == label)
            .map(|r| r.clone_ref(py)))
    }
    /// The period labels, in the series' order.
    #[getter]
    fn periods(&self) -> Vec<String> {
        self.reports
            .iter()
            .map(|r| r.get().inner.period.label.clone())
            .collect()
    }
    /// One of the reports' tables (`scorecards`, `rollups`, `scores`, `statements`) for
    /// every period, one after the other, each row led by its `period` and `grain`: the
    /// long form for charts and data frames.
    #[pyo3(signature = (table = None))]
    fn rows<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        self.long_rows(py, table)
    }
    /// The long table as a pandas `DataFrame` (`numbers` as for `Report.to_pandas`).
    #[pyo3(signature = (table = None, numbers = None))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
        numbers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = self.long_rows(py, table)?;
        frames::frame(py, "pandas", rows.into_any(), numbers)
    }
    /// The long table as a Polars `DataFrame`, through Arrow.
    #[pyo3(signature = (table = None, numbers = None))]
    fn to_polars<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
        numbers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = Self::table(table)?;
        frames::polars_of_rows(py, || self.table_rows(table), numbers)
    }
    /// The long table as a `pyarrow.Table`: decimals as decimal128, dates as date32,
    /// built column by column without a Python object per cell.
    #[pyo3(signature = (table = None))]
    fn to_arrow<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = Self::table(table)?;
        frames::arrow_of_rows(py, self.table_rows(table))
    }
    fn __len__(&self) -> usize {
        self.reports.len()
    }
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.reports(py)?.try_iter().map(Bound::into_any)
    }
    fn __repr__(&self) -> String {
        let periods = self.periods();
        match (periods.first(), periods.last()) {
            (Some(first), Some(last)) => {
                format!("Series({} periods, {first} … {last})", periods.len())
            }
            _ => "Series(0 periods)".to_owned(),
        }
    }
}
