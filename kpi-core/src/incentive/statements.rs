//! Statements: each member's payout lines for the period, priced by the engine from the
//! report's measures and scorecards.

use std::collections::BTreeMap;

use hashbrown::HashMap;

use rust_decimal::Decimal;

use super::engine::{ComponentInputs, GoalMetric, Terms, apply_cap, evaluate_component_in};
use super::{Component, Incentive, PoolSplit};
use crate::decimal::TryArithmetic;
use crate::decimal::{OrOverflow, Rounding, checked_sum};
use crate::error::Result;
use crate::measure::{IndexedMeasures, MetricBook};
use crate::org::{Member, Org, ScopeKind};
use crate::period::{Calendar, DayBasis, Period};
use crate::report::{Labels, Locale, Name};
use crate::report::{PayoutLine, ScoreRow, ScorecardRow, Statement};

/// What the statement step needs of the plan and the report.
pub(crate) struct StatementInput<'a> {
    pub calendar: &'a Calendar,
    pub book: &'a MetricBook<'a>,
    pub org: &'a Org,
    /// The org's [`Org::stint_keys`], computed once per report.
    pub stint_keys: &'a [crate::org::StintKey<'a>],
    pub rounding: Rounding,
    pub measures: &'a IndexedMeasures<'a>,
    pub period: &'a Period,
    /// The period's scorecard rows and company roll-ups: goals' targets and attainments.
    pub rows: &'a [&'a ScorecardRow],
    /// `rows` by (goal, scope, id): statements look rows up per member and component.
    pub row_index: HashMap<(&'a str, ScopeKind, &'a str), usize>,
    /// The members' weighted scores (gates on `score`).
    pub scores: &'a [ScoreRow],
    /// Draw balances carried from the previous payout period.
    pub balances: &'a super::Balances,
    /// What the plan calls its metrics and goals: the lines' sentences use the names.
    pub labels: &'a Labels,
    /// Each pool's parts, split once per pool and scope rather than once per member
    /// (which made a company pool quadratic in the org's size).
    pub pool_parts: PoolParts,
    /// Each member id's stints and each member's score, indexed on first use, so
    /// prorations and score gates do not scan the org per member.
    pub lookups: Lookups<'a>,
}

/// Indexes built on first use by the statements that need them.
#[derive(Default)]
pub(crate) struct Lookups<'a> {
    stints: std::sync::OnceLock<HashMap<&'a str, Vec<&'a Member>>>,
    scores: std::sync::OnceLock<HashMap<&'a str, Option<Decimal>>>,
}

/// Pool parts by (the component's address, the goal row's scope and id): member id →
/// part. Shared by the threads that price statements.
pub(crate) type PoolParts =
    std::sync::Mutex<HashMap<(usize, ScopeKind, String), HashMap<String, Decimal>>>;

/// The index of scorecard rows by (goal, scope, id); the first row wins.
pub(crate) fn index_rows<'r>(
    rows: &[&'r ScorecardRow],
) -> HashMap<(&'r str, ScopeKind, &'r str), usize> {
    let mut index = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        index
            .entry((row.goal.as_str(), row.scope, row.id.as_str()))
            .or_insert(i);
    }
    index
}

/// The note (English, Chinese) that a part of a line was earned in one team: "t1 (40 of
/// 91 days)".
type TeamNote = (String, String);

/// A component's inputs for the days a member was in one team, with that team's note.
type TeamInputs = (ComponentInputs, Option<TeamNote>);

