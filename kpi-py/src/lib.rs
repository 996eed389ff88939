//! Python bindings of kpi-core: conversion and delegation only. The Python package is
//! `kpi_core` (`python/kpi_core`), which re-exports these classes and defines the exceptions.

mod args;
mod arrow;
mod arrow_out;
mod convert;
mod formula;
mod frames;
mod goals;
mod ingest;
mod period;
mod series;

use std::sync::{Arc, PoisonError, RwLock};

use kpi_core as core;
use period::{Calendar, Period, calendar_arg, period_arg};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use convert::{
    Reading, invalid_argument, py_date, py_date_opt, serde_to_python, to_json_at, to_py_err,
    type_name,
};

/// A core document as JSON text.
pub(crate) fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| {
        to_py_err(core::Error::new(
            core::ErrorKind::DataUnsupportedValue,
            format!("the result does not convert to JSON: {e}"),
        ))
    })
}

/// A `FactTable` argument.
pub(crate) fn facts_arg<'py>(
    value: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<Bound<'py, FactTable>> {
    value.cast::<FactTable>().cloned().map_err(|_| {
        invalid_argument(
            name,
            format!(
                "`{name}` is a kpi_core.FactTable (FactTable.from_records, from_arrow …), not {}",
                type_name(value)
            ),
        )
    })
}

/// A `Measures` argument.
fn measures_arg<'py>(value: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, Measures>> {
    value.cast::<Measures>().cloned().map_err(|_| {
        invalid_argument(
            name,
            format!("`{name}` is kpi_core.Measures, not {}", type_name(value)),
        )
    })
}

/// A sales plan: calendar, org, metrics, goals and incentives.
#[pyclass(frozen, module = "kpi_core")]
struct Plan {
    inner: core::Plan,
    /// The checked plan that evaluations run, compiled on first use (a plan is
    /// immutable here: `adjust_goal` returns a new one).
    compiled: std::sync::OnceLock<core::CompiledPlan>,
}

impl Plan {
    fn new(inner: core::Plan) -> Plan {
        Plan {
            inner,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The compiled plan; a draft that does not pass the checks gives its error on each
    /// use, as evaluating it did before.
    fn compiled(&self) -> core::Result<&core::CompiledPlan> {
        if let Some(compiled) = self.compiled.get() {
            return Ok(compiled);
        }
        let compiled = self.inner.clone().compile()?;
        Ok(self.compiled.get_or_init(|| compiled))
    }
}

#[pymethods]
impl Plan {
    /// Parses and checks a TOML plan.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        core::Plan::from_toml(&args::text(text, "text")?)
            .map(Plan::new)
            .map_err(to_py_err)
    }

    /// Parses and checks a JSON plan.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        core::Plan::from_json(&args::text(text, "text")?)
            .map(Plan::new)
            .map_err(to_py_err)
    }

    /// Parses a TOML plan without checking it: a draft for `validate`.
    #[staticmethod]
    fn draft_from_toml(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        core::Plan::draft_from_toml(&args::text(text, "text")?)
            .map(Plan::new)
            .map_err(to_py_err)
    }

