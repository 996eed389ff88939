//! The report: scorecards and payout statements for one period, serde-serialisable and
//! deterministic (the same plan and facts give byte-identical JSON).

mod document;
pub(crate) mod findings;
mod labels;
mod name;
mod no_target;
mod publish;
mod render;
mod series;
mod table;
mod words;

pub use findings::DesignNote;
pub use labels::{Label, Labels};
pub use name::Name;
pub use no_target::{NoTarget, NoTargetReason};
pub use series::Series;

pub use crate::text::{Locale, Message, Names, Sentence, group_thousands, percent};
pub use table::{Cell, ReportTable, TableRow};
pub(crate) use words::{as_percent, scope_word};

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::formula::Unit;
use crate::maps::IntoMap;
use crate::metric::Direction;
use crate::org::ScopeKind;
use crate::period::PeriodInfo;

/// Draw balances carried between payout periods: member id → incentive id → what the
/// member owes (recoverable draws paid and not yet recovered).
pub type Balances = BTreeMap<String, BTreeMap<String, Decimal>>;

/// The id (and name) of a dimension's row for the facts without a value for it: they
/// are scored too, so nothing is dropped. Text output calls it by
/// [`Message::NameNoValue`] (`（未填写）`).
pub const NO_VALUE: &str = "(none)";

/// The result of evaluating a plan for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Report {
    /// The period evaluated.
    pub period: PeriodInfo,
    /// The day the actuals run to, when the period was evaluated before its end.
    #[serde(
        default,
        deserialize_with = "crate::period::date_text::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub as_of: Option<NaiveDate>,
    /// One row per goal and scope: goals in plan order; for each, the company, or each team
    /// or member in org order, then `unassigned` when unassigned facts matched.
    pub scorecards: Vec<ScorecardRow>,
    /// For each member or team goal, its roll-up to the company: the metric over every
    /// fact (`unassigned` included) against the sum of the scopes' targets.
    pub rollups: Vec<ScorecardRow>,
    /// The leaderboard: each member's and team's weighted score across their goals.
    pub scores: Vec<ScoreRow>,
    /// One statement per member in org order, for the incentives that pay in the period.
    pub statements: Vec<Statement>,
    /// What the plan calls the metrics, goals, incentives and teams the report names by
    /// id, in each locale ([`Report::to_text`] writes with them).
    #[serde(default, skip_serializing_if = "Labels::are_empty")]
    #[cfg_attr(feature = "typescript", tsify(type = "Labels", optional))]
    pub labels: std::sync::Arc<Labels>,
    /// The plan's SMART findings, when the caller adds them ([`Report::with_findings`]):
    /// evaluating does not validate the plan, so a report carries none by itself. The
    /// text, Markdown and HTML of a report list them last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub findings: Vec<findings::Finding>,
    /// The plan's design findings, when the caller adds them (`with_design`): the text,
    /// Markdown and HTML of a report list them after the SMART findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub design: Vec<findings::DesignNote>,
}

