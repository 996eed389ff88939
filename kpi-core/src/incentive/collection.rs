//! Pay on collection: a `collection` component pays what its `of` component earned on
//! each booking as the customer pays for it. Computed in the measure pass, where the
//! facts are: each payment finds its booking, the booking's payout period and its place
//! in that period's close order (the rate and tier it earned, as a clawback finds what a
//! sale paid), and pays the booking's earnings in proportion to the cash it brings.

use std::collections::BTreeMap;

use hashbrown::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::clawback::{
    Sale, StintsByOwner, compiled, paid_on_sale, payout_period, stint_key, stints_by_owner,
};
use super::{ClawbackInput, Component, Incentive};
use crate::decimal::{OrOverflow, TryArithmetic, checked_sum};
use crate::error::Result;
use crate::fact::Attribute;
use crate::measure::Partial;
use crate::period::Period;

/// The keys a collection component's amounts are kept under in `Measures::clawbacks`,
/// after its position: what the period's payments pay (`"3"`), the cash they brought
/// (`"3:collected"`), the earnings not yet collected at the period's end (`"3:pending"`)
/// and the earnings that lapsed in the period (`"3:lapsed"`).
pub(crate) const COLLECTED: &str = ":collected";
/// See [`COLLECTED`].
pub(crate) const PENDING: &str = ":pending";
/// See [`COLLECTED`].
pub(crate) const LAPSED: &str = ":lapsed";

/// A booking's payments in date order: (date, row, amount).
type Payments = Vec<Sale>;

/// The amounts of every collection component, as `Measures::clawbacks` holds them:
/// incentive id → the component's position (and the suffixed keys above) → member stint
/// key → partial.
pub(crate) fn collections(
    input: &ClawbackInput<'_>,
    incentives: &[Incentive],
    into: &mut crate::measure::Clawbacks,
) -> Result<()> {
    for incentive in incentives {
        for (index, component) in incentive.components.iter().enumerate() {
            let Component::Collection {
                of,
                payments,
                link,
                lapse_days,
                ..
            } = component
            else {
                continue;
            };
            let Some(earning) = incentive.components.get(*of) else {
                continue; // the plan check refuses this
            };
            let link = link.as_deref().unwrap_or("attributes.order");
            let amounts = collection_of(input, incentive, earning, payments, link, *lapse_days)?;
            let components = into.entry(incentive.id.clone()).or_default();
            for (suffix, by_key) in [
                ("", amounts.paid),
                (COLLECTED, amounts.collected),
                (PENDING, amounts.pending),
                (LAPSED, amounts.lapsed),
            ] {
                if !by_key.is_empty() || suffix.is_empty() {
                    components.insert(format!("{index}{suffix}"), by_key);
                }
            }
        }
    }
    Ok(())
}

/// One collection component's amounts by member stint key.
#[derive(Default)]
struct Amounts {
    paid: BTreeMap<String, Partial>,
    collected: BTreeMap<String, Partial>,
    pending: BTreeMap<String, Partial>,
    lapsed: BTreeMap<String, Partial>,
}

/// Adds `amount` to the partial of `key` (counting one more fact).
fn add(to: &mut BTreeMap<String, Partial>, key: &str, amount: Decimal) -> Result<()> {
    let partial = to.entry(key.to_owned()).or_default();
    partial.sum = partial
        .sum
        .try_add(amount)
        .or_overflow(|| format!("the collections of `{key}`"))?;
    partial.count = partial.count.saturating_add(1);
    Ok(())
}

