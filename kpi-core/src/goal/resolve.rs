//! Resolving a goal's target rule into a number for one scope and one goal period:
//! fixed targets, growth over a baseline, market share, cascades, phasing and the
//! adjustment in force.

use hashbrown::HashMap;
use std::borrow::Cow;
use std::sync::Mutex;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::targets::{allocate, from_market_share, grow};
use super::{
    Amount, Baseline, BaselineWindow, Goal, GoalPeriod, IfMissing, MissingBaseline, Split, Target,
};
use crate::decimal::Rounding;
use crate::decimal::{OrOverflow, TryArithmetic};
use crate::error::{Error, ErrorKind, Result};
use crate::measure::{IndexedMeasures, MetricBook};
use crate::org::{KeyList, Org, ScopeKind, StintKey, UNASSIGNED};
use crate::period::{Calendar, Period};

/// A target for one scope and goal period, with the rule's own value when an adjustment
/// replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The target in force.
    pub target: Decimal,
    /// The target the goal's rule gives, before adjustments.
    pub original: Decimal,
    /// The index of the adjustment that set `target`, if one did.
    pub version: Option<usize>,
    /// The target in force before the member's ramp and leave prorated it (`target`
    /// when the goal does not prorate).
    pub full: Decimal,
}

/// Resolves targets for one evaluation, caching cascades (a cascade computes all siblings
/// at once).
pub(crate) struct TargetResolver<'a> {
    pub calendar: &'a Calendar,
    pub org: &'a Org,
    pub book: &'a MetricBook<'a>,
    pub measures: &'a IndexedMeasures<'a>,
    pub goals: &'a [(&'a Goal, GoalPeriod)],
    /// The plan's rounding: cascaded and phased parts have its places, and money targets
    /// derived by growth or market share are rounded by it (to cents, usually).
    pub rounding: Rounding,
    /// Adjustments in force on this date (or a goal period's last day, if earlier) apply.
    pub as_of: Option<NaiveDate>,
    /// Each cascade's part per sibling scope id (looked up once per sibling, so a map).
    cache: Mutex<HashMap<CascadeKey, HashMap<String, Decimal>>>,
    /// Each team's average baseline per (goal, team, goal period), for `team_average`.
    /// (The cascade cache's type, so that no second map is compiled into the wasm: the
    /// average, if any, is under the key `""`.)
    averages: Mutex<HashMap<CascadeKey, HashMap<String, Decimal>>>,
    /// The org's stint keys, computed once per evaluation for every scope list a rule
    /// builds.
    keys: &'a [crate::org::StintKey<'a>],
    /// The plan's `[ramp]`, for goals that prorate by it.
    ramp: Option<&'a super::Ramp>,
    /// The members' stints and leaves, gathered once.
    calendars: super::capacity::Calendars<'a>,
}

/// What a growth target grows, or the target itself when the plan gives one instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    /// The scope's own baseline.
    Own(Decimal),
    /// The average baseline of the scope's peers (`if_missing = "team_average"`).
    TeamAverage(Decimal),
    /// The target `if_missing` sets.
    Target(Decimal),
}

/// A cascade's parts are cached per (goal, parent scope, goal period start and end).
type CascadeKey = (usize, String, NaiveDate, NaiveDate);

/// A scope by id and the measures keys it covers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScopeRef<'s> {
    pub id: &'s str,
    pub keys: &'s [&'s str],
    /// For a member, their team.
    pub team: Option<&'s str>,
}

const MAX_DEPTH: usize = 16;

