//! Fuzz target: the attainment distribution of the cost simulation (what
//! `plan.simulate_cost(attainment, …)` reads from a notebook), read as JSON text, with a
//! seed and a trial count from the input's first bytes. Seeded with the distributions of
//! `vectors/design/costs.json`.
//!
//! Invariants: a distribution gives a simulation or a coded error, never a panic; the
//! same seed gives the same figures; the percentiles are in order and within the most any
//! trial cost.
#![no_main]

use std::sync::OnceLock;

use kpi_core::Plan;
use kpi_core::design::Attainment;
use kpi_fuzz::{check_error, text};
use libfuzzer_sys::fuzz_target;

const VECTOR: &str = include_str!("../../../kpi-core/testdata/vectors/design/costs.json");

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let file: serde_json::Value = serde_json::from_str(VECTOR).unwrap();
        Plan::from_toml(file["cases"][0]["plan_toml"].as_str().unwrap()).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&[seed, trials], rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let Some(text) = text(rest) else { return };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let attainment = match Attainment::from_json_value(&value) {
        Ok(attainment) => attainment,
        Err(e) => return check_error(&e),
    };
    let trials = u32::from(trials % 64) + 1;
    let run = || plan().simulate_cost(&attainment, trials, u64::from(seed), Some(3));
    match run() {
        Ok(simulation) => {
            assert_eq!(
                run().ok().as_ref(),
                Some(&simulation),
                "the same seed differs"
            );
            for figures in [&simulation.total, &simulation.per_member] {
                assert!(figures.p50 <= figures.p90 && figures.p90 <= figures.p99);
                assert!(figures.p99 <= figures.max && figures.expected <= figures.max);
            }
        }
        Err(e) => check_error(&e),
    }
});