impl StatementInput<'_> {
    /// The row of `goal` that applies to `member`: their own, else their team's, else
    /// the company's.
    fn goal_row(&self, goal: &str, member: &Member) -> Option<&ScorecardRow> {
        let of = |scope: ScopeKind, id: &str| {
            self.row_index
                .get(&(goal, scope, id))
                .map(|&i| self.rows[i])
        };
        of(ScopeKind::Member, &member.id)
            .or_else(|| of(ScopeKind::Team, &member.team))
            .or_else(|| of(ScopeKind::Company, "company"))
    }

    fn inputs(
        &self,
        incentive: &Incentive,
        component: &Component,
        member: &Member,
        keys: &[&str],
    ) -> Result<ComponentInputs> {
        let row = component.goal().and_then(|g| self.goal_row(g, member));
        let by = match component {
            Component::Matrix { by, .. } => self.goal_row(by, member).and_then(|r| r.attainment),
            _ => None,
        };
        let mut gates = BTreeMap::new();
        if let Some(gate) = &component.limits().gate {
            let value = match (&gate.goal, &gate.metric) {
                (Some(goal), _) => self.goal_row(goal, member).and_then(|r| r.attainment),
                (None, Some(metric)) => self.book.value(metric, keys, self.measures, None)?,
                (None, None) => self
                    .lookups
                    .scores
                    .get_or_init(|| {
                        let mut by_member = HashMap::new();
                        for s in self.scores.iter().filter(|s| s.scope == ScopeKind::Member) {
                            by_member.entry(s.id.as_str()).or_insert(s.score);
                        }
                        by_member
                    })
                    .get(member.id.as_str())
                    .copied()
                    .flatten(),
            };
            if let Some(value) = value {
                gates.insert(gate.measure(), value);
            }
        }
        let proration = self.proration(incentive, member);
        // A clawback's or a collection's amounts were measured with the facts, under the
        // component's position (a collection's other amounts under suffixed keys).
        let linked = |suffix: &str| -> Result<Option<Decimal>> {
            let index = incentive
                .components
                .iter()
                .position(|c| std::ptr::eq(c, component))
                .unwrap_or_default();
            let Some(by_key) = self
                .measures
                .clawbacks
                .get(&incentive.id)
                .and_then(|components| components.get(&format!("{index}{suffix}")))
            else {
                return Ok(None);
            };
            checked_sum(keys.iter().filter_map(|k| by_key.get(*k)).map(|p| p.sum))
                .or_overflow(|| format!("the linked amounts of `{}`", member.id))
                .map(Some)
        };
        let (clawed, collected, pending, lapsed) = match component {
            Component::Clawback { .. } => (Some(linked("")?.unwrap_or_default()), None, None, None),
            Component::Collection { .. } => (
                Some(linked("")?.unwrap_or_default()),
                linked(super::collection::COLLECTED)?,
                linked(super::collection::PENDING)?,
                linked(super::collection::LAPSED)?,
            ),
            _ => (None, None, None, None),
        };
        let actual = match (clawed, component.metric()) {
            (Some(clawed), _) => Some(clawed),
            // A bonus reads its goal's row: its actual lets the line speak in the metric.
            (None, None) if matches!(component, Component::Bonus { .. }) => {
                row.and_then(|r| r.actual)
            }
            (None, None) => None,
            (None, Some(metric)) => match row {
                // The member's own row of a goal on this metric was computed by the
                // same call (the member's keys, the row's target): its actual, as is. A
                // long-term goal's row holds the running total since its span began, not
                // the period's: the period is measured, so nothing is paid twice.
                Some(r)
                    if r.scope == ScopeKind::Member
                        && r.id == member.id
                        && r.metric == metric
                        && r.long_term.is_none() =>
                {
                    r.actual
                }
                _ => self
                    .book
                    .value(metric, keys, self.measures, row.and_then(|r| r.target))?,
            },
        };
        Ok(ComponentInputs {
            pool_part: self.pool_part(component, member, row, incentive.prorate)?,
            proration,
            collected,
            pending,
            lapsed,
            actual,
            target: row.and_then(|r| r.target),
            attainment: row.and_then(|r| r.attainment),
            by_attainment: by,
            target_incentive: scaled_target_incentive(
                incentive,
                &member.id,
                proration.unwrap_or(Decimal::ONE),
            )?,
            gates,
        })
    }

    /// The inputs of `component` for `member` once per team, each with its note, when
    /// the member moved between teams during the period and the component pays on a
    /// team goal (a bonus, a matrix or a curve) under a prorating incentive: each team's
    /// result pays for the days the member was in it. `None` otherwise: the member's
    /// inputs are [`StatementInput::inputs`] for the whole period, without a note.
    fn inputs_by_team(
        &self,
        incentive: &Incentive,
        component: &Component,
        member: &Member,
        keys: &[&str],
    ) -> Result<Option<Vec<TeamInputs>>> {
        // One stint in the period (one key) is no move: most members, found without
        // looking through the org.
        if keys.len() < 2 {
            return Ok(None);
        }
        let (Some(basis), Some(goal)) = (incentive.prorate, component.goal()) else {
            return Ok(None);
        };
        let team_goal =
            matches!(
                component,
                Component::Bonus { .. } | Component::Matrix { .. } | Component::Curve { .. }
            ) && !self
                .row_index
                .contains_key(&(goal, ScopeKind::Member, member.id.as_str()));
        let (start, end) = (self.period.start(), self.period.end());
        let stints: Vec<&Member> = self
            .org
            .members
            .iter()
            .filter(|m| m.id == member.id && m.overlaps(start, end))
            .collect();
        let moved = stints.iter().any(|m| m.team != member.team);
        if !team_goal || !moved {
            return Ok(None);
        }
        let all = self.calendar.count_days(start, end, basis);
        let mut parts = Vec::with_capacity(stints.len());
        for stint in stints {
            let from = stint.from.map_or(start, |f| f.max(start));
            let until = stint.until.map_or(end, |u| u.min(end));
            let days = self.calendar.count_days(from, until, basis);
            let Some(share) = crate::decimal::ratio(Decimal::from(days), Decimal::from(all)) else {
                continue;
            };
            let mut inputs = self.inputs(incentive, component, stint, keys)?;
            inputs.proration = Some(share);
            inputs.target_incentive = scaled_target_incentive(incentive, &member.id, share)?;
            let note = (
                format!(
                    "{} ({days} of {all} days)",
                    self.labels.team(&stint.team, Locale::En)
                ),
                format!(
                    "{}（{all} 天中的 {days} 天）",
                    self.labels.team(&stint.team, Locale::ZhCn)
                ),
            );
            parts.push((inputs, Some(note)));
        }
        Ok(Some(parts))
    }

    /// The share of the period's days `member` was in the org, when the incentive
    /// prorates and it is less than all of them.
    fn proration(&self, incentive: &Incentive, member: &Member) -> Option<Decimal> {
        let share = self.member_share(member, incentive.prorate?);
        (share < Decimal::ONE).then_some(share)
    }

    /// The share of the period's `basis` days that `member`'s stints cover.
    fn member_share(&self, member: &Member, basis: DayBasis) -> Decimal {
        let (start, end) = (self.period.start(), self.period.end());
        let stints = self.lookups.stints.get_or_init(|| {
            let mut by_id: HashMap<&str, Vec<&Member>> = HashMap::new();
            for stint in &self.org.members {
                by_id.entry(stint.id.as_str()).or_default().push(stint);
            }
            by_id
        });
        let covered: u64 = stints
            .get(member.id.as_str())
            .into_iter()
            .flatten()
            .filter(|stint| stint.overlaps(start, end))
            .map(|stint| {
                let from = stint.from.map_or(start, |f| f.max(start));
                let until = stint.until.map_or(end, |u| u.min(end));
                u64::from(self.calendar.count_days(from, until, basis))
            })
            .sum();
        let all = self.calendar.count_days(start, end, basis);
        crate::decimal::ratio(Decimal::from(covered), Decimal::from(all)).unwrap_or(Decimal::ONE)
    }

    /// A pool component's part for `member`: the pool split among the members of the
    /// goal's scope (their team, or everyone), exactly to the plan's places.
    fn pool_part(
        &self,
        component: &Component,
        member: &Member,
        row: Option<&ScorecardRow>,
        prorate: Option<DayBasis>,
    ) -> Result<Option<Decimal>> {
        let Component::Pool {
            amount,
            split,
            metric,
            weights,
            ..
        } = component
        else {
            return Ok(None);
        };
        let Some(row) = row else {
            return Ok(None);
        };
        let key = (
            std::ptr::from_ref(component) as usize,
            row.scope,
            row.id.to_string(),
        );
        let cached = |parts: &HashMap<String, Decimal>| parts.get(&member.id).copied();
        let lock = || {
            self.pool_parts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(parts) = lock().get(&key) {
            return Ok(cached(parts));
        }
        let everyone =
            (self.org).members_in_keyed(self.stint_keys, self.period.start(), self.period.end());
        let members: Vec<&(&Member, crate::org::KeyList<'_>)> = everyone
            .iter()
            .filter(|(m, _)| match row.scope {
                ScopeKind::Team => m.team == row.id,
                ScopeKind::Member => m.id == member.id,
                _ => true,
            })
            .collect();
        let metric = metric.as_deref().unwrap_or(&row.metric);
        let mut shares: Vec<Decimal> = members
            .iter()
            .map(|(m, keys)| {
                Ok(match split {
                    PoolSplit::Equal => Decimal::ONE,
                    PoolSplit::Weights => weights.get(&m.id).copied().unwrap_or_default(),
                    PoolSplit::Contribution => self
                        .book
                        .value(metric, keys, self.measures, None)?
                        .unwrap_or_default()
                        .max(Decimal::ZERO),
                })
            })
            .collect::<Result<_>>()?;
        if shares.iter().all(Decimal::is_zero) {
            shares = vec![Decimal::ONE; shares.len()]; // nobody contributed: equal parts
        }
        if let Some(basis) = prorate {
            // Each member's share counts for the part of the period they were there.
            for (share, (m, _)) in shares.iter_mut().zip(&members) {
                *share = share
                    .try_mul(self.member_share(m, basis))
                    .or_overflow(|| format!("the pool share of `{}`", m.id))?;
            }
        }
        if members.is_empty() {
            return Ok(None);
        }
        // A pool that cannot be split exactly is an error, never a pool that pays nobody.
        let parts = crate::goal::targets::allocate(*amount, &shares, self.rounding.places)?;
        let parts: HashMap<String, Decimal> = members
            .iter()
            .map(|(m, _)| m.id.clone())
            .zip(parts)
            .collect();
        let part = cached(&parts);
        lock().insert(key, parts);
        Ok(part)
    }
}

/// One statement per member in the org during the period, with the lines of each
/// incentive that pays in it. Members are in org order; a member with no line still
/// gets a statement (total 0), so nobody is missing from a payout run.
pub(crate) fn statements(
    input: &StatementInput<'_>,
    incentives: &[Incentive],
) -> Result<Vec<Statement>> {
    let paying: Vec<(&Incentive, LineNames)> = incentives
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.period
                .is_none_or(|grain| input.calendar.count_within(grain, input.period) == Some(1))
        })
        .map(|(position, i)| (i, LineNames::of(input, i, position)))
        .collect();
    if paying.is_empty() {
        return Ok(Vec::new());
    }
    // Everyone in the org during the period, once, paid on the facts of all their stints.
    let members =
        input
            .org
            .members_in_keyed(input.stint_keys, input.period.start(), input.period.end());
    // Members' statements are independent: a large org is priced on two threads, in
    // member order, and the first error in that order is the one returned.
    let mut out = Vec::new();
    crate::parallel::in_halves(&members, PARALLEL_MEMBERS, &mut out, |(member, keys)| {
        statement(input, &paying, member, keys)
    })?;
    Ok(out)
}

