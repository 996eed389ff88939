//! Strategies for formulas: well-typed ones over a fixed set of names, and broken ones
//! with the code kpi rejects each with.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::formula::{Type, Value};

/// The names generated formulas read, with their types: three numbers (`a`, `b`, `c`),
/// a text (`t`) and a condition (`flag`).
pub const FORMULA_NAMES: [(&str, &str); 5] = [
    ("a", "number"),
    ("b", "number"),
    ("c", "number"),
    ("t", "text"),
    ("flag", "bool"),
];

/// [`FORMULA_NAMES`] as the map [`Formula::check`](crate::formula::Formula::check) takes.
pub fn formula_names() -> BTreeMap<String, Type> {
    FORMULA_NAMES
        .iter()
        .filter_map(|(name, ty)| Some(((*name).to_owned(), Type::from_name(ty)?)))
        .collect()
}

/// Values for [`FORMULA_NAMES`]: any decimal or `null` for the numbers, a status word,
/// any text or `null` for `t`, and `true`, `false` or `null` for `flag`.
pub fn formula_values() -> impl Strategy<Value = BTreeMap<String, Value>> {
    let number = prop_oneof![
        4 => super::decimals().prop_map(Value::Number),
        2 => super::hostile_decimals().prop_map(Value::Number),
        1 => Just(Value::Null),
    ];
    let text = prop_oneof![
        prop::sample::select(vec!["won", "lost", "open", "赢单"])
            .prop_map(|s| Value::Text(s.to_owned())),
        any::<String>().prop_map(Value::Text),
        Just(Value::Null),
    ];
    let flag = prop_oneof![any::<bool>().prop_map(Value::Bool), Just(Value::Null)];
    (number.clone(), number.clone(), number, text, flag).prop_map(|(a, b, c, t, flag)| {
        BTreeMap::from([
            ("a".to_owned(), a),
            ("b".to_owned(), b),
            ("c".to_owned(), c),
            ("t".to_owned(), t),
            ("flag".to_owned(), flag),
        ])
    })
}

/// A well-typed formula over [`FORMULA_NAMES`] and the type of its result (`number` or
/// `bool`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaCase {
    /// The formula text.
    pub text: String,
    /// `"number"` or `"bool"`: the name of the result's type.
    pub result: &'static str,
}

/// A formula that must be rejected, and the code kpi rejects it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidFormula {
    /// The formula text.
    pub text: String,
    /// `formula.syntax`, `formula.unknown_name`, `formula.type_mismatch` or
    /// `formula.too_complex`.
    pub code: &'static str,
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        (0i64..100_000_000, 0u32..6).prop_map(|(m, scale)| Decimal::new(m, scale).to_string()),
        Just("1_000_000".to_owned()),
    ]
}

/// A number-valued expression, nested up to four levels.
fn number() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["a", "b", "c"]).prop_map(str::to_owned),
        literal(),
    ];
    leaf.prop_recursive(4, 48, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/"]),
                inner.clone()
            )
                .prop_map(|(x, op, y)| format!("({x} {op} {y})")),
            inner.clone().prop_map(|x| format!("-{x}")),
            (
                prop::sample::select(vec!["min", "max", "coalesce"]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(f, x, y)| format!("{f}({x}, {y})")),
            inner.clone().prop_map(|x| format!("abs({x})")),
            (inner.clone(), 0u32..6).prop_map(|(x, n)| format!("round({x}, {n})")),
            (condition_leaf(), inner.clone(), inner)
                .prop_map(|(c, x, y)| format!("if({c}, {x}, {y})")),
        ]
    })
}

fn condition_leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("flag".to_owned()),
        prop::sample::select(vec!["won", "lost", "赢单"]).prop_map(|w| format!("t == \"{w}\"")),
        Just("t in [\"won\", \"open\"]".to_owned()),
        (
            prop::sample::select(vec!["a", "b", "c"]),
            prop::sample::select(vec!["<", "<=", ">", ">=", "==", "!="]),
            literal()
        )
            .prop_map(|(x, op, y)| format!("{x} {op} {y}")),
    ]
}

/// A condition: comparisons of number expressions, text tests and `flag`, combined with
/// `&&`, `||` and `!`.
fn condition() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        condition_leaf(),
        (
            number(),
            prop::sample::select(vec!["<", ">=", "=="]),
            number()
        )
            .prop_map(|(x, op, y)| format!("{x} {op} {y}")),
    ];
    leaf.prop_recursive(3, 16, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["&&", "||"]),
                inner.clone()
            )
                .prop_map(|(x, op, y)| format!("({x} {op} {y})")),
            inner.prop_map(|x| format!("!({x})")),
        ]
    })
}

/// A well-typed formula over [`FORMULA_NAMES`]: arithmetic, `min`/`max`/`coalesce`/
/// `abs`/`round`/`if`, comparisons, `in` lists and logic, with non-ASCII text literals.
pub fn formulas() -> impl Strategy<Value = FormulaCase> {
    prop_oneof![
        2 => number().prop_map(|text| FormulaCase { text, result: "number" }),
        1 => condition().prop_map(|text| FormulaCase { text, result: "bool" }),
    ]
}

/// A formula with one deliberate defect, and the code kpi answers it with: an unclosed
/// parenthesis, a dangling operator or `=` for `==` (`formula.syntax`); a name that does
/// not exist (`formula.unknown_name`); text in arithmetic or a number as a condition
/// (`formula.type_mismatch`); nesting deeper than 64 (`formula.too_complex`).
pub fn invalid_formulas() -> impl Strategy<Value = InvalidFormula> {
    let bad = |text: String, code: &'static str| InvalidFormula { text, code };
    prop_oneof![
        number().prop_map(move |x| bad(format!("({x}"), "formula.syntax")),
        number().prop_map(move |x| bad(format!("{x} +"), "formula.syntax")),
        number().prop_map(move |x| bad(format!("{x} = 1"), "formula.syntax")),
        (number(), "[xyz][xyz_]{2,8}")
            .prop_map(move |(x, name)| bad(format!("{x} + {name}"), "formula.unknown_name")),
        number().prop_map(move |x| bad(format!("{x} + t"), "formula.type_mismatch")),
        number().prop_map(move |x| bad(format!("if({x}, 1, 2)"), "formula.type_mismatch")),
        (65usize..200).prop_map(move |depth| bad(
            format!("{}a{}", "(".repeat(depth), ")".repeat(depth)),
            "formula.too_complex"
        )),
    ]
}
