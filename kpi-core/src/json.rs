//! JSON text read with its numbers exact: a small tree whose numbers are their written
//! digits, whose objects keep their members in order and refuse a repeated key.
//!
//! `serde_json::Value` holds a number as a binary float unless the crate's
//! `arbitrary_precision` feature is on, and that feature is shared by every crate of a
//! build: it would change the numbers of every `Value` in kpi and in the bindings (and how
//! they serialise). Instead, JSON *text* that kpi reads (fact records, CRM pages, JSON
//! Lines) is read here, with `serde_json` still doing the parsing: each value is first taken
//! as a [`RawValue`] (its text, checked), so a number keeps its digits, and containers are
//! opened one level at a time. Each level is scanned once more when it is opened, so
//! nesting is limited to [`MAX_DEPTH`] levels (records are a few levels deep).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// How deep values may nest (a record in a page in a response is about five levels).
pub(crate) const MAX_DEPTH: usize = 32;

/// A JSON value whose numbers are their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (valid JSON number syntax).
    Number(&'a str),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object: its members in order, each key once.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Why JSON text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    /// What is wrong, with the line and column of a syntax error.
    pub message: String,
    /// The line (from 1) and column (from 1) in the text read, when known.
    pub line: usize,
    /// See `line`.
    pub column: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl JsonError {
    fn syntax(e: &serde_json::Error) -> JsonError {
        JsonError {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        }
    }

    /// An error about the value at byte `offset` of `text`.
    fn at(text: &str, offset: usize, message: &str) -> JsonError {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        JsonError {
            message: format!("{message} at line {line} column {column}"),
            line,
            column,
        }
    }
}

impl Json<'_> {
    /// What kind of value this is, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// As a `serde_json::Value`, numbers keeping their digits
    /// ([`crate::decimal::exact_number_value`]).
    pub(crate) fn to_value(&self) -> serde_json::Value {
        match self {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(text) => crate::decimal::exact_number_value(text),
            Json::String(s) => serde_json::Value::String(s.clone().into_owned()),
            Json::Array(items) => {
                serde_json::Value::Array(items.iter().map(Json::to_value).collect())
            }
            Json::Object(members) => {
                // Inserted one by one: collecting would sort (code the wasm file need not
                // carry for maps that are built key by key everywhere else).
                let mut map = serde_json::Map::new();
                for (k, v) in members {
                    map.insert(k.clone().into_owned(), v.to_value());
                }
                serde_json::Value::Object(map)
            }
        }
    }
}

/// The member `key` of an object's members.
#[cfg(feature = "ingest")]
pub(crate) fn get<'m, 'a>(
    members: &'m [(Cow<'a, str>, Json<'a>)],
    key: &str,
) -> Option<&'m Json<'a>> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Reads one JSON value (surrounding whitespace allowed, nothing else after it).
pub(crate) fn parse(text: &str) -> Result<Json<'_>, JsonError> {
    let raw: &RawValue = serde_json::from_str(text).map_err(|e| JsonError::syntax(&e))?;
    node(raw, text, 0)
}

/// Reads a value already checked as JSON (a [`RawValue`] of a larger text).
#[cfg(feature = "ingest")]
pub(crate) fn parse_raw(raw: &RawValue) -> Result<Json<'_>, JsonError> {
    node(raw, raw.get(), 0)
}

/// The byte offset of `part` in `text` (a slice of it), or 0.
pub(crate) fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .checked_sub(text.as_ptr() as usize)
        .filter(|o| *o <= text.len())
        .unwrap_or(0)
}

fn node<'a>(raw: &'a RawValue, text: &'a str, depth: usize) -> Result<Json<'a>, JsonError> {
    let json = raw.get();
    let open = |depth: usize| {
        if depth >= MAX_DEPTH {
            Err(JsonError::at(
                text,
                offset_in(text, json),
                &format!("values nest deeper than {MAX_DEPTH} levels"),
            ))
        } else {
            Ok(())
        }
    };
    match json.as_bytes().first() {
        Some(b'{') => {
            open(depth)?;
            let Members(members) = serde_json::from_str(json).map_err(|e| JsonError::syntax(&e))?;
            let mut seen = HashSet::with_capacity(members.len());
            let mut out = Vec::with_capacity(members.len());
            for (key, value) in members {
                if !seen.insert(key.clone()) {
                    return Err(JsonError::at(
                        text,
                        offset_in(text, value.get()),
                        &format!("the key {key:?} appears twice in one object"),
                    ));
                }
                out.push((key, node(value, text, depth + 1)?));
            }
            Ok(Json::Object(out))
        }
        Some(b'[') => {
            open(depth)?;
            let items: Vec<&RawValue> =
                serde_json::from_str(json).map_err(|e| JsonError::syntax(&e))?;
            items
                .into_iter()
                .map(|item| node(item, text, depth + 1))
                .collect::<Result<_, _>>()
                .map(Json::Array)
        }
        Some(b'"') => {
            let Text(s) = serde_json::from_str(json).map_err(|e| JsonError::syntax(&e))?;
            Ok(Json::String(s))
        }
        Some(b't') => Ok(Json::Bool(true)),
        Some(b'f') => Ok(Json::Bool(false)),
        Some(b'n') => Ok(Json::Null),
        _ => Ok(Json::Number(json)),
    }
}

