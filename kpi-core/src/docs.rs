//! The long-form documentation from `docs/`, included here so that it ships with the API
//! reference and its Rust examples run as doctests.

#[doc = include_str!("../../docs/guide.md")]
pub mod guide {}

#[doc = include_str!("../../docs/guide.zh-CN.md")]
pub mod guide_zh_cn {}

#[doc = include_str!("../../docs/incentives.md")]
pub mod incentives {}

#[doc = include_str!("../../docs/design.md")]
pub mod design {}

#[doc = include_str!("../../docs/testing.md")]
#[cfg(feature = "testing")]
pub mod testing {}

#[doc = include_str!("../../docs/ingest.md")]
pub mod ingest {}

#[doc = include_str!("../../docs/plan.md")]
pub mod plan_reference {}

#[doc = include_str!("../../docs/architecture.md")]
pub mod architecture {}

#[doc = include_str!("../../docs/periods.md")]
pub mod periods {}

#[doc = include_str!("../../docs/formulas.md")]
pub mod formulas {}

#[doc = include_str!("../../docs/metrics.md")]
pub mod metrics {}

#[doc = include_str!("../../docs/limits.md")]
pub mod limits {}
