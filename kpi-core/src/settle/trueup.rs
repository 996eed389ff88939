//! True-ups: each settled period priced again with today's facts, less everything paid
//! for it, as adjustment lines on the current statements.
//!
//! Lines are keyed by text (`line_key`) in maps of types kpi has anyway: the browser
//! module then carries no code for new map types.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{FactDigest, LineDifference, SettledLine, Settlement};
use crate::decimal::shorten;
use crate::decimal::{OrOverflow, TryArithmetic, checked_sum};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::FactTable;
use crate::period::Period;
use crate::plan::CompiledPlan;
use crate::report::{
    Adjustment, Balances, Dispute, FactChange, Locale, Name, Report, Resolution, Statement,
    group_thousands,
};

/// A line's key: the member's and the incentive's lengths and texts, then the component
/// (`-` for none): `1:a3:rep0`. Length-prefixed, so no two lines share a key whatever
/// characters their ids hold.
fn line_key(member: &str, incentive: &str, component: Option<usize>) -> String {
    let (m, i) = (member.len(), incentive.len());
    match component {
        Some(c) => format!("{m}:{member}{i}:{incentive}{c}"),
        None => format!("{m}:{member}{i}:{incentive}-"),
    }
}

/// The member, incentive and component of a line's key.
fn line_of(key: &str) -> (&str, &str, Option<usize>) {
    /// A length-prefixed text at the start of `rest`, and what follows it.
    fn text(rest: &str) -> (&str, &str) {
        let Some((len, rest)) = rest.split_once(':') else {
            return ("", "");
        };
        let len = len.parse().unwrap_or(0);
        match (rest.get(..len), rest.get(len..)) {
            (Some(text), Some(after)) => (text, after),
            _ => ("", ""),
        }
    }
    let (member, rest) = text(key);
    let (incentive, rest) = text(rest);
    (member, incentive, rest.parse().ok())
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
                dispute: None,
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
                dispute: a.dispute.as_ref().map(ToString::to_string),
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

/// The settlements make one history before `period`: each reads, none overlaps it or
/// comes after it, each period (and label) is settled once, every settlement each one
/// was closed after is in the list (a missing one would be paid again), and every line
/// names a member and an incentive of the plan.
fn check_settlements(
    plan: &CompiledPlan,
    settlements: &[Settlement],
    period: &Period,
) -> Result<()> {
    let hashes: Vec<String> = settlements.iter().map(Settlement::hash).collect();
    let mut paid_disputes: hashbrown::HashSet<&str> = hashbrown::HashSet::new();
    let members: hashbrown::HashSet<&str> =
        plan.org.members.iter().map(|m| m.id.as_str()).collect();
    for (i, settlement) in settlements.iter().enumerate() {
        let invalid = |path: &str, message: String| {
            let path = if path.is_empty() {
                format!("settlements[{i}]")
            } else {
                format!("settlements[{i}].{path}")
            };
            Err(Error::new(ErrorKind::DataInvalidSettlement, message).at_path(path))
        };
        settlement
            .check()
            .map_err(|e| super::under(&e, &format!("settlements[{i}]")))?;
        let (start, end) = (settlement.period.start, settlement.period.end);
        if start < period.end() && period.start() < end {
            return Err(Error::new(
                ErrorKind::DataPeriodLocked,
                format!(
                    "{} is closed (approved by {} at {}) and overlaps {}: a closed period is not paid again; evaluate a later period to true it up",
                    settlement.period.label,
                    shorten(&settlement.approved_by, 60),
                    shorten(&settlement.approved_at, 40),
                    period.label()
                ),
            )
            .at_path(format!("settlements[{i}]")));
        }
        if start >= period.end() {
            return invalid(
                "period",
                format!(
                    "{} comes after {}: a period is evaluated with the settlements before it",
                    settlement.period.label,
                    period.label()
                ),
            );
        }
        if let Some(other) = settlements[..i].iter().position(|o| {
            (o.period.start < end && start < o.period.end)
                || o.period.label == settlement.period.label
        }) {
            return invalid(
                "",
                format!(
                    "{} and settlements[{other}] ({}) settle the same period or label: a period is closed once",
                    settlement.period.label, settlements[other].period.label
                ),
            );
        }
    }
    // Then that they make one history (a repeated or overlapping period is named first).
    for (i, settlement) in settlements.iter().enumerate() {
        let start = settlement.period.start;
        let invalid = |path: &str, message: String| {
            Err(Error::new(ErrorKind::DataInvalidSettlement, message)
                .at_path(format!("settlements[{i}].{path}")))
        };
        for (label, hash) in &settlement.follows {
            let same_label = settlements
                .iter()
                .zip(&hashes)
                .find(|(s, _)| &s.period.label == label);
            let message = match same_label {
                Some((_, h)) if h == hash => continue,
                Some(_) => format!(
                    "{} was closed after a settlement of {label} ({}) that differs from the one in the list: a settlement is never edited",
                    settlement.period.label,
                    shorten(hash, 20)
                ),
                None => format!(
                    "{} was closed after the settlement of {label} ({}), which is not in the list: every settlement is needed, or a true-up pays again what was paid",
                    settlement.period.label,
                    shorten(hash, 20)
                ),
            };
            return invalid(&format!("follows.{label}"), message);
        }
        // A close follows every settlement before it: a settlement that does not follow
        // an earlier one in the list was closed without it (a fork), and would pay again
        // what that one paid.
        if let Some(earlier) = settlements
            .iter()
            .find(|o| o.period.end <= start && !settlement.follows.contains_key(&o.period.label))
        {
            return invalid(
                "follows",
                format!(
                    "{} was closed without the settlement of {}: it would pay again what that one paid",
                    settlement.period.label, earlier.period.label
                ),
            );
        }
        check_lines(plan, &members, &mut paid_disputes, settlement, i)?;
    }
    Ok(())
}

/// Every line of `settlement` (at `settlements[i]`) names a member and (but for a
/// dispute's payment) an incentive of the plan, and pays no dispute another settlement
/// paid.
fn check_lines<'a>(
    plan: &CompiledPlan,
    members: &hashbrown::HashSet<&str>,
    paid_disputes: &mut hashbrown::HashSet<&'a str>,
    settlement: &'a Settlement,
    i: usize,
) -> Result<()> {
    let invalid = |path: &str, message: String| {
        Err(Error::new(ErrorKind::DataInvalidSettlement, message)
            .at_path(format!("settlements[{i}].{path}")))
    };
    for (j, line) in settlement.lines.iter().enumerate() {
        if let Some(id) = &line.dispute {
            if !paid_disputes.insert(id.as_str()) {
                return invalid(
                    &format!("lines[{j}].dispute"),
                    format!(
                        "the dispute `{}` is paid by two settlements",
                        shorten(id, 40)
                    ),
                );
            }
        }
        if !members.contains(line.member.as_str()) {
            return invalid(
                &format!("lines[{j}].member"),
                format!(
                    "`{}` is not a member of the plan: end a member's stint (`until`) rather than removing them, so settled periods price as they were paid",
                    shorten(&line.member, 40)
                ),
            );
        }
        let known =
            line.dispute.is_some() || plan.incentives.iter().any(|inc| inc.id == line.incentive);
        if !known {
            return invalid(
                &format!("lines[{j}].incentive"),
                format!(
                    "`{}` is not an incentive of the plan",
                    shorten(&line.incentive, 40)
                ),
            );
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
    // A dispute's payment is outside the period's pricing: a true-up never takes it back.
    let label = Some(settlement.period.label.as_str());
    for other in settlements {
        let true_ups = other.lines.iter().filter(|l| l.dispute.is_none());
        for l in true_ups.filter(|l| l.period.as_deref() == label) {
            lines.add(&l.member, &l.incentive, l.component, &l.kind, l.amount)?;
        }
    }
    Ok(lines)
}

/// The settled period's own lines that price differently in `report`.
pub(super) fn differences(settlement: &Settlement, report: &Report) -> Result<Vec<LineDifference>> {
    let mut then = Lines::default();
    for l in settlement.lines.iter().filter(|l| l.period.is_none()) {
        then.add(&l.member, &l.incentive, l.component, &l.kind, l.amount)?;
    }
    let now = report_lines(report)?;
    let mut keys = then.kinds.clone();
    keys.extend(now.kinds.clone());
    Ok(keys
        .keys()
        .filter_map(|key| {
            let (settled, now) = (then.amount(key), now.amount(key));
            let (member, incentive, component) = line_of(key);
            (settled != now).then(|| LineDifference {
                member: member.to_owned(),
                incentive: incentive.to_owned(),
                component,
                settled,
                now,
            })
        })
        .collect())
}

/// The facts that changed in a settled period since it closed: the compared digests.
struct Changes {
    /// The period's facts as they stand now.
    now: FactDigest,
    /// Member → the id and change (`added`, `removed`, `changed`) of each changed fact
    /// they owned then or own now.
    by_member: BTreeMap<String, BTreeMap<String, String>>,
    /// How many facts changed in all.
    count: usize,
}

impl Changes {
    /// The changes from `then` to `now`, indexed by member once (a true-up asks for each
    /// of thousands of members).
    fn new(then: &FactDigest, now: FactDigest) -> Changes {
        let (added, removed, changed) = then.compare(&now);
        let mut change_of: hashbrown::HashMap<String, &str> = hashbrown::HashMap::new();
        for (ids, change) in [(added, "added"), (removed, "removed"), (changed, "changed")] {
            for id in ids {
                change_of.insert(id, change);
            }
        }
        let mut by_member: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for owners in [&then.owners, &now.owners] {
            for (owner, ids) in owners {
                for id in ids.keys() {
                    if let Some(change) = change_of.get(id.as_str()) {
                        by_member
                            .entry(owner.clone())
                            .or_default()
                            .insert(id.clone(), (*change).to_owned());
                    }
                }
            }
        }
        Changes {
            now,
            by_member,
            count: change_of.len(),
        }
    }

    /// The changes of facts `member` owned then or owns now (in id order), and how many
    /// others changed.
    fn of(&self, member: &str, facts: &FactTable) -> (Vec<FactChange>, usize) {
        let Some(mine) = self.by_member.get(member) else {
            return (Vec::new(), self.count);
        };
        let changes = mine
            .iter()
            .map(|(id, change)| {
                let record = (change != "removed")
                    .then(|| facts.row_of(id).and_then(|row| facts.record(row)))
                    .flatten();
                FactChange {
                    fact: Name::new(id),
                    change: Name::new(change),
                    kind: record.as_ref().map(|r| Name::new(&r.kind)),
                    amount: record.and_then(|r| r.amount),
                }
            })
            .collect();
        (changes, self.count - mine.len())
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

/// What pricing `period` with the settlements trued up gives: the report, the facts of
/// each settled period that got a true-up as they stand now, and the draw balances the
/// period was evaluated with.
pub(super) struct TrueUp {
    pub report: Report,
    pub trued_up: Vec<FactDigest>,
    pub carried_in: Balances,
}

/// `period` evaluated, with every settled period's true-up on the statements.
///
/// The settled periods are priced again in order, each with the draw balances the one
/// before it carries out as priced again now (the first with the balances it was closed
/// with), and `period` with those of the last: a late fact that changes a draw is
/// recovered once, in the chain, not once per stored balance.
pub(super) fn true_up(
    plan: &CompiledPlan,
    facts: &FactTable,
    period: &Period,
    settlements: &[Settlement],
    disputes: &[Dispute],
) -> Result<TrueUp> {
    check_settlements(plan, settlements, period)?;
    super::check_disputes(plan, settlements, disputes)?;
    let mut adjustments: Vec<(String, Adjustment)> = Vec::new();
    let mut trued_up = Vec::new();
    let mut carried: Option<Balances> = None;
    // In period order: the earliest of those left, each time (a handful of settlements;
    // no sort, whose code the browser module would carry for this type).
    let mut left: Vec<(usize, &Settlement)> = settlements.iter().enumerate().collect();
    while let Some(next) = (0..left.len()).min_by_key(|&i| left[i].1.period.start) {
        let (index, settlement) = left.remove(next);
        let at = |e: Error| super::under(&e, &format!("settlements[{index}]"));
        let settled_period = settlement.period.to_period(&plan.calendar);
        let carried_in = carried
            .take()
            .unwrap_or_else(|| settlement.carried_in.clone());
        let again = plan
            .evaluate_with(facts, &settled_period, &carried_in)
            .map_err(at)?;
        carried = Some(again.balances());
        let now = report_lines(&again).map_err(at)?;
        let paid = paid_lines(settlement, settlements).map_err(at)?;
        let mut keys = now.kinds.clone();
        keys.extend(paid.kinds.clone());
        let mut since_paid: Option<Changes> = None;
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
                since_paid = Some(Changes::new(last_paid(settlement, settlements), digest));
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
                dispute: None,
                explanation: String::new(),
                explanation_zh: String::new(),
            };
            adjustment.explanation = explain(&adjustment, plan, Locale::En);
            adjustment.explanation_zh = explain(&adjustment, plan, Locale::ZhCn);
            adjustments.push((member.to_owned(), adjustment));
        }
        if let Some(changes) = since_paid {
            trued_up.push(changes.now);
        }
    }
    // No settlement is of a later period (`check_settlements`): the last one priced is
    // the one before `period`.
    let carried_in = carried.unwrap_or_default();
    let mut report = plan.evaluate_with(facts, period, &carried_in)?;
    for (member, adjustment) in adjustments {
        add_to_statement(&mut report, plan, &member, adjustment)?;
    }
    settle_disputes(&mut report, plan, settlements, disputes)?;
    // Each total fits; the report's sum of them must too (`Report::total_payout`).
    checked_sum(report.statements.iter().map(|s| s.total))
        .or_overflow(|| format!("the total payout of {}", period.label()))?;
    Ok(TrueUp {
        report,
        trued_up,
        carried_in,
    })
}

/// Lists each member's open disputes on their statement, and pays each resolved dispute
/// that no settlement has paid yet as an adjustment (`kind` `dispute`).
fn settle_disputes(
    report: &mut Report,
    plan: &CompiledPlan,
    settlements: &[Settlement],
    disputes: &[Dispute],
) -> Result<()> {
    for dispute in disputes {
        let Some(resolution) = &dispute.resolution else {
            let index = statement_of(report, plan, &dispute.member);
            report.statements[index].disputes.push(dispute.clone());
            continue;
        };
        let paid = settlements
            .iter()
            .flat_map(|s| &s.lines)
            .any(|l| l.dispute.as_deref() == Some(dispute.id.as_str()));
        if paid || resolution.amount.is_zero() {
            continue;
        }
        let mut adjustment = Adjustment {
            period: Name::new(&dispute.period),
            incentive: Name::new(dispute.incentive.as_deref().unwrap_or("")),
            component: dispute.component,
            kind: Name::new("dispute"),
            paid: Decimal::ZERO,
            now: resolution.amount,
            amount: resolution.amount,
            changes: Vec::new(),
            other_changes: 0,
            dispute: Some(Name::new(&dispute.id)),
            explanation: String::new(),
            explanation_zh: String::new(),
        };
        adjustment.explanation = explain_dispute(dispute, resolution, plan, Locale::En);
        adjustment.explanation_zh = explain_dispute(dispute, resolution, plan, Locale::ZhCn);
        add_to_statement(report, plan, &dispute.member, adjustment)?;
    }
    Ok(())
}

/// `dispute d-7 on 2026-01, Commission ("o-1299 was mine"), resolved by Li Na: +250.00`.
fn explain_dispute(
    dispute: &Dispute,
    resolution: &Resolution,
    plan: &CompiledPlan,
    locale: Locale,
) -> String {
    let labels = plan.labels();
    let line = dispute
        .incentive
        .as_deref()
        .map(|id| format!(", {}", labels.incentive(id, locale)))
        .unwrap_or_default();
    let sign = if resolution.amount.is_sign_negative() {
        "−"
    } else {
        "+"
    };
    let amount = group_thousands(resolution.amount.abs());
    let reason = shorten(&dispute.reason, 80);
    let by = shorten(&resolution.by, 60);
    match locale {
        Locale::ZhCn => format!(
            "申诉 {}（{}{}：“{reason}”）经 {by} 处理：{sign}{amount}",
            dispute.id,
            dispute.period,
            line.replace(", ", " "),
        ),
        Locale::En => format!(
            "dispute {} on {}{line} (\"{reason}\"), resolved by {by}: {sign}{amount}",
            dispute.id, dispute.period
        ),
    }
}

/// The position of `member`'s statement, added (with no lines) when the member has none
/// in this period, such as a rep who has left.
fn statement_of(report: &mut Report, plan: &CompiledPlan, member: &str) -> usize {
    if let Some(i) = report.statements.iter().position(|s| s.member == member) {
        return i;
    }
    let known = plan.org.members.iter().rev().find(|m| m.id == member);
    report.statements.push(Statement {
        member: Name::new(member),
        name: Name::new(known.map_or(member, |m| m.name.as_str())),
        team: Name::new(known.map_or("", |m| m.team.as_str())),
        lines: Vec::new(),
        total: Decimal::ZERO,
        balances: BTreeMap::new(),
        adjustments: Vec::new(),
        disputes: Vec::new(),
    });
    report.statements.len() - 1
}

/// Puts `adjustment` on `member`'s statement and adds it to the total.
fn add_to_statement(
    report: &mut Report,
    plan: &CompiledPlan,
    member: &str,
    adjustment: Adjustment,
) -> Result<()> {
    let index = statement_of(report, plan, member);
    let statement = &mut report.statements[index];
    // Rounded as every statement total is, so a total stays in the policy's places.
    statement.total = checked_sum([statement.total, adjustment.amount])
        .or_overflow(|| format!("the statement total of `{member}`"))
        .and_then(|total| plan.rounding.apply(total))?;
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
                Some(kind) => format!("{} {} {what}", kind_word(kind, zh), c.fact),
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

/// A fact's kind as a Chinese reader calls the common ones (`order` → 订单); others, and
/// every kind in English, as written.
fn kind_word(kind: &str, zh: bool) -> &str {
    if !zh {
        return kind;
    }
    match kind {
        "order" => "订单",
        "refund" => "退款",
        "payment" => "回款",
        "deal" => "商机",
        "credit_note" => "红字发票",
        "lead" => "线索",
        "customer" => "客户",
        _ => kind,
    }
}
