//! The metric book: a plan's metrics checked together (formulas typed, cycles refused),
//! and the value of any metric for any set of members from measured partials.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::{Measures, Partial};
use crate::decimal::{OrOverflow, TryArithmetic};
use crate::error::{Error, ErrorKind, Result};
use crate::formula::syntax::{self, BinOp, Node, NodeKind};
use crate::formula::{Env, Formula, Type, Unit, Value, Window};
use crate::metric::{Aggregate, Direction, MetricDef};
use rust_decimal::prelude::ToPrimitive;

/// Each metric's partials by scope, looked up by hash.
type PartialIndex<'m> = hashbrown::HashMap<&'m str, hashbrown::HashMap<&'m str, &'m Partial>>;

fn partial_index(metrics: &BTreeMap<String, BTreeMap<String, Partial>>) -> PartialIndex<'_> {
    metrics
        .iter()
        .map(|(metric, scopes)| {
            let by_scope = scopes.iter().map(|(s, p)| (s.as_str(), p)).collect();
            (metric.as_str(), by_scope)
        })
        .collect()
}

/// Measures with their partials keyed by hash, for a report's many lookups: every
/// scorecard row and statement reads its scopes' partials, and a search of a
/// `BTreeMap` of 5,000 member ids by string comparison was a sixth of a report's time.
/// Reads as the [`Measures`] it indexes.
pub(crate) struct IndexedMeasures<'m> {
    measures: &'m Measures,
    /// The period's partials.
    of_period: PartialIndex<'m>,
    /// The same for each window, by its period label.
    of_windows: hashbrown::HashMap<&'m str, PartialIndex<'m>>,
}

impl<'m> IndexedMeasures<'m> {
    pub(crate) fn new(measures: &'m Measures) -> IndexedMeasures<'m> {
        IndexedMeasures {
            measures,
            of_period: partial_index(&measures.metrics),
            of_windows: measures
                .windows
                .iter()
                .map(|(label, metrics)| (label.as_str(), partial_index(metrics)))
                .collect(),
        }
    }

    /// The sum of the measures id `id` (a forecast bucket) over `scopes` (0 over none), or
    /// `None` when the measures do not hold it (measured without the forecast).
    pub(crate) fn sum_of(&self, id: &str, scopes: &[&str]) -> Result<Option<Decimal>> {
        let Some(by_scope) = self.of_period.get(id) else {
            return Ok(None);
        };
        let mut merged = Partial::default();
        for scope in scopes {
            if let Some(partial) = by_scope.get(scope) {
                merged.merge(partial)?;
            }
        }
        Ok(Some(merged.sum))
    }

    /// The partials of the window labelled `label`, the period's own for its label.
    fn partials(&self, label: &str) -> Option<&PartialIndex<'m>> {
        if label == self.measures.period.label {
            Some(&self.of_period)
        } else {
            self.of_windows.get(label)
        }
    }
}

impl std::ops::Deref for IndexedMeasures<'_> {
    type Target = Measures;

    fn deref(&self) -> &Measures {
        self.measures
    }
}

/// The name a formula metric uses for the target of the goal being scored.
pub(crate) const TARGET: &str = "target";

/// A plan's metrics, checked as a whole.
#[derive(Debug)]
pub(crate) struct MetricBook<'p> {
    metrics: &'p BTreeMap<String, MetricDef>,
    formulas: BTreeMap<&'p str, Formula>,
    units: BTreeMap<&'p str, Unit>,
    window_labels: BTreeMap<Window, String>,
}

fn names_in(node: &Node, out: &mut BTreeSet<String>) {
    node.walk(&mut |n| {
        if let NodeKind::Name(name) = &n.kind {
            out.insert(name.clone());
        }
    });
}