    /// Parses a JSON plan without checking it: a draft for `validate`.
    #[staticmethod]
    fn draft_from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        core::Plan::draft_from_json(&args::text(text, "text")?)
            .map(Plan::new)
            .map_err(to_py_err)
    }

    /// Checks every goal against the SMART criteria; `history` (past facts) enables the
    /// data checks; `as_of` (a date) defaults to the plan's date.
    #[pyo3(signature = (history = None, as_of = None))]
    fn validate(
        &self,
        py: Python<'_>,
        history: Option<&Bound<'_, PyAny>>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<goals::Finding>> {
        let as_of = args::opt_date(as_of, "as_of")?;
        let findings = match history.filter(|h| !h.is_none()) {
            Some(history) => facts_arg(history, "history")?
                .get()
                .read(py, |facts| self.inner.validate(Some(facts), as_of))?,
            None => py.detach(|| self.inner.validate(None, as_of)),
        };
        Ok(findings
            .into_iter()
            .map(|inner| goals::Finding { inner })
            .collect())
    }

    /// The SMART findings as text in `locale` (`"en"`, the default, or `"zh-CN"`), as
    /// `validate(history, as_of)` finds them: a title with their count and a line each.
    #[pyo3(signature = (history = None, as_of = None, locale = None))]
    fn findings_text(
        &self,
        py: Python<'_>,
        history: Option<&Bound<'_, PyAny>>,
        as_of: Option<&Bound<'_, PyAny>>,
        locale: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let locale = args::locale(locale)?;
        let findings = self.validate(py, history, as_of)?;
        let findings: Vec<core::Finding> = findings.into_iter().map(|f| f.inner).collect();
        Ok(core::smart::findings_text(
            &findings,
            &self.inner.labels(),
            locale,
        ))
    }

    /// The plan's design findings (docs/design.md): each incentive component's pay
    /// explored for cliffs, decelerators, sandbagging, splits, negative and unbounded pay
    /// and pools that reward a leaver. A list of dicts: `code`, `severity`, `incentive`,
    /// `path`, `message`, `message_zh`, `intended` (when declared) and `counterexample`
    /// (`cases`, each `role`, `inputs` and `paid`; `difference`; `moved`), amounts as
    /// decimal strings. The `inputs` go as they are into `kpi_core.evaluate_component`.
    fn design_check<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let findings = py.detach(|| self.inner.design_check()).map_err(to_py_err)?;
        let text = serde_json::to_string(&findings)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        plain_json(py, &text)
    }

    /// Simulates the plan's payout cost over `trials` payout periods (1 to 100,000): each
    /// of `members` (the org's members when `None`) draws an attainment from
    /// `attainment` (`{"normal": {"mean": "1.0", "sd": "0.2"}}`, `{"lognormal": {"mu":
    /// "0", "sigma": "0.25"}}` or `{"empirical": ["0.8", "1.1", …]}`), and the engine
    /// prices every component there. Deterministic for a `seed`. A dict: `per_member`,
    /// `total` and each incentive's `expected`, `p50`, `p90`, `p99`, `max`; `revenue`,
    /// `cost_share`, and the components `not_priced`, amounts as decimal text.
    #[pyo3(signature = (attainment, trials = None, seed = None, members = None))]
    fn simulate_cost<'py>(
        &self,
        py: Python<'py>,
        attainment: &Bound<'py, PyAny>,
        trials: Option<&Bound<'py, PyAny>>,
        seed: Option<&Bound<'py, PyAny>>,
        members: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let attainment = convert::to_json_at(attainment, convert::Reading::exact(), "attainment")?;
        let attainment =
            core::design::Attainment::from_json_value(&attainment).map_err(to_py_err)?;
        let trials = match trials.filter(|t| !t.is_none()) {
            Some(trials) => args::count(trials, "trials")?,
            None => 1000,
        };
        let seed = match seed.filter(|s| !s.is_none()) {
            // Any seed of 64 bits, as in Rust (`int` only: not a bool, not a float).
            Some(seed)
                if seed.is_instance_of::<pyo3::types::PyInt>()
                    && !seed.is_instance_of::<pyo3::types::PyBool>() =>
            {
                seed.extract::<u64>().map_err(|_| {
                    convert::invalid_argument(
                        "seed",
                        format!("`seed` is from 0 to 2**64 - 1, not {seed}"),
                    )
                })?
            }
            Some(seed) => {
                return Err(convert::invalid_argument(
                    "seed",
                    format!(
                        "`seed` is a whole number (int), not {}",
                        seed.get_type().name()?
                    ),
                ));
            }
            None => 0,
        };
        let members = match members.filter(|m| !m.is_none()) {
            Some(members) => Some(args::count(members, "members")? as usize),
            None => None,
        };
        let simulation = py
            .detach(|| self.inner.simulate_cost(&attainment, trials, seed, members))
            .map_err(to_py_err)?;
        let text = serde_json::to_string(&simulation)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        plain_json(py, &text)
    }

    /// The design findings as text in `locale` (`"en"`, the default, or `"zh-CN"`): a
    /// title with their count and a line each.
    #[pyo3(signature = (locale = None))]
    fn design_text(&self, py: Python<'_>, locale: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let locale = args::locale(locale)?;
        let findings = py.detach(|| self.inner.design_check()).map_err(to_py_err)?;
        Ok(core::design::design_text(&findings, locale))
    }

    /// A copy of the plan with goal `goal` adjusted from `from_` on, for `reason`: a new
    /// `target` for everyone and/or new `targets` by scope id. History is kept.
    #[pyo3(signature = (goal, from_, reason, *, target = None, targets = None))]
    fn adjust_goal(
        &self,
        goal: &Bound<'_, PyAny>,
        from_: &Bound<'_, PyAny>,
        reason: &Bound<'_, PyAny>,
        target: Option<&Bound<'_, PyAny>>,
        targets: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Plan> {
        let goal = args::text(goal, "goal")?;
        let mut by_scope = std::collections::BTreeMap::new();
        if let Some(targets) = targets.filter(|t| !t.is_none()) {
            let targets = targets.cast::<PyDict>().map_err(|_| {
                invalid_argument(
                    "targets",
                    format!(
                        "`targets` is a dict of scope id to target, not {}",
                        type_name(targets)
                    ),
                )
            })?;
            for item in targets.items().iter() {
                let (id, value) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
                let id = args::text(&id, "targets")?;
                let amount = args::decimal(&value, &format!("targets.{id}"))?;
                by_scope.insert(id, amount);
            }
        }
        let version = core::GoalVersion {
            from: args::date(from_, "from_")?,
            target: target
                .filter(|t| !t.is_none())
                .map(|t| args::decimal(t, "target"))
                .transpose()?,
            targets: by_scope,
            reason: args::text(reason, "reason")?,
        };
        let mut inner = self.inner.clone();
        inner.adjust_goal(&goal, version).map_err(to_py_err)?;
        Ok(Plan::new(inner))
    }

    /// Checks a plan given as a dict (the JSON document's shape).
    #[staticmethod]
    #[pyo3(signature = (document, *, allow_float = None))]
    fn from_dict(
        document: &Bound<'_, PyAny>,
        allow_float: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let allow_float = args::flag(allow_float, "allow_float", false)?;
        let value = to_json_at(document, Reading::document(allow_float), "")?;
        core::Plan::from_json_value(value)
            .map(Plan::new)
            .map_err(to_py_err)
    }

    /// The plan as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The plan document as a dict (decimals as `Decimal`): what `from_dict` reads, and
    /// what `plot.payout_curve` takes a component from
    /// (`plan.to_dict()["incentives"][0]["components"][0]`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.inner)
    }

    /// The notebook view: the plan's metrics, goals and incentives as tables.
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        display_html(slf.as_any())
    }

    /// The plan as TOML text.
    fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// The plan's name, if it has one.
    #[getter]
    fn name(&self) -> Option<String> {
        self.inner.name.clone()
    }

    /// The plan document version.
    #[getter]
    fn version(&self) -> u32 {
        self.inner.version
    }

    /// The plan's calendar.
    #[getter]
    fn calendar(&self) -> Calendar {
        Calendar {
            inner: self.inner.calendar.clone(),
        }
    }

    /// Parses a period label in the plan's calendar (`2026-03`, `2026-Q1`, `FY2027-Q2`).
    fn parse_period(&self, label: &Bound<'_, PyAny>) -> PyResult<Period> {
        let inner = self
            .inner
            .parse_period(&args::text(label, "label")?)
            .map_err(to_py_err)?;
        Ok(Period { inner })
    }

    /// Measures the facts of `period` (a label or a `Period`) into mergeable partial
    /// aggregates.
    fn measure(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
    ) -> PyResult<Measures> {
        let facts = facts_arg(facts, "facts")?;
        let period = self.period(period)?;
        let measures = facts
            .get()
            .read(py, |facts| {
                self.compiled()
                    .and_then(|plan| plan.measure(facts, &period))
            })?
            .map_err(to_py_err)?;
        Ok(Measures::new(measures, Some(self.inner.calendar.clone())))
    }

    /// Evaluates measures (for example merged from partitions) into a report.
    fn evaluate_measures(&self, py: Python<'_>, measures: &Bound<'_, PyAny>) -> PyResult<Report> {
        let measures = measures_arg(measures, "measures")?;
        let report = measures
            .get()
            .read(py, |measures| {
                self.compiled()
                    .and_then(|plan| plan.evaluate_measures(measures))
            })
            .map_err(to_py_err)?;
        Ok(Report::new(report, self.inner.calendar.clone()))
    }

    /// Measures and evaluates the facts for `period` (a label or a `Period`). `balances`
    /// carries recoverable draw balances from the previous payout period (the previous
    /// report's `balances()`: member id → incentive id → amount). `settlements` (what
    /// `close` returned for earlier periods) trues them up: each settled period is priced
    /// again with these facts, and the difference from what was paid is an adjustment on
    /// the member's statement (`statement.adjustments`, in its total); the draw balances
    /// then come from the settled periods, priced again in order. `disputes` (dicts the caller keeps) are listed on
    /// the member's statement while open (`statement.disputes`) and paid once resolved.
    #[pyo3(signature = (facts, period, balances = None, settlements = None, disputes = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        balances: Option<&Bound<'_, PyAny>>,
        settlements: Option<&Bound<'_, PyAny>>,
        disputes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Report> {
        let facts = facts_arg(facts, "facts")?;
        let period = self.period(period)?;
        let balances = balances.filter(|b| !b.is_none());
        let disputes = disputes_arg(disputes)?;
        let settlements = settlements.filter(|s| !s.is_none());
        if balances.is_some() && (settlements.is_some() || !disputes.is_empty()) {
            return Err(invalid_argument(
                "balances",
                "give `balances`, or `settlements` and `disputes`: the settlements carry the balances",
            ));
        }
        // Disputes alone are a pay cycle with nothing settled yet.
        let settlements = match settlements {
            Some(s) => Some(settlements_arg(s)?),
            None if !disputes.is_empty() => Some(Vec::new()),
            None => None,
        };
        let balances: core::Balances = match balances {
            Some(b) => located_document(b, "balances", "{member: {incentive: amount}}")?,
            None => core::Balances::new(),
        };
        let report = facts
            .get()
            .read(py, |facts| {
                self.compiled().and_then(|plan| match &settlements {
                    Some(settled) => plan.evaluate_settled(facts, &period, settled, &disputes),
                    None => plan.evaluate_with(facts, &period, &balances),
                })
            })?
            .map_err(to_py_err)?;
        Ok(Report::new(report, self.inner.calendar.clone()))
    }

    /// The reports of every period of `span` (a label or a `Period`: `"FY2026..FY2027"`)
    /// at each of `grains` (`"quarter"`, or `["month", "quarter"]`), measuring the facts
    /// about once per grain rather than once per period: a `Series` whose reports are
    /// each the one `evaluate` gives for its period, to the cent, and whose
    /// `to_pandas()` / `to_polars()` / `to_arrow()` is one long table with a `period`
    /// column, for trend charts. An error is the one evaluating the periods in order
    /// meets first. Draw balances are not carried from period to period.
    fn evaluate_series(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        span: &Bound<'_, PyAny>,
        grains: &Bound<'_, PyAny>,
    ) -> PyResult<series::Series> {
        let facts = facts_arg(facts, "facts")?;
        let span = period_arg(span, "span", &self.inner.calendar)?;
        let grains = series::grains_arg(grains)?;
        let result = facts
            .get()
            .read(py, |facts| {
                self.compiled()
                    .and_then(|plan| plan.evaluate_series(facts, &span, &grains))
            })?
            .map_err(to_py_err)?;
        series::Series::new(py, result, &self.inner.calendar)
    }

    /// Closes `period`: its statements as paid (the earlier `settlements` trued up), the
    /// plan's hash, the content hash of every fact dated in it, who approved it and when
    /// (`approved_at`: RFC 3339 text, or a `datetime` with a time zone). Returns the
    /// settlement as a plain dict (text and numbers only) to store as JSON.
    #[pyo3(signature = (facts, period, approved_by, approved_at, settlements = None, disputes = None))]
    #[allow(clippy::too_many_arguments)]
    fn close<'py>(
        &self,
        py: Python<'py>,
        facts: &Bound<'py, PyAny>,
        period: &Bound<'py, PyAny>,
        approved_by: &Bound<'py, PyAny>,
        approved_at: &Bound<'py, PyAny>,
        settlements: Option<&Bound<'py, PyAny>>,
        disputes: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let facts = facts_arg(facts, "facts")?;
        let period = self.period(period)?;
        let approval = approval_arg(approved_by, approved_at)?;
        let disputes = disputes_arg(disputes)?;
        let settlements = match settlements.filter(|s| !s.is_none()) {
            Some(s) => settlements_arg(s)?,
            None => Vec::new(),
        };
        let settlement = facts
            .get()
            .read(py, |facts| {
                self.compiled()
                    .and_then(|plan| plan.close(facts, &period, &settlements, &disputes, approval))
            })?
            .map_err(to_py_err)?;
        plain_json(py, &settlement.to_json())
    }

    /// Whether a stored settlement still follows from this plan and `facts`: the plan's
    /// hash, every fact's content, every line priced again. A dict: `matches`,
    /// `plan_matches`, the `added`, `removed` and `changed` fact ids, and the lines that
    /// price differently (`differences`).
    fn verify_settlement<'py>(
        &self,
        py: Python<'py>,
        settlement: &Bound<'py, PyAny>,
        facts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let json = to_json_at(settlement, Reading::exact(), "settlement")?;
        let settlement = core::settle::Settlement::from_json_value(json).map_err(to_py_err)?;
        let facts = facts_arg(facts, "facts")?;
        let verification = facts
            .get()
            .read(py, |facts| {
                self.compiled()
                    .and_then(|plan| plan.verify_settlement(&settlement, facts))
            })?
            .map_err(to_py_err)?;
        serde_to_python(py, &verification)
    }

    /// Measures `period` as it stood on `as_of` (later facts left out).
    fn measure_as_of(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<Measures> {
        let facts = facts_arg(facts, "facts")?;
        let period = self.period(period)?;
        let as_of = args::date(as_of, "as_of")?;
        let measures = facts
            .get()
            .read(py, |facts| {
                self.compiled()
                    .and_then(|plan| plan.measure_as_of(facts, &period, as_of))
            })?
            .map_err(to_py_err)?;
        Ok(Measures::new(measures, Some(self.inner.calendar.clone())))
    }

    /// Evaluates `period` as it stood on `as_of`, with pacing while it runs.
    fn evaluate_as_of(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<Report> {
        let facts = facts_arg(facts, "facts")?;
        let period = self.period(period)?;
        let as_of = args::date(as_of, "as_of")?;
        let report = facts
            .get()
            .read(py, |facts| {
                self.compiled()
                    .and_then(|plan| plan.evaluate_as_of(facts, &period, as_of))
            })?
            .map_err(to_py_err)?;
        Ok(Report::new(report, self.inner.calendar.clone()))
    }

    /// What if: the report of `period` when members' aggregate metrics have the given
    /// values (`{member: {metric: value}}`), without facts.
    fn what_if(
        &self,
        py: Python<'_>,
        period: &Bound<'_, PyAny>,
        values: &Bound<'_, PyAny>,
    ) -> PyResult<Report> {
        let period = self.period(period)?;
        let values: std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, rust_decimal::Decimal>,
        > = located_document(values, "values", "{member: {metric: value}}")?;
        let report = py
            .detach(|| {
                self.compiled()
                    .and_then(|plan| plan.what_if(&period, &values))
            })
            .map_err(to_py_err)?;
        Ok(Report::new(report, self.inner.calendar.clone()))
    }

    /// The review on `as_of`: the goals at risk or off track in the periods then running.
    fn review(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<goals::Review> {
        let facts = facts_arg(facts, "facts")?;
        let as_of = args::date(as_of, "as_of")?;
        let review = facts
            .get()
            .read(py, |facts| {
                self.compiled().and_then(|plan| plan.review(facts, as_of))
            })?
            .map_err(to_py_err)?;
        Ok(goals::Review { inner: review })
    }

    fn __repr__(&self) -> String {
        format!(
            "Plan(name={:?}, metrics={}, goals={}, incentives={})",
            self.inner.name.as_deref().unwrap_or(""),
            self.inner.metrics.len(),
            self.inner.goals.len(),
            self.inner.incentives.len()
        )
    }
}

/// A column mapping given as TOML text or a dict.
fn column_mapping(mapping: &Bound<'_, PyAny>) -> PyResult<core::ingest::ColumnMapping> {
    let result = if mapping.is_instance_of::<pyo3::types::PyString>() {
        core::ingest::ColumnMapping::from_toml(&args::text(mapping, "mapping")?)
    } else {
        core::ingest::ColumnMapping::from_json_value(to_json_at(
            mapping,
            Reading::exact(),
            "mapping",
        )?)
    };
    result.map_err(to_py_err)
}

/// A list of stored settlements (dicts, as `close` returns them, or their JSON text).
fn settlements_arg(value: &Bound<'_, PyAny>) -> PyResult<Vec<core::Settlement>> {
    let json = to_json_at(value, Reading::exact(), "settlements")?;
    core::settle::settlements_from_json(json).map_err(to_py_err)
}

/// The members' disputes (dicts), if any.
fn disputes_arg(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<core::Dispute>> {
    match value.filter(|v| !v.is_none()) {
        Some(value) => {
            let json = to_json_at(value, Reading::exact(), "disputes")?;
            core::settle::disputes_from_json(json).map_err(to_py_err)
        }
        None => Ok(Vec::new()),
    }
}

/// Who approved a close and when: `approved_at` is RFC 3339 text or a `datetime` with a
/// time zone.
fn approval_arg(by: &Bound<'_, PyAny>, at: &Bound<'_, PyAny>) -> PyResult<core::Approval> {
    let text = |value: &Bound<'_, PyAny>, name: &str| -> PyResult<String> {
        value.extract::<String>().map_err(|_| {
            invalid_argument(name, format!("`{name}` is text, not {}", type_name(value)))
        })
    };
    let by = text(by, "approved_by")?;
    let at = if at.is_instance_of::<pyo3::types::PyString>() || !at.hasattr("isoformat")? {
        text(at, "approved_at")?
    } else {
        if at.getattr("tzinfo").map_or(true, |zone| zone.is_none()) {
            return Err(invalid_argument(
                "approved_at",
                "the approval time is a datetime without a time zone: give it one (datetime.now(timezone.utc))",
            ));
        }
        at.call_method0("isoformat")?.extract::<String>()?
    };
    Ok(core::Approval { by, at })
}

/// JSON text as plain Python values (`json.loads`): what a settlement is in Python.
fn plain_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// A document argument read into `T` (decimals as `Decimal`, `int` or `str`); an error
/// is `data.invalid_argument` at the field's path under `name`, saying it is `shape`.
fn located_document<T: serde::de::DeserializeOwned>(
    value: &Bound<'_, PyAny>,
    name: &str,
    shape: &str,
) -> PyResult<T> {
    let json = to_json_at(value, Reading::exact(), name)?;
    core::bindings::read_document_at(json).map_err(|(path, message)| {
        let path = match path.as_str() {
            "." => name.to_owned(),
            // `findings[0].code`, not `findings.[0].code`.
            inner if inner.starts_with('[') => format!("{name}{inner}"),
            inner => format!("{name}.{inner}"),
        };
        invalid_argument(&path, format!("`{name}` is {shape}: {message}"))
    })
}

impl Plan {
    /// A period argument: a `Period`, or a label read in the plan's calendar.
    fn period(&self, period: &Bound<'_, PyAny>) -> PyResult<core::Period> {
        period_arg(period, "period", &self.inner.calendar)
    }
}

/// Facts (orders, payments, deals …), stored by column.
///
/// Safe to share between threads: evaluations read the table at the same time, and an
/// append waits for them (and they for it), all without holding the GIL.
#[pyclass(frozen, module = "kpi_core")]
pub(crate) struct FactTable {
    /// The facts; `None` while a `CrmReader` holds them.
    inner: RwLock<Option<core::FactTable>>,
}

/// The error for a table an ingest reader holds.
fn lent() -> PyErr {
    invalid_argument(
        "",
        "the table is being filled by an ingest reader: call the reader's finish() first",
    )
}

impl FactTable {
    fn of(inner: core::FactTable) -> FactTable {
        FactTable {
            inner: RwLock::new(Some(inner)),
        }
    }

    /// Runs `f` on the facts without the GIL, while no append runs (waiting for one
    /// without the GIL too).
    pub(crate) fn read<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&core::FactTable) -> R + Send,
    ) -> PyResult<R> {
        py.detach(|| {
            let facts = self.inner.read().unwrap_or_else(PoisonError::into_inner);
            facts.as_ref().map(f)
        })
        .ok_or_else(lent)
    }

    /// Runs `f` on the facts without the GIL, alone.
    fn write<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut core::FactTable) -> R + Send,
    ) -> PyResult<R> {
        py.detach(|| {
            let mut facts = self.inner.write().unwrap_or_else(PoisonError::into_inner);
            facts.as_mut().map(f)
        })
        .ok_or_else(lent)
    }

    /// Takes the facts out for an ingest reader.
    pub(crate) fn lend(&self, py: Python<'_>) -> PyResult<core::FactTable> {
        py.detach(|| {
            self.inner
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
        })
        .ok_or_else(lent)
    }

    /// Puts the facts back.
    pub(crate) fn give_back(&self, py: Python<'_>, facts: core::FactTable) {
        // Nobody holds a lent table's lock for long: take it at once when free.
        match self.inner.try_write() {
            Ok(mut slot) => *slot = Some(facts),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                *poisoned.into_inner() = Some(facts);
            }
            Err(std::sync::TryLockError::WouldBlock) => py.detach(|| {
                *self.inner.write().unwrap_or_else(PoisonError::into_inner) = Some(facts);
            }),
        }
    }
}

