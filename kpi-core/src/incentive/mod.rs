//! Incentives: the components that turn results into pay, the engine that prices them,
//! and the statements they produce.
//!
//! A component is priced from a few numbers (the metric's actual, the goal's target and
//! attainment, the target incentive, gate values) by [`evaluate_component`], which the
//! statements and the what-if functions share, so a dashboard's "what if I close one
//! more deal" gives the cent the payout run will.

mod advance;
mod check;
mod clawback;
mod collection;
mod component_de;
mod deals;
mod engine;
mod statements;
mod tiers;

pub(crate) use advance::{add_advances, advances_in, refuse_advances_without_facts};
pub(crate) use check::CheckContext;
pub(crate) use clawback::{ClawbackInput, clawbacks};
pub(crate) use collection::collections;
pub(crate) use deals::{add_deal_detail, refuse_deal_detail_without_facts};
pub use engine::{
    ComponentInputs, ComponentResult, CurvePoint, LineDetail, evaluate_component, model_cost,
    sample_curve,
};
pub(crate) use statements::{Lookups, StatementInput, index_rows, statements};

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::period::Grain;
pub use crate::report::Balances;

/// Who an incentive pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum AppliesTo {
    /// Every member of the org, each on their own results.
    Members,
}

crate::shape::by_name!(AppliesTo { "members" => Members });

/// An incentive plan (激励方案), under `[[incentives]]`.
///
/// ```toml
/// [[incentives]]
/// id = "rep-commission"
/// applies_to = "members"
/// period = "quarter"
/// target_incentive = "30000"           # on-target variable pay per member and period
/// cap = { multiple = "2" }             # the whole incentive pays at most 2 × 30,000
///
/// [[incentives.components]]            # its components, in order
/// kind = "tiered"
/// metric = "revenue"
/// goal = "rep-revenue"
/// on = "attainment"
/// mode = "marginal"
/// tiers = [{ from = "0", rate = "0.05" }, { from = "1", rate = "0.08" }]
///
/// [[incentives.components]]
/// kind = "bonus"
/// goal = "team-csat"
/// amount = "2000"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct Incentive {
    /// Unique id of the incentive.
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
    /// Who is paid.
    pub applies_to: AppliesTo,
    /// The payout period's grain: the incentive pays only when a whole period of this
    /// grain is evaluated. When omitted it pays on any period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub period: Option<Grain>,
    /// The on-target variable pay (target incentive) per member and payout period, which
    /// payout curves scale and caps can multiply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub target_incentive: Option<Decimal>,
    /// Target incentives for particular members, by id.
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
    pub target_incentives: BTreeMap<String, Decimal>,
    /// A cap on the incentive's total per member and period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub cap: Option<Cap>,
    /// Prorate members who join or leave during the payout period by the share of its
    /// days they were in the org (`calendar` or `business` days): their target
    /// incentive, bonuses, matrix amounts and pool shares scale by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub prorate: Option<crate::period::DayBasis>,
    /// Pay in advance: each period of `advance.period` (a month of a quarterly incentive)
    /// pays `share` of the earnings to date, less what was advanced before, and the last
    /// one pays the true-up. The incentive's own `period` stays the measurement period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub advance: Option<Advance>,
    /// A draw: pay at least `amount` each payout period. A `recoverable` draw is an
    /// advance recovered from later earnings above it (the balance is carried in the
    /// statements); a non-recoverable one is a guarantee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub draw: Option<Draw>,
    /// Allow negative rates and amounts (a deliberate penalty); refused otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub allow_negative: bool,
    /// The components, each paying one or more lines.
    pub components: Vec<Component>,
}

impl Limits {
    /// The component's display name in `locale` (its name for the locale, else its
    /// `name`), if it has one.
    pub fn title(&self, locale: crate::text::Locale) -> Option<&str> {
        self.names.get(locale).or(self.name.as_deref())
    }

