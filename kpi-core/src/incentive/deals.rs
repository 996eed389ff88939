//! Per-deal crediting on statements: a tiered component with `per_deal` shows each deal,
//! in close order, split across the tiers it crosses.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Component, Incentive, PlanParts, Tier, TierBasis, TierMode};
use crate::decimal::TryArithmetic;
use crate::decimal::{OrOverflow, checked_sum};
use crate::error::{Error, ErrorKind, Result};
use crate::fact::FactTable;
use crate::metric::{Filter, MetricDef};
use crate::org::ScopeKind;
use crate::period::Period;
use crate::period::date_in;
use crate::report::Name;
use crate::report::{Locale, PayoutLine, Report};
use crate::text::{group_thousands, percent};

/// A tiered component credited per deal: (incentive, component position).
type DealComponent<'p> = (&'p Incentive, usize);

fn per_deal_components<'p>(parts: &PlanParts<'p>, period: &Period) -> Vec<DealComponent<'p>> {
    parts
        .incentives
        .iter()
        .filter(|i| {
            i.period
                .is_none_or(|grain| parts.calendar.count_within(grain, period) == Some(1))
        })
        .flat_map(|i| {
            i.components.iter().enumerate().filter_map(move |(j, c)| {
                matches!(c, Component::Tiered { per_deal: true, .. }).then_some((i, j))
            })
        })
        .collect()
}

/// Per-deal lines need the facts: measures alone would show tier lines, and per-deal
/// rounding can differ from them by a cent.
pub(crate) fn refuse_deal_detail_without_facts(
    parts: &PlanParts<'_>,
    period: &Period,
) -> Result<()> {
    match per_deal_components(parts, period).first() {
        Some((incentive, _)) => Err(Error::new(
            ErrorKind::DataMeasuresMismatch,
            format!(
                "incentive `{}` credits deals one by one, which measures cannot show: evaluate the facts instead",
                incentive.id
            ),
        )),
        None => Ok(()),
    }
}

/// Replaces the tier lines of per-deal components with a line per deal and tier.
pub(crate) fn add_deal_detail(
    parts: &PlanParts<'_>,
    metrics: &BTreeMap<String, MetricDef>,
    facts: &FactTable,
    period: &Period,
    as_of: Option<chrono::NaiveDate>,
    report: &mut Report,
) -> Result<()> {
    for (incentive, index) in per_deal_components(parts, period) {
        let Component::Tiered {
            metric,
            goal,
            on,
            mode,
            tiers,
            limits,
            ..
        } = &incentive.components[index]
        else {
            continue;
        };
        if limits.cap.is_some() {
            continue; // a cap reads the component's total: keep the tier lines
        }
        // Errors name the component, as the statements' do.
        let component_at = || {
            let position = parts
                .incentives
                .iter()
                .position(|i| std::ptr::eq(i, incentive));
            format!(
                "incentives[{}].components[{index}]",
                position.unwrap_or_default()
            )
        };
        let filter = match metrics.get(metric).and_then(|m| m.filter.as_deref()) {
            Some(text) => Some(
                Filter::parse(text)
                    .map_err(|e| e.or_at_path(|| format!("metrics.{metric}.filter")))?
                    .compile(facts),
            ),
            None => None,
        };
        // Each member's row of the component's goal (the first), found once.
        let mut member_rows: hashbrown::HashMap<&str, &crate::report::ScorecardRow> =
            hashbrown::HashMap::new();
        for r in &report.scorecards {
            if Some(r.goal.as_str()) == goal.as_deref() && r.scope == ScopeKind::Member {
                member_rows.entry(r.id.as_str()).or_insert(r);
            }
        }
        let deals_of = deals_by_member(facts, filter.as_ref(), period, as_of)
            .map_err(|e| e.or_at_path(component_at))?;
        // The lines call the metric by its display names, as the tier lines did.
        let labels = std::sync::Arc::clone(&report.labels);
        let metric_names = [
            labels.metric(metric, Locale::En),
            labels.metric(metric, Locale::ZhCn),
        ];
        for statement in &mut report.statements {
            let is_tier_line = |l: &PayoutLine| {
                l.incentive == incentive.id && l.component == Some(index) && l.tier.is_some()
            };
            let Some(at) = statement.lines.iter().position(is_tier_line) else {
                continue; // closed by a threshold or gate: keep its line
            };
            let scale = match on {
                TierBasis::Amount => Decimal::ONE,
                TierBasis::Attainment => {
                    let target = member_rows.get(statement.member.as_str());
                    match target.and_then(|r| r.target) {
                        Some(t) => t,
                        None => continue,
                    }
                }
            };
            let deals = deals_of
                .get(statement.member.as_str())
                .map_or(&[][..], Vec::as_slice);
            let lines = deal_lines(
                deals,
                (tiers, *mode, scale),
                (incentive, index, metric, metric_names),
                parts.rounding,
            )
            .map_err(|e| e.or_at_path(component_at))?;
            let mut kept = statement.lines.clone();
            kept.retain(|l| !is_tier_line(l));
            kept.splice(at..at, lines);
            let total = checked_sum(kept.iter().map(|l| l.amount))
                .or_overflow(|| format!("the statement total of `{}`", statement.member))
                .map_err(|e| e.or_at_path(component_at))?;
            statement.total = parts
                .rounding
                .apply(total)
                .map_err(|e| e.or_at_path(component_at))?;
            statement.lines = kept;
        }
    }
    Ok(())
}

