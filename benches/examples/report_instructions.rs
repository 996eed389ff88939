//! Builds a report `--reports N` times after measuring the quarter once. Run under
//! callgrind with 1 and with 41 reports, the difference over 40 is the instructions one
//! report takes: a figure this shared machine's clock cannot give, since the same binary's
//! time moves by a third between runs (benches/README.md, "Counting instructions").
//!
//! `--plan criterion` (the default) is the report of `incentives/scorecards and statements
//! for 5,000 reps`; `--plan commission` is the peer comparison's (benches/compare) on
//! `--facts` of its facts (200,000 by default: the report's size does not depend on them).

use kpi_benches::compare::{Workload, commission_plan};

fn main() {
    let mut reports = 1usize;
    let mut facts = 200_000usize;
    let mut commission = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_default();
        let number = value.parse::<usize>().ok();
        match (arg.as_str(), value.as_str(), number) {
            ("--plan", "criterion", _) => commission = false,
            ("--plan", "commission", _) => commission = true,
            ("--reports", _, Some(n)) => reports = n,
            ("--facts", _, Some(n)) => facts = n,
            _ => {
                eprintln!(
                    "usage: report_instructions [--reports N] [--plan criterion|commission] [--facts N]"
                );
                std::process::exit(2);
            }
        }
    }
    let (plan, facts, quarter) = if commission {
        let workload = Workload::new(facts);
        let plan = commission_plan(&workload);
        let table = kpi_benches::compare::load(&workload, &workload.columns());
        (plan, table, Workload::QUARTER)
    } else {
        let plan = kpi_benches::plan(5_000);
        (plan, kpi_benches::orders(facts, 5_000), "FY2026-Q2")
    };
    let quarter = plan.parse_period(quarter).expect("a valid label");
    let measures = plan.measure(&facts, &quarter).expect("measures");
    let mut lines = 0;
    for _ in 0..reports {
        let report = plan.evaluate_measures(&measures).expect("a report");
        lines += report
            .statements
            .iter()
            .map(|s| s.lines.len())
            .sum::<usize>();
    }
    println!("{reports} reports, {lines} payout lines");
}
