//! Checking a plan: every reference resolves and every goal can be evaluated.

use hashbrown::HashSet;
use std::fmt::Write as _;

use super::Plan;
use crate::error::{Error, ErrorKind, Result};
use crate::formula::suggest;
use crate::goal::{GoalPeriod, Split, Target};
use crate::org::ScopeKind;
use crate::text::{Names, name_problem};

impl Plan {
    /// Checks the display names (`name` of a metric, `names` of a metric, goal,
    /// incentive or team) at their paths.
    pub(super) fn check_names(&self) -> Result<()> {
        let check = |names: &Names, at: &dyn Fn() -> String| match names.problem() {
            Some((key, message)) => Err(Error::new(ErrorKind::PlanInvalid, message)
                .at_path(format!("{}.names.{key}", at()))),
            None => Ok(()),
        };
        for (id, metric) in &self.metrics {
            let at = || format!("metrics.{id}");
            if let Some(problem) = metric.name.as_deref().and_then(name_problem) {
                return Err(
                    Error::new(ErrorKind::PlanInvalid, problem).at_path(format!("{}.name", at()))
                );
            }
            check(&metric.names, &at)?;
        }
        for (i, goal) in self.goals.iter().enumerate() {
            check(&goal.names, &|| format!("goals[{i}]"))?;
        }
        for (i, incentive) in self.incentives.iter().enumerate() {
            check(&incentive.names, &|| format!("incentives[{i}]"))?;
            for (j, component) in incentive.components.iter().enumerate() {
                let at = || format!("incentives[{i}].components[{j}]");
                let limits = component.limits();
                if let Some(problem) = limits.name.as_deref().and_then(name_problem) {
                    return Err(Error::new(ErrorKind::PlanInvalid, problem)
                        .at_path(format!("{}.name", at())));
                }
                check(&limits.names, &at)?;
            }
        }
        for (i, team) in self.org.teams.iter().enumerate() {
            check(&team.names, &|| format!("org.teams[{i}]"))?;
        }
        Ok(())
    }