#[pymethods]
impl FactTable {
    /// Builds a table from a list of dicts with `id`, `kind`, `date` and optionally
    /// `owner`, `customer`, `amount`, `status` and `attributes`. With a `calendar`, a date
    /// may also be a timestamp (an aware `datetime`, Unix milliseconds or an RFC 3339
    /// string), which becomes a local date in the calendar's time zone; a naive
    /// `datetime` is a local date-time, whose date is the fact's.
    #[staticmethod]
    #[pyo3(signature = (records, *, allow_float = None, calendar = None))]
    fn from_records(
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        allow_float: Option<&Bound<'_, PyAny>>,
        calendar: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let table = FactTable::of(core::FactTable::new());
        table.append(py, records, allow_float, calendar)?;
        Ok(table)
    }

    /// An empty table (append to it, for example with `append_csv`).
    #[new]
    fn new() -> Self {
        FactTable::of(core::FactTable::new())
    }

    /// Appends a CSV export read through `mapping` (TOML text or a dict): returns the
    /// ingest report (`read`, `accepted`, `rejected` with each record's number, line,
    /// field and reason). With `strict=True` the first rejection raises `DataError`
    /// (`data.rejected_record`) and nothing is appended.
    #[pyo3(signature = (text, mapping, *, strict = None))]
    fn append_csv<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        mapping: &Bound<'py, PyAny>,
        strict: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = args::text(text, "text")?;
        let strict = args::flag(strict, "strict", false)?;
        let mapping = column_mapping(mapping)?;
        let report = self
            .write(py, |facts| facts.append_csv(&text, &mapping, strict))?
            .map_err(to_py_err)?;
        ingest::ingest_report(py, &report)
    }

    /// Appends JSON Lines records read through `mapping` (keys instead of columns), as
    /// `append_csv` does.
    #[pyo3(signature = (text, mapping, *, strict = None))]
    fn append_json_lines_mapped<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        mapping: &Bound<'py, PyAny>,
        strict: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = args::text(text, "text")?;
        let strict = args::flag(strict, "strict", false)?;
        let mapping = column_mapping(mapping)?;
        let report = self
            .write(py, |facts| {
                facts.append_json_lines_mapped(&text, &mapping, strict)
            })?
            .map_err(to_py_err)?;
        ingest::ingest_report(py, &report)
    }

    /// Appends records (as `from_records` reads them). All or nothing: on an error the
    /// table is unchanged, and the error names the record's index in `records`.
    #[pyo3(signature = (records, *, allow_float = None, calendar = None))]
    fn append(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        allow_float: Option<&Bound<'_, PyAny>>,
        calendar: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let allow_float = args::flag(allow_float, "allow_float", false)?;
        let calendar = calendar_arg(calendar, "calendar")?;
        refuse_table_as_records(records)?;
        let value = to_json_at(records, Reading::records(allow_float), "")?;
        self.write(py, |facts| {
            facts.append_json_value(value, calendar.as_ref())
        })?
        .map_err(to_py_err)
    }

    /// Builds a table from a JSON array of records.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = args::text(text, "text")?;
        py.detach(|| core::FactTable::from_json(&text))
            .map(FactTable::of)
            .map_err(to_py_err)
    }

    /// Builds a table from Arrow data: a `PyArrow` `Table`, `RecordBatch` or
    /// `RecordBatchReader`, a Polars or pandas `DataFrame`: anything with
    /// `__arrow_c_stream__` (else `PyArrow` converts it). Read column by column in Rust,
    /// with no Python object per row.
    ///
    /// Columns: `id`, `kind` (or `kind="order"` for all rows), `date`, and optionally
    /// `owner`, `customer`, `status`, `amount`; every other column becomes an attribute.
    /// `columns` renames: `{"id": "order_id", "date": "closed_at"}`. Amounts are
    /// decimals, integers with `amount_scale` (2 for cents) or decimal text; floats are
    /// refused unless `allow_float=True`. Dates are dates, timestamps (an aware one is an
    /// instant: its local date in `calendar`'s time zone, else the column's own; a naive
    /// one is a local date-time: its own date) or `YYYY-MM-DD` text. docs/python.md has
    /// every rule.
    #[staticmethod]
    #[pyo3(signature = (data, *, columns = None, kind = None, amount_scale = None, calendar = None, allow_float = None))]
    fn from_arrow(
        data: &Bound<'_, PyAny>,
        columns: Option<&Bound<'_, PyAny>>,
        kind: Option<&Bound<'_, PyAny>>,
        amount_scale: Option<&Bound<'_, PyAny>>,
        calendar: Option<&Bound<'_, PyAny>>,
        allow_float: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let options = arrow::options(columns, kind, amount_scale, calendar, allow_float)?;
        arrow::facts_from_arrow(data, options).map(FactTable::of)
    }

    /// Builds a table from JSON Lines, one record per line.
    #[staticmethod]
    fn from_json_lines(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = args::text(text, "text")?;
        py.detach(|| core::FactTable::from_json_lines(&text))
            .map(FactTable::of)
            .map_err(to_py_err)
    }

    /// The records as dicts (amounts as `decimal.Decimal`, dates as `datetime.date`).
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        // Copied out first: building Python objects runs Python code, which must not find
        // the table locked.
        let records: Vec<core::FactRecord> = self.read(py, |facts| facts.records().collect())?;
        let list = PyList::empty(py);
        for record in records {
            let dict = PyDict::new(py);
            dict.set_item("id", &record.id)?;
            dict.set_item("kind", &record.kind)?;
            dict.set_item("owner", &record.owner)?;
            let owners = PyList::empty(py);
            for credit in &record.owners {
                let c = PyDict::new(py);
                c.set_item("id", &credit.id)?;
                c.set_item("share", credit.share)?;
                owners.append(c)?;
            }
            dict.set_item("owners", owners)?;
            dict.set_item("customer", &record.customer)?;
            dict.set_item("amount", record.amount)?;
            dict.set_item("status", &record.status)?;
            dict.set_item("date", py_date(py, record.date)?)?;
            let attributes = PyDict::new(py);
            for (name, value) in &record.attributes {
                match value {
                    core::Attribute::Bool(b) => attributes.set_item(name, b)?,
                    core::Attribute::Text(t) => attributes.set_item(name, t)?,
                    core::Attribute::Number(n) => attributes.set_item(name, n)?,
                }
            }
            dict.set_item("attributes", attributes)?;
            list.append(dict)?;
        }
        Ok(list)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        self.read(py, core::FactTable::len)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match self.read(py, core::FactTable::len) {
            Ok(len) => format!("FactTable(len={len})"),
            Err(_) => "FactTable(being filled by an ingest reader)".to_owned(),
        }
    }
}