    /// A line's explanations `[English, Chinese]` led by the component's display name:
    /// `Commission: …`, `提成：…`.
    pub(crate) fn titled(&self, [en, zh]: [String; 2]) -> [String; 2] {
        use crate::text::Locale;
        titled_with([self.title(Locale::En), self.title(Locale::ZhCn)], [en, zh])
    }

    /// [`Limits::titled`] for sentences not written yet: the name is put in front when
    /// the line is first read, so a payroll run that never reads them does not write
    /// them.
    pub(crate) fn titled_sentences(
        &self,
        en: crate::text::Sentence,
        zh: crate::text::Sentence,
    ) -> (crate::text::Sentence, crate::text::Sentence) {
        use crate::text::Locale;
        let lead = |sentence: crate::text::Sentence, title: Option<&str>, colon: &str| match title {
            Some(title) => sentence.led_by(format!("{title}{colon}")),
            None => sentence,
        };
        (
            lead(en, self.title(Locale::En), ": "),
            lead(zh, self.title(Locale::ZhCn), "："),
        )
    }
}

/// `[en, zh]` led by the titles, when given: `Commission: …`, `提成：…`.
fn titled_with([title, title_zh]: [Option<&str>; 2], [en, zh]: [String; 2]) -> [String; 2] {
    [
        match title {
            Some(title) => format!("{title}: {en}"),
            None => en,
        },
        match title_zh {
            Some(title) => format!("{title}：{zh}"),
            None => zh,
        },
    ]
}

impl Incentive {
    /// The target incentive of member `id`.
    pub fn target_incentive_for(&self, id: &str) -> Option<Decimal> {
        self.target_incentives
            .get(id)
            .copied()
            .or(self.target_incentive)
    }
}

/// Advances on a longer measurement period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Advance {
    /// The payout grain (shorter than the incentive's `period`).
    pub period: Grain,
    /// The share of the earnings to date paid in advance (`0.8` is 80%).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub share: Decimal,
}

/// A draw against future earnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Draw {
    /// The least the incentive pays per payout period.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub amount: Decimal,
    /// Whether what the draw adds is recovered from later earnings.
    pub recoverable: bool,
}

/// What the incentive passes that follow the statements (advances, per-deal lines) read
/// of the plan.
pub(crate) struct PlanParts<'a> {
    pub calendar: &'a crate::period::Calendar,
    pub org: &'a crate::org::Org,
    pub incentives: &'a [Incentive],
    pub rounding: crate::decimal::Rounding,
}

/// Reads carried [`Balances`] from their JSON document (`{member: {incentive: "…"}}`),
/// every amount exactly.
pub fn balances_from_json(value: serde_json::Value) -> crate::error::Result<Balances> {
    crate::decimal::exact::nested_map(value).map_err(|e| {
        crate::error::Error::new(
            crate::error::ErrorKind::DataUnsupportedValue,
            format!("the balances are not {{member: {{incentive: amount}}}}: {e}"),
        )
    })
}

