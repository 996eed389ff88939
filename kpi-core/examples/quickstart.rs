//! The main job: evaluate a sales plan on CRM facts and print the scorecards and payouts.
//!
//! ```text
//! cargo run -p kpi-core --example quickstart                          # the sample company
//! cargo run -p kpi-core --example quickstart -- PLAN.toml FACTS.jsonl # your own data
//! cargo run -p kpi-core --example quickstart -- --period FY2027-Q1    # another period
//! ```
//!
//! With no files it embeds the sample company (testdata/sample). Facts are a JSON array
//! (`.json`) or JSON Lines (any other extension). Without `--period` it evaluates the
//! latest quarter that the facts cover completely.

use std::process::ExitCode;

use chrono::Days;
use kpi_core::{FactTable, Grain, Period, Plan};

const SAMPLE_PLAN: &str = include_str!("../testdata/sample/plan.toml");
const SAMPLE_FACTS: &str = include_str!("../testdata/sample/facts.jsonl");

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let mut files = Vec::new();
    let mut period_label = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--period" => period_label = Some(args.next().ok_or("--period needs a label")?),
            "-h" | "--help" => {
                return Ok("usage: quickstart [PLAN.toml|PLAN.json FACTS.json|FACTS.jsonl] [--period LABEL]\n".into());
            }
            _ => files.push(arg),
        }
    }
    let (plan, facts) = match files.as_slice() {
        [] => (
            Plan::from_toml(SAMPLE_PLAN).map_err(|e| e.to_string())?,
            FactTable::from_json_lines(SAMPLE_FACTS).map_err(|e| e.to_string())?,
        ),
        [plan_path, facts_path] => (load_plan(plan_path)?, load_facts(facts_path)?),
        _ => return Err("give both a plan file and a facts file, or neither".into()),
    };
    let period = match period_label {
        Some(label) => plan.parse_period(&label).map_err(|e| e.to_string())?,
        None => latest_complete_quarter(&plan, &facts).ok_or("there are no facts")?,
    };
    let report = plan.evaluate(&facts, &period).map_err(|e| e.to_string())?;
    let title = plan.name.as_deref().unwrap_or("kpi report");
    Ok(format!(
        "{title}: {} facts\n{}",
        facts.len(),
        report.to_text()
    ))
}

fn load_plan(path: &str) -> Result<Plan, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let plan = if is_json(path) {
        Plan::from_json(&text)
    } else {
        Plan::from_toml(&text)
    };
    plan.map_err(|e| format!("{path}: {e}"))
}

fn load_facts(path: &str) -> Result<FactTable, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let facts = if is_json(path) {
        FactTable::from_json(&text)
    } else {
        FactTable::from_json_lines(&text)
    };
    facts.map_err(|e| format!("{path}: {e}"))
}

fn is_json(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The last quarter of the plan's calendar that ends on or before the day after the
/// latest fact.
fn latest_complete_quarter(plan: &Plan, facts: &FactTable) -> Option<Period> {
    let (_, last) = facts.date_range()?;
    let day_after = last.checked_add_days(Days::new(1))?;
    let quarter = plan.calendar.period_of(last, Grain::Quarter).ok()?;
    if quarter.end() == day_after {
        Some(quarter)
    } else {
        quarter.prev().ok()
    }
}
