//! Long-term goals with checkpoints: a goal over a span (`FY2027..FY2029`, the seed's
//! three-year plan) reviewed in the shorter periods inside it. Evaluating a year (or a
//! quarter) of the span scores the goal's progress to date against the checkpoint due by
//! then, and paces it to the span's end.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Baseline, Goal, GoalPeriod};
use crate::decimal::{OrOverflow, Rounding, TryArithmetic};
use crate::error::{Error, ErrorKind, Result};
use crate::formula::Unit;
use crate::period::{Calendar, DayBasis, Grain, Period};
use crate::report::LongTerm;

/// A long-term goal's checkpoints, under its `checkpoints`.
///
/// ```toml
/// [[goals]]
/// id = "three-year-revenue"
/// metric = "revenue"
/// scope = "company"
/// period = "FY2027..FY2029"
/// target = "200000000"
/// checkpoints = { every = "year", targets = ["60000000", "130000000", "200000000"] }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Checkpoints {
    /// How often: `year`, `half`, `quarter` or `month`; the span must be made of at least
    /// two such periods.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub every: Grain,
    /// What is due by the end of each checkpoint, in order: the running total for a metric
    /// that adds up (revenue, customers), else the level to reach (a market share); the
    /// last is the goal's target. Only for a company goal; when omitted, even steps: the
    /// target times the share of the span's checkpoints done, or, for a level with a
    /// numeric `baseline`, even steps from the baseline to the target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Array<string | number>", optional)
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Vec<crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::vec")]
    pub targets: Vec<Decimal>,
}

/// The most checkpoints a span may have (ten years of months).
const MAX_CHECKPOINTS: usize = 120;

/// The span of a long-term goal that strictly contains `period` (the goal applies to it
/// as a checkpoint review), if `goal` is one.
pub(crate) fn span_around(goal: &Goal, goal_period: GoalPeriod, period: &Period) -> Option<Period> {
    let GoalPeriod::Only(span) = goal_period else {
        return None;
    };
    let inside = span.start() <= period.start() && period.end() <= span.end();
    let same = span.start() == period.start() && span.end() == period.end();
    (goal.checkpoints.is_some() && inside && !same).then_some(span)
}

/// The window a long-term goal's running total is measured over when `period` is
/// reviewed: from the span's start through `period`'s end.
pub(crate) fn to_date(span: &Period, period: &Period) -> Result<Period> {
    Period::range(span.start(), period.end())
}

/// Checks a goal's `checkpoints` (errors at `at(field)`).
pub(crate) fn check(
    goal: &Goal,
    goal_period: GoalPeriod,
    at: &dyn Fn(&str) -> String,
) -> Result<()> {
    let Some(checkpoints) = &goal.checkpoints else {
        return Ok(());
    };
    let fail = |field: &str, message: String| {
        Err(Error::new(ErrorKind::PlanInvalid, message).at_path(at(field)))
    };
    let GoalPeriod::Only(span) = goal_period else {
        return fail(
            "checkpoints",
            "checkpoints belong to a goal over one span (period = \"FY2027..FY2029\"), not a recurring one".to_owned(),
        );
    };
    if matches!(checkpoints.every, Grain::Day | Grain::Week) {
        return fail(
            "checkpoints.every",
            format!(
                "checkpoints come every month, quarter, half or year, not every {}",
                checkpoints.every
            ),
        );
    }
    let parts = span.children(checkpoints.every).unwrap_or_default();
    if parts.len() > MAX_CHECKPOINTS {
        return fail(
            "checkpoints.every",
            format!(
                "{} has {} {}s: at most {MAX_CHECKPOINTS} checkpoints",
                span.label(),
                parts.len(),
                checkpoints.every
            ),
        );
    }
    if parts.len() < 2 {
        return fail(
            "checkpoints.every",
            format!(
                "{} is not made of two or more whole {}s",
                span.label(),
                checkpoints.every
            ),
        );
    }
    if checkpoints.targets.is_empty() {
        return Ok(());
    }
    if goal.scope_kind() != crate::org::ScopeKind::Company {
        return fail(
            "checkpoints.targets",
            "checkpoint amounts are for a company goal; a team or member goal takes even steps (leave `targets` out)".to_owned(),
        );
    }
    if checkpoints.targets.len() != parts.len() {
        return fail(
            "checkpoints.targets",
            format!(
                "{} has {} {}s, so it needs {} checkpoint targets, not {}",
                span.label(),
                parts.len(),
                checkpoints.every,
                parts.len(),
                checkpoints.targets.len()
            ),
        );
    }
    if let (Some(super::Target::Fixed(target)), Some(last)) =
        (&goal.target, checkpoints.targets.last())
        && target != last
    {
        return fail(
            "checkpoints.targets",
            format!("the last checkpoint is the goal's target, {target}, not {last}"),
        );
    }
    Ok(())
}

