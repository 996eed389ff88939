//! True-ups: each settled period priced again with today's facts, less everything paid
//! for it, as adjustment lines on the current statements.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{FactDigest, LineDifference, SettledLine, SettledStatement, Settlement};
use crate::decimal::{OrOverflow, TryArithmetic, checked_sum};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::FactTable;
use crate::maps::{IntoMap, IntoSet};
use crate::period::Period;
use crate::plan::CompiledPlan;
use crate::report::{
    Adjustment, Balances, FactChange, Locale, Name, Report, Statement, group_thousands,
};

/// A line's place: member, incentive, component.
type LineKey = (String, String, Option<usize>);

/// The statement of a report as a settlement stores it.
pub(super) fn settled(statement: &Statement) -> SettledStatement {
    SettledStatement {
        member: statement.member.to_string(),
        lines: statement
            .lines
            .iter()
            .map(|line| SettledLine {
                period: None,
                incentive: line.incentive.to_string(),
                component: line.component,
                kind: line.kind.to_string(),
                amount: line.amount,
            })
            .collect(),
        adjustments: statement
            .adjustments
            .iter()
            .map(|a| SettledLine {
                period: Some(a.period.to_string()),
                incentive: a.incentive.to_string(),
                component: a.component,
                kind: a.kind.to_string(),
                amount: a.amount,
            })
            .collect(),
        total: statement.total,
        balances: statement.balances.clone(),
    }
}

/// The draw balances the latest settlement ending by `period`'s start carried out.
pub(super) fn carried_in(settlements: &[Settlement], period: &Period) -> Balances {
    settlements
        .iter()
        .filter(|s| s.period.end <= period.start())
        .max_by_key(|s| s.period.end)
        .map(|s| {
            s.statements
                .iter()
                .filter(|st| !st.balances.is_empty())
                .map(|st| (st.member.clone(), st.balances.clone()))
                .into_map()
        })
        .unwrap_or_default()
}

/// One settlement per period, and none of a period that overlaps the one evaluated.
fn check_settlements(settlements: &[Settlement], period: &Period) -> Result<()> {
    for (i, settlement) in settlements.iter().enumerate() {
        let at = |e: Error| e.at_path(format!("settlements[{i}]"));
        settlement
            .check()
            .map_err(|e| super::under(&e, &format!("settlements[{i}]")))?;
        let (start, end) = (settlement.period.start, settlement.period.end);
        if start < period.end() && period.start() < end {
            return Err(at(Error::new(
                ErrorKind::DataPeriodLocked,
                format!(
                    "{} is closed (approved by {} at {}) and overlaps {}: a closed period is not paid again; evaluate a later period to true it up",
                    settlement.period.label,
                    crate::decimal::shorten(&settlement.approval.by, 60),
                    crate::decimal::shorten(&settlement.approval.at, 40),
                    period.label()
                ),
            )));
        }
        if let Some(other) = settlements[..i]
            .iter()
            .position(|o| o.period.start < end && start < o.period.end)
        {
            return Err(at(Error::new(
                ErrorKind::DataInvalidSettlement,
                format!(
                    "{} overlaps settlements[{other}] ({}): a period is closed once",
                    settlement.period.label, settlements[other].period.label
                ),
            )));
        }
    }
    Ok(())
}

/// Each line's amount by place, and its kind.
fn lines_of<'a>(
    statements: impl Iterator<Item = (&'a str, &'a str, Option<usize>, &'a str, Decimal)>,
) -> Result<BTreeMap<LineKey, (String, Decimal)>> {
    let mut lines: BTreeMap<LineKey, (String, Decimal)> = BTreeMap::new();
    for (member, incentive, component, kind, amount) in statements {
        let entry = lines
            .entry((member.to_owned(), incentive.to_owned(), component))
            .or_insert_with(|| (kind.to_owned(), Decimal::ZERO));
        entry.1 = entry
            .1
            .try_add(amount)
            .or_overflow(|| format!("the paid amount of `{member}` for `{incentive}`"))?;
    }
    Ok(lines)
}

/// What a report's statements come to, line by line.
fn report_lines(report: &Report) -> Result<BTreeMap<LineKey, (String, Decimal)>> {
    lines_of(report.statements.iter().flat_map(|s| {
        s.lines.iter().map(move |l| {
            (
                s.member.as_str(),
                l.incentive.as_str(),
                l.component,
                l.kind.as_str(),
                l.amount,
            )
        })
    }))
}

/// Everything paid for `settlement`'s period: its own lines, and the adjustments for it
/// that the other settlements paid.
fn paid_lines(
    settlement: &Settlement,
    settlements: &[Settlement],
) -> Result<BTreeMap<LineKey, (String, Decimal)>> {
    let own = settlement.statements.iter().flat_map(|s| {
        s.lines.iter().map(move |l| {
            (
                s.member.as_str(),
                l.incentive.as_str(),
                l.component,
                l.kind.as_str(),
                l.amount,
            )
        })
    });
    let label = settlement.period.label.as_str();
    let later = settlements.iter().flat_map(|other| {
        other.statements.iter().flat_map(move |s| {
            s.adjustments
                .iter()
                .filter(move |a| a.period.as_deref() == Some(label))
                .map(move |a| {
                    (
                        s.member.as_str(),
                        a.incentive.as_str(),
                        a.component,
                        a.kind.as_str(),
                        a.amount,
                    )
                })
        })
    });
    lines_of(own.chain(later))
}

