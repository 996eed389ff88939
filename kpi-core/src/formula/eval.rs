//! Evaluation over exact decimals with nulls. The checker has ruled out type errors;
//! division by zero gives `null` (the value is undefined), and a result beyond the exact
//! decimal range is an error (`data.overflow`): a `null` there would silently drop money.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::syntax::{BinOp, Node, NodeKind};
use super::{Value, Window};
use crate::decimal::OrOverflow;
use crate::decimal::TryArithmetic;
use crate::error::Result;
use crate::period::Grain;

/// Where a formula reads its names: the current period, and (for metric formulas) other
/// windows of time.
pub(crate) trait Env {
    /// The value of `name` in the period being evaluated.
    fn name(&self, name: &str) -> Result<Value>;
    /// The value of metric `name` in another window; `null` where there are none.
    fn in_window(&self, _name: &str, _window: Window) -> Result<Value> {
        Ok(Value::Null)
    }
    /// `retained(name)` (`then` false): the metric this period over the customers it had
    /// a year earlier; `cohort(name)` (`then` true): the metric a year earlier over the
    /// same customers. `null` where there are no measures by customer.
    fn retained(&self, _name: &str, _then: bool) -> Result<Value> {
        Ok(Value::Null)
    }
}

impl<F: Fn(&str) -> Value> Env for F {
    fn name(&self, name: &str) -> Result<Value> {
        Ok(self(name))
    }
}

pub(crate) fn eval(node: &Node, lookup: &dyn Env) -> Result<Value> {
    Ok(match &node.kind {
        NodeKind::Number(n) => Value::Number(*n),
        NodeKind::Text(t) => Value::Text(t.clone()),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Null => Value::Null,
        NodeKind::Name(name) => lookup.name(name)?,
        // Negation only flips the sign: it cannot leave the range.
        NodeKind::Neg(inner) => match eval(inner, lookup)? {
            Value::Number(n) => Value::Number(-n),
            _ => Value::Null,
        },
        NodeKind::Not(inner) => Value::Bool(!truthy(&eval(inner, lookup)?)),
        NodeKind::Binary(BinOp::And, a, b) => {
            Value::Bool(truthy(&eval(a, lookup)?) && truthy(&eval(b, lookup)?))
        }
        NodeKind::Binary(BinOp::Or, a, b) => {
            Value::Bool(truthy(&eval(a, lookup)?) || truthy(&eval(b, lookup)?))
        }
        NodeKind::Binary(op, a, b) => binary(*op, eval(a, lookup)?, eval(b, lookup)?)?,
        NodeKind::In(left, items) => {
            let value = eval(left, lookup)?;
            let mut found = false;
            for item in items {
                if equal(&value, &eval(item, lookup)?) {
                    found = true;
                    break;
                }
            }
            Value::Bool(found)
        }
        NodeKind::Call(name, args) => call(name, args, lookup)?,
    })
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

fn binary(op: BinOp, a: Value, b: Value) -> Result<Value> {
    match op {
        BinOp::Eq => return Ok(Value::Bool(equal(&a, &b))),
        BinOp::Ne => return Ok(Value::Bool(!equal(&a, &b))),
        _ => {}
    }
    if let (Value::Text(x), Value::Text(y)) = (&a, &b) {
        // Dates compare as dates; other text does not order.
        let (Ok(x), Ok(y)) = (crate::period::parse_date(x), crate::period::parse_date(y)) else {
            return Ok(Value::Null);
        };
        return Ok(match op {
            BinOp::Lt => Value::Bool(x < y),
            BinOp::Le => Value::Bool(x <= y),
            BinOp::Gt => Value::Bool(x > y),
            BinOp::Ge => Value::Bool(x >= y),
            _ => Value::Null,
        });
    }
    let (Value::Number(x), Value::Number(y)) = (a, b) else {
        return Ok(Value::Null);
    };
    let what = |sign: &'static str| move || format!("{x} {sign} {y}");
    Ok(match op {
        BinOp::Add => Value::Number(x.try_add(y).or_overflow(what("+"))?),
        BinOp::Sub => Value::Number(x.try_sub(y).or_overflow(what("-"))?),
        BinOp::Mul => Value::Number(x.try_mul(y).or_overflow(what("×"))?),
        BinOp::Div if y.is_zero() => Value::Null,
        BinOp::Div => Value::Number(x.try_div(y).or_overflow(what("÷"))?.normalize()),
        BinOp::Lt => Value::Bool(x < y),
        BinOp::Le => Value::Bool(x <= y),
        BinOp::Gt => Value::Bool(x > y),
        BinOp::Ge => Value::Bool(x >= y),
        BinOp::Eq | BinOp::Ne | BinOp::And | BinOp::Or => Value::Null,
    })
}

fn call(name: &str, args: &[Node], lookup: &dyn Env) -> Result<Value> {
    if let Some(value) = period_call(name, args, lookup)? {
        return Ok(value);
    }
    let arg = |i: usize| args.get(i).map_or(Ok(Value::Null), |a| eval(a, lookup));
    Ok(match name {
        "if" => {
            if truthy(&arg(0)?) {
                arg(1)?
            } else {
                arg(2)?
            }
        }
        "coalesce" => {
            let mut first = Value::Null;
            for a in args {
                let value = eval(a, lookup)?;
                if value != Value::Null {
                    first = value;
                    break;
                }
            }
            first
        }
        "min" | "max" => {
            let mut best: Option<Decimal> = None;
            for a in args {
                if let Some(n) = eval(a, lookup)?.as_number() {
                    best = Some(match best {
                        Some(b) if name == "min" => b.min(n),
                        Some(b) => b.max(n),
                        None => n,
                    });
                }
            }
            best.map_or(Value::Null, Value::Number)
        }
        "abs" => match arg(0)? {
            Value::Number(n) => Value::Number(n.abs()),
            _ => Value::Null,
        },
        "round" => match (arg(0)?, arg(1)?) {
            // Places beyond a decimal's 28 leave it as it is.
            (Value::Number(n), Value::Number(places)) => {
                let places = places.to_u32().unwrap_or(0).min(28);
                Value::Number(
                    n.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero),
                )
            }
            _ => Value::Null,
        },
        _ => Value::Null,
    })
}

