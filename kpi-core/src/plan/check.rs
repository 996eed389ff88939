//! Checking a plan: every reference resolves and every goal can be evaluated.

use hashbrown::HashSet;
use std::fmt::Write as _;

use super::Plan;
use crate::error::{Error, ErrorKind, Result};
use crate::formula::suggest;
use crate::goal::{GoalPeriod, Split, Target};
use crate::incentive::{Cap, Component, Incentive, Tier, TierBasis};
use crate::org::ScopeKind;
use rust_decimal::Decimal;

impl Plan {
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
                if crate::metric::Field::parse(d)
                    .is_none_or(|f| f == crate::metric::Field::Amount) =>
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

    fn check_target_rule(&self, i: usize, goal_period: GoalPeriod) -> Result<()> {
        let goal = &self.goals[i];
        let at = |field: &str| format!("goals[{i}].{field}");
        let fail = |field: &str, message: &str| {
            Err(Error::new(ErrorKind::PlanInvalid, message.to_owned()).at_path(at(field)))
        };
        if let Some(crate::goal::Baseline::Measured { metric, period }) = &goal.baseline {
            if let Some(metric) = metric {
                self.check_metric_ref(metric, &at("baseline.metric"))?;
            }
            self.calendar
                .parse_period(period)
                .map_err(|e| e.at_path(at("baseline.period")))?;
        }
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

    pub(super) fn check_incentives(&self) -> Result<()> {
        let mut ids = HashSet::new();
        for (i, incentive) in self.incentives.iter().enumerate() {
            if !ids.insert(incentive.id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!("incentive id `{}` is used twice", incentive.id),
                )
                .at_path(format!("incentives[{i}].id")));
            }
            if let Some(cap) = &incentive.cap {
                Plan::check_cap(incentive, cap, &format!("incentives[{i}].cap"))?;
            }
            if let Some(advance) = &incentive.advance {
                let at = format!("incentives[{i}].advance");
                let finer = incentive
                    .period
                    .is_some_and(|measured| advance.period < measured);
                if !finer {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        "advances are paid per a grain finer than the incentive's `period` (monthly advances on a quarterly incentive)",
                    )
                    .at_path(format!("{at}.period")));
                }
                if advance.share.is_sign_negative() || advance.share > Decimal::ONE {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        format!("the advance share {} is not between 0 and 1", advance.share),
                    )
                    .at_path(format!("{at}.share")));
                }
            }
            if let Some(draw) = &incentive.draw
                && draw.amount.is_sign_negative()
                && !draw.amount.is_zero()
            {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!("the draw {} is negative", draw.amount),
                )
                .at_path(format!("incentives[{i}].draw.amount")));
            }
            for (j, component) in incentive.components.iter().enumerate() {
                let at = |field: &str| format!("incentives[{i}].components[{j}].{field}");
                self.check_component(incentive, component, &at)?;
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

    fn check_goal_ref(&self, goal: &str, path: &str) -> Result<()> {
        if self.goals.iter().any(|g| g.id == goal) {
            return Ok(());
        }
        let mut message = format!("no goal `{goal}` is in the plan");
        if let Some(near) = suggest(goal, self.goals.iter().map(|g| g.id.as_str())) {
            let _ = write!(message, "; did you mean `{near}`?");
        }
        Err(Error::new(ErrorKind::PlanInvalid, message).at_path(path))
    }

    fn check_cap(incentive: &Incentive, cap: &Cap, path: &str) -> Result<()> {
        let (value, needs_target) = match cap {
            Cap::Amount(v) => (*v, false),
            Cap::Multiple { multiple } => (*multiple, true),
        };
        if value.is_sign_negative() && !value.is_zero() {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!("the cap {value} is negative"),
            )
            .at_path(path));
        }
        if needs_target
            && incentive.target_incentive.is_none()
            && incentive.target_incentives.is_empty()
        {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                "a cap as a multiple of the target incentive needs the incentive's `target_incentive`",
            )
            .at_path(path));
        }
        Ok(())
    }

    fn check_limits(
        &self,
        incentive: &Incentive,
        component: &Component,
        at: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        let limits = component.limits();
        if let Some(gate) = &limits.gate {
            match (&gate.goal, &gate.metric, gate.score) {
                (Some(goal), None, false) => self.check_goal_ref(goal, &at("gate.goal"))?,
                (None, Some(metric), false) => self.check_metric_ref(metric, &at("gate.metric"))?,
                (None, None, true) => {}
                _ => {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        "a gate reads one measure: a `goal`, a `metric`, or `score = true`",
                    )
                    .at_path(at("gate")));
                }
            }
        }
        if limits.threshold.is_some() && component.goal().is_none() {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                "a threshold is an attainment: the component names its `goal`",
            )
            .at_path(at("threshold")));
        }
        if let Some(cap) = &limits.cap {
            Plan::check_cap(incentive, cap, &at("cap"))?;
        }
        Ok(())
    }

    fn check_pool(
        &self,
        amount: Decimal,
        split: crate::incentive::PoolSplit,
        metric: Option<&str>,
        weights: &std::collections::BTreeMap<String, Decimal>,
        refuse_negative: &dyn Fn(&Decimal, &str) -> Result<()>,
        at: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        refuse_negative(&amount, "amount")?;
        if let Some(metric) = metric {
            self.check_metric_ref(metric, &at("metric"))?;
        }
        if split == crate::incentive::PoolSplit::Weights && weights.is_empty() {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                "a pool split by weights lists them: weights = { \"zhang.san\" = \"2\" }",
            )
            .at_path(at("weights")));
        }
        let members = self.org.member_ids();
        for (id, weight) in weights {
            if !members.contains(id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!("`{id}` is not a member of the org"),
                )
                .at_path(at(&format!("weights.{id}"))));
            }
            refuse_negative(weight, &format!("weights.{id}"))?;
        }
        Ok(())
    }

    fn check_matrix(
        &self,
        by: &str,
        (rows, columns, amounts): (&[Decimal], &[Decimal], &[Vec<Decimal>]),
        refuse_negative: &dyn Fn(&Decimal, &str) -> Result<()>,
        at: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        self.check_goal_ref(by, &at("by"))?;
        let rising = |v: &[Decimal]| !v.is_empty() && v.windows(2).all(|p| p[1] > p[0]);
        if !rising(rows) || !rising(columns) {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                "matrix rows and columns are breaks by strictly rising attainment",
            )
            .at_path(at("rows")));
        }
        if amounts.len() != rows.len() || amounts.iter().any(|r| r.len() != columns.len()) {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!(
                    "the matrix has {} rows and {} columns, so `amounts` is {} lists of {}",
                    rows.len(),
                    columns.len(),
                    rows.len(),
                    columns.len()
                ),
            )
            .at_path(at("amounts")));
        }
        for (r, row) in amounts.iter().enumerate() {
            for (c, amount) in row.iter().enumerate() {
                refuse_negative(amount, &format!("amounts[{r}][{c}]"))?;
            }
        }
        Ok(())
    }

    /// A clawback reverses a rate or tier component of its incentive that pays on a sum
    /// of `amount`, from a known reversals metric; attainment tiers need a fixed target.
    fn check_clawback(
        &self,
        incentive: &Incentive,
        of: usize,
        reversals: &str,
        at: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        self.check_metric_ref(reversals, &at("reversals"))?;
        let fail = |message: &str| {
            Err(Error::new(ErrorKind::PlanInvalid, message.to_owned()).at_path(at("of")))
        };
        let Some(paying) = incentive.components.get(of) else {
            return fail(
                "`of` is the position of the component the clawback reverses, in this incentive",
            );
        };
        let metrics = self.metric_defs()?;
        let sums_amount = paying
            .metric()
            .and_then(|m| metrics.get(m))
            .is_some_and(|m| {
                m.aggregate == Some(crate::metric::Aggregate::Sum)
                    && m.field.as_deref() == Some("amount")
            });
        if !matches!(paying, Component::Rate { .. } | Component::Tiered { .. }) || !sums_amount {
            return fail(
                "a clawback reverses a `rate` or `tiered` component that pays on a sum of `amount`",
            );
        }
        if let Component::Tiered {
            on: TierBasis::Attainment,
            goal: Some(goal),
            ..
        } = paying
        {
            let fixed = self.goals.iter().find(|g| &g.id == goal).is_some_and(|g| {
                matches!(g.target, Some(Target::Fixed(_))) || !g.targets.is_empty()
            });
            if !fixed {
                return fail(
                    "a clawback of attainment tiers needs their goal's target to be a number, to know the sale's tier",
                );
            }
        }
        Ok(())
    }

    fn check_component(
        &self,
        incentive: &Incentive,
        component: &Component,
        at: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        let negative = |v: &Decimal| v.is_sign_negative() && !v.is_zero();
        let refuse_negative = |v: &Decimal, field: &str| {
            if negative(v) && !incentive.allow_negative {
                Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!("{v} is negative; set `allow_negative = true` on the incentive to pay penalties"),
                )
                .at_path(at(field)))
            } else {
                Ok(())
            }
        };
        if let Some(metric) = component.metric() {
            self.check_metric_ref(metric, &at("metric"))?;
        }
        if let Some(goal) = component.goal() {
            self.check_goal_ref(goal, &at("goal"))?;
        }
        self.check_limits(incentive, component, at)?;
        match component {
            Component::Rate { rate, .. } => refuse_negative(rate, "rate"),
            Component::Tiered {
                tiers, on, goal, ..
            } => {
                if *on == TierBasis::Attainment && goal.is_none() {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        "tiers on attainment name the `goal` whose target they scale",
                    )
                    .at_path(at("goal")));
                }
                check_tiers(tiers, at)?;
                for (k, tier) in tiers.iter().enumerate() {
                    refuse_negative(&tier.rate, &format!("tiers[{k}].rate"))?;
                }
                Ok(())
            }
            Component::Curve { points, .. } => {
                if incentive.target_incentive.is_none() && incentive.target_incentives.is_empty() {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        "a payout curve scales the incentive's `target_incentive`",
                    )
                    .at_path(at("points")));
                }
                if points.is_empty()
                    || points
                        .windows(2)
                        .any(|p| p[1].attainment <= p[0].attainment)
                {
                    return Err(Error::new(
                        ErrorKind::PlanInvalid,
                        "curve points are listed by strictly rising attainment",
                    )
                    .at_path(at("points")));
                }
                for (k, point) in points.iter().enumerate() {
                    refuse_negative(&point.payout, &format!("points[{k}].payout"))?;
                }
                Ok(())
            }
            Component::Clawback { of, reversals, .. } => {
                self.check_clawback(incentive, *of, reversals, at)
            }
            Component::Bonus { amount, .. } | Component::Spiff { amount, .. } => {
                refuse_negative(amount, "amount")
            }
            Component::Pool {
                amount,
                split,
                metric,
                weights,
                ..
            } => self.check_pool(
                *amount,
                *split,
                metric.as_deref(),
                weights,
                &refuse_negative,
                at,
            ),
            Component::Matrix {
                by,
                rows,
                columns,
                amounts,
                ..
            } => self.check_matrix(by, (rows, columns, amounts), &refuse_negative, at),
        }
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

/// Tiers start at 0, rise strictly, and leave no gap: each tier runs to the next one's
/// `from`.
fn check_tiers(tiers: &[Tier], at: &dyn Fn(&str) -> String) -> Result<()> {
    let Some(first) = tiers.first() else {
        return Err(Error::new(
            ErrorKind::PlanInvalid,
            "a tier table needs at least one tier",
        )
        .at_path(at("tiers")));
    };
    if !first.from.is_zero() {
        return Err(Error::new(
            ErrorKind::PlanInvalid,
            format!(
                "the first tier starts at {}, leaving a gap from 0: start it at 0 (a rate of 0 pays nothing below a threshold)",
                first.from
            ),
        )
        .at_path(at("tiers[0].from")));
    }
    for (k, pair) in tiers.windows(2).enumerate() {
        if pair[1].from <= pair[0].from {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!(
                    "tier {} starts at {}, not after tier {} at {}: tiers overlap or are out of order",
                    k + 2,
                    pair[1].from,
                    k + 1,
                    pair[0].from
                ),
            )
            .at_path(at(&format!("tiers[{}].from", k + 1))));
        }
    }
    Ok(())
}
