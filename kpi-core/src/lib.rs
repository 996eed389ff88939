//! # kpi-core
//!
//! One exact, tested definition of how a sales organisation sets goals, measures them from
//! CRM facts and pays incentives on them. The same plan and facts give the same report, to
//! the cent, in Rust, in Python (`kpi_core`) and in JavaScript (the `kpi-core` package).
//!
//! The flow: a [`Plan`] (the document: calendar, org, metrics, goals, incentives) and a
//! [`FactTable`] (orders, payments, deals …) go through [`Plan::measure`] into [`Measures`]
//! (mergeable partial aggregates), then [`Plan::evaluate_measures`] into a [`Report`] of
//! scorecards and payout statements. [`Plan::evaluate`] does both.
//!
//! ```
//! use kpi_core::{FactTable, Plan};
//!
//! let plan = Plan::from_toml(r#"
//!     version = 1
//!     [org]
//!     teams = [{ id = "east", name = "华东" }]
//!     members = [{ id = "zhang.san", name = "张三", team = "east" }]
//!     [metrics.revenue]
//!     aggregate = "sum"
//!     field = "amount"
//!     filter = 'kind == "order" && status == "won"'
//!     [[goals]]
//!     id = "rep-revenue"
//!     metric = "revenue"
//!     scope = "member"
//!     period = "month"
//!     target = "500000"
//!     [[incentives]]
//!     id = "commission"
//!     applies_to = "members"
//!     components = [{ kind = "rate", metric = "revenue", rate = "0.03" }]
//! "#)?;
//! let facts = FactTable::from_json(r#"[
//!     {"id": "o1", "kind": "order", "owner": "zhang.san", "amount": "300000.00", "status": "won", "date": "2026-03-02"},
//!     {"id": "o2", "kind": "order", "owner": "zhang.san", "amount": "150000.50", "status": "won", "date": "2026-03-20"},
//!     {"id": "o3", "kind": "order", "owner": "zhang.san", "amount": "99999.00", "status": "lost", "date": "2026-03-21"}
//! ]"#)?;
//! let report = plan.evaluate(&facts, &plan.parse_period("2026-03")?)?;
//! let row = &report.scorecards[0];
//! assert_eq!(row.actual.unwrap().to_string(), "450000.50");
//! assert_eq!(row.attainment.unwrap().to_string(), "0.900001");
//! assert_eq!(report.statements[0].total.to_string(), "13500.02");
//! # Ok::<(), kpi_core::Error>(())
//! ```
//!
//! Every fallible function returns [`Error`], whose [`ErrorKind`] has a stable code
//! (`plan.unknown_metric`) and whose [`Location`] names the plan path, formula line and
//! column, or input row.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Decimals, dates and times come from users: their `+ - * /` must be checked calls whose
// overflow is an error (kpi-core/clippy.toml allows integer arithmetic on lengths and
// indices). Tests compute expected values freely.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

// The README's Rust quickstart runs as a doctest.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

// Not a stable API: what kpi's own bindings need beyond the documented one.
#[doc(hidden)]
pub mod bindings;
pub mod catalogue;
pub mod decimal;
pub mod design;
pub mod error;
mod exact;
pub mod fact;
pub mod formula;
pub mod goal;
#[cfg(feature = "schema")]
mod hand_schemas;
pub mod incentive;
#[cfg(feature = "ingest")]
pub mod ingest;
mod json;
mod maps;
pub mod measure;
pub mod metric;
pub mod org;
mod parallel;
mod path_de;
pub mod period;
pub mod plan;
pub mod report;
pub mod schema;
#[cfg(feature = "pay-cycle")]
pub mod settle;
mod shape;
#[cfg(feature = "testing")]
pub mod testing;
mod text;
mod toml_doc;
mod unit_enum;
pub mod zone;

pub mod docs;

pub use decimal::{Rounding, RoundingMode, RoundingPlace};
pub use error::{Error, ErrorFamily, ErrorKind, Location, Result};
pub use fact::{Attribute, Credit, FactRecord, FactTable};
pub use goal::{
    Amount, Baseline, Checkpoints, Direction, Goal, GoalKind, GoalVersion, IfMissing, Judging,
    MissingBaseline, Objective, Split, Status, Target, Thresholds,
};
pub use incentive::{
    Advance, AppliesTo, Balances, Cap, Component, ComponentInputs, ComponentResult, CurvePoint,
    Draw, Gate, Incentive, Limits, LineDetail, PoolSplit, Tier, TierBasis, TierMode,
    evaluate_component,
};
pub use measure::{Measures, Partial};
pub use metric::{Aggregate, MetricDef};
pub use org::{Leave, Member, Org, ScopeKind, Team, UNASSIGNED};
pub use period::{Calendar, Grain, Period, PeriodInfo};
/// SMART validation of a plan's goals ([`plan::validate`], kept at this path too).
pub use plan::validate as smart;
pub use plan::{CompiledPlan, PLAN_VERSION, Plan, Review, ReviewItem};
#[cfg(feature = "pay-cycle")]
pub use report::{Adjustment, Dispute, FactChange, Resolution};
pub use report::{
    DesignNote, Fallback, Locale, LongTerm, Message, Name, Names, Pacing, PayoutLine, Report,
    ScoreRow, ScorecardRow, Sentence, Series, Statement,
};
pub use schema::plan_schema;
#[cfg(feature = "pay-cycle")]
pub use settle::{Approval, Settlement};
pub use smart::{Criterion, FINDING_CODES, Finding, FindingCode, Severity, SmartSettings};