/// The lines of the settled statements that price differently in `report`.
pub(super) fn differences(settlement: &Settlement, report: &Report) -> Vec<LineDifference> {
    let settled = settlement.statements.iter().flat_map(|s| {
        s.lines.iter().map(move |l| {
            (
                s.member.as_str(),
                l.incentive.as_str(),
                l.component,
                l.kind.as_str(),
                l.amount,
            )
        })
    });
    // Sums of amounts that each fit (they were paid or priced) fit when grouped by line,
    // unless a stored settlement was made up: then every line differs.
    let (Ok(then), Ok(now)) = (lines_of(settled), report_lines(report)) else {
        return vec![LineDifference {
            member: String::new(),
            incentive: None,
            component: None,
            settled: Decimal::ZERO,
            now: Decimal::ZERO,
        }];
    };
    let keys = then.keys().chain(now.keys()).into_set();
    keys.into_iter()
        .filter_map(|key| {
            let settled = then.get(key).map_or(Decimal::ZERO, |l| l.1);
            let now = now.get(key).map_or(Decimal::ZERO, |l| l.1);
            (settled != now).then(|| LineDifference {
                member: key.0.clone(),
                incentive: Some(key.1.clone()),
                component: key.2,
                settled,
                now,
            })
        })
        .collect()
}

/// The facts that changed in a settled period since it closed: the compared digests.
struct Changes<'a> {
    then: &'a FactDigest,
    now: FactDigest,
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<String>,
}

impl Changes<'_> {
    /// The changes of facts `member` owned then or owns now, and how many others changed.
    fn of(&self, member: &str, facts: &FactTable) -> (Vec<FactChange>, usize) {
        let owned = |id: &str| {
            [self.then.owners.get(member), self.now.owners.get(member)]
                .into_iter()
                .flatten()
                .any(|ids| ids.contains_key(id))
        };
        // By id: the changes in id order.
        let mut mine = BTreeMap::new();
        let mut others = 0;
        for (ids, change) in [
            (&self.added, "added"),
            (&self.removed, "removed"),
            (&self.changed, "changed"),
        ] {
            for id in ids {
                if !owned(id) {
                    others += 1;
                    continue;
                }
                let record = (change != "removed")
                    .then(|| facts.row_of(id).and_then(|row| facts.record(row)))
                    .flatten();
                mine.insert(
                    id,
                    FactChange {
                        fact: Name::new(id),
                        change: Name::new(change),
                        kind: record.as_ref().map(|r| Name::new(&r.kind)),
                        amount: record.and_then(|r| r.amount),
                    },
                );
            }
        }
        (mine.into_values().collect(), others)
    }
}

/// The facts of `settlement`'s period as they stood when it was last paid for: at the
/// latest close that trued it up, or its own.
fn last_paid<'a>(settlement: &'a Settlement, settlements: &'a [Settlement]) -> &'a FactDigest {
    settlements
        .iter()
        .filter_map(|s| Some((s.period.end, s.trued_up.get(&settlement.period.label)?)))
        .max_by_key(|(end, _)| *end)
        .map_or(&settlement.facts, |(_, digest)| digest)
}

/// `period` evaluated, with every settled period's true-up on the statements; and the
/// facts of each period that got one, as they stand now (what a close stores).
pub(super) fn true_up(
    plan: &CompiledPlan,
    facts: &FactTable,
    period: &Period,
    settlements: &[Settlement],
) -> Result<(Report, BTreeMap<String, FactDigest>)> {
    let mut trued_up = BTreeMap::new();
    check_settlements(settlements, period)?;
    let mut report = plan.evaluate_with(facts, period, &carried_in(settlements, period))?;
    // In period order (a set rather than a sort: see `maps.rs`).
    let order = settlements
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.period.start, i), s))
        .into_map();
    for settlement in order.into_values() {
        let settled_period = settlement.period.to_period(&plan.calendar);
        let again = plan.evaluate_with(facts, &settled_period, &settlement.carried_in)?;
        let now = report_lines(&again)?;
        let paid = paid_lines(settlement, settlements)?;
        let keys = now.keys().chain(paid.keys()).into_set();
        let mut since_paid: Option<Changes<'_>> = None;
        for key in keys {
            let (kind, now_amount) = now
                .get(key)
                .or_else(|| paid.get(key))
                .map(|(kind, _)| kind.as_str())
                .zip(Some(now.get(key).map_or(Decimal::ZERO, |l| l.1)))
                .unwrap_or(("", Decimal::ZERO));
            let paid_amount = paid.get(key).map_or(Decimal::ZERO, |l| l.1);
            let amount = now_amount.try_sub(paid_amount).or_overflow(|| {
                format!(
                    "the adjustment of `{}` for {}",
                    key.0, settlement.period.label
                )
            })?;
            if amount.is_zero() {
                continue;
            }
            if since_paid.is_none() {
                let digest = FactDigest::of(facts, &settled_period)?;
                let then = last_paid(settlement, settlements);
                let (added, removed, changed) = then.compare(&digest);
                since_paid = Some(Changes {
                    then,
                    now: digest,
                    added,
                    removed,
                    changed,
                });
            }
            let (facts_changed, other_changes) = since_paid
                .as_ref()
                .map(|c| c.of(&key.0, facts))
                .unwrap_or_default();
            let mut adjustment = Adjustment {
                period: Name::new(&settlement.period.label),
                incentive: Name::new(&key.1),
                component: key.2,
                kind: Name::new(kind),
                paid: paid_amount,
                now: now_amount,
                amount,
                changes: facts_changed,
                other_changes,
                explanation: String::new(),
                explanation_zh: String::new(),
            };
            adjustment.explanation = explain(&adjustment, plan, Locale::En);
            adjustment.explanation_zh = explain(&adjustment, plan, Locale::ZhCn);
            add_to_statement(&mut report, plan, &key.0, adjustment)?;
        }
        if let Some(changes) = since_paid {
            trued_up.insert(settlement.period.label.clone(), changes.now);
        }
    }
    Ok((report, trued_up))
}