/// A goal's actual against its target, for one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ScorecardRow {
    /// The goal id.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub goal: Name,
    /// The metric id.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub metric: Name,
    /// The metric's unit, for display: `money`, `percent`, `count`, `number` or `days`.
    pub unit: Unit,
    /// The kind of scope.
    pub scope: ScopeKind,
    /// The scope's id: `company`, a team id, a member id, or `unassigned`.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub id: Name,
    /// The scope's display name.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub name: Name,
    /// For a member row, the member's team id.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub team: Option<Name>,
    /// The measured value, exact; `null` when the metric has no value (an average or a
    /// ratio over no facts).
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub actual: Option<Decimal>,
    /// The target for the period; `null` for `unassigned`.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub target: Option<Decimal>,
    /// `actual / target`, unrounded, when higher is better; `2 - actual / target` (at
    /// least 0) when lower is better; `null` when there is no target or it is zero.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub attainment: Option<Decimal>,
    /// Whether higher or lower is better.
    pub direction: Direction,
    /// How far short of the target, in the metric's unit: `target - actual` when higher
    /// is better, `actual - target` when lower is; negative when ahead.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub gap: Option<Decimal>,
    /// The status by the goal's thresholds; `null` without an attainment.
    #[cfg_attr(feature = "typescript", tsify(type = "Status | null"))]
    pub status: Option<Status>,
    /// The rank by attainment among the goal's scopes of the same kind (ties share a
    /// rank); `null` for the company, `unassigned` and rows without an attainment.
    #[cfg_attr(feature = "typescript", tsify(type = "number | null"))]
    pub rank: Option<u32>,
    /// The goal's weight in the scope's weighted score.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub weight: Decimal,
    /// The target the goal's rule gives, when an adjustment replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub original_target: Option<Decimal>,
    /// Why the target was adjusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub adjustment: Option<String>,
    /// For a goal with `prorate`, when the member's ramp or leave made the target
    /// smaller: the target before, in force for a full member (`target` is then its share).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub full_target: Option<Decimal>,
    /// Why the row has no target, when it has none (and is not `unassigned`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub no_target: Option<NoTarget>,
    /// The goal's baseline for the scope, when it has one: over the evaluated period, the
    /// sum of its goal periods' baselines for a relative baseline (`previous`,
    /// `last_year`, `trailing`) of a metric that adds up, else the last one's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub baseline: Option<Decimal>,
    /// How a growth target was set for a scope without a baseline of its own, by the
    /// goal's `baseline.if_missing`: from its peers' average baseline (`team_average`,
    /// which `baseline` then shows) or the plan's target (`target`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub fallback: Option<Fallback>,
    /// Pacing, when the period is still running on the report's as-of date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub pacing: Option<Pacing>,
    /// For a long-term goal reviewed in a period of its span: the span's target, the
    /// checkpoint due, and pacing to the span's end. The row's `actual` is then the
    /// running total since the span began (a metric that adds up) and its `target` what
    /// is due by the period's end (or the as-of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub long_term: Option<LongTerm>,
    /// For a goal with `forecast = true`: the open deals against the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub forecast: Option<Forecast>,
}

/// Open deals against a row's target (a goal with `forecast = true`): closed to date,
/// the open deals by forecast category, the weighted pipeline, and what they cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Forecast {
    /// Closed to date: the row's actual (0 when it has none).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub closed: Decimal,
    /// Open deals in the `commit` category.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub commit: Decimal,
    /// Open deals in the `best_case` category.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub best_case: Decimal,
    /// Open deals in the `pipeline` category (and deals without a category).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub pipeline: Decimal,
    /// All open deals but omitted ones: commit + best case + pipeline.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub open: Decimal,
    /// Σ amount × probability / 100 over the open deals that have a probability.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub weighted: Decimal,
    /// What is left to the target (0 once reached); null without a target.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub remaining: Option<Decimal>,
    /// `open / remaining`: how many times the open deals cover what is left; null when
    /// nothing is left or there is no target.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub coverage: Option<Decimal>,
    /// The forecast attainment, `(closed + commit) / target`; null without a positive
    /// target.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub attainment: Option<Decimal>,
}

/// A long-term goal's progress, on the row that reviews it in a period of its span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct LongTerm {
    /// The goal's span (`FY2027..FY2029`).
    pub period: String,
    /// The target for the whole span.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub target: Decimal,
    /// The checkpoint being worked on: the first that ends on or after the period's last
    /// day counted (`FY2028`).
    pub checkpoint: String,
    /// What is due by that checkpoint's end: a running total, or the level to reach.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub checkpoint_target: Decimal,
    /// The fraction of the span's days elapsed.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub elapsed: Decimal,
    /// For a metric that adds up: what is left to the span's target (0 once reached).
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub remaining: Option<Decimal>,
    /// At the run rate so far (`actual / elapsed`), the span's total; for a level, the
    /// level now.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub projected: Option<Decimal>,
    /// The attainment of `projected` against the span's target.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub projected_attainment: Option<Decimal>,
}

/// How a growth target was set without the scope's own baseline (a row's `fallback`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Fallback {
    /// The average baseline of the scope's peers, grown.
    TeamAverage,
    /// The target the plan sets for a scope without a baseline.
    Target,
}

crate::shape::by_name!(Fallback { "team_average" => TeamAverage, "target" => Target });

