//! Goals: a target for a metric, a scope and a period, with how the target is set, how it
//! is scored, and its adjustments; and the scorecards that compare actuals with them.

mod baseline;
mod capacity;
pub(crate) mod forecast;
mod long_term;
mod resolve;
mod score;
mod scorecard;
pub mod targets;

pub(crate) use baseline::BaselineWindow;
pub use baseline::{Baseline, IfMissing, MissingBaseline};
pub(crate) use capacity::{Calendars, share};
pub use capacity::{Prorate, Ramp};
pub use forecast::{BUCKETS, DEFAULT_OPEN, ForecastCategory, ForecastRules, ForecastStage};
pub use long_term::Checkpoints;
pub(crate) use long_term::{Review, check as check_checkpoints, span_around, to_date};
pub(crate) use resolve::{TargetResolver, extra_windows};
pub(crate) use score::{rank_rows, scores};
pub(crate) use scorecard::{ScorecardInput, scorecards};

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use crate::metric::Direction;
pub use crate::report::Status;

use crate::error::{Error, ErrorKind, Result};
use crate::formula::Unit;
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
/// owner = "sales.director"
/// parent = "company-revenue"
/// weight = "0.6"
/// ```
///
/// Only `id` is required to read a goal, so that [`Plan::validate`](crate::Plan::validate)
/// can report what a draft lacks as SMART findings; [`Plan::check`](crate::Plan::check)
/// (and so evaluation) needs `metric`, `scope`, `period` and `target`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The display name in each locale (`names = { en = "Revenue" }`), next to `name`:
    /// reports in a locale use it, then `name`, then the id.
    #[serde(default, skip_serializing_if = "crate::text::Names::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string>", optional)
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, String>")
    )]
    pub names: crate::text::Names,
    /// The metric measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub metric: Option<String>,
    /// Who the goal is for: the company, each team, each member, or each value of a
    /// `dimension`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub scope: Option<ScopeKind>,
    /// For `scope = "dimension"`: the fact field whose values are the scopes, such as
    /// `attributes.region`, `attributes.product_line` or `customer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub dimension: Option<String>,
    /// A grain (`month`, `quarter`, `year`): the goal recurs every such period. Or a period
    /// label (`2026-Q3`, `FY2027`): the goal is for that period only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub period: Option<String>,
    /// How the target for each scope and goal period is set: a number, or a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub target: Option<Target>,
    /// Targets for particular teams or members, by id, that replace `target` for them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string | number>", optional)
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::map")]
    pub targets: BTreeMap<String, Decimal>,
    /// The unit the target is written in; it must be the metric's (a check, and a SMART
    /// finding when it is not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub unit: Option<Unit>,
    /// Where the goal starts from: a number, or the metric over a past period
    /// (`{ period = "FY2026" }`). Growth targets grow it; SMART checks compare with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub baseline: Option<Baseline>,
    /// `higher` or `lower` is better; the metric's direction when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub direction: Option<Direction>,
    /// The accountable person (a member id or a name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub owner: Option<String>,
    /// The goal this one contributes to (a cascade or a phasing takes its target from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub parent: Option<String>,
    /// The strategic objective the goal serves (an id of the plan's `objectives`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub objective: Option<String>,
    /// The goal's weight in a scope's weighted score; 1 when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub weight: Option<Decimal>,
    /// `quantitative` (revenue, customers, share) or `qualitative` (satisfaction,
    /// retention, feedback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub kind: Option<GoalKind>,
    /// Status thresholds for this goal; the plan's `[status]` when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub thresholds: Option<Thresholds>,
    /// For a goal over a span (`period = "FY2027..FY2029"`): its checkpoints
    /// (`{ every = "year" }`). Evaluating a period inside the span then scores the goal's
    /// progress to date against the checkpoint due by then (see [`Checkpoints`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub checkpoints: Option<Checkpoints>,
    /// Whether rows show the forecast (`row.forecast`): the open deals by category, the
    /// weighted pipeline and their coverage of what is left, by the plan's `[forecast]`
    /// (see [`ForecastRules`]). For a money metric that adds up, higher being better.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub forecast: bool,
    /// For a member goal on a metric that adds up: what each member's target is prorated
    /// by, `["ramp", "leave"]`: their tenure, by the plan's `[ramp]`, and their days on
    /// leave, by the org's `leaves` (see [`Ramp`]). The row's `full_target` then shows
    /// the target before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub prorate: Vec<Prorate>,
    /// Adjustments: effective-dated targets, each with its reason, oldest first. They
    /// are added, never rewritten (see [`Goal::adjust`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub versions: Vec<GoalVersion>,
}

