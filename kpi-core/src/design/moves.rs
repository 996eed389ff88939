//! Moving results: from this period into the next (sandbagging), between two members (a
//! deal credited whole or split), and a team pool after a colleague leaves.
//!
//! Moves and splits are searched on the priced grid (every 1% up to the plausible
//! attainment) for the smallest amount that changes pay beyond `[design] gain`. For one
//! amount the two periods (or members) are independent, so the best place for each is
//! found alone: a linear scan per amount, not a search over every pair.

use rust_decimal::Decimal;

use super::explore::finding;
use super::subject::Subject;
use super::text::{money, same, say};
use super::{DesignCode, DesignFinding};
use crate::decimal::{OrOverflow, TryArithmetic};
use crate::error::Result;
use crate::incentive::{Component, PoolSplit};

/// The grid index of 100%.
const AT_TARGET: usize = 100;

/// The least change of pay that is a finding: `[design] gain` × the target incentive, or
/// × the pay at 100% when the incentive has none, and at least two of the rounding's
/// smallest units (a move of a linear pay can round a cent either way).
fn least_gain(subject: &Subject<'_>) -> Option<Decimal> {
    let base = match subject.target_incentive {
        Some(ti) => ti,
        None => *subject.grid.get(AT_TARGET).or(subject.grid.last())?,
    };
    let least = subject.settings.gain.try_mul(base.abs())?;
    Some(least.max(subject.rounding_noise()))
}

/// Of the indices `range`, the one whose `value` is largest, nearest 100% among equals.
fn best(
    range: std::ops::RangeInclusive<usize>,
    value: &dyn Fn(usize) -> Option<Decimal>,
) -> Option<(usize, Decimal)> {
    let mut found: Option<(usize, Decimal)> = None;
    for i in range {
        let v = value(i)?;
        let better = match found {
            None => true,
            Some((j, w)) => v > w || (v == w && i.abs_diff(AT_TARGET) < j.abs_diff(AT_TARGET)),
        };
        if better {
            found = Some((i, v));
        }
    }
    found
}

fn sub(grid: &[Decimal], a: usize, b: usize) -> Option<Decimal> {
    grid[a].try_sub(grid[b])
}

/// Sandbagging: moving `k`% of the target from this period (at `i`%) into the next (at
/// `j`%) raises the pay over both.
#[inline(never)]
pub(super) fn sandbagging(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let Some(least) = least_gain(subject).filter(|_| subject.additive()) else {
        return Ok(());
    };
    let grid = &subject.grid;
    let top = subject.plausible_index();
    for k in 1..=top {
        // What this period keeps of its pay after giving up k, and what the next gains.
        let Some((i, kept)) = best(k..=top, &|i| sub(grid, i - k, i)) else {
            continue;
        };
        let Some((j, added)) = best(0..=top - k, &|j| sub(grid, j + k, j)) else {
            continue;
        };
        let gain = kept.try_add(added).or_overflow(|| "the pay of a move")?;
        if gain <= least {
            continue;
        }
        let [this, next, this_after, next_after, moved] =
            [i, j, i - k, j + k, k].map(|index| subject.actual_at(index));
        let (this, next, this_after, next_after, moved) =
            (this?, next?, this_after?, next_after?, moved?);
        let cases = subject.cases(&[
            ("this_before", this),
            ("next_before", next),
            ("this_after", this_after),
            ("next_after", next_after),
        ])?;
        let sum = |a: Decimal, b: Decimal| a.try_add(b).or_overflow(|| "the pay of two periods");
        let before = sum(cases[0].paid, cases[1].paid)?;
        let after = sum(cases[2].paid, cases[3].paid)?;
        let text = say(
            [
                "moving {0} from this period ({1}) into the next ({2}) raises the pay over both from {3} to {4} (+{5})",
                "把 {0} 从本期（{1}）挪到下期（{2}），两期合计收入从 {3} 增至 {4}（+{5}）",
            ],
            &[
                same(money(moved)),
                subject.change(this, Some(this_after)),
                subject.change(next, Some(next_after)),
                same(money(before)),
                same(money(after)),
                same(money(gain)),
            ],
        );
        out.push(finding(
            subject,
            DesignCode::Sandbagging,
            text,
            cases,
            gain,
            Some(moved),
        ));
        break;
    }
    Ok(())
}

