//! A member's capacity in a goal period: new members' targets ramp up with tenure (the
//! plan's `[ramp]`) and targets shrink for days on leave (the org's `leaves`), for the
//! goals that opt in with `prorate = ["ramp", "leave"]`.
//!
//! A member's share of a full target is the mean, over the goal period's days, of each
//! day's weight: 0 on leave; with `ramp`, 0 on a day outside their stints (before they
//! joined or after they left), the ramp step of their tenure on it, and 1 once ramped.
//! The share is applied exactly (`target × weighted days / days`), then money is rounded
//! as the plan rounds it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decimal::{OrOverflow, TryArithmetic};
use crate::error::{Error, ErrorKind, Result};
use crate::org::{Member, Org};
use crate::period::{Grain, Period};

/// How new members' targets ramp up, under `[ramp]`: the share of the full target in
/// each step of tenure, counted from the first day of their unbroken run of stints (a
/// team move does not restart it; coming back after a gap does). After the last step,
/// the full target.
///
/// ```toml
/// [ramp]
/// every = "month"                   # each step lasts a month (the default)
/// steps = ["0.25", "0.5", "0.75"]   # 25%, 50%, 75%, then 100% from the fourth month
/// ```
///
/// Only goals with `prorate = ["ramp"]` (member goals on a metric that adds up) ramp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Ramp {
    /// How long each step lasts: `month` when omitted; `day`, `week`, `quarter`,
    /// `half` or `year` also work.
    #[serde(default = "default_every")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub every: Grain,
    /// The share of the full target in each step, from the first: 1 to 36 numbers from 0
    /// to 1.
    #[cfg_attr(feature = "typescript", tsify(type = "Array<string | number>"))]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Vec<crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::vec")]
    pub steps: Vec<Decimal>,
}

fn default_every() -> Grain {
    Grain::Month
}

/// The most steps a ramp may have (three years of months).
const MAX_STEPS: usize = 36;

impl Ramp {
    /// Each step is a share from 0 to 1, and there are 1 to 36 of them.
    pub(crate) fn check(&self) -> Result<()> {
        let at = |field: String| move |e: Error| e.at_path(field);
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!(
                    "a ramp has 1 to {MAX_STEPS} steps (the share of the full target in each), not {}",
                    self.steps.len()
                ),
            ))
            .map_err(at("ramp.steps".into()));
        }
        for (i, step) in self.steps.iter().enumerate() {
            if step.is_sign_negative() || *step > Decimal::ONE {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!("a ramp step is a share of the full target from 0 to 1, not {step}"),
                ))
                .map_err(at(format!("ramp.steps[{i}]")));
            }
        }
        Ok(())
    }

    /// The first day of step `k` for tenure from `start`; `None` when it is past the last
    /// date the library holds (the step then never ends).
    fn step_start(&self, start: NaiveDate, k: usize) -> Option<NaiveDate> {
        let k = k as i64; // at most MAX_STEPS
        let months = |n: i64| crate::period::add_months(start, n * k).ok();
        match self.every {
            Grain::Day => start.checked_add_signed(chrono::Duration::days(k)),
            Grain::Week => start.checked_add_signed(chrono::Duration::days(7 * k)),
            Grain::Month => months(1),
            Grain::Quarter => months(3),
            Grain::Half => months(6),
            Grain::Year => months(12),
        }
    }
}

/// What a member goal's targets are prorated by, in its `prorate` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Prorate {
    /// Tenure, by the plan's `[ramp]`; days outside the member's stints count as none.
    Ramp,
    /// Days on leave, from the org's `leaves`, count as none.
    Leave,
}

/// A member's share of a full target in one goal period: `weighted` of its `days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Share {
    /// The sum of the days' weights.
    pub weighted: Decimal,
    /// The days of the goal period.
    pub days: u32,
}

impl Share {
    /// Every day counts in full.
    pub fn is_full(&self) -> bool {
        self.weighted == Decimal::from(self.days)
    }

    /// `target × weighted / days`, exact to the library's 28 digits.
    pub fn of(&self, target: Decimal) -> Result<Decimal> {
        if self.is_full() {
            return Ok(target);
        }
        target
            .try_mul(self.weighted)
            .and_then(|v| v.try_div(Decimal::from(self.days)))
            .or_overflow(|| "the prorated target")
    }
}

