//! Scorecard rows: each goal's actual, target and attainment for each scope.

use rust_decimal::Decimal;

use super::{Goal, GoalPeriod};
use crate::decimal::ratio;
use crate::measure::{Measures, Partial};
use crate::metric::Aggregate;
use crate::org::{Org, ScopeKind, UNASSIGNED};
use crate::period::{Calendar, Period};
use crate::report::ScorecardRow;

/// What the scorecard step needs to know of the plan.
pub(crate) struct ScorecardInput<'a> {
    pub calendar: &'a Calendar,
    pub org: &'a Org,
    pub measures: &'a Measures,
    pub period: &'a Period,
}

/// The value of a metric from its partial aggregate.
pub(crate) fn value_of(aggregate: Aggregate, partial: Partial) -> Decimal {
    match aggregate {
        Aggregate::Sum => partial.sum,
        Aggregate::Count => Decimal::from(partial.count),
    }
}

/// The rows of every goal that applies to the period, in plan order.
pub(crate) fn scorecards<'a>(
    input: &ScorecardInput<'_>,
    goals: impl Iterator<Item = (&'a Goal, GoalPeriod, Aggregate)>,
) -> Vec<ScorecardRow> {
    let mut rows = Vec::new();
    for (goal, goal_period, aggregate) in goals {
        let Some(times) = goal_period.multiplier(input.calendar, input.period) else {
            continue;
        };
        let times = Decimal::from(times);
        let value = |scopes: &mut dyn Iterator<Item = &str>| -> Decimal {
            scopes
                .map(|scope| value_of(aggregate, input.measures.get(&goal.metric, scope)))
                .sum()
        };
        let row = |scope, id: &str, name: &str, team: Option<&str>, actual: Decimal| {
            let target = (id != UNASSIGNED).then(|| goal.target_for(id) * times);
            ScorecardRow {
                goal: goal.id.clone(),
                metric: goal.metric.clone(),
                scope,
                id: id.to_owned(),
                name: name.to_owned(),
                team: team.map(str::to_owned),
                actual,
                target,
                attainment: target.and_then(|t| ratio(actual, t)),
            }
        };
        let unassigned_matched = input
            .measures
            .metrics
            .get(&goal.metric)
            .is_some_and(|scopes| scopes.contains_key(UNASSIGNED));
        match goal.scope {
            ScopeKind::Company => {
                let mut all = input
                    .org
                    .members
                    .iter()
                    .map(|m| m.id.as_str())
                    .chain([UNASSIGNED]);
                rows.push(row(
                    ScopeKind::Company,
                    "company",
                    "Company",
                    None,
                    value(&mut all),
                ));
            }
            ScopeKind::Team => {
                for team in &input.org.teams {
                    let mut members = input
                        .org
                        .members
                        .iter()
                        .filter(|m| m.team == team.id)
                        .map(|m| m.id.as_str());
                    rows.push(row(
                        ScopeKind::Team,
                        &team.id,
                        &team.name,
                        None,
                        value(&mut members),
                    ));
                }
            }
            ScopeKind::Member => {
                for member in &input.org.members {
                    let actual = value(&mut std::iter::once(member.id.as_str()));
                    rows.push(row(
                        ScopeKind::Member,
                        &member.id,
                        &member.name,
                        Some(&member.team),
                        actual,
                    ));
                }
            }
        }
        if unassigned_matched && goal.scope != ScopeKind::Company {
            let actual = value(&mut std::iter::once(UNASSIGNED));
            rows.push(row(goal.scope, UNASSIGNED, "Unassigned", None, actual));
        }
    }
    rows
}
