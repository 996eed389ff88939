//! Criterion bench of the measure pass driven by a plan: won revenue per rep for one fiscal
//! quarter over 10 million order facts (two April fiscal years, 5,000 reps), with a status
//! filter. Throughput counts every fact scanned.
//! Run with `cargo bench -p kpi-benches --bench measure`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kpi_benches::{orders, plan};

const FACTS: usize = 10_000_000;

fn measure_pass(c: &mut Criterion) {
    let plan = plan(5_000);
    let facts = orders(FACTS, 5_000);
    let quarter = plan.parse_period("FY2026-Q2").expect("valid label");
    let mut group = c.benchmark_group("measure pass");
    group.throughput(Throughput::Elements(FACTS as u64));
    group.sample_size(10);
    group.bench_function("10M orders, one fiscal quarter, per rep", |b| {
        b.iter(|| plan.measure(&facts, &quarter).expect("measures"));
    });
    group.finish();
}

criterion_group!(benches, measure_pass);
criterion_main!(benches);