/// Puts `adjustment` on `member`'s statement (a new one when the member has none in
/// this period, such as a rep who has left) and adds it to the total.
fn add_to_statement(
    report: &mut Report,
    plan: &CompiledPlan,
    member: &str,
    adjustment: Adjustment,
) -> Result<()> {
    let index = if let Some(i) = report.statements.iter().position(|s| s.member == member) {
        i
    } else {
        let known = plan.org.members.iter().rev().find(|m| m.id == member);
        report.statements.push(Statement {
            member: Name::new(member),
            name: Name::new(known.map_or(member, |m| m.name.as_str())),
            team: Name::new(known.map_or("", |m| m.team.as_str())),
            lines: Vec::new(),
            total: Decimal::ZERO,
            balances: BTreeMap::new(),
            adjustments: Vec::new(),
        });
        report.statements.len() - 1
    };
    let statement = &mut report.statements[index];
    statement.total = checked_sum([statement.total, adjustment.amount])
        .or_overflow(|| format!("the statement total of `{member}`"))?;
    statement.adjustments.push(adjustment);
    Ok(())
}

/// `FY2027-Q1, Rep commission: paid 5,000.00, now 6,250.00 (order o-1234
/// added): +1,250.00`, or in Chinese.
fn explain(adjustment: &Adjustment, plan: &CompiledPlan, locale: Locale) -> String {
    let zh = locale == Locale::ZhCn;
    let labels = plan.labels();
    let mut line = labels.incentive(&adjustment.incentive, locale).to_owned();
    if let Some(name) = adjustment
        .component
        .and_then(|c| labels.component(&adjustment.incentive, c, locale))
    {
        line.push_str(" · ");
        line.push_str(name);
    }
    let mut reasons: Vec<String> = adjustment
        .changes
        .iter()
        .take(3)
        .map(|c| {
            let what = match (c.change.as_str(), zh) {
                ("added", false) => "added",
                ("removed", false) => "removed",
                (_, false) => "changed",
                ("added", true) => "新增",
                ("removed", true) => "已删除",
                (_, true) => "已变更",
            };
            match &c.kind {
                Some(kind) => format!("{kind} {} {what}", c.fact),
                None => format!("{} {what}", c.fact),
            }
        })
        .collect();
    let more = adjustment.changes.len().saturating_sub(3);
    if more > 0 {
        reasons.push(if zh {
            format!("另有 {more} 条")
        } else {
            format!("{more} more")
        });
    }
    // Others' facts are named only when none of the member's own changed: a team or
    // company goal can move the member's pay through them.
    if reasons.is_empty() && adjustment.other_changes > 0 {
        reasons.push(if zh {
            format!("其他成员的 {} 条事实有变", adjustment.other_changes)
        } else {
            match adjustment.other_changes {
                1 => "1 other member's fact changed".to_owned(),
                n => format!("{n} facts of other members changed"),
            }
        });
    }
    if reasons.is_empty() {
        reasons.push(if zh { "重新计算" } else { "priced again" }.to_owned());
    }
    let sign = if adjustment.amount.is_sign_negative() {
        "−"
    } else {
        "+"
    };
    let amount = group_thousands(adjustment.amount.abs());
    let (paid, now) = (
        group_thousands(adjustment.paid),
        group_thousands(adjustment.now),
    );
    if zh {
        format!(
            "{} {line}：已付 {paid}，现为 {now}（{}）：{sign}{amount}",
            adjustment.period,
            reasons.join("，")
        )
    } else {
        format!(
            "{}, {line}: paid {paid}, now {now} ({}): {sign}{amount}",
            adjustment.period,
            reasons.join(", ")
        )
    }
}
