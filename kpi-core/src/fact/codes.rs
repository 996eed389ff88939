//! Dictionary codes by row, as narrow as their dictionary allows.
//!
//! A measure pass streams the code columns it filters and groups on (status, owner)
//! through memory: at one kept row in eight, every cache line of them is fetched. A table
//! with a handful of statuses and a few thousand owners needs one byte and two bytes a
//! row for them, not four. A column starts at one byte a row and widens (once, copying)
//! when its dictionary outgrows the width.

use super::Dictionary;

/// A code width: `u8`, `u16` or `u32`, whose largest value stands for
/// [`Dictionary::NONE`] (no value).
pub(crate) trait Code: Copy + Send + Sync + 'static {
    /// This width's code for no value.
    const NONE: Self;
    /// The code as a dictionary code (`Dictionary::NONE` for no value).
    fn code(self) -> u32;
    /// A dictionary code at this width, if it fits.
    fn narrow(code: u32) -> Option<Self>;
}

macro_rules! code_width {
    ($t:ty) => {
        impl Code for $t {
            const NONE: $t = <$t>::MAX;

            #[inline]
            fn code(self) -> u32 {
                if self == Self::NONE {
                    Dictionary::NONE
                } else {
                    u32::from(self)
                }
            }

            #[inline]
            fn narrow(code: u32) -> Option<$t> {
                if code == Dictionary::NONE {
                    Some(Self::NONE)
                } else {
                    <$t>::try_from(code).ok().filter(|c| *c != Self::NONE)
                }
            }
        }
    };
}

code_width!(u8);
code_width!(u16);

impl Code for u32 {
    const NONE: u32 = Dictionary::NONE;

    #[inline]
    fn code(self) -> u32 {
        self
    }

    #[inline]
    fn narrow(code: u32) -> Option<u32> {
        Some(code)
    }
}

/// A column of dictionary codes, one a row.
#[derive(Debug, Clone)]
pub(crate) enum Codes {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Codes {
        Codes::U8(Vec::new())
    }
}

impl PartialEq for Codes {
    /// Equal when every row holds the same code, whatever the width.
    fn eq(&self, other: &Codes) -> bool {
        self.len() == other.len() && (0..self.len()).all(|row| self.get(row) == other.get(row))
    }
}

/// A column of codes, borrowed: a slice at its width.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CodeSlice<'a> {
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
}

impl CodeSlice<'_> {
    /// The code of `row` (`Dictionary::NONE` for no value).
    #[inline]
    pub(crate) fn get(self, row: usize) -> u32 {
        match self {
            CodeSlice::U8(codes) => codes[row].code(),
            CodeSlice::U16(codes) => codes[row].code(),
            CodeSlice::U32(codes) => codes[row],
        }
    }

    /// How many rows.
    pub(crate) fn len(self) -> usize {
        match self {
            CodeSlice::U8(codes) => codes.len(),
            CodeSlice::U16(codes) => codes.len(),
            CodeSlice::U32(codes) => codes.len(),
        }
    }
}

impl Codes {
    /// How many rows.
    pub(crate) fn len(&self) -> usize {
        self.slice().len()
    }

