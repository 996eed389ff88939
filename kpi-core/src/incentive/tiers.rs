//! Tier tables: the bands of a period total and the rate each pays.

use rust_decimal::Decimal;

use super::Tier;
use crate::decimal::OrOverflow;
use crate::error::Result;

/// The part of an amount that falls in one tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Band {
    /// The tier's position, from 0.
    pub index: usize,
    /// Where the band starts and ends, in amounts (`None`: no upper end).
    pub from: Decimal,
    pub to: Option<Decimal>,
    /// The tier's rate.
    pub rate: Decimal,
    /// The part of the amount in the band (all of it, for a retroactive tier).
    pub basis: Decimal,
    /// Whether the amount ends in this band: no band follows it.
    pub last: bool,
}

impl Band {
    /// `basis × rate`, exact; an error (`data.overflow`) beyond the decimal range.
    pub fn amount(&self) -> Result<Decimal> {
        self.basis
            .checked_mul(self.rate)
            .or_overflow(|| format!("{} × {}", self.basis, self.rate))
    }
}

/// Tier `index`'s start in amounts: `from × scale` (the target, for attainment tiers).
fn start(tiers: &[Tier], scale: Decimal, index: usize) -> Result<Option<Decimal>> {
    let Some(tier) = tiers.get(index) else {
        return Ok(None);
    };
    tier.from
        .checked_mul(scale)
        .map(|start| Some(start.normalize()))
        .or_overflow(|| {
            format!(
                "the start of tier {} ({} × the target {scale})",
                index.saturating_add(1),
                tier.from
            )
        })
}

/// Marginal bands: each tier pays its rate on the part of `total` between its start and
/// the next tier's. A total below the first start (a net refund) is all in the first tier.
/// An iterator, so that pricing thousands of members allocates nothing for their bands;
/// it yields an error (and stops) when a tier's start or a band is beyond the exact
/// decimal range.
pub(crate) fn marginal(total: Decimal, tiers: &[Tier], scale: Decimal) -> Marginal<'_> {
    let mut bands = Marginal {
        total,
        tiers,
        scale,
        upcoming: None,
    };
    bands.upcoming = match start(tiers, scale, 0) {
        Ok(Some(from)) => bands.band(0, from).transpose(),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    };
    bands
}

/// The marginal bands of a total, one ahead: a band is `last` when no band follows it.
pub(crate) struct Marginal<'t> {
    total: Decimal,
    tiers: &'t [Tier],
    scale: Decimal,
    upcoming: Option<Result<Band>>,
}

impl Marginal<'_> {
    /// Tier `index`'s band, starting at `from`; `None` when the total does not reach it.
    fn band(&self, index: usize, from: Decimal) -> Result<Option<Band>> {
        let total = self.total;
        let Some(tier) = self.tiers.get(index) else {
            return Ok(None);
        };
        let to = start(self.tiers, self.scale, index.saturating_add(1))?;
        let low = if index == 0 { total.min(from) } else { from };
        let high = to.map_or(total, |to| total.min(to));
        let below_first = index == 0 && total < from;
        if high <= low && !below_first {
            return Ok(None);
        }
        let basis = if below_first {
            total
        } else {
            high.checked_sub(low)
                .or_overflow(|| format!("the band from {low} to {high}"))?
        };
        Ok(Some(Band {
            index,
            from,
            to,
            rate: tier.rate,
            basis,
            last: true,
        }))
    }
}

impl Iterator for Marginal<'_> {
    type Item = Result<Band>;

    fn next(&mut self) -> Option<Result<Band>> {
        let mut band = match self.upcoming.take()? {
            Ok(band) => band,
            Err(e) => return Some(Err(e)),
        };
        // The next tier's band, unless the total ends in this one.
        self.upcoming = match band.to {
            Some(to) if self.total > to => self.band(band.index.saturating_add(1), to).transpose(),
            _ => None,
        };
        band.last = self.upcoming.is_none();
        Some(Ok(band))
    }
}

