//! A string dictionary: each distinct text gets a dense `u32` code.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// Maps distinct strings to dense codes `0..len` and back. The code [`Dictionary::NONE`]
/// stands for a missing value.
///
/// The strings live in one buffer with their end offsets, and a raw hash table indexes
/// the codes (hashed with `foldhash`, randomly seeded, several times faster than `SipHash` on
/// short ids): a distinct value costs its bytes plus about 9 (10 million unique fact ids
/// take about 200 MB less than with a `HashMap<String, u32>` and a `Vec<String>`).
#[derive(Clone, Default)]
pub struct Dictionary {
    text: String,
    ends: Vec<u32>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.values()).finish()
    }
}

impl PartialEq for Dictionary {
    fn eq(&self, other: &Dictionary) -> bool {
        self.text == other.text && self.ends == other.ends
    }
}

impl Eq for Dictionary {}

impl Dictionary {
    /// The code of a missing value.
    pub const NONE: u32 = u32::MAX;

    fn value(&self, code: u32) -> &str {
        let end = self.ends[code as usize] as usize;
        let start = code
            .checked_sub(1)
            .map_or(0, |before| self.ends[before as usize] as usize);
        &self.text[start..end]
    }

    /// The code of `text`, adding it if new.
    ///
    /// # Panics
    /// When more than `u32::MAX - 1` distinct values, or 4 GiB of text, are interned.
    pub fn intern(&mut self, text: &str) -> u32 {
        let hash = self.hasher.hash_one(text);
        if let Some(&code) = self.index.find(hash, |&c| self.value(c) == text) {
            return code;
        }
        let code = u32::try_from(self.ends.len())
            .ok()
            .filter(|&c| c != Self::NONE)
            .expect("fewer than 2^32 - 1 distinct values in one column");
        self.text.push_str(text);
        let end = u32::try_from(self.text.len()).expect("less than 4 GiB of text in one column");
        self.ends.push(end);
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.index.insert_unique(hash, code, |&c| {
            let end = ends[c as usize] as usize;
            let start = c.checked_sub(1).map_or(0, |b| ends[b as usize] as usize);
            hasher.hash_one(&text[start..end])
        });
        code
    }

