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
}

impl Band {
    /// `basis × rate`, exact.
    pub fn amount(&self) -> Decimal {
        self.basis * self.rate
    }
}

/// The tiers' starts in amounts: `from × scale` (the target, for attainment tiers).
fn starts(tiers: &[Tier], scale: Decimal) -> Vec<Decimal> {
    tiers.iter().map(|t| (t.from * scale).normalize()).collect()
}

/// Marginal bands: each tier pays its rate on the part of `total` between its start and
/// the next tier's. A total below the first start (a net refund) is all in the first tier.
pub(crate) fn marginal(total: Decimal, tiers: &[Tier], scale: Decimal) -> Vec<Band> {
    let starts = starts(tiers, scale);
    let mut bands = Vec::with_capacity(tiers.len());
    for (index, tier) in tiers.iter().enumerate() {
        let from = starts[index];
        let to = starts.get(index + 1).copied();
        let low = if index == 0 { total.min(from) } else { from };
        let high = to.map_or(total, |to| total.min(to));
        if high <= low && !(index == 0 && total < from) {
            break;
        }
        let basis = if index == 0 && total < from {
            total
        } else {
            high - low
        };
        bands.push(Band {
            index,
            from,
            to,
            rate: tier.rate,
            basis,
        });
        if to.is_none_or(|to| total <= to) {
            break;
        }
    }
    bands
}

/// The retroactive band: the rate of the highest tier whose start `total` has reached
/// pays on all of it.
pub(crate) fn retroactive(total: Decimal, tiers: &[Tier], scale: Decimal) -> Option<Band> {
    let starts = starts(tiers, scale);
    let index = starts
        .iter()
        .rposition(|start| total >= *start)
        .unwrap_or(0);
    let tier = tiers.get(index)?;
    Some(Band {
        index,
        from: starts[index],
        to: starts.get(index + 1).copied(),
        rate: tier.rate,
        basis: total,
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
        let bands = marginal(d("170000"), &table(), Decimal::ONE);
        let parts: Vec<(Decimal, Decimal)> = bands.iter().map(|b| (b.basis, b.amount())).collect();
        assert_eq!(
            parts,
            [
                (d("100000"), d("5000.00")),
                (d("50000"), d("4000.00")),
                (d("20000"), d("2400.00"))
            ]
        );
        assert_eq!(marginal(d("80000"), &table(), Decimal::ONE).len(), 1);
        assert_eq!(marginal(d("100000"), &table(), Decimal::ONE).len(), 1);
        let refund = marginal(d("-500"), &table(), Decimal::ONE);
        assert_eq!((refund.len(), refund[0].basis), (1, d("-500")));
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
}
