//! A string dictionary: each distinct text gets a dense `u32` code.

use std::collections::HashMap;

/// Maps distinct strings to dense codes `0..len` and back. The code [`Dictionary::NONE`]
/// stands for a missing value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionary {
    values: Vec<String>,
    index: HashMap<String, u32>,
}

impl Dictionary {
    /// The code of a missing value.
    pub const NONE: u32 = u32::MAX;

    /// The code of `text`, adding it if new.
    ///
    /// # Panics
    /// When more than `u32::MAX - 1` distinct values are interned.
    pub fn intern(&mut self, text: &str) -> u32 {
        if let Some(&code) = self.index.get(text) {
            return code;
        }
        let code = u32::try_from(self.values.len())
            .ok()
            .filter(|&c| c != Self::NONE)
            .expect("fewer than 2^32 - 1 distinct values in one column");
        self.values.push(text.to_owned());
        self.index.insert(text.to_owned(), code);
        code
    }

    /// The code of `text`, or [`Dictionary::NONE`] for `None`.
    pub fn intern_opt(&mut self, text: Option<&str>) -> u32 {
        text.map_or(Self::NONE, |t| self.intern(t))
    }

    /// The code of `text`, if present.
    pub fn code(&self, text: &str) -> Option<u32> {
        self.index.get(text).copied()
    }

    /// The text of `code`; `None` for [`Dictionary::NONE`] or an unknown code.
    pub fn get(&self, code: u32) -> Option<&str> {
        self.values.get(code as usize).map(String::as_str)
    }

    /// The number of distinct values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no value has been interned.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values in code order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(String::as_str)
    }
}
