//! True-ups: each settled period priced again with today's facts, less everything paid
//! for it, as adjustment lines on the current statements.
//!
//! Lines are keyed by text (`member`, `incentive` and `component` joined by NUL, which
//! no id holds) in maps of types kpi has anyway: the browser module then carries no
//! code for new map types.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{FactDigest, LineDifference, SettledLine, Settlement};
use crate::decimal::{OrOverflow, TryArithmetic, checked_sum};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::FactTable;
use crate::period::Period;
use crate::plan::CompiledPlan;
use crate::report::{
    Adjustment, Balances, FactChange, Locale, Name, Report, Statement, group_thousands,
};

/// A line's key: member, incentive and component (`cap` for none) joined by NUL.
fn line_key(member: &str, incentive: &str, component: Option<usize>) -> String {
    match component {
        Some(c) => format!("{member}\0{incentive}\0{c}"),
        None => format!("{member}\0{incentive}\0cap"),
    }
}

/// The member, incentive and component of a line's key.
fn line_of(key: &str) -> (&str, &str, Option<usize>) {
    let mut parts = key.rsplitn(3, '\0');
    let component = parts.next().and_then(|c| c.parse().ok());
    let incentive = parts.next().unwrap_or("");
    (parts.next().unwrap_or(""), incentive, component)
}

/// Lines' amounts by key, and their kinds.
#[derive(Default)]
struct Lines {
    amounts: BTreeMap<String, Decimal>,
    kinds: BTreeMap<String, String>,
}

impl Lines {
    fn add(
        &mut self,
        member: &str,
        incentive: &str,
        component: Option<usize>,
        kind: &str,
        amount: Decimal,
    ) -> Result<()> {
        let key = line_key(member, incentive, component);
        let sum = self
            .amount(&key)
            .try_add(amount)
            .or_overflow(|| format!("the paid amount of `{member}` for `{incentive}`"))?;
        self.kinds
            .entry(key.clone())
            .or_insert_with(|| kind.to_owned());
        self.amounts.insert(key, sum);
        Ok(())
    }

    fn amount(&self, key: &str) -> Decimal {
        self.amounts.get(key).copied().unwrap_or_default()
    }
}

/// A report's statements as a settlement stores them: the lines (own, then true-ups),
/// each member's total, and the balances carried out.
pub(super) fn settled(report: &Report) -> (Vec<SettledLine>, BTreeMap<String, Decimal>, Balances) {
    let mut lines = Vec::new();
    let mut totals = BTreeMap::new();
    for statement in &report.statements {
        let member = statement.member.to_string();
        for line in &statement.lines {
            lines.push(SettledLine {
                member: member.clone(),
                period: None,
                incentive: line.incentive.to_string(),
                component: line.component,
                kind: line.kind.to_string(),
                amount: line.amount,
            });
        }
        for a in &statement.adjustments {
            lines.push(SettledLine {
                member: member.clone(),
                period: Some(a.period.to_string()),
                incentive: a.incentive.to_string(),
                component: a.component,
                kind: a.kind.to_string(),
                amount: a.amount,
            });
        }
        totals.insert(member, statement.total);
    }
    (lines, totals, report.balances())
}

