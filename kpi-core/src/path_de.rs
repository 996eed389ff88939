//! Reading a JSON value into a type, and saying where it failed (`goals[1].target`).
//!
//! Every document kpi reads (plans, facts, measures, settlements, mappings) is first a
//! `serde_json::Value` ("Every document is read through one JSON value" in
//! docs/architecture.md). This reader walks that value itself and records the path of the
//! first error, as `serde_path_to_error` does, but it is one concrete deserializer rather
//! than an adapter around another: serde's derived readers are compiled once, for it,
//! and no visitor is wrapped, which halves the plan readers' code in the WebAssembly
//! module. Paths and messages are the ones `serde_path_to_error` over a `Value` gives
//! (the shared error vectors pin them): a key's error is at the key, a value's at its
//! key or index, an error raised after a map or list was read at that map or list.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};
use serde_json::{Map, Value};

/// Reads `value` as `T`; on error, serde's error and the path where it happened.
pub(crate) fn deserialize<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    let track = Track(Cell::new(None));
    T::deserialize(PathDe {
        value,
        chain: &Chain::Root,
        track: &track,
    })
    .map_err(|error| Error {
        path: track.0.take().unwrap_or_default(),
        inner: error,
    })
}

/// A failed read: the deserializer's error and the path where it happened.
#[derive(Debug)]
pub(crate) struct Error {
    path: Path,
    inner: serde_json::Error,
}

impl Error {
    /// Where the error happened.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The error.
    pub(crate) fn inner(&self) -> &serde_json::Error {
        &self.inner
    }

    /// The error, without its path.
    pub(crate) fn into_inner(self) -> serde_json::Error {
        self.inner
    }
}

/// The steps from a document's root to a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Path(Vec<Segment>);

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// An array's item.
    Seq { index: usize },
    /// An object's member.
    Map { key: String },
}

impl Path {
    /// The steps, from the root.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Segment> {
        self.0.iter()
    }
}

/// `goals[1].target`; `.` for the root.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(".");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Seq { index } => write!(f, "[{index}]")?,
                Segment::Map { key } if i == 0 => f.write_str(key)?,
                Segment::Map { key } => write!(f, ".{key}")?,
            }
        }
        Ok(())
    }
}

/// The path to the value being read, as a chain of borrowed steps up to the root.
enum Chain<'a> {
    Root,
    Seq { parent: &'a Chain<'a>, index: usize },
    Map { parent: &'a Chain<'a>, key: &'a str },
}

impl Chain<'_> {
    fn path(&self) -> Path {
        let mut segments = Vec::new();
        let mut chain = self;
        loop {
            match chain {
                Chain::Root => break,
                Chain::Seq { parent, index } => {
                    segments.push(Segment::Seq { index: *index });
                    chain = parent;
                }
                Chain::Map { parent, key } => {
                    segments.push(Segment::Map {
                        key: (*key).to_owned(),
                    });
                    chain = parent;
                }
            }
        }
        segments.reverse();
        Path(segments)
    }
}

/// The path of the first (innermost) error.
struct Track(Cell<Option<Path>>);

impl Track {
    fn trigger(&self, chain: &Chain<'_>, error: serde_json::Error) -> serde_json::Error {
        let path = self.0.take().unwrap_or_else(|| chain.path());
        self.0.set(Some(path));
        error
    }
}

/// The deserializer: a value, where it is, and the record of the first error.
struct PathDe<'a, 'b> {
    value: Value,
    chain: &'a Chain<'a>,
    track: &'b Track,
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Array(_) => Unexpected::Seq,
        _ => Unexpected::Map,
    }
}

/// A primitive method: every leaf is read as `deserialize_any` reads it (a visitor that
/// wants another type says so with serde's message, the one `serde_json` gives too), and
/// an object or an array is the wrong type. One reader of leaves for every visitor keeps
/// `serde_json`'s twenty typed readers out of the build.
macro_rules! leaf {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
            let (chain, track) = (self.chain, self.track);
            let result = match self.value {
                Value::Object(_) | Value::Array(_) => {
                    Err(de::Error::invalid_type(unexpected(&self.value), &visitor))
                }
                leaf => visit_leaf(leaf, visitor),
            };
            result.map_err(|e| track.trigger(chain, e))
        }
    )*};
}