/// Partial aggregates per metric and member for one period; merge partitions with `merge`.
#[pyclass(frozen, module = "kpi_core")]
struct Measures {
    inner: RwLock<core::Measures>,
    /// The calendar of the plan that measured them, to read the period's label.
    calendar: Option<core::Calendar>,
}

impl Measures {
    fn new(inner: core::Measures, calendar: Option<core::Calendar>) -> Measures {
        Measures {
            inner: RwLock::new(inner),
            calendar,
        }
    }

    /// Runs `f` on the measures without the GIL, while no merge runs.
    fn read<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&core::Measures) -> R + Send) -> R {
        py.detach(|| f(&self.inner.read().unwrap_or_else(PoisonError::into_inner)))
    }
}

#[pymethods]
impl Measures {
    /// One row per metric and scope: `period`, `metric`, `scope`, and the aggregate's
    /// state (`sum`, `count`, `missing` …).
    fn rows<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames::python_frames(slf.py(), "rows", slf.as_any(), None)
    }
    /// The rows as a pandas `DataFrame`.
    #[pyo3(signature = (numbers = None))]
    fn to_pandas<'py>(
        slf: &Bound<'py, Self>,
        numbers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frames::python_frames_numbers(slf.py(), "to_pandas", slf.as_any(), numbers)
    }
    /// The rows as a Polars `DataFrame` (`numbers` as for `to_pandas`).
    #[pyo3(signature = (numbers = None))]
    fn to_polars<'py>(
        slf: &Bound<'py, Self>,
        numbers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        frames::python_frames_numbers(slf.py(), "to_polars", slf.as_any(), numbers)
    }
    /// The rows as a `pyarrow.Table` (decimal128 sums).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames::python_frames(slf.py(), "to_arrow", slf.as_any(), None)
    }
    /// Adds `other` (of the same period) into these measures.
    fn merge(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        let other = measures_arg(other, "other")?;
        // A copy of `other` first: it may be these very measures.
        let other = other.get().read(py, Clone::clone);
        py.detach(|| {
            self.inner
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .merge(&other)
        })
        .map_err(to_py_err)
    }
    /// The measured period.
    #[getter]
    fn period(&self, py: Python<'_>) -> Period {
        let calendar = self.calendar.clone().unwrap_or_default();
        Period {
            inner: self.read(py, |m| m.period.to_period(&calendar)),
        }
    }
    /// The measures as JSON text (to ship between processes).
    fn to_json(&self, py: Python<'_>) -> String {
        self.read(py, core::Measures::to_json)
    }
    /// Reads measures written by `to_json`.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        core::Measures::from_json(&args::text(text, "text")?)
            .map(|inner| Measures::new(inner, None))
            .map_err(to_py_err)
    }
    /// metric → member id (or `unassigned`) → {sum, count, missing}.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let measures = self.read(py, Clone::clone);
        let metrics = PyDict::new(py);
        for (metric, scopes) in &measures.metrics {
            let by_scope = PyDict::new(py);
            for (scope, partial) in scopes {
                let d = PyDict::new(py);
                d.set_item("sum", partial.sum)?;
                d.set_item("count", partial.count)?;
                d.set_item("missing", partial.missing)?;
                by_scope.set_item(scope, d)?;
            }
            metrics.set_item(metric, by_scope)?;
        }
        let dict = PyDict::new(py);
        dict.set_item("period", period_dict(py, &measures.period)?)?;
        dict.set_item("metrics", metrics)?;
        Ok(dict)
    }
}