/// The draw balances the latest settlement ending by `period`'s start carried out.
pub(super) fn carried_in(settlements: &[Settlement], period: &Period) -> Balances {
    settlements
        .iter()
        .filter(|s| s.period.end <= period.start())
        .max_by_key(|s| s.period.end)
        .map(|s| s.balances.clone())
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
                    crate::decimal::shorten(&settlement.approved_by, 60),
                    crate::decimal::shorten(&settlement.approved_at, 40),
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

/// What a report's statements come to, line by line.
fn report_lines(report: &Report) -> Result<Lines> {
    let mut lines = Lines::default();
    for s in &report.statements {
        for l in &s.lines {
            lines.add(&s.member, &l.incentive, l.component, &l.kind, l.amount)?;
        }
    }
    Ok(lines)
}

/// Everything paid for `settlement`'s period: its own lines, and the true-ups of it that
/// the other settlements paid.
fn paid_lines(settlement: &Settlement, settlements: &[Settlement]) -> Result<Lines> {
    let mut lines = Lines::default();
    for l in settlement.lines.iter().filter(|l| l.period.is_none()) {
        lines.add(&l.member, &l.incentive, l.component, &l.kind, l.amount)?;
    }
    let label = Some(settlement.period.label.as_str());
    for other in settlements {
        for l in other.lines.iter().filter(|l| l.period.as_deref() == label) {
            lines.add(&l.member, &l.incentive, l.component, &l.kind, l.amount)?;
        }
    }
    Ok(lines)
}

/// The lines of the settled statements that price differently in `report`.
pub(super) fn differences(settlement: &Settlement, report: &Report) -> Vec<LineDifference> {
    let mut then = Lines::default();
    let fits = settlement
        .lines
        .iter()
        .filter(|l| l.period.is_none())
        .try_for_each(|l| then.add(&l.member, &l.incentive, l.component, &l.kind, l.amount));
    // Sums of amounts that were paid or priced fit when grouped by line, unless a stored
    // settlement was made up: then it differs as a whole.
    let (Ok(()), Ok(now)) = (fits, report_lines(report)) else {
        return vec![LineDifference {
            member: String::new(),
            incentive: None,
            component: None,
            settled: Decimal::ZERO,
            now: Decimal::ZERO,
        }];
    };
    let mut keys = then.kinds.clone();
    keys.extend(now.kinds.clone());
    keys.keys()
        .filter_map(|key| {
            let (settled, now) = (then.amount(key), now.amount(key));
            let (member, incentive, component) = line_of(key);
            (settled != now).then(|| LineDifference {
                member: member.to_owned(),
                incentive: Some(incentive.to_owned()),
                component,
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
        // By id (a map rather than a sort): the changes in id order.
        let mut mine: BTreeMap<String, String> = BTreeMap::new();
        let mut others = 0;
        for (ids, change) in [
            (&self.added, "added"),
            (&self.removed, "removed"),
            (&self.changed, "changed"),
        ] {
            for id in ids {
                if owned(id) {
                    mine.insert(id.clone(), change.to_owned());
                } else {
                    others += 1;
                }
            }
        }
        let changes = mine
            .into_iter()
            .map(|(id, change)| {
                let record = (change != "removed")
                    .then(|| facts.row_of(&id).and_then(|row| facts.record(row)))
                    .flatten();
                FactChange {
                    fact: Name::new(&id),
                    change: Name::new(&change),
                    kind: record.as_ref().map(|r| Name::new(&r.kind)),
                    amount: record.and_then(|r| r.amount),
                }
            })
            .collect();
        (changes, others)
    }
}

/// The facts of `settlement`'s period as they stood when it was last paid for: at the
/// latest close that trued it up, or its own.
fn last_paid<'a>(settlement: &'a Settlement, settlements: &'a [Settlement]) -> &'a FactDigest {
    let label = Some(settlement.period.label.as_str());
    settlements
        .iter()
        .filter_map(|s| {
            let digest = s.trued_up.iter().find(|d| d.period.as_deref() == label)?;
            Some((s.period.end, digest))
        })
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
) -> Result<(Report, Vec<FactDigest>)> {
    check_settlements(settlements, period)?;
    let mut report = plan.evaluate_with(facts, period, &carried_in(settlements, period))?;
    let mut trued_up = Vec::new();
    // In period order: the earliest of those left, each time (a handful of settlements;
    // no sort, whose code the browser module would carry for this type).
    let mut left: Vec<&Settlement> = settlements.iter().collect();
    while let Some(next) = (0..left.len()).min_by_key(|&i| left[i].period.start) {
        let settlement = left.remove(next);
        let settled_period = settlement.period.to_period(&plan.calendar);
        let again = plan.evaluate_with(facts, &settled_period, &settlement.carried_in)?;
        let now = report_lines(&again)?;
        let paid = paid_lines(settlement, settlements)?;
        let mut keys = now.kinds.clone();
        keys.extend(paid.kinds.clone());
        let mut since_paid: Option<Changes<'_>> = None;
        for (key, kind) in &keys {
            let (now_amount, paid_amount) = (now.amount(key), paid.amount(key));
            let (member, incentive, component) = line_of(key);
            let amount = now_amount.try_sub(paid_amount).or_overflow(|| {
                format!(
                    "the adjustment of `{member}` for {}",
                    settlement.period.label
                )
            })?;
            if amount.is_zero() {
                continue;
            }
            if since_paid.is_none() {
                let label = Some(settlement.period.label.clone());
                let digest = FactDigest::of(facts, &settled_period, label)?;
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
                .map(|c| c.of(member, facts))
                .unwrap_or_default();
            let mut adjustment = Adjustment {
                period: Name::new(&settlement.period.label),
                incentive: Name::new(incentive),
                component,
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
            add_to_statement(&mut report, plan, member, adjustment)?;
        }
        if let Some(changes) = since_paid {
            trued_up.push(changes.now);
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
