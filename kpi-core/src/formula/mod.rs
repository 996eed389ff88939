//! The formula language: exact decimal expressions with nulls, checked before any data is
//! seen. Metric filters, formula metrics and `formula::evaluate` all use it.
//!
//! ```text
//! (customers_end - customers_new) / customers_start
//! if(deals_won + deals_lost == 0, null, deals_won / (deals_won + deals_lost))
//! kind == "order" && status in ["won", "invoiced"] && amount >= 1000
//! round(coalesce(csat, 0) * 100, 1)
//! ```
//!
//! Values are numbers (exact decimals), strings, booleans and `null`. Division by zero is
//! `null`; `null` propagates through arithmetic, comparisons and functions; `coalesce`
//! ends it; a `null` condition counts as false. See docs/formulas.md.

mod check;
mod eval;
pub(crate) mod syntax;

pub use check::{Type, Unit};
pub(crate) use eval::Env;
/// The decimal type formulas compute with (re-exported from `rust_decimal`).
pub use rust_decimal::Decimal;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::decimal::shorten;
use crate::error::{Error, ErrorKind, Location, Result, line_column};
use crate::maps::{IntoMap, TryIntoMap};
use std::result::Result as StdResult;

/// Longest formula accepted, in bytes.
pub const MAX_LEN: usize = 8192;
/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 64;
/// Most syntax nodes accepted.
pub const MAX_NODES: usize = 2000;