    /// The codes, borrowed at their width.
    pub(crate) fn slice(&self) -> CodeSlice<'_> {
        match self {
            Codes::U8(codes) => CodeSlice::U8(codes),
            Codes::U16(codes) => CodeSlice::U16(codes),
            Codes::U32(codes) => CodeSlice::U32(codes),
        }
    }

    /// The code of `row` (`Dictionary::NONE` for no value).
    pub(crate) fn get(&self, row: usize) -> u32 {
        self.slice().get(row)
    }

    /// Appends one code, widening the column first if it does not fit.
    pub(crate) fn push(&mut self, code: u32) {
        self.fit(code);
        match self {
            Codes::U8(codes) => codes.push(u8::narrow(code).expect("fitted")),
            Codes::U16(codes) => codes.push(u16::narrow(code).expect("fitted")),
            Codes::U32(codes) => codes.push(code),
        }
    }

    /// Appends codes, widening the column first to fit the largest.
    pub(crate) fn extend_from(&mut self, new: &[u32]) {
        if let Some(&widest) = new.iter().filter(|&&c| c != Dictionary::NONE).max() {
            self.fit(widest);
        }
        match self {
            Codes::U8(codes) => codes.extend(new.iter().map(|&c| u8::narrow(c).expect("fitted"))),
            Codes::U16(codes) => {
                codes.extend(new.iter().map(|&c| u16::narrow(c).expect("fitted")));
            }
            Codes::U32(codes) => codes.extend_from_slice(new),
        }
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    /// Sets the code of `row`, widening the column first if it does not fit.
    pub(crate) fn set(&mut self, row: usize, code: u32) {
        self.fit(code);
        match self {
            Codes::U8(codes) => codes[row] = u8::narrow(code).expect("fitted"),
            Codes::U16(codes) => codes[row] = u16::narrow(code).expect("fitted"),
            Codes::U32(codes) => codes[row] = code,
        }
    }

    /// Keeps the first `len` rows (the width stays).
    pub(crate) fn truncate(&mut self, len: usize) {
        match self {
            Codes::U8(codes) => codes.truncate(len),
            Codes::U16(codes) => codes.truncate(len),
            Codes::U32(codes) => codes.truncate(len),
        }
    }

    /// Makes room for `additional` more rows.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            Codes::U8(codes) => codes.reserve(additional),
            Codes::U16(codes) => codes.reserve(additional),
            Codes::U32(codes) => codes.reserve(additional),
        }
    }

    /// The bytes the column holds on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            Codes::U8(codes) => codes.capacity(),
            Codes::U16(codes) => codes.capacity() * 2,
            Codes::U32(codes) => codes.capacity() * 4,
        }
    }

    /// Widens the column until `code` fits it (keeping the capacity).
    fn fit(&mut self, code: u32) {
        let fits = match self {
            Codes::U8(_) => u8::narrow(code).is_some(),
            Codes::U16(_) => u16::narrow(code).is_some(),
            Codes::U32(_) => true,
        };
        if fits {
            return;
        }
        *self = if u16::narrow(code).is_some() {
            Codes::U16(self.widened())
        } else {
            Codes::U32(self.widened())
        };
    }

    /// Every code at the wider width `T`, keeping the capacity (the room a batch
    /// reserved).
    fn widened<T: Code>(&self) -> Vec<T> {
        let mut wider = Vec::with_capacity(self.len().max(self.capacity()));
        wider.extend((0..self.len()).map(|row| T::narrow(self.get(row)).expect("wider")));
        wider
    }

    fn capacity(&self) -> usize {
        match self {
            Codes::U8(codes) => codes.capacity(),
            Codes::U16(codes) => codes.capacity(),
            Codes::U32(codes) => codes.capacity(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_column_widens_when_its_dictionary_outgrows_the_width() {
        let mut codes = Codes::default();
        codes.push(3);
        codes.push(Dictionary::NONE);
        codes.push(254);
        assert!(matches!(codes, Codes::U8(_)));
        codes.push(255); // u8::MAX stands for no value: 255 needs two bytes
        assert!(matches!(codes, Codes::U16(_)));
        codes.extend_from(&[Dictionary::NONE, 65_534]);
        assert!(matches!(codes, Codes::U16(_)));
        codes.extend_from(&[65_535, 7]);
        assert!(matches!(codes, Codes::U32(_)));
        let back: Vec<u32> = (0..codes.len()).map(|r| codes.get(r)).collect();
        assert_eq!(
            back,
            [
                3,
                Dictionary::NONE,
                254,
                255,
                Dictionary::NONE,
                65_534,
                65_535,
                7
            ]
        );
        let mut narrow = Codes::default();
        narrow.extend_from(&[1, 2]);
        let mut wide = Codes::U32(vec![1, 2]);
        assert_eq!(narrow, wide);
        wide.push(Dictionary::NONE);
        assert_ne!(narrow, wide);
    }

    /// The width the largest code written needs (1, 2 or 4 bytes).
    fn width_for(widest: Option<u32>) -> usize {
        match widest {
            Some(c) if c >= 65_535 => 4,
            Some(c) if c >= 255 => 2,
            _ => 1,
        }
    }

    proptest! {
        /// Whatever codes are pushed, appended or set, and in whatever order the column
        /// widens, every row reads back the code written last, and the width is the
        /// narrowest that holds every code written.
        #[test]
        fn codes_read_back_at_any_width(
            ops in prop::collection::vec(
                (0u8..3, prop_oneof![0u32..300, 0u32..70_000, Just(Dictionary::NONE)], 0usize..40),
                0..60,
            ),
        ) {
            let mut codes = Codes::default();
            let mut model: Vec<u32> = Vec::new();
            let mut written: Vec<u32> = Vec::new();
            for (op, code, at) in ops {
                match op {
                    0 => {
                        codes.push(code);
                        model.push(code);
                    }
                    1 => {
                        codes.extend_from(&[code, Dictionary::NONE]);
                        model.extend([code, Dictionary::NONE]);
                    }
                    _ => {
                        #[cfg(feature = "ingest")]
                        if !model.is_empty() {
                            let row = at % model.len();
                            codes.set(row, code);
                            model[row] = code;
                        }
                        #[cfg(not(feature = "ingest"))]
                        let _ = at;
                        if model.is_empty() || cfg!(not(feature = "ingest")) {
                            continue;
                        }
                    }
                }
                written.push(code);
            }
            let back: Vec<u32> = (0..codes.len()).map(|r| codes.get(r)).collect();
            prop_assert_eq!(&back, &model);
            let width = match codes { Codes::U8(_) => 1, Codes::U16(_) => 2, Codes::U32(_) => 4 };
            let widest = written.into_iter().filter(|&c| c != Dictionary::NONE).max();
            prop_assert_eq!(width, width_for(widest));
        }
    }
}
