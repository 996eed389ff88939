//! The fused scan of a measure pass: which facts of a period pass a metric's filter and
//! which scope each credits, found word by word without materialising the rows.
//!
//! The common metric (a sum of amounts, filtered on dictionary columns, every owner in
//! one team for the whole period) needs no per-row list: the dates of 64 rows are
//! compared with the period at once (a loop the compiler turns into vector compares,
//! giving one bit per row), then only the rows whose bit is set are read: their codes
//! tested, their owner's slot looked up, their amount added. A period is usually a small
//! part of the table, so most rows cost one compare, and nothing the size of the table
//! is allocated.

use chrono::NaiveDate;

/// Rows whose dates are compared at once: one bit each in a `u64`.
const WORD: usize = 64;

/// One test of a filter's conjunction: whether a row's dictionary code passes.
pub(crate) struct CodeTest<'a> {
    /// The column's codes by row (`Dictionary::NONE` for a missing value).
    pub codes: &'a [u32],
    /// Whether each code passes; the last entry is for a missing value, so a lookup is
    /// `pass[min(code, len - 1)]`, without a branch.
    pub pass: Vec<bool>,
}

impl CodeTest<'_> {
    /// Whether `row`'s code passes.
    #[inline]
    fn passes(&self, row: usize) -> bool {
        let code = self.codes[row] as usize;
        self.pass[code.min(self.pass.len() - 1)]
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
    /// Word by word: a mask of the rows in the period (one compare per row, vectorised),
    /// then the code tests and the callback for the rows of the mask only.
    #[inline]
    pub(crate) fn for_each(
        &self,
        rows: std::ops::Range<usize>,
        mut each: impl FnMut(usize, usize),
    ) {
        let no_owner = self.slot_of_owner.len() - 1;
        let mut start = rows.start;
        while start < rows.end {
            let end = rows.end.min(start + WORD);
            let mut in_period = match <&[NaiveDate; WORD]>::try_from(&self.dates[start..end]) {
                Ok(word) => self.in_period(word),
                Err(_) => self.in_period(&self.dates[start..end]),
            };
            while in_period != 0 {
                let row = start + in_period.trailing_zeros() as usize;
                in_period &= in_period - 1; // the next set bit
                if self.tests.iter().all(|test| test.passes(row)) {
                    let owner = (self.owners[row] as usize).min(no_owner);
                    each(row, self.slot_of_owner[owner] as usize);
                }
            }
            start = end;
        }
    }

    /// One bit per date of `dates` (at most [`WORD`]), set when the date is in the
    /// period. Generic so that a full word (an array) compiles to vector compares.
    #[inline]
    #[allow(clippy::needless_bitwise_bool)] // `&`: no branch on an unpredictable test
    fn in_period<Dates: AsRef<[NaiveDate]> + ?Sized>(&self, dates: &Dates) -> u64 {
        let (first, last) = (self.first, self.last);
        let mut mask = 0;
        for (offset, &date) in dates.as_ref().iter().enumerate() {
            mask |= u64::from((date >= first) & (date <= last)) << offset;
        }
        mask
    }
}
