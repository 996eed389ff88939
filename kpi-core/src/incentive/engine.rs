//! Pricing one component from its inputs: the lines it pays, each with a sentence in
//! English and Chinese, after thresholds, gates and caps.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::tiers::{Band, marginal, retroactive};
use super::{Cap, Component, Limits, TierBasis, TierMode};
use crate::decimal::TryArithmetic;
use crate::decimal::{OrOverflow, Rounding, checked_sum, ratio};
use crate::error::{Error, ErrorKind, Result};
use crate::formula::Unit;
use crate::metric::Direction;
use crate::report::Name;
use crate::text::{Sentence, group_thousands, join, percent};

/// One point of a payout curve: at `attainment`, the curve pays `payout` × the target
/// incentive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct CurvePoint {
    /// The attainment (`1` is 100%).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub attainment: Decimal,
    /// The share of the target incentive paid there (`1` is 100%).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub payout: Decimal,
}

/// What a component is priced from. Statements fill it from the report; what-if callers
/// give it directly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct ComponentInputs {
    /// The metric's value for the period (what rates and tiers pay on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub actual: Option<Decimal>,
    /// The goal's target (attainment tiers start at `from × target`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub target: Option<Decimal>,
    /// The goal's attainment; `actual / target` when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub attainment: Option<Decimal>,
    /// A matrix's column attainment (its `by` goal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub by_attainment: Option<Decimal>,
    /// The target incentive (curves scale it; caps can multiply it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub target_incentive: Option<Decimal>,
    /// The member's part of a team pool, as the split gives it; the whole pool when
    /// omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub pool_part: Option<Decimal>,
    /// The share of the payout period the member was in the org (proration), 1 when
    /// omitted: fixed amounts (bonuses, matrix cells, pool parts) scale by it. Statements
    /// also scale the target incentive they pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub proration: Option<Decimal>,
    /// A collection component's cash collected in the period (its lines' basis).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub collected: Option<Decimal>,
    /// A collection component's earnings not yet collected at the period's end (shown,
    /// not paid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub pending: Option<Decimal>,
    /// A collection component's earnings that lapsed in the period, not collected
    /// in time (shown, not paid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub lapsed: Option<Decimal>,
    /// Values of the measures gates read, by name: `goal:<id>`, `metric:<id>`, `score`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string | number>", optional)
    )]
    #[serde(deserialize_with = "crate::decimal::exact::map")]
    pub gates: BTreeMap<String, Decimal>,
}

impl ComponentInputs {
    fn attainment(&self) -> Option<Decimal> {
        self.attainment
            .or_else(|| ratio(self.actual?, self.target?))
    }
}

/// One line a component pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct LineDetail {
    /// What the rate applies to (an amount or its part in a tier), or the attainment a
    /// curve, bonus or matrix reads.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub basis: Decimal,
    /// The rate, for rates and tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub rate: Option<Decimal>,
    /// The tier's position, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub tier: Option<usize>,
    /// The amount, rounded by the policy when it rounds lines.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub amount: Decimal,
    /// A sentence a rep can read (written when first read; it reads as a `&str`).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub explanation: Sentence,
    /// The same in Simplified Chinese.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub explanation_zh: Sentence,
    /// Whether this is the reduction that brings the component down to its cap.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub cap: bool,
}

/// What a component pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ComponentResult {
    /// The sum of the lines.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub amount: Decimal,
    /// The lines, a cap's reduction included.
    pub lines: Vec<LineDetail>,
}

/// What a component's sentences call its metric, its goal and a matrix's `by` goal, in
/// English and Chinese: the plan's display names, or the ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct Terms {
    pub metric: [Name; 2],
    pub goal: [Name; 2],
    pub by: [Name; 2],
    /// What the component's gate reads, by name: its goal's or metric's display names
    /// (empty for the weighted score, or without a gate).
    pub gate: [Name; 2],
    /// The metric of the component's goal, for a bonus that speaks in it.
    pub goal_metric: Option<GoalMetric>,
}

