//! One component under exploration: its inputs at any result, its boundaries, and its
//! pay on a grid of attainments (every 1%), priced once and read by every check.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::decimal::{OrOverflow, Rounding, TryArithmetic};
use crate::error::Result;
use crate::goal::Target;
use crate::incentive::{Component, ComponentInputs, Incentive, TierBasis, evaluate_component};
use crate::measure::MetricBook;
use crate::metric::Aggregate;
use crate::org::ScopeKind;
use crate::plan::{DesignSettings, Plan};

use super::Case;

/// What exploring a component gives.
pub(super) enum Explore<'a> {
    /// The component, ready to explore.
    Yes(Box<Subject<'a>>),
    /// A kind priced per fact: nothing to explore.
    Skip,
    /// Not explored, and why `[English, Chinese]`.
    Not([String; 2]),
}

/// The most boundaries a component is explored with.
const MAX_BOUNDARIES: usize = 200;

/// Why a component's pay cannot be explored along its goal's attainment, if it cannot:
/// a lower-is-better goal or one whose metric gives the attainment itself, or a rate or
/// tier component whose goal measures another metric or scope than it pays on.
fn unexplorable(
    component: &Component,
    goal: Option<&crate::goal::Goal>,
    book: &MetricBook<'_>,
) -> Option<[String; 2]> {
    let goal = goal?;
    let metric = goal.metric_id();
    let direction = goal.direction.or_else(|| book.direction(metric));
    if direction == Some(crate::metric::Direction::Lower) {
        return Some([
            format!("its goal `{}` is lower-is-better", goal.id),
            format!("其目标 `{}` 越低越好", goal.id),
        ]);
    }
    if book.reads_target(metric) {
        return Some([
            format!(
                "the metric of its goal `{}` gives the attainment itself",
                goal.id
            ),
            format!("其目标 `{}` 的指标直接给出达成率", goal.id),
        ]);
    }
    let pays_on_another =
        component.metric().is_some_and(|m| m != metric) || goal.scope_kind() != ScopeKind::Member;
    if matches!(component, Component::Rate { .. } | Component::Tiered { .. }) && pays_on_another {
        return Some([
            format!(
                "its goal `{}` measures another metric or scope than it pays on",
                goal.id
            ),
            format!("其目标 `{}` 衡量的指标或范围与计酬的不同", goal.id),
        ]);
    }
    None
}

/// One of `members` equal parts of a pool of `amount`, in cents down.
pub(super) fn pool_part(amount: Decimal, members: usize) -> Option<Decimal> {
    amount
        .try_div(Decimal::from(members.max(1)))
        .map(|p| p.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero))
}

/// The people of the largest team (a member who moved is counted in each team once);
/// 5 without teams.
pub(super) fn largest_team(org: &crate::org::Org) -> usize {
    org.teams
        .iter()
        .map(|t| {
            let mut ids: Vec<&str> = org
                .members
                .iter()
                .filter(|m| m.team == t.id)
                .map(|m| m.id.as_str())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len()
        })
        .max()
        .unwrap_or(5)
        .max(1)
}

/// The grid's step: 1% of the target (or of the amount scale).
pub(super) const STEP: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// A place where pay may change its shape: `actual` and the result just below it (one
/// hundredth of a percent of the target for attainment boundaries, one cent for
/// amounts).
#[derive(Debug, Clone, Copy)]
pub(super) struct Boundary {
    pub actual: Decimal,
    pub below: Decimal,
}

/// A component and what the checks read of it.
pub(super) struct Subject<'a> {
    pub incentive: &'a Incentive,
    pub component: &'a Component,
    /// `incentives[i].components[j]`.
    pub path: String,
    pub rounding: Rounding,
    pub settings: &'a DesignSettings,
    /// The goal's target, when the component reads a goal.
    pub target: Option<Decimal>,
    /// The amount that 100% stands for: the target, or for amounts without a goal the
    /// highest tier's start (the `[design] target` when there is none).
    pub scale: Decimal,
    /// Whether results are described as amounts rather than attainments (no goal, or
    /// tiers on amounts).
    pub in_amounts: bool,
    /// The incentive's target incentive (when only members have one, that of the first
    /// member id in order).
    pub target_incentive: Option<Decimal>,
    /// The members a pool's goal scope splits it among: 1 for a member goal, the largest
    /// team for a team goal, every member for the company.
    pub pool_members: usize,
    /// Where pay may jump or bend, ascending, within the explored range.
    pub boundaries: Vec<Boundary>,
    /// How the metric aggregates: a sum or a count adds up across periods and members,
    /// so results can be moved or split.
    pub aggregate: Option<Aggregate>,
    /// Whether a cap (the component's or the incentive's) bounds the pay.
    pub capped: bool,
    /// The pay at `i` × 1% of the scale, from 0 to the explored end.
    pub grid: Vec<Decimal>,
}