/// What scoring a long-term goal in one period of its span needs to know.
pub(crate) struct Review<'a> {
    pub calendar: &'a Calendar,
    pub span: Period,
    /// The period reviewed.
    pub period: &'a Period,
    /// The day the actuals run to, if the period is still running.
    pub as_of: Option<NaiveDate>,
    pub day_basis: DayBasis,
    pub rounding: Rounding,
    pub unit: Unit,
    /// Whether the metric adds up: checkpoints are running totals, else levels.
    pub additive: bool,
}

impl Review<'_> {
    /// The last day the review counts: the period's, or the as-of day within it.
    fn through(&self) -> NaiveDate {
        let last = self.period.last_day();
        self.as_of.map_or(last, |day| day.min(last))
    }

    /// The checkpoint periods of the span.
    fn checkpoints(&self, every: Grain) -> Result<Vec<Period>> {
        self.span.children(every)
    }

    /// What is due by the end of checkpoint `k` (0-based) of `n`, for a span `target`.
    /// Listed checkpoints scale with an adjusted target (the list is the plan's target's).
    fn due_at(&self, goal: &Goal, k: usize, n: usize, target: Decimal) -> Result<Decimal> {
        if let Some(due) = goal.checkpoints.as_ref().and_then(|c| c.targets.get(k)) {
            return match goal.target {
                Some(super::Target::Fixed(planned)) if planned != target && !planned.is_zero() => {
                    let what = || format!("checkpoint {} scaled to the adjusted target", k + 1);
                    let scaled = due.try_mul(target).or_overflow(what)?;
                    self.round(scaled.try_div(planned).or_overflow(what)?)
                }
                _ => Ok(*due),
            };
        }
        if k + 1 == n {
            return Ok(target);
        }
        let share = Decimal::from(k as u64 + 1)
            .try_div(Decimal::from(n as u64))
            .or_overflow(|| "the share of the span's checkpoints")?;
        let from = match (&goal.baseline, self.additive) {
            (Some(Baseline::Value(b)), false) => *b,
            _ if self.additive => Decimal::ZERO,
            _ => return Ok(target), // a level without a baseline: the target throughout
        };
        let what = || format!("the checkpoint due after {} of {n}", k + 1);
        let step = target.try_sub(from).or_overflow(what)?;
        self.round(
            from.try_add(step.try_mul(share).or_overflow(what)?)
                .or_overflow(what)?,
        )
    }

    fn round(&self, value: Decimal) -> Result<Decimal> {
        if self.unit == Unit::Money {
            self.rounding.apply(value)
        } else {
            Ok(value.normalize())
        }
    }

    /// The target due by the reviewed period's end (the row's target) and the progress
    /// record, for a scope whose span target is `target` and whose `actual` is its running
    /// total (a metric that adds up) or its level in the period.
    pub(crate) fn progress(
        &self,
        goal: &Goal,
        target: Decimal,
        actual: Option<Decimal>,
    ) -> Result<(Decimal, LongTerm)> {
        let every = goal.checkpoints.as_ref().map_or(Grain::Year, |c| c.every);
        let checkpoints = self.checkpoints(every)?;
        let n = checkpoints.len();
        let through = self.through();
        // The checkpoint being worked on: the first that ends after the last day counted.
        let k = checkpoints
            .iter()
            .position(|c| c.last_day() >= through)
            .unwrap_or(n.saturating_sub(1));
        let current = checkpoints[k];
        let due_here = self.due_at(goal, k, n, target)?;
        let due_now = if self.additive && through < current.last_day() {
            // Part of the way through a checkpoint: its step, pro rata to the days done.
            let before = match k {
                0 => Decimal::ZERO,
                k => self.due_at(goal, k - 1, n, target)?,
            };
            let done = self
                .calendar
                .elapsed_fraction(&current, through, self.day_basis)
                .unwrap_or(Decimal::ONE);
            let what = || format!("the part of {} due by {through}", current.label());
            let step = due_here.try_sub(before).or_overflow(what)?;
            self.round(
                before
                    .try_add(step.try_mul(done).or_overflow(what)?)
                    .or_overflow(what)?,
            )?
        } else {
            due_here
        };
        let elapsed = self
            .calendar
            .elapsed_fraction(&self.span, through, self.day_basis)
            .unwrap_or(Decimal::ZERO);
        let (remaining, projected) = match actual {
            Some(actual) if self.additive => {
                let what = || "the span's remaining target";
                let left = target.try_sub(actual).or_overflow(what)?.max(Decimal::ZERO);
                let projected = crate::decimal::ratio(actual, elapsed)
                    .map(|p| self.round(p))
                    .transpose()?;
                (Some(left), projected)
            }
            Some(actual) => (None, Some(actual)),
            None => (None, None),
        };
        let long_term = LongTerm {
            period: self.span.label(),
            target,
            checkpoint: current.label(),
            checkpoint_target: due_here,
            elapsed: elapsed.normalize(),
            remaining,
            projected,
            projected_attainment: None,
        };
        Ok((due_now, long_term))
    }
}
