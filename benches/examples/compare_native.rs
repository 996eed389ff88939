//! The quarterly commission run, natively: the peer comparison's kpi engine
//! (`benches/compare/run.py` starts it). Generates the workload of benches/compare
//! (the same integer formulas as the Python side), loads it by column, evaluates the plan
//! for one fiscal quarter, and prints one JSON line with the timings and totals.
//!
//! ```text
//! cargo run --release -p kpi-benches --example compare_native -- --facts 10000000 --runs 3
//! ```
//!
//! `--load-runs N` loads N times instead of `--runs` (1 to profile the run alone);
//! `--phases` also times the measure pass and the report on their own (on stderr);
//! `--each` prints every timed run's time (on stderr), to see a process warm up;
//! `--trend` runs the trend workload instead: every month and fiscal quarter of two years
//! in one `evaluate_series`, with each quarter's commission and each month's won revenue
//! by team (in cents) as its totals.

use std::time::Instant;

use kpi_benches::compare::{TREND_SPAN, Workload, commission_plan, load, trend_plan};
use kpi_core::FactTable;

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Times the run's two stages on their own, the measure pass and the report (stderr).
fn time_phases(plan: &kpi_core::Plan, facts: &FactTable, quarter: &kpi_core::Period, runs: usize) {
    let (mut measuring, mut reporting) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let began = Instant::now();
        let measures = plan.measure(facts, quarter).expect("measures");
        measuring.push(began.elapsed().as_secs_f64());
        let began = Instant::now();
        plan.evaluate_measures(&measures).expect("a report");
        reporting.push(began.elapsed().as_secs_f64());
    }
    eprintln!(
        "measure {:.1} ms, report {:.1} ms (medians of {runs})",
        median(measuring) * 1e3,
        median(reporting) * 1e3
    );
}

fn main() {
    let mut facts_wanted = 10_000_000usize;
    let mut runs = 3usize;
    let mut load_runs = None;
    let mut phases = false;
    let mut each = false;
    let mut trend = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--phases" {
            phases = true;
            continue;
        }
        if arg == "--each" {
            each = true;
            continue;
        }
        if arg == "--trend" {
            trend = true;
            continue;
        }
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--facts", Some(n)) => facts_wanted = n,
            ("--runs", Some(n)) => runs = n,
            ("--load-runs", Some(n)) => load_runs = Some(n),
            _ => {
                eprintln!(
                    "usage: compare_native [--facts N] [--runs N] [--load-runs N] [--phases] [--each] [--trend]"
                );
                std::process::exit(2);
            }
        }
    }
    let workload = Workload::new(facts_wanted);
    let plan = commission_plan(&workload);
    let quarter = plan.parse_period(Workload::QUARTER).expect("a valid label");
    let columns = workload.columns();
    let mut load_times = Vec::new();
    let mut facts = FactTable::new();
    for _ in 0..load_runs.unwrap_or(runs).max(1) {
        let began = Instant::now();
        let table = load(&workload, &columns);
        load_times.push(began.elapsed().as_secs_f64());
        facts = table;
    }
    if trend {
        run_trend(&workload, &facts, runs, median(load_times));
        return;
    }
    let mut run_times = Vec::new();
    // One untimed run first, as the peer comparison does for every engine: the first runs
    // pay for growing the allocator's heap and faulting in fresh pages.
    let mut report = Some(plan.evaluate(&facts, &quarter).expect("a report"));
    for _ in 0..runs {
        let began = Instant::now();
        report = Some(plan.evaluate(&facts, &quarter).expect("a report"));
        run_times.push(began.elapsed().as_secs_f64());
    }
    let report = report.expect("at least one run");
    if each {
        let times: Vec<String> = run_times
            .iter()
            .map(|t| format!("{:.1}", t * 1e3))
            .collect();
        eprintln!("runs (ms): {}", times.join(" "));
    }
    if phases {
        time_phases(&plan, &facts, &quarter, runs);
    }
    let mut teams = std::collections::BTreeMap::<String, rust_decimal::Decimal>::new();
    for statement in &report.statements {
        *teams.entry(statement.team.to_string()).or_default() += statement.total;
    }
    let total: rust_decimal::Decimal = report.statements.iter().map(|s| s.total).sum();
    let line = serde_json::json!({
        "engine": "kpi native",
        "facts": facts.len(),
        "load_s": median(load_times),
        "run_s": median(run_times),
        "total": total.to_string(),
        "teams": teams.iter().map(|(t, v)| (t.clone(), v.to_string())).collect::<std::collections::BTreeMap<_, _>>(),
    });
    println!("{line}");
}

/// The trend workload: every month and fiscal quarter of two years in one series, timed
/// as the quarter run is; prints each quarter's commission and each month's won revenue
/// by team, in cents, keyed `quarter/FY2026-Q1/t0` and `month/2025-04/t0`.
fn run_trend(workload: &Workload, facts: &FactTable, runs: usize, load_s: f64) {
    use kpi_core::period::Grain;
    use rust_decimal::prelude::ToPrimitive;
    let plan = trend_plan(workload).compile().expect("a valid plan");
    let span = plan.parse_period(TREND_SPAN).expect("a valid label");
    let grains = [Grain::Month, Grain::Quarter];
    let mut series = plan
        .evaluate_series(facts, &span, &grains)
        .expect("a series");
    let mut run_times = Vec::new();
    for _ in 0..runs {
        let began = Instant::now();
        series = plan
            .evaluate_series(facts, &span, &grains)
            .expect("a series");
        run_times.push(began.elapsed().as_secs_f64());
    }
    let cents = |d: rust_decimal::Decimal| {
        (d * rust_decimal::Decimal::ONE_HUNDRED)
            .to_i64()
            .expect("cents fit")
    };
    let mut totals = std::collections::BTreeMap::<String, i64>::new();
    for report in &series.reports {
        let label = &report.period.label;
        if report.period.grain.name() == "quarter" {
            for statement in &report.statements {
                *totals
                    .entry(format!("quarter/{label}/{}", statement.team))
                    .or_default() += cents(statement.total);
            }
        } else {
            for row in report
                .scorecards
                .iter()
                .filter(|r| r.goal == "monthly-team-quota")
            {
                totals.insert(
                    format!("month/{label}/{}", row.id),
                    cents(row.actual.unwrap_or_default()),
                );
            }
        }
    }
    totals.retain(|_, v| *v != 0);
    let line = serde_json::json!({
        "engine": "kpi native",
        "facts": facts.len(),
        "load_s": load_s,
        "run_s": median(run_times),
        "cents": totals,
    });
    println!("{line}");
}
