//! Static checks: every name is known, operands have the right types, and units are not
//! mixed (money + percent), all before any data is seen.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::syntax::{BinOp, Node, NodeKind};
use super::{Value, error_at, suggest};
use crate::error::{ErrorKind, Result};

/// The unit of a number, for the mixed-unit check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Unit {
    /// A plain number: adapts to the unit of what it meets (`revenue * 1.1`).
    Number,
    /// An amount of money.
    Money,
    /// A ratio, shown as a percentage (`0.9` is 90%).
    Percent,
    /// A count of things.
    Count,
    /// A duration in days.
    Days,
}

crate::shape::by_name!(Unit { "number" => Number, "money" => Money, "percent" => Percent, "count" => Count, "days" => Days });

/// The static type of a formula or a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "type", content = "unit")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Type {
    /// A number of a unit.
    Number(Unit),
    /// `true` or `false`.
    Bool,
    /// Text.
    Text,
    /// Only `null`.
    Null,
    /// Not known before the data is seen (a fact attribute): any operation is allowed.
    Any,
}

impl Type {
    /// The type of a value (numbers are unitless).
    pub fn of(value: &Value) -> Type {
        match value {
            Value::Null => Type::Null,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number(Unit::Number),
            Value::Text(_) => Type::Text,
        }
    }

    /// Parses `number`, `money`, `percent`, `count`, `days`, `bool`, `text` or `any`.
    pub fn from_name(text: &str) -> Option<Type> {
        Some(match text {
            "number" => Type::Number(Unit::Number),
            "money" => Type::Number(Unit::Money),
            "percent" => Type::Number(Unit::Percent),
            "count" => Type::Number(Unit::Count),
            "days" => Type::Number(Unit::Days),
            "bool" => Type::Bool,
            "text" => Type::Text,
            "any" => Type::Any,
            _ => return None,
        })
    }

    /// The name `from_name` reads.
    pub fn name(self) -> &'static str {
        match self {
            Type::Number(Unit::Number) => "number",
            Type::Number(Unit::Money) => "money",
            Type::Number(Unit::Percent) => "percent",
            Type::Number(Unit::Count) => "count",
            Type::Number(Unit::Days) => "days",
            Type::Bool => "bool",
            Type::Text => "text",
            Type::Null => "null",
            Type::Any => "any",
        }
    }

    fn is_numeric(self) -> bool {
        matches!(self, Type::Number(_) | Type::Null | Type::Any)
    }
}

/// Whether an ordering compares dates: text (or a value of any type, such as an
/// attribute) against a `"YYYY-MM-DD"` literal. Dates compare as dates
/// (`attributes.closed >= "2026-04-01"`).
fn compares_dates(a: &Node, b: &Node, ta: Type, tb: Type) -> bool {
    let date_literal =
        |n: &Node| matches!(&n.kind, NodeKind::Text(t) if crate::period::parse_date(t).is_ok());
    let textual = |t: Type| matches!(t, Type::Text | Type::Any | Type::Null);
    textual(ta) && textual(tb) && (date_literal(a) || date_literal(b))
}

/// The functions every formula may call, with their arity (min, max).
pub(crate) const FUNCTIONS: [(&str, usize, usize); 6] = [
    ("if", 3, 3),
    ("coalesce", 1, usize::MAX),
    ("min", 1, usize::MAX),
    ("max", 1, usize::MAX),
    ("abs", 1, 1),
    ("round", 2, 2),
];

/// The period functions of metric formulas, with their arity.
pub(crate) const PERIOD_FUNCTIONS: [(&str, usize); 9] = [
    ("prev", 1),
    ("same_period_last_year", 1),
    ("growth", 1),
    ("yoy", 1),
    ("to_date", 2),
    ("trailing", 2),
    ("opening", 1),
    ("retained", 1),
    ("cohort", 1),
];

struct Checker<'a> {
    text: &'a str,
    lookup: &'a dyn Fn(&str) -> Option<Type>,
    candidates: &'a dyn Fn() -> Vec<String>,
    used: Vec<String>,
    period_functions: bool,
}

