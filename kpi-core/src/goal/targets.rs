//! Target setting: growth over a baseline, market share in revenue, cascades and phasing
//! that sum exactly to their parent, and the capacity check of a team's targets.
//!
//! ```
//! use kpi_core::goal::targets::{allocate, grow};
//! use rust_decimal::Decimal;
//!
//! let d = |s: &str| s.parse::<Decimal>().unwrap();
//! assert_eq!(grow(d("10000000"), d("0.10"))?, d("11000000"));
//! // 100 in thirds, to cents: the remainder cent goes to the largest fraction (the first).
//! let parts = allocate(d("100"), &[d("1"), d("1"), d("1")], 2).unwrap();
//! assert_eq!(parts, [d("33.34"), d("33.33"), d("33.33")]);
//! # Ok::<(), kpi_core::Error>(())
//! ```

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::decimal::TryArithmetic;
use crate::decimal::{MAX_ROUNDING_PLACES, OrOverflow, checked_sum};
use crate::error::{Error, ErrorKind, Result};

/// `baseline × (1 + growth)`: 10,000,000 grown by `0.10` is 11,000,000. An error
/// (`data.overflow`) when the result is beyond the exact decimal range.
pub fn grow(baseline: Decimal, growth: Decimal) -> Result<Decimal> {
    Decimal::ONE
        .try_add(growth)
        .and_then(|factor| baseline.try_mul(factor))
        .map(|d| d.normalize())
        .or_overflow(|| format!("{baseline} grown by {growth}"))
}

/// A market share converted to revenue: `share × market size`. An error
/// (`data.overflow`) when the result is beyond the exact decimal range.
pub fn from_market_share(share: Decimal, market_size: Decimal) -> Result<Decimal> {
    share
        .try_mul(market_size)
        .map(|d| d.normalize())
        .or_overflow(|| format!("a share of {share} of {market_size}"))
}

/// Splits `total` in proportion to `weights`, to `places` decimals, so that the parts sum
/// to `total` exactly (the largest-remainder method: every part is rounded down, then the
/// units left over go one each to the parts with the largest fractions, the earlier part
/// first on a tie). Parts have exactly `places` decimals; `places` is raised to the
/// scale of `total` if that is finer.
///
/// Errors (`plan.invalid`) when a weight is negative or the weights sum to zero, and
/// (`data.overflow`) when the parts cannot be written exactly with `places` decimals
/// (`places` is at most [`MAX_ROUNDING_PLACES`] unless `total` is finer) or the weights'
/// sum is beyond the exact decimal range.
pub fn allocate(total: Decimal, weights: &[Decimal], places: u32) -> Result<Vec<Decimal>> {
    if let Some(w) = weights
        .iter()
        .find(|w| w.is_sign_negative() && !w.is_zero())
    {
        return Err(Error::new(
            ErrorKind::PlanInvalid,
            format!("a weight cannot be negative ({w})"),
        ));
    }
    let sum = checked_sum(weights.iter().copied()).or_overflow(|| "the sum of the weights")?;
    if sum.is_zero() {
        return Err(Error::new(
            ErrorKind::PlanInvalid,
            "the weights sum to zero, so they cannot split a target",
        ));
    }
    if places > MAX_ROUNDING_PLACES {
        return Err(Error::new(
            ErrorKind::DataInvalidArgument,
            format!("a split keeps 0 to {MAX_ROUNDING_PLACES} decimal places, not {places}"),
        ));
    }
    let places = places.max(total.normalize().scale());
    let inexact = || format!("{total} split into parts of {places} decimal places");
    let negative = total.is_sign_negative();
    let magnitude = total.abs();
    let unit = Decimal::new(1, places);
    let mut parts = Vec::with_capacity(weights.len());
    let mut fractions = Vec::with_capacity(weights.len());
    for (i, weight) in weights.iter().enumerate() {
        // `magnitude × weight / sum`; the share first when the product does not fit
        // (the remainders below correct what the division rounds).
        let exact = magnitude
            .try_mul(*weight)
            .and_then(|product| product.try_div(sum))
            .or_else(|| weight.try_div(sum)?.try_mul(magnitude))
            .or_overflow(inexact)?;
        let floor = exact.round_dp_with_strategy(places, RoundingStrategy::ToZero);
        fractions.push((exact.try_sub(floor).or_overflow(inexact)?, i));
        parts.push(floor);
    }
    let assigned = checked_sum(parts.iter().copied()).or_overflow(inexact)?;
    let left = magnitude
        .try_sub(assigned)
        .and_then(|l| l.try_div(unit))
        .map(|l| l.round())
        .or_overflow(inexact)?;
    // Largest fraction first; the earlier part on a tie. Each part's floor lost less
    // than one unit, so fewer units are left than there are parts.
    fractions.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1))); // positions are unique
    let left = usize::try_from(rust_decimal::prelude::ToPrimitive::to_u64(&left).unwrap_or(0))
        .unwrap_or(0)
        .min(parts.len());
    for &(_, i) in fractions.iter().take(left) {
        parts[i] = parts[i].try_add(unit).or_overflow(inexact)?;
    }
    let parts: Vec<Decimal> = parts
        .into_iter()
        .map(|p| {
            // Exactly `places` decimals, like payouts: 100.00, not 100.
            let mut p = if negative { -p } else { p };
            p.rescale(places);
            (p.scale() == places).then_some(p).or_overflow(inexact)
        })
        .collect::<Result<_>>()?;
    // The parts sum to the total exactly, or the split is refused.
    if checked_sum(parts.iter().copied()) != Some(total) {
        return Err(crate::decimal::overflow(inexact()));
    }
    Ok(parts)
}