fn collection_of(
    input: &ClawbackInput<'_>,
    incentive: &Incentive,
    earning: &Component,
    payments: &str,
    link: &str,
    lapse_days: Option<u32>,
) -> Result<Amounts> {
    let facts = input.facts;
    let period = input.period;
    let mut out = Amounts::default();
    let Some(earned_metric) = earning.metric() else {
        return Ok(out);
    };
    let booking_filter = compiled(input, earned_metric)?;
    let dates = facts.dates();
    let amounts = facts.amounts();
    let (payments_at, mut payments_of) = payments_by_booking(input, payments, link)?;
    for paid in &mut payments_of {
        super::by_date_then_row(paid);
    }
    let keys = input.org.stint_keys();
    let stints_of = stints_by_owner(input.org, &keys);
    // Every booking up to the period's end, by owner and payout period (in the order
    // the facts first name them), in close order: each owner's part of it (all of it,
    // or their share of a credit split), while they are in the org on its day, as the
    // measure credits it.
    let mut group_of: HashMap<(&str, usize), usize> = HashMap::new();
    let mut groups: Vec<(&str, Period, Vec<Sale>)> = Vec::new();
    for (row, &date) in dates.iter().enumerate() {
        if date >= period.end() {
            continue;
        }
        let Some(amount) = amounts.get(row) else {
            continue;
        };
        if let Some(filter) = &booking_filter
            && !filter.matches(facts, row)?
        {
            continue;
        }
        let Some(booked_in) = payout_period(input, incentive, date) else {
            continue;
        };
        let day = usize::try_from(booked_in.start().num_days_from_ce()).unwrap_or_default();
        // Each owner's part: all of it, or each co-owner's share of a credit split.
        let mut parts: Vec<(&str, Decimal)> = Vec::new();
        match facts.splits(row) {
            Some(credits) => {
                for &(code, share) in credits {
                    let Some(owner) = facts.owner_name(code) else {
                        continue;
                    };
                    let part = amount
                        .try_mul(share)
                        .or_overflow(|| format!("the share of `{owner}` in {amount}"))?;
                    parts.push((owner, part));
                }
            }
            None => parts.extend(facts.owner_of(row).map(|owner| (owner, amount))),
        }
        for (owner, part) in parts {
            if stint_key(&stints_of, owner, date).is_none() {
                continue; // not the member's while they were out of the org: unassigned
            }
            let group = *group_of.entry((owner, day)).or_insert_with(|| {
                groups.push((owner, booked_in, Vec::new()));
                groups.len() - 1
            });
            groups[group].2.push((date, row, part));
        }
    }
    for (owner, booked_in, mut sales) in groups {
        super::by_date_then_row(&mut sales);
        let overflow = || format!("the bookings of `{owner}` in {}", booked_in.label());
        let total = checked_sum(sales.iter().map(|(_, _, a)| *a)).or_overflow(overflow)?;
        let mut before = Decimal::ZERO;
        for &(booked_on, row, part) in &sales {
            let earlier = before;
            before = before.try_add(part).or_overflow(overflow)?;
            let booked = amounts.get(row).unwrap_or_default();
            if part <= Decimal::ZERO || booked <= Decimal::ZERO {
                continue; // a reversal or a zero booking earns nothing to collect
            }
            let Some(earned) =
                paid_on_sale(input, earning, owner, &booked_in, part, earlier, total)?
            else {
                continue;
            };
            let booking = Booking {
                owner,
                booked_on,
                booked,
                earned,
                lapses_on: lapse_days
                    .and_then(|d| booked_on.checked_add_days(chrono::Days::new(d.into()))),
            };
            let paid = payments_at
                .get(facts.id_of(row))
                .map_or(&[][..], |&at| payments_of[at].as_slice());
            booking.settle(input, paid, &stints_of, &mut out)?;
        }
    }
    Ok(out)
}