impl<'a> Subject<'a> {
    /// The subject for component `j` of incentive `i`, or `None` for the kinds priced
    /// per fact (SPIFFs, clawbacks, collections), which have no curve to explore.
    pub fn explore(plan: &'a Plan, i: usize, j: usize) -> Result<Explore<'a>> {
        let incentive = &plan.incentives[i];
        let component = &incentive.components[j];
        if matches!(
            component,
            Component::Spiff { .. } | Component::Clawback { .. } | Component::Collection { .. }
        ) {
            return Ok(Explore::Skip);
        }
        let settings = &plan.design;
        let default_target = settings.target.unwrap_or(Decimal::from(100_000));
        let goal = component
            .goal()
            .and_then(|id| plan.goals.iter().find(|g| g.id == id));
        let metrics = plan.metric_defs()?;
        let book = MetricBook::new(&metrics)?;
        if let Some(reason) = unexplorable(component, goal, &book) {
            return Ok(Explore::Not(reason));
        }
        let target = goal.map(|g| match g.target {
            Some(Target::Fixed(value)) if value > Decimal::ZERO => value,
            _ => default_target,
        });
        let amount_tiers = match component {
            Component::Tiered {
                on: TierBasis::Amount,
                tiers,
                ..
            } => Some(tiers.iter().map(|t| t.from).max().unwrap_or_default()),
            _ => None,
        };
        let scale = match (target, amount_tiers) {
            (Some(target), _) => target,
            (None, Some(top)) if top > Decimal::ZERO => top,
            _ => default_target,
        };
        let metric = component
            .metric()
            .or_else(|| goal.map(crate::goal::Goal::metric_id));
        let aggregate = metric
            .and_then(|m| metrics.get(m))
            .and_then(|def| def.aggregate);
        let pool_members = match goal.map(crate::goal::Goal::scope_kind) {
            Some(ScopeKind::Team) => largest_team(&plan.org),
            Some(ScopeKind::Member) => 1,
            _ => {
                let mut ids: Vec<&str> = plan.org.members.iter().map(|m| m.id.as_str()).collect();
                ids.sort_unstable();
                ids.dedup();
                ids.len().max(1)
            }
        };
        let mut subject = Subject {
            incentive,
            component,
            path: format!("incentives[{i}].components[{j}]"),
            rounding: plan.rounding,
            settings,
            target,
            scale,
            // Tiers on amounts are described as amounts even with a goal.
            in_amounts: target.is_none() || amount_tiers.is_some(),
            target_incentive: incentive
                .target_incentive
                .or_else(|| incentive.target_incentives.values().next().copied()),
            pool_members,
            boundaries: Vec::new(),
            aggregate,
            capped: component.limits().cap.is_some() || incentive.cap.is_some(),
            grid: Vec::new(),
        };
        subject.boundaries = subject.find_boundaries()?;
        if subject.boundaries.len() > MAX_BOUNDARIES {
            return Ok(Explore::Not([
                format!("it has more than {MAX_BOUNDARIES} tiers, points or breaks"),
                format!("档位、曲线点或分段超过 {MAX_BOUNDARIES} 个"),
            ]));
        }
        subject.grid = subject.price_grid()?;
        Ok(Explore::Yes(Box::new(subject)))
    }

    /// The component's inputs when the metric's actual is `actual`: its goal's target,
    /// the target incentive, its gate open at its minimum, a matrix's other goal at 100%.
    pub fn inputs(&self, actual: Decimal) -> ComponentInputs {
        let limits = self.component.limits();
        let mut inputs = ComponentInputs {
            actual: Some(actual),
            target: self.target,
            target_incentive: self.target_incentive,
            ..ComponentInputs::default()
        };
        if let Some(gate) = &limits.gate {
            inputs.gates.insert(gate.measure(), gate.min);
        }
        match self.component {
            Component::Matrix { .. } => inputs.by_attainment = Some(Decimal::ONE),
            // A member's equal part of the pool, as statements split it.
            Component::Pool { amount, .. } => {
                inputs.pool_part = pool_part(*amount, self.pool_members);
            }
            _ => {}
        }
        inputs
    }

    /// What the component pays at `actual`.
    pub fn pay(&self, actual: Decimal) -> Result<Decimal> {
        Ok(evaluate_component(self.component, &self.inputs(actual), self.rounding)?.amount)
    }

    /// A case: the component priced at `actual`.
    pub fn case(&self, role: &'static str, actual: Decimal) -> Result<Case> {
        self.case_with(role, self.inputs(actual))
    }

    /// A case: the component priced for `inputs`.
    pub fn case_with(&self, role: &'static str, inputs: ComponentInputs) -> Result<Case> {
        let paid = evaluate_component(self.component, &inputs, self.rounding)?.amount;
        Ok(Case { role, inputs, paid })
    }

    /// The cases at each `(role, actual)`.
    pub fn cases(&self, at: &[(&'static str, Decimal)]) -> Result<Vec<Case>> {
        at.iter()
            .map(|(role, actual)| self.case(role, *actual))
            .collect()
    }

    /// Whether the metric adds up across periods and members (a sum or a count).
    pub fn additive(&self) -> bool {
        matches!(self.aggregate, Some(Aggregate::Sum | Aggregate::Count))
    }

    /// Two of the rounding's smallest units: what rounding alone can move a sum of two
    /// pays (or a step against another).
    pub fn rounding_noise(&self) -> Decimal {
        Decimal::new(2, self.rounding.places.min(28))
    }

    /// Whether the pay at `actual` is held down by the component's cap.
    pub fn capped_at(&self, actual: Decimal) -> Result<bool> {
        let result = evaluate_component(self.component, &self.inputs(actual), self.rounding)?;
        Ok(result.lines.iter().any(|line| line.cap))
    }

    /// The actual at grid point `i` (`i`% of the scale).
    pub fn actual_at(&self, i: usize) -> Result<Decimal> {
        Decimal::from(i)
            .try_mul(STEP)
            .and_then(|x| x.try_mul(self.scale))
            .or_overflow(|| "a point of the grid")
    }

    /// `actual` as a share of the scale (the attainment when there is a target).
    pub fn position(&self, actual: Decimal) -> Decimal {
        actual.try_div(self.scale).unwrap_or_default()
    }

    /// The grid index of the plausible attainment (`[design] plausible`), within the grid.
    pub fn plausible_index(&self) -> usize {
        let index = self.settings.plausible.try_div(STEP).unwrap_or_default();
        index
            .trunc()
            .to_usize()
            .unwrap_or(usize::MAX)
            .min(self.grid.len().saturating_sub(1))
    }

    /// The places where pay may jump or bend, as actual amounts with the one just below.
    fn find_boundaries(&self) -> Result<Vec<Boundary>> {
        let limits = self.component.limits();
        // (where, whether it is an attainment rather than an amount)
        let mut places: Vec<(Decimal, bool)> = Vec::new();
        if let Some(threshold) = limits.threshold {
            places.push((threshold, true));
        }
        match self.component {
            Component::Tiered { on, tiers, .. } => {
                let attainment = *on == TierBasis::Attainment;
                places.extend(tiers.iter().map(|t| (t.from, attainment)));
            }
            Component::Curve { points, .. } => {
                places.extend(points.iter().map(|p| (p.attainment, true)));
            }
            Component::Bonus { at, .. } | Component::Pool { at, .. } => {
                places.push((at.unwrap_or(Decimal::ONE), true));
            }
            Component::Matrix { rows, .. } => places.extend(rows.iter().map(|r| (*r, true))),
            _ => {}
        }
        let hundredth_percent = Decimal::new(1, 4);
        let cent = Decimal::new(1, 2);
        let mut out = Vec::new();
        for (place, attainment) in places {
            let boundary = if attainment {
                let Some(target) = self.target else { continue };
                let what = || "a boundary of the target";
                Boundary {
                    actual: place.try_mul(target).or_overflow(what)?,
                    below: place
                        .try_sub(hundredth_percent)
                        .and_then(|p| p.try_mul(target))
                        .or_overflow(what)?,
                }
            } else {
                Boundary {
                    actual: place,
                    below: place
                        .try_sub(cent)
                        .or_overflow(|| format!("{place} - 0.01"))?,
                }
            };
            // In order, each once (a few boundaries: an insertion costs less code than a
            // sort in the browser module).
            let at = out
                .iter()
                .position(|b: &Boundary| b.actual >= boundary.actual);
            match at {
                _ if boundary.actual <= Decimal::ZERO => {}
                Some(i) if out[i].actual == boundary.actual => {}
                Some(i) => out.insert(i, boundary),
                None => out.push(boundary),
            }
        }
        Ok(out)
    }

    /// The pay at every 1% of the scale up to the explored end: `[design] max_attainment`,
    /// or past the last boundary by half of it, whichever is further (at most 2,000%).
    fn price_grid(&self) -> Result<Vec<Decimal>> {
        let last = self
            .boundaries
            .last()
            .map(|b| self.position(b.actual))
            .unwrap_or_default();
        let half = self.settings.max_attainment.try_div(Decimal::TWO);
        let end = self
            .settings
            .max_attainment
            .max(half.and_then(|h| last.try_add(h)).unwrap_or(Decimal::MAX))
            .min(Decimal::from(20));
        let points = end
            .try_div(STEP)
            .and_then(|p| p.trunc().to_usize())
            .unwrap_or(2000);
        (0..=points.min(2000))
            .map(|i| self.pay(self.actual_at(i)?))
            .collect()
    }
}
