//! Criterion bench of SMART validation on large plans: `validate` is near-linear in the
//! number of goals (100,000 goals within a second). Run with
//! `cargo bench -p kpi-benches --bench validate`.

use criterion::{Criterion, criterion_group, criterion_main};
use kpi_benches::many_goals_plan;

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

criterion_group!(benches, validate);
criterion_main!(benches);