/// From this many members, statements are priced on two threads.
const PARALLEL_MEMBERS: usize = 500;

/// The names an incentive's lines carry (its id, each component's metric and goal), made
/// once per report and copied into each line rather than made again per line.
struct LineNames {
    incentive: Name,
    /// The incentive's position in the plan, for the paths of errors.
    position: usize,
    metrics: Vec<Option<Name>>,
    goals: Vec<Option<Name>>,
    /// What each component's sentences call its metric and goals.
    terms: Vec<Terms>,
}

impl LineNames {
    fn of(input: &StatementInput<'_>, incentive: &Incentive, position: usize) -> Self {
        let components = &incentive.components;
        let labels = input.labels;
        let both = |id: &str, pick: fn(&Labels, &str, Locale) -> Name| {
            [pick(labels, id, Locale::En), pick(labels, id, Locale::ZhCn)]
        };
        let metric_name = |l: &Labels, id: &str, locale| Name::new(l.metric(id, locale));
        let goal_name = |l: &Labels, id: &str, locale| Name::new(l.goal(id, locale));
        let terms = components
            .iter()
            .map(|c| {
                let mut terms = Terms::ids(c);
                if let Some(metric) = c.sentence_metric() {
                    terms.metric = both(metric, metric_name);
                }
                if let Some(goal) = c.goal() {
                    terms.goal = both(goal, goal_name);
                    // The goal's metric, as its rows give it: a bonus speaks in it.
                    terms.goal_metric =
                        input
                            .rows
                            .iter()
                            .find(|r| r.goal == goal)
                            .map(|r| GoalMetric {
                                names: both(&r.metric, metric_name),
                                unit: r.unit,
                                direction: r.direction,
                                reads_target: input.book.reads_target(&r.metric),
                            });
                }
                if let Component::Matrix { by, .. } = c {
                    terms.by = both(by, goal_name);
                }
                if let Some(gate) = &c.limits().gate {
                    if let Some(goal) = &gate.goal {
                        terms.gate = both(goal, goal_name);
                    } else if let Some(metric) = &gate.metric {
                        terms.gate = both(metric, metric_name);
                    }
                }
                terms
            })
            .collect();
        LineNames {
            terms,
            incentive: Name::new(&incentive.id),
            position,
            metrics: components
                .iter()
                .map(|c| c.metric().map(Name::new))
                .collect(),
            goals: components.iter().map(|c| c.goal().map(Name::new)).collect(),
        }
    }
}

