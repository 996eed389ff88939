//! Fact records from JSON text, with their numbers read exactly (by their digits, not
//! through a binary float).

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::json::Json;

/// A record read from JSON text, ready for the record's deserialiser: `amount` and the
/// credit `share`s as exact decimal text; attribute numbers set aside in `numbers`, to be
/// put back as exact decimals once the record is read.
pub(super) struct ExactRecord {
    pub(super) value: Value,
    pub(super) numbers: Vec<(String, Decimal)>,
}

/// A number of the record that kpi cannot hold exactly: its path in the record
/// (`amount`, `owners[1].share`, `attributes.score`) and a message.
pub(super) type Inexact = (String, String);

/// Reads one record. Anything that is not an object is handed on as it is, for the
/// deserialiser to report.
pub(super) fn record(json: &Json<'_>) -> Result<ExactRecord, Inexact> {
    let Json::Object(members) = json else {
        return Ok(ExactRecord {
            value: json.to_value(),
            numbers: Vec::new(),
        });
    };
    let mut map = Map::new();
    let mut numbers = Vec::new();
    for (key, value) in members {
        let value = match (key.as_ref(), value) {
            ("amount", Json::Number(text)) => decimal(text, "amount")?,
            ("owners", Json::Array(credits)) => Value::Array(
                credits
                    .iter()
                    .enumerate()
                    .map(|(i, c)| credit(c, i))
                    .collect::<Result<_, _>>()?,
            ),
            ("attributes", Json::Object(attributes)) => {
                let mut kept = Map::new();
                for (name, value) in attributes {
                    if let Json::Number(text) = value {
                        let number = crate::exact::decimal_text(text)
                            .map_err(|e| inexact(text, &format!("attributes.{name}"), &e))?;
                        numbers.push((name.to_string(), number));
                    } else {
                        kept.insert(name.to_string(), value.to_value());
                    }
                }
                Value::Object(kept)
            }
            _ => value.to_value(),
        };
        map.insert(key.to_string(), value);
    }
    Ok(ExactRecord {
        value: Value::Object(map),
        numbers,
    })
}

/// A credit of `owners`, its `share` as exact decimal text.
fn credit(json: &Json<'_>, index: usize) -> Result<Value, Inexact> {
    let Json::Object(members) = json else {
        return Ok(json.to_value());
    };
    let mut map = Map::new();
    for (key, value) in members {
        let value = match value {
            Json::Number(text) if key == "share" => {
                decimal(text, &format!("owners[{index}].share"))?
            }
            other => other.to_value(),
        };
        map.insert(key.to_string(), value);
    }
    Ok(Value::Object(map))
}

/// A JSON number as exact decimal text.
fn decimal(text: &str, path: &str) -> Result<Value, Inexact> {
    crate::exact::decimal_text(text)
        .map(|d| Value::String(d.to_string()))
        .map_err(|e| inexact(text, path, &e))
}

fn inexact(text: &str, path: &str, e: &crate::exact::Inexact) -> Inexact {
    (
        path.to_owned(),
        format!("the number {text} is not read: {e}"),
    )
}
