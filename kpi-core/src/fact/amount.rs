//! The amount column: exact decimals stored as integers at one scale for the table.

use crate::parallel::{Merge, in_parts};

use rust_decimal::Decimal;

use super::RowScan;

/// The scale byte of a row without an amount.
const MISSING: u8 = u8::MAX;

/// Amounts by row. Usually `Scaled`: every amount as an integer count of units of
/// `10^-scale` (one scale for the table: the finest any amount has), with each amount's
/// own scale kept in a byte so it reads back exactly as written (`1000` stays `1000` in a
/// table that also holds `150000.50`). 5 bytes a fact while the units fit an `i32` (money
/// in cents up to about ±21 million), 9 once one does not, instead of 20 for
/// `Option<Decimal>` (16 for Arrow's decimal128), and sums are integer additions. An
/// amount that does not fit 64 bits (beyond about 9.2 × 10^18 units) turns the column
/// into `Exact` decimals; nothing is rounded.
#[derive(Debug, Clone)]
pub(crate) enum Amounts {
    Scaled {
        scale: u32,
        units: Units,
        scales: Vec<u8>,
        /// What `scales` holds, kept as rows are written: a sum over a column whose
        /// every row has one scale and an amount need not read them.
        own: OwnScales,
    },
    Exact(Vec<Option<Decimal>>),
}

impl PartialEq for Amounts {
    /// Equal when every row reads back the same amount at the same scale, whatever the
    /// storage (narrow or wide units, scaled or exact).
    fn eq(&self, other: &Amounts) -> bool {
        let written = |a: &Amounts, row| a.get(row).map(|d| (d, d.scale()));
        self.len() == other.len()
            && (0..self.len()).all(|row| written(self, row) == written(other, row))
    }
}

/// The integer units of a scaled column: `i32`s while every value fits one, `i64`s
/// from the first that does not. A measure pass streams every row's units through
/// memory, so the narrow column is read in half the time.
#[derive(Debug, Clone)]
pub(crate) enum Units {
    Narrow(Vec<i32>),
    Wide(Vec<i64>),
}

impl Units {
    fn len(&self) -> usize {
        match self {
            Units::Narrow(v) => v.len(),
            Units::Wide(v) => v.len(),
        }
    }

    fn get(&self, row: usize) -> i64 {
        match self {
            Units::Narrow(v) => i64::from(v[row]),
            Units::Wide(v) => v[row],
        }
    }

    fn push(&mut self, value: i64) {
        if let Units::Narrow(v) = self {
            match i32::try_from(value) {
                Ok(narrow) => return v.push(narrow),
                Err(_) => self.widen(),
            }
        }
        if let Units::Wide(v) = self {
            v.push(value);
        }
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    fn pop(&mut self) -> Option<i64> {
        match self {
            Units::Narrow(v) => v.pop().map(i64::from),
            Units::Wide(v) => v.pop(),
        }
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    fn set(&mut self, row: usize, value: i64) {
        if let Units::Narrow(v) = self {
            match i32::try_from(value) {
                Ok(narrow) => return v[row] = narrow,
                Err(_) => self.widen(),
            }
        }
        if let Units::Wide(v) = self {
            v[row] = value;
        }
    }

    fn truncate(&mut self, len: usize) {
        match self {
            Units::Narrow(v) => v.truncate(len),
            Units::Wide(v) => v.truncate(len),
        }
    }

    fn reserve(&mut self, additional: usize) {
        match self {
            Units::Narrow(v) => v.reserve(additional),
            Units::Wide(v) => v.reserve(additional),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Units::Narrow(v) => v.capacity() * 4,
            Units::Wide(v) => v.capacity() * 8,
        }
    }

    /// Every value as an `i64`, keeping the capacity.
    fn widen(&mut self) {
        if let Units::Narrow(v) = self {
            let mut wide = Vec::with_capacity(v.capacity());
            wide.extend(v.iter().map(|&u| i64::from(u)));
            *self = Units::Wide(wide);
        }
    }

    /// Every value times `factor`, narrow while they all fit; `None` when one does not
    /// fit 64 bits.
    fn rescaled(&self, factor: i64) -> Option<Units> {
        let len = self.len();
        let mut narrow = Vec::with_capacity(len);
        for row in 0..len {
            let value = self.get(row).checked_mul(factor)?;
            if let Ok(n) = i32::try_from(value) {
                narrow.push(n);
            } else {
                let mut wide: Vec<i64> = Vec::with_capacity(len);
                wide.extend(narrow.iter().map(|&n| i64::from(n)));
                for row in row..len {
                    wide.push(self.get(row).checked_mul(factor)?);
                }
                return Some(Units::Wide(wide));
            }
        }
        Some(Units::Narrow(narrow))
    }
}

/// What a scaled column's own scales hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum OwnScales {
    /// No rows yet.
    Empty,
    /// Every row has an amount of this scale.
    All(u8),
    /// Rows of several scales, or without an amount (or a column cut back from them).
    Mixed,
}

impl OwnScales {
    /// Notes one more row whose own scale is `own` (`MISSING` for no amount).
    fn note(&mut self, own: u8) {
        *self = match *self {
            OwnScales::Empty if own != MISSING => OwnScales::All(own),
            OwnScales::All(scale) if scale == own => OwnScales::All(scale),
            _ => OwnScales::Mixed,
        };
    }
}

/// A row's own scale, as a sum reads it: from the column, or one for every row.
trait OwnScale: Copy {
    fn at(self, row: usize) -> u8;
}

/// Every row has an amount of this scale.
#[derive(Clone, Copy)]
struct Uniform(u8);

impl OwnScale for Uniform {
    #[inline]
    fn at(self, _: usize) -> u8 {
        self.0
    }
}

/// Each row's own scale from the column.
#[derive(Clone, Copy)]
// The browser module sums one layout only (see `with_layout!`).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct PerRow<'a>(&'a [u8]);

impl OwnScale for PerRow<'_> {
    #[inline]
    fn at(self, row: usize) -> u8 {
        self.0[row]
    }
}

