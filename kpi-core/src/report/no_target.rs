//! [`NoTarget`]: why a scorecard row has no target, in words for each locale.

use serde::{Deserialize, Serialize};

use super::{Labels, Locale};
use crate::period::label_in;

/// Why a goal has no target for a scope in the period (or a zero one, which scores
/// nothing): a row without a target says so, rather than leaving an empty cell to guess
/// at. Serialised as `{"reason": "market_unknown", "period": …, "metric": …}`, with the
/// fields its reason uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct NoTarget {
    /// Why.
    pub reason: NoTargetReason,
    /// The period concerned: the goal period (`market_pending`, `market_unknown`,
    /// `no_capacity`) or the baseline's (`baseline_unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub period: Option<String>,
    /// The metric that gives the market size (`market_unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub metric: Option<String>,
    /// The parent goal's id (`parent_without_target`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub parent: Option<String>,
}

/// The reasons a row has no target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum NoTargetReason {
    /// The goal sets no target for this scope (no rule, no per-scope target).
    NoRule,
    /// A growth target's baseline has no value, or is zero or negative (a new rep, a
    /// first period).
    BaselineUnknown,
    /// A growth target's baseline window is not over by the as-of day (next month's
    /// target grows this month, known once it ends).
    BaselinePending,
    /// A market-share target's market size is known once the period is over.
    MarketPending,
    /// A market-share target's market size has no value (or is zero) for the period.
    MarketUnknown,
    /// The target is zero, so the row has no attainment or status.
    ZeroTarget,
    /// A cascaded or phased target's parent goal has no target.
    ParentWithoutTarget,
    /// A prorated target is zero in the goal period (`period`): the member was on leave
    /// or not in post all of it, or at a ramp step of zero (or the share rounds to zero).
    NoCapacity,
}

crate::shape::by_name!(NoTargetReason { "no_rule" => NoRule, "baseline_unknown" => BaselineUnknown, "baseline_pending" => BaselinePending, "market_pending" => MarketPending, "market_unknown" => MarketUnknown, "zero_target" => ZeroTarget, "parent_without_target" => ParentWithoutTarget, "no_capacity" => NoCapacity });

impl NoTarget {
    /// A reason without details.
    pub const fn of(reason: NoTargetReason) -> NoTarget {
        NoTarget {
            reason,
            period: None,
            metric: None,
            parent: None,
        }
    }

    /// The reason as a sentence in `locale`, with the plan's names (`labels`).
    pub fn message(&self, locale: Locale, labels: &Labels) -> String {
        let zh = locale.is_chinese();
        let period = self.period.as_deref().map(|p| label_in(p, locale));
        let period = period.as_deref().unwrap_or("");
        let metric = labels.metric(self.metric.as_deref().unwrap_or(""), locale);
        let parent = labels.goal(self.parent.as_deref().unwrap_or(""), locale);
        match (self.reason, zh) {
            (NoTargetReason::NoRule, true) => "未设定该范围的目标".to_owned(),
            (NoTargetReason::NoRule, false) => "no target is set for this scope".to_owned(),
            (NoTargetReason::BaselineUnknown, true) if self.period.is_some() => {
                format!("基线（{period}）无数据或不为正")
            }
            (NoTargetReason::BaselineUnknown, false) if self.period.is_some() => {
                format!("the baseline ({period}) has no value, or is not above zero")
            }
            (NoTargetReason::BaselinePending, true) => format!("基线（{period}）在期末后才知道"),
            (NoTargetReason::BaselinePending, false) => {
                format!("the baseline ({period}) is known once it is over")
            }
            (NoTargetReason::BaselineUnknown, true) => "基线无数据".to_owned(),
            (NoTargetReason::BaselineUnknown, false) => "the baseline has no value".to_owned(),
            (NoTargetReason::MarketPending, true) => format!("{period}的市场规模在期末后才知道"),
            (NoTargetReason::MarketPending, false) => {
                format!("the market size of {period} is known once it is over")
            }
            (NoTargetReason::MarketUnknown, true) => {
                format!("{period}的市场规模（{metric}）未知")
            }
            (NoTargetReason::MarketUnknown, false) => {
                format!("market size ({metric}) unknown for {period}")
            }
            (NoTargetReason::ZeroTarget, true) => "目标为零，无法计算达成率".to_owned(),
            (NoTargetReason::ZeroTarget, false) => {
                "the target is zero, so there is no attainment".to_owned()
            }
            (NoTargetReason::ParentWithoutTarget, true) => {
                format!("上级目标“{parent}”没有目标值")
            }
            (NoTargetReason::ParentWithoutTarget, false) => {
                format!("its parent goal {parent} has no target")
            }
            (NoTargetReason::NoCapacity, true) => {
                format!("{period}的目标按爬坡、休假或未在岗天数折算后为零")
            }
            (NoTargetReason::NoCapacity, false) => {
                format!(
                    "the target for {period} is prorated to zero (ramp-up, leave or days not in post)"
                )
            }
        }
    }
}