/// A method that wants text: a string, and nothing else (as `serde_json` reads a value: a
/// number is not a field or variant name, though serde's derived names accept an index).
macro_rules! text {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
            let (chain, track) = (self.chain, self.track);
            let result = match self.value {
                Value::String(s) => visitor.visit_string(s),
                other => Err(wrong_type(&other, &visitor)),
            };
            result.map_err(|e| track.trigger(chain, e))
        }
    )*};
}

/// A leaf (null, a boolean, a number, a string) handed to the visitor as what it is; a
/// number as `serde_json` hands it over (exactly, whatever its features).
fn visit_leaf<'de, V: Visitor<'de>>(
    value: Value,
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    match value {
        Value::Null => visitor.visit_unit(),
        Value::Bool(b) => visitor.visit_bool(b),
        Value::Number(n) => de::Deserializer::deserialize_any(n, visitor),
        Value::String(s) => visitor.visit_string(s),
        Value::Object(_) | Value::Array(_) => {
            Err(de::Error::invalid_type(unexpected(&value), &visitor))
        }
    }
}

impl<'de> de::Deserializer<'de> for PathDe<'_, '_> {
    type Error = serde_json::Error;

    text!(deserialize_str, deserialize_string, deserialize_identifier);

    leaf!(
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit
    );

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        let (chain, track) = (self.chain, self.track);
        let result = match self.value {
            Value::Object(map) => visit_map(map, chain, track, visitor),
            Value::Array(items) => visit_seq(items, chain, track, visitor),
            leaf => visit_leaf(leaf, visitor),
        };
        result.map_err(|e| track.trigger(chain, e))
    }

    fn deserialize_option<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        let (chain, track) = (self.chain, self.track);
        let result = match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        };
        result.map_err(|e| track.trigger(chain, e))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        let (chain, track) = (self.chain, self.track);
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| track.trigger(chain, e))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        let (chain, track) = (self.chain, self.track);
        let result = match self.value {
            Value::Array(items) => visit_seq(items, chain, track, visitor),
            other => Err(wrong_type(&other, &visitor)),
        };
        result.map_err(|e| track.trigger(chain, e))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        let (chain, track) = (self.chain, self.track);
        let result = match self.value {
            Value::Object(map) => visit_map(map, chain, track, visitor),
            other => Err(wrong_type(&other, &visitor)),
        };
        result.map_err(|e| track.trigger(chain, e))
    }

    /// A struct is read from an object only: serde's derived readers also accept a list of
    /// the fields, which no kpi document uses (asking for a map never compiles them).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.deserialize_map(visitor)
    }

    /// Enums are read as `serde_json` reads them (a string, or an object of one member);
    /// kpi's enums with data are read by their shape (`shape`), so an error inside one
    /// is placed at the enum's value.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        let (chain, track) = (self.chain, self.track);
        self.value
            .deserialize_enum(name, variants, visitor)
            .map_err(|e| track.trigger(chain, e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        drop(self.value);
        visitor.visit_unit()
    }
}

/// The wrong-type error `serde_json` gives for a value a container reader cannot take.
fn wrong_type(value: &Value, expected: &dyn de::Expected) -> serde_json::Error {
    de::Error::invalid_type(leaf_unexpected(value), expected)
}

/// How serde's messages name a value (``integer `5` ``, `string "x"`, `null`).
fn leaf_unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (None, Some(i), _) => Unexpected::Signed(i),
            (None, None, Some(f)) => Unexpected::Float(f),
            (None, None, None) => Unexpected::Other("number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn visit_map<'de, V: Visitor<'de>>(
    map: Map<String, Value>,
    chain: &Chain<'_>,
    track: &Track,
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    let len = map.len();
    let mut access = MapAccess {
        iter: map.into_iter(),
        pending: None,
        chain,
        track,
    };
    let value = visitor.visit_map(&mut access)?;
    if access.iter.len() == 0 {
        Ok(value)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in map"))
    }
}

fn visit_seq<'de, V: Visitor<'de>>(
    items: Vec<Value>,
    chain: &Chain<'_>,
    track: &Track,
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    let len = items.len();
    let mut access = SeqAccess {
        iter: items.into_iter(),
        index: 0,
        chain,
        track,
    };
    let value = visitor.visit_seq(&mut access)?;
    if access.iter.len() == 0 {
        Ok(value)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in array"))
    }
}

