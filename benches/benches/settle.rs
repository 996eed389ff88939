//! Criterion bench of the pay cycle: evaluating a quarter with the four quarters before
//! it settled, after late orders reached every one of them, against evaluating it alone.
//! The target: the true-ups cost at most four evaluations' time (one per settled
//! quarter). Run with `cargo bench -p kpi-benches --bench settle`.

use criterion::{Criterion, criterion_group, criterion_main};
use kpi_benches::{orders, plan};
use kpi_core::FactTable;
use kpi_core::settle::Approval;

fn true_ups(c: &mut Criterion) {
    let reps = 5_000;
    let plan = plan(reps).compile().expect("a valid plan");
    let facts = orders(1_000_000, reps);
    let quarters = ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"];
    // Each quarter closed on the facts as they stood, less its last 1% of orders by row.
    let held_back = |row: usize| row % 100 == 0;
    let known = FactTable::from_records(
        facts
            .records()
            .enumerate()
            .filter(|(row, _)| !held_back(*row))
            .map(|(_, r)| r),
    )
    .expect("unique ids");
    let mut settlements = Vec::new();
    for label in quarters {
        let period = plan.parse_period(label).expect("a quarter");
        let approval = Approval {
            by: "finance".into(),
            at: "2026-04-10T09:00:00+08:00".into(),
        };
        let settlement = plan
            .close(&known, &period, &settlements, &[], approval)
            .expect("a settlement");
        settlements.push(settlement);
    }
    let next = plan.parse_period("FY2027-Q1").expect("a quarter");
    let mut group = c.benchmark_group("5,000 reps, 1M orders, FY2027-Q1");
    group.sample_size(10);
    group.bench_function("evaluate", |b| {
        b.iter(|| plan.evaluate(&facts, &next).expect("report"));
    });
    group.bench_function("evaluate with 4 settled quarters trued up", |b| {
        b.iter(|| {
            plan.evaluate_settled(&facts, &next, &settlements, &[])
                .expect("report")
        });
    });
    group.finish();
}

criterion_group!(benches, true_ups);
criterion_main!(benches);