/// One member's statement: every paying incentive's lines, and the draw balances they
/// carry forward.
fn statement(
    input: &StatementInput<'_>,
    paying: &[(&Incentive, LineNames)],
    member: &Member,
    keys: &[&str],
) -> Result<Statement> {
    let mut lines = Vec::new();
    let mut balances = BTreeMap::new();
    for (incentive, names) in paying {
        let owed = input
            .balances
            .get(&member.id)
            .and_then(|b| b.get(&incentive.id))
            .copied()
            .unwrap_or_default();
        let (paid, balance) = incentive_lines(input, (incentive, names), member, keys, owed)
            .map_err(|e| {
                e.context(format_args!(
                    "incentive `{}` for `{}`",
                    incentive.id, member.id
                ))
                .or_at_path(|| format!("incentives[{}]", names.position))
            })?;
        if lines.is_empty() {
            lines = paid; // one incentive (the common case): its lines, not a copy
        } else {
            lines.extend(paid);
        }
        if let Some(balance) = balance {
            balances.insert(incentive.id.clone(), balance);
        }
    }
    let total = checked_sum(lines.iter().map(|l| l.amount))
        .or_overflow(|| format!("the statement total of `{}`", member.id))
        .and_then(|total| input.rounding.apply(total))
        .map_err(|e| e.or_at_path(|| "incentives".into()))?;
    Ok(Statement {
        member: Name::new(&member.id),
        name: Name::new(&member.name),
        team: Name::new(&member.team),
        lines,
        total,
        balances,
        #[cfg(feature = "pay-cycle")]
        adjustments: Vec::new(),
        #[cfg(feature = "pay-cycle")]
        disputes: Vec::new(),
    })
}

