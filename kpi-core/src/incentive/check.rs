//! The checks of a plan's incentives: ids, caps, advances, draws and every component's
//! references and numbers, each error at its plan path.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hashbrown::HashSet;
use rust_decimal::Decimal;

use super::{Cap, Component, Incentive, Tier, TierBasis};
use crate::error::{Error, ErrorKind, Result};
use crate::formula::suggest;
use crate::goal::{Goal, Target};
use crate::metric::MetricDef;
use crate::org::Org;

/// The longest time earnings wait for collection before they lapse (ten years).
const MAX_LAPSE_DAYS: u32 = 3660;

/// What the incentive checks read of the rest of the plan.
pub(crate) struct CheckContext<'a> {
    pub goals: &'a [Goal],
    pub org: &'a Org,
    /// The plan's metrics with the catalogue's.
    pub metrics: &'a BTreeMap<String, MetricDef>,
}

impl CheckContext<'_> {
    pub(crate) fn check_incentives(&self, incentives: &[Incentive]) -> Result<()> {
        let mut ids = HashSet::new();
        for (i, incentive) in incentives.iter().enumerate() {
            if !ids.insert(incentive.id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!("incentive id `{}` is used twice", incentive.id),
                )
                .at_path(format!("incentives[{i}].id")));
            }
            if let Some(cap) = &incentive.cap {
                Self::check_cap(incentive, cap, &format!("incentives[{i}].cap"))?;
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
            Self::check_cap(incentive, cap, &at("cap"))?;
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
        if Component::paid_on_collection(&incentive.components, of) {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                "the component is paid on collection: a reversed sale is not collected, so there is nothing to claw back",
            )
            .at_path(at("of")));
        }
        self.check_priced_per_sale(incentive, of, "a clawback reverses", at)
    }

    /// A clawback's or a collection's `of`: a `rate` or `tiered` component on a sum of
    /// `amount` whose rate for one sale can be known (attainment tiers on a fixed target).
    fn check_priced_per_sale(
        &self,
        incentive: &Incentive,
        of: usize,
        what: &str,
        at: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        let fail = |message: &str| {
            Err(Error::new(ErrorKind::PlanInvalid, message.to_owned()).at_path(at("of")))
        };
        let Some(paying) = incentive.components.get(of) else {
            return fail(&format!(
                "`of` is the position of the component {what}, in this incentive"
            ));
        };
        let metrics = self.metrics;
        let sums_amount = paying
            .metric()
            .and_then(|m| metrics.get(m))
            .is_some_and(|m| {
                m.aggregate == Some(crate::metric::Aggregate::Sum)
                    && m.field.as_deref() == Some("amount")
            });
        if !matches!(paying, Component::Rate { .. } | Component::Tiered { .. }) || !sums_amount {
            return fail(&format!(
                "{what} a `rate` or `tiered` component that pays on a sum of `amount`"
            ));
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
                return fail(&format!(
                    "{what} attainment tiers: their goal's target must be a number, to know each sale's tier"
                ));
            }
        }
        Ok(())
    }

    fn check_collection(
        &self,
        incentive: &Incentive,
        component: &Component,
        at: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        let Component::Collection {
            of,
            payments,
            link,
            lapse_days,
            ..
        } = component
        else {
            return Ok(());
        };
        let (of, payments, link, lapse_days) =
            (*of, payments.as_str(), link.as_deref(), *lapse_days);
        self.check_metric_ref(payments, &at("payments"))?;
        self.check_priced_per_sale(incentive, of, "a collection pays", at)?;
        let refuse = |message: String, field: &str| {
            Err(Error::new(ErrorKind::PlanInvalid, message).at_path(at(field)))
        };
        let named = incentive
            .components
            .iter()
            .filter(|c| matches!(c, Component::Collection { of: o, .. } if *o == of))
            .count();
        if named > 1 {
            return refuse(
                format!("two collection components pay component {of}: one pays it"),
                "of",
            );
        }
        let earning = &incentive.components[of];
        if matches!(earning, Component::Tiered { per_deal: true, .. }) {
            return refuse(
                format!(
                    "component {of} is paid on collection, booking by booking: its lines cannot also be per deal (`per_deal`)"
                ),
                "of",
            );
        }
        // Payments and bookings are placed by their own dates, and a payment's cash is its
        // amount.
        let sum_of_amount = |id: &str| {
            self.metrics.get(id).is_some_and(|m| {
                m.aggregate == Some(crate::metric::Aggregate::Sum)
                    && m.field.as_deref() == Some("amount")
            })
        };
        if !sum_of_amount(payments) {
            return refuse(
                format!(
                    "`payments` is a metric that sums the `amount` of payment facts; `{payments}` does not"
                ),
                "payments",
            );
        }
        let dated_otherwise = |id: Option<&str>| {
            id.and_then(|id| self.metrics.get(id))
                .is_some_and(|m| m.date.is_some())
        };
        if dated_otherwise(earning.metric()) || dated_otherwise(Some(payments)) {
            return refuse(
                "a collection reads bookings and payments on their own dates: their metrics cannot place them by another `date`".to_owned(),
                "payments",
            );
        }
        if link.is_some_and(|l| l.strip_prefix("attributes.").is_none_or(str::is_empty)) {
            return refuse(
                "`link` names the payment's attribute that holds the booking's id: `attributes.<name>`".to_owned(),
                "link",
            );
        }
        let limits = earning.limits();
        if limits.gate.is_some() || limits.cap.is_some() || limits.threshold.is_some() {
            return refuse(
                format!(
                    "component {of} is paid on collection, booking by booking: a `gate`, `cap` or `threshold` on it is not supported (cap the incentive, or this component)"
                ),
                "of",
            );
        }
        if std::ptr::eq(earning, component) {
            return refuse("a collection pays another component".to_owned(), "of");
        }
        if lapse_days.is_some_and(|d| d > MAX_LAPSE_DAYS) {
            return refuse(
                format!("`lapse_days` is at most {MAX_LAPSE_DAYS} (ten years)"),
                "lapse_days",
            );
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
            Component::Collection { .. } => self.check_collection(incentive, component, at),
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

    fn check_metric_ref(&self, metric: &str, path: &str) -> Result<()> {
        if self.metrics.contains_key(metric) {
            return Ok(());
        }
        let mut message = format!("no metric `{metric}` is defined under [metrics]");
        if let Some(near) = suggest(metric, self.metrics.keys().map(String::as_str)) {
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
