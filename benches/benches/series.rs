//! The trend workload: every rep's quarters (and months) of two fiscal years, evaluated
//! one period at a time and as one series (`CompiledPlan::evaluate_series`, one pass
//! over the facts per grain). Run with `cargo bench -p kpi-benches --bench series`.

use criterion::{Criterion, criterion_group, criterion_main};
use kpi_benches::compare::{Workload, load, trend_plan};
use kpi_core::Period;
use kpi_core::period::Grain;

fn trend(c: &mut Criterion) {
    let workload = Workload::new(1_000_000);
    let facts = load(&workload, &workload.columns());
    let plan = trend_plan(&workload).compile().expect("a valid plan");
    let span = plan.parse_period("FY2026..FY2027").expect("valid label");
    let mut group = c.benchmark_group("trend, 5,000 reps, 1M facts, two fiscal years");
    group.sample_size(10);
    for (name, grains) in [
        ("8 quarters", &[Grain::Quarter][..]),
        (
            "24 months and 8 quarters",
            &[Grain::Month, Grain::Quarter][..],
        ),
    ] {
        let periods: Vec<Period> = grains
            .iter()
            .flat_map(|g| span.children(*g).expect("whole periods"))
            .collect();
        group.bench_function(format!("{name}, evaluate each"), |b| {
            b.iter(|| {
                periods
                    .iter()
                    .map(|p| plan.evaluate(&facts, p).expect("report"))
                    .collect::<Vec<_>>()
            });
        });
        group.bench_function(format!("{name}, evaluate_series"), |b| {
            b.iter(|| plan.evaluate_series(&facts, &span, grains).expect("series"));
        });
    }
    group.finish();
}

criterion_group!(benches, trend);
criterion_main!(benches);
