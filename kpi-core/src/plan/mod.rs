//! The Plan: the document that drives every step (calendar, org, metrics, goals,
//! incentives), its loading and checking, and `measure` / `evaluate`.

mod check;
mod compiled;
mod design_settings;
mod review;
pub mod validate;

use compiled::Compiled;
pub use compiled::CompiledPlan;
pub use design_settings::{DESIGN_CODES, DesignSettings, Intended};
pub use review::{Review, ReviewItem};

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

use crate::decimal::Rounding;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fact::FactTable;
use crate::formula::{Window, suggest};
use crate::goal::{
    Goal, GoalPeriod, Objective, ScorecardInput, TargetResolver, Thresholds, extra_windows,
    rank_rows, scorecards, scores,
};
use crate::incentive::{
    self, Balances, ClawbackInput, Incentive, StatementInput, clawbacks, collections, index_rows,
    statements,
};
use crate::maps::{IntoMap, IntoSet};
use crate::measure::check_currencies;
use crate::measure::{IndexedMeasures, MetricBook};
use crate::measure::{Measures, MetricPass, Partial, PeriodSet, measure, measure_each};
use crate::metric::{Field, Filter, MetricDef};
use crate::org::Org;
use crate::period::{Calendar, DayBasis, Grain, Period, PeriodInfo};
use crate::report::{Locale, Report, Series};
use validate::SmartSettings;

/// The plan document version this library reads and writes.
pub const PLAN_VERSION: u32 = 1;

/// A sales plan: KPI as code.
///
/// A plan is plain data. Load it with [`Plan::from_toml`] or [`Plan::from_json`] (which
/// also [`check`](Plan::check) it), or build it in code and call [`Plan::check`] yourself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
// In TypeScript the document is `PlanDocument`: `Plan` is the class that wraps it.
#[cfg_attr(feature = "typescript", tsify(rename = "PlanDocument"))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct Plan {
    /// The document version; must be [`PLAN_VERSION`].
    pub version: u32,
    /// A human name for the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub name: Option<String>,
    /// The day the plan is set: SMART validation asks whether goal periods are already
    /// over by then (unless it is given another date).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Date>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::period::date_text::option"
    )]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub date: Option<NaiveDate>,
    /// The calendar: fiscal year start.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub calendar: Calendar,
    /// The currency of the plan's money (an ISO 4217 code such as `CNY` or `USD`).
    /// Amounts of facts whose `attributes.currency` names another are refused
    /// (`data.currency_mismatch`), never added; without it, one metric's amounts must
    /// all be in one currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub currency: Option<String>,
    /// How payouts are rounded.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub rounding: Rounding,
    /// Teams and members.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub org: Org,
    /// How new members' targets ramp up with tenure, for goals with
    /// `prorate = ["ramp"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub ramp: Option<crate::goal::Ramp>,
    /// How open deals forecast the goals with `forecast = true`: which facts are open
    /// deals, and each stage's category and probability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub forecast: Option<crate::goal::ForecastRules>,
    /// Catalogue KPIs to include by id (`["win_rate", "csat"]`): their metrics join the
    /// plan's, and a metric the plan defines itself takes precedence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub catalogue: Vec<String>,
    /// Metrics by id.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub metrics: BTreeMap<String, MetricDef>,
    /// The strategic objectives that goals serve.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub objectives: Vec<Objective>,
    /// Status thresholds for every goal that does not set its own.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub status: Thresholds,
    /// Which days pacing counts: `calendar` (the default) or `business` days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub pacing: Option<DayBasis>,
    /// Settings of SMART validation.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub smart: SmartSettings,
    /// Settings of the plan design checks (`design_check`), under `[design]`.
    #[serde(default, skip_serializing_if = "DesignSettings::is_default")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub design: DesignSettings,
    /// Goals, in display order.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub goals: Vec<Goal>,
    /// Incentive plans.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub incentives: Vec<Incentive>,
}

impl Plan {
    /// Parses and checks a TOML plan. Errors name the path of the bad field
    /// (`goals[1].target`) and its line and column.
    pub fn from_toml(text: &str) -> Result<Plan> {
        Plan::draft_from_toml(text)?.checked()
    }

    /// Parses a TOML plan without checking it: a draft that
    /// [`validate`](Plan::validate) can report on (a goal without a metric or a target is
    /// a finding there, and an error for [`check`](Plan::check) and evaluation).
    pub fn draft_from_toml(text: &str) -> Result<Plan> {
        crate::toml_doc::from_toml(text, ErrorKind::PlanSyntax, ErrorKind::PlanInvalid)
    }

    /// Parses and checks a JSON plan. Errors name the path of the bad field.
    pub fn from_json(text: &str) -> Result<Plan> {
        Plan::draft_from_json(text)?.checked()
    }

    /// Parses a JSON plan without checking it (see [`Plan::draft_from_toml`]).
    ///
    /// The text is read into a JSON value first, so a plan's deserialiser exists once
    /// (in the wasm file too): a syntax error has its line and column, a value of the
    /// wrong shape its path.
    pub fn draft_from_json(text: &str) -> Result<Plan> {
        // Numbers keep their digits, and a key written twice is an error rather than
        // silently the last one (see `json.rs`).
        let json = crate::json::parse(text).map_err(|e| {
            Error::new(ErrorKind::PlanSyntax, e.message).at(Location {
                line: u32::try_from(e.line).ok(),
                column: u32::try_from(e.column).ok(),
                ..Location::default()
            })
        })?;
        Plan::draft_from_json_value(json.to_value())
    }

