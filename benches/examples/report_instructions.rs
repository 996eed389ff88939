//! Builds the report of `incentives/scorecards and statements for 5,000 reps` (the same
//! plan and facts) `--reports N` times after measuring the quarter once. Run under
//! callgrind with 1 and with 41 reports, the difference over 40 is the instructions one
//! report takes: a figure this shared machine's clock cannot give, since the same binary's
//! time moves by a third between runs (benches/README.md, "Counting instructions").

fn main() {
    let mut reports = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if let ("--reports", Some(n)) = (arg.as_str(), args.next().and_then(|v| v.parse().ok())) {
            reports = n;
        } else {
            eprintln!("usage: report_instructions [--reports N]");
            std::process::exit(2);
        }
    }
    let plan = kpi_benches::plan(5_000);
    let facts = kpi_benches::orders(200_000, 5_000);
    let quarter = plan.parse_period("FY2026-Q2").expect("a valid label");
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
