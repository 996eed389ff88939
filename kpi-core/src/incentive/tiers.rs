//! Tier tables: the bands of a period total and the rate each pays.

use rust_decimal::Decimal;

use super::Tier;

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
    /// `basis × rate`, exact.
    pub fn amount(&self) -> Decimal {
        self.basis * self.rate
    }
}

/// Tier `index`'s start in amounts: `from × scale` (the target, for attainment tiers).
fn start(tiers: &[Tier], scale: Decimal, index: usize) -> Option<Decimal> {
    tiers.get(index).map(|t| (t.from * scale).normalize())
}

/// Marginal bands: each tier pays its rate on the part of `total` between its start and
/// the next tier's. A total below the first start (a net refund) is all in the first tier.
/// An iterator, so that pricing thousands of members allocates nothing for their bands.
pub(crate) fn marginal(total: Decimal, tiers: &[Tier], scale: Decimal) -> Marginal<'_> {
    let mut bands = Marginal {
        total,
        tiers,
        scale,
        upcoming: None,
    };
    bands.upcoming = start(tiers, scale, 0).and_then(|from| bands.band(0, from));
    bands
}

/// The marginal bands of a total, one ahead: a band is `last` when no band follows it.
pub(crate) struct Marginal<'t> {
    total: Decimal,
    tiers: &'t [Tier],
    scale: Decimal,
    upcoming: Option<Band>,
}

impl Marginal<'_> {
    /// Tier `index`'s band, starting at `from`; `None` when the total does not reach it.
    fn band(&self, index: usize, from: Decimal) -> Option<Band> {
        let (total, tier) = (self.total, self.tiers.get(index)?);
        let to = start(self.tiers, self.scale, index + 1);
        let low = if index == 0 { total.min(from) } else { from };
        let high = to.map_or(total, |to| total.min(to));
        let below_first = index == 0 && total < from;
        if high <= low && !below_first {
            return None;
        }
        Some(Band {
            index,
            from,
            to,
            rate: tier.rate,
            basis: if below_first { total } else { high - low },
            last: true,
        })
    }
}

impl Iterator for Marginal<'_> {
    type Item = Band;

    fn next(&mut self) -> Option<Band> {
        let mut band = self.upcoming.take()?;
        // The next tier's band, unless the total ends in this one.
        self.upcoming = match band.to {
            Some(to) if self.total > to => self.band(band.index + 1, to),
            _ => None,
        };
        band.last = self.upcoming.is_none();
        Some(band)
    }
}

/// The retroactive band: the rate of the highest tier whose start `total` has reached
/// pays on all of it.
pub(crate) fn retroactive(total: Decimal, tiers: &[Tier], scale: Decimal) -> Option<Band> {
    let index = (0..tiers.len())
        .rev()
        .find(|&i| start(tiers, scale, i).is_some_and(|from| total >= from))
        .unwrap_or(0);
    let tier = tiers.get(index)?;
    Some(Band {
        index,
        from: start(tiers, scale, index)?,
        to: start(tiers, scale, index + 1),
        rate: tier.rate,
        basis: total,
        last: true,
    })
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
        let bands: Vec<Band> = marginal(d("170000"), &table(), Decimal::ONE).collect();
        let last: Vec<bool> = bands.iter().map(|b| b.last).collect();
        assert_eq!(last, [false, false, true]);
        let parts: Vec<(Decimal, Decimal)> = bands.iter().map(|b| (b.basis, b.amount())).collect();
        assert_eq!(
            parts,
            [
                (d("100000"), d("5000.00")),
                (d("50000"), d("4000.00")),
                (d("20000"), d("2400.00"))
            ]
        );
        assert_eq!(marginal(d("80000"), &table(), Decimal::ONE).count(), 1);
        let at_the_next_start: Vec<Band> = marginal(d("100000"), &table(), Decimal::ONE).collect();
        assert_eq!(at_the_next_start.len(), 1);
        assert!(at_the_next_start[0].last);
        let refund: Vec<Band> = marginal(d("-500"), &table(), Decimal::ONE).collect();
        assert_eq!(
            (refund.len(), refund[0].basis, refund[0].last),
            (1, d("-500"), true)
        );
        // Nothing earned on the first tier's start: no band.
        assert_eq!(marginal(d("0"), &table(), Decimal::ONE).count(), 0);
    }

    #[test]
    fn retroactive_pays_the_reached_rate_on_everything() {
        let band = retroactive(d("170000"), &table(), Decimal::ONE).unwrap();
        assert_eq!((band.index, band.amount()), (2, d("20400.00")));
        let band = retroactive(d("99999"), &table(), Decimal::ONE).unwrap();
        assert_eq!(band.index, 0);
        // Attainment tiers scale by the target.
        let band = retroactive(d("150000"), &table(), d("0.001")).unwrap();
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
            let bands: Vec<Band> = marginal(total, &tiers, scale).collect();
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