/// How a goal's target is set.
///
/// ```toml
/// target = "500000"                                  # a number
/// target = { growth = "0.10" }                       # the baseline + 10%
/// target = { share = "0.06", market = "950000000" }  # 6% of the market, in revenue
/// target = { share = "0.06", market = { metric = "market_size" } }
/// target = { cascade = "equal" }                     # the parent goal's target, split
/// target = { cascade = "weights", weights = { east = "2", north = "1" } }
/// target = { cascade = "history", history = "FY2026" }
/// target = { phase = "even" }                        # the parent's yearly target, by month
/// target = { phase = "history", history = "FY2026" } # … by last year's seasonality
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    untagged,
    expecting = "a target: a number, or a table with `growth`, `share`, `cascade` or `phase`"
)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub enum Target {
    /// A fixed number.
    Fixed(
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        Decimal,
    ),
    /// The baseline grown by `growth`: 10,000,000 and `0.10` give 11,000,000.
    Growth {
        /// The growth, as a fraction (`0.10` is +10%).
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        growth: Decimal,
    },
    /// A market share converted to revenue: `share × market size`.
    Share {
        /// The share, as a fraction (`0.06` is 6%).
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        share: Decimal,
        /// The market's size: a number, or a metric over the goal's period.
        market: Amount,
    },
    /// The parent goal's target split among this goal's scopes, summing exactly to it.
    Cascade {
        /// How: `equal`, `weights` or `history` (each scope's share of the metric over
        /// the `history` period).
        cascade: Split,
        /// For `weights`: the weight of each scope id.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        #[cfg_attr(
            feature = "typescript",
            tsify(type = "Record<string, string | number>", optional)
        )]
        #[cfg_attr(
            feature = "schema",
            schemars(with = "std::collections::BTreeMap<String, crate::hand_schemas::Decimal>")
        )]
        #[serde(deserialize_with = "crate::decimal::exact::map")]
        weights: BTreeMap<String, Decimal>,
        /// For `history`: the period whose actuals give the shares.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        history: Option<String>,
    },
    /// The parent goal's target (for a longer period) phased over this goal's recurring
    /// periods, summing exactly to it.
    Phase {
        /// How: `equal` (evenly) or `history` (by the seasonality of the `history`
        /// period, whose sub-periods give the shares).
        phase: Split,
        /// For `history`: the earlier period of the parent's length.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        history: Option<String>,
    },
}

/// How a cascade or a phasing splits a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Split {
    /// In equal parts (`even` is accepted for phasing).
    #[serde(alias = "even")]
    Equal,
    /// By declared weights.
    Weights,
    /// By the shares the metric had over a past period.
    History,
}

crate::shape::by_name!(Split { "equal" => Equal, "weights" => Weights, "history" => History } aliases { "even" => Equal });

/// An amount: a number, or a metric measured over the goal's period (company-wide).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged, expecting = "a number, or { metric = \"…\" }")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Amount {
    /// A number.
    Value(
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        Decimal,
    ),
    /// A metric's value.
    Metric {
        /// The metric id.
        metric: String,
    },
}

/// What a goal measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum GoalKind {
    /// Amounts and counts: revenue, customers, share.
    Quantitative,
    /// Qualities: satisfaction, retention, feedback.
    Qualitative,
}

crate::shape::by_name!(GoalKind { "quantitative" => Quantitative, "qualitative" => Qualitative });

