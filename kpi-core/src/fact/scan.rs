//! The fused scan of a measure pass: which facts of a period pass a metric's filter and
//! which scope each credits, found block by block without materialising the rows.
//!
//! The common metric (a sum of amounts, filtered on dictionary columns, every owner in
//! one team for the whole period) needs no per-row list: a block of rows is tested
//! without branches (dates against the period, codes against pass tables), the rows
//! kept are gathered into a small buffer, and only those are added up. The per-metric
//! loop then reads each column once, and nothing the size of the table is allocated.

use chrono::NaiveDate;

/// Rows tested per block: the kept rows' offsets (`u16`) fit a buffer that stays in L1.
const BLOCK: usize = 2048;

/// One test of a filter's conjunction: whether a row's dictionary code passes.
pub(crate) struct CodeTest<'a> {
    /// The column's codes by row (`Dictionary::NONE` for a missing value).
    pub codes: &'a [u32],
    /// Whether each code passes; the last entry is for a missing value, so a lookup is
    /// `pass[min(code, len - 1)]`, without a branch.
    pub pass: Vec<bool>,
}

impl CodeTest<'_> {
    /// Keeps the offsets in `kept` (rows of the block starting at `start`) whose code
    /// passes, in place and without a branch on the outcome; returns how many remain.
    #[inline]
    fn retain(&self, start: usize, kept: &mut [u16]) -> usize {
        let last = self.pass.len() - 1;
        let mut n = 0;
        for k in 0..kept.len() {
            let offset = kept[k];
            let code = self.codes[start + usize::from(offset)] as usize;
            kept[n] = offset;
            n += usize::from(self.pass[code.min(last)]);
        }
        n
    }
}

/// The rows of a table dated in `first..=last` that pass every test, with the scope slot
/// of each (by owner code).
pub(crate) struct RowScan<'a> {
    pub dates: &'a [NaiveDate],
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub tests: &'a [CodeTest<'a>],
    /// The owner code of each row (`Dictionary::NONE` for none).
    pub owners: &'a [u32],
    /// The slot of each owner code; the last entry is for a fact without an owner.
    pub slot_of_owner: &'a [u32],
}

impl RowScan<'_> {
    /// Calls `each(row, slot)` for every kept row of `rows`, in row order.
    ///
    /// Block by block: the rows in the period first (one compare per row), then each
    /// code test over the rows still kept (a period is usually a small part of the
    /// table), then the callback for the rest.
    #[inline]
    pub(crate) fn for_each(
        &self,
        rows: std::ops::Range<usize>,
        mut each: impl FnMut(usize, usize),
    ) {
        let mut kept = [0u16; BLOCK];
        let no_owner = self.slot_of_owner.len() - 1;
        let mut start = rows.start;
        while start < rows.end {
            let block = start..rows.end.min(start + BLOCK);
            let mut n = self.in_period(&self.dates[block.clone()], &mut kept);
            for test in self.tests {
                n = test.retain(start, &mut kept[..n]);
            }
            for &offset in &kept[..n] {
                let row = start + usize::from(offset);
                let owner = (self.owners[row] as usize).min(no_owner);
                each(row, self.slot_of_owner[owner] as usize);
            }
            start = block.end;
        }
    }

    /// Writes the offsets of the rows of a block (its `dates`) that are in the period
    /// into `kept`; returns how many. Every offset is written and the count advances by
    /// the test's outcome, so the loop has no branch on it (which rows are in the period
    /// is not predictable).
    #[inline]
    #[allow(clippy::needless_bitwise_bool)] // `&`: no branch on an unpredictable test
    fn in_period(&self, dates: &[NaiveDate], kept: &mut [u16; BLOCK]) -> usize {
        let (first, last) = (self.first, self.last);
        let mut n = 0;
        for (offset, &date) in dates.iter().enumerate() {
            kept[n] = offset as u16; // offset < BLOCK <= 2^16
            n += usize::from((date >= first) & (date <= last));
        }
        n
    }
}
