//! SMART findings, the review, and the target-setting functions (`kpi_core.targets`).

use kpi_core as core;
use pyo3::prelude::*;

use crate::convert::{Reading, serde_to_python, to_py_err};

/// One SMART finding.
#[pyclass(frozen, module = "kpi_core")]
pub(crate) struct Finding {
    pub(crate) inner: core::Finding,
}

#[pymethods]
impl Finding {
    /// `S`, `M`, `A`, `R` or `T`.
    #[getter]
    fn criterion(&self) -> String {
        format!("{:?}", self.inner.criterion)
    }
    /// `error`, `warning` or `info`.
    #[getter]
    fn severity(&self) -> String {
        format!("{:?}", self.inner.severity).to_lowercase()
    }
    /// The stable code, such as `smart.achievable.growth_above_history`.
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code.code()
    }
    /// The goal id.
    #[getter]
    fn goal(&self) -> &str {
        &self.inner.goal
    }
    /// The plan path, such as `goals[2].target`.
    #[getter]
    fn path(&self) -> &str {
        &self.inner.path
    }
    /// The message in English.
    #[getter]
    fn message(&self) -> &str {
        &self.inner.message
    }
    /// The message in Simplified Chinese.
    #[getter]
    fn message_zh(&self) -> &str {
        &self.inner.message_zh
    }
    /// The message in `locale` (`zh…` gives Chinese, anything else English).
    fn message_in(&self, locale: &Bound<'_, PyAny>) -> PyResult<String> {
        let locale = crate::args::text(locale, "locale")?;
        Ok(self.inner.message_in(&locale).to_owned())
    }
    /// The finding as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "Finding({:?} {} {} at {})",
            self.inner.criterion,
            self.severity(),
            self.inner.code,
            self.inner.path
        )
    }
}

/// The goals that need attention on a review date.
#[pyclass(frozen, module = "kpi_core")]
pub(crate) struct Review {
    pub(crate) inner: core::Review,
}

#[pymethods]
impl Review {
    /// The review date.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::py_date(py, self.inner.as_of)
    }
    /// The goal scopes at risk or off track (dicts with `Decimal` and `date` values).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.inner.items)
    }
    /// The review as text in `locale` (`"en"`, the default, or `"zh-CN"`).
    #[pyo3(signature = (locale = None))]
    fn to_text(&self, locale: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        Ok(self.inner.to_text(crate::args::locale(locale)?))
    }
    /// The review as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.inner)
    }
    /// The review as JSON text, byte-identical to Rust's and JavaScript's.
    fn to_json(&self) -> PyResult<String> {
        crate::json_text(&self.inner)
    }
    /// The items as a pandas `DataFrame` (the period as `period_*` columns); `numbers`
    /// is `"decimal"` (exact, the default), `"float"` or `"arrow"`.
    #[pyo3(signature = (numbers = None))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        numbers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = crate::frames::review_rows(&self.inner);
        crate::frames::frame(py, "pandas", crate::convert::to_python(py, &rows)?, numbers)
    }
    /// The items as a Polars `DataFrame` (`numbers` as for `to_pandas`).
    #[pyo3(signature = (numbers = None))]
    fn to_polars<'py>(
        &self,
        py: Python<'py>,
        numbers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = crate::frames::review_rows(&self.inner);
        crate::frames::frame(py, "polars", crate::convert::to_python(py, &rows)?, numbers)
    }
    /// The items as a `pyarrow.Table` (decimal128, date32).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        crate::frames::python_frames(slf.py(), "to_arrow", slf.as_any(), None)
    }
    fn __len__(&self) -> usize {
        self.inner.items.len()
    }
    /// The notebook view (`kpi_core.display`).
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        crate::display_html(slf.as_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "Review(as_of={}, items={})",
            self.inner.as_of,
            self.inner.items.len()
        )
    }
}

use crate::args::{decimal, decimals};

/// `baseline × (1 + growth)`.
#[pyfunction]
fn targets_grow(
    baseline: &Bound<'_, PyAny>,
    growth: &Bound<'_, PyAny>,
) -> PyResult<rust_decimal::Decimal> {
    core::goal::targets::grow(decimal(baseline, "baseline")?, decimal(growth, "growth")?)
        .map_err(to_py_err)
}

/// `share × market_size`.
#[pyfunction]
fn targets_from_market_share(
    share: &Bound<'_, PyAny>,
    market_size: &Bound<'_, PyAny>,
) -> PyResult<rust_decimal::Decimal> {
    core::goal::targets::from_market_share(
        decimal(share, "share")?,
        decimal(market_size, "market_size")?,
    )
    .map_err(to_py_err)
}

