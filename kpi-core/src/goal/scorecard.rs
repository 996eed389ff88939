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
        let times = Decimal::from(times);
        let row = |scope, id: &str, name: &str, team: Option<&str>, members: &[&str]| {
            let target = (id != UNASSIGNED).then(|| goal.target_for(id) * times);
            let actual = input
                .book
                .value(&goal.metric, members, input.measures, target);
            ScorecardRow {
                goal: goal.id.clone(),
                metric: goal.metric.clone(),
                scope,
                id: id.to_owned(),
                name: name.to_owned(),
                team: team.map(str::to_owned),
                actual,
                target,
                attainment: actual.zip(target).and_then(|(a, t)| ratio(a, t)),
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
        let all: Vec<&str> = input
            .org
            .members
            .iter()
            .map(|m| m.id.as_str())
            .chain([UNASSIGNED])
            .collect();
        let first_row = rows.len();
        match goal.scope {
            ScopeKind::Company => {
                rows.push(row(ScopeKind::Company, "company", "Company", None, &all));
            }
            ScopeKind::Team => {
                for team in &input.org.teams {
                    let members: Vec<&str> = input
                        .org
                        .members
                        .iter()
                        .filter(|m| m.team == team.id)
                        .map(|m| m.id.as_str())
                        .collect();
                    rows.push(row(ScopeKind::Team, &team.id, &team.name, None, &members));
                }
            }
            ScopeKind::Member => {
                for member in &input.org.members {
                    rows.push(row(
                        ScopeKind::Member,
                        &member.id,
                        &member.name,
                        Some(&member.team),
                        &[member.id.as_str()],
                    ));
                }
            }
        }
        if unassigned_matched && goal.scope != ScopeKind::Company {
            rows.push(row(
                goal.scope,
                UNASSIGNED,
                "Unassigned",
                None,
                &[UNASSIGNED],
            ));
        }
        if goal.scope != ScopeKind::Company {
            let target = rollup_target(
                input.book.is_additive(&goal.metric),
                rows[first_row..].iter().filter_map(|r| r.target),
            );
            let actual = input.book.value(&goal.metric, &all, input.measures, target);
            rollups.push(ScorecardRow {
                goal: goal.id.clone(),
                metric: goal.metric.clone(),
                scope: ScopeKind::Company,
                id: "company".to_owned(),
                name: "Company".to_owned(),
                team: None,
                actual,
                target,
                attainment: actual.zip(target).and_then(|(a, t)| ratio(a, t)),
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
