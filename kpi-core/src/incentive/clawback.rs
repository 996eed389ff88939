//! Clawbacks: a reversal of a sale within N days takes back what the sale paid, at the
//! rate it paid. Computed in the measure pass, where the facts are: each reversal finds
//! its sale, the sale's payout period, and the sale's place in that period's close order.

use std::collections::BTreeMap;

use hashbrown::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::tiers::{marginal, retroactive};
use super::{Component, Incentive, TierBasis, TierMode};
use crate::decimal::TryArithmetic;
use crate::decimal::{OrOverflow, checked_sum};
use crate::error::Result;
use crate::fact::{Attribute, FactTable};
use crate::goal::{Goal, GoalPeriod, Target};
use crate::measure::{Clawbacks, Partial};
use crate::metric::{Filter, MetricDef};
use crate::org::Org;
use crate::period::{Calendar, Period};

/// A sale in close order: its date, row and amount.
pub(super) type Sale = (NaiveDate, usize, Decimal);

/// What the clawback pass needs of the plan.
pub(crate) struct ClawbackInput<'a> {
    pub calendar: &'a Calendar,
    pub org: &'a Org,
    pub goals: &'a [Goal],
    pub metrics: &'a BTreeMap<String, MetricDef>,
    pub facts: &'a FactTable,
    /// The measured period (clipped to the as-of day).
    pub period: &'a Period,
    /// The grain of the period before it was clipped (a clipped period is a range of
    /// days): the payout period of an incentive without its own `period`.
    pub grain: Option<crate::period::Grain>,
    /// The plan's rounding: what a collection pays per booking is rounded as it is paid.
    pub rounding: &'a crate::decimal::Rounding,
}

/// The clawback of every clawback component, per member stint key, for reversals dated
/// in the period, as [`Measures::clawbacks`](crate::Measures::clawbacks) holds them.
pub(crate) fn clawbacks(input: &ClawbackInput<'_>, incentives: &[Incentive]) -> Result<Clawbacks> {
    let mut out = Clawbacks::new();
    for incentive in incentives {
        for (index, component) in incentive.components.iter().enumerate() {
            let Component::Clawback {
                of,
                reversals,
                link,
                days,
                ..
            } = component
            else {
                continue;
            };
            let Some(paying) = incentive.components.get(*of) else {
                continue; // the plan check refuses this
            };
            let link = link.as_deref().unwrap_or("attributes.order");
            let by_key = clawback_of(input, incentive, paying, reversals, link, *days)?;
            out.entry(incentive.id.clone())
                .or_default()
                .insert(index.to_string(), by_key);
        }
    }
    Ok(out)
}

pub(super) fn compiled(
    input: &ClawbackInput<'_>,
    metric: &str,
) -> Result<Option<crate::metric::filter::CompiledFilter>> {
    let Some(def) = input.metrics.get(metric) else {
        return Ok(None);
    };
    Ok(match &def.filter {
        Some(text) => Some(Filter::parse(text)?.compile(input.facts)),
        None => None,
    })
}

/// One clawback component's amounts by member stint key.
fn clawback_of(
    input: &ClawbackInput<'_>,
    incentive: &Incentive,
    paying: &Component,
    reversals: &str,
    link: &str,
    days: u32,
) -> Result<BTreeMap<String, Partial>> {
    let facts = input.facts;
    let Some(paid_metric) = paying.metric() else {
        return Ok(BTreeMap::new());
    };
    let reversal_filter = compiled(input, reversals)?;
    let sale_filter = compiled(input, paid_metric)?;
    let link_column = link
        .strip_prefix("attributes.")
        .and_then(|name| facts.attribute(name));
    let keys = input.org.stint_keys();
    let stints_of = stints_by_owner(input.org, &keys);
    let mut by_key: BTreeMap<String, Partial> = BTreeMap::new();
    // Each owner's sales of a payout period in close order: (date, row, amount).
    let mut sales_of: HashMap<(String, NaiveDate), Vec<Sale>> = HashMap::new();
    for row in 0..facts.len() {
        let date = facts.dates()[row];
        if !input.period.contains(date) {
            continue;
        }
        if let Some(filter) = &reversal_filter
            && !filter.matches(facts, row)?
        {
            continue;
        }
        let Some(Attribute::Text(original_id)) = link_column.and_then(|c| c[row].as_ref()) else {
            continue;
        };
        let (Some(original), Some(owner)) = (facts.row_of(original_id), facts.owner_of(row)) else {
            continue;
        };
        let sold_on = facts.dates()[original];
        let within = date.signed_duration_since(sold_on).num_days();
        if within < 0 || within > i64::from(days) {
            continue;
        }
        let Some(sold) = facts.amounts().get(original).filter(|a| !a.is_zero()) else {
            continue;
        };
        let Some(sale_period) = payout_period(input, incentive, sold_on) else {
            continue;
        };
        let sales_key = (owner.to_owned(), sale_period.start());
        if !sales_of.contains_key(&sales_key) {
            let mut list: Vec<Sale> = Vec::new();
            for r in 0..facts.len() {
                if facts.owner_of(r) != Some(owner) || !sale_period.contains(facts.dates()[r]) {
                    continue;
                }
                if let Some(filter) = &sale_filter
                    && !filter.matches(facts, r)?
                {
                    continue;
                }
                if let Some(amount) = facts.amounts().get(r) {
                    list.push((facts.dates()[r], r, amount));
                }
            }
            super::by_date_then_row(&mut list);
            sales_of.insert(sales_key.clone(), list);
        }
        let sales = &sales_of[&sales_key];
        let overflow = || format!("the sales of `{owner}` in {}", sale_period.label());
        let before = checked_sum(
            sales
                .iter()
                .take_while(|(d, r, _)| (*d, *r) < (sold_on, original))
                .map(|(_, _, a)| *a),
        )
        .or_overflow(overflow)?;
        let total = checked_sum(sales.iter().map(|(_, _, a)| *a)).or_overflow(overflow)?;
        let Some(paid) = paid_on_sale(input, paying, owner, &sale_period, sold, before, total)?
        else {
            continue;
        };
        let reversed = facts.amounts().get(row).unwrap_or_default().abs();
        let share = crate::decimal::ratio(reversed, sold.abs())
            .unwrap_or_default()
            .min(Decimal::ONE);
        let Some(key) = stint_key(&stints_of, owner, date) else {
            continue;
        };
        let partial = by_key.entry(key).or_default();
        let what = || format!("the clawback of `{}`", facts.id_of(row));
        partial.sum = paid
            .try_mul(share)
            .and_then(|taken| partial.sum.try_sub(taken))
            .or_overflow(what)?;
        partial.count = partial.count.saturating_add(1);
    }
    Ok(by_key)
}

