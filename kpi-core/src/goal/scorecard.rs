//! Scorecard rows: each goal's actual, target, attainment, gap and status for each scope,
//! with pacing while the period runs.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::resolve::{Base, Resolved, Scope, ScopeRef, TargetResolver, scopes_of};
use super::{
    Amount, BaselineWindow, Direction, Goal, GoalPeriod, Judging, Review, Target, Thresholds,
    span_around, to_date,
};
use crate::decimal::TryArithmetic;
use crate::decimal::{OrOverflow, checked_sum, ratio};
use crate::error::{Error, Result};
use crate::formula::Unit;
use crate::measure::{IndexedMeasures, MetricBook};
use crate::org::{Org, ScopeKind, UNASSIGNED};
use crate::period::{Calendar, DayBasis, Period};
use crate::report::Name;
use crate::report::{Fallback, LongTerm, NoTarget, NoTargetReason, Pacing, ScorecardRow};

/// What the scorecard step needs to know of the plan.
pub(crate) struct ScorecardInput<'a> {
    pub calendar: &'a Calendar,
    pub org: &'a Org,
    pub book: &'a MetricBook<'a>,
    pub measures: &'a IndexedMeasures<'a>,
    pub period: &'a Period,
    pub resolver: &'a TargetResolver<'a>,
    pub thresholds: Thresholds,
    /// The day the actuals run to, for pacing an unfinished period.
    pub as_of: Option<NaiveDate>,
    pub day_basis: DayBasis,
}

/// How a goal scores: its direction, thresholds and whether its metric is already
/// relative to the target.
#[derive(Clone, Copy)]
struct Scoring {
    direction: Direction,
    thresholds: Thresholds,
    reads_target: bool,
}

impl Scoring {
    /// How `goal` scores: its direction (else its metric's), its thresholds (else the
    /// plan's).
    fn of(goal: &Goal, input: &ScorecardInput<'_>) -> Scoring {
        let metric = goal.metric_id();
        Scoring {
            direction: goal
                .direction
                .or_else(|| input.book.direction(metric))
                .unwrap_or_default(),
            thresholds: goal.thresholds.unwrap_or(input.thresholds),
            reads_target: input.book.reads_target(metric),
        }
    }

    /// Direction-aware attainment: `actual / target` when higher is better; `2 - actual /
    /// target` (at least 0) when lower is better, so it is at least 1 exactly when the
    /// actual is at or under the target.
    fn attainment(
        self,
        actual: Option<Decimal>,
        target: Option<Decimal>,
    ) -> Result<Option<Decimal>> {
        if self.reads_target {
            return Ok(actual);
        }
        let (Some(a), Some(t)) = (actual, target) else {
            return Ok(None);
        };
        let Some(r) = ratio(a, t) else {
            return Ok(None);
        };
        Ok(Some(match self.direction {
            Direction::Higher => r,
            Direction::Lower => Decimal::TWO
                .try_sub(r)
                .or_overflow(|| format!("the attainment of {a} against {t}"))?
                .max(Decimal::ZERO)
                .normalize(),
        }))
    }

    /// How many percentage points short of the target a percent metric is (negative
    /// when ahead); `None` for other units, and for metrics that give attainment
    /// themselves.
    fn points_short(self, unit: Unit, gap: Option<Decimal>) -> Option<Decimal> {
        if unit != Unit::Percent || self.reads_target {
            return None;
        }
        gap?.checked_mul(Decimal::ONE_HUNDRED)
    }

    /// How far from the target, in the metric's unit: positive when short of it.
    fn gap(self, actual: Option<Decimal>, target: Option<Decimal>) -> Result<Option<Decimal>> {
        let (Some(a), Some(t)) = (actual, target) else {
            return Ok(None);
        };
        let gap = match self.direction {
            Direction::Higher => t.try_sub(a),
            Direction::Lower => a.try_sub(t),
        };
        gap.or_overflow(|| format!("the gap between {a} and {t}"))
            .map(Some)
    }
}