/// The type of `root`, and the names it reads in order of first use.
pub(crate) fn check(
    text: &str,
    root: &Node,
    lookup: &dyn Fn(&str) -> Option<Type>,
    candidates: &dyn Fn() -> Vec<String>,
    period_functions: bool,
) -> Result<(Type, Vec<String>)> {
    let mut checker = Checker {
        text,
        lookup,
        candidates,
        used: Vec::new(),
        period_functions,
    };
    let result = checker.check(root)?;
    Ok((result, checker.used))
}

impl Checker<'_> {
    /// `formula.unknown_name` at `node`, suggesting the closest of `known`.
    fn unknown<'k>(
        &self,
        node: &Node,
        message: &str,
        name: &str,
        known: impl Iterator<Item = &'k str>,
    ) -> crate::error::Error {
        let mut message = message.to_owned();
        if let Some(near) = suggest(name, known) {
            let _ = write!(message, "; did you mean `{near}`?");
        }
        error_at(ErrorKind::FormulaUnknownName, self.text, node.at, &message)
    }

    fn mismatch(&self, node: &Node, message: &str) -> crate::error::Error {
        error_at(ErrorKind::FormulaTypeMismatch, self.text, node.at, message)
    }

    fn check(&mut self, node: &Node) -> Result<Type> {
        Ok(match &node.kind {
            NodeKind::Number(_) => Type::Number(Unit::Number),
            NodeKind::Text(_) => Type::Text,
            NodeKind::Bool(_) => Type::Bool,
            NodeKind::Null => Type::Null,
            NodeKind::Name(name) => {
                let Some(t) = (self.lookup)(name) else {
                    let candidates = (self.candidates)();
                    let known = candidates.iter().map(String::as_str);
                    return Err(self.unknown(node, &format!("unknown name `{name}`"), name, known));
                };
                if !self.used.contains(name) {
                    self.used.push(name.clone());
                }
                t
            }
            NodeKind::Neg(inner) => {
                let t = self.check(inner)?;
                if !t.is_numeric() {
                    return Err(self.mismatch(node, &format!("cannot negate {}", t.name())));
                }
                t
            }
            NodeKind::Not(inner) => {
                let t = self.check(inner)?;
                if !matches!(t, Type::Bool | Type::Null | Type::Any) {
                    return Err(
                        self.mismatch(node, &format!("`!` needs true or false, not {}", t.name()))
                    );
                }
                Type::Bool
            }
            NodeKind::Binary(op, a, b) => {
                let (ta, tb) = (self.check(a)?, self.check(b)?);
                if op.is_ordering() && compares_dates(a, b, ta, tb) {
                    return Ok(Type::Bool);
                }
                self.binary(node, *op, ta, tb)?
            }
            NodeKind::In(left, items) => {
                let t = self.check(left)?;
                for item in items {
                    let ti = self.check(item)?;
                    self.comparable(item, t, ti)?;
                }
                Type::Bool
            }
            NodeKind::Call(name, args) => self.call(node, name, args)?,
        })
    }

    /// Units that may be added or compared: equal, or one side a plain number.
    fn unify(&self, node: &Node, op: &str, a: Type, b: Type) -> Result<Type> {
        match (a, b) {
            (Type::Null | Type::Any, t) | (t, Type::Null | Type::Any) => Ok(t),
            (Type::Number(x), Type::Number(y)) if x == y => Ok(a),
            (Type::Number(Unit::Number), Type::Number(_)) => Ok(b),
            (Type::Number(_), Type::Number(Unit::Number)) => Ok(a),
            (Type::Number(x), Type::Number(y)) => Err(error_at(
                ErrorKind::FormulaUnitMismatch,
                self.text,
                node.at,
                &format!("`{op}` mixes units: {} and {}", unit_name(x), unit_name(y)),
            )),
            _ => Err(self.mismatch(
                node,
                &format!("`{op}` needs numbers, not {} and {}", a.name(), b.name()),
            )),
        }
    }

    fn comparable(&self, node: &Node, a: Type, b: Type) -> Result<()> {
        match (a, b) {
            (Type::Null | Type::Any, _) | (_, Type::Null | Type::Any) => Ok(()),
            (Type::Number(_), Type::Number(_)) => self.unify(node, "==", a, b).map(|_| ()),
            (x, y) if x == y => Ok(()),
            _ => Err(self.mismatch(
                node,
                &format!("cannot compare {} with {}", a.name(), b.name()),
            )),
        }
    }

    fn binary(&self, node: &Node, op: BinOp, a: Type, b: Type) -> Result<Type> {
        let symbol = op.symbol();
        match op {
            BinOp::Add | BinOp::Sub => self.unify(node, symbol, a, b),
            BinOp::Mul | BinOp::Div => {
                if !a.is_numeric() || !b.is_numeric() {
                    return Err(self.mismatch(
                        node,
                        &format!(
                            "`{symbol}` needs numbers, not {} and {}",
                            a.name(),
                            b.name()
                        ),
                    ));
                }
                Ok(Type::Number(product_unit(op, unit_of(a), unit_of(b))))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                if !a.is_numeric() || !b.is_numeric() {
                    return Err(self.mismatch(
                        node,
                        &format!(
                            "`{symbol}` compares numbers, not {} and {}",
                            a.name(),
                            b.name()
                        ),
                    ));
                }
                self.unify(node, symbol, a, b)?;
                Ok(Type::Bool)
            }
            BinOp::Eq | BinOp::Ne => {
                self.comparable(node, a, b)?;
                Ok(Type::Bool)
            }
            BinOp::And | BinOp::Or => {
                for t in [a, b] {
                    if !matches!(t, Type::Bool | Type::Null | Type::Any) {
                        return Err(self.mismatch(
                            node,
                            &format!("`{symbol}` needs true or false, not {}", t.name()),
                        ));
                    }
                }
                Ok(Type::Bool)
            }
        }
    }

    fn call(&mut self, node: &Node, name: &str, args: &[Node]) -> Result<Type> {
        if let Some(&(_, arity)) = PERIOD_FUNCTIONS.iter().find(|(f, _)| *f == name) {
            return self.period_call(node, name, arity, args);
        }
        let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(f, _, _)| *f == name) else {
            let known = FUNCTIONS
                .iter()
                .map(|(f, _, _)| *f)
                .chain(PERIOD_FUNCTIONS.iter().map(|(f, _)| *f));
            return Err(self.unknown(node, &format!("unknown function `{name}`"), name, known));
        };
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("at least {min}")
            };
            return Err(error_at(
                ErrorKind::FormulaTypeMismatch,
                self.text,
                node.at,
                &format!("`{name}` takes {expected} argument(s), not {}", args.len()),
            ));
        }
        let types = args
            .iter()
            .map(|a| self.check(a))
            .collect::<Result<Vec<_>>>()?;
        match name {
            "if" => {
                if !matches!(types[0], Type::Bool | Type::Null | Type::Any) {
                    return Err(
                        self.mismatch(&args[0], "the condition of `if` must be true or false")
                    );
                }
                self.same_kind(node, name, &types[1..])
            }
            "coalesce" => self.same_kind(node, name, &types),
            "min" | "max" | "abs" => {
                if let Some(bad) = types.iter().position(|t| !t.is_numeric()) {
                    return Err(self.mismatch(&args[bad], &format!("`{name}` needs numbers")));
                }
                types
                    .iter()
                    .try_fold(Type::Null, |acc, t| self.unify(node, name, acc, *t))
            }
            "round" => {
                if !types[0].is_numeric() {
                    return Err(self.mismatch(&args[0], "`round` needs a number"));
                }
                let places_ok = matches!(&args[1].kind, NodeKind::Number(n) if n.fract().is_zero() && *n >= rust_decimal::Decimal::ZERO && *n <= rust_decimal::Decimal::from(28));
                if !places_ok {
                    return Err(self.mismatch(
                        &args[1],
                        "`round` takes a whole number of places from 0 to 28",
                    ));
                }
                Ok(types[0])
            }
            _ => unreachable!("every function in FUNCTIONS is checked"),
        }
    }

    /// `prev(m)`, `growth(m)`, `to_date(m, "year")`, `trailing(m, 3)` …: the first argument
    /// is a metric's name; the result has its unit (a percentage for `growth` and `yoy`).
    fn period_call(
        &mut self,
        node: &Node,
        name: &str,
        arity: usize,
        args: &[Node],
    ) -> Result<Type> {
        if !self.period_functions {
            return Err(error_at(
                ErrorKind::FormulaUnknownName,
                self.text,
                node.at,
                &format!(
                    "`{name}` reads other periods, so it is only available in a plan's metric formulas"
                ),
            ));
        }
        if args.len() != arity {
            return Err(self.mismatch(
                node,
                &format!("`{name}` takes {arity} argument(s), not {}", args.len()),
            ));
        }
        let metric_type = match &args[0].kind {
            NodeKind::Name(metric) if metric != "target" => self.check(&args[0])?,
            _ => {
                return Err(self.mismatch(
                    &args[0],
                    &format!("the first argument of `{name}` is a metric's name"),
                ));
            }
        };
        match (name, args.get(1).map(|a| &a.kind)) {
            ("to_date", Some(NodeKind::Text(grain)))
                if crate::period::Grain::parse(grain).is_some() => {}
            ("to_date", _) => {
                return Err(self.mismatch(
                    &args[1],
                    "`to_date` takes a grain: \"month\", \"quarter\", \"half\" or \"year\"",
                ));
            }
            ("trailing", Some(NodeKind::Number(n)))
                if n.fract().is_zero()
                    && *n >= rust_decimal::Decimal::ONE
                    && *n <= rust_decimal::Decimal::from(1000) => {}
            ("trailing", _) => {
                return Err(self.mismatch(
                    &args[1],
                    "`trailing` takes a whole number of periods from 1 to 1000",
                ));
            }
            _ => {}
        }
        Ok(match name {
            "growth" | "yoy" => Type::Number(Unit::Percent),
            _ => metric_type,
        })
    }

    /// The branches of `if` and the arguments of `coalesce` must agree.
    fn same_kind(&self, node: &Node, name: &str, types: &[Type]) -> Result<Type> {
        let mut result = Type::Null;
        for t in types {
            result = match (result, *t) {
                (Type::Null | Type::Any, t) => t,
                (r, Type::Null | Type::Any) => r,
                (Type::Number(_), Type::Number(_)) => self.unify(node, name, result, *t)?,
                (r, t) if r == t => r,
                (r, t) => {
                    return Err(self.mismatch(
                        node,
                        &format!("`{name}` mixes {} and {}", r.name(), t.name()),
                    ));
                }
            };
        }
        Ok(result)
    }
}

fn unit_of(t: Type) -> Unit {
    match t {
        Type::Number(u) => u,
        _ => Unit::Number,
    }
}

fn unit_name(unit: Unit) -> &'static str {
    Type::Number(unit).name()
}

/// The unit of a product or quotient: a plain number or a percentage scales the other
/// side; a quotient of like units is a ratio (percent); money per count is money.
#[allow(clippy::match_same_arms)] // the arms read as the rules they are
fn product_unit(op: BinOp, a: Unit, b: Unit) -> Unit {
    match (op, a, b) {
        (BinOp::Mul, Unit::Number | Unit::Percent, other)
        | (BinOp::Mul, other, Unit::Number | Unit::Percent) => other,
        (BinOp::Div, x, y) if x == y && x != Unit::Number => Unit::Percent,
        (BinOp::Div, other, Unit::Number | Unit::Count) => other,
        _ => Unit::Number,
    }
}
