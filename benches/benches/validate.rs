//! Criterion benches of checking plans: SMART validation on large plans (`validate` is
//! near-linear in the number of goals: 100,000 goals within a second), and the design
//! check of the sample plan (target: within a second; a few milliseconds), and reading
//! documents (the sample plan from TOML, its 14,000 facts from JSON lines), which every
//! document's path-tracking reader is on. Run with
//! `cargo bench -p kpi-benches --bench validate`.

use criterion::{Criterion, criterion_group, criterion_main};
use kpi_benches::many_goals_plan;
use kpi_core::Plan;

fn validate(c: &mut Criterion) {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 1);
    let mut group = c.benchmark_group("validate");
    group.sample_size(10);
    for goals in [10_000, 100_000] {
        let plan = many_goals_plan(goals);
        group.bench_function(format!("{goals} goals"), |b| {
            b.iter(|| plan.validate(None, as_of));
        });
    }
    group.finish();
}

fn design_check(c: &mut Criterion) {
    let plan = Plan::from_toml(include_str!("../../kpi-core/testdata/sample/plan.toml"))
        .expect("the sample plan reads");
    c.bench_function("design_check/sample plan", |b| {
        b.iter(|| plan.design_check().expect("the sample plan checks"));
    });
}

fn read_documents(c: &mut Criterion) {
    let plan = include_str!("../../kpi-core/testdata/sample/plan.toml");
    let facts = include_str!("../../kpi-core/testdata/sample/facts.jsonl");
    let mut group = c.benchmark_group("read");
    group.bench_function("sample plan (TOML)", |b| {
        b.iter(|| Plan::from_toml(plan).expect("the sample plan reads"));
    });
    group.sample_size(20);
    group.bench_function("sample facts (JSON lines)", |b| {
        b.iter(|| kpi_core::FactTable::from_json_lines(facts).expect("the sample facts read"));
    });
    group.finish();
}

criterion_group!(benches, validate, design_check, read_documents);
criterion_main!(benches);
