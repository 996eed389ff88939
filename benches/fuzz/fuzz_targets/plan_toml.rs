//! Fuzz target: plan TOML. Any text gives a plan or a coded error; a draft validates and
//! checks without a panic; a plan that loads writes back to TOML and JSON unchanged,
//! measures, evaluates and reviews the test facts without a panic, and its design check's
//! counterexamples price again to what they state.
#![no_main]

use kpi_core::Plan;
use kpi_fuzz::{ALL_FACTS, check_error, exercise_draft, exercise_plan, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    match Plan::draft_from_toml(text) {
        Ok(draft) => exercise_draft(&draft),
        Err(e) => check_error(&e),
    }
    match Plan::from_toml(text) {
        Ok(plan) => {
            for label in ["2026-03", "FY2027-Q1"] {
                exercise_plan(&plan, &ALL_FACTS, label);
            }
        }
        Err(e) => check_error(&e),
    }
});