/// A statement line from an engine line: the incentive, the component's position (if
/// the line is one of a component's) and its kind.
fn payout_line(
    names: &LineNames,
    index: Option<usize>,
    kind: &'static str,
    detail: super::LineDetail,
) -> PayoutLine {
    let of = |names: &[Option<Name>]| index.and_then(|i| names.get(i).cloned().flatten());
    PayoutLine {
        incentive: names.incentive.clone(),
        component: index,
        kind: Name::new_static(kind),
        metric: of(&names.metrics),
        goal: of(&names.goals),
        basis: detail.basis,
        rate: detail.rate,
        tier: detail.tier,
        amount: detail.amount,
        explanation: detail.explanation,
        explanation_zh: detail.explanation_zh,
    }
}

/// One incentive's lines for `member`: its components, its cap, and its draw; and the
/// draw balance it carries on (recoverable draws only).
fn incentive_lines(
    input: &StatementInput<'_>,
    (incentive, names): (&Incentive, &LineNames),
    member: &Member,
    keys: &[&str],
    owed: Decimal,
) -> Result<(Vec<PayoutLine>, Option<Decimal>)> {
    let round_line = |v: Decimal| input.rounding.apply_line(v);
    let mut lines = Vec::new();
    for (index, component) in incentive.components.iter().enumerate() {
        let at = || format!("incentives[{}].components[{index}]", names.position);
        let deferred = Component::paid_on_collection(&incentive.components, index);
        let mut price = |inputs: &ComponentInputs, team_note: Option<&TeamNote>| {
            let result =
                evaluate_component_in(component, inputs, input.rounding, &names.terms[index])
                    .map_err(|e| e.or_at_path(at))?;
            lines.reserve(result.lines.len());
            for mut detail in result.lines {
                if let Some((en, zh)) = team_note {
                    detail.explanation = format!("{en}: {}", detail.explanation).into();
                    detail.explanation_zh = format!("{zh}：{}", detail.explanation_zh).into();
                }
                // The component's display name leads each of its lines (when read).
                (detail.explanation, detail.explanation_zh) = component
                    .limits()
                    .titled_sentences(detail.explanation, detail.explanation_zh);
                if deferred {
                    // Paid as the customer pays, by the collection component: this line
                    // shows what was earned.
                    detail.amount = round_line(Decimal::ZERO)?;
                    detail.explanation =
                        format!("{} (earned; paid on collection)", detail.explanation).into();
                    detail.explanation_zh =
                        format!("{}（已赚取，回款后支付）", detail.explanation_zh).into();
                }
                let kind = if detail.cap { "cap" } else { component.kind() };
                lines.push(payout_line(names, Some(index), kind, detail));
            }
            Ok::<(), crate::error::Error>(())
        };
        let by_team = input
            .inputs_by_team(incentive, component, member, keys)
            .map_err(|e| e.or_at_path(at))?;
        match by_team {
            None => {
                let inputs = input
                    .inputs(incentive, component, member, keys)
                    .map_err(|e| e.or_at_path(at))?;
                price(&inputs, None)?;
            }
            Some(parts) => {
                for (inputs, team_note) in &parts {
                    price(inputs, team_note.as_ref())?;
                }
            }
        }
    }
    let proration = input.proration(incentive, member).unwrap_or(Decimal::ONE);
    let earned = |lines: &[PayoutLine]| {
        checked_sum(lines.iter().map(|l| l.amount))
            .or_overflow(|| format!("what `{}` earned from `{}`", member.id, incentive.id))
    };
    // The incentive's own cap, over all its components.
    if let Some(cap) = incentive.cap {
        let mut total = super::ComponentResult {
            amount: earned(&lines)?,
            lines: Vec::new(),
        };
        let target = scaled_target_incentive(incentive, &member.id, proration)?;
        apply_cap(&mut total, cap, target, &round_line)?;
        for detail in total.lines {
            lines.push(payout_line(names, None, "cap", detail));
        }
    }
    let Some(draw) = incentive.draw else {
        return Ok((lines, None));
    };
    let (line, balance) = draw_line(draw, earned(&lines)?, owed, proration, &round_line)?;
    if let Some(line) = line {
        lines.push(PayoutLine {
            incentive: names.incentive.clone(),
            ..line
        });
    }
    let balance = if draw.recoverable {
        Some(round_line(balance)?)
    } else {
        None
    };
    Ok((lines, balance))
}

