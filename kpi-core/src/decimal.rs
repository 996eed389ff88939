//! Money and ratio helpers over `rust_decimal`, and the explicit rounding policy.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How a value exactly halfway between two representable values is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum RoundingMode {
    /// Away from zero: 0.125 → 0.13, −0.125 → −0.13 (the commercial convention).
    #[default]
    HalfUp,
    /// To the even neighbour: 0.125 → 0.12, 0.135 → 0.14 (banker's rounding).
    HalfEven,
}

/// The rounding policy of a plan: a mode and a number of decimal places.
///
/// Payout amounts are rounded with it, line by line; actuals, targets and attainment are
/// never rounded, so a tier boundary is never crossed by rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Rounding {
    /// The rounding mode; `half-up` when omitted.
    #[serde(default)]
    pub mode: RoundingMode,
    /// Decimal places kept; 2 (cents) when omitted.
    #[serde(default = "Rounding::default_places")]
    pub places: u32,
    /// Where payouts are rounded: each `line` (the default), or only the statement's
    /// `total` (lines keep their exact amounts).
    #[serde(default, skip_serializing_if = "RoundingPlace::is_line")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub apply_to: RoundingPlace,
}

/// Where a rounding policy applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum RoundingPlace {
    /// Each payout line is rounded; the total is their sum.
    #[default]
    Line,
    /// Lines keep their exact amounts; the total is rounded once.
    Total,
}

impl RoundingPlace {
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
    fn is_line(&self) -> bool {
        *self == RoundingPlace::Line
    }
}

impl Default for Rounding {
    fn default() -> Self {
        Self {
            mode: RoundingMode::HalfUp,
            places: Self::default_places(),
            apply_to: RoundingPlace::Line,
        }
    }
}

impl Rounding {
    const fn default_places() -> u32 {
        2
    }

    /// Rounds a payout line under this policy: to exactly `places` decimals when the
    /// policy rounds lines, else the exact amount (normalised) for the total to round.
    pub fn apply_line(&self, value: Decimal) -> Decimal {
        match self.apply_to {
            RoundingPlace::Line => self.apply(value),
            RoundingPlace::Total => value.normalize(),
        }
    }

    /// Rounds `value` under this policy, keeping exactly `places` decimals (so 5 becomes
    /// `5.00` at two places: statements show cents consistently).
    pub fn apply(&self, value: Decimal) -> Decimal {
        let strategy = match self.mode {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        let mut rounded = value.round_dp_with_strategy(self.places, strategy);
        rounded.rescale(self.places);
        rounded
    }
}

/// `numerator / denominator`, or `None` when the denominator is zero (never a panic, never
/// infinity). The quotient keeps Decimal's full 28-significant-digit precision and is
/// normalised (no trailing zeros: `0.7`, not `0.70`), so a ratio has one written form.
pub fn ratio(numerator: Decimal, denominator: Decimal) -> Option<Decimal> {
    if denominator == Decimal::ONE {
        // A weighted mean of one goal: no long division.
        return Some(numerator.normalize());
    }
    numerator.checked_div(denominator).map(|q| q.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn half_up_and_half_even_differ_only_at_midpoints() {
        let up = Rounding::default();
        let even = Rounding {
            mode: RoundingMode::HalfEven,
            ..Rounding::default()
        };
        assert_eq!(up.apply(d("0.125")).to_string(), "0.13");
        assert_eq!(even.apply(d("0.125")).to_string(), "0.12");
        assert_eq!(up.apply(d("-0.125")).to_string(), "-0.13");
        assert_eq!(even.apply(d("0.135")).to_string(), "0.14");
        assert_eq!(up.apply(d("0.1249")).to_string(), "0.12");
        assert_eq!(up.apply(d("5")).to_string(), "5.00");
    }

    #[test]
    fn ratio_by_zero_is_none() {
        assert_eq!(ratio(d("1"), Decimal::ZERO), None);
        assert_eq!(ratio(d("3"), d("4")), Some(d("0.75")));
        assert_eq!(ratio(d("7000.00"), d("10000")).unwrap().to_string(), "0.7");
        assert_eq!(
            ratio(d("2"), d("6")).unwrap().to_string(),
            "0.3333333333333333333333333333"
        );
    }
}
