//! Criterion bench of bulk period mapping: 10 million day numbers to fiscal quarters (and
//! to retail weeks), the lookup the measure pass does for every fact.
//! Run with `cargo bench -p kpi-benches --bench periods`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kpi_core::period::{Calendar, Grain, RetailCalendar, WeekPattern, YearEnd, day_number};

const DATES: usize = 10_000_000;

fn days() -> Vec<i32> {
    let first = day_number(chrono::NaiveDate::from_ymd_opt(2025, 4, 1).expect("valid"));
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..DATES)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            first + (state % 730) as i32
        })
        .collect()
}

fn bulk_period_mapping(c: &mut Criterion) {
    let days = days();
    let fiscal = Calendar::with_fiscal_year_start(4).expect("valid");
    let retail = Calendar {
        retail: Some(RetailCalendar {
            year_end: YearEnd::Nearest,
            weekday: chrono::Weekday::Sat,
            month: 1,
            pattern: WeekPattern::P454,
            leap_week_quarter: 4,
        }),
        ..Calendar::default()
    };
    let mut group = c.benchmark_group("period mapping");
    group.throughput(Throughput::Elements(DATES as u64));
    group.sample_size(20);
    group.bench_function("10M dates to fiscal quarters", |b| {
        b.iter(|| fiscal.index_days(&days, Grain::Quarter).expect("in range"));
    });
    group.bench_function("10M dates to retail weeks", |b| {
        b.iter(|| retail.index_days(&days, Grain::Week).expect("in range"));
    });
    group.finish();
}

criterion_group!(benches, bulk_period_mapping);
criterion_main!(benches);
