//! A text column interned on first use: the customer column.
//!
//! A million distinct customers in random order cost a second of dictionary lookups to
//! intern (each row is a cache miss in a dictionary of a million), and most plans never
//! read customers. So appends keep the texts as they come, back to back, and the
//! dictionary and codes a filter, a distinct count or a dimension needs are built the
//! first time one asks for them (by first appearance, as an eagerly interned column's
//! are). Once built, the column stays interned: later appends intern their rows.

use std::sync::OnceLock;

use super::Dictionary;
use super::texts::Texts;

/// A text column, raw until its codes are first read.
#[derive(Debug, Clone)]
pub(crate) enum LazyTexts {
    /// The texts as appended: one buffer, each row's end offset, and which rows have no
    /// value; `interned` once codes were asked for.
    Raw {
        text: String,
        ends: Vec<u32>,
        missing: Vec<bool>,
        interned: OnceLock<(Dictionary, Vec<u32>)>,
    },
    /// A dictionary and a code per row (`Dictionary::NONE` for no value).
    Interned {
        dictionary: Dictionary,
        codes: Vec<u32>,
    },
}

impl Default for LazyTexts {
    fn default() -> LazyTexts {
        LazyTexts::Raw {
            text: String::new(),
            ends: Vec::new(),
            missing: Vec::new(),
            interned: OnceLock::new(),
        }
    }
}

/// Where a column stood before an append, to roll the append back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LazyMark {
    rows: usize,
    dictionary: usize,
}

impl LazyTexts {
    pub(crate) fn len(&self) -> usize {
        match self {
            LazyTexts::Raw { ends, .. } => ends.len(),
            LazyTexts::Interned { codes, .. } => codes.len(),
        }
    }

    /// The text of `row` (`None`: no value).
    pub(crate) fn get(&self, row: usize) -> Option<&str> {
        match self {
            LazyTexts::Raw {
                text,
                ends,
                missing,
                ..
            } => {
                if missing[row] {
                    return None;
                }
                let start = row.checked_sub(1).map_or(0, |before| ends[before] as usize);
                Some(&text[start..ends[row] as usize])
            }
            LazyTexts::Interned { dictionary, codes } => dictionary.get(codes[row]),
        }
    }

    /// The dictionary and the codes, interned now if they were not yet.
    pub(crate) fn interned(&self) -> (&Dictionary, &[u32]) {
        match self {
            LazyTexts::Raw { interned, .. } => {
                let (dictionary, codes) = interned.get_or_init(|| self.intern_all());
                (dictionary, codes)
            }
            LazyTexts::Interned { dictionary, codes } => (dictionary, codes),
        }
    }

    fn intern_all(&self) -> (Dictionary, Vec<u32>) {
        let mut dictionary = Dictionary::default();
        let codes = (0..self.len())
            .map(|row| dictionary.intern_opt(self.get(row)))
            .collect();
        (dictionary, codes)
    }

    /// Makes the column interned (appends and replacements after a read of the codes
    /// intern their rows, rather than building the dictionary again).
    fn settle(&mut self) -> (&mut Dictionary, &mut Vec<u32>) {
        if let LazyTexts::Raw { interned, .. } = self {
            let (dictionary, codes) = match interned.take() {
                Some(built) => built,
                None => self.intern_all(),
            };
            *self = LazyTexts::Interned { dictionary, codes };
        }
        match self {
            LazyTexts::Interned { dictionary, codes } => (dictionary, codes),
            LazyTexts::Raw { .. } => unreachable!("settled just above"),
        }
    }

    /// Whether appends keep raw text: nothing has read the codes yet.
    fn is_raw(&self) -> bool {
        matches!(self, LazyTexts::Raw { interned, .. } if interned.get().is_none())
    }

    /// Appends one value.
    pub(crate) fn push(&mut self, value: Option<&str>) {
        self.extend(std::iter::once(value), value.map_or(0, str::len));
    }