impl<'a> TargetResolver<'a> {
    pub(crate) fn new(
        calendar: &'a Calendar,
        (org, keys): (&'a Org, &'a [crate::org::StintKey<'a>]),
        book: &'a MetricBook<'a>,
        measures: &'a IndexedMeasures<'a>,
        goals: &'a [(&'a Goal, GoalPeriod)],
        rounding: Rounding,
        as_of: Option<NaiveDate>,
    ) -> TargetResolver<'a> {
        TargetResolver {
            calendar,
            org,
            book,
            measures,
            goals,
            rounding,
            as_of,
            cache: Mutex::new(HashMap::new()),
            averages: Mutex::new(HashMap::new()),
            keys,
            ramp: None,
            calendars: super::capacity::Calendars::of(org),
        }
    }

    /// Prorates the targets of goals with `prorate = ["ramp"]` by `ramp`.
    pub(crate) fn with_ramp(self, ramp: Option<&'a super::Ramp>) -> TargetResolver<'a> {
        TargetResolver { ramp, ..self }
    }

    /// The org's [`Org::stint_keys`], computed once per evaluation.
    pub(crate) fn stint_keys(&self) -> &'a [crate::org::StintKey<'a>] {
        self.keys
    }

    /// Goal `index` of the evaluation.
    pub(crate) fn goal(&self, index: usize) -> &'a Goal {
        self.goals[index].0
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.goals.iter().position(|(g, _)| g.id == id)
    }

    /// The target of goal `index` for `scope` in one goal period `p`.
    pub(crate) fn resolve(
        &self,
        index: usize,
        scope: ScopeRef<'_>,
        p: &Period,
    ) -> Result<Option<Resolved>> {
        self.resolve_on(index, scope, p, p.last_day())
    }

    /// Like [`TargetResolver::resolve`], with the adjustments in force on `day` (or the
    /// as-of day, if earlier): a long-term goal reviewed in FY2027 takes the versions of
    /// FY2027, not those decided later in its span.
    pub(crate) fn resolve_on(
        &self,
        index: usize,
        scope: ScopeRef<'_>,
        p: &Period,
        day: NaiveDate,
    ) -> Result<Option<Resolved>> {
        let Some(original) = self.rule(index, scope, p, 0)? else {
            return Ok(None);
        };
        let goal = self.goals[index].0;
        let in_force_on = self.as_of.map_or(day, |as_of| as_of.min(day));
        let (full, version) = goal.target_on(scope.id, in_force_on, original);
        if goal.prorate.is_empty() || scope.id == UNASSIGNED {
            return Ok(Some(Resolved {
                target: full,
                original,
                version,
                full,
            }));
        }
        // The member's capacity scales whatever target is in force, adjusted or not.
        let at = |e: Error| e.at_path(format!("goals[{index}].prorate"));
        let member = self.calendars.member(scope.id);
        let share =
            super::capacity::share(member, self.ramp, &goal.prorate, p, None).map_err(at)?;
        let prorated = |t: Decimal| -> Result<Decimal> {
            if share.is_full() {
                return Ok(t);
            }
            // Rounded as the plan rounds, a count too: a quarter sums its months exactly,
            // without a repeating decimal's last digit.
            self.rounding.apply(share.of(t)?)
        };
        Ok(Some(Resolved {
            target: prorated(full).map_err(at)?,
            original: prorated(original).map_err(at)?,
            version,
            full,
        }))
    }

    /// The target the goal's rule gives (no adjustments), for `scope` in `p`.
    fn rule(
        &self,
        index: usize,
        scope: ScopeRef<'_>,
        p: &Period,
        depth: usize,
    ) -> Result<Option<Decimal>> {
        let goal = self.goals[index].0;
        let at = |e: Error| e.at_path(format!("goals[{index}].target"));
        if depth > MAX_DEPTH {
            return Err(at(Error::new(
                ErrorKind::PlanInvalid,
                "goal parents are nested too deeply",
            )));
        }
        if let Some(own) = goal.targets.get(scope.id) {
            return Ok(Some(*own));
        }
        let Some(rule) = &goal.target else {
            return Ok(None);
        };
        let money = |v: Result<Decimal>| -> Result<Decimal> {
            let v = v.map_err(at)?;
            if self.book.unit(goal.metric_id()) == crate::formula::Unit::Money {
                self.rounding.apply(v).map_err(at)
            } else {
                Ok(v)
            }
        };
        Ok(match rule {
            Target::Fixed(value) => Some(*value),
            Target::Growth { growth } => match self.growth_base(index, scope, p)? {
                Some(Base::Own(base) | Base::TeamAverage(base)) => {
                    Some(money(grow(base, *growth))?)
                }
                Some(Base::Target(target)) => Some(money(Ok(target))?),
                None => None,
            },
            Target::Share { share, market } => {
                let size = match market {
                    Amount::Value(v) => Some(*v),
                    // The market's size for a period is known once the period is over.
                    Amount::Metric { .. } if self.as_of.is_some_and(|d| d < p.last_day()) => None,
                    Amount::Metric { metric } => {
                        let everyone = self.everyone(p);
                        self.book
                            .value_in(metric, &everyone, self.measures, &p.label())?
                    }
                };
                match size {
                    Some(m) => Some(money(from_market_share(*share, m))?),
                    None => None,
                }
            }
            Target::Cascade {
                cascade,
                weights,
                history,
            } => self
                .cascade(
                    index,
                    scope,
                    p,
                    *cascade,
                    weights,
                    history.as_deref(),
                    depth,
                )
                .map_err(at)?,
            Target::Phase { phase, history } => self
                .phase(index, scope, p, *phase, history.as_deref(), depth)
                .map_err(at)?,
        })
    }

    /// The baseline of `goal` for `scope` in goal period `p`: a number, or its metric over
    /// the baseline's window (a fixed period, or one relative to `p`). `None` when the
    /// window has no value or cannot be formed, or when a member joined after the window
    /// began (their baseline would count days they were not there).
    pub(crate) fn baseline(
        &self,
        goal: &Goal,
        scope: ScopeRef<'_>,
        p: &Period,
    ) -> Result<Option<Decimal>> {
        let Some(Baseline::Measured { metric, .. }) = goal.baseline.as_ref() else {
            return Ok(match goal.baseline {
                Some(Baseline::Value(v)) => Some(v),
                _ => None,
            });
        };
        let Ok(Some(window)) =
            BaselineWindow::of(goal.baseline.as_ref(), self.calendar, &|_| String::new())
        else {
            return Ok(None);
        };
        let Ok(over) = window.period_for(p) else {
            return Ok(None);
        };
        // A window not over by the as-of day would give a partial baseline.
        if self.as_of.is_some_and(|day| day < over.last_day()) {
            return Ok(None);
        }
        // A member's row (not the company roll-up of a member goal, nor `unassigned`).
        let member = goal.scope_kind() == ScopeKind::Member && scope.team.is_some();
        if member && !self.was_there(scope.id, over.start()) {
            return Ok(None);
        }
        let keys = self.window_keys(goal, scope);
        let metric = metric.as_deref().unwrap_or(goal.metric_id());
        let value = self
            .book
            .value_in(metric, &keys, self.measures, &over.label())?;
        Ok(match (window, value) {
            (BaselineWindow::Trailing(n), Some(total)) if self.book.is_additive(metric) => Some(
                total
                    .try_div(Decimal::from(n))
                    .or_overflow(|| format!("the average of {total} over {n} periods"))?,
            ),
            (_, value) => value,
        })
    }

    /// Whether a stint of member `id` covers `day` (a baseline window's first day): one
    /// who joined, or came back, later would count days they were not there.
    fn was_there(&self, id: &str, day: NaiveDate) -> bool {
        self.calendars.member(id).covers(day)
    }

    /// The measures keys a window other than the evaluated period (a baseline, a
    /// long-term goal's running total) is read with for `scope` of `goal`: a member's row
    /// reads all their stints, since one who moved teams at the month's start has last
    /// month under the old team's stint; any other scope, its own keys.
    pub(crate) fn window_keys<'s>(&self, goal: &Goal, scope: ScopeRef<'s>) -> Cow<'s, [&'s str]>
    where
        'a: 's,
    {
        // A member's row, not the company roll-up of a member goal nor `unassigned`.
        if goal.scope_kind() == ScopeKind::Member && scope.team.is_some() {
            let all: Vec<&'s str> = (self.calendars.member(scope.id).positions.iter())
                .filter_map(|&at| self.keys.get(at).map(|key| &**key))
                .collect();
            if !all.is_empty() {
                return Cow::Owned(all);
            }
        }
        Cow::Borrowed(scope.keys)
    }

    /// What a growth target of goal `index` grows for `scope` in goal period `p`: the
    /// scope's own baseline, or when it is missing or zero, what `if_missing` says.
    pub(crate) fn growth_base(
        &self,
        index: usize,
        scope: ScopeRef<'_>,
        p: &Period,
    ) -> Result<Option<Base>> {
        let goal = self.goals[index].0;
        // Growth over nothing, or over a loss, is no target: a zero or negative baseline
        // is as missing as an unknown one.
        let own = self.baseline(goal, scope, p)?;
        if let Some(b) = own.filter(|b| b.is_sign_positive() && !b.is_zero()) {
            return Ok(Some(Base::Own(b)));
        }
        let rule = goal.baseline.as_ref().map_or(
            IfMissing::Rule(MissingBaseline::NoTarget),
            Baseline::if_missing,
        );
        Ok(match rule {
            IfMissing::Target(target) => Some(Base::Target(target)),
            IfMissing::Rule(MissingBaseline::TeamAverage) => {
                self.team_average(index, scope, p)?.map(Base::TeamAverage)
            }
            // No target: the row says the baseline is unknown, and names its window.
            IfMissing::Rule(MissingBaseline::NoTarget) => None,
        })
    }

    /// The average of the non-zero baselines of `scope`'s peers in goal period `p`: the
    /// other members of a member's team, or the other teams. `None` without one.
    fn team_average(
        &self,
        index: usize,
        scope: ScopeRef<'_>,
        p: &Period,
    ) -> Result<Option<Decimal>> {
        let goal = self.goals[index].0;
        let kind = goal.scope_kind();
        let team = match kind {
            ScopeKind::Member => scope.team.unwrap_or_default(),
            ScopeKind::Team => "",
            ScopeKind::Company | ScopeKind::Dimension => return Ok(None),
        };
        let key = (index, team.to_owned(), p.start(), p.end());
        if let Some(found) = self
            .averages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return Ok(found.get("").copied());
        }
        let mut total = Decimal::ZERO;
        let mut count = 0u32;
        for peer in scopes_of(self.org, self.keys, kind, p) {
            if kind == ScopeKind::Member && peer.team != Some(team) {
                continue;
            }
            let peer_ref = ScopeRef {
                id: peer.id,
                keys: &peer.members,
                team: peer.team,
            };
            if let Some(b) = self
                .baseline(goal, peer_ref, p)?
                .filter(|b| b.is_sign_positive() && !b.is_zero())
            {
                total = total
                    .try_add(b)
                    .or_overflow(|| "the baselines of the team summed")?;
                count += 1;
            }
        }
        let average = match count {
            0 => None,
            n => Some(
                total
                    .try_div(Decimal::from(n))
                    .or_overflow(|| "the team's average baseline")?,
            ),
        };
        let cached = average.map(|a| (String::new(), a)).into_iter().collect();
        self.averages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, cached);
        Ok(average)
    }

    fn everyone(&self, p: &Period) -> Vec<&str> {
        scopes_of(self.org, self.keys, ScopeKind::Company, p)
            .into_iter()
            .next()
            .map(|s| s.members.into_vec())
            .unwrap_or_default()
    }

    fn parent_of(&self, index: usize) -> Result<usize> {
        let goal = self.goals[index].0;
        let parent = goal.parent.as_deref().ok_or_else(|| {
            Error::new(
                ErrorKind::PlanInvalid,
                "a cascaded or phased target names its `parent` goal",
            )
        })?;
        self.index_of(parent).ok_or_else(|| {
            Error::new(
                ErrorKind::PlanInvalid,
                format!("the parent goal `{parent}` is not in the plan"),
            )
        })
    }

    /// Splits the parent's target among this goal's scopes under the same parent scope.
    #[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
    fn cascade(
        &self,
        index: usize,
        scope: ScopeRef<'_>,
        p: &Period,
        split: Split,
        weights: &std::collections::BTreeMap<String, Decimal>,
        history: Option<&str>,
        depth: usize,
    ) -> Result<Option<Decimal>> {
        let parent = self.parent_of(index)?;
        let (goal, _) = self.goals[index];
        let parent_kind = self.goals[parent].0.scope_kind();
        let parent_scope_id = match parent_kind {
            ScopeKind::Company => "company".to_owned(),
            ScopeKind::Team if goal.scope_kind() == ScopeKind::Member => {
                scope.team.unwrap_or_default().to_owned()
            }
            _ => scope.id.to_owned(),
        };
        let key = (index, parent_scope_id.clone(), p.start(), p.end());
        if let Some(parts) = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return Ok(parts.get(scope.id).copied());
        }
        let parent_scopes = scopes_of(self.org, self.keys, parent_kind, p);
        let Some(parent_scope) = parent_scopes.iter().find(|s| s.id == parent_scope_id) else {
            return Ok(None);
        };
        let parent_ref = ScopeRef {
            id: parent_scope.id,
            keys: &parent_scope.members,
            team: parent_scope.team,
        };
        let Some(total) = self.rule(parent, parent_ref, p, depth + 1)? else {
            return Ok(None);
        };
        let siblings: Vec<Scope<'_>> = scopes_of(self.org, self.keys, goal.scope_kind(), p)
            .into_iter()
            .filter(|s| match parent_kind {
                ScopeKind::Company => true,
                ScopeKind::Team if goal.scope_kind() == ScopeKind::Member => {
                    s.team == Some(parent_scope_id.as_str())
                }
                _ => s.id == parent_scope_id,
            })
            .collect();
        let shares = self.shares(goal, &siblings, split, weights, history)?;
        let parts = allocate(total, &shares, self.rounding.places)?;
        let parts: HashMap<String, Decimal> = siblings
            .iter()
            .map(|s| s.id.to_owned())
            .zip(parts)
            .collect();
        let found = parts.get(scope.id).copied();
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, parts);
        Ok(found)
    }

    fn shares(
        &self,
        goal: &Goal,
        siblings: &[Scope<'_>],
        split: Split,
        weights: &std::collections::BTreeMap<String, Decimal>,
        history: Option<&str>,
    ) -> Result<Vec<Decimal>> {
        Ok(match split {
            Split::Equal => vec![Decimal::ONE; siblings.len()],
            Split::Weights => siblings
                .iter()
                .map(|s| weights.get(s.id).copied().unwrap_or(Decimal::ZERO))
                .collect(),
            Split::History => {
                let label = self.history_label(history)?;
                siblings
                    .iter()
                    .map(|s| {
                        let value = self.book.value_in(
                            goal.metric_id(),
                            &s.members,
                            self.measures,
                            &label,
                        )?;
                        Ok(value.unwrap_or(Decimal::ZERO).max(Decimal::ZERO))
                    })
                    .collect::<Result<_>>()?
            }
        })
    }

    fn history_label(&self, history: Option<&str>) -> Result<String> {
        let history = history.ok_or_else(|| {
            Error::new(
                ErrorKind::PlanInvalid,
                "a split by history names the `history` period, such as FY2026",
            )
        })?;
        Ok(self.calendar.parse_period(history)?.label())
    }

    /// Phases the parent's target over this goal's periods within the parent's period.
    fn phase(
        &self,
        index: usize,
        scope: ScopeRef<'_>,
        p: &Period,
        split: Split,
        history: Option<&str>,
        depth: usize,
    ) -> Result<Option<Decimal>> {
        let parent = self.parent_of(index)?;
        let (goal, goal_period) = self.goals[index];
        let GoalPeriod::Every(grain) = goal_period else {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                "a phased goal recurs (period = \"month\" or \"quarter\")",
            ));
        };
        let Some(outer) = self.goals[parent].1.period_on(self.calendar, p.start()) else {
            return Ok(None);
        };
        let parts = outer.children(grain)?;
        let Some(position) = parts.iter().position(|c| c == p) else {
            return Ok(None);
        };
        let Some(total) = self.rule(parent, scope, &outer, depth + 1)? else {
            return Ok(None);
        };
        let shares = match split {
            Split::Equal | Split::Weights => vec![Decimal::ONE; parts.len()],
            Split::History => {
                let label = self.history_label(history)?;
                let past = self.calendar.parse_period(&label)?.children(grain)?;
                past.iter()
                    .map(|c| {
                        let value = self.book.value_in(
                            goal.metric_id(),
                            scope.keys,
                            self.measures,
                            &c.label(),
                        )?;
                        Ok(value.unwrap_or(Decimal::ZERO).max(Decimal::ZERO))
                    })
                    .collect::<Result<_>>()?
            }
        };
        if shares.len() != parts.len() {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!(
                    "the history period has {} {}s but the parent's period has {}",
                    shares.len(),
                    grain.name(),
                    parts.len()
                ),
            ));
        }
        Ok(allocate(total, &shares, self.rounding.places)?
            .get(position)
            .copied())
    }
}

