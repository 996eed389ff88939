//! The numbers the browser dashboard (kpi-wasm/demo) shows for the sample company, as
//! the Rust core computes them: as loaded, after editing the reps' target, and after
//! editing a tier rate, and the plan's design findings each time. The page test (kpi-wasm/tests/browser.test.mjs) reads them off
//! the page in Chromium and compares; `KPI_BLESS=1` rewrites the expected values.

use kpi_core::{FactTable, Plan};
use serde_json::{Map, Value, json};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample");
const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/dashboard/dashboard.json"
);

/// The plan with the case's edits made to its document, as the page makes them.
fn edited_plan(case: &Value) -> Plan {
    let plan =
        Plan::from_toml(&std::fs::read_to_string(format!("{SAMPLE}/plan.toml")).unwrap()).unwrap();
    let mut document = serde_json::to_value(&plan).unwrap();
    if let Some(edit) = case.get("target") {
        for goal in document["goals"].as_array_mut().unwrap() {
            if goal["id"] == edit["goal"] {
                goal["target"] = edit["value"].clone();
            }
        }
    }
    if let Some(edit) = case.get("tier_rate") {
        let tier = edit["tier"].as_u64().unwrap() as usize;
        document["incentives"][0]["components"][0]["tiers"][tier]["rate"] = edit["value"].clone();
    }
    Plan::from_json_value(document).unwrap()
}

fn by_id(rows: impl Iterator<Item = (String, Value)>) -> Value {
    Value::Object(rows.collect::<Map<_, _>>())
}

/// What the page shows: the reps' scorecard, the leaderboard, the payouts and the
/// company's pacing.
fn shown(plan: &Plan, facts: &FactTable, settings: &Value) -> Value {
    let period = plan
        .parse_period(settings["period"].as_str().unwrap())
        .unwrap();
    let report = serde_json::to_value(plan.evaluate(facts, &period).unwrap()).unwrap();
    let goal = settings["goal"].as_str().unwrap();
    let reps = by_id(report["scorecards"].as_array().unwrap().iter().filter(|r| r["goal"] == goal).map(|r| {
        let id = r["id"].as_str().unwrap().to_owned();
        (id, json!({"actual": r["actual"], "target": r["target"], "attainment": r["attainment"], "status": r["status"]}))
    }));
    let scores = by_id(report["scores"].as_array().unwrap().iter().map(|s| {
        (
            s["id"].as_str().unwrap().to_owned(),
            json!({"rank": s["rank"], "score": s["score"]}),
        )
    }));
    let payouts = by_id(
        report["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["member"].as_str().unwrap().to_owned(), s["total"].clone())),
    );
    let year = plan
        .parse_period(settings["pacing_period"].as_str().unwrap())
        .unwrap();
    let as_of = settings["as_of"].as_str().unwrap().parse().unwrap();
    let paced = serde_json::to_value(plan.evaluate_as_of(facts, &year, as_of).unwrap()).unwrap();
    let company = paced["scorecards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["goal"] == settings["pacing_goal"])
        .unwrap();
    // The plan's design findings, as the page lists them: code, path, severity.
    let design: Vec<Value> = plan
        .design_check()
        .unwrap()
        .iter()
        .map(|f| {
            json!([
                f.code.code(),
                f.path,
                serde_json::to_value(f.severity).unwrap()
            ])
        })
        .collect();
    // The trend: every quarter of the span in one series, its total payout and how many
    // reps met the shown goal.
    let span = plan
        .parse_period(settings["trend_span"].as_str().unwrap())
        .unwrap();
    let trend: Vec<Value> = plan
        .evaluate_series(facts, &span, &[kpi_core::Grain::Quarter])
        .unwrap()
        .reports
        .iter()
        .map(|r| {
            let payout: rust_decimal::Decimal = r.statements.iter().map(|s| s.total).sum();
            let achieved = r
                .scorecards
                .iter()
                .filter(|row| {
                    row.goal == goal
                        && row.scope == kpi_core::ScopeKind::Member
                        && row.status == Some(kpi_core::Status::Achieved)
                })
                .count();
            json!([r.period.label, payout.to_string(), achieved])
        })
        .collect();
    json!({
        "reps": reps,
        "trend": trend,
        "scores": scores,
        "payouts": payouts,
        "design": design,
        "pacing": {
            "attainment": company["attainment"],
            "projected_attainment": company["pacing"]["projected_attainment"],
        },
    })
}

#[test]
fn the_dashboard_numbers_are_the_cores() {
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    let facts = FactTable::from_json_lines(
        &std::fs::read_to_string(format!("{SAMPLE}/facts.jsonl")).unwrap(),
    )
    .unwrap();
    let settings = file["settings"].clone();
    for case in file["cases"].as_array_mut().unwrap() {
        let got = shown(&edited_plan(case), &facts, &settings);
        if bless {
            case["expected"] = got;
        } else {
            assert_eq!(got, case["expected"], "{}", case["name"]);
        }
    }
    // The edits change what they should: a lower target raises attainment, a higher top
    // rate raises somebody's payout.
    let cases = file["cases"].as_array().unwrap();
    assert_ne!(cases[0]["expected"]["reps"], cases[1]["expected"]["reps"]);
    assert_ne!(
        cases[0]["expected"]["payouts"],
        cases[2]["expected"]["payouts"]
    );
    if bless {
        std::fs::write(VECTORS, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
}
