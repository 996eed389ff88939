//! The text columns of a column batch, in the layouts callers hold them: values per row,
//! dictionary-encoded, or read in place from the caller's buffers.

use super::dictionary::{Dictionary, Packed};

/// The text values of one column of a [`ColumnBatch`](super::ColumnBatch), in whichever layout the caller
/// holds them.
pub enum Texts<'a> {
    /// One value per row (`None`: missing).
    Rows(Vec<Option<&'a str>>),
    /// Dictionary-encoded, as Arrow dictionary arrays and pandas or Polars categoricals
    /// are: row `r` is `values[keys[r]]`, missing where the key is
    /// [`Texts::MISSING`]. Each distinct value is interned
    /// once, not once per row.
    Dictionary {
        /// The distinct values.
        values: Vec<&'a str>,
        /// Each row's index into `values`.
        keys: Vec<u32>,
    },
    /// Read in place from the caller's buffers (an Arrow string array): nothing is
    /// copied per row before it is interned.
    InPlace(&'a dyn TextColumn),
}

/// A column of text values the caller holds in its own layout (an Arrow string array),
/// read in place by [`Texts::InPlace`].
pub trait TextColumn: Sync {
    /// The number of rows.
    fn len(&self) -> usize;
    /// Whether the column has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The value of `row` (`None`: missing).
    fn get(&self, row: usize) -> Option<&str>;
    /// The values back to back with their offsets, when the column holds them so and
    /// none is missing (an Arrow string array without nulls): new fact ids are then
    /// copied in one piece. `None` (the default) reads them row by row.
    fn packed(&self) -> Option<Packed<'_>> {
        None
    }
}

impl Texts<'_> {
    /// The key that marks a row of [`Texts::Dictionary`] missing (`u32::MAX`), as Arrow's
    /// null keys are handed over; any key beyond `values` reads as missing too.
    pub const MISSING: u32 = Dictionary::NONE;
}

impl std::fmt::Debug for Texts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries((0..self.len()).map(|r| self.get(r)))
            .finish()
    }
}

impl<'a> From<Vec<&'a str>> for Texts<'a> {
    fn from(values: Vec<&'a str>) -> Texts<'a> {
        Texts::Rows(values.into_iter().map(Some).collect())
    }
}

impl<'a> From<Vec<Option<&'a str>>> for Texts<'a> {
    fn from(values: Vec<Option<&'a str>>) -> Texts<'a> {
        Texts::Rows(values)
    }
}

impl<'a> FromIterator<&'a str> for Texts<'a> {
    fn from_iter<I: IntoIterator<Item = &'a str>>(values: I) -> Texts<'a> {
        Texts::Rows(values.into_iter().map(Some).collect())
    }
}

impl<'a> FromIterator<Option<&'a str>> for Texts<'a> {
    fn from_iter<I: IntoIterator<Item = Option<&'a str>>>(values: I) -> Texts<'a> {
        Texts::Rows(values.into_iter().collect())
    }
}

impl<'a> Texts<'a> {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            Texts::Rows(values) => values.len(),
            Texts::Dictionary { keys, .. } => keys.len(),
            Texts::InPlace(column) => column.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `row` (`None`: missing, or a key outside the dictionary).
    pub fn get(&self, row: usize) -> Option<&'a str> {
        match self {
            Texts::Rows(values) => values[row],
            Texts::Dictionary { values, keys } => values.get(keys[row] as usize).copied(),
            Texts::InPlace(column) => column.get(row),
        }
    }

    /// The row of the first missing value.
    pub(super) fn first_missing(&self) -> Option<usize> {
        (0..self.len()).find(|&r| self.get(r).is_none())
    }

    /// Interns every row into `dictionary` and pushes the codes: a dictionary-encoded
    /// column interns its distinct values once and maps the keys.
    pub(super) fn intern_into(&self, dictionary: &mut Dictionary, codes: &mut Vec<u32>) {
        match self {
            Texts::Dictionary { values, keys } => {
                let mapped: Vec<u32> = values.iter().map(|v| dictionary.intern(v)).collect();
                codes.extend(
                    keys.iter()
                        .map(|&k| mapped.get(k as usize).copied().unwrap_or(Dictionary::NONE)),
                );
            }
            _ => codes.extend((0..self.len()).map(|r| dictionary.intern_opt(self.get(r)))),
        }
    }
}