/// Where attainment turns a goal's status: at least `achieved` is achieved, at least
/// `on_track` on track, at least `at_risk` at risk, and below that off track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Thresholds {
    /// Achieved from here (default 1, 100%).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub achieved: Decimal,
    /// On track from here (default 0.9).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub on_track: Decimal,
    /// At risk from here (default 0.75); below it, off track.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub at_risk: Decimal,
    /// For a percent metric (CSAT, retention, share, win rate) while its period runs:
    /// on track when at most this many percentage points short of the target (default
    /// 2). A percentage is judged in its own points, not as attainment: CSAT 83.3%
    /// against 90% is 92.6% attainment but 6.7 points short.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(
        default = "default_on_track_points",
        skip_serializing_if = "is_default_on_track_points",
        deserialize_with = "crate::decimal::exact::deserialize"
    )]
    pub on_track_points: Decimal,
    /// For a percent metric while its period runs: at risk when at most this many points
    /// short (default 5); further short, off track.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(
        default = "default_at_risk_points",
        skip_serializing_if = "is_default_at_risk_points",
        deserialize_with = "crate::decimal::exact::deserialize"
    )]
    pub at_risk_points: Decimal,
}

fn default_on_track_points() -> Decimal {
    Decimal::TWO
}

fn default_at_risk_points() -> Decimal {
    Decimal::new(5, 0)
}

fn is_default_on_track_points(points: &Decimal) -> bool {
    *points == default_on_track_points()
}

fn is_default_at_risk_points(points: &Decimal) -> bool {
    *points == default_at_risk_points()
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            achieved: Decimal::ONE,
            on_track: Decimal::new(9, 1),
            at_risk: Decimal::new(75, 2),
            on_track_points: default_on_track_points(),
            at_risk_points: default_at_risk_points(),
        }
    }
}

/// What a status is judged from, besides the attainment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Judging {
    /// The period has ended (or the actuals run to its last day): the goal is `achieved`
    /// or `missed`, never forecast.
    pub closed: bool,
    /// For a percent metric, how many percentage points short of the target it is
    /// (negative when ahead): judged in points instead of attainment while open.
    pub points_short: Option<Decimal>,
}

impl Thresholds {
    /// The status of an attainment while the period runs, by the attainment thresholds
    /// alone: [`Thresholds::judge`] also closes ended periods and reads percentages in
    /// points.
    pub fn status(&self, attainment: Decimal) -> Status {
        self.judge(attainment, Judging::default())
    }

    /// The status of an attainment: `achieved` from the `achieved` threshold; below it,
    /// `missed` once the period is closed; while it runs, by attainment (`on_track`,
    /// `at_risk`) and, for a percent metric, also by the points it is short
    /// (`on_track_points`, `at_risk_points`): the stricter of the two.
    pub fn judge(&self, attainment: Decimal, judging: Judging) -> Status {
        if attainment >= self.achieved {
            Status::Achieved
        } else if judging.closed {
            Status::Missed
        } else {
            let by_attainment = if attainment >= self.on_track {
                Status::OnTrack
            } else if attainment >= self.at_risk {
                Status::AtRisk
            } else {
                Status::OffTrack
            };
            // A percentage is read in its points too, and the stricter reading wins:
            // CSAT 83.3% against 90% is on track by attainment but 6.7 points short;
            // a 5.1% share against 6% is 0.9 points short but 85% of the target.
            let by_points = judging.points_short.map(|points| {
                if points <= self.on_track_points {
                    Status::OnTrack
                } else if points <= self.at_risk_points {
                    Status::AtRisk
                } else {
                    Status::OffTrack
                }
            });
            by_points.map_or(by_attainment, |p| p.max(by_attainment))
        }
    }