impl<'p> MetricBook<'p> {
    /// Checks every metric: shapes, filters, formulas (names, types, units) and cycles.
    pub(crate) fn new(metrics: &'p BTreeMap<String, MetricDef>) -> Result<MetricBook<'p>> {
        let mut dependencies: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (id, metric) in metrics {
            metric.check_shape(id)?;
            if let Some(text) = &metric.formula {
                let root =
                    syntax::parse(text).map_err(|e| e.at_path(format!("metrics.{id}.formula")))?;
                let mut names = BTreeSet::new();
                names_in(&root, &mut names);
                names.retain(|n| metrics.contains_key(n));
                dependencies.insert(id, names);
            }
        }
        let order = topological(&dependencies)?;
        let mut book = MetricBook {
            metrics,
            formulas: BTreeMap::new(),
            units: BTreeMap::new(),
            window_labels: BTreeMap::new(),
        };
        for (id, metric) in metrics {
            if metric.aggregate.is_some() {
                book.units.insert(id, metric.aggregate_unit());
            }
        }
        for id in order {
            let (key, metric) = metrics.get_key_value(id).expect("ordered ids are metrics");
            let text = metric
                .formula
                .as_deref()
                .expect("only formulas are ordered");
            let units = &book.units;
            let formula = Formula::check_in(
                text,
                &|name| {
                    if name == TARGET {
                        return Some(Type::Number(Unit::Number));
                    }
                    units.get(name).map(|u| Type::Number(*u))
                },
                &|| metrics.keys().cloned().chain([TARGET.to_owned()]).collect(),
                true,
            )
            .map_err(|e| e.at_path(format!("metrics.{id}.formula")))?;
            let unit = match (metric.unit, formula.result_type()) {
                (Some(unit), _) | (None, Type::Number(unit)) => unit,
                (None, Type::Null | Type::Any) => Unit::Number,
                (None, other) => {
                    return Err(Error::new(
                        ErrorKind::FormulaTypeMismatch,
                        format!(
                            "a metric's formula must give a number, not {}",
                            other.name()
                        ),
                    )
                    .at_path(format!("metrics.{id}.formula")));
                }
            };
            let mut not_a_sum = None;
            retained_in(formula.root(), &mut |m, node| {
                let sum = metrics.get(m).and_then(|d| d.aggregate) == Some(Aggregate::Sum);
                if !sum && not_a_sum.is_none() {
                    not_a_sum = Some((m.to_owned(), node.at));
                }
            });
            if let Some((m, at)) = not_a_sum {
                return Err(crate::formula::error_at(
                    ErrorKind::FormulaTypeMismatch,
                    text,
                    at,
                    &format!(
                        "`retained` and `cohort` follow the customers of a sum: `{m}` is not a `sum` metric"
                    ),
                )
                .at_path(format!("metrics.{id}.formula")));
            }
            book.units.insert(key, unit);
            book.formulas.insert(key, formula);
        }
        Ok(book)
    }

    /// The unit of a metric.
    pub(crate) fn unit(&self, metric: &str) -> Unit {
        self.units.get(metric).copied().unwrap_or(Unit::Number)
    }

    /// Whether `metric` reads the goal's `target`, directly or through the metrics it
    /// reads: such a metric (quota attainment, pipeline coverage) is already measured
    /// against the target, so its scorecard attainment is its own value.
    pub(crate) fn reads_target(&self, metric: &str) -> bool {
        self.formulas.get(metric).is_some_and(|f| {
            f.names()
                .iter()
                .any(|n| n == TARGET || (n != metric && self.reads_target(n)))
        })
    }

    /// For a metric that is a rate of change (`growth(revenue)`, `yoy(revenue)`): the
    /// function and the metric that changes.
    pub(crate) fn change_of(&self, metric: &str) -> Option<(&str, &str)> {
        self.formulas.get(metric).and_then(Formula::change_of)
    }

    /// The direction the metric declares, if any.
    pub(crate) fn direction(&self, metric: &str) -> Option<Direction> {
        self.metrics.get(metric).and_then(|m| m.direction)
    }

    /// Whether values of `metric` add up across scopes (a sum or a count), so that targets
    /// add up too.
    pub(crate) fn is_additive(&self, metric: &str) -> bool {
        self.metrics
            .get(metric)
            .and_then(|m| m.aggregate)
            .is_some_and(|a| matches!(a, Aggregate::Sum | Aggregate::Count))
    }

    /// Whether a goal's targets on `metric` add up over scopes and over the goal periods
    /// of a longer period: the metric adds up, or its target is a quota of an amount.
    /// That is a metric that reads `target` only where it is compared with, added to,
    /// taken from or divided by metrics that add up (`revenue / target`,
    /// `target - revenue`, `if(revenue >= target, …)`), and reads other such metrics
    /// only if their targets add up too (`quota_attainment * 100`). Quota attainment
    /// against 500,000 a month is then measured against 1,500,000 over a quarter; a
    /// target that is a rate (`win_rate / target`, `yoy(revenue) / target`) is not.
    pub(crate) fn target_adds_up(&self, metric: &str) -> bool {
        if self.is_additive(metric) {
            return true;
        }
        let Some(formula) = self.formulas.get(metric) else {
            return false;
        };
        if !self.reads_target(metric) {
            return false;
        }
        let is_target = |n: &Node| matches!(&n.kind, NodeKind::Name(name) if name == TARGET);
        let (mut targets, mut quotas, mut others_add_up) = (0, 0, true);
        formula.root().walk(&mut |n| match &n.kind {
            NodeKind::Name(name) if name == TARGET => targets += 1,
            NodeKind::Name(name) if name != metric && self.reads_target(name) => {
                others_add_up &= self.target_adds_up(name);
            }
            NodeKind::Binary(op, a, b) if !matches!(op, BinOp::Mul | BinOp::And | BinOp::Or) => {
                for (t, other) in [(a, b), (b, a)] {
                    if is_target(t) && self.sums(other) {
                        quotas += 1;
                    }
                }
            }
            _ => {}
        });
        others_add_up && quotas == targets
    }

    /// Whether `node` is metrics that add up, added or taken from each other.
    fn sums(&self, node: &Node) -> bool {
        match &node.kind {
            NodeKind::Name(name) => self.is_additive(name),
            NodeKind::Neg(a) => self.sums(a),
            NodeKind::Binary(BinOp::Add | BinOp::Sub, a, b) => self.sums(a) && self.sums(b),
            _ => false,
        }
    }

    /// The aggregate metrics `metric` is computed from (itself, for an aggregate).
    pub(crate) fn leaves(&self, metric: &str) -> BTreeSet<&'p str> {
        let mut out = BTreeSet::new();
        self.collect_leaves(metric, &mut out);
        out
    }