/// A goal's actual against its target for one scope.
#[pyclass(frozen, module = "kpi_core")]
struct ScorecardRow {
    /// The report the row is in, shared: reading a row copies nothing.
    report: Arc<core::Report>,
    /// Whether the row is one of the roll-ups (else a scorecard row).
    rollup: bool,
    index: usize,
}

impl ScorecardRow {
    /// The core's row.
    fn row(&self) -> &core::ScorecardRow {
        let rows = if self.rollup {
            &self.report.rollups
        } else {
            &self.report.scorecards
        };
        &rows[self.index]
    }
}

#[pymethods]
impl ScorecardRow {
    #[getter]
    fn goal(&self) -> &str {
        &self.row().goal
    }
    #[getter]
    fn metric(&self) -> &str {
        &self.row().metric
    }
    /// `money`, `percent`, `count`, `number` or `days`.
    #[getter]
    fn unit(&self) -> &'static str {
        kpi_core::formula::Type::Number(self.row().unit).name()
    }
    #[getter]
    fn scope(&self) -> &'static str {
        self.row().scope.name()
    }
    #[getter]
    fn id(&self) -> &str {
        &self.row().id
    }
    #[getter]
    fn name(&self) -> &str {
        &self.row().name
    }
    #[getter]
    fn team(&self) -> Option<&str> {
        self.row().team.as_deref()
    }
    #[getter]
    fn actual(&self) -> Option<rust_decimal::Decimal> {
        self.row().actual
    }
    #[getter]
    fn target(&self) -> Option<rust_decimal::Decimal> {
        self.row().target
    }
    #[getter]
    fn attainment(&self) -> Option<rust_decimal::Decimal> {
        self.row().attainment
    }
    /// `higher` or `lower` is better.
    #[getter]
    fn direction(&self) -> &'static str {
        match self.row().direction {
            core::Direction::Higher => "higher",
            core::Direction::Lower => "lower",
        }
    }
    /// How far short of the target (negative when ahead).
    #[getter]
    fn gap(&self) -> Option<rust_decimal::Decimal> {
        self.row().gap
    }
    /// `achieved` or `missed` once the period is closed; `achieved`, `on_track`, `at_risk`
    /// or `off_track` while it runs; `None` without an attainment.
    #[getter]
    fn status(&self) -> Option<&'static str> {
        self.row().status.map(core::Status::name)
    }
    /// The rank among the goal's scopes (ties share a rank).
    #[getter]
    fn rank(&self) -> Option<u32> {
        self.row().rank
    }
    /// The goal's weight in the weighted score.
    #[getter]
    fn weight(&self) -> rust_decimal::Decimal {
        self.row().weight
    }
    /// The target before an adjustment replaced it.
    #[getter]
    fn original_target(&self) -> Option<rust_decimal::Decimal> {
        self.row().original_target
    }
    /// The target before the member's ramp or leave prorated it (goals with `prorate`).
    #[getter]
    fn full_target(&self) -> Option<rust_decimal::Decimal> {
        self.row().full_target
    }
    /// Why the target was adjusted.
    #[getter]
    fn adjustment(&self) -> Option<&str> {
        self.row().adjustment.as_deref()
    }
    /// The goal's baseline for the scope.
    #[getter]
    fn baseline(&self) -> Option<rust_decimal::Decimal> {
        self.row().baseline
    }
    /// How a growth target was set without the scope's own baseline (`baseline.if_missing`):
    /// `"team_average"` or `"target"`, else `None`.
    #[getter]
    fn fallback(&self) -> Option<&'static str> {
        self.row().fallback.map(|f| match f {
            core::Fallback::TeamAverage => "team_average",
            core::Fallback::Target => "target",
        })
    }
    /// Why the row has no target (a dict: `reason`, and `period`, `metric` or `parent`),
    /// else `None`.
    #[getter]
    fn no_target<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.row().no_target)
    }
    /// Pacing while the period runs (a dict), else `None`.
    #[getter]
    fn pacing<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.row().pacing)
    }
    /// A long-term goal's progress in a period of its span (a dict: `period`, `target`,
    /// `checkpoint`, `checkpoint_target`, `elapsed`, `remaining`, `projected`,
    /// `projected_attainment`), else `None`.
    #[getter]
    fn long_term<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.row().long_term)
    }
    /// For a goal with `forecast = true`, the open deals against the target (a dict of
    /// `Decimal`: `closed`, `commit`, `best_case`, `pipeline`, `open`, `weighted`,
    /// `remaining`, `coverage`, `attainment`), else `None`.
    #[getter]
    fn forecast<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.row().forecast)
    }
    /// The row as a dict, with `Decimal` and `date` values.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.row())
    }
    /// The notebook view (`kpi_core.display`).
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        display_html(slf.as_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "ScorecardRow(goal='{}', id='{}', actual={}, target={}, attainment={}, status={})",
            self.row().goal,
            self.row().id,
            self.row().actual.map_or("None".into(), |t| t.to_string()),
            self.row().target.map_or("None".into(), |t| t.to_string()),
            // Rounded for reading; `row.attainment` keeps every digit.
            self.row().attainment.map_or("None".into(), |t| t
                .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
                .map_or_else(|| t.to_string(), |p| format!("{}%", p.round_dp(2)))),
            self.row()
                .status
                .map_or("None".into(), |s| format!("'{}'", s.name()))
        )
    }
}

