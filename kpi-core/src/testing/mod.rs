//! Property testing for plans, calendars, periods, facts and formulas (feature `testing`).
//!
//! kpi is property-tested inside; this module hands the same tools to its users, so that
//! an application can property-test its own plans and formulas in a few lines:
//!
//! - **strategies** ([proptest](https://docs.rs/proptest)) that generate valid inputs
//!   ([`plans`], [`plan_recipes`], [`calendars`], [`periods`], [`fact_records`],
//!   [`formulas`], [`decimals`]) and deliberately invalid ones, each with the error code
//!   kpi answers it with ([`invalid_plans`], [`invalid_formulas`], [`hostile_decimals`]);
//! - **checks** ([`checks`]): the properties kpi itself relies on, as functions that
//!   return a [`TestCaseError`](proptest::test_runner::TestCaseError) naming what broke,
//!   to call from `proptest!` on your own plans.
//!
//! kpi's own test suite uses these strategies and checks (one source of truth), and
//! `docs/testing.md` shows a complete user-side test in Rust, Python and JavaScript.
//!
//! ```
//! use kpi_core::testing::{checks, plans_with_facts};
//! use proptest::prelude::*;
//!
//! proptest! {
//!     #![proptest_config(ProptestConfig::with_cases(8))]
//!     fn every_generated_plan_obeys_the_laws((plan, period, facts) in plans_with_facts(0..30)) {
//!         checks::plan_round_trips(&plan)?;
//!         checks::evaluation_laws(&plan, &facts, &period)?;
//!     }
//! }
//! # every_generated_plan_obeys_the_laws();
//! ```

pub mod checks;
mod formulas;
mod periods;
mod plans;

pub use formulas::{
    FORMULA_NAMES, FormulaCase, InvalidFormula, formula_names, formula_values, formulas,
    invalid_formulas,
};
pub use periods::{calendars, dates, decimals, grains, hostile_decimals, periods};
pub use plans::{
    ComponentRecipe, Defect, InvalidPlan, PlanRecipe, fact_records, invalid_plans, plan_recipes,
    plans, plans_with_facts,
};