/// The periods besides the evaluated one whose measures target rules read: baselines,
/// cascade histories, the sub-periods of phasing histories, and the goal periods within
/// `period` of a recurring market-share target (its market size per goal period).
pub(crate) fn extra_windows(
    calendar: &Calendar,
    goals: &[(&Goal, GoalPeriod)],
    period: &Period,
) -> Vec<Period> {
    let mut out = Vec::new();
    for (goal, goal_period) in goals {
        if let (
            Some(Target::Share {
                market: Amount::Metric { .. },
                ..
            }),
            GoalPeriod::Every(grain),
        ) = (&goal.target, goal_period)
            && let Ok(parts) = period.children(*grain)
            && parts.len() > 1
        {
            out.extend(parts);
        }
        // A long-term goal reviewed inside its span reads its running total.
        if let Some(span) = super::span_around(goal, *goal_period, period) {
            out.extend(super::to_date(&span, period).ok());
        }
        match BaselineWindow::of(goal.baseline.as_ref(), calendar, &|_| String::new()) {
            Ok(Some(BaselineWindow::Fixed(fixed))) => out.push(fixed),
            // A relative baseline is read for each goal period within `period`.
            Ok(Some(window)) => {
                let parts = match super::span_around(goal, *goal_period, period) {
                    Some(span) => vec![span],
                    None => goal_period.parts(calendar, period).unwrap_or_default(),
                };
                for part in parts {
                    out.extend(window.period_for(&part).ok());
                }
            }
            _ => {}
        }
        match (&goal.target, goal_period) {
            (
                Some(Target::Cascade {
                    history: Some(h), ..
                }),
                _,
            ) => out.extend(calendar.parse_period(h).ok()),
            (
                Some(Target::Phase {
                    history: Some(h), ..
                }),
                GoalPeriod::Every(grain),
            ) => {
                if let Ok(children) = calendar.parse_period(h).and_then(|p| p.children(*grain)) {
                    out.extend(children);
                }
            }
            _ => {}
        }
    }
    out
}

