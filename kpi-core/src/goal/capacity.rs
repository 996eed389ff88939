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

/// Each member's stints and leaves, gathered once: an evaluation prorates member by
/// member, and scanning the whole org for each would grow with its size squared.
#[derive(Debug, Default)]
pub(crate) struct Calendars<'a> {
    position: hashbrown::HashMap<&'a str, usize>,
    members: Vec<MemberDays<'a>>,
}

/// One member's stints and leaves (`from`, `until`).
#[derive(Debug, Default)]
pub(crate) struct MemberDays<'a> {
    stints: Vec<&'a Member>,
    leaves: Vec<(NaiveDate, NaiveDate)>,
}

impl<'a> Calendars<'a> {
    /// The calendars of the org's members.
    pub fn of(org: &'a Org) -> Calendars<'a> {
        let mut calendars = Calendars::default();
        for stint in &org.members {
            calendars.entry(&stint.id).stints.push(stint);
        }
        for leave in &org.leaves {
            calendars
                .entry(&leave.member)
                .leaves
                .push((leave.from, leave.until));
        }
        calendars
    }

    fn entry(&mut self, id: &'a str) -> &mut MemberDays<'a> {
        let next = self.members.len();
        let at = *self.position.entry(id).or_insert(next);
        if at == next {
            self.members.push(MemberDays::default());
        }
        &mut self.members[at]
    }

    /// Member `id`'s days; none for an id the org does not have.
    pub fn member(&self, id: &str) -> &MemberDays<'a> {
        const NOBODY: &MemberDays<'static> = &MemberDays {
            stints: Vec::new(),
            leaves: Vec::new(),
        };
        self.position
            .get(id)
            .map_or(NOBODY, |&at| &self.members[at])
    }
}

/// A member's share of a full target in `period`, by what `prorate` lists. With `team`,
/// only their days in that team count (a team's capacity).
pub(crate) fn share(
    member: &MemberDays<'_>,
    ramp: Option<&Ramp>,
    prorate: &[Prorate],
    period: &Period,
    team: Option<&str>,
) -> Result<Share> {
    let by_ramp = prorate.contains(&Prorate::Ramp);
    let by_leave = prorate.contains(&Prorate::Leave);
    // The step boundaries of the last run start seen: a period has one, or two around a
    // return from a gap.
    let mut steps: Option<(NaiveDate, Vec<Option<NaiveDate>>)> = None;
    let mut weighted = Decimal::ZERO;
    let mut day = period.start();
    while day < period.end() {
        let stint = member.stints.iter().copied().find(|s| s.covers(day));
        let elsewhere = team.is_some_and(|team| stint.is_none_or(|s| s.team != team));
        let on_leave = by_leave
            && member
                .leaves
                .iter()
                .any(|&(from, until)| from <= day && day < until);
        let weight = if on_leave || elsewhere {
            Decimal::ZERO
        } else if by_ramp {
            match stint.map(|s| tenure(&member.stints, s)) {
                None => Decimal::ZERO,
                Some(Tenure::Always) => Decimal::ONE,
                Some(Tenure::Since(start)) => ramp.map_or(Decimal::ONE, |ramp| {
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
    /// In an unbroken run of stints since this day.
    Since(NaiveDate),
    /// In a run of stints with no start: in post since before the plan's time.
    Always,
}

/// The member's tenure in `stint`: from the first day of the unbroken run of stints that
/// ends with it.
fn tenure(stints: &[&Member], stint: &Member) -> Tenure {
    let mut current = stint;
    // A checked org's stints do not overlap, so each step goes strictly back; a draft's
    // may not, so the walk takes at most one step per stint.
    for _ in 0..stints.len() {
        let Some(start) = current.from else {
            return Tenure::Always;
        };
        match stints
            .iter()
            .find(|s| s.until == Some(start) && s.from.is_none_or(|f| f < start))
        {
            Some(before) => current = before,
            None => return Tenure::Since(start),
        }
    }
    current.from.map_or(Tenure::Always, Tenure::Since)
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
        assert_eq!(tenure(&stints, stints[1]), Tenure::Since(d("2026-01-01")));
        assert_eq!(tenure(&stints, stints[2]), Tenure::Since(d("2026-04-01")));
        let calendars = Calendars::of(&org);
        let ramp = ramp();
        let month = |label: &str| {
            share(
                calendars.member("a"),
                Some(&ramp),
                &[Prorate::Ramp],
                &Period::parse(label).unwrap(),
                None,
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
        // In team t1 only, February (in t2) counts as none.
        let february = Period::parse("2026-02").unwrap();
        let in_t1 = share(
            calendars.member("a"),
            Some(&ramp),
            &[],
            &february,
            Some("t1"),
        );
        assert_eq!(in_t1.unwrap().weighted, Decimal::ZERO);
    }

    #[test]
    fn a_draft_with_a_stint_ending_where_it_starts_does_not_hang() {
        // Not a checked org: the second stint starts and ends on the same day.
        let org: Org = toml::from_str(
            r#"
            teams = [{ id = "t", name = "T" }]
            members = [
              { id = "a", name = "A", team = "t", from = "2026-03-01" },
              { id = "a", name = "A", team = "t", from = "2026-03-01", until = "2026-03-01" },
            ]
        "#,
        )
        .unwrap();
        let calendars = Calendars::of(&org);
        let march = Period::parse("2026-03").unwrap();
        let s = share(
            calendars.member("a"),
            Some(&ramp()),
            &[Prorate::Ramp],
            &march,
            None,
        );
        assert_eq!(s.unwrap().weighted, Decimal::from(31) * ramp().steps[0]);
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
        let calendars = Calendars::of(&org);
        let s = share(calendars.member("a"), None, &[Prorate::Leave], &april, None).unwrap();
        assert_eq!((s.weighted, s.days), (Decimal::from(15), 30));
        assert_eq!(s.of(Decimal::from(3000)).unwrap(), Decimal::from(1500));
        // Not opted in: the leave does not count.
        assert!(
            share(calendars.member("a"), None, &[], &april, None)
                .unwrap()
                .is_full()
        );
        // Nobody the org knows: no leave, so full.
        assert!(
            share(calendars.member("x"), None, &[Prorate::Leave], &april, None)
                .unwrap()
                .is_full()
        );
    }
}
