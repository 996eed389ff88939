//! Target setting: growth over a baseline, market share in revenue, cascades and phasing
//! that sum exactly to their parent, and the capacity check of a team's targets.
//!
//! ```
//! use kpi_core::goal::targets::{allocate, grow};
//! use rust_decimal::Decimal;
//!
//! let d = |s: &str| s.parse::<Decimal>().unwrap();
//! assert_eq!(grow(d("10000000"), d("0.10")), d("11000000"));
//! // 100 in thirds, to cents: the remainder cent goes to the largest fraction (the first).
//! let parts = allocate(d("100"), &[d("1"), d("1"), d("1")], 2).unwrap();
//! assert_eq!(parts, [d("33.34"), d("33.33"), d("33.33")]);
//! ```

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// `baseline × (1 + growth)`: 10,000,000 grown by `0.10` is 11,000,000.
pub fn grow(baseline: Decimal, growth: Decimal) -> Decimal {
    (baseline * (Decimal::ONE + growth)).normalize()
}

/// A market share converted to revenue: `share × market size`.
pub fn from_market_share(share: Decimal, market_size: Decimal) -> Decimal {
    (share * market_size).normalize()
}

/// Splits `total` in proportion to `weights`, to `places` decimals, so that the parts sum
/// to `total` exactly (the largest-remainder method: every part is rounded down, then the
/// units left over go one each to the parts with the largest fractions, the earlier part
/// first on a tie). Parts have exactly `places` decimals; `places` is raised to the
/// scale of `total` if that is finer.
///
/// Errors (`plan.invalid`) when a weight is negative or the weights sum to zero.
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
    let sum: Decimal = weights.iter().copied().sum();
    if sum.is_zero() {
        return Err(Error::new(
            ErrorKind::PlanInvalid,
            "the weights sum to zero, so they cannot split a target",
        ));
    }
    let places = places.max(total.normalize().scale());
    let negative = total.is_sign_negative();
    let magnitude = total.abs();
    let unit = Decimal::new(1, places);
    let mut parts = Vec::with_capacity(weights.len());
    let mut fractions = Vec::with_capacity(weights.len());
    for (i, weight) in weights.iter().enumerate() {
        let exact = magnitude * *weight / sum;
        let floor = exact.round_dp_with_strategy(places, RoundingStrategy::ToZero);
        fractions.push((exact - floor, i));
        parts.push(floor);
    }
    let assigned: Decimal = parts.iter().copied().sum();
    let mut left = ((magnitude - assigned) / unit).round();
    // Largest fraction first; the earlier part on a tie.
    fractions.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in fractions.iter().cycle() {
        if left <= Decimal::ZERO {
            break;
        }
        parts[*i] += unit;
        left -= Decimal::ONE;
    }
    Ok(parts
        .into_iter()
        .map(|p| {
            // Exactly `places` decimals, like payouts: 100.00, not 100.
            let mut p = if negative { -p } else { p };
            p.rescale(places);
            p
        })
        .collect())
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
pub fn capacity(target: Decimal, member_targets: &[Decimal]) -> Capacity {
    let assigned: Decimal = member_targets.iter().copied().sum();
    Capacity {
        target,
        assigned,
        over_assignment: crate::decimal::ratio(assigned, target)
            .map(|r| (r - Decimal::ONE).normalize()),
        covered: assigned >= target,
    }
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
        let c = capacity(d("5000000"), &[d("1500000"); 4]);
        assert_eq!(c.assigned, d("6000000"));
        assert_eq!(c.over_assignment, Some(d("0.2")));
        assert!(c.covered);
        assert!(!capacity(d("10"), &[d("4")]).covered);
    }
}