    /// Replaces the value of `row` (interning the column: raw text cannot change in place).
    #[cfg(feature = "ingest")] // ingestion's newer versions of a record
    pub(crate) fn set(&mut self, row: usize, value: Option<&str>) {
        let (dictionary, codes) = self.settle();
        codes[row] = dictionary.intern_opt(value);
    }

    /// Appends `rows` values of a batch (`None`: the batch has no such column).
    pub(crate) fn append(&mut self, values: Option<&Texts<'_>>, rows: usize) {
        match values {
            // Dictionary-encoded values (a categorical) come with their codes: interning
            // each distinct value once is cheaper than keeping every row's text.
            Some(values @ Texts::Dictionary { .. }) if self.len() == 0 || !self.is_raw() => {
                let (dictionary, codes) = self.settle();
                values.intern_into(dictionary, codes);
            }
            Some(values) => {
                let bytes = match values {
                    Texts::InPlace(column) => column.packed().map_or(0, |p| p.text.len()),
                    _ => 0,
                };
                self.extend((0..rows).map(|row| values.get(row)), bytes);
            }
            None => self.extend(std::iter::repeat_n(None, rows), 0),
        }
    }

    /// Appends values: as raw text while nothing has read the codes (and the text stays
    /// under 4 GiB, the offsets' range), interned otherwise. `bytes` is a hint of their
    /// length.
    fn extend<'v>(&mut self, values: impl Iterator<Item = Option<&'v str>>, bytes: usize) {
        if self.is_raw()
            && let LazyTexts::Raw {
                text,
                ends,
                missing,
                ..
            } = self
        {
            text.reserve(bytes);
            let (low, _) = values.size_hint();
            ends.reserve(low);
            missing.reserve(low);
            let mut values = values.peekable();
            while let Some(value) =
                values.next_if(|v| u32::try_from(text.len() + v.map_or(0, str::len)).is_ok())
            {
                text.push_str(value.unwrap_or_default());
                ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
                missing.push(value.is_none());
            }
            if values.peek().is_none() {
                return;
            }
            // Past 4 GiB of text: the rest is interned.
            let (dictionary, codes) = self.settle();
            codes.extend(values.map(|v| dictionary.intern_opt(v)));
            return;
        }
        let (dictionary, codes) = self.settle();
        codes.extend(values.map(|v| dictionary.intern_opt(v)));
    }

    /// Reserves room for `additional` more rows.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            LazyTexts::Raw { ends, missing, .. } => {
                ends.reserve(additional);
                missing.reserve(additional);
            }
            LazyTexts::Interned { codes, .. } => codes.reserve(additional),
        }
    }

    /// Where the column stands, before an append that may be rolled back. Settles a
    /// column whose codes were read, so the append and its roll-back see one form.
    pub(crate) fn mark(&mut self) -> LazyMark {
        if !self.is_raw() {
            self.settle();
        }
        LazyMark {
            rows: self.len(),
            dictionary: match self {
                LazyTexts::Raw { .. } => 0,
                LazyTexts::Interned { dictionary, .. } => dictionary.len(),
            },
        }
    }

    /// Undoes the appends since `mark`.
    pub(crate) fn roll_back(&mut self, mark: LazyMark) {
        match self {
            LazyTexts::Raw {
                text,
                ends,
                missing,
                ..
            } => {
                ends.truncate(mark.rows);
                missing.truncate(mark.rows);
                text.truncate(ends.last().map_or(0, |&end| end as usize));
            }
            LazyTexts::Interned { dictionary, codes } => {
                codes.truncate(mark.rows);
                while dictionary.len() > mark.dictionary {
                    dictionary.pop();
                }
            }
        }
    }

    /// The bytes held on the heap, at capacity (the interned form too, once built).
    pub(crate) fn heap_bytes(&self) -> usize {
        let coded = |dictionary: &Dictionary, codes: &Vec<u32>| {
            dictionary.heap_bytes() + codes.capacity() * std::mem::size_of::<u32>()
        };
        match self {
            LazyTexts::Raw {
                text,
                ends,
                missing,
                interned,
            } => {
                text.capacity()
                    + ends.capacity() * std::mem::size_of::<u32>()
                    + missing.capacity()
                    + interned.get().map_or(0, |(d, c)| coded(d, c))
            }
            LazyTexts::Interned { dictionary, codes } => coded(dictionary, codes),
        }
    }
}