    /// Checks the thresholds descend.
    pub(crate) fn validate(&self) -> Result<()> {
        if !(self.achieved >= self.on_track && self.on_track >= self.at_risk) {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!(
                    "status thresholds must descend: achieved {} >= on_track {} >= at_risk {}",
                    self.achieved, self.on_track, self.at_risk
                ),
            ));
        }
        if !(Decimal::ZERO <= self.on_track_points && self.on_track_points <= self.at_risk_points) {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!(
                    "status points must ascend from 0: 0 <= on_track_points {} <= at_risk_points {}",
                    self.on_track_points, self.at_risk_points
                ),
            ));
        }
        Ok(())
    }
}

/// An adjustment of a goal: the targets in force from a date, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct GoalVersion {
    /// The first day the version is in force.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Date"))]
    #[serde(deserialize_with = "crate::period::date_text::deserialize")]
    pub from: NaiveDate,
    /// The new target for every scope (the goal's rule when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub target: Option<Decimal>,
    /// New targets for particular scopes, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string | number>", optional)
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::map")]
    pub targets: BTreeMap<String, Decimal>,
    /// Why the target changed.
    pub reason: String,
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
    /// Reads a goal's `period`: a grain for a recurring goal, or one period's label. Text
    /// that is neither says which it probably meant (`monthly`: `month`, or `2026-03` for
    /// one month); a label outside the supported range stays `period.out_of_range`.
    pub(crate) fn parse(calendar: &Calendar, text: &str) -> Result<GoalPeriod> {
        if let Some(grain) = Grain::parse(text) {
            return Ok(GoalPeriod::Every(grain));
        }
        let plan_invalid = |why: String| Error::new(ErrorKind::PlanInvalid, why);
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            let grain = Grain::hint(text).unwrap_or(Grain::Month);
            return Err(plan_invalid(format!(
                "`{}` is not a goal period: use `{grain}` for a recurring goal, or a label such as {} for one {grain} (grains are day, week, month, quarter, half and year)",
                crate::period::shown(text),
                grain.example()
            )));
        }
        calendar
            .parse_period(text)
            .map(GoalPeriod::Only)
            .map_err(|e| {
                if e.kind() == ErrorKind::PeriodOutOfRange {
                    return e;
                }
                plan_invalid(format!(
                    "a goal period is a grain (month, quarter, year) or a period label: {}",
                    e.message()
                ))
            })
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

    /// The goal periods `period` is made of (three months of a monthly goal in a quarter),
    /// or `None` when the goal does not apply to it.
    pub(crate) fn parts(&self, calendar: &Calendar, period: &Period) -> Option<Vec<Period>> {
        self.multiplier(calendar, period)?;
        match self {
            GoalPeriod::Every(grain) => period.children(*grain).ok(),
            GoalPeriod::Only(only) => Some(vec![*only]),
        }
    }

    /// The goal period in force on `date`: the period of the grain that holds it, or the
    /// one period.
    pub(crate) fn period_on(&self, calendar: &Calendar, date: NaiveDate) -> Option<Period> {
        match self {
            GoalPeriod::Every(grain) => calendar.period_of(date, *grain).ok(),
            GoalPeriod::Only(only) => Some(*only),
        }
    }
}

impl Goal {
    /// The metric id, or `""` for a draft without one.
    pub fn metric_id(&self) -> &str {
        self.metric.as_deref().unwrap_or_default()
    }

    /// The scope kind; a checked plan always has one (drafts default to the company).
    pub fn scope_kind(&self) -> ScopeKind {
        self.scope.unwrap_or(ScopeKind::Company)
    }

    /// The target in force for scope `id` on `date`, given the target `original` of the
    /// goal's rule, and the index of the adjustment that set it. Adjustments build on
    /// each other: a version that sets only some scopes' targets keeps the rest as the
    /// versions before it left them.
    pub fn target_on(
        &self,
        id: &str,
        date: NaiveDate,
        original: Decimal,
    ) -> (Decimal, Option<usize>) {
        let mut in_force = (original, None);
        for (i, version) in self.versions.iter().enumerate() {
            if version.from > date {
                break;
            }
            if let Some(t) = version.targets.get(id).copied().or(version.target) {
                in_force = (t, Some(i));
            }
        }
        in_force
    }

