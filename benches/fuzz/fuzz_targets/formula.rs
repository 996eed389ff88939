//! Fuzz target: the formula parser, checker and evaluator, and the filter parser, must
//! never panic, whatever the input.
#![no_main]

use std::collections::BTreeMap;

use kpi_core::formula::{Formula, Type, Value};
use kpi_core::metric::Filter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Filter::parse(text);
    let names = BTreeMap::from([
        ("a".to_owned(), Type::Any),
        ("m".to_owned(), Type::from_name("money").expect("a type")),
        ("s".to_owned(), Type::Text),
    ]);
    if let Ok(formula) = Formula::check(text, &names) {
        let values = BTreeMap::from([
            ("a".to_owned(), Value::Null),
            ("m".to_owned(), Value::Number(rust_decimal_max())),
            ("s".to_owned(), Value::Text("won".to_owned())),
        ]);
        let _ = formula.evaluate(&values);
    }
});

/// The largest decimal, to push arithmetic to overflow (which must give null).
fn rust_decimal_max() -> kpi_core::formula::Decimal {
    kpi_core::formula::Decimal::MAX
}