/// Whether the report's period is over: evaluated whole, or as of its last day.
fn is_closed(input: &ScorecardInput<'_>) -> bool {
    input.as_of.is_none_or(|day| day >= input.period.last_day())
}

/// From this many scopes, a goal's rows are scored on two threads.
const PARALLEL_SCOPES: usize = 500;

/// What a goal applies to in the evaluated period, when it applies.
struct Planned<'a> {
    /// Its goal periods within the period (a long-term goal's span, when reviewed inside
    /// it: the span is its one goal period).
    parts: Vec<Period>,
    /// The scopes it scores.
    scopes: Vec<Scope<'a>>,
    /// For a long-term goal reviewed in a period of its span: the span.
    span: Option<Period>,
}

impl<'a> Planned<'a> {
    fn of(
        input: &ScorecardInput<'a>,
        keys: &'a [crate::org::StintKey<'a>],
        goal: &Goal,
        goal_period: GoalPeriod,
    ) -> Option<Planned<'a>> {
        let span = span_around(goal, goal_period, input.period);
        let parts = match span {
            Some(span) => vec![span],
            None => goal_periods(input, &goal_period)?,
        };
        Some(Planned {
            parts,
            scopes: scopes_of(input.org, keys, goal.scope_kind(), input.period),
            span,
        })
    }
}

/// The rows of every goal that applies to the period, in plan order, and the company
/// roll-ups of the member and team goals.
pub(crate) fn scorecards(
    input: &ScorecardInput<'_>,
    goals: &[(&Goal, GoalPeriod)],
) -> Result<(Vec<ScorecardRow>, Vec<ScorecardRow>)> {
    let keys = input.resolver.stint_keys();
    // Every goal's scopes first, so that the rows are reserved once: growing the vector
    // goal by goal moved thousands of rows each time.
    let planned: Vec<Option<Planned<'_>>> = goals
        .iter()
        .map(|(goal, goal_period)| Planned::of(input, keys, goal, *goal_period))
        .collect();
    // Each goal's scopes, and `unassigned`; dimension values are not known yet.
    let mut rows = Vec::with_capacity(planned.iter().flatten().map(|p| p.scopes.len() + 1).sum());
    let mut rollups = Vec::new();
    for (index, ((goal, _), planned)) in goals.iter().zip(planned).enumerate() {
        let Some(Planned {
            parts,
            scopes,
            span,
        }) = planned
        else {
            continue;
        };
        let metric = goal.metric_id();
        let additive = input.book.is_additive(metric);
        let targets_add_up = input.book.target_adds_up(metric);
        let scoring = Scoring::of(goal, input);
        let names = GoalNames::of(goal);
        let row_for = |scope: ScopeKind, s: ScopeRef<'_>, name: &str| -> Result<ScorecardRow> {
            let scored = || -> Result<ScorecardRow> {
                let resolved = if s.id == UNASSIGNED {
                    None
                } else {
                    over_parts(input, index, s, &parts, targets_add_up)?
                };
                let (actual, resolved, long_term) =
                    measured(input, (index, goal), (span, additive), s, resolved)?;
                let mut row = row(
                    input,
                    (goal, &names),
                    scoring,
                    additive,
                    (scope, s, name),
                    actual,
                    resolved,
                )?;
                with_long_term(&mut row, (span, long_term), scoring)?;
                (row.baseline, row.fallback) = shown_baseline(input, index, s, &parts, additive)?;
                row.no_target = why_no_target(input, (index, goal), s, (&parts, row.target))?;
                Ok(row)
            };
            scored().map_err(|e| in_goal(e, index, &goal.id, s.id))
        };
        let first_row = rows.len();
        let kind = goal.scope_kind();
        // Rows are independent: thousands of members are scored on two threads.
        crate::parallel::in_halves(&scopes, PARALLEL_SCOPES, &mut rows, |scope| {
            let s = ScopeRef {
                id: scope.id,
                keys: &scope.members,
                team: scope.team,
            };
            row_for(kind, s, scope.name)
        })?;
        if let Some(dimension) = goal.dimension.as_deref() {
            for (key, value) in dimension_scopes(input, metric, dimension) {
                // Facts without a value are scored too, as `(none)`: nothing is dropped.
                let id = if value.is_empty() {
                    crate::report::NO_VALUE
                } else {
                    value.as_str()
                };
                let keys = [key.as_str()];
                let s = ScopeRef {
                    id,
                    keys: &keys,
                    team: None,
                };
                rows.push(row_for(ScopeKind::Dimension, s, id)?);
            }
        }
        if unassigned_matched(input, metric) && matches!(kind, ScopeKind::Team | ScopeKind::Member)
        {
            let keys = [UNASSIGNED];
            let s = ScopeRef {
                id: UNASSIGNED,
                keys: &keys,
                team: None,
            };
            rows.push(row_for(kind, s, "Unassigned")?);
        }
        if kind != ScopeKind::Company {
            let rollup = rollup(
                input,
                keys,
                (index, &parts, span),
                (goal, &names),
                scoring,
                (additive, targets_add_up),
                &rows[first_row..],
            )
            .map_err(|e| in_goal(e, index, &goal.id, "company"))?;
            rollups.push(rollup);
        }
    }
    Ok((rows, rollups))
}

