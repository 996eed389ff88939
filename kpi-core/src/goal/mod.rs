//! Goals: a target for a metric, a scope and a period; and the scorecards that compare
//! actuals with them.

mod scorecard;

pub(crate) use scorecard::{ScorecardInput, scorecards};

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::org::ScopeKind;
use crate::period::{Calendar, Grain, Period};

/// A goal (目标) in a plan, under `[[goals]]`.
///
/// ```toml
/// [[goals]]
/// id = "rep-revenue"
/// metric = "revenue"
/// scope = "member"
/// period = "month"        # every month; or one period: "2026-Q3", "FY2027"
/// target = "500000"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct Goal {
    /// Unique id of the goal.
    pub id: String,
    /// A human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub name: Option<String>,
    /// The metric measured.
    pub metric: String,
    /// Who the goal is for: the company, each team, each member, or each value of a
    /// `dimension`.
    pub scope: ScopeKind,
    /// For `scope = "dimension"`: the fact field whose values are the scopes, such as
    /// `attributes.region`, `attributes.product_line` or `customer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub dimension: Option<String>,
    /// A grain (`month`, `quarter`, `year`): the goal recurs every such period. Or a period
    /// label (`2026-Q3`, `FY2027`): the goal is for that period only.
    pub period: String,
    /// The target for each scope, per period of the goal.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    pub target: Decimal,
    /// Targets for particular teams or members, by id, that replace `target` for them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string | number>", optional)
    )]
    pub targets: BTreeMap<String, Decimal>,
}

/// When a goal applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GoalPeriod {
    /// Every period of the grain.
    Every(Grain),
    /// One period.
    Only(Period),
}

impl GoalPeriod {
    pub(crate) fn parse(calendar: &Calendar, text: &str) -> Result<GoalPeriod> {
        match Grain::parse(text) {
            Some(grain) => Ok(GoalPeriod::Every(grain)),
            None => calendar
                .parse_period(text)
                .map(GoalPeriod::Only)
                .map_err(|e| {
                    Error::new(
                        ErrorKind::PlanInvalid,
                        format!(
                            "a goal period is a grain (month, quarter, year) or a period label: {}",
                            e.message()
                        ),
                    )
                }),
        }
    }

    /// How many times the goal's target applies in `period`: once per whole goal period
    /// that `period` spans (a monthly goal counts 3 times in a quarter); `None` when the
    /// goal does not apply to `period`.
    pub(crate) fn multiplier(&self, calendar: &Calendar, period: &Period) -> Option<u32> {
        match self {
            GoalPeriod::Every(grain) => calendar.count_within(*grain, period),
            GoalPeriod::Only(only) => {
                (only.start() == period.start() && only.end() == period.end()).then_some(1)
            }
        }
    }
}

impl Goal {
    /// The target of the goal for scope `id`, per goal period.
    pub fn target_for(&self, id: &str) -> Decimal {
        self.targets.get(id).copied().unwrap_or(self.target)
    }
}