/// How a goal is pacing in a period that has not ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Pacing {
    /// The day the actuals run to.
    #[serde(deserialize_with = "crate::period::date_text::deserialize")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub as_of: NaiveDate,
    /// The fraction of the period's days (calendar or business days, as the plan says)
    /// elapsed through the as-of date.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub elapsed: Decimal,
    /// The days left after the as-of date.
    pub remaining_days: u32,
    /// The run-rate projection for the whole period: `actual / elapsed` for a sum or a
    /// count; the actual itself for a ratio or an average.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub projected: Option<Decimal>,
    /// The attainment the projection would reach.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub projected_attainment: Option<Decimal>,
    /// The status the projection would reach.
    #[cfg_attr(feature = "typescript", tsify(type = "Status | null"))]
    pub projected_status: Option<Status>,
    /// What is still needed to reach the target (a sum or a count; 0 once reached).
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub remaining: Option<Decimal>,
    /// The rate required for the rest of the period: `remaining / remaining_days`,
    /// rounded to 2 places.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub required_per_day: Option<Decimal>,
}

/// A member's or a team's weighted score across their goals in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ScoreRow {
    /// `member` or `team`.
    pub scope: ScopeKind,
    /// The member or team id.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub id: Name,
    /// The display name.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub name: Name,
    /// For a member, their team id.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub team: Option<Name>,
    /// `Σ weight × attainment / Σ weight` over the goals with an attainment.
    #[cfg_attr(feature = "typescript", tsify(type = "string | null"))]
    pub score: Option<Decimal>,
    /// How many goals the score counts.
    pub goals: u32,
    /// The rank among members (or teams); ties share a rank.
    #[cfg_attr(feature = "typescript", tsify(type = "number | null"))]
    pub rank: Option<u32>,
}

/// What one member earns in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Statement {
    /// The member id.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub member: Name,
    /// The member's display name.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub name: Name,
    /// The member's team id.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub team: Name,
    /// One line per incentive component.
    pub lines: Vec<PayoutLine>,
    /// The sum of the lines' amounts.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub total: Decimal,
    /// Recoverable draw balances carried to the next payout period, by incentive id.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string>", optional)
    )]
    pub balances: std::collections::BTreeMap<String, Decimal>,
    /// True-ups of settled periods (the pay cycle): what each line of a closed
    /// period comes to with today's facts, less what was paid for it. `total` includes
    /// them.
    #[cfg(feature = "pay-cycle")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub adjustments: Vec<Adjustment>,
    /// The member's disputes not yet resolved (the pay cycle).
    #[cfg(feature = "pay-cycle")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub disputes: Vec<Dispute>,
}

/// A member's dispute of a statement line: raised by the member (or for them), kept by
/// the caller, and handed to each later evaluation. Open, it is listed on the member's
/// statement; resolved, its `resolution.amount` is paid once, as an adjustment of the
/// first statement closed after it.
#[cfg(feature = "pay-cycle")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Dispute {
    /// The dispute's id, unique among the disputes handed over.
    pub id: String,
    /// The member id.
    pub member: String,
    /// The label of the statement's period disputed, for example `FY2027-Q1`.
    pub period: String,
    /// The incentive of the line disputed; absent for the statement as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub incentive: Option<String>,
    /// The component's position in the incentive, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub component: Option<usize>,
    /// Why: the member's words.
    pub reason: String,
    /// The amount the member claims, if they name one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::decimal::exact::option"
    )]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub claimed: Option<Decimal>,
    /// Who raised it.
    pub raised_by: String,
    /// When: an RFC 3339 time stamp.
    pub raised_at: String,
    /// How it was resolved; absent while it is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub resolution: Option<Resolution>,
}

/// How a dispute was resolved.
#[cfg(feature = "pay-cycle")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Resolution {
    /// What is paid for it (negative to take back; `0` when the claim is refused).
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub amount: Decimal,
    /// Who resolved it.
    pub by: String,
    /// When: an RFC 3339 time stamp.
    pub at: String,
    /// The resolver's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub note: Option<String>,
}

