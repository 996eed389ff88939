//! The formula language: the shared vectors in testdata/vectors/formulas, and properties
//! that must hold for every input.

use std::collections::BTreeMap;

use kpi_core::formula::{self, Formula, Type, Value};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/formulas/formulas.json"
);

/// Checks and evaluates one case, as every language's runner does: the type of a name is
/// given in `names`, or else is the type of its value.
fn run(case: &Json) -> kpi_core::Result<Json> {
    let values: BTreeMap<String, Value> =
        serde_json::from_value(case.get("values").cloned().unwrap_or(json!({}))).unwrap();
    let mut types: BTreeMap<String, Type> = values
        .iter()
        .map(|(k, v)| (k.clone(), Type::of(v)))
        .collect();
    for (name, t) in case
        .get("names")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        types.insert(name.clone(), Type::from_name(t.as_str().unwrap()).unwrap());
    }
    let formula = Formula::check(case["formula"].as_str().unwrap(), &types)?;
    let value = formula.evaluate(&values)?;
    Ok(json!({"type": formula.result_type().name(), "value": value}))
}

#[test]
fn every_formula_vector_passes() {
    let doc: Json = serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    for case in cases {
        let name = case["formula"].as_str().unwrap();
        match (run(case), case.get("expect"), case.get("error")) {
            (Ok(got), Some(want), _) => assert_eq!(&got, want, "{name}"),
            (Err(err), _, Some(want)) => {
                assert_eq!(err.code(), want["code"], "{name}: {err}");
                assert_eq!(
                    err.location().line.map(u64::from),
                    want["line"].as_u64(),
                    "{name}: {err}"
                );
                assert_eq!(
                    err.location().column.map(u64::from),
                    want["column"].as_u64(),
                    "{name}: {err}"
                );
            }
            (Ok(got), _, _) => panic!("{name}: expected an error, got {got}"),
            (Err(err), _, _) => panic!("{name}: {err}"),
        }
    }
    assert!(cases.len() >= 40);
}

#[test]
fn evaluate_checks_then_computes() {
    let values = BTreeMap::from([("a".to_owned(), Value::Number(Decimal::new(15, 1)))]);
    assert_eq!(
        formula::evaluate("a * 2", &values).unwrap(),
        Value::Number(Decimal::new(30, 1))
    );
    assert_eq!(
        formula::evaluate("b", &values).unwrap_err().code(),
        "formula.unknown_name"
    );
    let checked = Formula::check(
        "x + y * x",
        &BTreeMap::from([
            ("x".to_owned(), Type::from_name("money").unwrap()),
            ("y".to_owned(), Type::from_name("number").unwrap()),
        ]),
    )
    .unwrap();
    assert_eq!(checked.names(), ["x", "y"]);
    assert_eq!(checked.result_type().name(), "money");
}

// Any decimal at any scale, and the edges of the range (`kpi_core::testing`).
use kpi_core::testing::hostile_decimals as decimal;

proptest! {
    /// No input makes the parser panic; anything it rejects has a formula code and a line.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,80}") {
        if let Err(err) = Formula::check(&text, &BTreeMap::new()) {
            prop_assert!(err.code().starts_with("formula."));
            prop_assert!(err.location().line.is_some());
        }
    }

    /// Operator soup from the language's own tokens never panics either.
    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(vec![
        "a", "1", "2.5", "\"t\"", "null", "true", "(", ")", "[", "]", ",", "+", "-", "*", "/", "==",
        "!=", "<", ">=", "&&", "||", "!", "in", "if(", "min(", "round(", "coalesce(",
    ]), 0..40)) {
        let text = tokens.join(" ");
        let names = BTreeMap::from([("a".to_owned(), Type::Any)]);
        if let Ok(f) = Formula::check(&text, &names) {
            let _ = f.evaluate(&BTreeMap::from([("a".to_owned(), Value::Null)]));
        }
    }

    /// Arithmetic is exact decimal arithmetic; division by zero is null, and a result
    /// beyond the decimal range is an error, never a null or a panic.
    #[test]
    fn arithmetic_matches_decimal(a in decimal(), b in decimal()) {
        let values = BTreeMap::from([("a".to_owned(), Value::Number(a)), ("b".to_owned(), Value::Number(b))]);
        let eval = |text: &str| formula::evaluate(text, &values).map_err(|e| e.code());
        let exact = |v: Option<Decimal>| v.map(Value::Number).ok_or("data.overflow");
        prop_assert_eq!(eval("a + b"), exact(a.checked_add(b)));
        prop_assert_eq!(eval("a - b"), exact(a.checked_sub(b)));
        prop_assert_eq!(eval("a * b"), exact(a.checked_mul(b)));
        let quotient = if b.is_zero() { Ok(Value::Null) } else { exact(a.checked_div(b).map(|q| q.normalize())) };
        prop_assert_eq!(eval("a / b"), quotient);
        prop_assert_eq!(eval("a < b"), Ok(Value::Bool(a < b)));
        prop_assert_eq!(eval("coalesce(a / 0, b)"), Ok(Value::Number(b)));
    }
}
