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

/// The rows a scan reads, and the slot it gives those the filter drops.
struct Rows {
    rows: std::ops::Range<usize>,
    dropped: u32,
}

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
    /// Calls `each(row, slot)` for every row of `rows` dated in the period, in row order:
    /// a row the tests keep with its owner's slot, a row they drop with slot `dropped`.
    /// The caller adds dropped rows to a slot it then discards: a filter's outcome is as
    /// unpredictable as the data, and a branch on it would mispredict on a good part of
    /// the rows, where choosing the slot costs no branch.
    ///
    /// Word by word: a mask of the rows in the period (one compare per row, vectorised),
    /// then the code tests and the callback for the rows of the mask only. The loop is
    /// compiled for the owner column's width and, for the common filter of one test, the
    /// tested column's, so that no row pays for choosing them.
    pub(crate) fn for_each(
        &self,
        rows: std::ops::Range<usize>,
        dropped: u32,
        each: impl FnMut(usize, usize),
    ) {
        let rows = Rows { rows, dropped };
        match self.owners {
            CodeSlice::U8(owners) => self.with_owners(owners, rows, each),
            CodeSlice::U16(owners) => self.with_owners(owners, rows, each),
            CodeSlice::U32(owners) => self.with_owners(owners, rows, each),
        }
    }

    fn with_owners<O: Code>(&self, owners: &[O], rows: Rows, each: impl FnMut(usize, usize)) {
        // The browser module keeps one loop for every filter: a copy per tested column's
        // width costs more of its download than it saves in time there.
        if cfg!(target_arch = "wasm32") {
            let tests = self.tests;
            return self.scan(
                owners,
                |row| tests.iter().all(|t| t.passes(row)),
                rows,
                each,
            );
        }
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
        Rows { rows, dropped }: Rows,
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
                let owner = (owners[row].code() as usize).min(no_owner);
                let kept = self.slot_of_owner[owner];
                let slot = without_branch(passes(row), kept, dropped);
                each(row, slot as usize);
            }
            start = end;
        }
    }

    /// One bit per date of `dates` (at most [`WORD`]), set when the date is in the
    /// period. Generic so that a full word (an array) compiles to vector compares.
    ///
    /// A byte per date first, then eight bytes packed into eight bits at once: shifting
    /// each date's bit into place took twice as long (4-date vector steps with 64-bit
    /// lane shifts), and this is the loop every row of the table goes through. Always
    /// inlined: the Python module's build once kept it out of line, where the packing
    /// was compiled to byte loads and ran at half speed.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)] // the wasm build is built for size
    #[allow(clippy::inline_always)] // measured: see above
    #[allow(clippy::needless_bitwise_bool)] // `&`: no branch on an unpredictable test
    fn in_period<Dates: AsRef<[NaiveDate]> + ?Sized>(&self, dates: &Dates) -> u64 {
        let (first, last) = (self.first, self.last);
        let mut bytes = [0u8; WORD];
        for (byte, &date) in bytes.iter_mut().zip(dates.as_ref()) {
            *byte = u8::from((date >= first) & (date <= last));
        }
        bytes.chunks_exact(8).zip(0..).fold(0, |mask, (eight, i)| {
            let eight = <[u8; 8]>::try_from(eight).unwrap_or_default(); // always 8 bytes
            mask | pack_bits(eight) << (8 * i)
        })
    }
}

/// `kept` if `keep`, else `dropped`, by masking: the compiler made a branch of an `if`
/// here (`std::hint::select_unpredictable` says the same, but needs Rust 1.88).
#[inline]
fn without_branch(keep: bool, kept: u32, dropped: u32) -> u32 {
    dropped ^ ((kept ^ dropped) & u32::from(keep).wrapping_neg())
}

/// Eight bytes that are each 0 or 1 as eight bits, byte `i` to bit `i`: one multiply
/// carries every byte's bit to its place in the top byte (byte `i`'s, at bit `8i`, to
/// bit `56 + i`), and no two bytes' bits meet, so nothing carries over.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[cfg_attr(target_arch = "wasm32", inline)]
#[allow(clippy::inline_always)] // part of `RowScan::in_period`'s loop
fn pack_bits(eight: [u8; 8]) -> u64 {
    u64::from_le_bytes(eight).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slot_is_chosen_by_the_test() {
        for (kept, dropped) in [(0, 1), (7, 5000), (u32::MAX, 0), (3, 3)] {
            assert_eq!(without_branch(true, kept, dropped), kept);
            assert_eq!(without_branch(false, kept, dropped), dropped);
        }
    }

    #[test]
    fn packing_puts_each_byte_at_its_bit() {
        for set in 0u16..256 {
            let eight: [u8; 8] = std::array::from_fn(|i| u8::from(set & (1 << i) != 0));
            assert_eq!(pack_bits(eight), u64::from(set), "bytes {eight:?}");
        }
    }
}