    /// Checks an already parsed JSON value as a plan (what the Python and JavaScript
    /// bindings hand over). Errors name the path of the bad field.
    pub fn from_json_value(value: serde_json::Value) -> Result<Plan> {
        Plan::draft_from_json_value(value)?.checked()
    }

    /// Reads a JSON value as a plan without checking it (see [`Plan::draft_from_toml`]).
    pub fn draft_from_json_value(value: serde_json::Value) -> Result<Plan> {
        crate::error::deserialize_located(value).map_err(|located| {
            Error::new(ErrorKind::PlanInvalid, located.message()).at_path(located.path())
        })
    }

    /// The plan as TOML.
    pub fn to_toml(&self) -> String {
        // Through the plan's JSON, read into a TOML table (whose keys keep their order):
        // the plan's serialiser then exists once, for JSON, rather than once more per
        // TOML writer (documents and inline values), which the wasm file would carry.
        let json = crate::json::write(self, false, false).expect("a plan always serialises");
        let json = crate::json::parse(&json).expect("kpi writes JSON it reads back");
        let toml::Value::Table(table) = crate::toml_doc::toml_of(json.to_value()) else {
            unreachable!("a plan serialises to an object")
        };
        toml::to_string(&table).expect("a TOML table always serialises")
    }

    /// The plan as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        crate::json::write(self, true, false).expect("a plan always serialises to JSON")
    }

    fn checked(self) -> Result<Plan> {
        self.check()?;
        Ok(self)
    }

    /// Checks the plan is consistent: a known version, valid calendar, unique ids, every
    /// reference resolves, every filter parses, every goal period is readable. The first
    /// problem is returned, with the path of the field.
    pub fn check(&self) -> Result<()> {
        if self.version != PLAN_VERSION {
            return Err(Error::new(
                ErrorKind::PlanUnsupportedVersion,
                format!(
                    "plan version {} is not supported; this library reads version {PLAN_VERSION}",
                    self.version
                ),
            )
            .at_path("version"));
        }
        if let Some(date) = self.date {
            crate::period::check_date(date).map_err(|e| e.at_path("date"))?;
        }
        self.calendar.validate()?;
        self.org.validate()?;
        self.check_names()?;
        let metrics = self.metric_defs()?;
        let book = MetricBook::new(&metrics)?;
        self.check_goals()?;
        self.check_prorate(&book)?;
        self.check_forecast(&book)?;
        incentive::CheckContext {
            goals: &self.goals,
            org: &self.org,
            metrics: &metrics,
        }
        .check_incentives(&self.incentives)?;
        self.design.check()
    }

    /// Adjusts goal `goal_id` from `version.from` on (see [`Goal::adjust`]): the earlier
    /// targets stay in the plan's history, and reports show both.
    pub fn adjust_goal(&mut self, goal_id: &str, version: crate::goal::GoalVersion) -> Result<()> {
        let Some((i, goal)) = self
            .goals
            .iter_mut()
            .enumerate()
            .find(|(_, g)| g.id == goal_id)
        else {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!("the plan has no goal `{goal_id}`"),
            ));
        };
        goal.adjust(version)
            .map_err(|e| e.at_path(format!("goals[{i}].versions")))
    }

    /// The plan's metrics with those of the included catalogue KPIs (the plan's own
    /// definitions win). An unknown catalogue id is an error at `catalogue[i]`.
    pub fn metric_defs(&self) -> Result<BTreeMap<String, MetricDef>> {
        let mut metrics = self.metrics.clone();
        for (i, id) in self.catalogue.iter().enumerate() {
            let Some(entry) = crate::catalogue::entry(id) else {
                let mut message = format!("`{id}` is not in the catalogue");
                let ids = crate::catalogue::entries().iter().map(|e| e.id.as_str());
                if let Some(near) = suggest(id, ids) {
                    let _ = write!(message, "; did you mean `{near}`?");
                }
                return Err(
                    Error::new(ErrorKind::PlanInvalid, message).at_path(format!("catalogue[{i}]"))
                );
            };
            for (metric, def) in &entry.metrics {
                metrics.entry(metric.clone()).or_insert_with(|| {
                    // A catalogue metric is called by its KPI's names, in both languages.
                    let mut def = def.clone();
                    if let Some(kpi) = crate::catalogue::entry(metric)
                        && def.name.is_none()
                        && def.names.is_empty()
                    {
                        def.names.insert(Locale::En, kpi.name.clone());
                        def.names.insert(Locale::ZhCn, kpi.name_zh.clone());
                    }
                    def
                });
            }
        }
        Ok(metrics)
    }

    /// Parses a period label in this plan's calendar (fiscal labels follow its fiscal year).
    pub fn parse_period(&self, label: &str) -> Result<Period> {
        self.calendar.parse_period(label)
    }

    /// Measures every metric of the plan over the facts dated in `period`, per member
    /// (facts of owners outside the org under `unassigned`). Checks the plan first: a
    /// [`CompiledPlan`] checks it once for every call.
    pub fn measure(&self, facts: &FactTable, period: &Period) -> Result<Measures> {
        self.parts()?.view(self).measure(facts, period)
    }

    /// [`CompiledPlan::measure_as_of`], checking the plan first.
    pub fn measure_as_of(
        &self,
        facts: &FactTable,
        period: &Period,
        as_of: NaiveDate,
    ) -> Result<Measures> {
        self.parts()?.view(self).measure_as_of(facts, period, as_of)
    }

    /// [`CompiledPlan::evaluate_measures`], checking the plan first.
    pub fn evaluate_measures(&self, measures: &Measures) -> Result<Report> {
        self.parts()?.view(self).evaluate_measures(measures)
    }

    /// [`CompiledPlan::evaluate_measures_with`], checking the plan first.
    pub fn evaluate_measures_with(
        &self,
        measures: &Measures,
        balances: &Balances,
    ) -> Result<Report> {
        self.parts()?
            .view(self)
            .evaluate_measures_with(measures, balances)
    }

    /// [`CompiledPlan::what_if`], checking the plan first.
    pub fn what_if(
        &self,
        period: &Period,
        values: &BTreeMap<String, BTreeMap<String, rust_decimal::Decimal>>,
    ) -> Result<Report> {
        self.parts()?.view(self).what_if(period, values)
    }

    /// Measures and evaluates the facts for `period`: the scorecards and statements.
    /// Checks the plan first; to evaluate a plan many times, compile it once
    /// ([`Plan::compile`]).
    pub fn evaluate(&self, facts: &FactTable, period: &Period) -> Result<Report> {
        self.parts()?.view(self).evaluate(facts, period)
    }

    /// [`CompiledPlan::evaluate_with`], checking the plan first.
    pub fn evaluate_with(
        &self,
        facts: &FactTable,
        period: &Period,
        balances: &Balances,
    ) -> Result<Report> {
        self.parts()?
            .view(self)
            .evaluate_with(facts, period, balances)
    }

    /// [`CompiledPlan::evaluate_series`], checking the plan first.
    pub fn evaluate_series(
        &self,
        facts: &FactTable,
        span: &Period,
        grains: &[Grain],
    ) -> Result<Series> {
        self.parts()?
            .view(self)
            .evaluate_series(facts, span, grains)
    }

    /// [`CompiledPlan::evaluate_as_of`], checking the plan first.
    pub fn evaluate_as_of(
        &self,
        facts: &FactTable,
        period: &Period,
        as_of: NaiveDate,
    ) -> Result<Report> {
        self.parts()?
            .view(self)
            .evaluate_as_of(facts, period, as_of)
    }
}