/// The retroactive band: the rate of the highest tier whose start `total` has reached
/// pays on all of it.
pub(crate) fn retroactive(total: Decimal, tiers: &[Tier], scale: Decimal) -> Result<Option<Band>> {
    let mut index = 0;
    for i in (0..tiers.len()).rev() {
        if start(tiers, scale, i)?.is_some_and(|from| total >= from) {
            index = i;
            break;
        }
    }
    let (Some(tier), Some(from)) = (tiers.get(index), start(tiers, scale, index)?) else {
        return Ok(None);
    };
    Ok(Some(Band {
        index,
        from,
        to: start(tiers, scale, index.saturating_add(1))?,
        rate: tier.rate,
        basis: total,
        last: true,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn table() -> Vec<Tier> {
        [("0", "0.05"), ("100000", "0.08"), ("150000", "0.12")]
            .iter()
            .map(|(f, r)| Tier {
                from: d(f),
                rate: d(r),
            })
            .collect()
    }

    #[test]
    fn marginal_bands_split_the_total() {
        let bands = |total: &str| -> Vec<Band> {
            marginal(d(total), &table(), Decimal::ONE)
                .collect::<Result<_>>()
                .unwrap()
        };
        let all = bands("170000");
        let last: Vec<bool> = all.iter().map(|b| b.last).collect();
        assert_eq!(last, [false, false, true]);
        let parts: Vec<(Decimal, Decimal)> =
            all.iter().map(|b| (b.basis, b.amount().unwrap())).collect();
        assert_eq!(
            parts,
            [
                (d("100000"), d("5000.00")),
                (d("50000"), d("4000.00")),
                (d("20000"), d("2400.00"))
            ]
        );
        assert_eq!(bands("80000").len(), 1);
        let at_the_next_start = bands("100000");
        assert_eq!(at_the_next_start.len(), 1);
        assert!(at_the_next_start[0].last);
        let refund = bands("-500");
        assert_eq!(
            (refund.len(), refund[0].basis, refund[0].last),
            (1, d("-500"), true)
        );
        // Nothing earned on the first tier's start: no band.
        assert_eq!(bands("0").len(), 0);
        // A tier start beyond the decimal range is an error, not a missing tier.
        let mut huge = table();
        huge[2].from = Decimal::MAX;
        let err = marginal(d("500000"), &huge, d("2"))
            .find_map(Result::err)
            .unwrap();
        assert_eq!(err.code(), "data.overflow");
        assert!(retroactive(d("1"), &huge, d("2")).is_err());
    }

    #[test]
    fn retroactive_pays_the_reached_rate_on_everything() {
        let band = retroactive(d("170000"), &table(), Decimal::ONE)
            .unwrap()
            .unwrap();
        assert_eq!((band.index, band.amount().unwrap()), (2, d("20400.00")));
        let band = retroactive(d("99999"), &table(), Decimal::ONE)
            .unwrap()
            .unwrap();
        assert_eq!(band.index, 0);
        // Attainment tiers scale by the target.
        let band = retroactive(d("150000"), &table(), d("0.001"))
            .unwrap()
            .unwrap();
        assert_eq!(band.index, 2);
    }

    use proptest::prelude::*;

    proptest! {
        /// For any ascending table starting at 0 and any total, the marginal bands are
        /// the tiers in order from the first, only the final one is `last`, and their
        /// bases add up to the total (nothing for a total of 0).
        #[test]
        fn marginal_bands_cover_the_total_once(
            steps in prop::collection::vec(1i64..1_000_000, 0..5),
            total in -1_000_000i64..5_000_000,
            scale in prop_oneof![Just(Decimal::ONE), Just(Decimal::new(75, 2))],
        ) {
            let mut from = 0i64;
            let mut tiers = vec![Tier { from: Decimal::ZERO, rate: Decimal::new(5, 2) }];
            for (k, step) in steps.iter().enumerate() {
                from += step;
                tiers.push(Tier { from: Decimal::from(from), rate: Decimal::from(k as i64 + 1) });
            }
            let total = Decimal::from(total);
            let bands: Vec<Band> = marginal(total, &tiers, scale).collect::<Result<_>>().unwrap();
            let indices: Vec<usize> = bands.iter().map(|b| b.index).collect();
            prop_assert_eq!(indices, (0..bands.len()).collect::<Vec<_>>());
            let last: Vec<bool> = bands.iter().map(|b| b.last).collect();
            let mut expected = vec![false; bands.len()];
            if let Some(end) = expected.last_mut() {
                *end = true;
            }
            prop_assert_eq!(last, expected);
            prop_assert_eq!(bands.iter().map(|b| b.basis).sum::<Decimal>(), total);
            prop_assert_eq!(bands.is_empty(), total.is_zero());
        }
    }
}