/// One payout line of a statement.
#[pyclass(frozen, module = "kpi_core")]
struct PayoutLine {
    /// The report the line is in, shared: reading a line copies nothing.
    report: Arc<core::Report>,
    statement: usize,
    index: usize,
}

impl PayoutLine {
    /// The core's line.
    fn line(&self) -> &core::PayoutLine {
        &self.report.statements[self.statement].lines[self.index]
    }
}

#[pymethods]
impl PayoutLine {
    #[getter]
    fn incentive(&self) -> &str {
        &self.line().incentive
    }
    /// The component's position in the incentive, or `None` for the incentive's cap.
    #[getter]
    fn component(&self) -> Option<usize> {
        self.line().component
    }
    /// `rate`, `tiered`, `curve`, `bonus`, `matrix` or `cap`.
    #[getter]
    fn kind(&self) -> &str {
        &self.line().kind
    }
    #[getter]
    fn metric(&self) -> Option<&str> {
        self.line().metric.as_deref()
    }
    #[getter]
    fn goal(&self) -> Option<&str> {
        self.line().goal.as_deref()
    }
    #[getter]
    fn basis(&self) -> rust_decimal::Decimal {
        self.line().basis
    }
    #[getter]
    fn rate(&self) -> Option<rust_decimal::Decimal> {
        self.line().rate
    }
    /// The tier's position (from 0), for tiers.
    #[getter]
    fn tier(&self) -> Option<usize> {
        self.line().tier
    }
    #[getter]
    fn amount(&self) -> rust_decimal::Decimal {
        self.line().amount
    }
    #[getter]
    fn explanation(&self) -> &str {
        &self.line().explanation
    }
    #[getter]
    fn explanation_zh(&self) -> &str {
        &self.line().explanation_zh
    }
    /// The explanation in `locale` (`zh…` gives Chinese, anything else English).
    fn explanation_in(&self, locale: &Bound<'_, PyAny>) -> PyResult<&str> {
        let locale = args::text(locale, "locale")?;
        Ok(if locale.to_ascii_lowercase().starts_with("zh") {
            &self.line().explanation_zh
        } else {
            &self.line().explanation
        })
    }
    /// The line as a dict, with `Decimal` values.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.line())
    }
    fn __repr__(&self) -> String {
        format!("PayoutLine('{}')", self.line().explanation)
    }
}

/// What one member earns in the period.
#[pyclass(frozen, module = "kpi_core")]
struct Statement {
    /// The report the statement is in, shared: reading a statement copies nothing.
    report: Arc<core::Report>,
    index: usize,
    /// The lines' Python objects, made on the first read of `lines`.
    lines: PyOnceLock<Vec<Py<PayoutLine>>>,
}

impl Statement {
    /// The core's statement.
    fn statement(&self) -> &core::Statement {
        &self.report.statements[self.index]
    }
}

#[pymethods]
impl Statement {
    #[getter]
    fn member(&self) -> &str {
        &self.statement().member
    }
    #[getter]
    fn name(&self) -> &str {
        &self.statement().name
    }
    #[getter]
    fn team(&self) -> &str {
        &self.statement().team
    }
    /// A new list of the statement's lines (the same line objects on every read).
    #[getter]
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let lines = self.lines.get_or_try_init(py, || {
            (0..self.statement().lines.len())
                .map(|index| {
                    let line = PayoutLine {
                        report: Arc::clone(&self.report),
                        statement: self.index,
                        index,
                    };
                    Py::new(py, line)
                })
                .collect::<PyResult<Vec<_>>>()
        })?;
        PyList::new(py, lines.iter().map(|l| l.bind(py)))
    }
    #[getter]
    fn total(&self) -> rust_decimal::Decimal {
        self.statement().total
    }
    /// Recoverable draw balances carried to the next period, by incentive id.
    #[getter]
    fn balances(&self) -> std::collections::BTreeMap<String, rust_decimal::Decimal> {
        self.statement().balances.clone()
    }
    /// True-ups of settled periods paid with this statement (in `total`): dicts with the
    /// settled `period`, the line (`incentive`, `component`, `kind`), what was `paid`,
    /// what it comes to `now`, the `amount`, the facts that `changes`, and sentences.
    #[getter]
    fn adjustments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.statement().adjustments)
    }
    /// The member's open disputes (dicts, as they were handed to `evaluate`).
    #[getter]
    fn disputes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.statement().disputes)
    }
    /// The statement as a dict, with `Decimal` values.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.statement())
    }
    /// The notebook view (`kpi_core.display`).
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        display_html(slf.as_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "Statement(member='{}', total={})",
            self.statement().member,
            self.statement().total
        )
    }
}

