//! Criterion benches of the end-to-end slice: the measure pass and full evaluation.
//! Run with `cargo bench -p kpi-benches`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kpi_benches::{orders, plan};

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
    group.finish();
}

criterion_group!(benches, measure_and_evaluate);
criterion_main!(benches);
