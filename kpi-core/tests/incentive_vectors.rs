//! Runs the shared incentive-component vectors (testdata/vectors/incentives), which pytest
//! and node --test run too. `KPI_BLESS=1` writes the current results as the expected ones
//! (check them by hand before committing).

use kpi_core::{Component, ComponentInputs, Rounding, evaluate_component};
use serde_json::Value;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/incentives/components.json"
);

#[test]
fn components_price_as_the_vectors_say() {
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    for case in file["cases"].as_array_mut().unwrap() {
        let name = case["name"].as_str().unwrap().to_owned();
        let component: Component = serde_json::from_value(case["component"].clone()).unwrap();
        let inputs: ComponentInputs = serde_json::from_value(case["inputs"].clone()).unwrap();
        let rounding: Rounding = case.get("rounding").map_or_else(Rounding::default, |r| {
            serde_json::from_value(r.clone()).unwrap()
        });
        let result = evaluate_component(&component, &inputs, rounding).unwrap();
        assert_eq!(
            result.amount,
            result.lines.iter().map(|l| l.amount).sum(),
            "{name}: lines add up"
        );
        let result = serde_json::to_value(result).unwrap();
        if bless {
            case["expected"] = result;
        } else {
            assert_eq!(result, case["expected"], "{name}");
        }
    }
    if bless {
        std::fs::write(VECTORS, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
}
