//! Scorecard rows: each goal's actual, target and attainment for each scope.

use rust_decimal::Decimal;

use super::{Goal, GoalPeriod};
use crate::decimal::ratio;
use crate::measure::Measures;
use crate::metric::MetricBook;
use crate::org::{Org, ScopeKind, UNASSIGNED};
use crate::period::{Calendar, Period};
use crate::report::ScorecardRow;

/// What the scorecard step needs to know of the plan.
pub(crate) struct ScorecardInput<'a> {
    pub calendar: &'a Calendar,
    pub org: &'a Org,
    pub book: &'a MetricBook<'a>,
    pub measures: &'a Measures,
    pub period: &'a Period,
}

/// The rows of every goal that applies to the period, in plan order, and the company
/// roll-ups of the member and team goals.
pub(crate) fn scorecards<'a>(
    input: &ScorecardInput<'_>,
    goals: impl Iterator<Item = (&'a Goal, GoalPeriod)>,
) -> (Vec<ScorecardRow>, Vec<ScorecardRow>) {
    let mut rows = Vec::new();
    let mut rollups = Vec::new();
    for (goal, goal_period) in goals {
        let Some(times) = goal_period.multiplier(input.calendar, input.period) else {
            continue;
        };
        // A recurring target adds up over a longer period only for a metric that adds up:
        // 500,000 a month is 1,500,000 a quarter, but 90% CSAT a month is 90% a quarter.
        let additive = input.book.is_additive(&goal.metric);
        let times = if additive {
            Decimal::from(times)
        } else {
            Decimal::ONE
        };
        let unit = input.book.unit(&goal.metric);
        let reads_target = input.book.reads_target(&goal.metric);
        let attainment_of = move |actual: Option<Decimal>, target: Option<Decimal>| {
            if reads_target {
                actual
            } else {
                actual.zip(target).and_then(|(a, t)| ratio(a, t))
            }
        };
        let row = |scope, id: &str, name: &str, team: Option<&str>, members: &[&str]| {
            let target = (id != UNASSIGNED).then(|| goal.target_for(id) * times);
            let actual = input
                .book
                .value(&goal.metric, members, input.measures, target);
            ScorecardRow {
                goal: goal.id.clone(),
                metric: goal.metric.clone(),
                unit,
                scope,
                id: id.to_owned(),
                name: name.to_owned(),
                team: team.map(str::to_owned),
                actual,
                target,
                attainment: attainment_of(actual, target),
            }
        };
        // `unassigned` gets a row when facts outside the org fed any metric behind the goal.
        let unassigned_matched = input.book.leaves(&goal.metric).iter().any(|leaf| {
            input
                .measures
                .metrics
                .get(*leaf)
                .is_some_and(|scopes| scopes.contains_key(UNASSIGNED))
        });
        let first_row = rows.len();
        for scope in scopes_of(input.org, goal.scope, input.period) {
            let keys: Vec<&str> = scope.members.iter().map(String::as_str).collect();
            rows.push(row(goal.scope, scope.id, scope.name, scope.team, &keys));
        }
        if let Some(dimension) = goal.dimension.as_deref() {
            for (key, value) in dimension_scopes(input, &goal.metric, dimension) {
                // Facts without a value are scored too, as `(none)`: nothing is dropped.
                let id = if value.is_empty() {
                    "(none)"
                } else {
                    value.as_str()
                };
                rows.push(row(ScopeKind::Dimension, id, id, None, &[key.as_str()]));
            }
        }
        if unassigned_matched && matches!(goal.scope, ScopeKind::Team | ScopeKind::Member) {
            rows.push(row(
                goal.scope,
                UNASSIGNED,
                "Unassigned",
                None,
                &[UNASSIGNED],
            ));
        }
        if goal.scope != ScopeKind::Company {
            let target = rollup_target(additive, rows[first_row..].iter().filter_map(|r| r.target));
            let everyone = &scopes_of(input.org, ScopeKind::Company, input.period)[0].members;
            let keys: Vec<&str> = everyone.iter().map(String::as_str).collect();
            let actual = input
                .book
                .value(&goal.metric, &keys, input.measures, target);
            rollups.push(ScorecardRow {
                goal: goal.id.clone(),
                metric: goal.metric.clone(),
                unit,
                scope: ScopeKind::Company,
                id: "company".to_owned(),
                name: "Company".to_owned(),
                team: None,
                actual,
                target,
                attainment: attainment_of(actual, target),
            });
        }
    }
    (rows, rollups)
}

/// The company target of a member or team goal: the sum of the targets for a metric that
/// adds up (a sum or a count); otherwise the common target when every scope has the same
/// one (a 90% CSAT goal for every team is a 90% goal for the company), else none.
fn rollup_target(additive: bool, targets: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    let targets: Vec<Decimal> = targets.collect();
    if additive {
        return Some(targets.iter().copied().sum());
    }
    let first = *targets.first()?;
    targets.iter().all(|t| *t == first).then_some(first)
}

/// The values of `dimension` that facts behind `metric` hold in the measures, in order,
/// with their measures keys (`attributes.region=华东`).
fn dimension_scopes(
    input: &ScorecardInput<'_>,
    metric: &str,
    dimension: &str,
) -> Vec<(String, String)> {
    let prefix = format!("{dimension}=");
    let mut values = std::collections::BTreeMap::new();
    for leaf in input.book.leaves(metric) {
        for key in input
            .measures
            .metrics
            .get(leaf)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            if let Some(value) = key.strip_prefix(&prefix) {
                values.insert(value.to_owned(), key.clone());
            }
        }
    }
    values
        .into_iter()
        .map(|(value, key)| (key, value))
        .collect()
}

/// One scope a goal is scored for.
struct Scope<'a> {
    id: &'a str,
    name: &'a str,
    team: Option<&'a str>,
    members: Vec<String>,
}

/// The company, each team or each member, in org order, with the stint keys they cover:
/// a member who moved counts in each team for the facts of their time there.
fn scopes_of<'a>(org: &'a Org, kind: ScopeKind, period: &Period) -> Vec<Scope<'a>> {
    if kind == ScopeKind::Dimension {
        return Vec::new(); // dimension scopes come from the measures: see `dimension_scopes`
    }
    let keys = org.stint_keys();
    let all: Vec<String> = keys
        .iter()
        .cloned()
        .chain([UNASSIGNED.to_owned()])
        .collect();
    match kind {
        ScopeKind::Company => vec![Scope {
            id: "company",
            name: "Company",
            team: None,
            members: all,
        }],
        ScopeKind::Team => org
            .teams
            .iter()
            .map(|team| Scope {
                id: &team.id,
                name: &team.name,
                team: None,
                members: org
                    .members
                    .iter()
                    .zip(&keys)
                    .filter(|(m, _)| m.team == team.id)
                    .map(|(_, key)| key.clone())
                    .collect(),
            })
            .collect(),
        ScopeKind::Dimension => Vec::new(),
        ScopeKind::Member => org
            .members_in(period.start(), period.end())
            .into_iter()
            .map(|(m, keys)| Scope {
                id: &m.id,
                name: &m.name,
                team: Some(&m.team),
                members: keys,
            })
            .collect(),
    }
}