// Read by hand (`component_de.rs`), not by serde's derive: see there why.
/// One part of an incentive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Component {
    /// A flat rate on a metric's actual: `rate × actual`.
    Rate {
        /// The metric paid on.
        metric: String,
        /// The rate, for example `0.03` for 3%.
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        rate: Decimal,
        /// The goal whose attainment thresholds and gates read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        goal: Option<String>,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
    /// A tier table on the metric's period total, by amount or by attainment of `goal`.
    Tiered {
        /// The metric paid on.
        metric: String,
        /// The goal whose target turns attainment tiers into amounts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        goal: Option<String>,
        /// What the tiers' `from` measures: the `amount`, or the `attainment` of `goal`.
        on: TierBasis,
        /// `marginal`: each band pays its own rate on its part; `retroactive`: the rate
        /// of the tier reached pays on everything.
        mode: TierMode,
        /// The tiers, from 0 up, each with the rate paid from its `from`.
        tiers: Vec<Tier>,
        /// Statements credit each deal in close order, split across the tiers it crosses
        /// (a line per deal and tier) instead of a line per tier.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        per_deal: bool,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
    /// The target incentive × a piecewise-linear curve of the goal's attainment.
    Curve {
        /// The goal whose attainment the curve reads.
        goal: String,
        /// The curve's points, by ascending attainment; flat before the first and after
        /// the last.
        points: Vec<CurvePoint>,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
    /// A fixed amount when the goal's attainment reaches `at` (1 by default: the goal
    /// is met).
    Bonus {
        /// The goal.
        goal: String,
        /// The bonus.
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        amount: Decimal,
        /// The attainment that earns it; 1 when omitted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Option<crate::hand_schemas::Decimal>")
        )]
        #[serde(deserialize_with = "crate::decimal::exact::option")]
        at: Option<Decimal>,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
    /// A SPIFF: `amount` for each fact the metric counts (a count metric whose filter
    /// says which facts, dates included: `date >= "2026-03-01" && date < "2026-04-01"`).
    Spiff {
        /// The count metric.
        metric: String,
        /// The bonus per fact.
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        amount: Decimal,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
    /// A team pool: `amount` when `goal` (usually a team goal) reaches `at` (1 by
    /// default), split among the members of the goal's scope equally, by contribution
    /// to `metric`, or by `weights`; the parts sum exactly to the pool.
    Pool {
        /// The goal that earns the pool.
        goal: String,
        /// The pool.
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        amount: Decimal,
        /// How the pool is split.
        split: PoolSplit,
        /// For `contribution`: the metric whose values weigh the members (the goal's
        /// metric when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        metric: Option<String>,
        /// For `weights`: the weight of each member id.
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
        /// The attainment that earns the pool; 1 when omitted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Option<crate::hand_schemas::Decimal>")
        )]
        #[serde(deserialize_with = "crate::decimal::exact::option")]
        at: Option<Decimal>,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
    /// A clawback: each reversal (a refund or cancellation that the `reversals` metric
    /// counts, naming the sale it reverses in `link`) dated within `days` of that sale
    /// takes back the commission component `of` paid on the sale, at the rate it paid
    /// (tiers credited in close order within the sale's payout period), in proportion
    /// to the part reversed.
    Clawback {
        /// The position of the paying component (a `rate` or `tiered` component on a sum
        /// of `amount`) in this incentive's `components`.
        of: usize,
        /// The sum metric of reversal facts (refunds, credit notes, cancellations).
        reversals: String,
        /// The reversal's attribute that holds the original sale's fact id;
        /// `attributes.order` when omitted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        link: Option<String>,
        /// How many days after the sale a reversal is still clawed back.
        days: u32,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
    /// Pay on collection: the earnings of component `of` (a `rate` or `tiered`
    /// component on a sum of `amount`) are paid as the customer pays. Each booking earns
    /// at the rate and tier of its own payout period, as it would have paid there; each
    /// payment (a fact the `payments` metric counts, naming the booking in `link`) pays
    /// the booking's earnings in proportion to the cash it brings, up to all of them.
    /// Component `of` then pays nothing itself: its lines show what was earned. What is
    /// earned and not yet collected is shown as pending; with `lapse_days`, the part not
    /// collected within that many days of the booking lapses.
    Collection {
        /// The position of the earning component in this incentive's `components`.
        of: usize,
        /// The sum metric of payment facts (cash received against bookings).
        payments: String,
        /// The payment's attribute that holds the booking's fact id; `attributes.order`
        /// when omitted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        link: Option<String>,
        /// How many days after the booking its earnings can still be collected; never
        /// lapse when omitted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", tsify(optional))]
        lapse_days: Option<u32>,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
    /// A two-dimensional bonus: the amount in the row of `goal`'s attainment and the
    /// column of `by`'s (the largest break each has reached).
    Matrix {
        /// The goal of the rows.
        goal: String,
        /// The goal of the columns.
        by: String,
        /// Row breaks (attainment of `goal`), ascending.
        #[cfg_attr(feature = "typescript", tsify(type = "(string | number)[]"))]
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Vec<crate::hand_schemas::Decimal>")
        )]
        #[serde(deserialize_with = "crate::decimal::exact::vec")]
        rows: Vec<Decimal>,
        /// Column breaks (attainment of `by`), ascending.
        #[cfg_attr(feature = "typescript", tsify(type = "(string | number)[]"))]
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Vec<crate::hand_schemas::Decimal>")
        )]
        #[serde(deserialize_with = "crate::decimal::exact::vec")]
        columns: Vec<Decimal>,
        /// `amounts[row][column]`.
        #[cfg_attr(feature = "typescript", tsify(type = "(string | number)[][]"))]
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Vec<Vec<crate::hand_schemas::Decimal>>")
        )]
        #[serde(deserialize_with = "crate::decimal::exact::matrix")]
        amounts: Vec<Vec<Decimal>>,
        /// Conditions and limits.
        #[serde(flatten)]
        limits: Limits,
    },
}