/// Runs `$body` with `$units` bound to the column's units slice (`i32` or `i64`) and
/// `$own` to its [`OwnScale`]: four loops, each compiled for its layout.
/// The browser module sums the common layout only (one scale, all present, `i32`
/// units): the others give `None` from the enclosing function, and the measure pass sums
/// them row by row, exactly all the same. Each layout's copy of a loop costs more of the
/// download than it saves in time there.
#[cfg(target_arch = "wasm32")]
macro_rules! with_layout {
    ($column:expr, |$units:ident, $own:ident| $body:expr) => {{
        let (units, _, own) = $column;
        match (units, own) {
            (Units::Narrow($units), OwnScales::All(s)) => {
                let $own = Uniform(*s);
                $body
            }
            _ => return None,
        }
    }};
}

#[cfg(not(target_arch = "wasm32"))]
macro_rules! with_layout {
    ($column:expr, |$units:ident, $own:ident| $body:expr) => {{
        let (units, scales, own) = $column;
        match (units, own) {
            (Units::Narrow($units), OwnScales::All(s)) => {
                let $own = Uniform(*s);
                $body
            }
            (Units::Narrow($units), _) => {
                let $own = PerRow(scales);
                $body
            }
            (Units::Wide($units), OwnScales::All(s)) => {
                let $own = Uniform(*s);
                $body
            }
            (Units::Wide($units), _) => {
                let $own = PerRow(scales);
                $body
            }
        }
    }};
}

