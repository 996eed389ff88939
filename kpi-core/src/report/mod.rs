//! The report: scorecards and payout statements for one period, serde-serialisable and
//! deterministic (the same plan and facts give byte-identical JSON).

mod sentence;
mod text;

pub use sentence::Sentence;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::formula::Unit;
use crate::goal::{Direction, Status};
use crate::org::ScopeKind;
use crate::period::PeriodInfo;

/// An id or display name in a report (member, team, goal, metric, incentive, kind): a
/// string that reads as `&str` (it derefs to one and compares with one) and is kept
/// inline up to 23 bytes, so the thousands of rows of a large org's report copy their
/// ids and names instead of allocating each (`smol_str`). Serialised as a plain string.
pub use smol_str::SmolStr as Name;

/// The result of evaluating a plan for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Report {
    /// The period evaluated.
    pub period: PeriodInfo,
    /// The day the actuals run to, when the period was evaluated before its end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// The goal's baseline for the scope, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub baseline: Option<Decimal>,
    /// Pacing, when the period is still running on the report's as-of date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub pacing: Option<Pacing>,
}

/// How a goal is pacing in a period that has not ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Pacing {
    /// The day the actuals run to.
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

impl Report {
    /// The report as pretty-printed JSON, the form the shared test vectors store.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// The sum of all statement totals.
    pub fn total_payout(&self) -> Decimal {
        self.statements.iter().map(|s| s.total).sum()
    }

    /// The draw balances the statements carry, as the next period's input
    /// ([`crate::Plan::evaluate_with`]).
    pub fn balances(&self) -> crate::incentive::Balances {
        self.statements
            .iter()
            .filter(|s| !s.balances.is_empty())
            .map(|s| (s.member.to_string(), s.balances.clone()))
            .collect()
    }
}

/// Formats a decimal with thousands separators: `1234567.8` → `1,234,567.8`.
pub fn group_thousands(value: Decimal) -> String {
    let mut text = String::with_capacity(24);
    write_decimal(&mut text, value, true);
    text
}

/// Formats a rate as a percentage: `0.05` → `5%`, `0.125` → `12.5%`.
pub fn percent(rate: Decimal) -> String {
    let mut text = String::with_capacity(8);
    // The decimal point moved two places right, so no rate overflows the multiplication.
    let rate = rate.normalize();
    if let Some(scale) = rate.scale().checked_sub(2) {
        write_decimal(
            &mut text,
            Decimal::from_i128_with_scale(rate.mantissa(), scale),
            false,
        );
    } else {
        // `1.5` is `150%`: the mantissa's digits, then the zeros the scale lacks.
        write_decimal(
            &mut text,
            Decimal::from_i128_with_scale(rate.mantissa(), 0),
            false,
        );
        if !rate.is_zero() {
            text.push_str(&"00"[rate.scale() as usize..]);
        }
    }
    text.push('%');
    text
}

/// Writes `value` as `Display` does (every digit of its scale), with a comma before
/// each group of three whole digits when `grouped`. Reports write thousands of figures:
/// the digits come straight from the mantissa, without the formatting machinery.
fn write_decimal(out: &mut String, value: Decimal, grouped: bool) {
    let scale = value.scale() as usize;
    let mantissa = value.mantissa();
    // The digits, last first: a 96-bit mantissa has at most 29, the scale at most 28.
    let mut digits = [b'0'; 40];
    let mut len = 0;
    let mut rest = mantissa.unsigned_abs();
    // 128-bit division is a library call: only the digits beyond 64 bits take it.
    while rest > u128::from(u64::MAX) {
        digits[len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    let mut rest = u64::try_from(rest).unwrap_or_default();
    while rest > 0 {
        digits[len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    let len = len.max(scale + 1); // `0.05`: zeros up to the unit digit
    // The text, first first: sign, whole digits with their commas, point, fraction.
    let mut text = [0u8; 72];
    let mut at = 0;
    if mantissa < 0 {
        text[at] = b'-';
        at += 1;
    }
    let whole = len - scale;
    for (i, &digit) in digits[scale..len].iter().rev().enumerate() {
        if grouped && i > 0 && (whole - i) % 3 == 0 {
            text[at] = b',';
            at += 1;
        }
        text[at] = digit;
        at += 1;
    }
    if scale > 0 {
        text[at] = b'.';
        at += 1;
        for &digit in digits[..scale].iter().rev() {
            text[at] = digit;
            at += 1;
        }
    }
    out.push_str(std::str::from_utf8(&text[..at]).unwrap_or_default());
}

/// The parts joined into one string, allocated once: report lines are built from a
/// handful of figures and words, thousands of times.
pub(crate) fn join(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

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

    #[test]
    fn formats_numbers_for_people() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(group_thousands(d("1234567.89")), "1,234,567.89");
        assert_eq!(group_thousands(d("-1000")), "-1,000");
        assert_eq!(group_thousands(d("999.5")), "999.5");
        assert_eq!(group_thousands(d("0.05")), "0.05");
        assert_eq!(group_thousands(d("-123456")), "-123,456");
        assert_eq!(percent(d("0.05")), "5%");
        assert_eq!(percent(d("0.125")), "12.5%");
        assert_eq!(group_thousands(d("0.00")), "0.00");
        assert_eq!(group_thousands(d("-0.001")), "-0.001");
        assert_eq!(
            group_thousands(Decimal::MAX),
            "79,228,162,514,264,337,593,543,950,335"
        );
        assert_eq!(percent(d("1.5")), "150%");
        assert_eq!(percent(d("2")), "200%");
        assert_eq!(percent(d("0")), "0%");
        assert_eq!(percent(d("0.10")), "10%");
        assert_eq!(percent(Decimal::MAX), "7922816251426433759354395033500%");
    }

    proptest::proptest! {
        /// Grouping only inserts a comma before each group of three whole digits.
        #[test]
        fn grouping_keeps_the_digits(
            lo in proptest::num::u32::ANY,
            mid in proptest::num::u32::ANY,
            hi in proptest::num::u32::ANY,
            negative in proptest::bool::ANY,
            scale in 0u32..=28,
        ) {
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            if let Some(hundredfold) = value.checked_mul(Decimal::ONE_HUNDRED) {
                proptest::prop_assert_eq!(percent(value), format!("{}%", hundredfold.normalize()));
            }
            let grouped = group_thousands(value);
            proptest::prop_assert_eq!(grouped.replace(',', ""), value.to_string());
            let whole = grouped.trim_start_matches('-').split('.').next().unwrap_or_default();
            for (i, group) in whole.split(',').enumerate() {
                let fits = if i == 0 { (1..=3).contains(&group.len()) } else { group.len() == 3 };
                proptest::prop_assert!(fits, "{grouped}");
            }
        }
    }
}
