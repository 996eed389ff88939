//! The amount column: exact decimals stored as integers at one scale for the table.

use rust_decimal::Decimal;

use super::RowScan;

/// The scale byte of a row without an amount.
const MISSING: u8 = u8::MAX;

/// Amounts by row. Usually `Scaled`: every amount as an `i64` count of units of
/// `10^-scale` (one scale for the table: the finest any amount has), with each amount's
/// own scale kept in a byte so it reads back exactly as written (`1000` stays `1000` in a
/// table that also holds `150000.50`). 9 bytes a fact instead of 20 for
/// `Option<Decimal>` (16 for Arrow's decimal128), and sums are integer additions. An
/// amount that does not fit (beyond about 9.2 × 10^18 units) turns the column into
/// `Exact` decimals; nothing is rounded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Amounts {
    Scaled {
        scale: u32,
        units: Vec<i64>,
        scales: Vec<u8>,
    },
    Exact(Vec<Option<Decimal>>),
}

impl Default for Amounts {
    fn default() -> Amounts {
        Amounts::Scaled {
            scale: 0,
            units: Vec::new(),
            scales: Vec::new(),
        }
    }
}

fn pow10(n: u32) -> Option<i64> {
    10i64.checked_pow(n)
}

/// The sums of one scope's amounts in the integer form: units at the table's scale, the
/// finest scale among them, how many rows there were and how many had no amount.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ScaledSum {
    pub units: i128,
    pub max_scale: u8,
    pub count: u64,
    pub missing: u64,
}

impl ScaledSum {
    /// Adds one row whose units are `units` and own scale `own` (`MISSING` for no
    /// amount, stored as 0 units) when `kept`, without a branch on either: which rows
    /// pass a filter, and which lack an amount, is not predictable.
    #[inline]
    fn add_row(&mut self, units: i64, own: u8, kept: bool) {
        let counted = kept && own != MISSING;
        self.count += u64::from(kept);
        self.missing += u64::from(kept && own == MISSING);
        self.units += i128::from(units) * i128::from(counted);
        self.max_scale = self.max_scale.max(if counted { own } else { 0 });
    }

    /// Adds the sums of another part of the rows.
    fn add(&mut self, other: &ScaledSum) {
        self.units += other.units;
        self.max_scale = self.max_scale.max(other.max_scale);
        self.count += other.count;
        self.missing += other.missing;
    }

    /// The sum as a decimal with the scale `Decimal` addition would give (the finest of
    /// the amounts summed; 0 when there were none); `None` if it does not fit.
    pub fn to_decimal(self, table_scale: u32) -> Option<Decimal> {
        if self.count == self.missing {
            return Some(Decimal::ZERO);
        }
        let drop = table_scale - u32::from(self.max_scale);
        let divisor = i128::from(pow10(drop)?);
        Decimal::try_from_i128_with_scale(self.units / divisor, u32::from(self.max_scale)).ok()
    }
}

impl Amounts {
    pub(crate) fn len(&self) -> usize {
        match self {
            Amounts::Scaled { scales, .. } => scales.len(),
            Amounts::Exact(values) => values.len(),
        }
    }

    pub(crate) fn get(&self, row: usize) -> Option<Decimal> {
        match self {
            Amounts::Exact(values) => values[row],
            Amounts::Scaled {
                scale,
                units,
                scales,
            } => {
                let own = scales[row];
                if own == MISSING {
                    return None;
                }
                let drop = pow10(scale - u32::from(own)).expect("scales are at most 18");
                Some(Decimal::new(units[row] / drop, u32::from(own)))
            }
        }
    }

    pub(crate) fn push(&mut self, amount: Option<Decimal>) {
        if let Amounts::Scaled { .. } = self
            && !self.push_scaled(amount)
        {
            self.make_exact();
        }
        if let Amounts::Exact(values) = self {
            values.push(amount);
        }
    }