/// The metric a goal measures: its names, unit and direction.
#[derive(Debug, Clone)]
pub(crate) struct GoalMetric {
    pub names: [Name; 2],
    pub unit: Unit,
    pub direction: Direction,
    /// The metric gives attainment itself (it reads the goal's target).
    pub reads_target: bool,
}

impl Terms {
    /// The terms of a component called by its ids.
    pub(crate) fn ids(component: &Component) -> Terms {
        let both = |id: Option<&str>| {
            let name = Name::new(id.unwrap_or_default());
            [name.clone(), name]
        };
        Terms {
            metric: both(component.sentence_metric()),
            goal: both(component.goal()),
            by: both(match component {
                Component::Matrix { by, .. } => Some(by),
                _ => None,
            }),
            gate: both(
                component
                    .limits()
                    .gate
                    .as_ref()
                    .and_then(|g| g.goal.as_deref().or(g.metric.as_deref())),
            ),
            goal_metric: None,
        }
    }
}

/// `0.85` → `85%`, `1.2345` → `123.45%` (two decimals at most, for sentences).
fn pct(value: Decimal) -> String {
    percent(value.round_dp(4))
}

fn money(value: Decimal) -> String {
    group_thousands(value)
}

fn line(basis: Decimal, amount: Decimal, en: String, zh: String) -> LineDetail {
    LineDetail {
        basis,
        rate: None,
        tier: None,
        amount,
        explanation: en.into(),
        explanation_zh: zh.into(),
        cap: false,
    }
}

/// A line that pays nothing, and why.
fn nothing(basis: Decimal, en: String, zh: String) -> ComponentResult {
    ComponentResult {
        amount: Decimal::ZERO,
        lines: vec![line(basis, Decimal::ZERO, en, zh)],
    }
}

/// Prices `component` from `inputs` (its lines' sentences name the component's metric),
/// rounding as `rounding` says: thresholds and gates first (nothing is paid when one is not met),
/// then the component's lines, then its cap (a negative line brings the total down to
/// it).
pub fn evaluate_component(
    component: &Component,
    inputs: &ComponentInputs,
    rounding: Rounding,
) -> Result<ComponentResult> {
    evaluate_component_in(component, inputs, rounding, &Terms::ids(component))
}

/// [`evaluate_component`], its sentences calling the metric and goals by `terms`.
pub(crate) fn evaluate_component_in(
    component: &Component,
    inputs: &ComponentInputs,
    rounding: Rounding,
    terms: &Terms,
) -> Result<ComponentResult> {
    let round = |v: Decimal| rounding.apply_line(v);
    let mut result = match closed(component.limits(), inputs, terms) {
        Some(result) => result,
        None => price(component, inputs, terms, &round)?,
    };
    if let Some(cap) = &component.limits().cap {
        apply_cap(&mut result, *cap, inputs.target_incentive, &round)?;
    }
    // Every line in the policy's form (a line that pays nothing is 0.00 too).
    for line in &mut result.lines {
        line.amount = round(line.amount)?;
    }
    let total = checked_sum(result.lines.iter().map(|l| l.amount))
        .or_overflow(|| "the sum of the component's lines")?;
    result.amount = round(total)?;
    Ok(result)
}

