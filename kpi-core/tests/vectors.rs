//! Runs the shared vectors in testdata/vectors, which pytest and node --test run too.
//!
//! A vector file holds a plan (`plan_toml` text or a `plan` document), `facts` (or
//! `facts_json`, JSON text that every language reads as text), and
//! `cases`: each a `period` (and an optional `as_of` day, or the draw `balances` carried
//! in) with either the `expected` report or the expected `error` (its code, location and
//! a part of its message); or a `review` day with the `expected` review.

use kpi_core::{Error, FactTable, Plan};
use serde_json::{Value, json};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors");

/// Loads, measures and evaluates one case, as every language's runner does.
fn run(file: &Value, case: &Value) -> Result<Value, Error> {
    let plan_source = case.get("plan_toml").or(file.get("plan_toml"));
    let plan = match plan_source {
        Some(text) => Plan::from_toml(text.as_str().expect("plan_toml is text"))?,
        None => Plan::from_json_value(
            case.get("plan")
                .or(file.get("plan"))
                .expect("a plan")
                .clone(),
        )?,
    };
    // `facts_json` is JSON text, read as text (its numbers keep their digits).
    let facts = match case.get("facts_json").and_then(Value::as_str) {
        Some(text) => FactTable::from_json(text)?,
        None => FactTable::from_json_value(
            case.get("facts")
                .or(file.get("facts"))
                .cloned()
                .unwrap_or(json!([])),
        )?,
    };
    let day = |key: &str| {
        case.get(key)
            .and_then(Value::as_str)
            .map(|d| d.parse::<chrono::NaiveDate>().expect("a YYYY-MM-DD date"))
    };
    if let Some(review_day) = day("review") {
        let review = plan.review(&facts, review_day)?;
        return Ok(serde_json::to_value(review).expect("serialisable"));
    }
    let period = plan.parse_period(
        case.get("period")
            .and_then(Value::as_str)
            .unwrap_or("2026-01"),
    )?;
    let balances: kpi_core::Balances = case
        .get("balances")
        .map(|b| serde_json::from_value(b.clone()).expect("balances"))
        .unwrap_or_default();
    let report = match day("as_of") {
        Some(as_of) => plan.evaluate_as_of(&facts, &period, as_of)?,
        None => plan.evaluate_with(&facts, &period, &balances)?,
    };
    Ok(serde_json::to_value(report).expect("serialisable"))
}

fn check_error(name: &str, err: &Error, expected: &Value) {
    assert_eq!(err.code(), expected["code"], "{name}: {err}");
    // `message`: a part of the message, the same in every language.
    if let Some(part) = expected.get("message").and_then(Value::as_str) {
        assert!(err.message().contains(part), "{name}: {err}");
    }
    let location = err.location();
    if let Some(path) = expected.get("path") {
        assert_eq!(location.path.as_deref(), path.as_str(), "{name}: {err}");
    }
    for (key, actual) in [
        ("line", location.line.map(u64::from)),
        ("column", location.column.map(u64::from)),
        ("row", location.row),
    ] {
        if let Some(want) = expected.get(key) {
            assert_eq!(actual, want.as_u64(), "{name}: {key} of {err}");
        }
    }
}

#[test]
fn every_vector_passes() {
    let mut files: Vec<_> = std::fs::read_dir(VECTORS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut cases = 0;
    // `KPI_BLESS=1` rewrites the expected reports with what kpi-core gives now (review the
    // diff: only the intended change may move).
    let bless = std::env::var_os("KPI_BLESS").is_some();
    for path in &files {
        let mut file: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        if bless {
            let snapshot = file.clone();
            for case in file["cases"].as_array_mut().unwrap() {
                if case.get("expected").is_some()
                    && let Ok(report) = run(&snapshot, case)
                {
                    case["expected"] = report;
                }
            }
            let text = serde_json::to_string_pretty(&file).unwrap() + "\n";
            std::fs::write(path, text).unwrap();
        }
        for (i, case) in file["cases"].as_array().unwrap().iter().enumerate() {
            let name = format!(
                "{}#{i} {}",
                path.file_name().unwrap().to_string_lossy(),
                case.get("name").and_then(Value::as_str).unwrap_or("")
            );
            match (run(&file, case), case.get("expected"), case.get("error")) {
                (Ok(report), Some(expected), None) => {
                    assert_eq!(&report, expected, "{name}: report differs");
                }
                (Err(err), None, Some(expected)) => check_error(&name, &err, expected),
                (Ok(report), _, Some(expected)) => {
                    panic!("{name}: expected error {expected}, got report {report}")
                }
                (Err(err), Some(_), _) => panic!("{name}: unexpected error {err}"),
                _ => panic!("{name}: a case needs `expected` or `error`"),
            }
            cases += 1;
        }
    }
    assert!(cases >= 15, "only {cases} vector cases ran");
}

#[test]
fn the_same_input_gives_byte_identical_json() {
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{VECTORS}/flat_commission.json")).unwrap(),
    )
    .unwrap();
    let case = &file["cases"][0];
    let a = serde_json::to_string(&run(&file, case).unwrap()).unwrap();
    let b = serde_json::to_string(&run(&file, case).unwrap()).unwrap();
    assert_eq!(a, b);
}
