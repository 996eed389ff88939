//! The properties kpi relies on, as checks a property test calls on its own inputs. Each
//! returns `Err` with a message naming what broke, so `?` inside `proptest!` reports it
//! with the shrunk input.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rust_decimal::Decimal;

use crate::fact::{FactRecord, FactTable};
use crate::formula::{Formula, Type, Value};
use crate::incentive::evaluate_component;
use crate::metric::Aggregate;
use crate::org::ScopeKind;
use crate::period::{Calendar, Grain, Period};
use crate::plan::Plan;

fn fail(what: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(what.to_string())
}

/// The plan passes its checks, compiles, and reads back equal from its own TOML and
/// JSON.
pub fn plan_round_trips(plan: &Plan) -> Result<(), TestCaseError> {
    plan.check()
        .map_err(|e| fail(format!("the plan does not check: {e}")))?;
    let toml = plan.to_toml();
    let again =
        Plan::from_toml(&toml).map_err(|e| fail(format!("its TOML does not read: {e}\n{toml}")))?;
    prop_assert_eq!(&again, plan, "the TOML round trip changed the plan");
    let json = plan.to_json();
    let again = Plan::from_json(&json).map_err(|e| fail(format!("its JSON does not read: {e}")))?;
    prop_assert_eq!(&again, plan, "the JSON round trip changed the plan");
    plan.clone()
        .compile()
        .map_err(|e| fail(format!("the plan does not compile: {e}")))?;
    Ok(())
}

/// Evaluating `facts` for `period` obeys the laws every report rests on:
///
/// - the facts' order does not matter;
/// - measuring two parts of the facts and merging the measures, in either order, is
///   measuring them all;
/// - the compiled plan measures and evaluates exactly like the plan;
/// - for goals on a `sum` or `count` metric, a company goal's actual is the sum of the
///   member goal's rows (with `unassigned`), and each team's is the sum of its members'
///   (checked when no member changes team);
/// - attainment is exactly actual ÷ target (2 − actual ÷ target, at least 0, when lower
///   is better; formula metrics left out).
///
/// Errors (an overflow, a bad fact) must be the same whichever way the facts are read.
pub fn evaluation_laws(
    plan: &Plan,
    facts: &[FactRecord],
    period: &Period,
) -> Result<(), TestCaseError> {
    let table = |records: &[FactRecord]| {
        FactTable::from_records(records.to_vec())
            .map_err(|e| fail(format!("the facts do not read: {e}")))
    };
    let whole = table(facts)?;
    let report = plan.evaluate(&whole, period);
    let mut reversed: Vec<FactRecord> = facts.to_vec();
    reversed.reverse();
    prop_assert_eq!(
        &plan.evaluate(&table(&reversed)?, period),
        &report,
        "the facts' order changed the report"
    );
    let compiled = plan
        .clone()
        .compile()
        .map_err(|e| fail(format!("the plan does not compile: {e}")))?;
    prop_assert_eq!(
        &compiled.evaluate(&whole, period),
        &report,
        "the compiled plan evaluates differently"
    );
    let Ok(report) = report else {
        return Ok(());
    };
    let cut = facts.len() / 2;
    let measure = |records: &[FactRecord]| -> Result<_, TestCaseError> {
        plan.measure(&table(records)?, period).map_err(|e| {
            fail(format!(
                "measuring a part failed where the whole did not: {e}"
            ))
        })
    };
    let (left, right) = (measure(&facts[..cut])?, measure(&facts[cut..])?);
    let mut left_right = left.clone();
    left_right.merge(&right).map_err(fail)?;
    let mut right_left = right;
    right_left.merge(&left).map_err(fail)?;
    prop_assert_eq!(
        &left_right,
        &right_left,
        "merging measures is not commutative"
    );
    prop_assert_eq!(
        plan.evaluate_measures(&left_right).map_err(fail)?,
        report.clone(),
        "merged partial measures evaluate differently from the whole"
    );
    roll_ups_add_up(plan, &report)?;
    attainment_is_actual_over_target(plan, &report)
}

/// Attainment is actual ÷ target when higher is better, and `max(2 − actual ÷ target, 0)`
/// when lower is better; formula metrics (which may read `target` and give attainment
/// themselves) are left out.
fn attainment_is_actual_over_target(
    plan: &Plan,
    report: &crate::report::Report,
) -> Result<(), TestCaseError> {
    let defs = plan.metric_defs().map_err(fail)?;
    for row in &report.scorecards {
        if defs
            .get(row.metric.as_str())
            .is_none_or(|d| d.formula.is_some())
        {
            continue;
        }
        let (Some(actual), Some(target), Some(attainment)) =
            (row.actual, row.target, row.attainment)
        else {
            continue;
        };
        let Some(ratio) = actual.checked_div(target) else {
            continue;
        };
        let expected = match row.direction {
            crate::goal::Direction::Higher => ratio,
            crate::goal::Direction::Lower => Decimal::TWO
                .checked_sub(ratio)
                .unwrap_or(Decimal::ZERO)
                .max(Decimal::ZERO),
        };
        prop_assert_eq!(
            attainment,
            expected.normalize(),
            "attainment of {} {}",
            row.goal,
            row.id
        );
    }
    Ok(())
}

