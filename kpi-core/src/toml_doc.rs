//! TOML documents (plans, column mappings, the catalogue) read through one path: parsed
//! with the spans of every value, turned into a `serde_json::Value`, then deserialised
//! from that value exactly like the JSON documents the bindings hand over.
//!
//! Why: every `Deserialize` implementation is compiled once per input format. Reading
//! TOML through the JSON value keeps one copy of the plan's (large) deserialiser, which
//! is most of what the TOML reader added to the wasm file. An error's path
//! (`goals[1].target`) is turned back into the line and column of that TOML value.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Error, ErrorKind, Location, Step, line_column};

/// Reads `text` as a `T`. A TOML syntax error is `syntax`; a value of the wrong shape
/// is `invalid`, with the path of the value and its line and column.
pub(crate) fn from_toml<T: DeserializeOwned>(
    text: &str,
    syntax: ErrorKind,
    invalid: ErrorKind,
) -> Result<T, Error> {
    let document = DeTable::parse(text).map_err(|e| {
        let (line, column) = e.span().map_or((None, None), |span| at(text, span.start));
        Error::new(syntax, e.message().trim_end().to_owned()).at(Location {
            line,
            column,
            ..Location::default()
        })
    })?;
    let value = table_value(document.get_ref()).map_err(|(span, message)| {
        let (line, column) = at(text, span.start);
        Error::new(syntax, message).at(Location {
            line,
            column,
            ..Location::default()
        })
    })?;
    crate::error::deserialize_located(value).map_err(|located| {
        let span = span_at(&document, located.error.path(), &located.deeper);
        let (line, column) = at(text, span.start);
        Error::new(invalid, located.message()).at(Location {
            path: Some(located.path()),
            line,
            column,
            row: None,
        })
    })
}

/// TOML text without its comment lines (those whose first non-blank character is `#`),
/// padded with newlines to its length, at compile time: the embedded documents (the CRM
/// presets, the catalogue) then carry their data into the browser module, not the notes
/// written for people reading the files. Whole lines only, so a `#` inside a string is
/// never touched and UTF-8 stays whole.
pub(crate) const fn without_comment_lines<const N: usize>(text: &[u8; N]) -> [u8; N] {
    let mut out = [b'\n'; N];
    let (mut read, mut write) = (0, 0);
    while read < N {
        let mut end = read;
        while end < N && text[end] != b'\n' {
            end += 1;
        }
        if end < N {
            end += 1; // the line's newline
        }
        let mut first = read;
        while first < end && (text[first] == b' ' || text[first] == b'\t') {
            first += 1;
        }
        if !(first < end && text[first] == b'#') {
            let mut i = read;
            while i < end {
                out[write] = text[i];
                write += 1;
                i += 1;
            }
        }
        read = end;
    }
    out
}

