//! Criterion benches of the incentive engine and of ingestion: pricing a tier table,
//! building statements for 5,000 reps, splitting a company pool among them, and reading
//! CSV through a column mapping.
//! Run with `cargo bench -p kpi-benches --bench incentives`.

use std::fmt::Write as _;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kpi_core::ingest::ColumnMapping;
use kpi_core::{Component, ComponentInputs, FactTable, Rounding, evaluate_component};
use rust_decimal::Decimal;

fn tiers(c: &mut Criterion) {
    let component: Component = serde_json::from_str(
        r#"{"kind": "tiered", "metric": "revenue", "goal": "quota", "on": "attainment",
            "mode": "marginal", "tiers": [{"from": "0", "rate": "0.05"},
            {"from": "1", "rate": "0.08"}, {"from": "1.5", "rate": "0.12"}]}"#,
    )
    .expect("a tier table");
    let inputs = ComponentInputs {
        actual: Some(Decimal::new(123_456_789, 2)),
        target: Some(Decimal::from(750_000)),
        ..ComponentInputs::default()
    };
    let mut group = c.benchmark_group("incentives");
    group.throughput(Throughput::Elements(1));
    // Sentences are written when first read: pricing alone, then pricing and reading
    // both sentences of every line (what a statement page or a JSON export does).
    group.bench_function("price a 3-tier marginal table", |b| {
        b.iter(|| evaluate_component(&component, &inputs, Rounding::default()).expect("priced"));
    });
    group.bench_function(
        "price a 3-tier marginal table and read its sentences",
        |b| {
            b.iter(|| {
                let priced = evaluate_component(&component, &inputs, Rounding::default());
                let lines = priced.expect("priced").lines;
                lines
                    .iter()
                    .map(|l| l.explanation.len() + l.explanation_zh.len())
                    .sum::<usize>()
            });
        },
    );
    group.finish();
}

fn statements(c: &mut Criterion) {
    let plan = kpi_benches::plan(5_000);
    let facts = kpi_benches::orders(1_000_000, 5_000);
    let quarter = plan.parse_period("FY2026-Q2").expect("valid label");
    let measures = plan.measure(&facts, &quarter).expect("measures");
    let mut group = c.benchmark_group("incentives");
    group.throughput(Throughput::Elements(5_000));
    group.sample_size(10);
    group.bench_function("scorecards and statements for 5,000 reps", |b| {
        b.iter(|| plan.evaluate_measures(&measures).expect("report"));
    });
    group.finish();
}

/// A company pool split by contribution among 5,000 reps: each pool is split once per
/// report (it was once per member, quadratic in the org's size: 1.1 s for 2,000 reps).
fn pool(c: &mut Criterion) {
    let mut text = String::from("version = 1\n[calendar]\nfiscal_year_start_month = 4\n");
    text.push_str(&kpi_benches::org_toml(5_000));
    text.push_str(
        r#"
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'status == "won"'
[[goals]]
id = "company"
metric = "revenue"
scope = "company"
period = "quarter"
target = "1000000000"
[[incentives]]
id = "pool"
applies_to = "members"
period = "quarter"
components = [{ kind = "pool", goal = "company", amount = "1000000", split = "contribution" }]
"#,
    );
    let plan = kpi_core::Plan::from_toml(&text).expect("a valid plan");
    let facts = kpi_benches::orders(1_000_000, 5_000);
    let quarter = plan.parse_period("FY2026-Q2").expect("valid label");
    let measures = plan.measure(&facts, &quarter).expect("measures");
    let mut group = c.benchmark_group("incentives");
    group.throughput(Throughput::Elements(5_000));
    group.sample_size(10);
    group.bench_function("a company pool split among 5,000 reps", |b| {
        b.iter(|| plan.evaluate_measures(&measures).expect("report"));
    });
    group.finish();
}

fn ingest_csv(c: &mut Criterion) {
    const ROWS: usize = 1_000_000;
    let mut text = String::from("Deal Id,Owner,Amount,Closing Date,Stage\n");
    for i in 0..ROWS {
        let stage = if i % 3 == 0 {
            "Closed Lost"
        } else {
            "Closed Won"
        };
        let _ = writeln!(
            text,
            "D{i},r{},{}.{:02},03/{:02}/2026,{stage}",
            i % 5_000,
            (i * 7_919) % 100_000,
            i % 100,
            i % 28 + 1
        );
    }
    let mapping = ColumnMapping::from_toml(
        r#"
        date_formats = ["%m/%d/%Y"]
        [fields]
        id = "Deal Id"
        kind = { value = "deal" }
        owner = "Owner"
        amount = "Amount"
        date = "Closing Date"
        status = "Stage"
        [status]
        "Closed Won" = "won"
        "Closed Lost" = "lost"
        "#,
    )
    .expect("a mapping");
    let mut group = c.benchmark_group("ingestion");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    group.bench_function("1M CSV rows through a column mapping", |b| {
        b.iter(|| {
            let mut facts = FactTable::new();
            facts.append_csv(&text, &mapping, true).expect("ingested")
        });
    });
    group.finish();
}

criterion_group!(benches, tiers, statements, pool, ingest_csv);
criterion_main!(benches);