    pub(super) fn check_goals(&self) -> Result<()> {
        self.rounding.check()?;
        self.status.validate().map_err(|e| e.at_path("status"))?;
        let mut ids = HashSet::new();
        for (i, goal) in self.goals.iter().enumerate() {
            let at = |field: &str| format!("goals[{i}].{field}");
            if !ids.insert(goal.id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!("goal id `{}` is used twice", goal.id),
                )
                .at_path(at("id")));
            }
            let required = |missing: bool, field: &str, what: &str| {
                if missing {
                    Err(Error::new(
                        ErrorKind::PlanInvalid,
                        format!("goal `{}` needs {what} to be evaluated", goal.id),
                    )
                    .at_path(at(field)))
                } else {
                    Ok(())
                }
            };
            required(goal.metric.is_none(), "metric", "a `metric`")?;
            required(
                goal.scope.is_none(),
                "scope",
                "a `scope` (company, team, member or dimension)",
            )?;
            required(
                goal.period.is_none(),
                "period",
                "a `period` (a grain or a period label)",
            )?;
            required(
                goal.target.is_none() && goal.targets.is_empty(),
                "target",
                "a `target`",
            )?;
            self.check_metric_ref(goal.metric_id(), &at("metric"))?;
            let period = goal.period.as_deref().unwrap_or_default();
            let goal_period =
                GoalPeriod::parse(&self.calendar, period).map_err(|e| e.at_path(at("period")))?;
            Plan::check_dimension(i, goal.scope_kind(), goal.dimension.as_deref())?;
            self.check_own_targets(i)?;
            self.check_target_rule(i, goal_period)?;
            if let Some(t) = &goal.thresholds {
                t.validate().map_err(|e| e.at_path(at("thresholds")))?;
            }
            for (j, version) in goal.versions.iter().enumerate() {
                let vat = format!("goals[{i}].versions[{j}]");
                crate::period::check_date(version.from)
                    .map_err(|e| e.at_path(format!("{vat}.from")))?;
                if version.reason.trim().is_empty() {
                    return Err(
                        Error::new(ErrorKind::PlanInvalid, "an adjustment needs a reason")
                            .at_path(format!("{vat}.reason")),
                    );
                }
                if j > 0 && goal.versions[j - 1].from >= version.from {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        "adjustments are listed oldest first, each from a later day",
                    )
                    .at_path(format!("{vat}.from")));
                }
            }
        }
        self.check_parents()
    }

    fn check_dimension(i: usize, scope: ScopeKind, dimension: Option<&str>) -> Result<()> {
        let at = format!("goals[{i}].dimension");
        match (scope, dimension) {
            (ScopeKind::Dimension, None) => Err(Error::new(
                ErrorKind::PlanInvalid,
                "a dimension goal names its `dimension`, such as attributes.region",
            )
            .at_path(at)),
            (ScopeKind::Dimension, Some(d))
                if crate::metric::Field::parse(d).is_none_or(|f| {
                    matches!(
                        f,
                        crate::metric::Field::Amount | crate::metric::Field::Days(_)
                    )
                }) =>
            {
                Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!(
                        "`{d}` is not a dimension: use attributes.<name>, customer, status or kind"
                    ),
                )
                .at_path(at))
            }
            (ScopeKind::Dimension, Some(_)) | (_, None) => Ok(()),
            (_, Some(_)) => Err(Error::new(
                ErrorKind::PlanInvalid,
                "only a dimension goal takes a `dimension`",
            )
            .at_path(at)),
        }
    }

    /// Ids in `targets` (and in adjustments' and weights' tables) are scopes of the org.
    fn check_own_targets(&self, i: usize) -> Result<()> {
        let goal = &self.goals[i];
        let scope = goal.scope_kind();
        // A goal may list a target for each of thousands of members: their ids are looked
        // up in a set, built on first use.
        let ids = std::cell::OnceCell::new();
        let known = |id: &str| match scope {
            ScopeKind::Company => id == "company",
            ScopeKind::Team => self.org.team(id).is_some(),
            ScopeKind::Member => ids.get_or_init(|| self.org.member_ids()).contains(id),
            // Dimension values are whatever the facts hold.
            ScopeKind::Dimension => true,
        };
        let weights = match &goal.target {
            Some(Target::Cascade { weights, .. }) => Some(weights),
            _ => None,
        };
        let tables = [(String::from("targets"), &goal.targets)]
            .into_iter()
            .chain(weights.map(|w| (String::from("target.weights"), w)))
            .chain(
                goal.versions
                    .iter()
                    .enumerate()
                    .map(|(j, v)| (format!("versions[{j}].targets"), &v.targets)),
            );
        for (field, table) in tables {
            for id in table.keys() {
                if !known(id) {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        format!("`{id}` is not a {} of the org", scope.name()),
                    )
                    .at_path(format!("goals[{i}].{field}.{id}")));
                }
            }
        }
        Ok(())
    }

    /// The plan's `[forecast]` (its open filter and stage probabilities), and the goals
    /// that show it: on a money metric that adds up, higher being better, not long-term.
    pub(super) fn check_forecast(&self, book: &crate::measure::MetricBook<'_>) -> Result<()> {
        if let Some(rules) = &self.forecast {
            rules.check()?;
            crate::metric::Filter::parse(rules.open_filter())
                .map_err(|e| e.at_path("forecast.open"))?;
        }
        for (i, goal) in self.goals.iter().enumerate().filter(|(_, g)| g.forecast) {
            let metric = goal.metric_id();
            let problem = if book.unit(metric) != crate::formula::Unit::Money
                || !book.is_additive(metric)
            {
                format!(
                    "`{metric}` is not an amount that adds up: open deals forecast a sum of money"
                )
            } else if goal.direction.or(book.direction(metric))
                == Some(crate::metric::Direction::Lower)
            {
                format!("`{metric}` is better lower: open deals forecast a target to reach")
            } else if goal.checkpoints.is_some() {
                "a long-term goal is not forecast: forecast its yearly or quarterly goals"
                    .to_owned()
            } else {
                continue;
            };
            return Err(
                Error::new(ErrorKind::PlanInvalid, problem).at_path(format!("goals[{i}].forecast"))
            );
        }
        Ok(())
    }

    /// The plan's `[ramp]`, and the goals that prorate by it or by leave: member goals
    /// on a metric that adds up (a win rate is not smaller for a newcomer), over a grain
    /// or one period of at most a year, not long-term goals.
    pub(super) fn check_prorate(&self, book: &crate::measure::MetricBook<'_>) -> Result<()> {
        if let Some(ramp) = &self.ramp {
            ramp.check()?;
        }
        for (i, goal) in self.goals.iter().enumerate() {
            if goal.prorate.is_empty() {
                continue;
            }
            let fail = |message: String| {
                Err(Error::new(ErrorKind::PlanInvalid, message)
                    .at_path(format!("goals[{i}].prorate")))
            };
            if goal.scope_kind() != ScopeKind::Member {
                return fail(format!(
                    "only member targets are prorated (by a member's ramp or leave); this goal is for each {}",
                    goal.scope_kind().name()
                ));
            }
            if !book.is_additive(goal.metric_id()) {
                return fail(format!(
                    "`{}` does not add up over days, so its target is not prorated: prorate a sum or a count",
                    goal.metric_id()
                ));
            }
            if goal.checkpoints.is_some() {
                return fail(
                    "a long-term goal's target is not prorated: prorate its yearly or monthly goals".to_owned(),
                );
            }
            // Prorating weighs each day of a goal period: at most a year of them.
            let period = goal.period.as_deref().unwrap_or_default();
            if let Ok(GoalPeriod::Only(p)) = GoalPeriod::parse(&self.calendar, period)
                && p.days() > 366
            {
                return fail(format!(
                    "{} is longer than a year: prorate goals over a year or less",
                    p.label()
                ));
            }
            if goal.prorate.len() == 2 && goal.prorate[0] == goal.prorate[1]
                || goal.prorate.len() > 2
            {
                return fail("`prorate` lists `ramp`, `leave` or both, each once".to_owned());
            }
            if goal.prorate.contains(&crate::goal::Prorate::Ramp) && self.ramp.is_none() {
                return fail(
                    "`ramp` prorates by the plan's `[ramp]`, which it does not have: add `[ramp]` with its `steps`".to_owned(),
                );
            }
        }
        Ok(())
    }

    /// A goal's measured baseline: its metric, its window, and what `if_missing` asks.
    fn check_baseline(&self, i: usize, goal_period: GoalPeriod) -> Result<()> {
        let goal = &self.goals[i];
        let at = |field: &str| format!("goals[{i}].{field}");
        let fail = |field: &str, message: &str| {
            Err(Error::new(ErrorKind::PlanInvalid, message.to_owned()).at_path(at(field)))
        };
        if let Some(crate::goal::Baseline::Measured {
            metric, if_missing, ..
        }) = &goal.baseline
        {
            if let Some(metric) = metric {
                self.check_metric_ref(metric, &at("baseline.metric"))?;
            }
            let window = crate::goal::BaselineWindow::of(
                goal.baseline.as_ref(),
                &self.calendar,
                &|field| match field {
                    "" => at("baseline"),
                    field => at(&format!("baseline.{field}")),
                },
            )?;
            // A span's year-ago or trailing window would overlap the span itself.
            if let (GoalPeriod::Only(span), Some(w)) = (goal_period, window)
                && span.kind() == crate::period::PeriodKind::Span
                && matches!(
                    w,
                    crate::goal::BaselineWindow::LastYear
                        | crate::goal::BaselineWindow::Trailing(_)
                )
            {
                return fail(
                    "baseline",
                    "a span's baseline is `previous` (the span before it) or a period label: `last_year` and `trailing` would overlap the span",
                );
            }
            if matches!(
                if_missing,
                Some(crate::goal::IfMissing::Rule(
                    crate::goal::MissingBaseline::TeamAverage
                ))
            ) && !matches!(goal.scope_kind(), ScopeKind::Member | ScopeKind::Team)
            {
                return fail(
                    "baseline.if_missing",
                    "`team_average` averages a member's teammates or the other teams: this goal is not for members or teams",
                );
            }
            if if_missing.is_some() && !matches!(goal.target, Some(Target::Growth { .. })) {
                return fail(
                    "baseline.if_missing",
                    "`if_missing` says what a growth target grows without a baseline; this goal's target is not a growth (`{ growth = \"0.10\" }`)",
                );
            }
        }
        Ok(())
    }

    fn check_target_rule(&self, i: usize, goal_period: GoalPeriod) -> Result<()> {
        let goal = &self.goals[i];
        let at = |field: &str| format!("goals[{i}].{field}");
        let fail = |field: &str, message: &str| {
            Err(Error::new(ErrorKind::PlanInvalid, message.to_owned()).at_path(at(field)))
        };
        crate::goal::check_checkpoints(goal, goal_period, &|field| at(field))?;
        self.check_baseline(i, goal_period)?;
        let history = |h: &Option<String>| -> Result<()> {
            match h {
                Some(h) => self
                    .calendar
                    .parse_period(h)
                    .map(|_| ())
                    .map_err(|e| e.at_path(at("target.history"))),
                None => fail(
                    "target.history",
                    "a split by history names its `history` period, such as FY2026",
                ),
            }
        };
        match &goal.target {
            Some(Target::Growth { .. }) if goal.baseline.is_none() => fail(
                "baseline",
                "a growth target grows a `baseline`: a number or { period = \"FY2026\" }",
            ),
            Some(Target::Share {
                market: crate::goal::Amount::Metric { metric },
                ..
            }) => self.check_metric_ref(metric, &at("target.market.metric")),
            Some(Target::Cascade { .. } | Target::Phase { .. }) if goal.parent.is_none() => fail(
                "parent",
                "a cascaded or phased target takes its total from a `parent` goal",
            ),
            Some(Target::Cascade {
                cascade,
                weights,
                history: h,
            }) => match cascade {
                Split::Weights if weights.is_empty() => fail(
                    "target.weights",
                    "a split by weights lists them: weights = { east = \"2\" }",
                ),
                Split::History => history(h),
                _ => Ok(()),
            },
            Some(Target::Phase { phase, history: h }) => {
                if !matches!(goal_period, GoalPeriod::Every(_)) {
                    return fail(
                        "period",
                        "a phased goal recurs: period = \"month\" or \"quarter\"",
                    );
                }
                match phase {
                    Split::History => history(h),
                    Split::Weights => fail(
                        "target.phase",
                        "phasing is `equal` (or `even`) or `history`",
                    ),
                    Split::Equal => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// Parents exist and do not loop. Each goal is walked up once: a chain already
    /// found to end well is not walked again (walking every goal's whole chain, each
    /// parent found by a scan, was quadratic in the number of goals).
    fn check_parents(&self) -> Result<()> {
        let position = self.goal_positions();
        // Goals whose chain of parents ends without a loop.
        let mut sound = vec![false; self.goals.len()];
        for (i, goal) in self.goals.iter().enumerate() {
            let mut seen: Vec<&str> = vec![goal.id.as_str()];
            let mut on_path: HashSet<usize> = HashSet::from([i]);
            let mut walked = vec![i];
            let mut current = goal;
            while let Some(parent) = current.parent.as_deref() {
                let Some(&next) = position.get(parent) else {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        format!("the parent goal `{parent}` is not in the plan"),
                    )
                    .at_path(format!("goals[{i}].parent")));
                };
                if sound[next] {
                    break;
                }
                if !on_path.insert(next) {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        format!("goal parents loop: {} → {parent}", seen.join(" → ")),
                    )
                    .at_path(format!("goals[{i}].parent")));
                }
                seen.push(parent);
                walked.push(next);
                current = &self.goals[next];
            }
            for w in walked {
                sound[w] = true;
            }
            if let Some(objective) = goal.objective.as_deref()
                && !self.objectives.is_empty()
                && !self.objectives.iter().any(|o| o.id == objective)
            {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!("`{objective}` is not one of the plan's objectives"),
                )
                .at_path(format!("goals[{i}].objective")));
            }
        }
        Ok(())
    }

    /// Each goal id's first position in the plan.
    pub(super) fn goal_positions(&self) -> hashbrown::HashMap<&str, usize> {
        let mut position = hashbrown::HashMap::with_capacity(self.goals.len());
        for (i, goal) in self.goals.iter().enumerate() {
            position.entry(goal.id.as_str()).or_insert(i);
        }
        position
    }

    pub(super) fn check_metric_ref(&self, metric: &str, path: &str) -> Result<()> {
        let metrics = self.metric_defs()?;
        if metrics.contains_key(metric) {
            return Ok(());
        }
        let mut message = format!("no metric `{metric}` is defined under [metrics]");
        if let Some(near) = suggest(metric, metrics.keys().map(String::as_str)) {
            let _ = write!(message, "; did you mean `{near}`?");
        }
        Err(Error::new(ErrorKind::PlanUnknownMetric, message).at_path(path))
    }
}