fn roll_ups_add_up(plan: &Plan, report: &crate::report::Report) -> Result<(), TestCaseError> {
    let defs = plan.metric_defs().map_err(fail)?;
    let additive = |metric: &str| {
        defs.get(metric).is_some_and(|d| {
            matches!(d.aggregate, Some(Aggregate::Sum | Aggregate::Count)) && d.formula.is_none()
        })
    };
    let one_stint_each = {
        let mut seen = std::collections::BTreeSet::new();
        plan.org.members.iter().all(|m| seen.insert(m.id.as_str()))
    };
    let goals_on = |scope: ScopeKind| {
        plan.goals
            .iter()
            .filter(move |g| g.scope == Some(scope) && g.metric.as_deref().is_some_and(additive))
    };
    for member_goal in goals_on(ScopeKind::Member) {
        let rows: Vec<_> = report
            .scorecards
            .iter()
            .filter(|r| r.goal == member_goal.id.as_str())
            .collect();
        if rows.is_empty() {
            continue;
        }
        for other in plan
            .goals
            .iter()
            .filter(|g| g.metric == member_goal.metric && g.period == member_goal.period)
        {
            for row in report
                .scorecards
                .iter()
                .filter(|r| r.goal == other.id.as_str())
            {
                let sum = |parts: &mut dyn Iterator<Item = Decimal>| {
                    let mut total = Decimal::ZERO;
                    for part in parts {
                        total = total.checked_add(part)?;
                    }
                    Some(total)
                };
                let expected = match other.scope {
                    Some(ScopeKind::Company) => sum(&mut rows.iter().filter_map(|r| r.actual)),
                    Some(ScopeKind::Team) if one_stint_each && row.id != crate::org::UNASSIGNED => {
                        sum(&mut rows
                            .iter()
                            .filter(|r| r.team.as_ref().is_some_and(|t| *t == row.id))
                            .filter_map(|r| r.actual))
                    }
                    _ => continue,
                };
                // A sum beyond the exact range would have failed the report itself.
                let Some(expected) = expected else { continue };
                prop_assert_eq!(
                    row.actual.unwrap_or(Decimal::ZERO),
                    expected,
                    "goal {} for {} is not the sum of goal {}'s rows",
                    other.id,
                    row.id,
                    member_goal.id
                );
            }
        }
    }
    Ok(())
}

/// `date`'s period of `grain` in `calendar` holds the date, its label reads back as it,
/// `next` and `prev` undo each other, and consecutive periods tile the timeline.
pub fn period_laws(
    calendar: &Calendar,
    date: NaiveDate,
    grain: Grain,
) -> Result<(), TestCaseError> {
    let period = calendar.period_of(date, grain).map_err(fail)?;
    prop_assert!(
        period.contains(date),
        "{} does not hold {date}",
        period.label()
    );
    prop_assert_eq!(
        &calendar.parse_period(&period.label()).map_err(fail)?,
        &period
    );
    // The last period of the supported range has no next one.
    if let Ok(next) = period.next() {
        prop_assert_eq!(&next.prev().map_err(fail)?, &period);
        prop_assert_eq!(
            next.start(),
            period.end(),
            "{} and {} do not tile",
            period.label(),
            next.label()
        );
    }
    prop_assert_eq!(
        &calendar.period_of(period.last_day(), grain).map_err(fail)?,
        &period
    );
    prop_assert!(period.start() < period.end());
    Ok(())
}

/// Checking `text` against `names` either fails with a `formula.*` code and a line, or
/// gives a formula whose evaluation with `values` is a value of its declared type,
/// `null`, or the error `data.overflow`; checking twice gives the same formula.
pub fn formula_laws(
    text: &str,
    names: &BTreeMap<String, Type>,
    values: &BTreeMap<String, Value>,
) -> Result<(), TestCaseError> {
    let formula = match Formula::check(text, names) {
        Ok(formula) => formula,
        Err(e) => {
            prop_assert!(e.code().starts_with("formula."), "{text}: {e}");
            prop_assert!(e.location().line.is_some(), "{text}: no line in {e}");
            return Ok(());
        }
    };
    let again = Formula::check(text, names).ok();
    prop_assert_eq!(
        again.as_ref(),
        Some(&formula),
        "checking {} twice differs",
        text
    );
    match formula.evaluate(values) {
        Ok(Value::Null) => {}
        Ok(value) => {
            let kind = |t: Type| match t {
                Type::Number(_) => "number",
                other => other.name(),
            };
            let want = kind(formula.result_type());
            prop_assert!(
                want == "any" || kind(Type::of(&value)) == want,
                "{text} is a {want} but evaluated to {value:?}"
            );
        }
        Err(e) => prop_assert_eq!(e.code(), "data.overflow", "{}: {}", text, e),
    }
    Ok(())
}

/// The plan's design check succeeds, and every case of every counterexample, priced by
/// `evaluate_component` on the component at the finding's path, pays what the finding
/// says.
pub fn design_counterexamples_reprice(plan: &Plan) -> Result<(), TestCaseError> {
    let findings = plan
        .design_check()
        .map_err(|e| fail(format!("the design check failed: {e}")))?;
    for finding in &findings {
        let digits: Vec<usize> = finding
            .path
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|s| s.parse().ok())
            .collect();
        let component = match digits[..] {
            [i, j] => plan
                .incentives
                .get(i)
                .and_then(|incentive| incentive.components.get(j)),
            _ => None,
        }
        .ok_or_else(|| fail(format!("{}: no component at the path", finding.path)))?;
        for case in &finding.counterexample.cases {
            let paid = evaluate_component(component, &case.inputs, plan.rounding).map_err(|e| {
                fail(format!(
                    "{}: {} does not price: {e}",
                    finding.path, case.role
                ))
            })?;
            prop_assert_eq!(
                paid.amount,
                case.paid,
                "{} {}: the case {} re-prices differently",
                finding.code,
                finding.path,
                case.role
            );
        }
    }
    Ok(())
}