    /// Adds `rows` values that should all be new (a batch of fact ids), as codes
    /// `len()..len() + rows` in row order. Returns the row of the first value that was
    /// already present or repeats an earlier row; the values stay added either way (the
    /// caller rolls back with [`Dictionary::pop`]).
    ///
    /// Fast on millions of values: the text is appended in one pass, then the hash table
    /// is filled in the order of the buckets the values hash to, so that each stretch of
    /// the table is touched while it is in cache instead of once per value at random
    /// (5x faster than interning 10 million ids one by one).
    pub(crate) fn intern_new<'v>(
        &mut self,
        rows: usize,
        value: impl Fn(usize) -> &'v str,
        packed: Option<Packed<'_>>,
    ) -> Option<usize> {
        let first = self.ends.len();
        let start = self.text.len();
        let too_long = "less than 4 GiB of text in one column";
        match packed {
            // Values already back to back: one copy, and the ends from the offsets.
            Some(packed) if packed.offsets.len() == rows + 1 => {
                self.text.push_str(packed.text);
                let base = packed.offsets[0];
                let start = u32::try_from(start).expect(too_long);
                u32::try_from(self.text.len()).expect(too_long);
                self.ends.extend(
                    packed.offsets[1..]
                        .iter()
                        .map(|&o| start + (o - base) as u32),
                );
            }
            _ => {
                let bytes: usize = (0..rows).map(|r| value(r).len()).sum();
                self.text.reserve(bytes);
                self.ends.reserve(rows);
                let mut end = start;
                for r in 0..rows {
                    let text = value(r);
                    self.text.push_str(text);
                    end += text.len();
                    self.ends.push(u32::try_from(end).expect(too_long));
                }
            }
        }
        assert!(
            u32::try_from(self.ends.len()).is_ok_and(|n| n < Self::NONE),
            "fewer than 2^32 - 1 distinct values in one column"
        );
        self.reserve(rows);
        let (all_text, all_ends, seed) = (&self.text, &self.ends, &self.hasher);
        let value_of = |c: u32| {
            let end = all_ends[c as usize] as usize;
            let start = c
                .checked_sub(1)
                .map_or(0, |b| all_ends[b as usize] as usize);
            &all_text[start..end]
        };
        let by_row: Vec<u64> = (0..rows)
            .map(|row| seed.hash_one(value_of((first + row) as u32)))
            .collect();
        let (hashes, order) = bucket_order(by_row, self.index.capacity());
        // A repeat keeps the smaller code in the table and reports the larger row: the
        // smallest reported row is then the first repeat in row order.
        let mut repeated: Option<usize> = None;
        for (&hash, &at) in hashes.iter().zip(&order) {
            let code = (first + at as usize) as u32;
            match self.index.entry(
                hash,
                |&c| value_of(c) == value_of(code),
                |&c| seed.hash_one(value_of(c)),
            ) {
                hashbrown::hash_table::Entry::Occupied(mut entry) => {
                    let other = *entry.get();
                    let later = other.max(code) as usize;
                    let row = later.saturating_sub(first);
                    repeated = Some(repeated.map_or(row, |r| r.min(row)));
                    if code < other {
                        *entry.get_mut() = code;
                    }
                }
                hashbrown::hash_table::Entry::Vacant(entry) => {
                    entry.insert(code);
                }
            }
        }
        repeated
    }

    /// Makes room for `additional` more distinct values (a batch of new fact ids).
    pub fn reserve(&mut self, additional: usize) {
        self.ends.reserve(additional);
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.index.reserve(additional, |&c| {
            let end = ends[c as usize] as usize;
            let start = c.checked_sub(1).map_or(0, |b| ends[b as usize] as usize);
            hasher.hash_one(&text[start..end])
        });
    }

    #[cfg(feature = "ingest")] // used by ingestion only
    /// Makes room for `bytes` more bytes of text (about `additional` values of a known
    /// typical length), so a large batch of new values does not copy the buffer as it grows.
    pub(crate) fn reserve_text(&mut self, bytes: usize) {
        self.text.reserve(bytes);
    }

    /// Removes the value interned last, undoing the `intern` that added it.
    pub(crate) fn pop(&mut self) {
        let Some(code) = u32::try_from(self.ends.len())
            .ok()
            .and_then(|n| n.checked_sub(1))
        else {
            return;
        };
        let start = code
            .checked_sub(1)
            .map_or(0, |before| self.ends[before as usize] as usize);
        let hash = self.hasher.hash_one(&self.text[start..]);
        if let Ok(entry) = self.index.find_entry(hash, |&c| c == code) {
            entry.remove();
        }
        self.text.truncate(start);
        self.ends.pop();
    }

    /// The code of `text`, or [`Dictionary::NONE`] for `None`.
    pub fn intern_opt(&mut self, text: Option<&str>) -> u32 {
        text.map_or(Self::NONE, |t| self.intern(t))
    }

    /// The code of `text`, if present.
    pub fn code(&self, text: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(text);
        self.index.find(hash, |&c| self.value(c) == text).copied()
    }

    /// The text of `code`; `None` for [`Dictionary::NONE`] or an unknown code.
    pub fn get(&self, code: u32) -> Option<&str> {
        ((code as usize) < self.ends.len()).then(|| self.value(code))
    }

    /// The number of distinct values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no value has been interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The values in code order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|c| self.value(c))
    }

    /// The bytes the dictionary holds on the heap (its buffers, at capacity).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * std::mem::size_of::<u32>()
            + self.index.capacity() * (std::mem::size_of::<u32>() + 1)
    }
}

/// `hashes` (of rows `0..`) and their rows, both in the order of the hash-table buckets
/// they fall in (stable: equal buckets keep row order), for a table of `capacity` (which
/// no insertion exceeds). `hashbrown` puts a hash at bucket `hash & (buckets - 1)`;
/// sorting by the top bits of that position (one counting sort) is enough for cache
/// locality.
fn bucket_order(hashes: Vec<u64>, capacity: usize) -> (Vec<u64>, Vec<u32>) {
    const PARTS_BITS: u32 = 10;
    let rows = hashes.len();
    let buckets = (capacity.max(1) * 8 / 7).next_power_of_two();
    let bucket_bits = buckets.trailing_zeros();
    if bucket_bits <= PARTS_BITS || rows < 1 << 16 {
        return (hashes, (0..rows as u32).collect());
    }
    let shift = bucket_bits - PARTS_BITS;
    let part = |hash: u64| ((hash & (buckets as u64 - 1)) >> shift) as usize;
    let mut starts = vec![0usize; (1 << PARTS_BITS) + 1];
    for &hash in &hashes {
        starts[part(hash) + 1] += 1;
    }
    for p in 1..starts.len() {
        starts[p] += starts[p - 1];
    }
    let mut sorted = vec![0u64; rows];
    let mut order = vec![0u32; rows];
    for (row, &hash) in hashes.iter().enumerate() {
        let slot = &mut starts[part(hash)];
        sorted[*slot] = hash;
        order[*slot] = row as u32;
        *slot += 1;
    }
    (sorted, order)
}

