//! Runs the shared ingestion vectors (testdata/vectors/ingest), which pytest and
//! node --test run too. `KPI_BLESS=1` writes the current results as the expected ones
//! (check them by hand before committing).
#![cfg(feature = "ingest")]

use kpi_core::FactTable;
use kpi_core::ingest::{ColumnMapping, CrmIngest, CrmMappings, IngestReport};
use serde_json::{Value, json};

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/ingest/ingest.json"
);

/// A CRM case: pages (objects or text, one at a time) or a CSV export, read by one reader.
fn run_crm(case: &Value) -> kpi_core::Result<Value> {
    let mut reader = match case["crm"].as_str().unwrap() {
        "zoho" => CrmIngest::zoho(case["module"].as_str().unwrap()),
        _ => CrmIngest::fxiaoke(),
    };
    if let Some(mapping) = case["mapping_toml"].as_str() {
        reader = reader.with_mappings(CrmMappings::from_toml(mapping)?);
    }
    if let Some(currency) = case["home_currency"].as_str() {
        reader = reader.home_currency(currency);
    }
    let mut reader = reader.strict(case["strict"].as_bool().unwrap_or(false));
    if let Some(csv) = case["csv"].as_str() {
        reader.csv(csv)?;
    }
    for page in case["pages"].as_array().into_iter().flatten() {
        match page {
            Value::String(text) => reader.page(text)?,
            object => reader.page(&object.to_string())?,
        }
    }
    let (facts, report) = reader.finish();
    assert_eq!(
        report.read,
        report.accepted + report.superseded + (report.skipped.len() + report.rejected.len()) as u64,
        "the counts add up"
    );
    assert_eq!(facts.len() as u64, report.accepted - report.replaced);
    Ok(json!({"report": report, "facts": facts.records().collect::<Vec<_>>()}))
}

fn run(case: &Value) -> kpi_core::Result<Value> {
    if case.get("crm").is_some() {
        return run_crm(case);
    }
    let mapping = ColumnMapping::from_toml(case["mapping_toml"].as_str().unwrap())?;
    let input = case["input"].as_str().unwrap();
    let strict = case["strict"].as_bool().unwrap_or(false);
    let mut facts = FactTable::new();
    let report: IngestReport = match case["format"].as_str().unwrap() {
        "csv" => facts.append_csv(input, &mapping, strict)?,
        _ => facts.append_json_lines_mapped(input, &mapping, strict)?,
    };
    assert_eq!(
        report.read,
        report.accepted + report.rejected.len() as u64,
        "the counts add up"
    );
    assert_eq!(facts.len() as u64, report.accepted);
    Ok(json!({"report": report, "facts": facts.records().collect::<Vec<_>>()}))
}

#[test]
fn ingestion_matches_the_vectors() {
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    for case in file["cases"].as_array_mut().unwrap() {
        let name = case["name"].as_str().unwrap().to_owned();
        match (run(case), case.get("error")) {
            (Err(err), Some(want)) => {
                assert_eq!(err.code(), want["code"], "{name}: {err}");
                let location = err.location();
                if let Some(path) = want.get("path") {
                    assert_eq!(location.path.as_deref(), path.as_str(), "{name}: {err}");
                }
                if let Some(row) = want.get("row") {
                    assert_eq!(location.row, row.as_u64(), "{name}: {err}");
                }
                if let Some(line) = want.get("line") {
                    assert_eq!(location.line.map(u64::from), line.as_u64(), "{name}: {err}");
                }
            }
            (Ok(result), None) if bless => case["expected"] = result,
            (Ok(result), None) => assert_eq!(result, case["expected"], "{name}"),
            (result, _) => panic!("{name}: unexpected {result:?}"),
        }
    }
    if bless {
        std::fs::write(VECTORS, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
}
