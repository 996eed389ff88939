//! Fuzz target: a stored settlement handed back (what `evaluate(…, settlements=…)`,
//! `close` and `verifySettlement` read from a store, a notebook or a page), read as JSON
//! text. Seeded with the settlements the pay-cycle vectors close.
//!
//! Invariants: a settlement that reads writes back to the same settlement; verifying it
//! against the vector's plan and facts, and evaluating a later month with it trued up,
//! give a result or a coded error, never a panic; a report's statement totals are its
//! lines and adjustments (rounded by the plan's policy), and the report renders.
#![no_main]

use std::sync::OnceLock;

use kpi_core::settle::Settlement;
use kpi_core::{CompiledPlan, FactTable, Plan};
use kpi_fuzz::{check_error, text};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const VECTOR: &str = include_str!("../../../kpi-core/testdata/vectors/settlements/pay_cycle.json");

fn setup() -> &'static (CompiledPlan, FactTable) {
    static SETUP: OnceLock<(CompiledPlan, FactTable)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let file: serde_json::Value = serde_json::from_str(VECTOR).unwrap();
        let plan = Plan::from_toml(file["plan_toml"].as_str().unwrap())
            .unwrap()
            .compile()
            .unwrap();
        let facts = FactTable::from_json_value(file["facts"]["corrected"].clone()).unwrap();
        (plan, facts)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(document) = text(data) else {
        return;
    };
    let settlement = match Settlement::from_json(document) {
        Ok(settlement) => settlement,
        Err(error) => return check_error(&error),
    };
    assert_eq!(
        Settlement::from_json(&settlement.to_json()).unwrap(),
        settlement
    );
    let (plan, facts) = setup();
    if let Err(error) = settlement.verify(plan, facts) {
        check_error(&error);
    }
    let Ok(period) = plan.parse_period("2026-06") else {
        return;
    };
    match plan.evaluate_settled(facts, &period, std::slice::from_ref(&settlement), &[]) {
        Ok(report) => {
            // Totals are the lines and adjustments, rounded by the plan's policy.
            for statement in &report.statements {
                let lines: Decimal = statement.lines.iter().map(|l| l.amount).sum();
                let adjustments: Decimal = statement.adjustments.iter().map(|a| a.amount).sum();
                let places = plan.rounding.places;
                assert_eq!(statement.total.scale(), places, "{}", statement.member);
                let gap = (statement.total - lines - adjustments).abs();
                let most = Decimal::new(5, places) * Decimal::from(1 + statement.adjustments.len());
                assert!(gap <= most, "{}: {gap}", statement.member);
            }
            let _ = report.total_payout();
            let _ = report.to_text(kpi_core::Locale::ZhCn);
        }
        Err(error) => check_error(&error),
    }
});