/// The period functions: `prev`, `same_period_last_year`, `growth`, `yoy`, `to_date`,
/// `trailing`, `opening`, `retained` and `cohort`, whose first argument is a metric name (the
/// checker makes sure of it).
fn period_call(name: &str, args: &[Node], env: &dyn Env) -> Result<Option<Value>> {
    let Some(NodeKind::Name(metric)) = args.first().map(|a| &a.kind) else {
        return Ok(None);
    };
    let window = |w| env.in_window(metric, w);
    let change = |w| -> Result<Value> {
        let (Value::Number(now), Value::Number(before)) = (env.name(metric)?, window(w)?) else {
            return Ok(Value::Null);
        };
        if before.is_zero() {
            return Ok(Value::Null);
        }
        let what = || format!("the change of `{metric}` from {before} to {now}");
        let rise = now.try_sub(before).or_overflow(what)?;
        Ok(Value::Number(
            rise.try_div(before).or_overflow(what)?.normalize(),
        ))
    };
    let second = args.get(1).map(|a| &a.kind);
    Ok(Some(match (name, second) {
        ("prev", _) => window(Window::Prev)?,
        ("same_period_last_year", _) => window(Window::LastYear)?,
        ("opening", _) => window(Window::Before)?,
        ("retained", _) => env.retained(metric, false)?,
        ("cohort", _) => env.retained(metric, true)?,
        ("growth", _) => change(Window::Prev)?,
        ("yoy", _) => change(Window::LastYear)?,
        ("to_date", Some(NodeKind::Text(grain))) => match Grain::parse(grain) {
            Some(grain) => window(Window::ToDate(grain))?,
            None => return Ok(None),
        },
        ("trailing", Some(NodeKind::Number(n))) => match n.to_u32() {
            Some(n) => window(Window::Trailing(n))?,
            None => return Ok(None),
        },
        _ => return Ok(None),
    }))
}