/// The incentive's target incentive for `member`, scaled by `share` (a proration).
fn scaled_target_incentive(
    incentive: &Incentive,
    member: &str,
    share: Decimal,
) -> Result<Option<Decimal>> {
    let Some(target) = incentive.target_incentive_for(member) else {
        return Ok(None);
    };
    target
        .try_mul(share)
        .or_overflow(|| format!("the target incentive {target} prorated by {share}"))
        .map(Some)
}

/// The draw's line for earnings `earned` with `owed` carried in, and the balance after:
/// a guarantee tops earnings up to the draw; a recoverable draw advances the shortfall
/// (adding it to the balance) or recovers from earnings above the draw.
fn draw_line(
    draw: super::Draw,
    earned: Decimal,
    owed: Decimal,
    proration: Decimal,
    round: &dyn Fn(Decimal) -> Result<Decimal>,
) -> Result<(Option<PayoutLine>, Decimal)> {
    let what = || format!("the draw of {} against earnings {earned}", draw.amount);
    let floor = round(draw.amount.try_mul(proration).or_overflow(what)?)?;
    let money = crate::text::group_thousands;
    let line = |amount: Decimal, en: String, zh: String| PayoutLine {
        incentive: Name::default(),
        component: None,
        kind: Name::new_static("draw"),
        metric: None,
        goal: None,
        basis: earned,
        rate: None,
        tier: None,
        amount,
        explanation: en.into(),
        explanation_zh: zh.into(),
    };
    if earned < floor {
        let top_up = round(floor.try_sub(earned).or_overflow(what)?)?;
        if draw.recoverable {
            let balance = owed.try_add(top_up).or_overflow(what)?;
            let en = format!(
                "recoverable draw {}: advance of {} over earnings {} (balance {})",
                money(floor),
                money(top_up),
                money(earned),
                money(balance)
            );
            let zh = format!(
                "可收回预支 {}：在收入 {} 之外预支 {}（待收回余额 {}）",
                money(floor),
                money(earned),
                money(top_up),
                money(balance)
            );
            return Ok((Some(line(top_up, en, zh)), balance));
        }
        let en = format!(
            "guaranteed draw {}: top-up of {} over earnings {}",
            money(floor),
            money(top_up),
            money(earned)
        );
        let zh = format!(
            "保底 {}：在收入 {} 之外补足 {}",
            money(floor),
            money(earned),
            money(top_up)
        );
        return Ok((Some(line(top_up, en, zh)), owed));
    }
    let above = earned.try_sub(floor).or_overflow(what)?;
    let recovered = owed.min(above).max(Decimal::ZERO);
    if draw.recoverable && recovered > Decimal::ZERO {
        let balance = owed.try_sub(recovered).or_overflow(what)?;
        let en = format!(
            "draw recovery: {} of the {} balance (balance {})",
            money(-recovered),
            money(owed),
            money(balance)
        );
        let zh = format!(
            "收回预支：从余额 {} 中收回 {}（余额 {}）",
            money(owed),
            money(recovered),
            money(balance)
        );
        return Ok((Some(line(round(-recovered)?, en, zh)), balance));
    }
    Ok((None, owed))
}
