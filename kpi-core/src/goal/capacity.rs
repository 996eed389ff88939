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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Prorate {
    /// Tenure, by the plan's `[ramp]`; days outside the member's stints count as none.
    Ramp,
    /// Days on leave, from the org's `leaves`, count as none.
    Leave,
}

crate::shape::by_name!(Prorate { "ramp" => Ramp, "leave" => Leave });

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

/// Each member's stints and leaves, gathered once: an evaluation prorates targets and
/// reads baselines member by member, and scanning the whole org for each would grow with
/// its size squared.
#[derive(Debug, Default)]
pub(crate) struct Calendars<'a> {
    position: hashbrown::HashMap<&'a str, usize>,
    members: Vec<MemberDays<'a>>,
}

/// One member's stints and leaves (`from`, `until`).
#[derive(Debug, Default)]
pub(crate) struct MemberDays<'a> {
    stints: Vec<&'a Member>,
    /// Each stint's position in the org's `members` (and so in its stint keys).
    pub positions: Vec<usize>,
    leaves: Vec<(NaiveDate, NaiveDate)>,
}

impl MemberDays<'_> {
    /// Whether one of the member's stints covers `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.stints.iter().any(|s| s.covers(day))
    }
}

impl<'a> Calendars<'a> {
    /// The calendars of the org's members.
    pub fn of(org: &'a Org) -> Calendars<'a> {
        let mut calendars = Calendars::default();
        for (position, stint) in org.members.iter().enumerate() {
            let member = calendars.entry(&stint.id);
            member.stints.push(stint);
            member.positions.push(position);
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
            positions: Vec::new(),
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
    let days = period.days();
    if team.is_none() && is_full(member, ramp, (by_ramp, by_leave), period) {
        return Ok(Share {
            weighted: Decimal::from(days),
            days,
        });
    }
    // Days are counted by weight (in full, or at ramp step k) and weighed once at the
    // end: a year is 366 integer additions, not 366 decimal ones.
    let mut full_days: u32 = 0;
    let mut step_days = vec![0u32; ramp.map_or(0, |r| r.steps.len())];
    // The step boundaries of the last run start seen: a period has one, or two around a
    // return from a gap.
    let mut steps: Option<(NaiveDate, Vec<Option<NaiveDate>>)> = None;
    let mut day = period.start();
    while day < period.end() {
        let stint = member.stints.iter().copied().find(|s| s.covers(day));
        let elsewhere = team.is_some_and(|team| stint.is_none_or(|s| s.team != team));
        let on_leave = by_leave
            && member
                .leaves
                .iter()
                .any(|&(from, until)| from <= day && day < until);
        let step = if on_leave || elsewhere {
            Weight::Zero
        } else if by_ramp {
            match (stint.map(|s| tenure(&member.stints, s)), ramp) {
                (None, _) => Weight::Zero,
                (Some(Tenure::Always), _) | (_, None) => Weight::Full,
                (Some(Tenure::Since(start)), Some(ramp)) => {
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
                        .map_or(Weight::Full, Weight::Step)
                }
            }
        } else {
            Weight::Full
        };
        // At most 366 days each: no overflow.
        match step {
            Weight::Zero => {}
            Weight::Full => full_days = full_days.saturating_add(1),
            Weight::Step(k) => step_days[k] = step_days[k].saturating_add(1),
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    let mut weighted = Decimal::from(full_days);
    for (k, &n) in step_days.iter().enumerate() {
        if let (true, Some(ramp)) = (n > 0, ramp) {
            weighted = Decimal::from(n)
                .try_mul(ramp.steps[k])
                .and_then(|w| weighted.try_add(w))
                .or_overflow(|| "the days a member is in post")?;
        }
    }
    Ok(Share { weighted, days })
}

/// A day's weight.
#[derive(Debug, Clone, Copy)]
enum Weight {
    Zero,
    Full,
    Step(usize),
}

/// Whether the member's share in `period` is whole without looking at each day: no
/// leave in it, and (with `ramp`) one stint over all of it, ramped up by its first day.
/// Most members of most periods are, so an evaluation rarely walks the days.
fn is_full(
    member: &MemberDays<'_>,
    ramp: Option<&Ramp>,
    (by_ramp, by_leave): (bool, bool),
    period: &Period,
) -> bool {
    let (start, end) = (period.start(), period.end());
    if by_leave
        && member
            .leaves
            .iter()
            .any(|&(from, until)| from < end && start < until)
    {
        return false;
    }
    if !by_ramp {
        return true;
    }
    let Some(stint) = member
        .stints
        .iter()
        .copied()
        .find(|s| s.covers(start) && s.covers(period.last_day()))
    else {
        return false;
    };
    match (tenure(&member.stints, stint), ramp) {
        (Tenure::Always, _) | (_, None) => true,
        (Tenure::Since(from), Some(ramp)) => ramp
            .step_start(from, ramp.steps.len())
            .is_some_and(|ramped| ramped <= start),
    }
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

    /// The definition, day by day in decimals: what `share` must equal, fast path or not.
    fn by_definition(org: &Org, ramp: &Ramp, prorate: &[Prorate], period: &Period) -> Decimal {
        let stints: Vec<&Member> = org.members.iter().collect();
        let mut total = Decimal::ZERO;
        let mut day = period.start();
        while day < period.end() {
            let away = prorate.contains(&Prorate::Leave)
                && org.leaves.iter().any(|l| l.from <= day && day < l.until);
            let stint = stints.iter().copied().find(|s| s.covers(day));
            total += match (away, prorate.contains(&Prorate::Ramp), stint) {
                (true, _, _) | (false, true, None) => Decimal::ZERO,
                (false, false, _) => Decimal::ONE,
                (false, true, Some(s)) => match tenure(&stints, s) {
                    Tenure::Always => Decimal::ONE,
                    Tenure::Since(start) => (0..ramp.steps.len())
                        .find(|&k| ramp.step_start(start, k + 1).is_none_or(|end| day < end))
                        .map_or(Decimal::ONE, |k| ramp.steps[k]),
                },
            };
            day = day.succ_opt().unwrap();
        }
        total
    }

    proptest::proptest! {
        /// `share` (its shortcut for whole periods, its day counts by weight) equals the
        /// day-by-day definition, for any stints, leaves, ramp and month.
        #[test]
        fn share_is_the_mean_daily_weight(
            joined in proptest::option::of(0u32..400),
            gap in proptest::option::of((1u32..60, 1u32..60)),
            leaves in proptest::collection::vec((0u32..400, 1u32..40), 0..3),
            steps in proptest::collection::vec(0u32..=100, 1..5),
            every in proptest::sample::select(vec![Grain::Week, Grain::Month, Grain::Quarter]),
            month in 0u32..13,
            prorate in proptest::sample::select(vec![
                vec![Prorate::Ramp], vec![Prorate::Leave], vec![Prorate::Ramp, Prorate::Leave],
            ]),
        ) {
            let day = |n: u32| d("2025-06-01") + chrono::Days::new(u64::from(n));
            let mut members = Vec::new();
            let from = joined.map(day);
            match (from, gap) {
                (Some(from), Some((after, away))) => {
                    let left = from + chrono::Days::new(u64::from(after));
                    let back = left + chrono::Days::new(u64::from(away));
                    members.push(format!(r#"{{ id = "a", name = "A", team = "t", from = "{from}", until = "{left}" }}"#));
                    members.push(format!(r#"{{ id = "a", name = "A", team = "t", from = "{back}" }}"#));
                }
                (Some(from), None) => members.push(format!(r#"{{ id = "a", name = "A", team = "t", from = "{from}" }}"#)),
                (None, _) => members.push(r#"{ id = "a", name = "A", team = "t" }"#.to_owned()),
            }
            let mut org: Org = toml::from_str(&format!(
                "teams = [{{ id = \"t\", name = \"T\" }}]\nmembers = [{}]",
                members.join(", "),
            ))
            .unwrap();
            // Leaves during a stint (one outside them all is refused), possibly past
            // its ends.
            for &(start, n) in &leaves {
                let (from, until) = (day(start), day(start + n));
                if org.members.iter().any(|m| m.overlaps(from, until)) {
                    org.leaves.push(crate::org::Leave { member: "a".into(), from, until, reason: None });
                }
            }
            org.validate().unwrap();
            let ramp = Ramp { every, steps: steps.iter().map(|&p| Decimal::new(i64::from(p), 2)).collect() };
            let period = Period::parse("2025-07").unwrap().shift(i64::from(month)).unwrap();
            let calendars = Calendars::of(&org);
            let got = share(calendars.member("a"), Some(&ramp), &prorate, &period, None).unwrap();
            proptest::prop_assert_eq!(got.weighted, by_definition(&org, &ramp, &prorate, &period));
            proptest::prop_assert!(got.weighted >= Decimal::ZERO && got.weighted <= Decimal::from(got.days));
        }
    }
}