/// Splits: under a rate or tier component, a deal of `2k`% of the target credited whole
/// to one member (at `a`%) pays another total than split in halves with a second member
/// (at `b`%).
#[inline(never)]
pub(super) fn split(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let marginal = matches!(
        subject.component,
        Component::Rate { .. } | Component::Tiered { .. }
    );
    let Some(least) = least_gain(subject).filter(|_| subject.additive() && marginal) else {
        return Ok(());
    };
    let grid = &subject.grid;
    let top = subject.plausible_index();
    for k in 1..=top / 2 {
        // The whole deal's second half at a, against the half the second member adds at b.
        let second_half = |a: usize| sub(grid, a + 2 * k, a + k);
        let half = |b: usize| sub(grid, b + k, b);
        let negated = |v: Option<Decimal>| v.map(|v| -v);
        let (Some((a_hi, hi)), Some((b_lo, lo))) = (
            best(0..=top - 2 * k, &second_half),
            best(0..=top - k, &|b| negated(half(b))),
        ) else {
            continue;
        };
        let (Some((b_hi, half_hi)), Some((a_lo, half_lo))) = (
            best(0..=top - k, &half),
            best(0..=top - 2 * k, &|a| negated(second_half(a))),
        ) else {
            continue;
        };
        // Whole pays more by `hi + lo`; split pays more by `half_hi + half_lo`.
        let whole_more = hi.try_add(lo).or_overflow(|| "a split")?;
        let split_more = half_hi.try_add(half_lo).or_overflow(|| "a split")?;
        let (a, b) = if whole_more >= split_more {
            (a_hi, b_lo)
        } else {
            (a_lo, b_hi)
        };
        if whole_more.max(split_more) <= least {
            continue;
        }
        let [first, second, whole_first, half_first, half_second, deal] =
            [a, b, a + 2 * k, a + k, b + k, 2 * k].map(|index| subject.actual_at(index));
        let (first, second, whole_first, half_first, half_second, deal) = (
            first?,
            second?,
            whole_first?,
            half_first?,
            half_second?,
            deal?,
        );
        let cases = subject.cases(&[
            ("whole_first", whole_first),
            ("whole_second", second),
            ("split_first", half_first),
            ("split_second", half_second),
        ])?;
        let sum = |x: Decimal, y: Decimal| x.try_add(y).or_overflow(|| "the pay of two members");
        let whole = sum(cases[0].paid, cases[1].paid)?;
        let halves = sum(cases[2].paid, cases[3].paid)?;
        let text = say(
            [
                "a deal of {0} credited whole to one member ({1}) while another stays at {2} pays {3} in total; split in halves ({4}, {5}), {6}",
                "一笔 {0} 的订单全部记给一名成员（{1}）、另一名成员不变（{2}），两人合计支付 {3}；两人各记一半（{4}、{5}）则支付 {6}",
            ],
            &[
                same(money(deal)),
                subject.change(first, Some(whole_first)),
                subject.state(second),
                same(money(whole)),
                subject.change(first, Some(half_first)),
                subject.change(second, Some(half_second)),
                same(money(halves)),
            ],
        );
        let difference = whole.try_sub(halves).or_overflow(|| "a split")?;
        out.push(finding(
            subject,
            DesignCode::Split,
            text,
            cases,
            difference,
            Some(deal),
        ));
        break;
    }
    Ok(())
}

/// A team pool split among the members of its goal's scope pays each of the others more
/// when one leaves (shown with equal parts).
#[inline(never)]
pub(super) fn pool_leaver(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let Component::Pool {
        amount, split, at, ..
    } = subject.component
    else {
        return Ok(());
    };
    let Some(least) = least_gain(subject) else {
        return Ok(());
    };
    let largest = subject.pool_members;
    if largest < 2 {
        return Ok(());
    }
    let earned = at
        .unwrap_or(Decimal::ONE)
        .try_mul(subject.target.unwrap_or(subject.scale))
        .or_overflow(|| "the pool's goal")?;
    let part_of = |n: usize| super::subject::pool_part(*amount, n).or_overflow(|| "a pool part");
    let with_part = |part: Decimal| {
        let mut inputs = subject.inputs(earned);
        inputs.pool_part = Some(part);
        inputs
    };
    let before = subject.case_with("before", with_part(part_of(largest)?))?;
    let after = subject.case_with("after", with_part(part_of(largest - 1)?))?;
    let difference = after
        .paid
        .try_sub(before.paid)
        .or_overflow(|| "a pool part")?;
    if difference <= least {
        return Ok(());
    }
    let how = match split {
        PoolSplit::Equal => ["in equal parts", "平分"],
        PoolSplit::Contribution => [
            "by contribution (equal parts shown)",
            "按贡献分配（按平均份额示例）",
        ],
        PoolSplit::Weights => [
            "by weights (equal parts shown)",
            "按权重分配（按平均份额示例）",
        ],
    };
    let text = say(
        [
            "the pool is split {0} among {1} members, {2} each; when one leaves, each of the other {3} is paid {4} (+{5})",
            "奖金池在 {1} 名成员间{0}，每人 {2}；一人离开后，其余 {3} 人每人 {4}（+{5}）",
        ],
        &[
            how.map(str::to_owned),
            same(largest.to_string()),
            same(money(before.paid)),
            same((largest - 1).to_string()),
            same(money(after.paid)),
            same(money(difference)),
        ],
    );
    out.push(finding(
        subject,
        DesignCode::PoolLeaver,
        text,
        vec![before, after],
        difference,
        None,
    ));
    Ok(())
}