impl Default for Amounts {
    fn default() -> Amounts {
        Amounts::Scaled {
            scale: 0,
            units: Units::Narrow(Vec::new()),
            scales: Vec::new(),
            own: OwnScales::Empty,
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
                ..
            } => {
                let own = scales[row];
                if own == MISSING {
                    return None;
                }
                let drop = pow10(scale - u32::from(own)).expect("scales are at most 18");
                Some(Decimal::new(units.get(row) / drop, u32::from(own)))
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
            Amounts::Scaled {
                units, scales, own, ..
            } => {
                units.truncate(len);
                scales.truncate(len);
                if len == 0 {
                    *own = OwnScales::Empty;
                }
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
                // The pushed row was noted in `own`; the one it replaces may have been
                // the last of another scale, which leaves `own` mixed: still true of a
                // sum's needs (it reads the scales), never wrongly uniform.
                if let (Some(u), Some(s)) = (units.pop(), scales.pop()) {
                    units.set(row, u);
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
        column: &dyn UnitColumn,
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
                own,
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
                    let row_scale = if value.is_some() {
                        scale as u8
                    } else {
                        MISSING
                    };
                    scales.push(row_scale);
                    own.note(row_scale);
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
                .and_then(|factor| units.rescaled(factor))
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
            own: own_scales,
        } = self
        else {
            return false;
        };
        let Some(amount) = amount else {
            units.push(0);
            scales.push(MISSING);
            own_scales.note(MISSING);
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
            let Some(rescaled) = units.rescaled(factor) else {
                return false;
            };
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
        own_scales.note(own as u8);
        true
    }

    fn make_exact(&mut self) {
        let values = (0..self.len()).map(|row| self.get(row)).collect();
        *self = Amounts::Exact(values);
    }

    /// The bytes the column holds on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            Amounts::Scaled { units, scales, .. } => units.heap_bytes() + scales.capacity(),
            Amounts::Exact(values) => values.capacity() * std::mem::size_of::<Option<Decimal>>(),
        }
    }

    /// Adds the amounts of `rows` (row, scope slot) that `passes` into per-slot integer
    /// sums; `None` for an `Exact` column. Many rows are summed in two halves on two
    /// threads (integer sums do not depend on the order).
    #[allow(clippy::useless_conversion)] // one body for `i32` and `i64` units
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
            own,
        } = self
        else {
            return None;
        };
        let sums = with_layout!((units, scales, own), |units, own| {
            in_parts(rows.len(), slots, |part, sums: &mut [ScaledSum]| {
                for &(row, slot) in &rows[part] {
                    let row = row as usize;
                    let units = i64::from(units[row]);
                    sums[slot as usize].add_row(units, own.at(row), passes(row));
                }
            })
        });
        Some((sums, *scale))
    }

    /// The sums per slot of the rows `scan` keeps, in one pass over the table (two
    /// threads for a large one); `None` when the amounts are not integers.
    ///
    /// `place(row, slot)` turns the scan's slot into the sum's: the identity for one
    /// period, `period × scopes + slot` for a series of periods (see
    /// `measure::measure_each`); it gives at most `slots`, the slot left out of the result.
    #[allow(clippy::useless_conversion)] // one body for `i32` and `i64` units
    pub(crate) fn sum_scan(
        &self,
        scan: &RowScan<'_>,
        slots: usize,
        place: impl Fn(usize, usize) -> usize + Sync,
    ) -> Option<(Vec<ScaledSum>, u32)> {
        let Amounts::Scaled {
            scale,
            units,
            scales,
            own,
        } = self
        else {
            return None;
        };
        // Rows the filter drops are summed into one more slot, left out of the result.
        let dropped = u32::try_from(slots).ok()?;
        if let (Units::Narrow(units), &OwnScales::All(own)) = (units, own)
            && u32::try_from(units.len()).is_ok()
        {
            // The common column (amounts of one scale, all present, in `i32` units):
            // 16-byte sums per slot instead of 48, so a large org's slots stay in cache.
            let sums = in_parts(units.len(), slots + 1, |rows, sums: &mut [NarrowSum]| {
                scan.for_each(rows, dropped, |row, slot| {
                    sums[place(row, slot)].add(units[row]);
                });
            });
            let sums = sums[..slots].iter().map(|sum| sum.scaled(own)).collect();
            return Some((sums, *scale));
        }
        // The browser module leaves the other layouts to the row-by-row sum (see
        // `with_layout!`).
        if cfg!(target_arch = "wasm32") {
            return None;
        }
        let mut sums = with_layout!((units, scales, own), |units, own| {
            in_parts(units.len(), slots + 1, |rows, sums: &mut [ScaledSum]| {
                scan.for_each(rows, dropped, |row, slot| {
                    sums[place(row, slot)].add_row(i64::from(units[row]), own.at(row), true);
                });
            })
        });
        sums.truncate(slots);
        Some((sums, *scale))
    }
}

/// A slot's sum of `i32` units that all have one scale and an amount. An `i64` holds the
/// sum of up to 2^32 of them exactly (|sum| ≤ 2^31 · 2^32 = 2^63), and a table has fewer
/// rows than that (the caller checks).
#[derive(Debug, Clone, Copy, Default)]
struct NarrowSum {
    units: i64,
    count: u64,
}