    /// Keeps the first `len` amounts (the table's scale stays: every value is still exact).
    pub(crate) fn truncate(&mut self, len: usize) {
        match self {
            Amounts::Scaled { units, scales, .. } => {
                units.truncate(len);
                scales.truncate(len);
            }
            Amounts::Exact(values) => values.truncate(len),
        }
    }

    /// Makes room for `additional` more amounts.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            Amounts::Scaled { units, scales, .. } => {
                units.reserve(additional);
                scales.reserve(additional);
            }
            Amounts::Exact(values) => values.reserve(additional),
        }
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    /// Sets the amount of `row`: pushed like a new one (rescaling or turning exact as
    /// needed), then moved into place.
    pub(crate) fn set(&mut self, row: usize, amount: Option<Decimal>) {
        self.push(amount);
        match self {
            Amounts::Scaled { units, scales, .. } => {
                if let (Some(u), Some(s)) = (units.pop(), scales.pop()) {
                    units[row] = u;
                    scales[row] = s;
                }
            }
            Amounts::Exact(values) => {
                if let Some(v) = values.pop() {
                    values[row] = v;
                }
            }
        }
    }

    /// Appends integer amounts in units of `10^-scale` (each fits a decimal; `scale` is
    /// at most 28), negated where `negative(row)`: straight into the integer column when
    /// they fit it, one decimal at a time otherwise.
    pub(crate) fn extend_units(
        &mut self,
        column: &dyn super::columns::UnitColumn,
        scale: u32,
        negative: impl Fn(usize) -> bool,
    ) {
        let rows = column.len();
        self.reserve(rows);
        if scale <= 18 && rows > 0 {
            // Rescales the column once if these amounts are finer than any before.
            self.ensure_scale(scale);
        }
        for row in 0..rows {
            let value = column
                .get(row)
                .map(|u| if negative(row) { -u.abs() } else { u });
            if let Amounts::Scaled {
                scale: table,
                units,
                scales,
            } = self
            {
                let fits = match value {
                    None => Some(0),
                    Some(u) if scale <= *table => {
                        pow10(*table - scale).and_then(|f| i64::try_from(u).ok()?.checked_mul(f))
                    }
                    Some(_) => None,
                };
                if let Some(units_value) = fits {
                    units.push(units_value);
                    scales.push(if value.is_some() {
                        scale as u8
                    } else {
                        MISSING
                    });
                    continue;
                }
            }
            self.push(value.map(|u| {
                Decimal::try_from_i128_with_scale(u, scale).expect("checked to fit a decimal")
            }));
        }
    }

    /// Makes the integer column's scale at least `scale` (rescaling the units so far),
    /// or turns the column exact when they would not fit.
    fn ensure_scale(&mut self, scale: u32) {
        let fits = match self {
            Amounts::Scaled {
                scale: table,
                units,
                ..
            } if scale > *table => pow10(scale - *table)
                .and_then(|factor| {
                    units
                        .iter()
                        .map(|u| u.checked_mul(factor))
                        .collect::<Option<Vec<i64>>>()
                })
                .map(|rescaled| {
                    *units = rescaled;
                    *table = scale;
                })
                .is_some(),
            _ => true,
        };
        if !fits {
            self.make_exact();
        }
    }

    /// Pushes in the scaled form; `false` (and nothing pushed) when it does not fit.
    fn push_scaled(&mut self, amount: Option<Decimal>) -> bool {
        let Amounts::Scaled {
            scale,
            units,
            scales,
        } = self
        else {
            return false;
        };
        let Some(amount) = amount else {
            units.push(0);
            scales.push(MISSING);
            return true;
        };
        let own = amount.scale();
        if own > 18 {
            return false;
        }
        if own > *scale {
            // A finer amount: every unit so far becomes 10^(own - scale) finer units.
            let Some(factor) = pow10(own - *scale) else {
                return false;
            };
            let mut rescaled = Vec::with_capacity(units.capacity());
            for u in units.iter() {
                let Some(v) = u.checked_mul(factor) else {
                    return false;
                };
                rescaled.push(v);
            }
            *units = rescaled;
            *scale = own;
        }
        let Some(factor) = pow10(*scale - own) else {
            return false;
        };
        let Some(value) = i64::try_from(amount.mantissa())
            .ok()
            .and_then(|m| m.checked_mul(factor))
        else {
            return false;
        };
        units.push(value);
        scales.push(own as u8);
        true
    }

    fn make_exact(&mut self) {
        let values = (0..self.len()).map(|row| self.get(row)).collect();
        *self = Amounts::Exact(values);
    }

    /// The bytes the column holds on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            Amounts::Scaled { units, scales, .. } => units.capacity() * 8 + scales.capacity(),
            Amounts::Exact(values) => values.capacity() * std::mem::size_of::<Option<Decimal>>(),
        }
    }

    /// Adds the amounts of `rows` (row, scope slot) that `passes` into per-slot integer
    /// sums; `None` for an `Exact` column. Many rows are summed in two halves on two
    /// threads (integer sums do not depend on the order).
    pub(crate) fn sum_by_slot(
        &self,
        rows: &[(u32, u32)],
        slots: usize,
        passes: impl Fn(usize) -> bool + Sync,
    ) -> Option<(Vec<ScaledSum>, u32)> {
        let Amounts::Scaled {
            scale,
            units,
            scales,
        } = self
        else {
            return None;
        };
        let sum_part = |part: std::ops::Range<usize>| {
            let mut sums = vec![ScaledSum::default(); slots];
            for &(row, slot) in &rows[part] {
                let row = row as usize;
                sums[slot as usize].add_row(units[row], scales[row], passes(row));
            }
            sums
        };
        Some((in_halves(rows.len(), sum_part), *scale))
    }

    /// The sums per slot of the rows `scan` keeps, in one pass over the table (two
    /// threads for a large one); `None` when the amounts are not integers.
    pub(crate) fn sum_scan(
        &self,
        scan: &RowScan<'_>,
        slots: usize,
    ) -> Option<(Vec<ScaledSum>, u32)> {
        let Amounts::Scaled {
            scale,
            units,
            scales,
        } = self
        else {
            return None;
        };
        let sum_part = |rows: std::ops::Range<usize>| {
            let mut sums = vec![ScaledSum::default(); slots];
            scan.for_each(rows, |row, slot| {
                sums[slot].add_row(units[row], scales[row], true);
            });
            sums
        };
        Some((in_halves(units.len(), sum_part), *scale))
    }
}