/// A team's target against the sum of its members' targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Capacity {
    /// The team's target.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub target: Decimal,
    /// The sum of the members' targets.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub assigned: Decimal,
    /// `assigned / target - 1`: positive when members carry more than the team (a usual
    /// safety margin), negative when the team target is not covered; `null` for a zero
    /// target.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub over_assignment: Option<Decimal>,
    /// Whether the members' targets cover the team's.
    pub covered: bool,
}

/// The capacity check: do the members' targets cover the team's, and by how much over?
/// An error (`data.overflow`) when the members' targets sum beyond the exact range.
pub fn capacity(target: Decimal, member_targets: &[Decimal]) -> Result<Capacity> {
    let assigned = checked_sum(member_targets.iter().copied())
        .or_overflow(|| "the sum of the members' targets")?;
    Ok(Capacity {
        target,
        assigned,
        over_assignment: crate::decimal::ratio(assigned, target)
            .and_then(|r| r.try_sub(Decimal::ONE))
            .map(|d| d.normalize()),
        covered: assigned >= target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn remainders_go_to_the_largest_fractions() {
        let parts = allocate(d("1000"), &[d("1"), d("2"), d("3")], 0).unwrap();
        // 166.67, 333.33, 500: the unit left goes to the first (fraction .67).
        assert_eq!(parts, [d("167"), d("333"), d("500")]);
        let parts = allocate(d("-100"), &[d("1"), d("1"), d("1")], 2).unwrap();
        assert_eq!(parts, [d("-33.34"), d("-33.33"), d("-33.33")]);
        assert_eq!(
            allocate(d("0.05"), &[d("1"), d("1")], 0).unwrap(),
            [d("0.03"), d("0.02")]
        );
    }

    #[test]
    fn bad_weights_are_errors() {
        assert_eq!(
            allocate(d("1"), &[d("0"), d("0")], 2).unwrap_err().code(),
            "plan.invalid"
        );
        assert!(allocate(d("1"), &[d("-1"), d("2")], 2).is_err());
    }

    #[test]
    fn capacity_reports_over_assignment() {
        let c = capacity(d("5000000"), &[d("1500000"); 4]).unwrap();
        assert_eq!(c.assigned, d("6000000"));
        assert_eq!(c.over_assignment, Some(d("0.2")));
        assert!(c.covered);
        assert!(!capacity(d("10"), &[d("4")]).unwrap().covered);
    }

    #[test]
    fn results_beyond_the_range_are_errors_not_panics() {
        let max = Decimal::MAX;
        assert_eq!(grow(max, d("0.1")).unwrap_err().code(), "data.overflow");
        assert_eq!(
            from_market_share(d("2"), max).unwrap_err().code(),
            "data.overflow"
        );
        assert_eq!(
            capacity(d("1"), &[max, max]).unwrap_err().code(),
            "data.overflow"
        );
        assert_eq!(
            allocate(d("1"), &[max, max], 2).unwrap_err().code(),
            "data.overflow"
        );
        // A total of the whole range splits exactly, its weights' product overflowing.
        let parts = allocate(max, &[d("3"), d("1")], 0).unwrap();
        assert_eq!(parts.iter().copied().sum::<Decimal>(), max);
        // Places beyond what a part can hold are refused rather than rounded.
        let err = allocate(d("100000000000000000000"), &[d("1"), d("1"), d("1")], 10).unwrap_err();
        assert_eq!(err.code(), "data.overflow");
    }

    proptest::proptest! {
        /// Parts always sum to the total exactly, or the split is an error.
        #[test]
        fn parts_sum_to_the_total(
            total in proptest::num::i64::ANY,
            scale in 0u32..12,
            weights in proptest::collection::vec(0u32..1000, 1..8),
            places in 0u32..12,
        ) {
            let total = Decimal::new(total, scale);
            let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
            if let Ok(parts) = allocate(total, &weights, places) {
                proptest::prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), total);
                proptest::prop_assert_eq!(parts.len(), weights.len());
            }
        }
    }
}