/// Text values back to back, as an Arrow string array holds them: value `r` is
/// `text[offsets[r] - offsets[0]..offsets[r + 1] - offsets[0]]`, and `text` is exactly the
/// values (from `offsets[0]` to the last offset).
#[derive(Debug, Clone, Copy)]
pub struct Packed<'a> {
    /// The values, back to back.
    pub text: &'a str,
    /// One offset per value plus the end (`rows + 1`, non-decreasing).
    pub offsets: &'a [i32],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pop_undoes_the_last_intern() {
        let mut d = Dictionary::default();
        d.intern("a");
        d.intern("bc");
        d.pop();
        assert_eq!(d.code("bc"), None);
        assert_eq!(d.values().collect::<Vec<_>>(), ["a"]);
        assert_eq!(d.intern("de"), 1);
        assert_eq!(d.get(1), Some("de"));
        d.pop();
        d.pop();
        d.pop(); // on an empty dictionary: nothing
        assert!(d.is_empty());
        assert_eq!(d.intern("a"), 0);
    }

    #[test]
    fn new_values_in_bulk_get_row_codes_and_the_first_repeat_is_found() {
        let ids: Vec<String> = (0..200_000).map(|i| format!("id-{i}")).collect();
        let mut d = Dictionary::default();
        d.intern("old");
        assert_eq!(d.intern_new(ids.len(), |r| &ids[r], None), None);
        assert_eq!(d.len(), 200_001);
        assert_eq!(d.code("id-0"), Some(1));
        assert_eq!(d.code("id-199999"), Some(200_000));
        assert_eq!(d.code("old"), Some(0));
        assert_eq!(d.intern("id-5"), 6);
        // Repeats: rows 7 and 90,000 repeat earlier rows, row 3 repeats a value already
        // in the dictionary; the first in row order is reported.
        let mut batch: Vec<String> = (0..100_000).map(|i| format!("new-{i}")).collect();
        batch[90_000] = "new-1".into();
        batch[7] = "new-2".into();
        batch[3] = "id-42".into();
        let mut e = d.clone();
        assert_eq!(e.intern_new(batch.len(), |r| &batch[r], None), Some(3));
        batch[3] = "fresh".into();
        let mut e = d.clone();
        assert_eq!(e.intern_new(batch.len(), |r| &batch[r], None), Some(7));
        while e.len() > d.len() {
            e.pop();
        }
        assert_eq!(e.code("new-2"), None);
        assert_eq!(e.code("id-42"), Some(43));
        assert_eq!(e, d);
    }

    #[test]
    fn codes_are_dense_and_round_trip() {
        let mut d = Dictionary::default();
        assert_eq!(d.intern("won"), 0);
        assert_eq!(d.intern("lost"), 1);
        assert_eq!(d.intern("won"), 0);
        assert_eq!(d.intern(""), 2);
        assert_eq!(d.intern_opt(None), Dictionary::NONE);
        assert_eq!(d.code("lost"), Some(1));
        assert_eq!(d.code("open"), None);
        assert_eq!(d.get(2), Some(""));
        assert_eq!(d.get(3), None);
        assert_eq!(d.get(Dictionary::NONE), None);
        assert_eq!(d.values().collect::<Vec<_>>(), ["won", "lost", ""]);
        let mut many = Dictionary::default();
        for i in 0..10_000 {
            assert_eq!(many.intern(&format!("id-{i}")), i);
        }
        assert_eq!(many.code("id-9999"), Some(9_999));
        assert_eq!(many.clone(), many);
    }
}
