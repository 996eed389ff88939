//! The Plan: the document that drives every step (calendar, org, metrics, goals,
//! incentives), its loading and checking, and `measure` / `evaluate`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::decimal::Rounding;
use crate::error::{Error, ErrorKind, Location, Result, line_column};
use crate::fact::FactTable;
use crate::formula::{Window, suggest};
use crate::goal::{Goal, GoalPeriod, ScorecardInput, scorecards};
use crate::incentive::{Incentive, StatementInput, statements};
use crate::measure::{Measures, MetricPass, measure};
use crate::metric::{Field, Filter, MetricBook, MetricDef};
use crate::org::{Org, ScopeKind};
use crate::period::{Calendar, Period, PeriodInfo};
use crate::report::Report;

/// The plan document version this library reads and writes.
pub const PLAN_VERSION: u32 = 1;

/// A sales plan: KPI as code.
///
/// A plan is plain data. Load it with [`Plan::from_toml`] or [`Plan::from_json`] (which
/// also [`check`](Plan::check) it), or build it in code and call [`Plan::check`] yourself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The calendar: fiscal year start.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub calendar: Calendar,
    /// How payouts are rounded.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub rounding: Rounding,
    /// Teams and members.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub org: Org,
    /// Catalogue KPIs to include by id (`["win_rate", "csat"]`): their metrics join the
    /// plan's, and a metric the plan defines itself takes precedence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub catalogue: Vec<String>,
    /// Metrics by id.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub metrics: BTreeMap<String, MetricDef>,
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
        let located = |e: &toml::de::Error, kind: ErrorKind, path: Option<String>| {
            let (line, column) = e.span().map_or((None, None), |span| {
                let (l, c) = line_column(text, span.start);
                (Some(l), Some(c))
            });
            Error::new(kind, e.message().trim_end().to_owned()).at(Location {
                path,
                line,
                column,
                row: None,
            })
        };
        let deserializer = toml::Deserializer::parse(text)
            .map_err(|e| located(&e, ErrorKind::PlanSyntax, None))?;
        let plan: Plan = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            located(e.inner(), ErrorKind::PlanInvalid, Some(path))
        })?;
        plan.checked()
    }

    /// Parses and checks a JSON plan. Errors name the path of the bad field.
    pub fn from_json(text: &str) -> Result<Plan> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let plan: Plan = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let inner = e.inner();
            let (kind, path) = match inner.classify() {
                serde_json::error::Category::Data => {
                    (ErrorKind::PlanInvalid, Some(e.path().to_string()))
                }
                _ => (ErrorKind::PlanSyntax, None),
            };
            Error::new(kind, json_message(inner)).at(Location {
                path,
                line: Some(inner.line() as u32),
                column: Some(inner.column() as u32),
                row: None,
            })
        })?;
        plan.checked()
    }

    /// Checks an already parsed JSON value as a plan (what the Python and JavaScript
    /// bindings hand over). Errors name the path of the bad field.
    pub fn from_json_value(value: serde_json::Value) -> Result<Plan> {
        let plan: Plan = serde_path_to_error::deserialize(value).map_err(|e| {
            Error::new(ErrorKind::PlanInvalid, json_message(e.inner()))
                .at_path(e.path().to_string())
        })?;
        plan.checked()
    }

    /// The plan as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a plan always serialises to TOML")
    }

    /// The plan as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan always serialises to JSON")
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
        self.calendar.validate()?;
        self.org.validate()?;
        MetricBook::new(&self.metric_defs()?)?;
        self.check_goals()?;
        self.check_incentives()
    }

    fn check_goals(&self) -> Result<()> {
        let mut ids = HashSet::new();
        for (i, goal) in self.goals.iter().enumerate() {
            let at = |field: &str| format!("goals[{i}].{field}");
            if !ids.insert(goal.id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!("goal id `{}` is used twice", goal.id),
                )
                .at_path(at("id")));
            }
            self.check_metric_ref(&goal.metric, &at("metric"))?;
            GoalPeriod::parse(&self.calendar, &goal.period).map_err(|e| e.at_path(at("period")))?;
            match (goal.scope, &goal.dimension) {
                (ScopeKind::Dimension, None) => {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        "a dimension goal names its `dimension`, such as attributes.region",
                    )
                    .at_path(at("dimension")));
                }
                (ScopeKind::Dimension, Some(d))
                    if crate::metric::Field::parse(d)
                        .is_none_or(|f| f == crate::metric::Field::Amount) =>
                {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        format!("`{d}` is not a dimension: use attributes.<name>, customer, status or kind"),
                    )
                    .at_path(at("dimension")));
                }
                (ScopeKind::Dimension, Some(_)) | (_, None) => {}
                (_, Some(_)) => {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        "only a dimension goal takes a `dimension`",
                    )
                    .at_path(at("dimension")));
                }
            }
            for id in goal.targets.keys() {
                let known = match goal.scope {
                    ScopeKind::Company => false,
                    ScopeKind::Team => self.org.team(id).is_some(),
                    ScopeKind::Member => self.org.member(id).is_some(),
                    // Dimension values are whatever the facts hold.
                    ScopeKind::Dimension => true,
                };
                if !known {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        format!(
                            "`{id}` is not a {} of the org, so it cannot have its own target",
                            match goal.scope {
                                ScopeKind::Company => "scope below the company",
                                ScopeKind::Team => "team",
                                ScopeKind::Member | ScopeKind::Dimension => "member",
                            }
                        ),
                    )
                    .at_path(format!("goals[{i}].targets.{id}")));
                }
            }
        }
        Ok(())
    }

    fn check_incentives(&self) -> Result<()> {
        let mut ids = HashSet::new();
        for (i, incentive) in self.incentives.iter().enumerate() {
            if !ids.insert(incentive.id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!("incentive id `{}` is used twice", incentive.id),
                )
                .at_path(format!("incentives[{i}].id")));
            }
            for (j, component) in incentive.components.iter().enumerate() {
                let at = |field: &str| format!("incentives[{i}].components[{j}].{field}");
                self.check_metric_ref(component.metric(), &at("metric"))?;
                let crate::incentive::Component::Rate { rate, .. } = component;
                if rate.is_sign_negative() && !rate.is_zero() {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        format!("the rate {rate} is negative"),
                    )
                    .at_path(at("rate")));
                }
            }
        }
        Ok(())
    }

    fn check_metric_ref(&self, metric: &str, path: &str) -> Result<()> {
        let metrics = self.metric_defs()?;
        if metrics.contains_key(metric) {
            return Ok(());
        }
        let mut message = format!("no metric `{metric}` is defined under [metrics]");
        if let Some(near) = suggest(metric, metrics.keys().map(String::as_str)) {
            let _ = write!(message, "; did you mean `{near}`?");
        }
        Err(Error::new(ErrorKind::PlanUnknownMetric, message).at_path(path))
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
                metrics.entry(metric.clone()).or_insert_with(|| def.clone());
            }
        }
        Ok(metrics)
    }

    /// Parses a period label in this plan's calendar (fiscal labels follow its fiscal year).
    pub fn parse_period(&self, label: &str) -> Result<Period> {
        self.calendar.parse_period(label)
    }

    /// Measures every metric of the plan over the facts dated in `period`, per member
    /// (facts of owners outside the org under `unassigned`).
    pub fn measure(&self, facts: &FactTable, period: &Period) -> Result<Measures> {
        let metrics = self.metric_defs()?;
        let mut passes = Vec::with_capacity(metrics.len());
        for (id, metric) in &metrics {
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
                date: metric.date_attribute(),
            });
        }
        let dimensions = self.dimensions();
        let mut measures = measure(&self.org, facts, period, &passes, &dimensions);
        // The other windows the formulas read (the previous period, last year, to date …).
        for (_, window) in self.window_periods(&MetricBook::new(&metrics)?, period) {
            let label = window.label();
            if label != measures.period.label && !measures.windows.contains_key(&label) {
                let window_measures = measure(&self.org, facts, &window, &passes, &dimensions);
                measures.windows.insert(label, window_measures.metrics);
            }
        }
        Ok(measures)
    }

    /// The fact fields that dimension goals score by.
    fn dimensions(&self) -> Vec<crate::metric::Field> {
        let mut fields: Vec<String> = self
            .goals
            .iter()
            .filter_map(|g| g.dimension.clone())
            .collect();
        fields.sort();
        fields.dedup();
        fields
            .iter()
            .filter_map(|f| crate::metric::Field::parse(f))
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

    /// Evaluates measures (for example merged from partitions) into a report.
    pub fn evaluate_measures(&self, measures: &Measures) -> Result<Report> {
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
        let metrics = self.metric_defs()?;
        let mut book = MetricBook::new(&metrics)?;
        let labels = self
            .window_periods(&book, &period)
            .into_iter()
            .map(|(window, p)| (window, p.label()))
            .collect();
        book.set_windows(labels);
        let mut goals = Vec::with_capacity(self.goals.len());
        for (i, goal) in self.goals.iter().enumerate() {
            let goal_period = GoalPeriod::parse(&self.calendar, &goal.period)
                .map_err(|e| e.at_path(format!("goals[{i}].period")))?;
            goals.push((goal, goal_period));
        }
        let (scorecards, rollups) = scorecards(
            &ScorecardInput {
                calendar: &self.calendar,
                org: &self.org,
                book: &book,
                measures,
                period: &period,
            },
            goals.into_iter(),
        );
        let statements = statements(
            &StatementInput {
                calendar: &self.calendar,
                book: &book,
                org: &self.org,
                rounding: self.rounding,
                measures,
                period: &period,
            },
            &self.incentives,
        );
        Ok(Report {
            period: measures.period.clone(),
            scorecards,
            rollups,
            statements,
        })
    }

    /// Measures and evaluates the facts for `period`: the scorecards and statements.
    pub fn evaluate(&self, facts: &FactTable, period: &Period) -> Result<Report> {
        self.evaluate_measures(&self.measure(facts, period)?)
    }
}

/// Where an opening balance (`opening(m)`) starts counting: before any sales data.
const OPENING_FROM: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => panic!("1900-01-01 is a date"),
};

/// `serde_json`'s message without its own " at line L column C" suffix (the location is
/// carried separately).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) if e.line() > 0 => text[..cut].to_owned(),
        _ => text,
    }
}