/// A prior-period adjustment: a line of a settled period's statement recomputed with
/// today's facts, less everything paid for it so far (the settlement and earlier
/// adjustments). Tiers and caps are priced again over the whole period, so the amount is
/// the period's new total less what was paid, never a per-fact estimate.
#[cfg(feature = "pay-cycle")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Adjustment {
    /// The settled period's label, for example `FY2027-Q1`.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub period: Name,
    /// The incentive id.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub incentive: Name,
    /// The component's position, from 0; `null` for the incentive's own cap.
    #[cfg_attr(feature = "typescript", tsify(type = "number | null"))]
    pub component: Option<usize>,
    /// The line's kind (`rate`, `tiered` … or `cap`).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub kind: Name,
    /// Everything paid for the line so far: the settlement's amount and the adjustments
    /// of later settlements.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub paid: Decimal,
    /// The line's amount recomputed with today's facts.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub now: Decimal,
    /// `now - paid`: what this statement pays (or takes back) for the line.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub amount: Decimal,
    /// The facts of the member, dated in the settled period, that were added, removed or
    /// changed since it closed: what the adjustment is attributed to.
    pub changes: Vec<FactChange>,
    /// How many facts of other owners (or none) dated in the settled period changed: a
    /// team or company goal can move a member's pay through them.
    pub other_changes: usize,
    /// For the payment of a resolved dispute, its id (the line's `kind` is `dispute`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub dispute: Option<Name>,
    /// A sentence a rep can read: `FY2027-Q1, Commission: paid 5,000.00, now 6,250.00
    /// (order o-1234 added): +1,250.00`.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub explanation: String,
    /// The same in Simplified Chinese.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub explanation_zh: String,
}

#[cfg(feature = "pay-cycle")]
impl Adjustment {
    /// The adjustment's explanation in `locale`.
    pub fn explanation_in(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.explanation,
            Locale::ZhCn => &self.explanation_zh,
        }
    }
}

/// A fact that changed in a settled period after it closed.
#[cfg(feature = "pay-cycle")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct FactChange {
    /// The fact's id.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub fact: Name,
    /// `added`, `removed` or `changed`.
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "\"added\" | \"removed\" | \"changed\"")
    )]
    pub change: Name,
    /// The fact's kind (`order`, `refund` …) as it is now; `null` for a removed fact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub kind: Option<Name>,
    /// The fact's amount as it is now; `null` for a removed fact or one without an amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub amount: Option<Decimal>,
}

/// One payout line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PayoutLine {
    /// The incentive id.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub incentive: Name,
    /// The component's position in the incentive's `components`, from 0; `null` for the
    /// incentive's own cap.
    #[cfg_attr(feature = "typescript", tsify(type = "number | null"))]
    pub component: Option<usize>,
    /// The component's kind: `rate`, `tiered`, `curve`, `bonus`, `matrix`, or `cap`.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub kind: Name,
    /// The metric the component pays on, if it pays on one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub metric: Option<Name>,
    /// The goal the component reads, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub goal: Option<Name>,
    /// What the rate applies to (the metric's actual, or its part in a tier), or the
    /// attainment a curve, bonus or matrix reads.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub basis: Decimal,
    /// The rate, for rates and tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub rate: Option<Decimal>,
    /// The tier's position, from 0, for tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub tier: Option<usize>,
    /// The amount, rounded by the plan's rounding policy when it rounds lines.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub amount: Decimal,
    /// A sentence a rep can read: `5% on the first 100,000 of revenue = 5,000.00`
    /// (written when first read; it reads as a `&str`).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub explanation: Sentence,
    /// The same in Simplified Chinese.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub explanation_zh: Sentence,
}

/// Reads a locale tag as [`Locale::from_tag`] does; a tag that names no locale kpi
/// writes is `data.invalid_argument`.
impl std::str::FromStr for Locale {
    type Err = crate::error::Error;

    fn from_str(tag: &str) -> crate::error::Result<Locale> {
        Locale::from_tag(tag).ok_or_else(|| {
            crate::error::Error::new(
                crate::error::ErrorKind::DataInvalidArgument,
                format!(
                    "`{}` is not a locale kpi writes: use en or zh-CN",
                    tag.chars().take(40).collect::<String>()
                ),
            )
        })
    }
}

impl PayoutLine {
    /// The line's explanation in `locale`.
    pub fn explanation_in(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.explanation,
            Locale::ZhCn => &self.explanation_zh,
        }
    }
}

