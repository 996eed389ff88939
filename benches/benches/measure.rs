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

/// The columnar append behind Python's `FactTable.from_arrow`: 10 million facts handed
/// over as column slices (what an Arrow record batch holds), interned and stored.
fn append_columns(c: &mut Criterion) {
    let records: Vec<_> = orders(FACTS, 5_000).records().collect();
    let mut group = c.benchmark_group("ingestion");
    group.throughput(Throughput::Elements(FACTS as u64));
    group.sample_size(10);
    group.bench_function("10M facts by column (from_arrow's core)", |b| {
        b.iter(|| {
            let batch = kpi_core::fact::ColumnBatch {
                id: records.iter().map(|r| r.id.as_str()).collect(),
                kind: records.iter().map(|r| r.kind.as_str()).collect(),
                owner: Some(records.iter().map(|r| r.owner.as_deref()).collect()),
                customer: Some(records.iter().map(|r| r.customer.as_deref()).collect()),
                status: Some(records.iter().map(|r| r.status.as_deref()).collect()),
                amount: Some(kpi_core::fact::AmountColumn::Decimals(
                    records.iter().map(|r| r.amount).collect(),
                )),
                date: records.iter().map(|r| r.date).collect(),
                attributes: std::collections::BTreeMap::new(),
            };
            let mut facts = kpi_core::FactTable::new();
            facts.append_columns(batch).expect("unique ids");
            facts
        });
    });
    group.finish();
}

criterion_group!(benches, measure_pass, append_columns);
criterion_main!(benches);