struct MapAccess<'a, 'b> {
    iter: serde_json::map::IntoIter,
    /// The key just read and its value, for `next_value_seed`.
    pending: Option<(String, Value)>,
    chain: &'a Chain<'a>,
    track: &'b Track,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, serde_json::Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        // serde_json's own tokens: its value reader would parse such a key's string as
        // JSON again (a raw value), outside the document's depth and number rules.
        if key.starts_with("$serde_json::private::") {
            let error = de::Error::custom(format_args!("`{key}` is not a key a document may use"));
            return Err(self.track.trigger(
                &Chain::Map {
                    parent: self.chain,
                    key: &key,
                },
                error,
            ));
        }
        // Keys read as text, borrowed (serde_json's own key reader reads numbers in keys
        // too; no kpi document has a key that is not text).
        let read = seed.deserialize(key.as_str().into_deserializer());
        match read {
            Ok(read) => {
                self.pending = Some((key, value));
                Ok(Some(read))
            }
            Err(e) => Err(self.track.trigger(
                &Chain::Map {
                    parent: self.chain,
                    key: &key,
                },
                e,
            )),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, serde_json::Error> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom(
                "a map's value was asked for before its key",
            ));
        };
        let chain = Chain::Map {
            parent: self.chain,
            key: &key,
        };
        seed.deserialize(PathDe {
            value,
            chain: &chain,
            track: self.track,
        })
        .map_err(|e| self.track.trigger(&chain, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct SeqAccess<'a, 'b> {
    iter: std::vec::IntoIter<Value>,
    index: usize,
    chain: &'a Chain<'a>,
    track: &'b Track,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, '_> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, serde_json::Error> {
        let Some(value) = self.iter.next() else {
            return Ok(None);
        };
        let chain = Chain::Seq {
            parent: self.chain,
            index: self.index,
        };
        self.index = self.index.saturating_add(1);
        seed.deserialize(PathDe {
            value,
            chain: &chain,
            track: self.track,
        })
        .map(Some)
        .map_err(|e| self.track.trigger(&chain, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        goals: Vec<Goal>,
        #[serde(default)]
        note: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Goal {
        id: String,
        target: u32,
    }

    fn path_of(value: Value) -> (String, String) {
        let error = deserialize::<Doc>(value).unwrap_err();
        (error.path().to_string(), error.inner().to_string())
    }

    #[test]
    fn errors_are_placed_where_serde_path_to_error_places_them() {
        let (path, message) =
            path_of(json!({"goals": [{"id": "a", "target": 1}, {"id": "b", "target": "x"}]}));
        assert_eq!(path, "goals[1].target");
        assert_eq!(message, "invalid type: string \"x\", expected u32");
        let (path, message) = path_of(json!({"goals": [{"id": "a", "target": 1, "extra": 2}]}));
        assert_eq!(path, "goals[0].extra");
        assert!(message.starts_with("unknown field `extra`"), "{message}");
        let (path, message) = path_of(json!({"goals": [{"id": "a"}]}));
        assert_eq!(path, "goals[0]");
        assert_eq!(message, "missing field `target`");
        let (path, message) = path_of(json!({"goals": [["a", 1]]}));
        assert_eq!(path, "goals[0]");
        assert_eq!(message, "invalid type: sequence, expected struct Goal");
        let (path, _) = path_of(json!([]));
        assert_eq!(path, ".");
        let (path, message) = path_of(json!({"goals": [], "note": 5}));
        assert_eq!(path, "note");
        assert_eq!(message, "invalid type: integer `5`, expected a string");
    }

    #[test]
    fn names_are_text_and_reserved_keys_are_refused() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        enum Kind {
            Rate,
            Tiered,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Holder {
            kind: Kind,
        }
        // A variant's index is not its name.
        let error = deserialize::<Holder>(json!({"kind": 1})).unwrap_err();
        assert_eq!(error.path().to_string(), "kind");
        let error =
            deserialize::<Holder>(json!({"kind": "Rate", "$serde_json::private::RawValue": "1"}))
                .unwrap_err();
        assert!(
            error.inner().to_string().contains("is not a key"),
            "{error:?}"
        );
        let value = deserialize::<serde_json::Value>(
            json!({"a": {"$serde_json::private::RawValue": "[[[[1]]]]"}}),
        );
        assert_eq!(
            value.unwrap_err().path().to_string(),
            "a.$serde_json::private::RawValue"
        );
    }

    #[test]
    fn a_valid_document_reads() {
        let doc: Doc =
            deserialize(json!({"goals": [{"id": "a", "target": 7}], "note": null})).unwrap();
        assert_eq!(
            doc,
            Doc {
                goals: vec![Goal {
                    id: "a".into(),
                    target: 7
                }],
                note: None
            }
        );
    }
}
