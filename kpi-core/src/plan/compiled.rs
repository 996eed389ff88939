//! The compiled plan: a [`Plan`] checked once, with what every evaluation needs worked
//! out ahead (its metrics with the catalogue's, each goal's period, the dimensions goals
//! score by). `Plan` stays the document (serde, TOML and JSON, the contract); compiling
//! it is the step that turns a document into something to run, as a template engine
//! compiles a template once and renders it many times.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Plan;
use crate::error::Result;
use crate::fact::FactTable;
use crate::goal::GoalPeriod;
use crate::measure::Measures;
use crate::metric::{Field, MetricDef};
use crate::period::Period;
use crate::report::{Balances, Label, Labels, Report};

/// What compiling a plan works out once.
pub(super) struct Parts {
    /// The plan's metrics with those of its catalogue KPIs.
    pub metrics: BTreeMap<String, MetricDef>,
    /// Each goal's period, in the plan's goal order.
    pub goal_periods: Vec<GoalPeriod>,
    /// The fact fields that dimension goals score by.
    pub dimensions: Vec<Field>,
    /// The metrics measured by customer too, for `retained(m)`.
    pub by_customer: std::collections::BTreeSet<String>,
    /// The display names every report carries (shared: a report holds them, not a copy).
    pub labels: std::sync::Arc<Labels>,
}

impl Parts {
    /// The plan and its parts, as the evaluation passes read them.
    pub(super) fn view<'p>(&'p self, plan: &'p Plan) -> Compiled<'p> {
        Compiled { plan, parts: self }
    }
}

/// A checked plan and its parts, borrowed: what [`Plan`]'s evaluation methods (which
/// compile for one call) and [`CompiledPlan`]'s (compiled once) both run on.
#[derive(Clone, Copy)]
pub(crate) struct Compiled<'p> {
    pub(super) plan: &'p Plan,
    pub(super) parts: &'p Parts,
}

impl std::ops::Deref for Compiled<'_> {
    type Target = Plan;

    fn deref(&self) -> &Plan {
        self.plan
    }
}

impl Plan {
    /// The display names of the plan's metrics (with its catalogue KPIs'), goals,
    /// incentives, their components and teams: what its reports carry as [`Report::labels`].
    pub fn labels(&self) -> Labels {
        let metrics = self.metric_defs().unwrap_or_else(|_| self.metrics.clone());
        self.labels_of(&metrics)
    }

    /// [`Plan::labels`] with the metrics already merged with the catalogue.
    fn labels_of(&self, metrics: &BTreeMap<String, MetricDef>) -> Labels {
        // Inserted one by one: collecting into a map sorts, and the browser module pays
        // for each sort's code.
        let named = |items: Vec<(&String, Option<&String>, &crate::text::Names)>| {
            let mut labels = BTreeMap::new();
            for (id, name, names) in items {
                if let Some(label) = Label::of(name.map(String::as_str), names) {
                    labels.insert(id.clone(), label);
                }
            }
            labels
        };
        Labels {
            metrics: named(
                metrics
                    .iter()
                    .map(|(id, m)| (id, m.name.as_ref(), &m.names))
                    .collect(),
            ),
            goals: named(
                self.goals
                    .iter()
                    .map(|g| (&g.id, g.name.as_ref(), &g.names))
                    .collect(),
            ),
            incentives: named(
                self.incentives
                    .iter()
                    .map(|i| (&i.id, i.name.as_ref(), &i.names))
                    .collect(),
            ),
            teams: named(
                self.org
                    .teams
                    .iter()
                    .map(|t| (&t.id, Some(&t.name), &t.names))
                    .collect(),
            ),
            components: {
                let mut labels = BTreeMap::new();
                for incentive in &self.incentives {
                    for (position, component) in incentive.components.iter().enumerate() {
                        let limits = component.limits();
                        if let Some(label) = Label::of(limits.name.as_deref(), &limits.names) {
                            labels.insert(Labels::component_key(&incentive.id, position), label);
                        }
                    }
                }
                labels
            },
        }
    }