/// One scope a goal is scored for.
pub(crate) struct Scope<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub team: Option<&'a str>,
    /// The measures keys of the scope's stints (borrowed from the org's stint keys).
    pub members: KeyList<'a>,
}

/// The company, each team or each member, in org order, with the stint keys they cover:
/// a member who moved counts in each team for the facts of their time there.
///
/// `keys` are the org's [`Org::stint_keys`].
pub(crate) fn scopes_of<'a>(
    org: &'a Org,
    keys: &'a [StintKey<'a>],
    kind: ScopeKind,
    period: &Period,
) -> Vec<Scope<'a>> {
    if kind == ScopeKind::Dimension {
        return Vec::new(); // dimension scopes come from the measures: see `dimension_scopes`
    }
    match kind {
        ScopeKind::Company => {
            let mut all: Vec<&str> = keys.iter().map(|key| &**key).collect();
            all.push(UNASSIGNED);
            vec![Scope {
                id: "company",
                name: "Company",
                team: None,
                members: all.into(),
            }]
        }
        ScopeKind::Team => {
            // Each team's stints, found in one pass over the members.
            let mut by_team: hashbrown::HashMap<&str, Vec<&str>> = hashbrown::HashMap::new();
            for (member, key) in org.members.iter().zip(keys) {
                by_team.entry(member.team.as_str()).or_default().push(key);
            }
            org.teams
                .iter()
                .map(|team| Scope {
                    id: &team.id,
                    name: &team.name,
                    team: None,
                    members: by_team
                        .remove(team.id.as_str())
                        .map(KeyList::from)
                        .unwrap_or_default(),
                })
                .collect()
        }
        ScopeKind::Dimension => Vec::new(),
        ScopeKind::Member => org
            .members_in_keyed(keys, period.start(), period.end())
            .into_iter()
            .map(|(m, keys)| Scope {
                id: &m.id,
                name: &m.name,
                team: Some(&m.team),
                members: keys,
            })
            .collect(),
    }
}
