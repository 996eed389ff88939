//! Evaluation over exact decimals with nulls. It never fails: the checker has ruled out
//! type errors, division by zero and overflow give `null`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::syntax::{BinOp, Node, NodeKind};
use super::{Value, Window};
use crate::period::Grain;

/// Where a formula reads its names: the current period, and (for metric formulas) other
/// windows of time.
pub(crate) trait Env {
    /// The value of `name` in the period being evaluated.
    fn name(&self, name: &str) -> Value;
    /// The value of metric `name` in another window; `null` where there are none.
    fn in_window(&self, _name: &str, _window: Window) -> Value {
        Value::Null
    }
}

impl<F: Fn(&str) -> Value> Env for F {
    fn name(&self, name: &str) -> Value {
        self(name)
    }
}

pub(crate) fn eval(node: &Node, lookup: &dyn Env) -> Value {
    match &node.kind {
        NodeKind::Number(n) => Value::Number(*n),
        NodeKind::Text(t) => Value::Text(t.clone()),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Null => Value::Null,
        NodeKind::Name(name) => lookup.name(name),
        NodeKind::Neg(inner) => match eval(inner, lookup) {
            Value::Number(n) => Value::Number(-n),
            _ => Value::Null,
        },
        NodeKind::Not(inner) => Value::Bool(!truthy(&eval(inner, lookup))),
        NodeKind::Binary(BinOp::And, a, b) => {
            Value::Bool(truthy(&eval(a, lookup)) && truthy(&eval(b, lookup)))
        }
        NodeKind::Binary(BinOp::Or, a, b) => {
            Value::Bool(truthy(&eval(a, lookup)) || truthy(&eval(b, lookup)))
        }
        NodeKind::Binary(op, a, b) => binary(*op, eval(a, lookup), eval(b, lookup)),
        NodeKind::In(left, items) => {
            let value = eval(left, lookup);
            Value::Bool(items.iter().any(|item| equal(&value, &eval(item, lookup))))
        }
        NodeKind::Call(name, args) => call(name, args, lookup),
    }
}

/// A condition holds only when it is `true`; `null` counts as false.
pub(crate) fn truthy(value: &Value) -> bool {
    matches!(value, Value::Bool(true))
}

/// `==` treats `null` as a value: `null == null`, and `null != "won"`, so a filter on a
/// missing field behaves as people read it.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        _ => a == b,
    }
}

fn binary(op: BinOp, a: Value, b: Value) -> Value {
    match op {
        BinOp::Eq => return Value::Bool(equal(&a, &b)),
        BinOp::Ne => return Value::Bool(!equal(&a, &b)),
        _ => {}
    }
    if let (Value::Text(x), Value::Text(y)) = (&a, &b) {
        // Dates compare as dates; other text does not order.
        let (Ok(x), Ok(y)) = (crate::period::parse_date(x), crate::period::parse_date(y)) else {
            return Value::Null;
        };
        return match op {
            BinOp::Lt => Value::Bool(x < y),
            BinOp::Le => Value::Bool(x <= y),
            BinOp::Gt => Value::Bool(x > y),
            BinOp::Ge => Value::Bool(x >= y),
            _ => Value::Null,
        };
    }
    let (Value::Number(x), Value::Number(y)) = (a, b) else {
        return Value::Null;
    };
    let number = |n: Option<Decimal>| n.map_or(Value::Null, Value::Number);
    match op {
        BinOp::Add => number(x.checked_add(y)),
        BinOp::Sub => number(x.checked_sub(y)),
        BinOp::Mul => number(x.checked_mul(y)),
        BinOp::Div => number(x.checked_div(y).map(|q| q.normalize())),
        BinOp::Lt => Value::Bool(x < y),
        BinOp::Le => Value::Bool(x <= y),
        BinOp::Gt => Value::Bool(x > y),
        BinOp::Ge => Value::Bool(x >= y),
        BinOp::Eq | BinOp::Ne | BinOp::And | BinOp::Or => unreachable!("handled above"),
    }
}

fn call(name: &str, args: &[Node], lookup: &dyn Env) -> Value {
    if let Some(value) = period_call(name, args, lookup) {
        return value;
    }
    match name {
        "if" => {
            if truthy(&eval(&args[0], lookup)) {
                eval(&args[1], lookup)
            } else {
                eval(&args[2], lookup)
            }
        }
        "coalesce" => args
            .iter()
            .map(|a| eval(a, lookup))
            .find(|v| *v != Value::Null)
            .unwrap_or(Value::Null),
        "min" | "max" => {
            let numbers = args.iter().filter_map(|a| eval(a, lookup).as_number());
            let best = if name == "min" {
                numbers.min()
            } else {
                numbers.max()
            };
            best.map_or(Value::Null, Value::Number)
        }
        "abs" => match eval(&args[0], lookup) {
            Value::Number(n) => Value::Number(n.abs()),
            _ => Value::Null,
        },
        "round" => match (eval(&args[0], lookup), eval(&args[1], lookup)) {
            (Value::Number(n), Value::Number(places)) => {
                let places = places.to_u32().unwrap_or(0);
                Value::Number(
                    n.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero),
                )
            }
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

/// The period functions: `prev`, `same_period_last_year`, `growth`, `yoy`, `to_date` and
/// `trailing` and `opening`, whose first argument is a metric name (the checker makes sure of it).
fn period_call(name: &str, args: &[Node], env: &dyn Env) -> Option<Value> {
    let NodeKind::Name(metric) = &args.first()?.kind else {
        return None;
    };
    let window = |w| env.in_window(metric, w);
    let change = |w| {
        let (Value::Number(now), Value::Number(before)) = (env.name(metric), window(w)) else {
            return Value::Null;
        };
        (now - before)
            .checked_div(before)
            .map_or(Value::Null, |r| Value::Number(r.normalize()))
    };
    Some(match name {
        "prev" => window(Window::Prev),
        "same_period_last_year" => window(Window::LastYear),
        "opening" => window(Window::Before),
        "growth" => change(Window::Prev),
        "yoy" => change(Window::LastYear),
        "to_date" => match &args.get(1)?.kind {
            NodeKind::Text(grain) => window(Window::ToDate(Grain::parse(grain)?)),
            _ => return None,
        },
        "trailing" => match &args.get(1)?.kind {
            NodeKind::Number(n) => window(Window::Trailing(n.to_u32()?)),
            _ => return None,
        },
        _ => return None,
    })
}