/// Splits `total` by `weights` to `places` decimals, summing exactly to `total`.
#[pyfunction]
#[pyo3(signature = (total, weights, places = None))]
fn targets_allocate(
    total: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    places: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<rust_decimal::Decimal>> {
    let places = places.map_or(Ok(2), |p| crate::args::count(p, "places"))?;
    core::goal::targets::allocate(
        decimal(total, "total")?,
        &decimals(weights, "weights")?,
        places,
    )
    .map_err(to_py_err)
}

/// The capacity check of a team target against its members' targets (a dict).
#[pyfunction]
fn targets_capacity<'py>(
    py: Python<'py>,
    target: &Bound<'py, PyAny>,
    member_targets: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let check = core::goal::targets::capacity(
        decimal(target, "target")?,
        &decimals(member_targets, "member_targets")?,
    )
    .map_err(to_py_err)?;
    serde_to_python(py, &check)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("FINDING_CODES", core::FINDING_CODES.to_vec())?;
    m.add_class::<Finding>()?;
    m.add_class::<Review>()?;
    m.add_function(wrap_pyfunction!(targets_grow, m)?)?;
    m.add_function(wrap_pyfunction!(targets_from_market_share, m)?)?;
    m.add_function(wrap_pyfunction!(targets_allocate, m)?)?;
    m.add_function(wrap_pyfunction!(targets_capacity, m)?)?;
    Ok(())
}

/// A serde document from a Python dict (decimals as `Decimal`, `int` or `str`), read
/// as `what`; an error names the field's path under `name`.
fn document<T: serde::de::DeserializeOwned>(
    value: &Bound<'_, PyAny>,
    name: &str,
    what: &str,
) -> PyResult<T> {
    let json = crate::convert::to_json_at(value, Reading::exact(), name)?;
    core::bindings::read_document(
        json,
        name,
        core::ErrorKind::PlanInvalid,
        &format!("not {what}"),
    )
    .map_err(to_py_err)
}

fn rounding(value: Option<&Bound<'_, PyAny>>) -> PyResult<core::Rounding> {
    value.map_or_else(
        || Ok(core::Rounding::default()),
        |r| document(r, "rounding", "a rounding policy"),
    )
}

/// Prices one incentive component (a dict, as in a plan) from `inputs` (`actual`,
/// `target`, `attainment`, `by_attainment`, `target_incentive`, `gates`): the what-if of
/// a statement line. Returns `{"amount", "lines"}`.
#[pyfunction]
#[pyo3(signature = (component, inputs, rounding = None))]
fn evaluate_component<'py>(
    py: Python<'py>,
    component: &Bound<'py, PyAny>,
    inputs: &Bound<'py, PyAny>,
    rounding: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let component: core::Component = document(component, "component", "an incentive component")?;
    let inputs: core::ComponentInputs = document(inputs, "inputs", "component inputs")?;
    let result = core::evaluate_component(&component, &inputs, self::rounding(rounding)?)
        .map_err(to_py_err)?;
    serde_to_python(py, &result)
}

/// The component's payout at `steps + 1` attainments from `start` to `stop`, for
/// plotting: a list of `(attainment, payout)`.
#[pyfunction]
#[pyo3(signature = (component, inputs, start, stop, steps, rounding = None))]
fn sample_curve(
    component: &Bound<'_, PyAny>,
    inputs: &Bound<'_, PyAny>,
    start: &Bound<'_, PyAny>,
    stop: &Bound<'_, PyAny>,
    steps: &Bound<'_, PyAny>,
    rounding: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<(rust_decimal::Decimal, rust_decimal::Decimal)>> {
    let steps = crate::args::count(steps, "steps")?;
    let component: core::Component = document(component, "component", "an incentive component")?;
    let inputs: core::ComponentInputs = document(inputs, "inputs", "component inputs")?;
    core::incentive::sample_curve(
        &component,
        &inputs,
        self::rounding(rounding)?,
        (decimal(start, "start")?, decimal(stop, "stop")?, steps),
    )
    .map_err(to_py_err)
}

/// Plan cost modelling: the component's total payout over members at `attainments`.
#[pyfunction]
#[pyo3(signature = (component, inputs, attainments, rounding = None))]
fn model_cost(
    component: &Bound<'_, PyAny>,
    inputs: &Bound<'_, PyAny>,
    attainments: &Bound<'_, PyAny>,
    rounding: Option<&Bound<'_, PyAny>>,
) -> PyResult<rust_decimal::Decimal> {
    let component: core::Component = document(component, "component", "an incentive component")?;
    let inputs: core::ComponentInputs = document(inputs, "inputs", "component inputs")?;
    core::incentive::model_cost(
        &component,
        &inputs,
        self::rounding(rounding)?,
        &decimals(attainments, "attainments")?,
    )
    .map_err(to_py_err)
}

pub(crate) fn register_incentives(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(evaluate_component, m)?)?;
    m.add_function(wrap_pyfunction!(sample_curve, m)?)?;
    m.add_function(wrap_pyfunction!(model_cost, m)?)?;
    Ok(())
}