/// Every payment up to the period's end (`end` is the day after it), by the id of the
/// booking it names: the position of its list in the second part. (A map of text to a
/// position: a map type the browser module has anyway.)
fn payments_by_booking<'f>(
    input: &ClawbackInput<'f>,
    payments: &str,
    link: &str,
) -> Result<(HashMap<&'f str, usize>, Vec<Payments>)> {
    let facts = input.facts;
    let (dates, amounts) = (facts.dates(), facts.amounts());
    let payment_filter = compiled(input, payments)?;
    let link_column = link
        .strip_prefix("attributes.")
        .and_then(|name| facts.attribute(name));
    let mut payments_at: HashMap<&str, usize> = HashMap::new();
    let mut payments_of: Vec<Payments> = Vec::new();
    for row in 0..facts.len() {
        if dates[row] >= input.period.end() {
            continue; // `end` is the day after the period
        }
        let Some(Attribute::Text(booking_id)) = link_column.and_then(|c| c[row].as_ref()) else {
            continue;
        };
        if let Some(filter) = &payment_filter
            && !filter.matches(facts, row)?
        {
            continue;
        }
        if facts.row_of(booking_id).is_none() {
            continue;
        }
        let at = *payments_at.entry(booking_id.as_str()).or_insert_with(|| {
            payments_of.push(Vec::new());
            payments_of.len() - 1
        });
        payments_of[at].push((dates[row], row, amounts.get(row).unwrap_or_default()));
    }
    Ok((payments_at, payments_of))
}

/// One booking that earns on collection.
struct Booking<'a> {
    owner: &'a str,
    booked_on: NaiveDate,
    /// The whole booking's amount: a payment's share of it is its cash over this.
    booked: Decimal,
    /// What the owner's part of it earned.
    earned: Decimal,
    /// The last day a payment counts, when earnings lapse.
    lapses_on: Option<NaiveDate>,
}

impl Booking<'_> {
    /// Adds what the booking's payments (in date order, up to the period's end) pay in
    /// the period, the cash they bring, what stays pending at the period's end, and
    /// what lapses in it.
    fn settle(
        &self,
        input: &ClawbackInput<'_>,
        payments: &[Sale],
        stints_of: &StintsByOwner<'_>,
        out: &mut Amounts,
    ) -> Result<()> {
        let period = input.period;
        let what = || format!("the collection of a booking of {}", self.booked);
        // What the earnings come to at a share collected, rounded as paid: a booking's
        // payments then add up to its rounded earnings exactly, whatever the months.
        let at_share = |share: Decimal| -> Result<Decimal> {
            input
                .rounding
                .apply(self.earned.try_mul(share).or_overflow(what)?)
        };
        // The share of the booking collected so far: never below none nor above all.
        let mut share = Decimal::ZERO;
        let mut paid_so_far = Decimal::ZERO;
        for &(paid_on, _, cash) in payments {
            if paid_on < self.booked_on || self.lapses_on.is_some_and(|last| paid_on > last) {
                continue; // before the booking, or after its earnings lapsed
            }
            let all = Decimal::ONE.try_sub(share).or_overflow(what)?;
            // A ratio beyond a decimal's range is more than all of the booking, or less
            // than none of it.
            let part = crate::decimal::ratio(cash, self.booked)
                .unwrap_or(if cash.is_sign_negative() {
                    -Decimal::ONE
                } else {
                    Decimal::ONE
                })
                .clamp(-share, all);
            share = share.try_add(part).or_overflow(what)?;
            let now = at_share(share)?;
            if period.contains(paid_on)
                && let Some(key) = stint_key(stints_of, self.owner, paid_on)
            {
                let pays = now.try_sub(paid_so_far).or_overflow(what)?;
                add(&mut out.paid, &key, pays)?;
                add(&mut out.collected, &key, cash)?;
            }
            paid_so_far = now;
        }
        let left = at_share(Decimal::ONE)?
            .try_sub(paid_so_far)
            .or_overflow(what)?;
        if left.is_zero() {
            return Ok(());
        }
        match self.lapses_on {
            Some(last) if last < period.start() => {} // lapsed before the period
            Some(last) if period.contains(last) => {
                if let Some(key) = stint_key(stints_of, self.owner, last) {
                    add(&mut out.lapsed, &key, left)?;
                }
            }
            _ => {
                if let Some(key) = stint_key(stints_of, self.owner, period.last_day()) {
                    add(&mut out.pending, &key, left)?;
                }
            }
        }
        Ok(())
    }
}