/// How a team pool is split among members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum PoolSplit {
    /// In equal parts.
    Equal,
    /// By each member's value of the metric (all equal when nobody contributed).
    Contribution,
    /// By declared weights.
    Weights,
}

crate::shape::by_name!(PoolSplit { "equal" => Equal, "contribution" => Contribution, "weights" => Weights });

/// What tier boundaries measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum TierBasis {
    /// The metric's amount.
    Amount,
    /// Attainment of the goal: `1` is 100% of target.
    Attainment,
}

crate::shape::by_name!(TierBasis { "amount" => Amount, "attainment" => Attainment });

/// How a tier table pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum TierMode {
    /// Each band pays its own rate on the part of the amount inside it.
    Marginal,
    /// The rate of the highest tier reached pays on the whole amount.
    Retroactive,
}

crate::shape::by_name!(TierMode { "marginal" => Marginal, "retroactive" => Retroactive });

/// One tier: the rate paid from `from` up to the next tier's `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Tier {
    /// Where the tier starts (an amount, or an attainment).
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub from: Decimal,
    /// The rate paid in the tier.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub rate: Decimal,
}

/// What any component can carry: its display name, conditions and limits.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Limits {
    /// The component's human name (`name = "提成"`): statements show it before the
    /// line's explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub name: Option<String>,
    /// The component's display name in each locale (`names = { en = "Commission" }`),
    /// next to `name`.
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
    /// Nothing is paid below this attainment of the component's goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub threshold: Option<Decimal>,
    /// Nothing is paid unless the gate is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub gate: Option<Gate>,
    /// The most the component pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub cap: Option<Cap>,
}

/// A condition on another measure: a goal's attainment, a metric's value, or the
/// member's weighted score across their goals, at least `min`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Gate {
    /// A goal whose attainment must reach `min` (for example a year-to-date quota).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub goal: Option<String>,
    /// A metric whose value must reach `min` (for example CSAT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub metric: Option<String>,
    /// `true`: the member's weighted score across their goals must reach `min`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub score: bool,
    /// The least value that opens the gate.
    #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    pub min: Decimal,
}

impl Gate {
    /// The name of the measure the gate reads: `goal:<id>`, `metric:<id>` or `score`.
    pub fn measure(&self) -> String {
        match (&self.goal, &self.metric) {
            (Some(goal), _) => format!("goal:{goal}"),
            (None, Some(metric)) => format!("metric:{metric}"),
            (None, None) => "score".to_owned(),
        }
    }
}

/// A cap: an amount, or a multiple of the target incentive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    untagged,
    expecting = "a cap: an amount, or { multiple = \"2\" } of the target incentive"
)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Cap {
    /// At most this amount.
    Amount(
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        Decimal,
    ),
    /// At most this multiple of the target incentive.
    Multiple {
        /// The multiple.
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Decimal"))]
        #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
        multiple: Decimal,
    },
}

