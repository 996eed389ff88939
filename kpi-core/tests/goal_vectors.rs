//! Runs the shared SMART and target-setting vectors (testdata/vectors/smart and
//! testdata/vectors/targets), which pytest and node --test run too.

use kpi_core::goal::targets;
use kpi_core::{FactTable, Plan};
use rust_decimal::Decimal;
use serde_json::{Value, json};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors");

fn load(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{VECTORS}/{path}")).unwrap()).unwrap()
}

#[test]
fn smart_findings_match_the_vectors() {
    let mut file = load("smart/findings.json");
    // `KPI_BLESS=1` rewrites the expected findings with what kpi-core gives now.
    if std::env::var_os("KPI_BLESS").is_some() {
        for case in file["cases"].as_array_mut().unwrap() {
            let plan = Plan::draft_from_toml(case["plan_toml"].as_str().unwrap()).unwrap();
            let history = case
                .get("history")
                .map(|h| FactTable::from_json_value(h.clone()).unwrap());
            let as_of = case
                .get("as_of")
                .and_then(Value::as_str)
                .map(|d| d.parse().unwrap());
            case["expected"] =
                serde_json::to_value(plan.validate(history.as_ref(), as_of)).unwrap();
        }
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/vectors/smart/findings.json"
        );
        std::fs::write(path, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
    let mut codes = std::collections::BTreeSet::new();
    for case in file["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let plan = Plan::draft_from_toml(case["plan_toml"].as_str().unwrap()).unwrap();
        let history = case
            .get("history")
            .map(|h| FactTable::from_json_value(h.clone()).unwrap());
        let as_of = case
            .get("as_of")
            .and_then(Value::as_str)
            .map(|d| d.parse().unwrap());
        let findings = serde_json::to_value(plan.validate(history.as_ref(), as_of)).unwrap();
        assert_eq!(findings, case["expected"], "{name}");
        for f in findings.as_array().unwrap() {
            codes.insert(f["code"].as_str().unwrap().to_owned());
        }
    }
    // Every finding code has a vector.
    let all: std::collections::BTreeSet<String> = kpi_core::FINDING_CODES
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    assert_eq!(codes, all);
}

fn decimal(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

fn decimals(v: &Value) -> Vec<Decimal> {
    v.as_array().unwrap().iter().map(decimal).collect()
}

#[test]
fn target_setting_matches_the_vectors() {
    let file = load("targets/targets.json");
    for case in file["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let args = &case["args"];
        let result: Result<Value, kpi_core::Error> = match case["function"].as_str().unwrap() {
            "grow" => targets::grow(decimal(&args["baseline"]), decimal(&args["growth"]))
                .map(|v| json!(v.to_string())),
            "from_market_share" => {
                targets::from_market_share(decimal(&args["share"]), decimal(&args["market_size"]))
                    .map(|v| json!(v.to_string()))
            }
            "allocate" => targets::allocate(
                decimal(&args["total"]),
                &decimals(&args["weights"]),
                u32::try_from(args["places"].as_u64().unwrap()).unwrap(),
            )
            .map(|parts| json!(parts.iter().map(ToString::to_string).collect::<Vec<_>>())),
            "capacity" => {
                targets::capacity(decimal(&args["target"]), &decimals(&args["member_targets"]))
                    .map(|c| serde_json::to_value(c).unwrap())
            }
            other => panic!("{name}: unknown function {other}"),
        };
        match (result, case.get("expected"), case.get("error")) {
            (Ok(value), Some(expected), None) => assert_eq!(&value, expected, "{name}"),
            (Err(e), None, Some(expected)) => assert_eq!(e.code(), expected["code"], "{name}"),
            (result, _, _) => panic!("{name}: unexpected {result:?}"),
        }
    }
}