/// Scorecards and statements for one period.
#[pyclass(frozen, module = "kpi_core")]
pub(crate) struct Report {
    /// The core's report, shared with the row objects it hands out.
    pub(crate) inner: Arc<core::Report>,
    calendar: core::Calendar,
    /// The rows' Python objects, made on the first read of each list.
    scorecards: PyOnceLock<Vec<Py<ScorecardRow>>>,
    rollups: PyOnceLock<Vec<Py<ScorecardRow>>>,
    statements: PyOnceLock<Vec<Py<Statement>>>,
}

impl Report {
    pub(crate) fn new(report: core::Report, calendar: core::Calendar) -> Report {
        Report {
            inner: Arc::new(report),
            calendar,
            scorecards: PyOnceLock::new(),
            rollups: PyOnceLock::new(),
            statements: PyOnceLock::new(),
        }
    }

    /// A new list of the scorecard (or roll-up) rows: the row objects are made once and
    /// refer to the shared report, so reading `report.scorecards[i]` in a loop neither
    /// copies the report nor makes a row per row each time.
    fn score_rows<'py>(&self, py: Python<'py>, rollup: bool) -> PyResult<Bound<'py, PyList>> {
        let (cache, len) = if rollup {
            (&self.rollups, self.inner.rollups.len())
        } else {
            (&self.scorecards, self.inner.scorecards.len())
        };
        let rows = cache.get_or_try_init(py, || {
            (0..len)
                .map(|index| {
                    let row = ScorecardRow {
                        report: Arc::clone(&self.inner),
                        rollup,
                        index,
                    };
                    Py::new(py, row)
                })
                .collect::<PyResult<Vec<_>>>()
        })?;
        PyList::new(py, rows.iter().map(|r| r.bind(py)))
    }
}

#[pymethods]
impl Report {
    /// The plan's SMART findings the report carries (none unless added by
    /// `with_findings`).
    #[getter]
    fn findings(&self) -> Vec<goals::Finding> {
        self.inner
            .findings
            .iter()
            .map(|f| goals::Finding { inner: f.clone() })
            .collect()
    }
    /// A copy of the report carrying `findings` (a list of `Finding`, as
    /// `plan.validate(facts)` gives them): its text, Markdown and HTML list them last.
    fn with_findings(&self, findings: &Bound<'_, PyAny>) -> PyResult<Report> {
        let mut kept = Vec::new();
        for (i, item) in args::items(findings, "findings")?.iter().enumerate() {
            let finding = item.cast::<goals::Finding>().map_err(|_| {
                invalid_argument(
                    &format!("findings[{i}]"),
                    format!(
                        "`findings[{i}]` is a kpi_core.Finding, not {}",
                        type_name(item)
                    ),
                )
            })?;
            kept.push(finding.get().inner.clone());
        }
        let report = (*self.inner).clone().with_findings(kept);
        Ok(Report::new(report, self.calendar.clone()))
    }
    /// A copy of the report carrying the plan's design findings (the dicts
    /// `plan.design_check()` gives): its text, Markdown and HTML list them after the SMART
    /// findings.
    fn with_design(&self, findings: &Bound<'_, PyAny>) -> PyResult<Report> {
        let notes: Vec<core::DesignNote> =
            located_document(findings, "findings", "a list of design findings (dicts)")?;
        let report = (*self.inner).clone().with_design(notes);
        Ok(Report::new(report, self.calendar.clone()))
    }
    /// What the plan calls the report's metrics, goals, incentives and teams (a dict:
    /// `{"teams": {"east": {"name": "华东", "names": {"en": "East"}}}, …}`).
    #[getter]
    fn labels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &*self.inner.labels)
    }
    /// The evaluated period.
    #[getter]
    fn period(&self) -> Period {
        Period {
            inner: self.inner.period.to_period(&self.calendar),
        }
    }
    /// One row per goal and scope.
    #[getter]
    fn scorecards<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.score_rows(py, false)
    }
    /// The company roll-up of each member or team goal.
    #[getter]
    fn rollups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.score_rows(py, true)
    }
    /// One statement per member.
    #[getter]
    fn statements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let statements = self.statements.get_or_try_init(py, || {
            (0..self.inner.statements.len())
                .map(|index| {
                    let statement = Statement {
                        report: Arc::clone(&self.inner),
                        index,
                        lines: PyOnceLock::new(),
                    };
                    Py::new(py, statement)
                })
                .collect::<PyResult<Vec<_>>>()
        })?;
        PyList::new(py, statements.iter().map(|s| s.bind(py)))
    }
    /// The sum of all statement totals.
    #[getter]
    fn total_payout(&self) -> rust_decimal::Decimal {
        self.inner.total_payout()
    }
    /// The draw balances the statements carry, for the next period's `evaluate`.
    fn balances(&self) -> core::Balances {
        self.inner.balances()
    }
    /// The day the actuals run to, when evaluated before the period's end.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_date_opt(py, self.inner.as_of)
    }
    /// The leaderboard: each member's and team's weighted score and rank (dicts).
    #[getter]
    fn scores<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &self.inner.scores)
    }
    /// The whole report as dicts and lists, with `Decimal` and `date` values.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_python(py, &*self.inner)
    }
    /// One of the report's tables as flat rows (dicts): `scorecards`, `rollups`,
    /// `scores` or `statements` (one row per payout line). Pacing becomes `pacing_*`
    /// columns.
    #[pyo3(signature = (table = None))]
    fn rows<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = args::opt_text(table, "table")?;
        let table = frames::report_table(table.as_deref().unwrap_or("scorecards"))?;
        frames::table_rows(py, &self.inner, table).map(Bound::into_any)
    }
    /// A report table as a pandas `DataFrame`. `numbers`: `"decimal"` (the default:
    /// exact `Decimal` objects, for pay and audits), `"float"` (`float64` columns, for
    /// plots) or `"arrow"` (`ArrowDtype` decimals); ranks are nullable `Int64`.
    #[pyo3(signature = (table = None, numbers = None))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
        numbers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = self.rows(py, table)?;
        frames::frame(py, "pandas", rows, numbers)
    }
    /// A report table as a Polars `DataFrame` (`Decimal` columns; `Float64` with
    /// `numbers="float"`), built through Arrow without a Python object per cell.
    #[pyo3(signature = (table = None, numbers = None))]
    fn to_polars<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
        numbers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = args::opt_text(table, "table")?;
        let table = frames::report_table(table.as_deref().unwrap_or("scorecards"))?;
        frames::polars_of_rows(py, || self.inner.table_rows(table), numbers)
    }
    /// The report's pictures (matplotlib): `report.plot.attainment()`,
    /// `report.plot.payouts()`.
    #[getter]
    fn plot<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("kpi_core.plot")?
            .getattr("ReportPlot")?
            .call1((slf,))
    }
    /// A report table as a `pyarrow.Table`: decimals as decimal128, dates as date32,
    /// built column by column without a Python object per cell.
    #[pyo3(signature = (table = None))]
    fn to_arrow<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = args::opt_text(table, "table")?;
        let table = frames::report_table(table.as_deref().unwrap_or("scorecards"))?;
        frames::arrow_of_rows(py, self.inner.table_rows(table))
    }
    /// The report as JSON text, byte-identical to Rust's and JavaScript's.
    fn to_json(&self) -> PyResult<String> {
        json_text(&*self.inner)
    }
    /// The report as aligned text tables in `locale` (`"en"`, the default, or
    /// `"zh-CN"`): headers, statuses, names and payout lines all in that language.
    #[pyo3(signature = (locale = None))]
    fn to_text(&self, locale: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        Ok(self.inner.to_text(args::locale(locale)?))
    }
    /// The report as Markdown in `locale`, for chat tools and wikis.
    #[pyo3(signature = (locale = None))]
    fn to_markdown(&self, locale: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        Ok(self.inner.to_markdown(args::locale(locale)?))
    }
    /// The report as one self-contained HTML file in `locale` (inline CSS and SVG, no
    /// scripts, prints on A4): a report a manager can send.
    #[pyo3(signature = (locale = None))]
    fn to_html(&self, locale: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        Ok(self.inner.to_html(args::locale(locale)?))
    }
    /// The notebook view (`kpi_core.display`).
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        display_html(slf.as_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(period='{}', scorecards={}, statements={})",
            self.inner.period.label,
            self.inner.scorecards.len(),
            self.inner.statements.len()
        )
    }
}