impl<'p> Compiled<'p> {
    /// Measures every metric of the plan over the facts dated in `period`, per member
    /// (facts of owners outside the org under `unassigned`).
    pub(crate) fn measure(&self, facts: &FactTable, period: &Period) -> Result<Measures> {
        self.measure_through(facts, period, None, &self.org.stint_key_list())
    }

    /// Measures `period` as it stood on `as_of`: facts dated after it are left out, and
    /// the report of these measures paces the goals (see [`CompiledPlan::evaluate_as_of`]).
    pub(crate) fn measure_as_of(
        &self,
        facts: &FactTable,
        period: &Period,
        as_of: NaiveDate,
    ) -> Result<Measures> {
        check_as_of(as_of)?;
        self.measure_through(facts, period, Some(as_of), &self.org.stint_key_list())
    }

    /// The forecast's buckets (`forecast:commit` …) by scope, when a goal that shows the
    /// forecast applies to `period`; nothing otherwise (open deals then cannot stop a
    /// month's statements, nor the history the plan is checked against).
    fn measure_forecast(
        &self,
        facts: &FactTable,
        period: &Period,
        keys: &[crate::org::StintKey<'_>],
    ) -> Result<BTreeMap<String, BTreeMap<String, crate::measure::Partial>>> {
        let applies = self
            .goal_periods()
            .iter()
            .any(|(goal, each)| goal.forecast && each.parts(&self.calendar, period).is_some());
        if !applies {
            return Ok(BTreeMap::new());
        }
        let defaults = crate::goal::ForecastRules::default();
        let rules = self.forecast.as_ref().unwrap_or(&defaults);
        let open = Filter::parse(rules.open_filter())
            .map_err(|e| e.at_path("forecast.open"))?
            .compile(facts);
        let amounts = MetricPass {
            id: "forecast",
            aggregate: crate::metric::Aggregate::Sum,
            filter: Some(open.clone()),
            field: Some(Field::Amount),
            date: None,
            by_customer: false,
        };
        check_currencies(facts, period, &[amounts], self.currency.as_deref())?;
        let values = rules.bucket_values(facts, &open, period)?;
        let passes: Vec<MetricPass<'_>> = crate::goal::BUCKETS
            .iter()
            .zip(values)
            .map(|(id, values)| MetricPass {
                id,
                aggregate: crate::metric::Aggregate::Sum,
                filter: Some(open.clone()),
                field: Some(Field::Computed(values)),
                date: None,
                by_customer: false,
            })
            .collect();
        // An error (a bucket's sum beyond the decimal range) is the plan's `[forecast]`'s,
        // not a metric's: the reserved ids are no path of the plan.
        let measured = measure(&self.org, keys, facts, period, &passes, &[])
            .map_err(|e| e.at_path("forecast"))?;
        Ok(measured.metrics)
    }

    /// What the measure pass needs of each aggregate metric, its filter compiled for
    /// `facts`.
    fn passes(&self, facts: &FactTable) -> Result<Vec<MetricPass<'p>>> {
        let metrics = &self.parts.metrics;
        let mut passes = Vec::with_capacity(metrics.len());
        for (id, metric) in metrics {
            let Some(aggregate) = metric.aggregate else {
                continue; // formula metrics are computed from the others at evaluation
            };
            let filter = match &metric.filter {
                Some(text) => Some(
                    Filter::parse(text)
                        .map_err(|e| e.at_path(format!("metrics.{id}.filter")))?
                        .compile(facts),
                ),
                None => None,
            };
            passes.push(MetricPass {
                id,
                aggregate,
                filter,
                field: metric.field.as_deref().and_then(Field::parse),
                date: metric.date_source(),
                by_customer: self.parts.by_customer.contains(id),
            });
        }
        Ok(passes)
    }