/// Member `id`'s share of a full target in `period`, by what `prorate` lists.
pub(crate) fn share(
    org: &Org,
    ramp: Option<&Ramp>,
    id: &str,
    prorate: &[Prorate],
    period: &Period,
) -> Result<Share> {
    let by_ramp = prorate.contains(&Prorate::Ramp);
    let by_leave = prorate.contains(&Prorate::Leave);
    let stints: Vec<&Member> = org.members.iter().filter(|m| m.id == id).collect();
    let leaves: Vec<(NaiveDate, NaiveDate)> = if by_leave {
        org.leaves
            .iter()
            .filter(|l| l.member == id)
            .map(|l| (l.from, l.until))
            .collect()
    } else {
        Vec::new()
    };
    // The step boundaries of the last run start seen: a period has one, or two around a
    // return from a gap.
    let mut steps: Option<(NaiveDate, Vec<Option<NaiveDate>>)> = None;
    let mut weighted = Decimal::ZERO;
    let mut day = period.start();
    while day < period.end() {
        let on_leave = leaves
            .iter()
            .any(|&(from, until)| from <= day && day < until);
        let weight = if on_leave {
            Decimal::ZERO
        } else if by_ramp {
            match tenure(&stints, day) {
                Tenure::Absent => Decimal::ZERO,
                Tenure::Always => Decimal::ONE,
                Tenure::Since(start) => ramp.map_or(Decimal::ONE, |ramp| {
                    let bounds = match &steps {
                        Some((s, bounds)) if *s == start => bounds,
                        _ => {
                            let bounds = (1..=ramp.steps.len())
                                .map(|k| ramp.step_start(start, k))
                                .collect();
                            &steps.insert((start, bounds)).1
                        }
                    };
                    // The first step that ends after `day`; past them all, ramped up.
                    bounds
                        .iter()
                        .position(|end| end.is_none_or(|end| day < end))
                        .map_or(Decimal::ONE, |k| ramp.steps[k])
                }),
            }
        } else {
            Decimal::ONE
        };
        weighted = weighted
            .try_add(weight)
            .or_overflow(|| "the days a member is in post")?;
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    Ok(Share {
        weighted,
        days: period.days(),
    })
}

/// Where a day falls in a member's tenure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tenure {
    /// No stint covers the day.
    Absent,
    /// In an unbroken run of stints since this day.
    Since(NaiveDate),
    /// In a run of stints with no start: in post since before the plan's time.
    Always,
}

/// The member's tenure on `day`: from the first day of their unbroken run of stints that
/// covers it.
fn tenure(stints: &[&Member], day: NaiveDate) -> Tenure {
    let Some(mut current) = stints.iter().find(|s| s.covers(day)) else {
        return Tenure::Absent;
    };
    // Stints do not overlap (the org is checked), so each step goes strictly back.
    loop {
        let Some(start) = current.from else {
            return Tenure::Always;
        };
        match stints.iter().find(|s| s.until == Some(start)) {
            Some(before) => current = before,
            None => return Tenure::Since(start),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn org(toml: &str) -> Org {
        let org: Org = toml::from_str(toml).unwrap();
        org.validate().unwrap();
        org
    }

    fn ramp() -> Ramp {
        Ramp {
            every: Grain::Month,
            steps: vec!["0.25".parse().unwrap(), "0.5".parse().unwrap()],
        }
    }

    #[test]
    fn a_team_move_keeps_tenure_and_a_gap_restarts_it() {
        let org = org(r#"
            teams = [{ id = "t1", name = "T1" }, { id = "t2", name = "T2" }]
            members = [
              { id = "a", name = "A", team = "t1", from = "2026-01-01", until = "2026-02-01" },
              { id = "a", name = "A", team = "t2", from = "2026-02-01", until = "2026-03-01" },
              { id = "a", name = "A", team = "t1", from = "2026-04-01" },
            ]
        "#);
        let stints: Vec<&Member> = org.members.iter().collect();
        assert_eq!(
            tenure(&stints, d("2026-02-15")),
            Tenure::Since(d("2026-01-01"))
        );
        assert_eq!(tenure(&stints, d("2026-03-15")), Tenure::Absent);
        assert_eq!(
            tenure(&stints, d("2026-04-15")),
            Tenure::Since(d("2026-04-01"))
        );
        let ramp = ramp();
        let month = |label: &str| {
            share(
                &org,
                Some(&ramp),
                "a",
                &[Prorate::Ramp],
                &Period::parse(label).unwrap(),
            )
            .unwrap()
        };
        // January at 25%, February at 50% (a move is not a new start), March not there.
        assert_eq!(month("2026-01").weighted, Decimal::from(31) * ramp.steps[0]);
        assert_eq!(month("2026-02").weighted, Decimal::from(28) * ramp.steps[1]);
        assert_eq!(month("2026-03").weighted, Decimal::ZERO);
        // Back in April after a gap: the ramp starts again.
        assert_eq!(month("2026-04").weighted, Decimal::from(30) * ramp.steps[0]);
        assert!(month("2026-06").is_full());
    }

    #[test]
    fn leave_days_count_as_none_and_overlapping_leaves_once() {
        let org = org(r#"
            teams = [{ id = "t1", name = "T1" }]
            members = [{ id = "a", name = "A", team = "t1" }]
            leaves = [
              { member = "a", from = "2026-04-06", until = "2026-04-16" },
              { member = "a", from = "2026-04-11", until = "2026-04-21" },
            ]
        "#);
        let april = Period::parse("2026-04").unwrap();
        let s = share(&org, None, "a", &[Prorate::Leave], &april).unwrap();
        assert_eq!((s.weighted, s.days), (Decimal::from(15), 30));
        assert_eq!(s.of(Decimal::from(3000)).unwrap(), Decimal::from(1500));
        // Not opted in: the leave does not count.
        assert!(share(&org, None, "a", &[], &april).unwrap().is_full());
    }
}