    fn collect_leaves(&self, metric: &str, out: &mut BTreeSet<&'p str>) {
        let Some((key, def)) = self.metrics.get_key_value(metric) else {
            return;
        };
        if def.aggregate.is_some() {
            out.insert(key);
        } else if let Some(formula) = self.formulas.get(metric) {
            for name in formula.names() {
                self.collect_leaves(name, out);
            }
        }
    }

    /// The value of `metric` over the measures of `scopes` (member ids or `unassigned`),
    /// with `target` as the goal's target; `None` is null. Period functions read the
    /// measures' windows, labelled as [`MetricBook::set_windows`] says. A value beyond
    /// the exact decimal range is an error (`data.overflow`) naming the metric.
    pub(crate) fn value(
        &self,
        metric: &str,
        scopes: &[&str],
        measures: &IndexedMeasures<'_>,
        target: Option<Decimal>,
    ) -> Result<Option<Decimal>> {
        let env = MetricEnv {
            book: self,
            scopes,
            measures,
            partials: &measures.of_period,
            target,
            in_window: false,
        };
        env.value(metric)
            .map_err(|e| in_metric(e, metric, scopes, &measures.period.label))
    }

    /// The value of `metric` over the measures of `scopes` in the window labelled `label`
    /// (or the period itself). Formulas of a window do not read further windows.
    pub(crate) fn value_in(
        &self,
        metric: &str,
        scopes: &[&str],
        measures: &IndexedMeasures<'_>,
        label: &str,
    ) -> Result<Option<Decimal>> {
        if label == measures.period.label {
            return self.value(metric, scopes, measures, None);
        }
        let Some(partials) = measures.partials(label) else {
            return Ok(None);
        };
        let env = MetricEnv {
            book: self,
            scopes,
            measures,
            partials,
            target: None,
            in_window: true,
        };
        env.value(metric)
            .map_err(|e| in_metric(e, metric, scopes, label))
    }

    /// The windows the plan's formulas read (`prev`, `yoy`, `to_date` …).
    pub(crate) fn windows(&self) -> BTreeSet<Window> {
        let mut out = BTreeSet::new();
        for formula in self.formulas.values() {
            windows_in(formula.root(), &mut out);
        }
        out
    }

    /// Says which window label each window has for the period being evaluated.
    pub(crate) fn set_windows(&mut self, labels: BTreeMap<Window, String>) {
        self.window_labels = labels;
    }
}

/// An error while computing `metric` for `scopes` in the period labelled `label`, saying so.
fn in_metric(error: Error, metric: &str, scopes: &[&str], label: &str) -> Error {
    let whom = match scopes {
        [one] => format!("`{one}`"),
        _ => format!("{} scopes", scopes.len()),
    };
    error
        .context(format_args!("metric `{metric}` for {whom} in {label}"))
        .or_at_path(|| format!("metrics.{metric}"))
}