/// A JSON value as TOML (for writing): objects become tables in their order, numbers
/// integers when they fit in 64 bits, floats otherwise; `null`, which TOML has no word
/// for and kpi never writes for a field, is left out.
///
/// By hand rather than by reading the JSON text into `toml::Value` with serde: that would
/// be one more JSON reader in the wasm file.
pub(crate) fn toml_of(value: Value) -> toml::Value {
    match value {
        Value::Null => toml::Value::Table(toml::Table::new()),
        Value::Bool(b) => toml::Value::Boolean(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => toml::Value::String(s),
        Value::Array(items) => toml::Value::Array(
            items
                .into_iter()
                .filter(|v| !v.is_null())
                .map(toml_of)
                .collect(),
        ),
        Value::Object(members) => {
            // A number `json::parse` kept as its digits (not a 64-bit integer).
            if let (1, Some(Value::String(digits))) =
                (members.len(), members.get(crate::decimal::EXACT_NUMBER_KEY))
            {
                return toml::Value::Float(digits.parse().unwrap_or(f64::NAN));
            }
            let mut table = toml::Table::new();
            for (key, value) in members {
                if !value.is_null() {
                    table.insert(key, toml_of(value));
                }
            }
            toml::Value::Table(table)
        }
    }
}

fn at(text: &str, offset: usize) -> (Option<u32>, Option<u32>) {
    let (line, column) = line_column(text, offset);
    (Some(line), Some(column))
}

type Located = (std::ops::Range<usize>, String);

fn table_value(table: &DeTable<'_>) -> Result<Value, Located> {
    let mut object = Map::new();
    for (key, value) in table {
        object.insert(key.get_ref().to_string(), json_value(value)?);
    }
    Ok(Value::Object(object))
}

/// One TOML value as JSON: a datetime becomes its RFC 3339 text (so an unquoted
/// `from = 2026-05-01` reads as the date it is).
fn json_value(value: &Spanned<DeValue<'_>>) -> Result<Value, Located> {
    let bad = |message: &str| (value.span(), message.to_owned());
    Ok(match value.get_ref() {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .map(Value::from)
            .map_err(|_| bad("the integer does not fit in 64 bits"))?,
        // The number keeps its written digits (`0.1` is not read through an f64); TOML's
        // `_` between digits and a leading `+` are dropped, as TOML defines them.
        DeValue::Float(float) => {
            let digits: String = float
                .as_str()
                .trim_start_matches('+')
                .chars()
                .filter(|c| *c != '_')
                .collect();
            if crate::decimal::parse_exact(&digits).is_err() {
                return Err(bad(
                    "not a finite decimal number kpi holds exactly (write decimals as text: \"0.05\")",
                ));
            }
            crate::decimal::exact_number_value(&digits)
        }
        DeValue::Boolean(flag) => Value::Bool(*flag),
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(json_value)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        DeValue::Table(table) => table_value(table)?,
    })
}

/// The span of the deepest value on `path` (the document's, when nothing matches).
fn span_at(
    document: &Spanned<DeTable<'_>>,
    path: &crate::path_de::Path,
    deeper: &[Step],
) -> std::ops::Range<usize> {
    let mut span = document.span();
    let mut table = Some(document.get_ref());
    let mut array: Option<&[Spanned<DeValue<'_>>]> = None;
    let serde_steps = path.iter().map(|segment| match segment {
        crate::path_de::Segment::Map { key } => Some((Some(key.as_str()), 0)),
        crate::path_de::Segment::Seq { index } => Some((None, *index)),
    });
    let deeper_steps = deeper.iter().map(|step| match step {
        Step::Key(key) => Some((Some(key.as_str()), 0)),
        Step::Index(index) => Some((None, *index)),
    });
    for step in serde_steps.chain(deeper_steps) {
        let next = match step {
            Some((Some(key), _)) => table.and_then(|t| t.get(key)),
            Some((None, index)) => array.and_then(|a| a.get(index)),
            None => None,
        };
        let Some(next) = next else { break };
        span = next.span();
        (table, array) = match next.get_ref() {
            DeValue::Table(t) => (Some(t), None),
            DeValue::Array(a) => (None, Some(&a[..])),
            _ => (None, None),
        };
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        items: Vec<Item>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        count: u32,
        day: chrono::NaiveDate,
    }

    fn read(text: &str) -> Result<Doc, Error> {
        from_toml(text, ErrorKind::PlanSyntax, ErrorKind::PlanInvalid)
    }

    #[test]
    fn errors_point_at_the_value_on_the_path() {
        let text = "name = \"a\"\n[[items]]\ncount = 1\nday = 2026-05-01\n[[items]]\ncount = \"x\"\nday = \"2026-05-02\"\n";
        let err = read(text).unwrap_err();
        assert_eq!(err.code(), "plan.invalid");
        let location = err.location();
        assert_eq!(location.path.as_deref(), Some("items[1].count"));
        assert_eq!((location.line, location.column), (Some(6), Some(9)));
        let ok = read(&text.replace("\"x\"", "2")).unwrap();
        assert_eq!(ok.items[0].day.to_string(), "2026-05-01"); // an unquoted TOML date
    }

    #[test]
    fn syntax_errors_and_non_finite_floats_are_syntax_errors_with_a_line() {
        let err = read("name = \"a\"\n[items\n").unwrap_err();
        assert_eq!((err.code(), err.location().line), ("plan.syntax", Some(2)));
        let err = read("name = \"a\"\nitems = []\nx = nan\n").unwrap_err();
        assert_eq!((err.code(), err.location().line), ("plan.syntax", Some(3)));
        let err = read("name = \"a\"\nitems = [{ count = 1 }]\n").unwrap_err();
        let location = err.location();
        assert_eq!(location.path.as_deref(), Some("items[0]"));
        assert_eq!((location.line, location.column), (Some(2), Some(10)));
    }
}

#[cfg(test)]
mod comment_tests {
    #[test]
    fn comment_lines_are_left_out_and_the_rest_kept() {
        let text = b"# a note\nkey = \"#not\" # kept\n  # indented note\nzh = \"\xe5\x9b\x9e\xe6\xac\xbe\"";
        let out = super::without_comment_lines(text);
        let out = std::str::from_utf8(&out).unwrap();
        assert_eq!(
            out.trim_end_matches('\n'),
            "key = \"#not\" # kept\nzh = \"回款\""
        );
        assert_eq!(out.len(), text.len());
    }
}