/// The payout period of the incentive that holds `date`.
pub(super) fn payout_period(
    input: &ClawbackInput<'_>,
    incentive: &Incentive,
    date: NaiveDate,
) -> Option<Period> {
    let grain = incentive.period.or(input.grain)?;
    input.calendar.period_of(date, grain).ok()
}

/// Each owner's stints with their keys (the org's [`crate::org::Org::stint_keys`]): a
/// linked fact (a reversal, a payment) finds its owner's without a scan of the org.
pub(super) type StintsByOwner<'a> = HashMap<&'a str, Vec<(&'a crate::org::Member, &'a String)>>;

/// See [`StintsByOwner`].
pub(super) fn stints_by_owner<'a>(org: &'a Org, keys: &'a [String]) -> StintsByOwner<'a> {
    let mut stints_of: StintsByOwner<'a> = HashMap::new();
    for (member, key) in org.members.iter().zip(keys) {
        stints_of
            .entry(member.id.as_str())
            .or_default()
            .push((member, key));
    }
    stints_of
}

/// The stint key of `owner` on `date`, from each owner's stints and keys.
pub(super) fn stint_key(
    stints_of: &StintsByOwner<'_>,
    owner: &str,
    date: NaiveDate,
) -> Option<String> {
    stints_of
        .get(owner)?
        .iter()
        .find(|(m, _)| m.covers(date))
        .map(|(_, k)| (*k).clone())
}

/// What the paying component paid on a sale of `sold` that came after `before` of the
/// period's `total`: the rate × the sale; for marginal tiers, the tiers the sale filled
/// in close order; for retroactive tiers, the rate the period reached.
pub(super) fn paid_on_sale(
    input: &ClawbackInput<'_>,
    paying: &Component,
    owner: &str,
    sale_period: &Period,
    sold: Decimal,
    before: Decimal,
    total: Decimal,
) -> Result<Option<Decimal>> {
    let what = || format!("what a sale of {sold} paid");
    match paying {
        Component::Rate { rate, .. } => sold.try_mul(*rate).or_overflow(what).map(Some),
        Component::Tiered {
            on,
            mode,
            tiers,
            goal,
            ..
        } => {
            let scale = match on {
                TierBasis::Amount => Decimal::ONE,
                TierBasis::Attainment => {
                    let Some(goal) = goal.as_deref() else {
                        return Ok(None);
                    };
                    match fixed_target(input, goal, owner, sale_period)? {
                        Some(target) => target,
                        None => return Ok(None),
                    }
                }
            };
            let pay = |x: Decimal| -> Result<Decimal> {
                let mut paid = Decimal::ZERO;
                for band in marginal(x, tiers, scale) {
                    paid = paid.try_add(band?.amount()?).or_overflow(what)?;
                }
                Ok(paid)
            };
            Ok(Some(match mode {
                TierMode::Marginal => {
                    let after = before.try_add(sold).or_overflow(what)?;
                    pay(after)?.try_sub(pay(before)?).or_overflow(what)?
                }
                TierMode::Retroactive => match retroactive(total, tiers, scale)? {
                    Some(band) => band.rate.try_mul(sold).or_overflow(what)?,
                    None => return Ok(None),
                },
            }))
        }
        _ => Ok(None),
    }
}

/// The fixed target of `goal` for `member` over `period` (recurring targets add up).
fn fixed_target(
    input: &ClawbackInput<'_>,
    goal: &str,
    member: &str,
    period: &Period,
) -> Result<Option<Decimal>> {
    let target = || -> Option<(Decimal, u32)> {
        let goal = input.goals.iter().find(|g| g.id == goal)?;
        let each = goal.targets.get(member).copied().or(match goal.target {
            Some(Target::Fixed(t)) => Some(t),
            _ => None,
        })?;
        let times = GoalPeriod::parse(input.calendar, goal.period.as_deref()?)
            .ok()?
            .multiplier(input.calendar, period)?;
        Some((each, times))
    };
    let Some((each, times)) = target() else {
        return Ok(None);
    };
    each.try_mul(Decimal::from(times))
        .or_overflow(|| format!("the target {each} over {times} periods"))
        .map(Some)
}
