//! Incentives: the components that turn results into pay, and the statements they produce.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decimal::Rounding;
use crate::measure::Measures;
use crate::metric::MetricBook;
use crate::org::Org;
use crate::period::{Calendar, Grain, Period};
use crate::report::{PayoutLine, Statement, group_thousands, percent};

/// Who an incentive pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum AppliesTo {
    /// Every member of the org, each on their own results.
    Members,
}

/// An incentive plan (激励方案), under `[[incentives]]`.
///
/// ```toml
/// [[incentives]]
/// id = "rep-commission"
/// applies_to = "members"
/// period = "quarter"
/// components = [{ kind = "rate", metric = "revenue", rate = "0.03" }]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Incentive {
    /// Unique id of the incentive.
    pub id: String,
    /// A human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub name: Option<String>,
    /// Who is paid.
    pub applies_to: AppliesTo,
    /// The payout period's grain: the incentive pays only when a whole period of this
    /// grain is evaluated. When omitted it pays on any period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub period: Option<Grain>,
    /// The components, each paying one line.
    pub components: Vec<Component>,
}

/// One part of an incentive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Component {
    /// A flat rate on a metric's actual: `rate × actual`.
    Rate {
        /// The metric paid on.
        metric: String,
        /// The rate, for example `0.03` for 3%.
        #[cfg_attr(feature = "typescript", tsify(type = "string | number"))]
        rate: Decimal,
    },
}

impl Component {
    /// The metric the component reads.
    pub fn metric(&self) -> &str {
        match self {
            Component::Rate { metric, .. } => metric,
        }
    }
}

/// What the statement step needs of the plan.
pub(crate) struct StatementInput<'a> {
    pub calendar: &'a Calendar,
    pub book: &'a MetricBook<'a>,
    pub org: &'a Org,
    pub rounding: Rounding,
    pub measures: &'a Measures,
    pub period: &'a Period,
}

/// One statement per member in the org during the period, with a line per component of
/// each incentive that pays in it. Members are in org order; a member with no line still
/// gets a statement (total 0), so nobody is missing from a payout run.
pub(crate) fn statements(input: &StatementInput<'_>, incentives: &[Incentive]) -> Vec<Statement> {
    let paying: Vec<&Incentive> = incentives
        .iter()
        .filter(|i| {
            i.period
                .is_none_or(|grain| input.calendar.count_within(grain, input.period) == Some(1))
        })
        .collect();
    if paying.is_empty() {
        return Vec::new();
    }
    // Everyone in the org during the period, once, paid on the facts of all their stints.
    input
        .org
        .members_in(input.period.start(), input.period.end())
        .into_iter()
        .map(|(member, keys)| {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let mut lines = Vec::new();
            for incentive in &paying {
                for (index, component) in incentive.components.iter().enumerate() {
                    let Component::Rate { metric, rate } = component;
                    // A metric with no value (an average over no facts) pays nothing.
                    let basis = input
                        .book
                        .value(metric, &keys, input.measures, None)
                        .unwrap_or_default();
                    let amount = input.rounding.apply(basis * rate);
                    lines.push(PayoutLine {
                        incentive: incentive.id.clone(),
                        component: index,
                        metric: metric.clone(),
                        basis,
                        rate: *rate,
                        amount,
                        explanation: format!(
                            "{} of {metric} {} = {}",
                            percent(*rate),
                            group_thousands(basis),
                            group_thousands(amount)
                        ),
                    });
                }
            }
            let total = input.rounding.apply(lines.iter().map(|l| l.amount).sum());
            Statement {
                member: member.id.clone(),
                name: member.name.clone(),
                team: member.team.clone(),
                lines,
                total,
            }
        })
        .collect()
}
