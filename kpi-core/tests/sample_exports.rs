//! The sample company as each CRM exports it (testdata/sample/zoho, fxiaoke, facts.csv):
//! the committed exports are what the exporter writes, and ingesting any of them yields
//! the facts of facts.jsonl and the same reports (vectors/ingest/sources.json, which
//! pytest and node --test run too).
#![cfg(feature = "ingest")]

#[path = "../testdata/sample/export.rs"]
mod export;

use kpi_core::ingest::{ColumnMapping, CrmIngest, CrmMappings, IngestReport};
use kpi_core::{FactTable, Plan};
use serde_json::{Value, json};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample");
const SOURCES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/ingest/sources.json"
);

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{SAMPLE}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn reference() -> FactTable {
    FactTable::from_json_lines(&read("facts.jsonl")).unwrap()
}

#[test]
fn committed_exports_are_what_the_exporter_writes() {
    let records: Vec<_> = reference().records().collect();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    for (path, contents) in export::exports(&records) {
        let full = format!("{SAMPLE}/{path}");
        if bless {
            std::fs::write(&full, &contents).unwrap();
        }
        let committed = std::fs::read_to_string(&full).unwrap_or_default();
        assert!(
            committed == contents,
            "{path} differs from the exporter's output: run KPI_BLESS=1 cargo test -p kpi-core --features ingest --test sample_exports"
        );
    }
}

/// Adds one report's counts to a running summary.
fn add(summary: &mut [u64; 6], report: &IngestReport) {
    let counts = [
        report.read,
        report.accepted,
        report.replaced,
        report.superseded,
        report.skipped.len() as u64,
        report.rejected.len() as u64,
    ];
    for (sum, n) in summary.iter_mut().zip(counts) {
        *sum += n;
    }
}

/// Ingests one source of the vector: its facts and its summed counts.
fn ingest(source: &Value) -> (FactTable, [u64; 6]) {
    let mut facts = FactTable::new();
    let mut summary = [0u64; 6];
    for input in source["inputs"].as_array().unwrap() {
        if let Some(module) = input["module"]
            .as_str()
            .or_else(|| (source["crm"] == "fxiaoke" && input.get("pages").is_some()).then_some(""))
        {
            let mappings =
                CrmMappings::from_toml(&read(source["mapping"].as_str().unwrap())).unwrap();
            let reader = if source["crm"] == "zoho" {
                CrmIngest::zoho(module)
            } else {
                CrmIngest::fxiaoke()
            };
            let mut reader = reader.with_mappings(mappings).into_table(facts);
            if let Some(pages) = input["pages"].as_str() {
                // One page at a time, as the API hands them over.
                for page in read(pages).lines() {
                    reader.page(page).unwrap();
                }
            } else {
                reader.csv(&read(input["csv"].as_str().unwrap())).unwrap();
            }
            let (table, report) = reader.finish();
            assert!(report.rejected.is_empty(), "{:?}", &report.rejected[..1]);
            add(&mut summary, &report);
            facts = table;
        } else {
            let mapping =
                ColumnMapping::from_toml(&read(input["mapping"].as_str().unwrap())).unwrap();
            let report = facts
                .append_csv(&read(input["csv"].as_str().unwrap()), &mapping, true)
                .unwrap();
            add(&mut summary, &report);
        }
    }
    (facts, summary)
}

fn sorted_records(facts: &FactTable) -> Vec<Value> {
    let mut records: Vec<_> = facts.records().collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect()
}

fn evaluations(plan: &Plan, facts: &FactTable, cases: &Value) -> Vec<Value> {
    cases
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let period = plan.parse_period(case["period"].as_str().unwrap()).unwrap();
            let report = match case["as_of"].as_str() {
                Some(day) => plan
                    .evaluate_as_of(facts, &period, day.parse().unwrap())
                    .unwrap(),
                None => plan.evaluate(facts, &period).unwrap(),
            };
            serde_json::to_value(&report).unwrap()
        })
        .collect()
}

#[test]
fn every_source_yields_the_same_facts_and_reports() {
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(SOURCES).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    let plan = Plan::from_toml(&read("plan.toml")).unwrap();
    let reference = reference();
    let want_records = sorted_records(&reference);
    let want_reports = evaluations(&plan, &reference, &file["evaluations"]);
    let cases = file["evaluations"].clone();
    for source in file["sources"].as_array_mut().unwrap() {
        let name = source["name"].as_str().unwrap().to_owned();
        let (facts, summary) = ingest(source);
        let counts = json!({
            "read": summary[0], "accepted": summary[1], "replaced": summary[2],
            "superseded": summary[3], "skipped": summary[4], "rejected": summary[5],
        });
        if bless {
            source["counts"] = counts;
        } else {
            assert_eq!(counts, source["counts"], "{name}");
        }
        let records = sorted_records(&facts);
        assert_eq!(records.len(), want_records.len(), "{name}");
        for (got, want) in records.iter().zip(&want_records) {
            assert_eq!(got, want, "{name}");
        }
        assert!(
            evaluations(&plan, &facts, &cases) == want_reports,
            "{name}: the reports differ"
        );
    }
    if bless {
        std::fs::write(SOURCES, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
}
