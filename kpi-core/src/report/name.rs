//! [`Name`]: a report's ids and display names, kept inline when short.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smol_str::SmolStr;

/// An id or display name in a report (member, team, goal, metric, incentive, kind): a
/// string that reads as `&str` (it derefs to one, compares with `str`, `&str`,
/// `String` and `&String`, and hashes and orders as one) and serialises as a plain string.
///
/// Up to 23 bytes are held inline and longer names are shared, so the thousands of rows of
/// a large org's report copy their ids and names instead of allocating each. How it is
/// stored is not part of the API: build one with [`Name::new`] or `From`, read it with
/// [`Name::as_str`] or `&*name`.
///
/// ```
/// use kpi_core::Name;
///
/// let member = Name::new("zhang.san");
/// assert_eq!(member, "zhang.san");
/// assert_eq!(member.as_str().len(), 9);
/// assert_eq!(serde_json::to_string(&member).unwrap(), r#""zhang.san""#);
/// ```
#[derive(Clone, Default)]
pub struct Name(SmolStr);

impl Name {
    /// A name holding `text`.
    #[inline]
    pub fn new(text: impl AsRef<str>) -> Self {
        Name(SmolStr::new(text))
    }

    /// A name holding a `'static` text, without copying a long one.
    #[inline]
    pub(crate) const fn new_static(text: &'static str) -> Self {
        Name(SmolStr::new_static(text))
    }

    /// The name's text.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether the text is held on the heap (longer than 23 bytes), for tests of storage.
    #[cfg(test)]
    pub(crate) fn is_heap_allocated(&self) -> bool {
        self.0.is_heap_allocated()
    }
}

impl std::ops::Deref for Name {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    #[inline]
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    #[inline]
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    #[inline]
    fn from(text: &str) -> Self {
        Name(SmolStr::new(text))
    }
}

impl From<&String> for Name {
    #[inline]
    fn from(text: &String) -> Self {
        Name(SmolStr::new(text))
    }
}

impl From<String> for Name {
    #[inline]
    fn from(text: String) -> Self {
        Name(SmolStr::from(text))
    }
}

impl From<Name> for String {
    #[inline]
    fn from(name: Name) -> Self {
        name.as_str().to_owned()
    }
}

impl fmt::Display for Name {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Name {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    #[inline]
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    #[inline]
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    #[inline]
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&String> for Name {
    #[inline]
    fn eq(&self, other: &&String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for str {
    #[inline]
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    #[inline]
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    #[inline]
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &String {
    #[inline]
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialOrd for Name {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

// As `str` hashes, so that a map keyed by names is searched with a `&str` (`Borrow`).
impl Hash for Name {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Serialize for Name {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Name {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SmolStr::deserialize(deserializer).map(Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_reads_compares_hashes_and_serialises_as_its_text() {
        let long = "a member name longer than twenty-three bytes";
        for text in ["li", long] {
            let name = Name::new(text);
            assert_eq!(name, text);
            assert_eq!(text, name);
            assert_eq!(name, text.to_owned());
            assert_eq!(&*name, text);
            assert_eq!(name.to_string(), text);
            assert_eq!(format!("{name:?}"), format!("{text:?}"));
            assert_eq!(Name::from(text.to_owned()), Name::from(text));
            let json = serde_json::to_string(&name).unwrap();
            assert_eq!(json, serde_json::to_string(text).unwrap());
            assert_eq!(serde_json::from_str::<Name>(&json).unwrap(), name);
            let map: std::collections::HashMap<Name, u8> = [(name.clone(), 1)].into();
            assert_eq!(map.get(text), Some(&1));
        }
        assert!(Name::new("a") < Name::new("b"));
        assert_eq!(Name::new_static("draw"), "draw");
    }
}