/// A value a formula computes or reads. In JSON: `null`, a boolean, a number (written
/// back as a decimal string, as every decimal is), or a string (always text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Value {
    /// No value: an empty period's average, a division by zero.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An exact decimal (written as a string in JSON).
    Number(#[cfg_attr(feature = "typescript", tsify(type = "string"))] Decimal),
    /// Text.
    Text(String),
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> StdResult<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("null, a boolean, a number or a string")
            }
            fn visit_unit<E>(self) -> StdResult<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> StdResult<Value, E> {
                Ok(Value::Null)
            }
            fn visit_bool<E>(self, b: bool) -> StdResult<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> StdResult<Value, E> {
                Ok(Value::Number(Decimal::from(n)))
            }
            fn visit_u64<E>(self, n: u64) -> StdResult<Value, E> {
                Ok(Value::Number(Decimal::from(n)))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> StdResult<Value, E> {
                // The shortest text that reads back as the same f64: 0.1 stays 0.1.
                crate::decimal::exact::number_from_f64(n).map(Value::Number)
            }
            fn visit_i128<E: serde::de::Error>(self, n: i128) -> StdResult<Value, E> {
                crate::decimal::parse_exact(&n.to_string())
                    .map(Value::Number)
                    .map_err(|why| E::custom(why.describe(&n.to_string())))
            }
            fn visit_u128<E: serde::de::Error>(self, n: u128) -> StdResult<Value, E> {
                crate::decimal::parse_exact(&n.to_string())
                    .map(Value::Number)
                    .map_err(|why| E::custom(why.describe(&n.to_string())))
            }
            /// A JSON number whose digits an `f64` does not keep (`arbitrary_precision`).
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> StdResult<Value, A::Error> {
                crate::decimal::exact::number_from_map(map).map(Value::Number)
            }
            fn visit_str<E>(self, s: &str) -> StdResult<Value, E> {
                Ok(Value::Text(s.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl From<Decimal> for Value {
    fn from(value: Decimal) -> Self {
        Value::Number(value)
    }
}

impl From<Option<Decimal>> for Value {
    fn from(value: Option<Decimal>) -> Self {
        value.map_or(Value::Null, Value::Number)
    }
}

impl Value {
    /// The number, if this is one.
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// A window of time a metric formula reads besides the period being evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Window {
    /// The period before (`prev`, `growth`).
    Prev,
    /// The same period a year earlier (`same_period_last_year`, `yoy`).
    LastYear,
    /// From the start of the grain's period that holds the evaluated period through its
    /// end (`to_date(m, "year")`).
    ToDate(crate::period::Grain),
    /// The last `n` periods, ending with the evaluated one (`trailing(m, 3)`).
    Trailing(u32),
    /// Everything dated before the evaluated period starts: an opening balance
    /// (`opening(m)`, such as the customers on the books at the start).
    Before,
}

/// A parsed and type-checked formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    text: String,
    root: syntax::Node,
    result: Type,
    names: Vec<String>,
}

impl Formula {
    /// Parses `text` and checks it against the names it may use and their types. Errors
    /// point at the line and column, with a caret line, and suggest close names.
    pub fn check(text: &str, names: &BTreeMap<String, Type>) -> Result<Formula> {
        Formula::check_with(text, &|name| names.get(name).copied(), &|| {
            names.keys().cloned().collect()
        })
    }

    /// Like [`Formula::check`], with a lookup for the type of each name and the list of
    /// names to suggest from.
    pub(crate) fn check_with(
        text: &str,
        lookup: &dyn Fn(&str) -> Option<Type>,
        candidates: &dyn Fn() -> Vec<String>,
    ) -> Result<Formula> {
        Formula::check_in(text, lookup, candidates, false)
    }

    /// Like [`Formula::check_with`]; `period_functions` allows `prev(m)`, `growth(m)` and
    /// the other period functions (metric formulas only).
    pub(crate) fn check_in(
        text: &str,
        lookup: &dyn Fn(&str) -> Option<Type>,
        candidates: &dyn Fn() -> Vec<String>,
        period_functions: bool,
    ) -> Result<Formula> {
        let root = syntax::parse(text)?;
        let (result, used) = check::check(text, &root, lookup, candidates, period_functions)?;
        Ok(Formula {
            text: text.to_owned(),
            root,
            result,
            names: used,
        })
    }

    /// The formula text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The type (and unit) of the result.
    pub fn result_type(&self) -> Type {
        self.result
    }

    /// The period function and metric of a formula that is one call of `growth` or `yoy`
    /// (`growth(revenue)`): a rate of change, not an amount.
    pub(crate) fn change_of(&self) -> Option<(&str, &str)> {
        match &self.root.kind {
            syntax::NodeKind::Call(function, args)
                if matches!(function.as_str(), "growth" | "yoy") =>
            {
                match args.first().map(|a| &a.kind) {
                    Some(syntax::NodeKind::Name(metric)) => Some((function, metric)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The names the formula reads, in order of first use.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Evaluates with the values of the names (a missing name reads as `null`). A result
    /// beyond the exact decimal range is an error (`data.overflow`).
    pub fn evaluate(&self, values: &BTreeMap<String, Value>) -> Result<Value> {
        eval::eval(&self.root, &|name: &str| {
            values.get(name).cloned().unwrap_or(Value::Null)
        })
        .map_err(|e| e.context(format_args!("in `{}`", shorten(&self.text, 60))))
    }

    /// Evaluates with a lookup function for the names.
    pub(crate) fn evaluate_with(&self, lookup: &dyn Env) -> Result<Value> {
        eval::eval(&self.root, lookup)
    }

    pub(crate) fn root(&self) -> &syntax::Node {
        &self.root
    }
}

/// What checking a formula tells: its result type and the names it reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct FormulaInfo {
    /// The result type: `number`, `money`, `percent`, `count`, `days`, `bool`, `text`,
    /// `null` or `any`.
    #[serde(rename = "type")]
    pub result: String,
    /// The names the formula reads, in order of first use.
    pub names: Vec<String>,
}

impl Formula {
    /// The result type and names, as the bindings return them.
    pub fn info(&self) -> FormulaInfo {
        FormulaInfo {
            result: self.result.name().to_owned(),
            names: self.names.clone(),
        }
    }
}

/// Reads the names a formula may use from JSON: a list of names (plain numbers) or an
/// object of name → type name (`{"revenue": "money", "won": "count"}`).
pub(crate) fn names_from_json(value: &serde_json::Value) -> Result<BTreeMap<String, Type>> {
    let bad = |what: String| Error::new(ErrorKind::FormulaTypeMismatch, what);
    match value {
        serde_json::Value::Null => Ok(BTreeMap::new()),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(|name| (name.to_owned(), Type::Number(Unit::Number)))
                    .ok_or_else(|| bad(format!("a name must be a string, not {item}")))
            })
            .try_into_map(),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(name, t)| {
                t.as_str()
                    .and_then(Type::from_name)
                    .map(|t| (name.clone(), t))
                    .ok_or_else(|| {
                        bad(format!(
                            "the type of `{name}` must be number, money, percent, count, days, bool, text or any, not {t}"
                        ))
                    })
            })
            .try_into_map(),
        other => Err(bad(format!("names are a list or an object, not {other}"))),
    }
}

/// Evaluates one syntax node (a part of a checked formula).
pub(crate) fn eval_node(node: &syntax::Node, lookup: &dyn Env) -> Result<Value> {
    eval::eval(node, lookup)
}

/// Checks `text` with the given values' types and evaluates it: the one-call form used by
/// `kpi_core.formula.evaluate` and `formula.evaluate` in JavaScript.
pub fn evaluate(text: &str, values: &BTreeMap<String, Value>) -> Result<Value> {
    let types = values
        .iter()
        .map(|(name, value)| (name.clone(), Type::of(value)))
        .into_map();
    Formula::check(text, &types)?.evaluate(values)
}

/// An error of `kind` at byte `at` of `text`: line and column, and the source line with a
/// caret under the column.
pub(crate) fn error_at(kind: ErrorKind, text: &str, at: usize, message: &str) -> Error {
    let (line, column) = line_column(text, at);
    let source = text.lines().nth(line as usize - 1).unwrap_or("");
    let pad = " ".repeat(column as usize - 1);
    Error::new(kind, format!("{message}\n  {source}\n  {pad}^")).at(Location {
        line: Some(line),
        column: Some(column),
        ..Location::default()
    })
}

/// The candidate closest to `name` within two edits, for "did you mean" hints.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (c, edit_distance(c, name)))
        .filter(|(_, distance)| *distance <= 2)
        .min_by_key(|(_, distance)| *distance)
        .map(|(c, _)| c)
}

/// Levenshtein distance, for "did you mean" hints on short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
