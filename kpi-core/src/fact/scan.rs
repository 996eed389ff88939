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

use super::CodeSlice;
use super::codes::Code;

/// Rows whose dates are compared at once: one bit each in a `u64`.
const WORD: usize = 64;

/// One test of a filter's conjunction: whether a row's dictionary code passes.
pub(crate) struct CodeTest<'a> {
    /// The column's codes by row (`Dictionary::NONE` for a missing value).
    pub codes: CodeSlice<'a>,
    /// Whether each code passes; the last entry is for a missing value, so a lookup is
    /// `pass[min(code, len - 1)]`, without a branch.
    pub pass: Vec<bool>,
}

impl CodeTest<'_> {
    /// Whether `code` passes.
    #[inline]
    fn passes_code(&self, code: u32) -> bool {
        self.pass[(code as usize).min(self.pass.len() - 1)]
    }

    /// Whether `row`'s code passes.
    #[inline]
    fn passes(&self, row: usize) -> bool {
        self.passes_code(self.codes.get(row))
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
    pub owners: CodeSlice<'a>,
    /// The slot of each owner code; the last entry is for a fact without an owner.
    pub slot_of_owner: &'a [u32],
}

impl RowScan<'_> {
    /// Calls `each(row, slot)` for every kept row of `rows`, in row order.
    ///
    /// Word by word: a mask of the rows in the period (one compare per row, vectorised),
    /// then the code tests and the callback for the rows of the mask only. The loop is
    /// compiled for the owner column's width and, for the common filter of one test, the
    /// tested column's, so that no row pays for choosing them.
    pub(crate) fn for_each(&self, rows: std::ops::Range<usize>, each: impl FnMut(usize, usize)) {
        match self.owners {
            CodeSlice::U8(owners) => self.with_owners(owners, rows, each),
            CodeSlice::U16(owners) => self.with_owners(owners, rows, each),
            CodeSlice::U32(owners) => self.with_owners(owners, rows, each),
        }
    }

    fn with_owners<O: Code>(
        &self,
        owners: &[O],
        rows: std::ops::Range<usize>,
        each: impl FnMut(usize, usize),
    ) {
        match self.tests {
            [] => self.scan(owners, |_| true, rows, each),
            [test] => match test.codes {
                CodeSlice::U8(codes) => {
                    self.scan(
                        owners,
                        |row| test.passes_code(codes[row].code()),
                        rows,
                        each,
                    );
                }
                CodeSlice::U16(codes) => {
                    self.scan(
                        owners,
                        |row| test.passes_code(codes[row].code()),
                        rows,
                        each,
                    );
                }
                CodeSlice::U32(codes) => {
                    self.scan(owners, |row| test.passes_code(codes[row]), rows, each);
                }
            },
            tests => self.scan(
                owners,
                |row| tests.iter().all(|t| t.passes(row)),
                rows,
                each,
            ),
        }
    }

    #[inline]
    fn scan<O: Code>(
        &self,
        owners: &[O],
        passes: impl Fn(usize) -> bool,
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
                if passes(row) {
                    let owner = (owners[row].code() as usize).min(no_owner);
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