    /// Checks the plan and works out what every evaluation needs. The first problem is
    /// returned, as by [`Plan::check`].
    pub(super) fn parts(&self) -> Result<Parts> {
        self.check()?;
        let metrics = self.metric_defs()?;
        let goal_periods = self
            .goals
            .iter()
            .enumerate()
            .map(|(i, goal)| {
                GoalPeriod::parse(&self.calendar, goal.period.as_deref().unwrap_or_default())
                    .map_err(|e| e.at_path(format!("goals[{i}].period")))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut fields: Vec<&str> = self
            .goals
            .iter()
            .filter_map(|g| g.dimension.as_deref())
            .collect();
        fields.sort_unstable();
        fields.dedup();
        let dimensions = fields.into_iter().filter_map(Field::parse).collect();
        let labels = std::sync::Arc::new(self.labels_of(&metrics));
        Ok(Parts {
            by_customer: crate::measure::retained_metrics(&metrics),
            metrics,
            goal_periods,
            dimensions,
            labels,
        })
    }

    /// Checks the plan once and returns its compiled form, which evaluates without
    /// checking again: for a service or a dashboard that evaluates one plan many times.
    ///
    /// ```
    /// # use kpi_core::{FactTable, Plan};
    /// let plan = Plan::from_toml(include_str!("../../testdata/sample/plan.toml"))?;
    /// let facts = FactTable::from_json_lines(include_str!("../../testdata/sample/facts.jsonl"))?;
    /// let compiled = plan.clone().compile()?;
    /// let quarter = compiled.parse_period("FY2027-Q2")?;
    /// assert_eq!(compiled.evaluate(&facts, &quarter)?, plan.evaluate(&facts, &quarter)?);
    /// # Ok::<(), kpi_core::Error>(())
    /// ```
    pub fn compile(self) -> Result<CompiledPlan> {
        let parts = self.parts()?;
        Ok(CompiledPlan { plan: self, parts })
    }
}

/// A plan that has been checked, with what every evaluation needs worked out once
/// ([`Plan::compile`]). It evaluates exactly like the plan (the same reports, to the
/// cent), without checking the plan or copying its metric definitions on each call.
///
/// It cannot be changed: to adjust a goal, take the plan back ([`CompiledPlan::into_plan`]),
/// change it, and compile again. It reads as the plan it was compiled from
/// (`compiled.calendar`, `compiled.validate()`).
pub struct CompiledPlan {
    plan: Plan,
    parts: Parts,
}

impl std::fmt::Debug for CompiledPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CompiledPlan").field(&self.plan).finish()
    }
}

impl Clone for CompiledPlan {
    fn clone(&self) -> Self {
        CompiledPlan {
            plan: self.plan.clone(),
            parts: Parts {
                metrics: self.parts.metrics.clone(),
                goal_periods: self.parts.goal_periods.clone(),
                dimensions: self.parts.dimensions.clone(),
                by_customer: self.parts.by_customer.clone(),
                labels: std::sync::Arc::clone(&self.parts.labels),
            },
        }
    }
}

impl std::ops::Deref for CompiledPlan {
    type Target = Plan;

    fn deref(&self) -> &Plan {
        &self.plan
    }
}

impl CompiledPlan {
    /// The display names its reports carry ([`Plan::labels`], worked out once).
    pub fn labels(&self) -> &Labels {
        &self.parts.labels
    }

    /// The plan document it was compiled from.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The plan document, to change and compile again.
    pub fn into_plan(self) -> Plan {
        self.plan
    }