/// The lines of a component whose conditions are met, before its cap.
fn price(
    component: &Component,
    inputs: &ComponentInputs,
    terms: &Terms,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<ComponentResult> {
    let [metric, metric_zh] = &terms.metric;
    Ok(match component {
        Component::Rate { rate, .. } => {
            let basis = inputs.actual.unwrap_or_default();
            let amount = round(
                basis
                    .try_mul(*rate)
                    .or_overflow(|| format!("{rate} of {basis}"))?,
            )?;
            ComponentResult {
                amount,
                lines: vec![rate_line(&terms.metric, *rate, basis, amount)],
            }
        }
        Component::Tiered {
            on, mode, tiers, ..
        } => tiered(&terms.metric, *on, *mode, tiers, inputs, round)?,
        Component::Curve { points, .. } => curve(terms, points, inputs, round)?,
        Component::Bonus { amount, at, .. } => bonus(terms, *amount, *at, inputs, round)?,
        Component::Spiff { amount, .. } => {
            let count = inputs.actual.unwrap_or_default();
            let paid = round(
                count
                    .try_mul(*amount)
                    .or_overflow(|| format!("{amount} for each of {count}"))?,
            )?;
            ComponentResult {
                amount: paid,
                lines: vec![line(
                    count,
                    paid,
                    format!(
                        "{} for each of {} {metric} = {}",
                        money(*amount),
                        count.normalize(),
                        money(paid)
                    ),
                    format!(
                        "{metric_zh} {} 个，每个 {} = {}",
                        count.normalize(),
                        money(*amount),
                        money(paid)
                    ),
                )],
            }
        }
        Component::Pool {
            amount, split, at, ..
        } => pool(terms, *amount, *split, *at, inputs, round)?,
        Component::Clawback { days, .. } => {
            let [reversals, reversals_zh] = &terms.metric;
            let taken = inputs.actual.unwrap_or_default();
            let paid = round(taken)?;
            ComponentResult {
                amount: paid,
                lines: vec![line(
                    taken,
                    paid,
                    format!(
                        "clawback of {reversals} within {days} days of their sale, at the rates the sales paid = {}",
                        money(paid)
                    ),
                    format!(
                        "追回销售后 {days} 天内的{reversals_zh}，按原销售所付比例 = {}",
                        money(paid)
                    ),
                )],
            }
        }
        Component::Collection { lapse_days, .. } => collection(terms, *lapse_days, inputs, round)?,
        Component::Matrix {
            rows,
            columns,
            amounts,
            ..
        } => matrix(terms, (rows, columns, amounts), inputs, round)?,
    })
}

/// A collection component's lines: what the period's payments pay, and (paying
/// nothing) what is earned and not yet collected and what lapsed. Not inlined: into
/// `price`, its one caller, it made the browser module larger.
#[inline(never)]
fn collection(
    terms: &Terms,
    lapse_days: Option<u32>,
    inputs: &ComponentInputs,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<ComponentResult> {
    let [payments, payments_zh] = &terms.metric;
    let earned = inputs.actual.unwrap_or_default();
    let cash = inputs.collected.unwrap_or_default();
    let paid = round(earned)?;
    let mut lines = vec![line(
        cash,
        paid,
        format!(
            "{} of {payments} collected, at the rates the bookings earned = {}",
            money(cash),
            money(paid)
        ),
        format!(
            "回款 {}（{payments_zh}），按入账时的费率 = {}",
            money(cash),
            money(paid)
        ),
    )];
    // What is shown and not paid: earnings awaiting collection, and those that lapsed.
    let days = lapse_days.unwrap_or_default();
    for (shown, en, zh) in [
        (
            inputs.pending,
            "earned, not yet payable (awaiting collection)".to_owned(),
            "已赚取、待回款后支付".to_owned(),
        ),
        (
            inputs.lapsed,
            format!("lapsed, not collected within {days} days of booking"),
            format!("已失效，入账后 {days} 天内未回款"),
        ),
    ] {
        if let Some(shown) = shown.filter(|v| !v.is_zero()) {
            let shown = round(shown)?;
            let amount = money(shown);
            lines.push(line(
                shown,
                Decimal::ZERO,
                format!("{en}: {amount}"),
                format!("{zh}：{amount}"),
            ));
        }
    }
    Ok(ComponentResult {
        amount: paid,
        lines,
    })
}

fn curve(
    terms: &Terms,
    points: &[CurvePoint],
    inputs: &ComponentInputs,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<ComponentResult> {
    let [goal, goal_zh] = &terms.goal;
    let Some(attainment) = inputs.attainment() else {
        return Ok(nothing(
            Decimal::ZERO,
            format!("no payout: {goal} has no attainment"),
            format!("未付：{goal_zh} 没有完成率"),
        ));
    };
    let share = curve_at(points, attainment)?;
    let target = inputs.target_incentive.ok_or_else(|| {
        Error::new(
            ErrorKind::PlanInvalid,
            "a payout curve needs the incentive's target_incentive",
        )
    })?;
    let amount = round(
        share
            .try_mul(target)
            .or_overflow(|| format!("{share} of the target incentive {target}"))?,
    )?;
    Ok(ComponentResult {
        amount,
        lines: vec![line(
            attainment,
            amount,
            format!(
                "{goal} attainment {} on the payout curve pays {} of the target incentive {} = {}",
                pct(attainment),
                pct(share),
                money(target),
                money(amount)
            ),
            format!(
                "{goal_zh} 完成率 {} 按支付曲线为目标奖金 {} 的 {} = {}",
                pct(attainment),
                money(target),
                pct(share),
                money(amount)
            ),
        )],
    })
}

fn prorated(amount: Decimal, inputs: &ComponentInputs) -> Result<(Decimal, String, String)> {
    Ok(match inputs.proration {
        Some(share) if share != Decimal::ONE => (
            amount
                .try_mul(share)
                .or_overflow(|| format!("{amount} prorated by {share}"))?,
            format!(" (prorated {})", pct(share)),
            format!("（按 {} 折算）", pct(share)),
        ),
        _ => (amount, String::new(), String::new()),
    })
}

fn pool(
    terms: &Terms,
    amount: Decimal,
    split: super::PoolSplit,
    at: Option<Decimal>,
    inputs: &ComponentInputs,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<ComponentResult> {
    let [goal, goal_zh] = &terms.goal;
    let at = at.unwrap_or(Decimal::ONE);
    let attainment = inputs.attainment().unwrap_or_default();
    if attainment < at {
        return Ok(nothing(
            attainment,
            format!(
                "no pool: {goal} at {} is below {}",
                pct(attainment),
                pct(at)
            ),
            format!(
                "无团队奖金池：{goal_zh} 完成率 {} 低于 {}",
                pct(attainment),
                pct(at)
            ),
        ));
    }
    let how = match split {
        super::PoolSplit::Equal => ("equally", "平均"),
        super::PoolSplit::Contribution => ("by contribution", "按贡献"),
        super::PoolSplit::Weights => ("by weight", "按权重"),
    };
    let part = inputs.pool_part.unwrap_or(amount);
    let paid = round(part)?;
    Ok(ComponentResult {
        amount: paid,
        lines: vec![line(
            attainment,
            paid,
            format!(
                "share of the {} {goal} pool, split {} ({goal} at {}) = {}",
                money(amount),
                how.0,
                pct(attainment),
                money(paid)
            ),
            format!(
                "{goal_zh} 奖金池 {} {}分配的份额（完成率 {}）= {}",
                money(amount),
                how.1,
                pct(attainment),
                money(paid)
            ),
        )],
    })
}

fn bonus(
    terms: &Terms,
    amount: Decimal,
    at: Option<Decimal>,
    inputs: &ComponentInputs,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<ComponentResult> {
    let [goal, goal_zh] = &terms.goal;
    let at = at.unwrap_or(Decimal::ONE);
    let attainment = inputs.attainment().unwrap_or_default();
    let in_metric = bonus_in_metric(terms, at, inputs);
    Ok(if attainment >= at {
        let (amount, note, note_zh) = prorated(amount, inputs)?;
        if let Some(m) = &in_metric {
            let paid = round(amount)?;
            return Ok(ComponentResult {
                amount: paid,
                lines: vec![line(
                    attainment,
                    paid,
                    format!(
                        "bonus: {} {} {} {} ({goal}){note} = {}",
                        m.metric[0],
                        m.actual,
                        m.meets,
                        m.needed,
                        money(paid)
                    ),
                    format!(
                        "{goal_zh}奖金：{} {} {} {}{note_zh} = {}",
                        m.metric[1],
                        m.actual,
                        m.meets,
                        m.needed,
                        money(paid)
                    ),
                )],
            });
        }
        let paid = round(amount)?;
        ComponentResult {
            amount: paid,
            lines: vec![line(
                attainment,
                paid,
                format!(
                    "bonus for {goal} at {} (at least {}){note} = {}",
                    pct(attainment),
                    pct(at),
                    money(paid)
                ),
                format!(
                    "{goal_zh} 完成率 {}（不低于 {}）的奖金{note_zh} = {}",
                    pct(attainment),
                    pct(at),
                    money(paid)
                ),
            )],
        }
    } else if let Some(m) = &in_metric {
        nothing(
            attainment,
            format!(
                "no bonus: {} {} is {} {} ({goal})",
                m.metric[0], m.actual, m.short[0], m.needed
            ),
            format!(
                "无奖金：{} {} {} {}（{goal_zh}）",
                m.metric[1], m.actual, m.short[1], m.needed
            ),
        )
    } else {
        nothing(
            attainment,
            format!(
                "no bonus: {goal} at {} is below {}",
                pct(attainment),
                pct(at)
            ),
            format!(
                "无奖金：{goal_zh} 完成率 {} 低于 {}",
                pct(attainment),
                pct(at)
            ),
        )
    })
}

/// A bonus's condition in its goal's metric: `CSAT 94.12% ≥ 90%`.
struct InMetric {
    metric: [Name; 2],
    actual: String,
    meets: &'static str,
    /// Short of it: `below` (`低于`) or, lower being better, `above` (`高于`).
    short: [&'static str; 2],
    needed: String,
}

/// The bonus's condition written in the goal's metric, when the goal's actual and target
/// are known: attainment `at` of the target is `at × target` when higher is better,
/// `(2 − at) × target` when lower is. `None` otherwise (the sentence reads attainment).
fn bonus_in_metric(terms: &Terms, at: Decimal, inputs: &ComponentInputs) -> Option<InMetric> {
    let metric = terms.goal_metric.as_ref()?;
    let (actual, target) = (inputs.actual?, inputs.target?);
    // Only where attainment is `actual / target` of a positive target: a metric that
    // gives attainment itself, or a zero or negative target, reads in attainment.
    if metric.reads_target || target <= Decimal::ZERO {
        return None;
    }
    let (needed, meets, short) = match metric.direction {
        Direction::Higher => (at.try_mul(target)?, "≥", ["below", "低于"]),
        Direction::Lower => (
            Decimal::TWO.try_sub(at)?.try_mul(target)?,
            "≤",
            ["above", "高于"],
        ),
    };
    let show = |v: Decimal| match metric.unit {
        Unit::Percent => pct(v),
        _ => money(v.normalize()),
    };
    let (actual, needed) = (show(actual), show(needed));
    // Figures that round to the same text would read as a contradiction ("90% is below
    // 90%"): the sentence reads in attainment then.
    if actual == needed {
        return None;
    }
    Some(InMetric {
        metric: metric.names.clone(),
        actual,
        meets,
        short,
        needed,
    })
}

fn matrix(
    terms: &Terms,
    (rows, columns, amounts): (&[Decimal], &[Decimal], &[Vec<Decimal>]),
    inputs: &ComponentInputs,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<ComponentResult> {
    let ([goal, goal_zh], [by, by_zh]) = (&terms.goal, &terms.by);
    let a = inputs.attainment().unwrap_or_default();
    let b = inputs.by_attainment.unwrap_or_default();
    let cell = |row: usize, column: usize| amounts.get(row).and_then(|r| r.get(column));
    let (Some(row), Some(column)) = (
        rows.iter().rposition(|r| a >= *r),
        columns.iter().rposition(|c| b >= *c),
    ) else {
        return Ok(nothing(
            a,
            format!(
                "no matrix bonus: {goal} at {} and {by} at {} are below the first row or column",
                pct(a),
                pct(b)
            ),
            format!(
                "无矩阵奖金：{goal_zh} 完成率 {}、{by_zh} 完成率 {} 未达到首行或首列",
                pct(a),
                pct(b)
            ),
        ));
    };
    let cell = *cell(row, column).ok_or_else(|| {
        Error::new(
            ErrorKind::PlanInvalid,
            format!(
                "the bonus matrix has no amount for row {} and column {}",
                row.saturating_add(1),
                column.saturating_add(1)
            ),
        )
    })?;
    let (cell, note, note_zh) = prorated(cell, inputs)?;
    let paid = round(cell)?;
    Ok(ComponentResult {
        amount: paid,
        lines: vec![line(
            a,
            paid,
            format!(
                "bonus matrix: {goal} {} (row from {}) × {by} {} (column from {}){note} = {}",
                pct(a),
                pct(rows[row]),
                pct(b),
                pct(columns[column]),
                money(paid)
            ),
            format!(
                "奖金矩阵：{goal_zh} {}（自 {} 起的行）× {by_zh} {}（自 {} 起的列）{note_zh} = {}",
                pct(a),
                pct(rows[row]),
                pct(b),
                pct(columns[column]),
                money(paid)
            ),
        )],
    })
}

/// The result when a threshold or gate is not met; `None` when the component pays.
fn closed(limits: &Limits, inputs: &ComponentInputs, terms: &Terms) -> Option<ComponentResult> {
    if let Some(threshold) = limits.threshold {
        let attainment = inputs.attainment().unwrap_or_default();
        if attainment < threshold {
            return Some(nothing(
                attainment,
                format!(
                    "no payout: attainment {} is below the {} threshold",
                    pct(attainment),
                    pct(threshold)
                ),
                format!(
                    "未付：完成率 {} 低于门槛 {}",
                    pct(attainment),
                    pct(threshold)
                ),
            ));
        }
    }
    if let Some(gate) = &limits.gate {
        let measure = gate.measure();
        let value = inputs.gates.get(&measure).copied();
        if value.is_none_or(|v| v < gate.min) {
            let shown = |v: Decimal| {
                if gate.metric.is_some() {
                    money(v)
                } else {
                    pct(v)
                }
            };
            let now = value.map(shown);
            // The gate in words: a goal's attainment, a metric, or the weighted score.
            let [name, name_zh] = &terms.gate;
            let (what, what_zh) = match (&gate.goal, &gate.metric) {
                (Some(_), _) => (format!("{name} attainment"), format!("{name_zh} 完成率")),
                (None, Some(_)) => (name.to_string(), name_zh.to_string()),
                (None, None) => ("the weighted score".to_owned(), "加权得分".to_owned()),
            };
            return Some(nothing(
                value.unwrap_or_default(),
                format!(
                    "no payout: the gate needs {what} of {}, it is {}",
                    shown(gate.min),
                    now.as_deref().unwrap_or("unknown")
                ),
                format!(
                    "未付：条件要求 {what_zh}达到 {}，当前为 {}",
                    shown(gate.min),
                    now.as_deref().unwrap_or("未知")
                ),
            ));
        }
    }
    None
}

fn tiered(
    metric: &[Name; 2],
    on: TierBasis,
    mode: TierMode,
    tiers: &[super::Tier],
    inputs: &ComponentInputs,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<ComponentResult> {
    let total = inputs.actual.unwrap_or_default();
    let scale = match on {
        TierBasis::Amount => Decimal::ONE,
        TierBasis::Attainment => inputs.target.ok_or_else(|| {
            Error::new(
                ErrorKind::PlanInvalid,
                "tiers on attainment need the goal's target",
            )
        })?,
    };
    let line = |band: Result<Band>| -> Result<LineDetail> {
        let band = band?;
        let amount = round(band.amount()?)?;
        // Written when read: a payroll run reads the amounts, not the sentences.
        let metric = metric.clone();
        let (en, zh) = Sentence::drafted(move || tier_sentences(&metric, mode, &band, amount));
        Ok(LineDetail {
            basis: band.basis,
            rate: Some(band.rate),
            tier: Some(band.index),
            amount,
            explanation: en,
            explanation_zh: zh,
            cap: false,
        })
    };
    let lines: Vec<LineDetail> = match mode {
        TierMode::Marginal => {
            let mut lines = Vec::with_capacity(tiers.len());
            for band in marginal(total, tiers, scale) {
                lines.push(line(band)?);
            }
            lines
        }
        TierMode::Retroactive => match retroactive(total, tiers, scale)? {
            Some(band) => vec![line(Ok(band))?],
            None => Vec::new(),
        },
    };
    Ok(ComponentResult {
        amount: checked_sum(lines.iter().map(|l| l.amount))
            .or_overflow(|| "the sum of the tiers' lines")?,
        lines,
    })
}

/// The line of a flat rate on a metric (its sentences written when read).
fn rate_line(metric: &[Name; 2], rate: Decimal, basis: Decimal, amount: Decimal) -> LineDetail {
    let [metric, metric_zh] = metric.clone();
    let (explanation, explanation_zh) = Sentence::drafted(move || {
        let (rate_text, basis_text, paid) = (percent(rate), money(basis), money(amount));
        (
            join(&[&rate_text, " of ", &metric, " ", &basis_text, " = ", &paid]),
            join(&[
                &metric_zh,
                " ",
                &basis_text,
                " 的 ",
                &rate_text,
                " = ",
                &paid,
            ]),
        )
    });
    LineDetail {
        basis,
        rate: Some(rate),
        tier: None,
        amount,
        explanation,
        explanation_zh,
        cap: false,
    }
}

/// The English and Chinese sentences of one tier's line. Each figure is written once for
/// both languages, and joined without the formatting machinery: a report prices thousands
/// of these lines.
fn tier_sentences(
    [metric, metric_zh]: &[Name; 2],
    mode: TierMode,
    band: &Band,
    amount: Decimal,
) -> (String, String) {
    let rate = percent(band.rate);
    let (basis, paid, from) = (money(band.basis), money(amount), money(band.from));
    match mode {
        TierMode::Retroactive => {
            let tier = (band.index + 1).to_string();
            (
                join(&[
                    &rate, " on all ", &basis, " of ", metric, " (tier ", &tier, " from ", &from,
                    ") = ", &paid,
                ]),
                join(&[
                    metric_zh,
                    " 全部 ",
                    &basis,
                    " 按第 ",
                    &tier,
                    " 档 ",
                    &rate,
                    "（自 ",
                    &from,
                    " 起）= ",
                    &paid,
                ]),
            )
        }
        TierMode::Marginal if band.index == 0 && band.last => (
            join(&[&rate, " on ", &basis, " of ", metric, " = ", &paid]),
            join(&[metric_zh, " ", &basis, " 按 ", &rate, " = ", &paid]),
        ),
        TierMode::Marginal if band.index == 0 => (
            join(&[
                &rate,
                " on the first ",
                &basis,
                " of ",
                metric,
                " = ",
                &paid,
            ]),
            join(&[metric_zh, " 前 ", &basis, " 按 ", &rate, " = ", &paid]),
        ),
        TierMode::Marginal => {
            // `from + basis` is the band's end: at most the total, so it fits.
            let to = band
                .from
                .try_add(band.basis)
                .map_or_else(|| "…".to_owned(), money);
            (
                join(&[
                    &rate,
                    " on the next ",
                    &basis,
                    " of ",
                    metric,
                    " (",
                    &from,
                    " to ",
                    &to,
                    ") = ",
                    &paid,
                ]),
                join(&[
                    metric_zh,
                    " ",
                    &from,
                    " 至 ",
                    &to,
                    " 之间的 ",
                    &basis,
                    " 按 ",
                    &rate,
                    " = ",
                    &paid,
                ]),
            )
        }
    }
}

/// The payout share of a piecewise-linear curve at `attainment`, flat outside its points.
fn curve_at(points: &[CurvePoint], attainment: Decimal) -> Result<Decimal> {
    let Some(first) = points.first() else {
        return Ok(Decimal::ZERO);
    };
    if attainment <= first.attainment {
        return Ok(first.payout);
    }
    for pair in points.windows(2) {
        let [a, b] = [pair[0], pair[1]];
        if attainment <= b.attainment {
            let what = || format!("the payout curve at {attainment}");
            let run = b.attainment.try_sub(a.attainment).or_overflow(what)?;
            let rise = b.payout.try_sub(a.payout).or_overflow(what)?;
            let slope = ratio(rise, run).unwrap_or_default();
            let into = attainment.try_sub(a.attainment).or_overflow(what)?;
            return slope
                .try_mul(into)
                .and_then(|up| a.payout.try_add(up))
                .map(|share| share.normalize())
                .or_overflow(what);
        }
    }
    Ok(points.last().map_or(Decimal::ZERO, |p| p.payout))
}

/// Brings a result down to its cap with a negative line.
pub(crate) fn apply_cap(
    result: &mut ComponentResult,
    cap: Cap,
    target_incentive: Option<Decimal>,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<()> {
    let (limit, how_en, how_zh) = match cap {
        Cap::Amount(limit) => (limit, String::new(), String::new()),
        Cap::Multiple { multiple } => {
            let target = target_incentive.ok_or_else(|| {
                Error::new(
                    ErrorKind::PlanInvalid,
                    "a cap as a multiple needs the incentive's target_incentive",
                )
            })?;
            (
                multiple
                    .try_mul(target)
                    .or_overflow(|| format!("{multiple} × the target incentive {target}"))?,
                format!(
                    " ({} × the target incentive {})",
                    multiple.normalize(),
                    money(target)
                ),
                format!(
                    "（目标奖金 {} 的 {} 倍）",
                    money(target),
                    multiple.normalize()
                ),
            )
        }
    };
    let limit = round(limit)?;
    if result.amount > limit {
        let cut = limit
            .try_sub(result.amount)
            .or_overflow(|| format!("the cap of {limit} on {}", result.amount))?;
        result.lines.push(LineDetail {
            basis: result.amount,
            rate: None,
            tier: None,
            amount: cut,
            explanation: format!("capped at {}{how_en}: {}", money(limit), money(cut)).into(),
            explanation_zh: format!("封顶 {}{how_zh}：{}", money(limit), money(cut)).into(),
            cap: true,
        });
        result.amount = limit;
    }
    Ok(())
}

/// The payout of `component` at each attainment from `from` to `to` (inclusive) in
/// `steps` equal steps, for plotting: the attainment sets `actual = attainment × target`
/// for rates and tiers, and the attainment itself for curves, bonuses and matrices.
pub fn sample_curve(
    component: &Component,
    inputs: &ComponentInputs,
    rounding: Rounding,
    (from, to, steps): (Decimal, Decimal, u32),
) -> Result<Vec<(Decimal, Decimal)>> {
    if steps == 0 || steps > 10_000 || to < from {
        return Err(Error::new(
            ErrorKind::PlanInvalid,
            "sample between from <= to, in 1 to 10,000 steps",
        ));
    }
    let what = || format!("sampling from {from} to {to}");
    let step = to
        .try_sub(from)
        .and_then(|span| span.try_div(Decimal::from(steps)))
        .or_overflow(what)?;
    (0..=steps)
        .map(|i| {
            let attainment = step
                .try_mul(Decimal::from(i))
                .and_then(|up| from.try_add(up))
                .or_overflow(what)?
                .normalize();
            let payout =
                evaluate_component(component, &at_attainment(inputs, attainment)?, rounding)?;
            Ok((attainment, payout.amount))
        })
        .collect()
}

fn at_attainment(inputs: &ComponentInputs, attainment: Decimal) -> Result<ComponentInputs> {
    let actual = match inputs.target {
        Some(t) => Some(
            attainment
                .try_mul(t)
                .or_overflow(|| format!("{attainment} × the target {t}"))?,
        ),
        None => None,
    };
    Ok(ComponentInputs {
        actual,
        attainment: Some(attainment),
        ..inputs.clone()
    })
}

/// Plan cost modelling: the total payout of `component` over a population whose
/// attainments are `attainments` (one per member, same target and target incentive).
pub fn model_cost(
    component: &Component,
    inputs: &ComponentInputs,
    rounding: Rounding,
    attainments: &[Decimal],
) -> Result<Decimal> {
    attainments.iter().try_fold(Decimal::ZERO, |total, a| {
        let paid = evaluate_component(component, &at_attainment(inputs, *a)?, rounding)?.amount;
        total
            .try_add(paid)
            .or_overflow(|| "the cost summed over the population")
    })
}
