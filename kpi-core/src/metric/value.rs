//! The metric book: a plan's metrics checked together (formulas typed, cycles refused),
//! and the value of any metric for any set of members from measured partials.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::{Aggregate, MetricDef};
use crate::error::{Error, ErrorKind, Result};
use crate::formula::syntax::{self, Node, NodeKind};
use crate::formula::{Formula, Type, Unit, Value};
use crate::measure::{Measures, Partial};

/// The name a formula metric uses for the target of the goal being scored.
pub(crate) const TARGET: &str = "target";

/// A plan's metrics, checked as a whole.
#[derive(Debug)]
pub(crate) struct MetricBook<'p> {
    metrics: &'p BTreeMap<String, MetricDef>,
    formulas: BTreeMap<&'p str, Formula>,
    units: BTreeMap<&'p str, Unit>,
}

fn names_in(node: &Node, out: &mut BTreeSet<String>) {
    match &node.kind {
        NodeKind::Name(name) => {
            out.insert(name.clone());
        }
        NodeKind::Neg(a) | NodeKind::Not(a) => names_in(a, out),
        NodeKind::Binary(_, a, b) => {
            names_in(a, out);
            names_in(b, out);
        }
        NodeKind::In(a, items) => {
            names_in(a, out);
            for item in items {
                names_in(item, out);
            }
        }
        NodeKind::Call(_, args) => {
            for arg in args {
                names_in(arg, out);
            }
        }
        _ => {}
    }
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
            let formula = Formula::check_with(
                text,
                &|name| {
                    if name == TARGET {
                        return Some(Type::Number(Unit::Number));
                    }
                    units.get(name).map(|u| Type::Number(*u))
                },
                &|| metrics.keys().cloned().chain([TARGET.to_owned()]).collect(),
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
            book.units.insert(key, unit);
            book.formulas.insert(key, formula);
        }
        Ok(book)
    }

    /// Whether values of `metric` add up across scopes (a sum or a count), so that targets
    /// add up too.
    pub(crate) fn is_additive(&self, metric: &str) -> bool {
        self.metrics
            .get(metric)
            .and_then(|m| m.aggregate)
            .is_some_and(|a| matches!(a, Aggregate::Sum | Aggregate::Count))
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
    /// with `target` as the goal's target; `None` is null.
    pub(crate) fn value(
        &self,
        metric: &str,
        scopes: &[&str],
        measures: &Measures,
        target: Option<Decimal>,
    ) -> Option<Decimal> {
        let def = self.metrics.get(metric)?;
        if let Some(aggregate) = def.aggregate {
            let mut merged = Partial::default();
            for scope in scopes {
                if let Some(partial) = measures.metrics.get(metric).and_then(|m| m.get(*scope)) {
                    merged.merge(partial);
                }
            }
            return aggregate_value(aggregate, merged);
        }
        let formula = self.formulas.get(metric)?;
        let lookup = |name: &str| {
            if name == TARGET {
                return Value::from(target);
            }
            Value::from(self.value(name, scopes, measures, target))
        };
        formula.evaluate_with(&lookup).as_number()
    }
}

/// The value of an aggregate over a merged partial.
pub(crate) fn aggregate_value(aggregate: Aggregate, partial: Partial) -> Option<Decimal> {
    let with_values = partial.count - partial.missing;
    match aggregate {
        Aggregate::Sum => Some(partial.sum),
        Aggregate::Count => Some(Decimal::from(partial.count)),
        Aggregate::CountDistinct => Some(Decimal::from(partial.distinct.len())),
        Aggregate::Average => crate::decimal::ratio(partial.sum, Decimal::from(with_values)),
        Aggregate::Min => partial.min,
        Aggregate::Max => partial.max,
        Aggregate::Median => {
            let mut values = partial.values;
            values.sort_unstable();
            let n = values.len();
            match n {
                0 => None,
                _ if n % 2 == 1 => Some(values[n / 2]),
                _ => crate::decimal::ratio(values[n / 2 - 1] + values[n / 2], Decimal::TWO),
            }
        }
    }
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