    pub(super) fn view(&self) -> Compiled<'_> {
        self.parts.view(&self.plan)
    }

    /// Measures every metric of the plan over the facts dated in `period`, per member
    /// (facts of owners outside the org under `unassigned`).
    pub fn measure(&self, facts: &FactTable, period: &Period) -> Result<Measures> {
        self.view().measure(facts, period)
    }

    /// Measures `period` as it stood on `as_of`: facts dated after it are left out, and
    /// the report of these measures paces the goals (see
    /// [`CompiledPlan::evaluate_as_of`]).
    pub fn measure_as_of(
        &self,
        facts: &FactTable,
        period: &Period,
        as_of: NaiveDate,
    ) -> Result<Measures> {
        self.view().measure_as_of(facts, period, as_of)
    }

    /// Evaluates measures (for example merged from partitions) into a report. Measures
    /// taken before the period's end ([`CompiledPlan::measure_as_of`]) give a report
    /// with pacing.
    pub fn evaluate_measures(&self, measures: &Measures) -> Result<Report> {
        self.view().evaluate_measures(measures)
    }

    /// Evaluates measures with the draw balances carried from the previous payout period
    /// (the previous report's [`Report::balances`]).
    pub fn evaluate_measures_with(
        &self,
        measures: &Measures,
        balances: &Balances,
    ) -> Result<Report> {
        self.view().evaluate_measures_with(measures, balances)
    }

    /// What if: the report of `period` when members' aggregate metrics have the given
    /// values (`member id → metric id → value`), without facts. A sum or an average takes
    /// the value as its total (one fact), a count as the number of facts; formula metrics
    /// follow from the metrics they read. Dashboards use it to ask "what would I earn
    /// with 200,000 more revenue?".
    pub fn what_if(
        &self,
        period: &Period,
        values: &BTreeMap<String, BTreeMap<String, rust_decimal::Decimal>>,
    ) -> Result<Report> {
        self.view().what_if(period, values)
    }

    /// Measures and evaluates the facts for `period`: the scorecards and statements.
    pub fn evaluate(&self, facts: &FactTable, period: &Period) -> Result<Report> {
        self.view().evaluate(facts, period)
    }

    /// The reports of every period of `span` at each of `grains`: all the months and
    /// quarters of two fiscal years for a trend chart, in one call. The facts are scanned
    /// once per grain rather than once per period (each fact's date is placed in its
    /// period once), and the windows the formulas read, such as last quarter, are
    /// measured with the periods (windows that overlap each other, such as a year to
    /// date per month, add a scan each). Each report is the one
    /// [`CompiledPlan::evaluate`] gives for its period, to the cent, and an error is the
    /// one evaluating the periods in order meets first. Draw balances are not carried
    /// from one period to the next: for pay, chain [`CompiledPlan::evaluate_with`].
    ///
    /// An error when `grains` is empty, when `span` is not made of whole periods of a
    /// grain (`period.not_nested`, at `grains[i]`), when the series would hold more than
    /// [`crate::plan::MAX_SERIES_PERIODS`] periods, or when a period's evaluation fails
    /// (the error [`CompiledPlan::evaluate`] gives, naming the period).
    ///
    /// ```
    /// # use kpi_core::{FactTable, Grain, Plan};
    /// # let plan = Plan::from_toml(include_str!("../../testdata/sample/plan.toml"))?.compile()?;
    /// # let facts = FactTable::from_json_lines(include_str!("../../testdata/sample/facts.jsonl"))?;
    /// let two_years = plan.parse_period("FY2026..FY2027")?;
    /// let series = plan.evaluate_series(&facts, &two_years, &[Grain::Quarter])?;
    /// let labels: Vec<&str> = series.reports.iter().map(|r| r.period.label.as_str()).collect();
    /// assert_eq!(labels[..3], ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3"]);
    /// assert_eq!(labels.len(), 8);
    /// # Ok::<(), kpi_core::Error>(())
    /// ```
    pub fn evaluate_series(
        &self,
        facts: &FactTable,
        span: &Period,
        grains: &[crate::period::Grain],
    ) -> Result<crate::report::Series> {
        self.view().evaluate_series(facts, span, grains)
    }

    /// Measures and evaluates the facts for `period` with the draw balances carried from
    /// the previous payout period: `plan.evaluate_with(&facts, &march, &february.balances())`.
    pub fn evaluate_with(
        &self,
        facts: &FactTable,
        period: &Period,
        balances: &Balances,
    ) -> Result<Report> {
        self.view().evaluate_with(facts, period, balances)
    }

    /// Evaluates `period` as it stood on `as_of` (facts dated later are left out): while
    /// the period runs, each row carries its pacing (elapsed share, run-rate projection,
    /// the rate required for the rest of the period, projected status).
    pub fn evaluate_as_of(
        &self,
        facts: &FactTable,
        period: &Period,
        as_of: NaiveDate,
    ) -> Result<Report> {
        self.view().evaluate_as_of(facts, period, as_of)
    }
}