/// Two columns are equal when they hold the same values, whichever form they are in.
impl PartialEq for LazyTexts {
    fn eq(&self, other: &LazyTexts) -> bool {
        self.len() == other.len() && (0..self.len()).all(|row| self.get(row) == other.get(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(column: &LazyTexts) -> Vec<Option<&str>> {
        (0..column.len()).map(|row| column.get(row)).collect()
    }

    #[test]
    fn codes_are_built_on_first_read_by_first_appearance() {
        let mut column = LazyTexts::default();
        for value in [Some("c2"), None, Some("c1"), Some("c2"), Some("")] {
            column.push(value);
        }
        assert!(column.is_raw());
        let (dictionary, codes) = column.interned();
        assert_eq!(dictionary.values().collect::<Vec<_>>(), ["c2", "c1", ""]);
        assert_eq!(codes, [0, Dictionary::NONE, 1, 0, 2]);
        // Appends after a read intern their rows into the same dictionary.
        column.push(Some("c3"));
        column.push(Some("c1"));
        let (dictionary, codes) = column.interned();
        assert_eq!(dictionary.len(), 4);
        assert_eq!(codes[5..], [3, 1]);
        assert_eq!(
            values(&column),
            [
                Some("c2"),
                None,
                Some("c1"),
                Some("c2"),
                Some(""),
                Some("c3"),
                Some("c1")
            ]
        );
    }

    #[test]
    fn a_roll_back_restores_either_form() {
        let mut raw = LazyTexts::default();
        raw.push(Some("a"));
        let mark = raw.mark();
        raw.push(Some("bb"));
        raw.push(None);
        raw.roll_back(mark);
        raw.push(Some("c"));
        assert_eq!(values(&raw), [Some("a"), Some("c")]);

        let mut interned = raw.clone();
        let _ = interned.interned();
        let mark = interned.mark();
        interned.push(Some("d"));
        interned.roll_back(mark);
        assert_eq!(interned.interned().0.len(), 2);
        assert_eq!(interned, raw, "equal by values, whatever the form");
    }

    #[test]
    fn dictionary_encoded_values_are_interned_by_their_codes() {
        let categorical = Texts::Dictionary {
            values: vec!["k1", "k2"],
            keys: vec![1, 0, 1, u32::MAX],
        };
        let mut column = LazyTexts::default();
        let mark = column.mark();
        column.append(Some(&categorical), 4);
        assert!(matches!(column, LazyTexts::Interned { .. }));
        assert_eq!(values(&column), [Some("k2"), Some("k1"), Some("k2"), None]);
        column.roll_back(mark);
        assert_eq!(column.len(), 0);
        assert_eq!(column.interned().0.len(), 0);
        // After raw rows, a categorical batch is kept as text like the rest.
        let mut column = LazyTexts::default();
        column.push(Some("k9"));
        column.append(Some(&categorical), 4);
        assert!(column.is_raw());
        assert_eq!(
            values(&column),
            [Some("k9"), Some("k2"), Some("k1"), Some("k2"), None]
        );
    }

    #[test]
    #[cfg(feature = "ingest")]
    fn a_replaced_value_interns_the_column() {
        let mut column = LazyTexts::default();
        column.push(Some("a"));
        column.push(Some("b"));
        column.set(0, None);
        column.set(1, Some("a"));
        assert_eq!(values(&column), [None, Some("a")]);
        assert!(matches!(column, LazyTexts::Interned { .. }));
    }
}
