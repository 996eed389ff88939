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