/// Evaluates metrics for a set of scopes in one window of measures.
struct MetricEnv<'a, 'p> {
    book: &'a MetricBook<'p>,
    scopes: &'a [&'a str],
    measures: &'a IndexedMeasures<'a>,
    partials: &'a PartialIndex<'a>,
    target: Option<Decimal>,
    in_window: bool,
}

impl MetricEnv<'_, '_> {
    fn value(&self, metric: &str) -> Result<Option<Decimal>> {
        let Some(def) = self.book.metrics.get(metric) else {
            return Ok(None);
        };
        if let Some(aggregate) = def.aggregate {
            return aggregate_value(aggregate, self.merged(metric)?);
        }
        match self.book.formulas.get(metric) {
            Some(formula) => Ok(formula.evaluate_with(self)?.as_number()),
            None => Ok(None),
        }
    }

    /// The partial of aggregate `metric` over the scopes, merged.
    fn merged(&self, metric: &str) -> Result<Partial> {
        let scopes = self.partials.get(metric);
        let partial_of = |scope: &str| scopes.and_then(|m| m.get(scope)).copied();
        // One member's row (the common case): their partial as it is.
        if let [scope] = self.scopes {
            return Ok(partial_of(scope).cloned().unwrap_or_default());
        }
        let mut merged = Partial::default();
        for scope in self.scopes {
            if let Some(partial) = partial_of(scope) {
                merged.merge(partial)?;
            }
        }
        Ok(merged)
    }

    /// The partials of the window labelled for `window`, if the measures have it.
    fn window(&self, window: Window) -> Option<&PartialIndex<'_>> {
        (self.book.window_labels.get(&window)).and_then(|label| self.measures.partials(label))
    }
}

impl Env for MetricEnv<'_, '_> {
    fn name(&self, name: &str) -> Result<Value> {
        if name == TARGET {
            return Ok(Value::from(self.target));
        }
        Ok(Value::from(self.value(name)?))
    }

    fn in_window(&self, name: &str, window: Window) -> Result<Value> {
        // A window's own formulas do not reach further windows (no `prev(prev(m))`).
        if self.in_window {
            return Ok(Value::Null);
        }
        let Some(partials) = self.window(window) else {
            return Ok(Value::Null);
        };
        let env = MetricEnv {
            partials,
            in_window: true,
            ..*self
        };
        Ok(Value::from(env.value(name)?))
    }

    /// `retained(m)`: this period's sum of `m` over the customers whose sum of `m` was
    /// above zero in the same period a year earlier, in the same scopes; `cohort(m)`
    /// (`then`): those customers' sum of `m` a year earlier. Null without that year's
    /// measures.
    fn retained(&self, name: &str, then: bool) -> Result<Value> {
        if self.in_window {
            return Ok(Value::Null);
        }
        let Some(partials) = self.window(Window::LastYear) else {
            return Ok(Value::Null);
        };
        let before = MetricEnv {
            partials,
            in_window: true,
            ..*self
        }
        .merged(name)?;
        let now = if then { None } else { Some(self.merged(name)?) };
        let mut total = Decimal::ZERO;
        for (customer, base) in before
            .by_customer
            .iter()
            .filter(|(_, b)| **b > Decimal::ZERO)
        {
            let value = match &now {
                None => *base,
                Some(now) => now.by_customer.get(customer).copied().unwrap_or_default(),
            };
            total = crate::decimal::exact_add(total, value).or_overflow(|| {
                format!("the sum of `{name}` over the customers of a year earlier")
            })?;
        }
        Ok(Value::Number(total))
    }
}

/// The metrics that formulas read with `retained(m)` or `cohort(m)`, whose measures keep
/// their sums by customer. Formulas that do not parse read none (checking the plan reports them).
pub(crate) fn retained_metrics(metrics: &BTreeMap<String, MetricDef>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for text in metrics.values().filter_map(|m| m.formula.as_deref()) {
        if let Ok(root) = syntax::parse(text) {
            retained_in(&root, &mut |metric, _| {
                out.insert(metric.to_owned());
            });
        }
    }
    out
}