    /// Adds an adjustment from `from` with its reason. History is never rewritten: the
    /// new version must start after the last one, and a reason is required.
    pub fn adjust(&mut self, version: GoalVersion) -> Result<()> {
        if version.reason.trim().is_empty() {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                "an adjustment needs a reason",
            ));
        }
        crate::period::check_date(version.from).map_err(|e| e.at_path("from"))?;
        if let Some(last) = self.versions.last()
            && version.from <= last.from
        {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!(
                    "an adjustment from {} cannot come before or on the last one ({}): history is never rewritten",
                    version.from, last.from
                ),
            ));
        }
        self.versions.push(version);
        Ok(())
    }
}

/// A strategic objective (战略目标) that goals serve, under `[[objectives]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Objective {
    /// The id goals name in `objective`.
    pub id: String,
    /// A human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub name: Option<String>,
}

#[cfg(feature = "schema")]
/// A split, with the alias `even` that a derived schema would leave out.
impl schemars::JsonSchema for Split {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Split".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "How a cascade or a phasing splits a target.",
            "oneOf": [
                { "const": "equal", "type": "string", "description": "In equal parts." },
                { "const": "even", "type": "string", "description": "In equal parts (another name for `equal`, read for phasing)." },
                { "const": "weights", "type": "string", "description": "By declared weights." },
                { "const": "history", "type": "string", "description": "By the shares the metric had over a past period." }
            ]
        })
    }
}

// Read by hand rather than as serde's untagged enum: see `crate::shape`.
impl<'de> serde::Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        use crate::shape;
        use serde::de::Error as _;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct GrowthFields {
            #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
            growth: Decimal,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ShareFields {
            #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
            share: Decimal,
            market: Amount,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct CascadeFields {
            cascade: Split,
            #[serde(default, deserialize_with = "crate::decimal::exact::map")]
            weights: BTreeMap<String, Decimal>,
            #[serde(default)]
            history: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct PhaseFields {
            phase: Split,
            #[serde(default)]
            history: Option<String>,
        }
        const EXPECTED: &str =
            "a target: a number, or a table with `growth`, `share`, `cascade` or `phase`";
        // A number (also one kept by its digits, which JSON writes as an object) or a
        // decimal string; otherwise a table.
        let value = shape::value(deserializer)?;
        if shape::is_number(&value) || value.is_string() {
            return shape::decimal(value).map(Target::Fixed);
        }
        match value {
            serde_json::Value::Object(fields) => {
                if fields.contains_key("growth") {
                    let GrowthFields { growth } = shape::read(fields)?;
                    Ok(Target::Growth { growth })
                } else if fields.contains_key("share") {
                    let ShareFields { share, market } = shape::read(fields)?;
                    Ok(Target::Share { share, market })
                } else if fields.contains_key("cascade") {
                    let CascadeFields {
                        cascade,
                        weights,
                        history,
                    } = shape::read(fields)?;
                    Ok(Target::Cascade {
                        cascade,
                        weights,
                        history,
                    })
                } else if fields.contains_key("phase") {
                    let PhaseFields { phase, history } = shape::read(fields)?;
                    Ok(Target::Phase { phase, history })
                } else {
                    Err(D::Error::custom(EXPECTED))
                }
            }
            value => Err(shape::unexpected(&value, EXPECTED)),
        }
    }
}

// Read by hand rather than as serde's untagged enum: see `crate::shape`.
impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        use crate::shape;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct MetricFields {
            metric: String,
        }
        const EXPECTED: &str = "a number, or { metric = \"…\" }";
        // A number (also one kept by its digits, which JSON writes as an object) or a
        // decimal string; otherwise a table.
        let value = shape::value(deserializer)?;
        if shape::is_number(&value) || value.is_string() {
            return shape::decimal(value).map(Amount::Value);
        }
        match value {
            serde_json::Value::Object(fields) => {
                let MetricFields { metric } = shape::read(fields)?;
                Ok(Amount::Metric { metric })
            }
            value => Err(shape::unexpected(&value, EXPECTED)),
        }
    }
}
