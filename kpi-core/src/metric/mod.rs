//! Metrics: what is measured from facts (an aggregate of a field under a filter).

pub mod filter;

use serde::{Deserialize, Serialize};

pub use filter::Filter;

/// How the facts that pass a metric's filter are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Aggregate {
    /// The sum of `field`. Facts without a value for the field add nothing and are counted
    /// in the measure's `missing`. The sum over no facts is 0.
    Sum,
    /// The number of facts.
    Count,
}

/// A metric defined in a plan, under `[metrics.<id>]`.
///
/// ```toml
/// [metrics.revenue]
/// aggregate = "sum"
/// field = "amount"
/// filter = 'kind == "order" && status == "won"'
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct MetricDef {
    /// The aggregate.
    pub aggregate: Aggregate,
    /// The summed field: `amount`, or `attributes.<name>` for a numeric attribute. Required
    /// for `sum`, not allowed for `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub field: Option<String>,
    /// Which facts count, in the filter language (see [`filter`]). All facts when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub filter: Option<String>,
    /// A human description, shown in reports and the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub description: Option<String>,
}

/// The value a metric sums, resolved against the fact columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SumField {
    Amount,
    Attribute(String),
}

impl SumField {
    /// Reads `amount` or `attributes.<name>`.
    pub(crate) fn parse(text: &str) -> Option<SumField> {
        match text {
            "amount" => Some(SumField::Amount),
            _ => text
                .strip_prefix("attributes.")
                .filter(|name| !name.is_empty())
                .map(|name| SumField::Attribute(name.to_owned())),
        }
    }
}