/// A deal credited to a member: its id, date and credited amount.
struct Deal {
    id: String,
    date: chrono::NaiveDate,
    amount: Decimal,
}

/// Each member's deals of the period that pass the metric's filter, in close order, found
/// in one pass over the facts (not one per member): an owner is credited the whole deal,
/// each other owner of a split deal their share.
fn deals_by_member<'f>(
    facts: &'f FactTable,
    filter: Option<&crate::metric::filter::CompiledFilter>,
    period: &Period,
    as_of: Option<chrono::NaiveDate>,
) -> Result<hashbrown::HashMap<&'f str, Vec<Deal>>> {
    let mut credited: hashbrown::HashMap<&str, Vec<(chrono::NaiveDate, usize, Decimal)>> =
        hashbrown::HashMap::new();
    for row in 0..facts.len() {
        let date = facts.dates()[row];
        if !(period.contains(date) && as_of.is_none_or(|d| date <= d)) {
            continue;
        }
        if let Some(filter) = filter
            && !filter.matches(facts, row)?
        {
            continue;
        }
        let Some(amount) = facts.amounts().get(row) else {
            continue;
        };
        let owner = facts.owner_of(row);
        if let Some(owner) = owner {
            credited.entry(owner).or_default().push((date, row, amount));
        }
        let mut seen: Vec<&str> = Vec::new();
        for &(code, share) in facts.splits(row).unwrap_or_default() {
            let Some(name) = facts.owners().get(code) else {
                continue;
            };
            if Some(name) == owner || seen.contains(&name) {
                continue; // the owner has the whole deal; a repeated owner their first share
            }
            seen.push(name);
            let part = amount
                .try_mul(share)
                .or_overflow(|| format!("the share {share} of deal `{}`", facts.id_of(row)))?
                .normalize();
            credited.entry(name).or_default().push((date, row, part));
        }
    }
    Ok(credited
        .into_iter()
        .map(|(member, mut deals)| {
            super::by_date_then_row(&mut deals);
            let deals = deals
                .into_iter()
                .map(|(date, row, amount)| Deal {
                    id: facts.id_of(row).to_owned(),
                    date,
                    amount,
                })
                .collect();
            (member, deals)
        })
        .collect())
}

/// The lines of deals credited in order over the tiers: each deal's part in each tier it
/// crosses (marginal), or the whole deal at the rate the period reached (retroactive).
fn deal_lines(
    deals: &[Deal],
    (tiers, mode, scale): (&[Tier], TierMode, Decimal),
    (incentive, index, metric, [name, name_zh]): (&Incentive, usize, &str, [&str; 2]),
    rounding: crate::decimal::Rounding,
) -> Result<Vec<PayoutLine>> {
    let what = || format!("the deals of incentive `{}`", incentive.id);
    let no_limits = super::Limits::default();
    let limits = incentive
        .components
        .get(index)
        .map_or(&no_limits, Component::limits);
    let starts: Vec<Decimal> = tiers
        .iter()
        .map(|t| {
            t.from
                .try_mul(scale)
                .map(|s| s.normalize())
                .or_overflow(what)
        })
        .collect::<Result<_>>()?;
    let total = checked_sum(deals.iter().map(|d| d.amount)).or_overflow(what)?;
    let reached = starts.iter().rposition(|s| total >= *s).unwrap_or(0);
    let line = |deal: &Deal, tier: usize, basis: Decimal| -> Result<PayoutLine> {
        let Some(rate) = tiers.get(tier).map(|t| t.rate) else {
            return Err(crate::decimal::overflow(what()));
        };
        let amount = rounding.apply_line(basis.try_mul(rate).or_overflow(what)?)?;
        let [explanation, explanation_zh] = limits.titled([
            format!(
                "{name} {} ({}): {} at {} (tier {}) = {}",
                deal.id,
                deal.date,
                group_thousands(basis),
                percent(rate),
                tier.saturating_add(1),
                group_thousands(amount)
            ),
            format!(
                "{name_zh} {}（{}）：{} 按第 {} 档 {} = {}",
                deal.id,
                date_in(deal.date, Locale::ZhCn),
                group_thousands(basis),
                tier.saturating_add(1),
                percent(rate),
                group_thousands(amount)
            ),
        ]);
        Ok(PayoutLine {
            incentive: Name::new(&incentive.id),
            component: Some(index),
            kind: Name::new_static("tiered"),
            metric: Some(Name::new(metric)),
            goal: None,
            basis,
            rate: Some(rate),
            tier: Some(tier),
            amount,
            explanation: explanation.into(),
            explanation_zh: explanation_zh.into(),
        })
    };
    let mut out = Vec::new();
    let mut before = Decimal::ZERO;
    for deal in deals {
        if mode == TierMode::Retroactive {
            out.push(line(deal, reached, deal.amount)?);
            continue;
        }
        let after = before.try_add(deal.amount).or_overflow(what)?;
        let (low, high) = (before.min(after), before.max(after));
        for (tier, &start) in starts.iter().enumerate() {
            let from = if tier == 0 { low.min(start) } else { start };
            let to = starts.get(tier.saturating_add(1)).copied();
            let overlap = to
                .map_or(high, |t| high.min(t))
                .try_sub(low.max(from))
                .or_overflow(what)?;
            if overlap > Decimal::ZERO {
                // A refund fills the tiers back down: its parts are negative.
                let basis = if deal.amount.is_sign_negative() {
                    -overlap
                } else {
                    overlap
                };
                out.push(line(deal, tier, basis)?);
            }
        }
        before = after;
    }
    Ok(out)
}