/// Calls `visit` with the metric and the node of each `retained(m)` and `cohort(m)` in
/// `root`.
fn retained_in(root: &Node, visit: &mut impl FnMut(&str, &Node)) {
    root.walk(&mut |n| {
        if let NodeKind::Call(function, args) = &n.kind
            && matches!(function.as_str(), "retained" | "cohort")
            && let Some(NodeKind::Name(metric)) = args.first().map(|a| &a.kind)
        {
            visit(metric, n);
        }
    });
}

fn windows_in(node: &Node, out: &mut BTreeSet<Window>) {
    node.walk(&mut |n| {
        let NodeKind::Call(name, args) = &n.kind else {
            return;
        };
        let window = match (name.as_str(), args.get(1).map(|a| &a.kind)) {
            ("prev" | "growth", _) => Some(Window::Prev),
            ("opening", _) => Some(Window::Before),
            ("same_period_last_year" | "yoy" | "retained" | "cohort", _) => Some(Window::LastYear),
            ("to_date", Some(NodeKind::Text(g))) => {
                crate::period::Grain::parse(g).map(Window::ToDate)
            }
            ("trailing", Some(NodeKind::Number(n))) => n.to_u32().map(Window::Trailing),
            _ => None,
        };
        out.extend(window);
    });
}

/// The value of an aggregate over a merged partial.
pub(crate) fn aggregate_value(aggregate: Aggregate, partial: Partial) -> Result<Option<Decimal>> {
    Ok(match aggregate {
        Aggregate::Sum => Some(partial.sum),
        Aggregate::Count => Some(partial.credited()?.normalize()),
        Aggregate::CountDistinct => Some(Decimal::from(partial.distinct.len())),
        Aggregate::Average => crate::decimal::ratio(partial.sum, partial.credited_with_values()?),
        Aggregate::Min => partial.min,
        Aggregate::Max => partial.max,
        Aggregate::Median => {
            // Every fact once: a fact split between owners is kept by its id.
            let mut values = partial.values;
            values.extend(partial.shared_values.into_values());
            values.sort_unstable();
            median_of_sorted(&values)
        }
    })
}

/// The middle value, or the mean of the two middle values, of sorted `values`.
fn median_of_sorted(values: &[Decimal]) -> Option<Decimal> {
    let n = values.len();
    if n % 2 == 1 {
        return values.get(n / 2).copied();
    }
    let (a, b) = (*values.get((n / 2).checked_sub(1)?)?, *values.get(n / 2)?);
    // The mean of two decimals always fits, though their sum may not.
    if let Some(sum) = a.try_add(b) {
        return crate::decimal::ratio(sum, Decimal::TWO);
    }
    let half = |x: Decimal| crate::decimal::ratio(x, Decimal::TWO);
    half(a)?.try_add(half(b)?).map(|d| d.normalize())
}

/// Formula metrics in dependency order; a cycle is an error naming it.
fn topological<'a>(dependencies: &BTreeMap<&'a str, BTreeSet<String>>) -> Result<Vec<&'a str>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit<'a>(
        id: &'a str,
        dependencies: &BTreeMap<&'a str, BTreeSet<String>>,
        marks: &mut BTreeMap<&'a str, Mark>,
        path: &mut Vec<&'a str>,
        order: &mut Vec<&'a str>,
    ) -> Result<()> {
        match marks.get(id) {
            Some(Mark::Done) => return Ok(()),
            Some(Mark::Visiting) => {
                let start = path.iter().position(|p| *p == id).unwrap_or(0);
                let cycle: Vec<&str> = path[start..].iter().copied().chain([id]).collect();
                return Err(Error::new(
                    ErrorKind::FormulaCycle,
                    format!(
                        "metrics refer to each other in a cycle: {}",
                        cycle.join(" → ")
                    ),
                )
                .at_path(format!("metrics.{id}.formula")));
            }
            None => {}
        }
        marks.insert(id, Mark::Visiting);
        path.push(id);
        for dependency in &dependencies[id] {
            if let Some((key, _)) = dependencies.get_key_value(dependency.as_str()) {
                visit(key, dependencies, marks, path, order)?;
            }
        }
        path.pop();
        marks.insert(id, Mark::Done);
        order.push(id);
        Ok(())
    }
    let mut marks = BTreeMap::new();
    let mut order = Vec::new();
    for id in dependencies.keys() {
        visit(id, dependencies, &mut marks, &mut Vec::new(), &mut order)?;
    }
    Ok(order)
}