/// The sums of rows `0..rows` by `sum_part`, in two halves on two threads for many rows
/// (integer sums do not depend on the order).
fn in_halves(
    rows: usize,
    sum_part: impl Fn(std::ops::Range<usize>) -> Vec<ScaledSum> + Sync,
) -> Vec<ScaledSum> {
    if rows < PARALLEL_SUM_ROWS || cfg!(target_arch = "wasm32") {
        return sum_part(0..rows);
    }
    let middle = rows / 2;
    let (mut sums, later) = std::thread::scope(|scope| {
        let later = scope.spawn(|| sum_part(middle..rows));
        (
            sum_part(0..middle),
            later.join().expect("summing does not panic"),
        )
    });
    for (sum, other) in sums.iter_mut().zip(later) {
        sum.add(&other);
    }
    sums
}

/// From this many rows, sums use two threads.
const PARALLEL_SUM_ROWS: usize = 200_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn amounts_read_back_exactly_as_written() {
        let mut column = Amounts::default();
        for text in ["1000", "150000.50", "-3.125", "0", "7.10"] {
            column.push(Some(d(text)));
        }
        column.push(None);
        assert!(matches!(column, Amounts::Scaled { scale: 3, .. }));
        let back: Vec<String> = (0..6)
            .map(|r| column.get(r).map_or("-".into(), |v| v.to_string()))
            .collect();
        assert_eq!(back, ["1000", "150000.50", "-3.125", "0", "7.10", "-"]);
    }

    #[test]
    fn an_amount_too_large_for_integers_keeps_every_value_exact() {
        let mut column = Amounts::default();
        column.push(Some(d("12.5")));
        column.push(Some(d("79228162514264337593543950335")));
        column.push(Some(d("0.000000000000000000001")));
        assert!(matches!(column, Amounts::Exact(_)));
        assert_eq!(column.get(0), Some(d("12.5")));
        assert_eq!(column.get(1), Some(d("79228162514264337593543950335")));
        assert_eq!(column.get(2), Some(d("0.000000000000000000001")));
    }

    struct Units(Vec<Option<i128>>);

    impl super::super::columns::UnitColumn for Units {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn get(&self, row: usize) -> Option<i128> {
            self.0[row]
        }
    }

    #[test]
    fn integer_amounts_read_back_like_the_decimals_they_count() {
        let units = Units(vec![Some(1050), None, Some(-7), Some(300)]);
        let mut column = Amounts::default();
        column.push(Some(d("1000")));
        column.extend_units(&units, 2, |row| row == 3);
        column.extend_units(&Units(vec![Some(5)]), 3, |_| false); // finer: rescales
        let back: Vec<String> = (0..6)
            .map(|r| column.get(r).map_or("-".into(), |v| v.to_string()))
            .collect();
        assert_eq!(back, ["1000", "10.50", "-", "-0.07", "-3.00", "0.005"]);
        assert!(matches!(column, Amounts::Scaled { scale: 3, .. }));
        // Too large for 64-bit units: the column turns exact, nothing is rounded.
        column.extend_units(&Units(vec![Some(i128::from(i64::MAX) * 10)]), 0, |_| false);
        assert!(matches!(column, Amounts::Exact(_)));
        assert_eq!(column.get(6), Some(d("92233720368547758070")));
        assert_eq!(column.get(1), Some(d("10.50")));
        let mut fine = Amounts::default();
        fine.extend_units(&Units(vec![Some(1)]), 28, |_| false);
        assert_eq!(fine.get(0), Some(d("0.0000000000000000000000000001")));
    }

    #[test]
    fn many_rows_sum_on_two_threads_to_the_same_totals() {
        let mut column = Amounts::default();
        let rows: Vec<(u32, u32)> = (0..300_000u32).map(|r| (r, r % 7)).collect();
        for r in 0..300_000i64 {
            column.push((r % 11 != 0).then(|| Decimal::new(r * 37 - 5_000_000, (r % 3) as u32)));
        }
        let passes = |row: usize| row % 5 != 0;
        let (sums, scale) = column.sum_by_slot(&rows, 7, passes).unwrap();
        for slot in 0..7u32 {
            let mine: Vec<usize> = rows
                .iter()
                .filter(|&&(r, s)| s == slot && passes(r as usize))
                .map(|&(r, _)| r as usize)
                .collect();
            let expected: Decimal = mine.iter().filter_map(|&r| column.get(r)).sum();
            let sum = sums[slot as usize];
            assert_eq!(sum.count, mine.len() as u64);
            assert_eq!(
                sum.missing,
                mine.iter().filter(|&&r| column.get(r).is_none()).count() as u64
            );
            assert_eq!(sum.to_decimal(scale).unwrap(), expected);
            assert_eq!(sum.to_decimal(scale).unwrap().scale(), expected.scale());
        }
    }

    #[test]
    fn integer_sums_have_the_scale_decimal_addition_gives() {
        let mut column = Amounts::default();
        for text in ["1000", "3000", "0.50"] {
            column.push(Some(d(text)));
        }
        column.push(None);
        let (sums, scale) = column
            .sum_by_slot(&[(0, 0), (1, 0), (2, 1), (3, 1), (3, 2)], 3, |_| true)
            .unwrap();
        assert_eq!(sums[0].to_decimal(scale).unwrap().to_string(), "4000");
        assert_eq!(sums[1].to_decimal(scale).unwrap().to_string(), "0.50");
        assert_eq!(sums[2].to_decimal(scale).unwrap().to_string(), "0");
        assert_eq!((sums[1].count, sums[1].missing), (2, 1));
    }
}