impl NarrowSum {
    #[inline]
    fn add(&mut self, units: i32) {
        self.units += i64::from(units);
        self.count += 1;
    }

    /// As the general sum, for rows whose own scale is `own`.
    fn scaled(self, own: u8) -> ScaledSum {
        ScaledSum {
            units: i128::from(self.units),
            max_scale: if self.count > 0 { own } else { 0 },
            count: self.count,
            missing: 0,
        }
    }
}

impl Merge for NarrowSum {
    fn merge(&mut self, other: &NarrowSum) {
        self.units += other.units;
        self.count += other.count;
    }
}

impl Merge for ScaledSum {
    fn merge(&mut self, other: &ScaledSum) {
        self.add(other);
    }
}

/// Integer amounts the caller holds in its own layout (an Arrow decimal128 or integer
/// array), read in place by [`AmountColumn::Units`](super::AmountColumn::Units).
pub trait UnitColumn: Sync {
    /// The number of rows.
    fn len(&self) -> usize;
    /// Whether the column has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The amount of `row` in units of `10^-scale` (`None`: no amount).
    fn get(&self, row: usize) -> Option<i128>;
}

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

    impl super::super::UnitColumn for Units {
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

    #[test]
    fn units_stay_narrow_until_one_does_not_fit_and_read_back_either_way() {
        let mut column = Amounts::default();
        column.push(Some(d("21474836.47"))); // i32::MAX cents
        column.push(Some(d("-21474836.48")));
        assert!(matches!(
            column,
            Amounts::Scaled {
                units: super::Units::Narrow(_),
                ..
            }
        ));
        column.push(Some(d("21474836.48"))); // one cent more: wide from here
        assert!(matches!(
            column,
            Amounts::Scaled {
                units: super::Units::Wide(_),
                ..
            }
        ));
        let mut fine = Amounts::default();
        fine.push(Some(d("2147483647")));
        fine.push(Some(d("0.5"))); // rescales every unit by 10: no longer narrow
        assert!(matches!(
            fine,
            Amounts::Scaled {
                units: super::Units::Wide(_),
                ..
            }
        ));
        assert_eq!(fine.get(0).unwrap().to_string(), "2147483647");
        let back: Vec<String> = (0..3).map(|r| column.get(r).unwrap().to_string()).collect();
        assert_eq!(back, ["21474836.47", "-21474836.48", "21474836.48"]);
        // Equal by what the rows read back, whatever the storage.
        let mut narrow = Amounts::default();
        for amount in ["1.50", "2"] {
            narrow.push(Some(d(amount)));
        }
        let mut wide = narrow.clone();
        if let Amounts::Scaled { units, .. } = &mut wide {
            units.widen();
        }
        assert!(matches!(
            wide,
            Amounts::Scaled {
                units: super::Units::Wide(_),
                ..
            }
        ));
        assert_eq!(narrow, wide);
        wide.push(None);
        assert_ne!(narrow, wide);
    }

    #[test]
    fn a_sum_reads_row_scales_unless_every_row_has_one_scale_and_an_amount() {
        let mut column = Amounts::default();
        column.push(Some(d("1.25")));
        column.push(Some(d("2.50")));
        assert!(matches!(
            column,
            Amounts::Scaled {
                own: OwnScales::All(2),
                ..
            }
        ));
        column.push(None);
        assert!(matches!(
            column,
            Amounts::Scaled {
                own: OwnScales::Mixed,
                ..
            }
        ));
        column.truncate(0);
        column.push(Some(d("7")));
        assert!(matches!(
            column,
            Amounts::Scaled {
                own: OwnScales::All(0),
                ..
            }
        ));
        column.push(Some(d("7.5")));
        assert!(matches!(
            column,
            Amounts::Scaled {
                scale: 2,
                own: OwnScales::Mixed,
                ..
            }
        ));
        let (sums, scale) = column.sum_by_slot(&[(0, 0), (1, 0)], 1, |_| true).unwrap();
        assert_eq!(sums[0].to_decimal(scale).unwrap().to_string(), "14.5");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// A column of one scale in `i32` units is summed with narrow per-slot sums; the
        /// same amounts in a column that also holds another scale take the general sums.
        /// Both give the same sums, counts and scales, on one thread and on two.
        #[test]
        fn narrow_sums_match_the_general_ones(
            units in prop::collection::vec(any::<i32>(), 1..400), // an empty column has no layout
            many in any::<bool>(),
        ) {
            let rows = if many { crate::parallel::PARALLEL_SUM_ROWS + units.len() } else { units.len() };
            let amount = |row: usize| Decimal::new(i64::from(units.get(row % units.len().max(1)).copied().unwrap_or(0)), 2);
            let mut narrow = Amounts::default();
            let mut mixed = Amounts::default();
            for row in 0..rows {
                narrow.push(Some(amount(row)));
                mixed.push(Some(amount(row)));
            }
            mixed.push(Some(Decimal::new(1, 3))); // another scale, outside the period
            let narrow_layout = matches!(narrow, Amounts::Scaled { units: super::Units::Narrow(_), own: OwnScales::All(2), .. });
            let mixed_layout = matches!(mixed, Amounts::Scaled { own: OwnScales::Mixed, .. });
            prop_assert!(narrow_layout && mixed_layout, "the two layouts under test");
            let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let mut dates = vec![day; rows];
            dates.push(day + chrono::Days::new(40));
            let owners: Vec<u32> = (0..=rows as u32).map(|r| r % 3).collect();
            let slot_of_owner = [0u32, 1, 2, 3];
            let scan = RowScan {
                dates: &dates,
                first: day,
                last: day + chrono::Days::new(30),
                tests: &[],
                owners: crate::fact::CodeSlice::U32(&owners),
                slot_of_owner: &slot_of_owner,
            };
            let (fast, scale) = narrow.sum_scan(&scan, 4, |_, slot| slot).unwrap();
            let (general, general_scale) = mixed.sum_scan(&scan, 4, |_, slot| slot).unwrap();
            for (a, b) in fast.iter().zip(&general) {
                prop_assert_eq!(
                    a.to_decimal(scale).map(|d| (d, d.scale())),
                    b.to_decimal(general_scale).map(|d| (d, d.scale()))
                );
                prop_assert_eq!((a.count, a.missing), (b.count, b.missing));
            }
        }
    }

    use proptest::prelude::*;

    /// An amount of any size and scale (up to 18 places), or none.
    fn amount() -> impl Strategy<Value = Option<Decimal>> {
        prop_oneof![
            1 => Just(None),
            4 => (-100_000_000i64..100_000_000, 0u32..4).prop_map(|(m, s)| Some(Decimal::new(m, s))),
            1 => (any::<i64>(), 0u32..19).prop_map(|(m, s)| Some(Decimal::new(m, s))),
        ]
    }

    proptest! {
        /// Whatever amounts a column holds (narrow or wide units, one scale or many,
        /// missing amounts, or decimals too large for integers), every row reads back
        /// exactly as written and every slot sums to the decimal sum of its rows, at
        /// the scale decimal addition gives.
        #[test]
        fn every_layout_reads_back_and_sums_like_decimals(
            amounts in prop::collection::vec(amount(), 0..60),
            slots in 1usize..4,
        ) {
            let mut column = Amounts::default();
            for a in &amounts {
                column.push(*a);
            }
            for (row, a) in amounts.iter().enumerate() {
                prop_assert_eq!(column.get(row).map(|d| (d, d.scale())), a.map(|d| (d, d.scale())));
            }
            let rows: Vec<(u32, u32)> = (0..amounts.len() as u32).map(|r| (r, r % slots as u32)).collect();
            if let Some((sums, scale)) = column.sum_by_slot(&rows, slots, |row| row % 3 != 1) {
                for (slot, sum) in sums.iter().enumerate() {
                    let mine: Vec<Decimal> = rows
                        .iter()
                        .filter(|&&(r, s)| s as usize == slot && r % 3 != 1)
                        .filter_map(|&(r, _)| amounts[r as usize])
                        .collect();
                    let Some(expected) = mine.iter().try_fold(Decimal::ZERO, |t, a| t.checked_add(*a)) else {
                        continue; // beyond a decimal: no sum to compare with
                    };
                    let sum = sum.to_decimal(scale);
                    prop_assert_eq!(sum.map(|s| (s, s.scale())), Some((expected, expected.scale())));
                }
            }
        }
    }
}
