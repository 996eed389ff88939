//! Advances: incentives measured over a quarter and paid monthly, as a share of the
//! earnings to date with a true-up in the quarter's last month.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Incentive, PlanParts};
use crate::decimal::TryArithmetic;
use crate::decimal::{OrOverflow, checked_sum};
use crate::error::{Error, ErrorKind, Result};
use crate::period::Period;
use crate::report::Name;
use crate::report::{PayoutLine, Report, Statement};
use crate::text::{group_thousands, percent};

/// The incentives that pay advances in `period` (it is one of their advance periods,
/// inside one of their measurement periods), with that measurement period.
/// Whether an incentive pays an advance in `period` (its statements come after the report).
pub(crate) fn advances_in(parts: &PlanParts<'_>, period: &Period) -> bool {
    !advancing(parts, period).is_empty()
}

fn advancing<'p>(parts: &PlanParts<'p>, period: &Period) -> Vec<(&'p Incentive, Period)> {
    parts
        .incentives
        .iter()
        .filter_map(|incentive| {
            let advance = incentive.advance?;
            let measured = incentive.period?;
            (parts.calendar.count_within(advance.period, period) == Some(1)).then_some(())?;
            let outer = parts.calendar.period_of(period.start(), measured).ok()?;
            (outer.end() >= period.end()).then_some((incentive, outer))
        })
        .collect()
}

/// Advances need the facts (earnings to date of the measurement period), so measures of
/// one payout period cannot give them: an error rather than a statement without them.
pub(crate) fn refuse_advances_without_facts(parts: &PlanParts<'_>, period: &Period) -> Result<()> {
    match advancing(parts, period).first() {
        Some((incentive, _)) => Err(Error::new(
            ErrorKind::DataMeasuresMismatch,
            format!(
                "incentive `{}` pays advances on earnings to date, which the measures of {} cannot give: evaluate the facts instead",
                incentive.id,
                period.label()
            ),
        )),
        None => Ok(()),
    }
}

/// Adds the advance (or, in the measurement period's last payout period, the true-up)
/// lines of incentives paid in advance to `report`.
///
/// `evaluate_as_of` evaluates the plan for a measurement period as of a day: what each
/// member had earned by then (a callback, since evaluating is the plan's).
pub(crate) fn add_advances(
    parts: &PlanParts<'_>,
    period: &Period,
    report: &mut Report,
    evaluate_as_of: &dyn Fn(&Period, NaiveDate) -> Result<Report>,
) -> Result<()> {
    for (incentive, outer) in advancing(parts, period) {
        let Some(advance) = incentive.advance else {
            continue;
        };
        let earned_by = |day: Option<NaiveDate>| -> Result<Option<Report>> {
            match day {
                None => Ok(None),
                Some(day) => evaluate_as_of(&outer, day).map(Some),
            }
        };
        let last = period.end() == outer.end();
        let now = earned_by(Some(period.last_day()))?;
        let before = earned_by(
            (period.start() > outer.start())
                .then(|| period.start().pred_opt())
                .flatten(),
        )?;
        // What each member earned from the incentive by a day (the first statement of
        // each member), summed once rather than searched for per member.
        let earned_of = |report: &Option<Report>| -> Result<hashbrown::HashMap<Name, Decimal>> {
            let mut by_member = hashbrown::HashMap::new();
            for s in report.iter().flat_map(|r| &r.statements) {
                if by_member.contains_key(&s.member) {
                    continue;
                }
                let earned = checked_sum(
                    s.lines
                        .iter()
                        .filter(|l| l.incentive == incentive.id)
                        .map(|l| l.amount),
                )
                .or_overflow(|| format!("what `{}` earned to date", s.member))?;
                by_member.insert(s.member.clone(), earned);
            }
            Ok(by_member)
        };
        let (now, before) = (earned_of(&now)?, earned_of(&before)?);
        let earned = |by_member: &hashbrown::HashMap<Name, Decimal>, member: &str| {
            by_member.get(member).copied().unwrap_or_default()
        };
        for (member, _) in parts.org.members_in(period.start(), period.end()) {
            let to_date = earned(&now, &member.id);
            let what = || format!("the advance of `{}`", member.id);
            let share_of = |earned: Decimal| advance.share.try_mul(earned).or_overflow(what);
            let advanced = parts
                .rounding
                .apply(share_of(earned(&before, &member.id))?)?;
            let line = if last {
                let amount = parts
                    .rounding
                    .apply(to_date.try_sub(advanced).or_overflow(what)?)?;
                advance_line(
                    incentive,
                    ("true_up", None, to_date, amount),
                    format!(
                        "true-up: {} earnings {} less {} advanced = {}",
                        outer.label(),
                        group_thousands(to_date),
                        group_thousands(advanced),
                        group_thousands(amount)
                    ),
                    format!(
                        "结算：{} 收入 {} 减去已预付 {} = {}",
                        outer.label(),
                        group_thousands(to_date),
                        group_thousands(advanced),
                        group_thousands(amount)
                    ),
                )
            } else {
                let amount = parts
                    .rounding
                    .apply(share_of(to_date)?)?
                    .try_sub(advanced)
                    .or_overflow(what)?;
                advance_line(
                    incentive,
                    ("advance", Some(advance.share), to_date, amount),
                    format!(
                        "advance: {} of {} earnings to date {} less {} advanced = {}",
                        percent(advance.share),
                        outer.label(),
                        group_thousands(to_date),
                        group_thousands(advanced),
                        group_thousands(amount)
                    ),
                    format!(
                        "预付：{} 截至目前收入 {} 的 {}，减去已预付 {} = {}",
                        outer.label(),
                        group_thousands(to_date),
                        percent(advance.share),
                        group_thousands(advanced),
                        group_thousands(amount)
                    ),
                )
            };
            push_line(report, member, line, parts.rounding)?;
        }
    }
    Ok(())
}

fn advance_line(
    incentive: &Incentive,
    (kind, rate, basis, amount): (&str, Option<Decimal>, Decimal, Decimal),
    explanation: String,
    explanation_zh: String,
) -> PayoutLine {
    PayoutLine {
        incentive: Name::new(&incentive.id),
        component: None,
        kind: Name::new(kind),
        metric: None,
        goal: None,
        basis,
        rate,
        tier: None,
        amount,
        explanation: explanation.into(),
        explanation_zh: explanation_zh.into(),
    }
}

/// Adds `line` to `member`'s statement (creating it in org order) and updates the total.
fn push_line(
    report: &mut Report,
    member: &crate::org::Member,
    line: PayoutLine,
    rounding: crate::decimal::Rounding,
) -> Result<()> {
    let index = if let Some(i) = report.statements.iter().position(|s| s.member == member.id) {
        i
    } else {
        report.statements.push(Statement {
            member: Name::new(&member.id),
            name: Name::new(&member.name),
            team: Name::new(&member.team),
            lines: Vec::new(),
            total: Decimal::ZERO,
            balances: std::collections::BTreeMap::new(),
            #[cfg(feature = "pay-cycle")]
            adjustments: Vec::new(),
            #[cfg(feature = "pay-cycle")]
            disputes: Vec::new(),
        });
        report.statements.len() - 1
    };
    let statement = &mut report.statements[index];
    statement.lines.push(line);
    let total = checked_sum(statement.lines.iter().map(|l| l.amount))
        .or_overflow(|| format!("the statement total of `{}`", member.id))?;
    statement.total = rounding.apply(total)?;
    Ok(())
}