pub(crate) fn period_dict<'py>(
    py: Python<'py>,
    p: &core::PeriodInfo,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("label", &p.label)?;
    d.set_item("grain", p.grain.name())?;
    d.set_item("start", py_date(py, p.start)?)?;
    d.set_item("end", py_date(py, p.end)?)?;
    Ok(d)
}

/// The catalogue of standard sales KPIs: a list of dicts with `id`, `name`, `name_zh`,
/// `description` and `metrics` (the plan definitions it adds).
#[pyfunction]
fn catalogue(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let json = json_text(kpi_core::catalogue::entries())?;
    py.import("json")?.call_method1("loads", (json,))
}

/// A report's or a series' table built by column in Rust, or `None` where the rows' path
/// is taken instead: for the tests that compare the two paths (not part of the API).
#[pyfunction]
#[pyo3(name = "_arrow_by_column")]
fn arrow_by_column<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    table: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let table = frames::report_table(&args::text(table, "table")?)?;
    if let Ok(report) = data.cast::<Report>() {
        return arrow_out::table(py, &report.get().inner.table_rows(table));
    }
    if let Ok(series) = data.cast::<series::Series>() {
        return arrow_out::table(py, &series.get().table_rows(table));
    }
    Err(invalid_argument("data", "`data` is a Report or a Series"))
}

/// Past attainments as a distribution for `Plan.simulate_cost`: `{"empirical": [...]}`,
/// the attainment of every member's row of goal `goal` in `reports` (reports of past
/// periods, from `Plan.evaluate`), as `Decimal`s. `unassigned` and rows without an
/// attainment are left out; a negative attainment counts as 0, one above 1000% as 1000%.
#[pyfunction]
fn attainment_from_reports<'py>(
    py: Python<'py>,
    reports: &Bound<'py, PyAny>,
    goal: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let goal = args::text(goal, "goal")?;
    let mut held = Vec::new();
    for (i, item) in reports
        .try_iter()
        .map_err(|_| {
            invalid_argument(
                "reports",
                format!("`reports` is a list of Report, not {}", type_name(reports)),
            )
        })?
        .enumerate()
    {
        let item = item?;
        let report = item.cast::<Report>().map_err(|_| {
            invalid_argument(
                &format!("reports[{i}]"),
                format!("`reports[{i}]` is a Report, not {}", type_name(&item)),
            )
        })?;
        held.push(Arc::clone(&report.borrow().inner));
    }
    let attainment = core::design::Attainment::from_reports(held.iter().map(|r| &**r), &goal)
        .map_err(to_py_err)?;
    let core::design::Attainment::Empirical(past) = attainment else {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "an empirical distribution",
        ));
    };
    // A list of `Decimal`s, through pyo3's conversion as every other decimal kpi returns.
    let out = PyDict::new(py);
    out.set_item("empirical", past)?;
    Ok(out.into_any())
}

/// The message catalogue in `locale` (`"en"`, the default, or `"zh-CN"`): a dict from
/// each stable key (`"status.missed"`, `"column.actual"` …) to its text, the words kpi's
/// own text uses, for labelling a notebook's tables and charts the same way.
#[pyfunction]
#[pyo3(signature = (locale = None))]
fn messages(
    locale: Option<&Bound<'_, PyAny>>,
) -> PyResult<std::collections::BTreeMap<&'static str, &'static str>> {
    let locale = args::locale(locale)?;
    Ok(core::Message::ALL
        .iter()
        .map(|m| (m.key(), m.text(locale)))
        .collect())
}

/// The JSON Schema (draft 2020-12) of the plan document, as a dict: for editors and for
/// checking a plan with a JSON Schema validator before kpi reads it.
#[pyfunction]
fn plan_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("json")?
        .call_method1("loads", (kpi_core::plan_schema(),))
}

/// The native module, re-exported by the `kpi_core` package.
#[pymodule]
fn _kpi_core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("PLAN_VERSION", core::PLAN_VERSION)?;
    m.add(
        "ERROR_CODES",
        core::ErrorKind::ALL
            .iter()
            .map(|k| k.code())
            .collect::<Vec<_>>(),
    )?;
    m.add_class::<Plan>()?;
    m.add_class::<FactTable>()?;
    m.add_class::<Period>()?;
    m.add_class::<Calendar>()?;
    m.add_function(wrap_pyfunction!(catalogue, m)?)?;
    m.add_function(wrap_pyfunction!(attainment_from_reports, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_by_column, m)?)?;
    m.add_function(wrap_pyfunction!(plan_schema, m)?)?;
    m.add_function(wrap_pyfunction!(messages, m)?)?;
    m.add_function(wrap_pyfunction!(formula::formula_check, m)?)?;
    m.add_function(wrap_pyfunction!(formula::formula_evaluate, m)?)?;
    m.add_class::<Measures>()?;
    m.add_class::<Report>()?;
    m.add_class::<series::Series>()?;
    m.add_class::<ScorecardRow>()?;
    m.add_class::<Statement>()?;
    m.add_class::<PayoutLine>()?;
    goals::register(m)?;
    goals::register_incentives(m)?;
    ingest::register(m)?;
    Ok(())
}

/// A `DataFrame` or Arrow table handed to `from_records` / `append`: they take a list of
/// dicts, and `from_arrow` reads tables column by column, so say so instead of failing on
/// the table's type.
fn refuse_table_as_records(records: &Bound<'_, PyAny>) -> PyResult<()> {
    let tabular = ["__arrow_c_stream__", "__dataframe__"]
        .iter()
        .any(|name| records.hasattr(*name).unwrap_or(false));
    if !tabular {
        return Ok(());
    }
    let kind = records
        .get_type()
        .name()
        .map_or_else(|_| "table".to_owned(), |name| name.to_string());
    Err(to_py_err(
        core::Error::new(
            core::ErrorKind::DataUnsupportedValue,
            format!(
                "records is a {kind}, not a list of dicts: read a DataFrame or an Arrow table with FactTable.from_arrow(df) (column by column, fastest), or pass df.to_dict(\"records\")"
            ),
        )
        .at_path("records"),
    ))
}

/// The notebook HTML of a kpi object, from `kpi_core.display` (Python: tables are easier
/// to write and to restyle there).
pub(crate) fn display_html(value: &Bound<'_, PyAny>) -> PyResult<String> {
    value
        .py()
        .import("kpi_core.display")?
        .call_method1("html_of", (value,))?
        .extract()
}