/// An error while scoring goal `id` (the plan's `goals[index]`) for `scope`, saying so.
fn in_goal(error: Error, index: usize, id: &str, scope: &str) -> Error {
    error
        .context(format_args!("goal `{id}` for `{scope}`"))
        .or_at_path(|| format!("goals[{index}]"))
}

/// Whether facts outside the org fed any metric behind `metric`: then `unassigned` gets
/// a row.
fn unassigned_matched(input: &ScorecardInput<'_>, metric: &str) -> bool {
    input.book.leaves(metric).iter().any(|leaf| {
        input
            .measures
            .metrics
            .get(*leaf)
            .is_some_and(|scopes| scopes.contains_key(UNASSIGNED))
    })
}

/// The company roll-up of a member or team goal: the metric over every fact against the
/// scopes' targets combined.
fn rollup(
    input: &ScorecardInput<'_>,
    keys: &[crate::org::StintKey<'_>],
    (index, parts, span): (usize, &[Period], Option<Period>),
    (goal, names): (&Goal, &GoalNames),
    scoring: Scoring,
    (additive, targets_add_up): (bool, bool),
    scoped: &[ScorecardRow],
) -> Result<ScorecardRow> {
    let target = rollup_target(targets_add_up, scoped.iter().filter_map(|r| r.target))?;
    let original = rollup_target(
        targets_add_up,
        scoped.iter().filter_map(|r| r.original_target.or(r.target)),
    )?;
    // The members' full targets, when ramp or leave prorated some.
    let full = rollup_target(
        targets_add_up,
        scoped.iter().filter_map(|r| r.full_target.or(r.target)),
    )?;
    let company = scopes_of(input.org, keys, ScopeKind::Company, input.period);
    let everyone: &[&str] = company.first().map_or(&[], |c| &c.members);
    let actual = match span {
        // A long-term goal's roll-up is the running total too.
        Some(span) if additive => input.book.value_in(
            goal.metric_id(),
            everyone,
            input.measures,
            &to_date(&span, input.period)?.label(),
        )?,
        _ => input
            .book
            .value(goal.metric_id(), everyone, input.measures, target)?,
    };
    let s = ScopeRef {
        id: "company",
        keys: everyone,
        team: None,
    };
    let version = scoped
        .iter()
        .filter_map(|r| r.adjustment.as_ref())
        .next_back()
        .and_then(|reason| goal.versions.iter().rposition(|v| &v.reason == reason));
    let resolved = target.map(|t| Resolved {
        target: t,
        original: original.unwrap_or(t),
        version,
        full: full.unwrap_or(t),
    });
    let mut row = row(
        input,
        (goal, names),
        scoring,
        additive,
        (ScopeKind::Company, s, "Company"),
        actual,
        resolved,
    )?;
    // The company's own baseline: the scopes' fallbacks are theirs.
    row.baseline = shown_baseline(input, index, s, parts, additive)?.0;
    if span.is_some() {
        row.pacing = None; // a running total is paced by the scopes' `long_term`
    }
    Ok(row)
}

/// Puts a long-term goal's progress on its row, with the projection's attainment; the
/// span's own pacing replaces the period's.
fn with_long_term(
    row: &mut ScorecardRow,
    (span, long_term): (Option<Period>, Option<LongTerm>),
    scoring: Scoring,
) -> Result<()> {
    if span.is_some() {
        // The period's pacing would project a running total as if it were the period's.
        row.pacing = None;
    }
    if let Some(mut long_term) = long_term {
        long_term.projected_attainment =
            scoring.attainment(long_term.projected, Some(long_term.target))?;
        row.long_term = Some(long_term);
    }
    Ok(())
}

/// A row's actual and target. For a long-term goal in a period of its `span`: the
/// running total since the span began (a metric that adds up; else the level in the
/// period), the target due by the period's end in place of the span's, and the progress
/// record.
fn measured(
    input: &ScorecardInput<'_>,
    (index, goal): (usize, &Goal),
    (span, additive): (Option<Period>, bool),
    s: ScopeRef<'_>,
    resolved: Option<Resolved>,
) -> Result<(Option<Decimal>, Option<Resolved>, Option<LongTerm>)> {
    let metric = goal.metric_id();
    let Some(span) = span else {
        let target = resolved.map(|r| r.target);
        let actual = input.book.value(metric, s.keys, input.measures, target)?;
        return Ok((actual, resolved, None));
    };
    let actual = if additive {
        // A member's running total counts all their stints since the span began.
        let keys = input.resolver.window_keys(goal, s);
        let window = to_date(&span, input.period)?.label();
        input
            .book
            .value_in(metric, &keys, input.measures, &window)?
    } else {
        input.book.value(metric, s.keys, input.measures, None)?
    };
    if resolved.is_none() {
        return Ok((actual, None, None));
    }
    // The span's target with the adjustments in force in the reviewed period, not those
    // decided later in the span.
    let Some(r) = input
        .resolver
        .resolve_on(index, s, &span, input.period.last_day())?
    else {
        return Ok((actual, None, None));
    };
    let review = Review {
        calendar: input.calendar,
        span,
        period: input.period,
        as_of: input.as_of,
        day_basis: input.day_basis,
        rounding: input.resolver.rounding,
        unit: input.book.unit(metric),
        additive,
    };
    let (due, long_term) = review.progress(goal, r.target, actual)?;
    let original = if r.original == r.target {
        due
    } else {
        review.progress(goal, r.original, actual)?.0
    };
    let resolved = Resolved {
        target: due,
        original,
        version: r.version,
        full: due,
    };
    Ok((actual, Some(resolved), Some(long_term)))
}

/// The baseline a row shows, and the fallback that set its target if one did. A fixed
/// baseline (a number, a period label) is the same for every goal period; a relative one
/// is each goal period's, summed for a metric that adds up (the target grows that sum),
/// else the last one's. Scopes without their own take what `if_missing` gave.
fn shown_baseline(
    input: &ScorecardInput<'_>,
    index: usize,
    s: ScopeRef<'_>,
    parts: &[Period],
    additive: bool,
) -> Result<(Option<Decimal>, Option<Fallback>)> {
    let goal = input.resolver.goal(index);
    let window = BaselineWindow::of(goal.baseline.as_ref(), input.calendar, &|_| String::new());
    let relative = matches!(window, Ok(Some(w)) if w.is_relative());
    let own_only =
        s.id == UNASSIGNED || s.id == "company" && goal.scope_kind() != ScopeKind::Company;
    let growth = matches!(goal.target, Some(Target::Growth { .. })) && !own_only;
    let parts = match parts {
        [.., last] if !relative => std::slice::from_ref(last),
        parts => parts,
    };
    let mut total: Option<Decimal> = None;
    let mut fallback = None;
    for part in parts {
        let base = if growth {
            input.resolver.growth_base(index, s, part)?
        } else {
            input.resolver.baseline(goal, s, part)?.map(Base::Own)
        };
        let value = match base {
            Some(Base::Own(b)) => b,
            Some(Base::TeamAverage(b)) => {
                fallback = Some(Fallback::TeamAverage);
                b
            }
            Some(Base::Target(_)) => {
                fallback = Some(Fallback::Target);
                return Ok((None, fallback));
            }
            // No target from it (zero, negative): still shown, as the reason's evidence.
            None => match input.resolver.baseline(goal, s, part)? {
                Some(b) if growth => b,
                _ => return Ok((None, None)),
            },
        };
        total = Some(match total {
            Some(t) if additive => t
                .try_add(value)
                .or_overflow(|| "the baseline summed over the goal periods")?,
            _ => value,
        });
    }
    Ok((total, fallback))
}

/// The goal periods the evaluated period is made of (three months of a monthly goal in
/// a quarter), or `None` when the goal does not apply.
fn goal_periods(input: &ScorecardInput<'_>, goal_period: &GoalPeriod) -> Option<Vec<Period>> {
    goal_period.parts(input.calendar, input.period)
}

/// The target over several goal periods: their sum when targets add up (500,000 a month
/// is 1,500,000 a quarter, for revenue and for quota attainment alike), else the target
/// of the last (90% CSAT a month is 90% for the quarter).
fn over_parts(
    input: &ScorecardInput<'_>,
    index: usize,
    scope: ScopeRef<'_>,
    parts: &[Period],
    additive: bool,
) -> Result<Option<Resolved>> {
    let mut total: Option<Resolved> = None;
    for part in parts {
        let Some(r) = input.resolver.resolve(index, scope, part)? else {
            return Ok(None);
        };
        total = Some(match total {
            Some(t) if additive => Resolved {
                target: (t.target.try_add(r.target))
                    .or_overflow(|| "the target summed over the goal periods")?,
                original: (t.original.try_add(r.original))
                    .or_overflow(|| "the target summed over the goal periods")?,
                version: r.version.or(t.version),
                full: (t.full.try_add(r.full))
                    .or_overflow(|| "the target summed over the goal periods")?,
            },
            _ => r,
        });
    }
    Ok(total)
}

/// Why goal `index` has no target (or a zero one, which gives no attainment) for `s`:
/// the first of its goal periods without one, read against the goal's rule. A zero
/// baseline or market size is as unknown as a missing one.
fn why_no_target(
    input: &ScorecardInput<'_>,
    (index, goal): (usize, &Goal),
    s: ScopeRef<'_>,
    (parts, target): (&[Period], Option<Decimal>),
) -> Result<Option<NoTarget>> {
    let zero = target.is_some_and(|t| t.is_zero());
    if s.id == UNASSIGNED || (target.is_some() && !zero) {
        return Ok(None);
    }
    for part in parts {
        let resolved = input.resolver.resolve(index, s, part)?;
        if resolved.is_some_and(|r| !r.target.is_zero()) {
            continue;
        }
        let period = part.label();
        if resolved.is_some_and(|r| !r.full.is_zero()) {
            // Prorated to nothing: on leave, not in post or at a zero ramp step.
            return Ok(Some(NoTarget {
                period: Some(period),
                ..NoTarget::of(NoTargetReason::NoCapacity)
            }));
        }
        // A zero target from a known, non-zero baseline (−100% growth) or from a zero
        // share is a zero target, not an unknown baseline or market.
        let known_baseline = input
            .resolver
            .baseline(goal, s, part)?
            .is_some_and(|b| !b.is_zero());
        return Ok(Some(match &goal.target {
            Some(Target::Growth { .. }) if zero && known_baseline => {
                NoTarget::of(NoTargetReason::ZeroTarget)
            }
            Some(Target::Share { share, .. }) if zero && share.is_zero() => {
                NoTarget::of(NoTargetReason::ZeroTarget)
            }
            Some(Target::Growth { .. }) => {
                let window =
                    BaselineWindow::of(goal.baseline.as_ref(), input.calendar, &|_| String::new())
                        .ok()
                        .flatten()
                        .and_then(|window| window.period_for(part).ok());
                let pending =
                    window.is_some_and(|w| input.as_of.is_some_and(|day| day < w.last_day()));
                NoTarget {
                    period: window.map(|p| p.label()),
                    ..NoTarget::of(if pending {
                        NoTargetReason::BaselinePending
                    } else {
                        NoTargetReason::BaselineUnknown
                    })
                }
            }
            Some(Target::Share {
                market: Amount::Metric { metric },
                ..
            }) => {
                if input.as_of.is_some_and(|d| d < part.last_day()) {
                    NoTarget {
                        period: Some(period),
                        ..NoTarget::of(NoTargetReason::MarketPending)
                    }
                } else {
                    NoTarget {
                        period: Some(period),
                        metric: Some(metric.clone()),
                        ..NoTarget::of(NoTargetReason::MarketUnknown)
                    }
                }
            }
            _ if zero => NoTarget::of(NoTargetReason::ZeroTarget),
            Some(Target::Cascade { .. } | Target::Phase { .. }) => NoTarget {
                parent: goal.parent.clone(),
                ..NoTarget::of(NoTargetReason::ParentWithoutTarget)
            },
            _ => NoTarget::of(NoTargetReason::NoRule),
        }));
    }
    // Every part has a target yet the total is zero: targets that sum to nothing.
    Ok(zero.then_some(NoTarget::of(NoTargetReason::ZeroTarget)))
}

/// A goal's id and metric as every one of its rows carries them, made once per goal.
struct GoalNames {
    goal: Name,
    metric: Name,
}

impl GoalNames {
    fn of(goal: &Goal) -> Self {
        GoalNames {
            goal: Name::new(&goal.id),
            metric: Name::new(goal.metric_id()),
        }
    }
}

/// One scorecard row.
fn row(
    input: &ScorecardInput<'_>,
    (goal, names): (&Goal, &GoalNames),
    scoring: Scoring,
    additive: bool,
    (scope, s, name): (ScopeKind, ScopeRef<'_>, &str),
    actual: Option<Decimal>,
    resolved: Option<Resolved>,
) -> Result<ScorecardRow> {
    let target = resolved.map(|r| r.target);
    let attainment = scoring.attainment(actual, target)?;
    let adjusted = resolved.filter(|r| r.target != r.original);
    let adjustment = adjusted
        .and_then(|r| r.version)
        .and_then(|i| goal.versions.get(i))
        .map(|v| v.reason.clone());
    let unit = input.book.unit(goal.metric_id());
    let gap = scoring.gap(actual, target)?;
    let points_short = scoring.points_short(unit, gap);
    // Dimension scopes are not measured for the forecast: only the org's are. Measures
    // taken without the forecast (an older document) give none, rather than zeros.
    let mut forecast = None;
    if goal.forecast && scope != ScopeKind::Dimension {
        let mut buckets = [Decimal::ZERO; 4];
        let mut measured = true;
        for (bucket, id) in buckets.iter_mut().zip(super::forecast::BUCKETS) {
            match input.measures.sum_of(id, s.keys)? {
                Some(sum) => *bucket = sum,
                None => measured = false,
            }
        }
        if measured {
            forecast = Some(super::forecast::forecast_of(buckets, actual, target)?);
        }
    }
    Ok(ScorecardRow {
        goal: names.goal.clone(),
        metric: names.metric.clone(),
        unit,
        scope,
        id: Name::new(s.id),
        name: Name::new(name),
        team: s.team.map(Name::new),
        actual,
        target,
        attainment,
        direction: scoring.direction,
        gap,
        status: attainment.map(|a| {
            scoring.thresholds.judge(
                a,
                Judging {
                    closed: is_closed(input),
                    points_short,
                },
            )
        }),
        rank: None,
        original_target: adjusted.map(|r| r.original),
        adjustment,
        full_target: resolved.filter(|r| r.full != r.target).map(|r| r.full),
        no_target: None,
        baseline: None,
        fallback: None,
        weight: goal.weight.unwrap_or(Decimal::ONE),
        pacing: pacing(input, (scoring, unit), additive, actual, target)?,
        long_term: None,
        forecast,
    })
}

/// Pacing for a period that is still running on the as-of date.
fn pacing(
    input: &ScorecardInput<'_>,
    (scoring, unit): (Scoring, Unit),
    additive: bool,
    actual: Option<Decimal>,
    target: Option<Decimal>,
) -> Result<Option<Pacing>> {
    let Some(as_of) = input.as_of else {
        return Ok(None);
    };
    let period = input.period;
    if as_of >= period.last_day() || as_of < period.start() {
        return Ok(None);
    }
    let Some(elapsed) = input
        .calendar
        .elapsed_fraction(period, as_of, input.day_basis)
    else {
        return Ok(None);
    };
    let Some(through) = as_of.succ_opt() else {
        return Ok(None);
    };
    let days = |from, to| Decimal::from(input.calendar.count_days(from, to, input.day_basis));
    let remaining_days = input
        .calendar
        .count_days(through, period.end(), input.day_basis);
    // A sum or a count runs at a rate; a ratio or an average is already its own forecast.
    // `actual × total days / elapsed days` divides once, so 300 over 15 of 31 days is
    // exactly 620.
    let overflow = || "the projection of the run rate";
    let projected = match actual {
        Some(a) if additive => {
            let total = a
                .try_mul(days(period.start(), period.end()))
                .or_overflow(overflow)?;
            ratio(total, days(period.start(), through))
        }
        _ => actual,
    };
    let projected_attainment = scoring.attainment(projected, target)?;
    let remaining = match (actual, target) {
        (Some(a), Some(t)) if additive => Some(
            t.try_sub(a)
                .or_overflow(|| "what remains to the target")?
                .max(Decimal::ZERO),
        ),
        _ => None,
    };
    Ok(Some(Pacing {
        as_of,
        elapsed,
        remaining_days,
        projected,
        projected_attainment,
        projected_status: projected_attainment.map(|a| {
            let gap = scoring.gap(projected, target).ok().flatten();
            scoring.thresholds.judge(
                a,
                Judging {
                    closed: false,
                    points_short: scoring.points_short(unit, gap),
                },
            )
        }),
        remaining,
        required_per_day: remaining
            .and_then(|r| ratio(r, Decimal::from(remaining_days)))
            .map(|r| r.round_dp(2)),
    }))
}

/// The company target of a member or team goal: the sum of the targets when they add up
/// (a sum or a count, or a quota that a metric such as `revenue / target` reads); otherwise the common target when every scope has the same
/// one (a 90% CSAT goal for every team is a 90% goal for the company), else none.
fn rollup_target(
    additive: bool,
    targets: impl Iterator<Item = Decimal>,
) -> Result<Option<Decimal>> {
    let targets: Vec<Decimal> = targets.collect();
    if additive {
        return checked_sum(targets)
            .or_overflow(|| "the sum of the scopes' targets")
            .map(Some);
    }
    let Some(&first) = targets.first() else {
        return Ok(None);
    };
    Ok(targets.iter().all(|t| *t == first).then_some(first))
}

/// The values of `dimension` that facts behind `metric` hold in the measures, in order,
/// with their measures keys (`attributes.region=华东`).
fn dimension_scopes(
    input: &ScorecardInput<'_>,
    metric: &str,
    dimension: &str,
) -> Vec<(String, String)> {
    let prefix = format!("{dimension}=");
    let mut values = std::collections::BTreeMap::new();
    for leaf in input.book.leaves(metric) {
        for key in input
            .measures
            .metrics
            .get(leaf)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            if let Some(value) = key.strip_prefix(&prefix) {
                values.insert(value.to_owned(), key.clone());
            }
        }
    }
    values
        .into_iter()
        .map(|(value, key)| (key, value))
        .collect()
}