impl Report {
    /// The report with the plan's SMART findings (`Plan::validate`), which its text,
    /// Markdown and HTML then list: a report to send says what is wrong with the goals
    /// it measures.
    #[must_use]
    pub fn with_findings(mut self, findings: Vec<findings::Finding>) -> Report {
        self.findings = findings;
        self
    }

    /// The report carrying the plan's design findings (`Plan::design_check`, as notes:
    /// `DesignFinding::note`), which its text, Markdown and HTML then list after the SMART
    /// findings: a payout report says where the plan's design pays oddly.
    #[must_use]
    pub fn with_design(mut self, design: Vec<findings::DesignNote>) -> Report {
        self.design = design;
        self
    }

    /// The report as pretty-printed JSON, the form the shared test vectors store.
    pub fn to_json_pretty(&self) -> String {
        crate::json::write(self, true, false).expect("a report always serialises")
    }

    /// The sum of all statement totals. Evaluating refuses a report whose sum does not fit
    /// a decimal (`data.overflow`); one read back from edited JSON may not fit, and then
    /// this saturates at the largest decimal of its sign rather than panicking.
    pub fn total_payout(&self) -> Decimal {
        self.statements
            .iter()
            .fold(Decimal::ZERO, |sum, s| sum.saturating_add(s.total))
    }

    /// The draw balances the statements carry, as the next period's input
    /// ([`crate::Plan::evaluate_with`]).
    pub fn balances(&self) -> Balances {
        self.statements
            .iter()
            .filter(|s| !s.balances.is_empty())
            .map(|s| (s.member.to_string(), s.balances.clone()))
            .into_map()
    }
}

/// A goal's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Status {
    /// At or above the target.
    Achieved,
    /// Close to it.
    OnTrack,
    /// Behind.
    AtRisk,
    /// Far behind.
    OffTrack,
    /// Short of the target in a period that has ended: a closed period is judged, not
    /// forecast, so it is `achieved` or `missed`.
    Missed,
}

crate::shape::by_name!(Status { "achieved" => Achieved, "on_track" => OnTrack, "at_risk" => AtRisk, "off_track" => OffTrack, "missed" => Missed });

impl Status {
    /// The status name used in reports: `achieved`, `on_track`, `at_risk`, `off_track`,
    /// `missed`.
    pub const fn name(self) -> &'static str {
        match self {
            Status::Achieved => "achieved",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::Missed => "missed",
        }
    }

    /// The status word in `locale`: `at risk`, `有风险` …
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Status::Achieved => Message::StatusAchieved,
            Status::OnTrack => Message::StatusOnTrack,
            Status::AtRisk => Message::StatusAtRisk,
            Status::OffTrack => Message::StatusOffTrack,
            Status::Missed => Message::StatusMissed,
        }
        .text(locale)
    }

    /// Whether a review should raise it: at risk, off track or missed.
    pub const fn needs_attention(self) -> bool {
        matches!(self, Status::AtRisk | Status::OffTrack | Status::Missed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Name` fields read and serialise as plain strings, whether a name is held inline
    /// (up to 23 bytes) or shared (longer): the JSON a report gives Python and JavaScript
    /// does not depend on it.
    #[test]
    fn names_serialise_as_plain_strings_short_or_long() {
        let long = "Northern Region Enterprise Accounts 北方大客户部";
        assert!(long.len() > 23);
        let statement = Statement {
            member: Name::new("r7"),
            name: Name::new(long),
            team: Name::new("east"),
            lines: Vec::new(),
            total: Decimal::new(12345, 2),
            balances: std::collections::BTreeMap::new(),
            #[cfg(feature = "pay-cycle")]
            adjustments: Vec::new(),
            #[cfg(feature = "pay-cycle")]
            disputes: Vec::new(),
        };
        let json = serde_json::to_value(&statement).unwrap();
        assert_eq!(json["member"], "r7");
        assert_eq!(json["name"], long);
        assert_eq!(json["team"], "east");
        let back: Statement = serde_json::from_value(json).unwrap();
        assert_eq!(back, statement);
        assert_eq!(back.name, long);
        assert!(back.name.is_heap_allocated() && !back.member.is_heap_allocated());
    }
}