impl Component {
    /// The metric the component pays on, if it pays on one.
    pub fn metric(&self) -> Option<&str> {
        match self {
            Component::Rate { metric, .. }
            | Component::Tiered { metric, .. }
            | Component::Spiff { metric, .. } => Some(metric),
            _ => None,
        }
    }

    /// The metric the component's sentences name: the metric paid on, or a clawback's
    /// reversals.
    pub(crate) fn sentence_metric(&self) -> Option<&str> {
        match self {
            Component::Clawback { reversals, .. } => Some(reversals),
            Component::Collection { payments, .. } => Some(payments),
            _ => self.metric(),
        }
    }

    /// Whether component `index` of `components` is paid on collection (a `collection`
    /// component names it as its `of`): it earns, and pays nothing itself.
    pub(crate) fn paid_on_collection(components: &[Component], index: usize) -> bool {
        components
            .iter()
            .any(|c| matches!(c, Component::Collection { of, .. } if *of == index))
    }

    /// The goal whose attainment the component reads, if any.
    pub fn goal(&self) -> Option<&str> {
        match self {
            Component::Rate { goal, .. } | Component::Tiered { goal, .. } => goal.as_deref(),
            Component::Spiff { .. } | Component::Clawback { .. } | Component::Collection { .. } => {
                None
            }
            Component::Curve { goal, .. }
            | Component::Bonus { goal, .. }
            | Component::Pool { goal, .. }
            | Component::Matrix { goal, .. } => Some(goal),
        }
    }

    /// The component's conditions and limits.
    pub fn limits(&self) -> &Limits {
        match self {
            Component::Rate { limits, .. }
            | Component::Tiered { limits, .. }
            | Component::Curve { limits, .. }
            | Component::Bonus { limits, .. }
            | Component::Spiff { limits, .. }
            | Component::Clawback { limits, .. }
            | Component::Collection { limits, .. }
            | Component::Pool { limits, .. }
            | Component::Matrix { limits, .. } => limits,
        }
    }

    /// The kind's name, as written in plans: `rate`, `tiered`, `curve`, `bonus`, `spiff`,
    /// `pool`, `clawback`, `collection`, `matrix`.
    pub fn kind(&self) -> &'static str {
        match self {
            Component::Rate { .. } => "rate",
            Component::Tiered { .. } => "tiered",
            Component::Curve { .. } => "curve",
            Component::Bonus { .. } => "bonus",
            Component::Spiff { .. } => "spiff",
            Component::Pool { .. } => "pool",
            Component::Clawback { .. } => "clawback",
            Component::Collection { .. } => "collection",
            Component::Matrix { .. } => "matrix",
        }
    }
}

/// Sales in date order, then row order (rows are unique, so an unstable sort gives the
/// one order; one sort shared by clawbacks and per-deal lines keeps the browser module
/// to one copy).
pub(crate) fn by_date_then_row(sales: &mut [(chrono::NaiveDate, usize, rust_decimal::Decimal)]) {
    sales.sort_unstable_by_key(|(date, row, _)| (*date, *row));
}

// Read by hand rather than as serde's untagged enum: see `crate::shape`.
impl<'de> Deserialize<'de> for Cap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use crate::shape;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct MultipleFields {
            #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
            multiple: Decimal,
        }
        const EXPECTED: &str = "a cap: an amount, or { multiple = \"2\" } of the target incentive";
        // A number (also one kept by its digits, which JSON writes as an object) or a
        // decimal string; otherwise a table.
        let value = shape::value(deserializer)?;
        if shape::is_number(&value) || value.is_string() {
            return shape::decimal(value).map(Cap::Amount);
        }
        match value {
            serde_json::Value::Object(fields) => {
                let MultipleFields { multiple } = shape::read(fields)?;
                Ok(Cap::Multiple { multiple })
            }
            value => Err(shape::unexpected(&value, EXPECTED)),
        }
    }
}
