//! Criterion benches of the end-to-end slice: the measure pass and full evaluation.
//! Run with `cargo bench -p kpi-benches`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kpi_benches::{orders, plan, prorated_plan};

fn measure_and_evaluate(c: &mut Criterion) {
    let plan = plan(500);
    let facts = orders(200_000, 500);
    let quarter = plan.parse_period("FY2026-Q2").expect("valid label");
    let mut group = c.benchmark_group("quarterly commission run");
    group.throughput(Throughput::Elements(facts.len() as u64));
    group.bench_function("measure 200k orders", |b| {
        b.iter(|| plan.measure(&facts, &quarter).expect("measures"));
    });
    group.bench_function("evaluate 200k orders", |b| {
        b.iter(|| plan.evaluate(&facts, &quarter).expect("report"));
    });
    let compiled = plan.clone().compile().expect("a valid plan");
    group.bench_function("evaluate 200k orders, compiled plan", |b| {
        b.iter(|| compiled.evaluate(&facts, &quarter).expect("report"));
    });
    group.finish();
}

/// A dashboard re-evaluating a large org's plan on a small table (what the user just
/// edited): checking the plan is then a visible part of each call, which a compiled plan
/// does once.
fn check_once(c: &mut Criterion) {
    let plan = plan(5_000);
    let facts = orders(1_000, 5_000);
    let quarter = plan.parse_period("FY2026-Q2").expect("valid label");
    let compiled = plan.clone().compile().expect("a valid plan");
    let mut group = c.benchmark_group("5,000 members, 1k orders");
    group.bench_function("Plan::evaluate", |b| {
        b.iter(|| plan.evaluate(&facts, &quarter).expect("report"));
    });
    group.bench_function("CompiledPlan::evaluate", |b| {
        b.iter(|| compiled.evaluate(&facts, &quarter).expect("report"));
    });
    group.finish();
}

/// A year of monthly quotas for 5,000 reps, with and without ramp and leave prorating
/// every member's target (a rep in ten hired in the year, a leave for one in five).
fn prorating(c: &mut Criterion) {
    let facts = orders(200_000, 5_000);
    let year = prorated_plan(5_000, false)
        .parse_period("FY2026")
        .expect("valid label");
    let mut group = c.benchmark_group("5,000 members, a year of monthly quotas");
    for (name, prorate) in [
        ("full targets", false),
        ("prorated by ramp and leave", true),
    ] {
        let plan = prorated_plan(5_000, prorate)
            .compile()
            .expect("a valid plan");
        group.bench_function(name, |b| {
            b.iter(|| plan.evaluate(&facts, &year).expect("report"));
        });
    }
    group.finish();
}

criterion_group!(benches, measure_and_evaluate, check_once, prorating);
criterion_main!(benches);