    /// The other windows measured with `period` (the previous period, last year, to date,
    /// a baseline year …, as the formulas and the target rules read them), each once, and
    /// whether it is measured with its sums by customer (`retained`, `cohort`: in the
    /// period and a year earlier only; the other windows, `opening`'s whole history among
    /// them, go without).
    fn windows_of(&self, book: &MetricBook<'_>, period: &Period) -> Vec<(Period, bool)> {
        let goals = self.goal_periods();
        let last_year = period.same_period_last_year().ok().map(|p| p.label());
        let own = period.label();
        let mut seen = std::collections::BTreeSet::new();
        self.window_periods(book, period)
            .into_iter()
            .map(|(_, p)| p)
            .chain(extra_windows(&self.calendar, &goals, period))
            .filter_map(|window| {
                let label = window.label();
                if label == own || !seen.insert(label.clone()) {
                    return None;
                }
                Some((window, last_year.as_ref() == Some(&label)))
            })
            .collect()
    }

    /// The measures of `period` through `as_of`; `keys` are the org's
    /// [`crate::Org::stint_keys`], which an evaluation computes once for the measures and
    /// the report.
    fn measure_through(
        &self,
        facts: &FactTable,
        period: &Period,
        as_of: Option<NaiveDate>,
        keys: &[crate::org::StintKey<'_>],
    ) -> Result<Measures> {
        let passes = self.passes(facts)?;
        self.measure_from(facts, period, as_of, keys, &passes, &Measured::new())
    }

    /// The measures of each of `periods`, each as [`Compiled::measure`] gives it, with
    /// the facts scanned once for every set of periods that do not overlap (the months of
    /// a span, its quarters, last year's quarters …) rather than once per period and per
    /// window: the periods and the windows their formulas read are measured together, and
    /// a window that is also a period of the series (last quarter is the previous quarter
    /// of this one) is measured once. Windows that overlap each other (a year to date per
    /// month, a trailing window) need a set each; clawbacks, the forecast and a table of
    /// mixed currencies are still read per period.
    pub(crate) fn measure_series(
        &self,
        facts: &FactTable,
        periods: &[Period],
        keys: &[crate::org::StintKey<'_>],
    ) -> Result<Vec<Measures>> {
        let passes = self.passes(facts)?;
        let book = MetricBook::new(&self.parts.metrics)?;
        // Sums by customer change what a window's measures hold, so those windows are
        // measured apart; a plan without `retained` or `cohort` measures every window one way.
        let customers = |with: bool| with && !self.parts.by_customer.is_empty();
        // The periods to measure, each once: with sums by customer, and without.
        let mut wanted: [Vec<Period>; 2] = [Vec::new(), Vec::new()];
        let mut seen = std::collections::BTreeSet::new();
        for period in periods {
            for (window, with) in
                std::iter::once((*period, true)).chain(self.windows_of(&book, period))
            {
                let with = customers(with);
                if seen.insert(measured_key(&window, with)) {
                    check_currencies(facts, &window, &passes, self.currency.as_deref())?;
                    wanted[usize::from(with)].push(window);
                }
            }
        }
        let without = without_customers(&passes);
        let mut measured = Measured::new();
        for (with, periods) in [false, true].into_iter().zip(&wanted) {
            let passes = if with { &passes } else { &without };
            for layer in PeriodSet::layers(periods) {
                let each = measure_each(
                    &self.org,
                    keys,
                    facts,
                    &PeriodSet::new(&layer),
                    passes,
                    &self.parts.dimensions,
                )?;
                for (period, measures) in layer.iter().zip(each) {
                    measured.insert(measured_key(period, with), measures.metrics);
                }
            }
        }
        periods
            .iter()
            .map(|period| self.measure_from(facts, period, None, keys, &passes, &measured))
            .collect()
    }

    /// The measures of `period` through `as_of`, taking each window's metrics from
    /// `measured` when there (a series measures them ahead), and measuring the others.
    fn measure_from(
        &self,
        facts: &FactTable,
        period: &Period,
        as_of: Option<NaiveDate>,
        keys: &[crate::org::StintKey<'_>],
        passes: &[MetricPass<'_>],
        ahead: &Measured,
    ) -> Result<Measures> {
        let metrics = &self.parts.metrics;
        let dimensions = &self.parts.dimensions;
        let with_customers = !self.parts.by_customer.is_empty();
        // Facts dated after the as-of day are not known yet on that day.
        let through = |p: &Period| -> Option<Period> {
            match as_of.and_then(|d| d.succ_opt()) {
                Some(end) if end <= p.start() => None,
                Some(end) if end < p.end() => Period::range(p.start(), end).ok(),
                _ => Some(*p),
            }
        };
        let measure_window = |window: &Period, passes: &[MetricPass<'_>], with: bool| {
            if let Some(metrics) = ahead.get(&measured_key(window, with)) {
                return Ok(metrics.clone());
            }
            check_currencies(facts, window, passes, self.currency.as_deref())?;
            measure(&self.org, keys, facts, window, passes, dimensions).map(|m| m.metrics)
        };
        let mut measures = Measures {
            period: PeriodInfo::from(period),
            as_of: None,
            metrics: match through(period) {
                Some(clipped) => measure_window(&clipped, passes, with_customers)?,
                None => {
                    measure(
                        &self.org,
                        keys,
                        &FactTable::default(),
                        period,
                        passes,
                        dimensions,
                    )?
                    .metrics
                }
            },
            windows: BTreeMap::new(),
            clawbacks: BTreeMap::new(),
        };
        // Clawbacks read the facts behind each reversal's sale, so they are measured here.
        if let Some(clipped) = through(period) {
            let linked = ClawbackInput {
                calendar: &self.calendar,
                org: &self.org,
                goals: &self.goals,
                metrics,
                facts,
                period: &clipped,
                grain: period.grain(),
                rounding: &self.rounding,
            };
            let mut taken_back = clawbacks(&linked, &self.incentives)?;
            // Payments read the bookings they pay for, the same way.
            collections(&linked, &self.incentives, &mut taken_back)?;
            measures.clawbacks = taken_back;
        }
        // Open deals are measured over the whole period, as of any day: a deal expected
        // later in the quarter is still in its forecast.
        let forecast = self.measure_forecast(facts, period, keys)?;
        measures.metrics.extend(forecast);
        measures.as_of = as_of.filter(|d| *d < period.last_day());
        let without = without_customers(passes);
        for (window, with) in self.windows_of(&MetricBook::new(metrics)?, period) {
            let with = with && with_customers;
            let metrics = match through(&window) {
                Some(clipped) => {
                    measure_window(&clipped, if with { passes } else { &without }, with)?
                }
                None => BTreeMap::new(),
            };
            measures.windows.insert(window.label(), metrics);
        }
        Ok(measures)
    }

    /// Each goal with its period, parsed when the plan was compiled.
    fn goal_periods(&self) -> Vec<(&'p Goal, GoalPeriod)> {
        self.plan
            .goals
            .iter()
            .zip(self.parts.goal_periods.iter().copied())
            .collect()
    }

    /// The period of each window the formulas read, relative to `period`. A window that
    /// cannot be formed (a trailing window of a date range) is left out, so the
    /// functions that read it give `null`.
    fn window_periods(&self, book: &MetricBook<'_>, period: &Period) -> Vec<(Window, Period)> {
        book.windows()
            .into_iter()
            .filter_map(|window| {
                let p = match window {
                    Window::Prev => period.prev(),
                    Window::LastYear => period.same_period_last_year(),
                    Window::ToDate(grain) => self
                        .calendar
                        .period_of(period.start(), grain)
                        .and_then(|outer| Period::range(outer.start(), period.end())),
                    Window::Trailing(n) => period.trailing(n),
                    Window::Before => Period::range(OPENING_FROM, period.start()),
                };
                p.ok().map(|p| (window, p))
            })
            .collect()
    }

    /// Evaluates measures (for example merged from partitions) into a report. Measures
    /// taken before the period's end ([`CompiledPlan::measure_as_of`]) give a report with pacing.
    pub(crate) fn evaluate_measures(&self, measures: &Measures) -> Result<Report> {
        self.evaluate_measures_with(measures, &Balances::new())
    }

    /// Evaluates measures with the draw balances carried from the previous payout period
    /// (the previous report's [`Report::balances`]).
    pub(crate) fn evaluate_measures_with(
        &self,
        measures: &Measures,
        balances: &Balances,
    ) -> Result<Report> {
        let period = self.parse_period(&measures.period.label)?;
        if let Some(as_of) = measures.as_of {
            check_as_of(as_of)?;
        }
        incentive::refuse_advances_without_facts(&self.pay_parts(), &period)?;
        incentive::refuse_deal_detail_without_facts(&self.pay_parts(), &period)?;
        self.report_of(measures, balances, &self.org.stint_key_list())
    }

    /// What the incentive passes after the statements read of the plan.
    fn pay_parts(&self) -> incentive::PlanParts<'p> {
        incentive::PlanParts {
            calendar: &self.plan.calendar,
            org: &self.plan.org,
            incentives: &self.plan.incentives,
            rounding: self.plan.rounding,
        }
    }

    /// The report of measures, without the advances that need the facts.
    fn report_of(
        &self,
        measures: &Measures,
        balances: &Balances,
        keys: &[crate::org::StintKey<'_>],
    ) -> Result<Report> {
        let period = self.parse_period(&measures.period.label)?;
        if PeriodInfo::from(&period) != measures.period {
            return Err(Error::new(
                ErrorKind::DataMeasuresMismatch,
                format!(
                    "the measures' period {} does not match this plan's calendar",
                    measures.period.label
                ),
            ));
        }
        let mut book = MetricBook::new(&self.parts.metrics)?;
        let labels = self
            .window_periods(&book, &period)
            .into_iter()
            .map(|(window, p)| (window, p.label()))
            .into_map();
        book.set_windows(labels);
        let goals = self.goal_periods();
        let measures = &IndexedMeasures::new(measures);
        let resolver = TargetResolver::new(
            &self.calendar,
            (&self.org, keys),
            &book,
            measures,
            &goals,
            self.rounding,
            measures.as_of,
        )
        .with_ramp(self.ramp.as_ref());
        let (mut scorecards, rollups) = scorecards(
            &ScorecardInput {
                calendar: &self.calendar,
                org: &self.org,
                book: &book,
                measures,
                period: &period,
                resolver: &resolver,
                thresholds: self.status,
                as_of: measures.as_of,
                day_basis: self.pacing.unwrap_or(DayBasis::Calendar),
            },
            &goals,
        )?;
        rank_rows(&mut scorecards);
        let scores = scores(&scorecards, &|goal| {
            self.goals.iter().position(|g| g.id == goal)
        })?;
        let rows: Vec<&crate::report::ScorecardRow> = scorecards.iter().chain(&rollups).collect();
        let statements = statements(
            &StatementInput {
                calendar: &self.calendar,
                book: &book,
                org: &self.org,
                stint_keys: resolver.stint_keys(),
                rounding: self.rounding,
                measures,
                period: &period,
                rows: &rows,
                row_index: index_rows(&rows),
                scores: &scores,
                balances,
                labels: &self.parts.labels,
                pool_parts: std::sync::Mutex::default(),
                lookups: crate::incentive::Lookups::default(),
            },
            &self.incentives,
        )?;
        // An advance month of a quarterly incentive has its lines added after this report.
        if scorecards.is_empty()
            && rollups.is_empty()
            && statements.is_empty()
            && !incentive::advances_in(&self.pay_parts(), &period)
        {
            no_goal_applies(&self.calendar, &goals, &period)?;
        }
        // Each statement's total fits; the report's total payout must too.
        crate::decimal::OrOverflow::or_overflow(
            crate::decimal::checked_sum(statements.iter().map(|s| s.total)),
            || format!("the total payout of {}", measures.period.label),
        )?;
        Ok(Report {
            period: measures.period.clone(),
            as_of: measures.as_of,
            scorecards,
            rollups,
            scores,
            statements,
            labels: std::sync::Arc::clone(&self.parts.labels),
            findings: Vec::new(),
            design: Vec::new(),
        })
    }

    /// What if: the report of `period` when members' aggregate metrics have the given
    /// values (`member id → metric id → value`), without facts. A sum or an average takes
    /// the value as its total (one fact), a count as the number of facts; formula metrics
    /// follow from the metrics they read. Dashboards use it to ask "what would I earn
    /// with 200,000 more revenue?".
    pub(crate) fn what_if(
        &self,
        period: &Period,
        values: &BTreeMap<String, BTreeMap<String, rust_decimal::Decimal>>,
    ) -> Result<Report> {
        let metrics = &self.parts.metrics;
        let mut partials: BTreeMap<String, BTreeMap<String, crate::measure::Partial>> =
            BTreeMap::new();
        // Each member id's first stint key (a member who moved is given under it), looked
        // up per member rather than by a scan of the org.
        let mut first_key: hashbrown::HashMap<&str, crate::org::StintKey<'_>> =
            hashbrown::HashMap::new();
        for (m, key) in self.org.members.iter().zip(self.org.stint_key_list()) {
            first_key.entry(m.id.as_str()).or_insert(key);
        }
        for (member, by_metric) in values {
            let Some(key) = first_key.get(member.as_str()) else {
                return Err(Error::new(
                    ErrorKind::DataInvalidFact,
                    format!("`{member}` is not a member of the org"),
                )
                .at_path(member.clone()));
            };
            for (metric, value) in by_metric {
                let at = format!("{member}.{metric}");
                let aggregate = metrics.get(metric).and_then(|m| m.aggregate).ok_or_else(|| {
                    Error::new(
                        ErrorKind::PlanUnknownMetric,
                        format!("`{metric}` is not an aggregate metric of the plan: give the metrics a formula reads"),
                    )
                    .at_path(at.clone())
                })?;
                let partial = what_if_partial(aggregate, *value).ok_or_else(|| {
                    Error::new(
                        ErrorKind::DataUnsupportedValue,
                        format!("{value} is not a count of facts"),
                    )
                    .at_path(at.clone())
                })?;
                partials
                    .entry(metric.clone())
                    .or_default()
                    .insert(key.to_string(), partial);
            }
        }
        let measures = Measures {
            period: PeriodInfo::from(period),
            as_of: None,
            metrics: partials,
            windows: BTreeMap::new(),
            clawbacks: BTreeMap::new(),
        };
        self.evaluate_measures(&measures)
    }

    /// Measures and evaluates the facts for `period`: the scorecards and statements.
    pub(crate) fn evaluate(&self, facts: &FactTable, period: &Period) -> Result<Report> {
        self.evaluate_with(facts, period, &Balances::new())
    }

    /// Measures and evaluates the facts for `period` with the draw balances carried from
    /// the previous payout period: `plan.evaluate_with(&facts, &march, &february.balances())`.
    pub(crate) fn evaluate_with(
        &self,
        facts: &FactTable,
        period: &Period,
        balances: &Balances,
    ) -> Result<Report> {
        // The org's stint keys, once for the measures and the report.
        let keys = self.org.stint_key_list();
        let measures = self.measure_through(facts, period, None, &keys)?;
        self.report_with_facts(facts, period, &measures, balances, &keys)
    }

    /// The report of the measures of `period`, with what needs the facts: per-deal lines
    /// and advances.
    fn report_with_facts(
        &self,
        facts: &FactTable,
        period: &Period,
        measures: &Measures,
        balances: &Balances,
        keys: &[crate::org::StintKey<'_>],
    ) -> Result<Report> {
        let mut report = self.report_of(measures, balances, keys)?;
        let parts = self.pay_parts();
        incentive::add_deal_detail(
            &parts,
            &self.parts.metrics,
            facts,
            period,
            None,
            &mut report,
        )?;
        incentive::add_advances(&parts, period, &mut report, &|outer, day| {
            self.evaluate_as_of(facts, outer, day)
        })?;
        Ok(report)
    }

    /// The reports of every period of `span` at each of `grains`, measured in one pass
    /// over the facts per grain (see [`Compiled::measure_series`]); each is the report
    /// [`Compiled::evaluate`] gives for its period.
    pub(crate) fn evaluate_series(
        &self,
        facts: &FactTable,
        span: &Period,
        grains: &[Grain],
    ) -> Result<Series> {
        let periods = series_periods(&self.calendar, span, grains)?;
        let keys = self.org.stint_key_list();
        let series = || -> Result<Series> {
            let measures = self.measure_series(facts, &periods, &keys)?;
            // The periods' reports are independent: two halves of them on two threads.
            let pairs: Vec<(&Period, &Measures)> = periods.iter().zip(&measures).collect();
            let mut reports = Vec::with_capacity(periods.len());
            crate::parallel::in_halves(&pairs, 2, &mut reports, |&(period, measures)| {
                self.report_with_facts(facts, period, measures, &Balances::new(), &keys)
            })?;
            Ok(Series { reports })
        };
        // The series measures its periods and their windows in its own order, so its
        // first error may be another period's: the error is the one evaluating the
        // periods one by one meets first, naming its period.
        series().or_else(|error| {
            for period in &periods {
                self.evaluate(facts, period)
                    .map_err(|e| e.context(format_args!("evaluating {period}")))?;
            }
            Err(error)
        })
    }

    /// Evaluates `period` as it stood on `as_of` (facts dated later are left out): while
    /// the period runs, each row carries its pacing (elapsed share, run-rate projection,
    /// the rate required for the rest of the period, projected status).
    pub(crate) fn evaluate_as_of(
        &self,
        facts: &FactTable,
        period: &Period,
        as_of: NaiveDate,
    ) -> Result<Report> {
        check_as_of(as_of)?;
        let keys = self.org.stint_key_list();
        let measures = self.measure_through(facts, period, Some(as_of), &keys)?;
        let mut report = self.report_of(&measures, &Balances::new(), &keys)?;
        incentive::add_deal_detail(
            &self.pay_parts(),
            &self.parts.metrics,
            facts,
            period,
            Some(as_of),
            &mut report,
        )?;
        Ok(report)
    }
}

/// The most periods one series evaluates: a report each, so a span of years by day is
/// refused before anything is built.
pub const MAX_SERIES_PERIODS: usize = 1_000;

/// The periods of `span` at each of `grains` in `calendar` (the first grain's in time
/// order, then the next's), each grain once.
fn series_periods(calendar: &Calendar, span: &Period, grains: &[Grain]) -> Result<Vec<Period>> {
    if grains.is_empty() {
        return Err(Error::new(
            ErrorKind::DataInvalidArgument,
            "a series needs at least one grain: month, quarter …",
        )
        .at_path("grains"));
    }
    let mut periods = Vec::new();
    let mut seen = Vec::with_capacity(grains.len());
    for (i, &grain) in grains.iter().enumerate() {
        if seen.contains(&grain) {
            continue;
        }
        seen.push(grain);
        // The most days a period of the grain has in any calendar (a retail quarter can
        // have 14 weeks, a retail year 53).
        let longest: u32 = match grain {
            Grain::Day => 1,
            Grain::Week => 7,
            Grain::Month => 35,
            Grain::Quarter => 98,
            Grain::Half => 189,
            Grain::Year => 371,
        };
        let too_many = |count: String| {
            Error::new(
                ErrorKind::DataInvalidArgument,
                format!(
                    "a series evaluates at most {MAX_SERIES_PERIODS} periods, and {span} holds {count} {grain}s: choose a shorter span or a coarser grain"
                ),
            )
            .at_path(format!("grains[{i}]"))
        };
        // Too many for certain without listing them (a span of centuries by day), else
        // listed and counted: the bound is at most a tenth over the count.
        let at_least = (span.days() / longest) as usize;
        if periods.len() + at_least > MAX_SERIES_PERIODS {
            return Err(too_many(format!("at least {at_least}")));
        }
        let children =
            periods_within(calendar, span, grain).map_err(|e| e.at_path(format!("grains[{i}]")))?;
        if periods.len() + children.len() > MAX_SERIES_PERIODS {
            return Err(too_many(children.len().to_string()));
        }
        periods.extend(children);
    }
    Ok(periods)
}

/// The periods of `grain` in `calendar` that tile `span` exactly. The plan's calendar,
/// not the span's: a date range is civil (`2025-10-01..2027-04-01`), and its fiscal
/// halves are the plan's.
fn periods_within(calendar: &Calendar, span: &Period, grain: Grain) -> Result<Vec<Period>> {
    let mut periods = Vec::new();
    let mut cursor = span.start();
    while cursor < span.end() {
        let period = calendar.period_of(cursor, grain)?;
        if period.start() != cursor || period.end() > span.end() {
            return Err(Error::new(
                ErrorKind::PeriodNotNested,
                format!("{span} is not made of whole {grain}s of the plan's calendar"),
            ));
        }
        cursor = period.end();
        periods.push(period);
    }
    Ok(periods)
}

/// Metrics measured ahead, by [`measured_key`]: the type of [`Measures::windows`], so
/// the browser module holds one map's code for both.
type Measured = BTreeMap<String, BTreeMap<String, BTreeMap<String, Partial>>>;

/// The key of a period's metrics in [`Measured`]: its label, marked when sums by
/// customer were kept (a label holds no line break).
fn measured_key(period: &Period, with_customers: bool) -> String {
    let mut key = period.label();
    if with_customers {
        key.push_str("\n+customers");
    }
    key
}

/// `passes` without sums by customer, for the windows that do not read them.
fn without_customers<'m>(passes: &[MetricPass<'m>]) -> Vec<MetricPass<'m>> {
    passes
        .iter()
        .map(|p| MetricPass {
            by_customer: false,
            ..p.clone()
        })
        .collect()
}

/// An evaluation where no goal applies (a day when the goals are monthly) would be an
/// empty report and no word why: it is `data.invalid_argument` at `period`, naming the
/// periods the goals are set for and one to evaluate instead.
fn no_goal_applies(
    calendar: &Calendar,
    goals: &[(&Goal, GoalPeriod)],
    period: &Period,
) -> Result<()> {
    if goals.is_empty()
        || goals
            .iter()
            .any(|(_, g)| g.multiplier(calendar, period).is_some())
    {
        return Ok(());
    }
    let mut grains: Vec<String> = Vec::new();
    let mut suggestion = None;
    for (_, goal_period) in goals {
        let (named, example) = match goal_period {
            GoalPeriod::Every(grain) => (
                format!("every {grain}"),
                calendar.period_of(period.start(), *grain).ok(),
            ),
            GoalPeriod::Only(only) => (only.label(), Some(*only)),
        };
        if !grains.contains(&named) {
            grains.push(named);
        }
        suggestion = suggestion.or(example);
    }
    let what = period.grain().map_or("range", Grain::name);
    let mut message = format!(
        "no goal of the plan applies to the {what} {}; its goals are set for {}",
        period.label(),
        grains.join(", ")
    );
    if let Some(p) = suggestion {
        message.push_str(": evaluate ");
        message.push_str(&p.label());
    }
    Err(Error::new(ErrorKind::DataInvalidArgument, message).at_path("period"))
}

/// An as-of day must be a supported day (`period.out_of_range` at `as_of` otherwise).
pub(crate) fn check_as_of(as_of: NaiveDate) -> Result<()> {
    crate::period::check_date(as_of)
        .map(|_| ())
        .map_err(|e| e.at_path("as_of"))
}

/// A partial aggregate that gives `value` for `aggregate`.
fn what_if_partial(
    aggregate: crate::metric::Aggregate,
    value: rust_decimal::Decimal,
) -> Option<crate::measure::Partial> {
    use crate::metric::Aggregate;
    let mut partial = crate::measure::Partial {
        count: 1,
        ..crate::measure::Partial::default()
    };
    match aggregate {
        Aggregate::Count | Aggregate::CountDistinct => {
            let n: u64 = value.to_string().parse().ok()?;
            partial.count = n;
            if aggregate == Aggregate::CountDistinct {
                partial.distinct = (0..n).map(|i| i.to_string()).into_set();
            }
        }
        Aggregate::Sum | Aggregate::Average => partial.sum = value,
        Aggregate::Min | Aggregate::Max | Aggregate::Median => {
            partial.sum = value;
            partial.min = Some(value);
            partial.max = Some(value);
            partial.values = vec![value];
        }
    }
    Some(partial)
}

/// Where an opening balance (`opening(m)`) starts counting: the first supported day, so
/// before any fact.
const OPENING_FROM: chrono::NaiveDate = crate::period::MIN_DATE;