/// A string, borrowed from the text when it has no escapes.
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// An object's members as written: keys and the text of their values.
struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Members<'de>, M::Error> {
                let mut members = Vec::new();
                while let Some(Text(key)) = map.next_key()? {
                    let value: &'de RawValue = map.next_value()?;
                    members.push((key, value));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// Writes `value` as JSON: pretty (two spaces, as `serde_json::to_string_pretty`) or
/// compact, and with integers beyond 2^53 − 1 quoted when `safe_integers` (what a
/// JavaScript number cannot hold exactly). Every JSON kpi writes goes through this one
/// formatter, so each type's serialiser exists once in the wasm file rather than once per
/// `serde_json` formatter (pretty, compact, the browser's): about 35 KB of code.
pub(crate) fn write<T: serde::Serialize + ?Sized>(
    value: &T,
    pretty: bool,
    safe_integers: bool,
) -> Result<String, serde_json::Error> {
    let mut text = Vec::with_capacity(256);
    let format = Format {
        pretty,
        safe_integers,
        depth: 0,
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut text, format,
    ))?;
    // serde_json writes UTF-8.
    Ok(String::from_utf8(text)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// The formatter of [`write`]: `serde_json`'s `PrettyFormatter` or `CompactFormatter`,
/// chosen when writing rather than by type.
struct Format {
    pretty: bool,
    safe_integers: bool,
    depth: usize,
    has_value: bool,
}

/// 2^53 − 1, the largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

impl Format {
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.pretty && self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    /// Before an array value or an object key.
    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if self.pretty {
            w.write_all(if first { b"\n" } else { b",\n" })?;
            self.indent(w)
        } else if first {
            Ok(())
        } else {
            w.write_all(b",")
        }
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    /// An integer, quoted when it is beyond what a JavaScript number holds and that is
    /// asked for.
    fn integer<W: ?Sized + std::io::Write>(
        &self,
        w: &mut W,
        value: impl fmt::Display,
        safe: bool,
    ) -> std::io::Result<()> {
        if safe || !self.safe_integers {
            write!(w, "{value}")
        } else {
            write!(w, "\"{value}\"")
        }
    }
}

impl serde_json::ser::Formatter for Format {
    fn write_i64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: i64,
    ) -> std::io::Result<()> {
        self.integer(w, value, value.unsigned_abs() <= MAX_SAFE_INTEGER)
    }

    fn write_u64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: u64,
    ) -> std::io::Result<()> {
        self.integer(w, value, value <= MAX_SAFE_INTEGER)
    }

    fn write_i128<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: i128,
    ) -> std::io::Result<()> {
        self.integer(
            w,
            value,
            value.unsigned_abs() <= u128::from(MAX_SAFE_INTEGER),
        )
    }

    fn write_u128<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: u128,
    ) -> std::io::Result<()> {
        self.integer(w, value, value <= u128::from(MAX_SAFE_INTEGER))
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.pretty { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            "[a-z\\u{4e00}\"\\\\]{0,6}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map("[a-z]{0,4}", inner, 0..5)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The one formatter writes what serde_json's pretty and compact formatters write.
        #[test]
        fn write_matches_serde_json(value in any_json()) {
            prop_assert_eq!(write(&value, true, false).unwrap(), serde_json::to_string_pretty(&value).unwrap());
            prop_assert_eq!(write(&value, false, false).unwrap(), serde_json::to_string(&value).unwrap());
        }
    }

    #[test]
    fn integers_beyond_javascript_numbers_are_quoted_when_asked() {
        let big = serde_json::json!([
            9_007_199_254_740_991_u64,
            9_007_199_254_740_992_u64,
            -9_007_199_254_740_992_i64
        ]);
        assert_eq!(
            write(&big, false, true).unwrap(),
            r#"[9007199254740991,"9007199254740992","-9007199254740992"]"#
        );
        assert_eq!(
            write(&big, false, false).unwrap(),
            "[9007199254740991,9007199254740992,-9007199254740992]"
        );
    }

    #[test]
    fn numbers_keep_their_digits() {
        let json = parse(r#"{"a": 90071992547409.93, "b": [1e400, -0.10], "c": "x\"y"}"#).unwrap();
        let Json::Object(members) = &json else {
            panic!("{json:?}")
        };
        assert_eq!(get(members, "a"), Some(&Json::Number("90071992547409.93")));
        assert_eq!(
            get(members, "b"),
            Some(&Json::Array(vec![
                Json::Number("1e400"),
                Json::Number("-0.10")
            ]))
        );
        assert_eq!(get(members, "c"), Some(&Json::String("x\"y".into())));
    }

    #[test]
    fn a_repeated_key_anywhere_is_refused() {
        for text in [
            r#"{"data": [1], "data": [2]}"#,
            r#"{"a": {"id": "x", "id": "y"}}"#,
            r#"[{"k": 1, "k": 1}]"#,
            r#"{"a": 1, "\u0061": 2}"#,
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.message.contains("appears twice"), "{text}: {error}");
        }
    }

    #[test]
    fn only_one_value() {
        for text in [r#"{"data":[1]}{"data":[2]}"#, "{} x", "[1] [2]", "1 2", ""] {
            assert!(parse(text).is_err(), "{text}");
        }
        assert!(parse(" {\"a\": 1}\n").is_ok());
    }

    #[test]
    fn nesting_is_limited_without_recursion_past_the_limit() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let error = parse(&deep).unwrap_err();
        assert!(error.message.contains("deeper than"), "{error}");
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let error = parse("{\n  \"a\": 1,\n  \"a\": 2}").unwrap_err();
        assert_eq!((error.line, error.column), (3, 8));
    }
}
