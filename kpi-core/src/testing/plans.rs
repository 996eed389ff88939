//! Strategies for plans (from a recipe a test can read and change), deliberately broken
//! plans, and facts that fit a plan.

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};
use proptest::collection::SizeRange;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::fact::FactRecord;
use crate::period::{Grain, Period};
use crate::plan::Plan;

/// The shape of a generated plan: teams of members, a revenue metric (won orders) and an
/// order count, goals at member, team and company scope, and one incentive of one
/// component. [`PlanRecipe::to_toml`] writes it as a plan document.
///
/// A recipe reads from and writes to JSON (`{"teams": [2, 1], "quarterly": true, "quota":
/// 500000, "target_incentive": 30000, "component": {"kind": "rate", "permille": 60,
/// "cap_multiple": 2}}`): the Python and JavaScript strategies write the same documents
/// from the same recipes, pinned by `testdata/vectors/testing/recipes.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRecipe {
    /// The number of members in each team (1 to 3 teams of 1 to 3 members).
    pub teams: Vec<usize>,
    /// Whether the goals and the incentive are quarterly (else monthly).
    pub quarterly: bool,
    /// Each member's revenue target, in whole units.
    pub quota: u32,
    /// The incentive's target incentive, in whole units.
    pub target_incentive: u32,
    /// The incentive's one component.
    pub component: ComponentRecipe,
}

/// The component of a generated incentive.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ComponentRecipe {
    /// A flat rate on revenue (in thousandths), with an optional cap as a multiple of the
    /// target incentive.
    Rate {
        /// The rate in thousandths (`25` is 2.5%).
        permille: u32,
        /// The cap, a multiple of the target incentive.
        cap_multiple: Option<u32>,
    },
    /// Tiers on attainment of the member's goal: each tier's start (in hundredths of
    /// attainment, ascending from 0) and rate (in thousandths).
    Tiered {
        /// Whether the reached tier's rate applies to all revenue (a step) rather than to
        /// the revenue inside each tier.
        retroactive: bool,
        /// `(from, rate)` pairs: from in hundredths of attainment, rate in thousandths.
        tiers: Vec<(u32, u32)>,
    },
    /// A flat rate that pays only while the team's attainment is at least `min_percent`.
    Gated {
        /// The rate in thousandths.
        permille: u32,
        /// The team attainment the gate opens at, in percent.
        min_percent: u32,
    },
}

/// One thing wrong with a plan, for [`invalid_plans`] (`"unknown_metric"` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    /// `version = 99`.
    UnsupportedVersion,
    /// A goal names a metric that is not defined.
    UnknownMetric,
    /// A member belongs to a team that does not exist.
    UnknownTeam,
    /// Two goals share an id.
    DuplicateGoal,
    /// A metric's filter does not parse.
    BrokenFilter,
    /// A filter reads a fact field that does not exist.
    UnknownField,
    /// A target that is not a number.
    TextTarget,
}

impl Defect {
    /// Every defect.
    pub const ALL: [Defect; 7] = [
        Defect::UnsupportedVersion,
        Defect::UnknownMetric,
        Defect::UnknownTeam,
        Defect::DuplicateGoal,
        Defect::BrokenFilter,
        Defect::UnknownField,
        Defect::TextTarget,
    ];

    /// The error code kpi reads a plan with this defect with.
    pub fn code(self) -> &'static str {
        match self {
            Defect::UnsupportedVersion => "plan.unsupported_version",
            Defect::UnknownMetric => "plan.unknown_metric",
            Defect::UnknownTeam => "plan.unknown_team",
            Defect::DuplicateGoal => "plan.duplicate_id",
            Defect::BrokenFilter => "formula.syntax",
            Defect::UnknownField => "formula.unknown_field",
            Defect::TextTarget => "plan.invalid",
        }
    }
}

/// A plan document with one [`Defect`], and the code reading it must fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPlan {
    /// The plan's TOML text.
    pub toml: String,
    /// What is wrong with it.
    pub defect: Defect,
    /// The error code ([`Defect::code`]).
    pub code: &'static str,
}

impl PlanRecipe {
    /// The member ids, `m1` to `mN`, in team order.
    pub fn member_ids(&self) -> Vec<String> {
        (1..=self.teams.iter().sum::<usize>())
            .map(|i| format!("m{i}"))
            .collect()
    }

    /// The plan document (TOML).
    pub fn to_toml(&self) -> String {
        self.to_toml_with(None)
    }

    /// The grain of the goals and the incentive.
    pub fn grain(&self) -> Grain {
        if self.quarterly {
            Grain::Quarter
        } else {
            Grain::Month
        }
    }

    /// The plan document with `defect` in it (none: [`PlanRecipe::to_toml`]).
    pub fn to_toml_with(&self, defect: Option<Defect>) -> String {
        let version = if defect == Some(Defect::UnsupportedVersion) {
            99
        } else {
            1
        };
        let grain = if self.quarterly { "quarter" } else { "month" };
        let mut out =
            format!("version = {version}\nname = \"生成的方案 {grain}\"\n[org]\nteams = [\n");
        self.write_org(&mut out, defect);
        self.write_goals(&mut out, defect, grain);
        self.write_component(&mut out);
        out
    }

    fn write_org(&self, out: &mut String, defect: Option<Defect>) {
        for t in 1..=self.teams.len() {
            let _ = writeln!(out, "  {{ id = \"t{t}\", name = \"Team {t} 华东\" }},");
        }
        out.push_str("]\nmembers = [\n");
        let mut member = 0u32;
        for (t, size) in self.teams.iter().enumerate() {
            for _ in 0..*size {
                member = member.saturating_add(1);
                let team = if defect == Some(Defect::UnknownTeam) && member == 1 {
                    "nowhere".to_owned()
                } else {
                    format!("t{}", t.saturating_add(1))
                };
                let _ = writeln!(
                    out,
                    "  {{ id = \"m{member}\", name = \"成员 {member}\", team = \"{team}\" }},"
                );
            }
        }
    }

    fn write_goals(&self, out: &mut String, defect: Option<Defect>, grain: &str) {
        let filter = match defect {
            Some(Defect::BrokenFilter) => "kind == \"order\" && (status == \"won\"",
            Some(Defect::UnknownField) => "kind == \"order\" && stage == \"won\"",
            _ => "kind == \"order\" && status == \"won\"",
        };
        let _ = write!(
            out,
            "]\n[metrics.revenue]\naggregate = \"sum\"\nfield = \"amount\"\nfilter = '{filter}'\n\
             [metrics.orders]\naggregate = \"count\"\nfilter = 'kind == \"order\"'\n"
        );
        let members = self.teams.iter().sum::<usize>() as u64;
        let quota = u64::from(self.quota);
        let rep_metric = if defect == Some(Defect::UnknownMetric) {
            "revenu"
        } else {
            "revenue"
        };
        let rep_target = if defect == Some(Defect::TextTarget) {
            "a lot".to_owned()
        } else {
            quota.to_string()
        };
        let team_id = if defect == Some(Defect::DuplicateGoal) {
            "rep"
        } else {
            "team"
        };
        let largest = self.teams.iter().copied().max().unwrap_or(1) as u64;
        let goals = [
            ("rep", rep_metric, "member", rep_target),
            (
                team_id,
                "revenue",
                "team",
                quota.saturating_mul(largest).to_string(),
            ),
            (
                "company",
                "revenue",
                "company",
                quota.saturating_mul(members).to_string(),
            ),
            ("orders", "orders", "member", "3".to_owned()),
        ];
        for (id, metric, scope, target) in goals {
            let _ = write!(
                out,
                "[[goals]]\nid = \"{id}\"\nmetric = \"{metric}\"\nscope = \"{scope}\"\n\
                 period = \"{grain}\"\ntarget = \"{target}\"\n"
            );
        }
        let _ = write!(
            out,
            "[[incentives]]\nid = \"pay\"\nname = \"Commission\"\nnames = {{ zh-CN = \"提成\" }}\n\
             applies_to = \"members\"\nperiod = \"{grain}\"\ntarget_incentive = \"{}\"\n\
             [[incentives.components]]\nmetric = \"revenue\"\ngoal = \"rep\"\n",
            self.target_incentive
        );
    }

    fn write_component(&self, out: &mut String) {
        let permille = |p: u32| Decimal::new(i64::from(p), 3);
        match &self.component {
            ComponentRecipe::Rate {
                permille: p,
                cap_multiple,
            } => {
                let _ = writeln!(out, "kind = \"rate\"\nrate = \"{}\"", permille(*p));
                if let Some(m) = cap_multiple {
                    let _ = writeln!(out, "cap = {{ multiple = \"{m}\" }}");
                }
            }
            ComponentRecipe::Tiered { retroactive, tiers } => {
                let mode = if *retroactive {
                    "retroactive"
                } else {
                    "marginal"
                };
                let rows: Vec<String> = tiers
                    .iter()
                    .map(|(from, rate)| {
                        format!(
                            "{{ from = \"{}\", rate = \"{}\" }}",
                            Decimal::new(i64::from(*from), 2),
                            permille(*rate)
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "kind = \"tiered\"\non = \"attainment\"\nmode = \"{mode}\"\ntiers = [{}]",
                    rows.join(", ")
                );
            }
            ComponentRecipe::Gated {
                permille: p,
                min_percent,
            } => {
                let _ = writeln!(
                    out,
                    "kind = \"rate\"\nrate = \"{}\"\ngate = {{ goal = \"team\", min = \"{}\" }}",
                    permille(*p),
                    Decimal::new(i64::from(*min_percent), 2)
                );
            }
        }
    }
}

fn components() -> impl Strategy<Value = ComponentRecipe> {
    let tiers = prop::collection::vec((10u32..120, 0u32..150), 1..4).prop_map(|steps| {
        let mut from = 0u32;
        steps
            .into_iter()
            .enumerate()
            .map(|(i, (step, rate))| {
                if i > 0 {
                    from = from.saturating_add(step);
                }
                (from, rate)
            })
            .collect::<Vec<_>>()
    });
    prop_oneof![
        (1u32..200, prop::option::of(1u32..4)).prop_map(|(permille, cap_multiple)| {
            ComponentRecipe::Rate {
                permille,
                cap_multiple,
            }
        }),
        (any::<bool>(), tiers)
            .prop_map(|(retroactive, tiers)| ComponentRecipe::Tiered { retroactive, tiers }),
        (1u32..200, 50u32..=100).prop_map(|(permille, min_percent)| ComponentRecipe::Gated {
            permille,
            min_percent
        }),
    ]
}

/// Any [`PlanRecipe`].
pub fn plan_recipes() -> impl Strategy<Value = PlanRecipe> {
    (
        prop::collection::vec(1usize..=3, 1..=3),
        any::<bool>(),
        1_000u32..1_000_000,
        1_000u32..60_000,
        components(),
    )
        .prop_map(
            |(teams, quarterly, quota, target_incentive, component)| PlanRecipe {
                teams,
                quarterly,
                quota,
                target_incentive,
                component,
            },
        )
}

/// A valid plan, read from a [`PlanRecipe`]'s document.
pub fn plans() -> impl Strategy<Value = Plan> {
    plan_recipes().prop_map(|recipe| {
        Plan::from_toml(&recipe.to_toml())
            .unwrap_or_else(|e| panic!("a generated plan must read: {e}\n{}", recipe.to_toml()))
    })
}

/// A plan document with one [`Defect`], and the code kpi must reject it with.
pub fn invalid_plans() -> impl Strategy<Value = InvalidPlan> {
    (plan_recipes(), prop::sample::select(Defect::ALL.to_vec())).prop_map(|(recipe, defect)| {
        InvalidPlan {
            toml: recipe.to_toml_with(Some(defect)),
            defect,
            code: defect.code(),
        }
    })
}

/// `len` facts (`0..40`, `1..=200`, or an exact count) for `members` (and for an owner
/// outside the org, and none) dated from 20 days before `period` to 20 days after it (within
/// the supported days): orders, payments and deals, won, lost or open,
/// with amounts from -500.00 to 50,000.00, some without an amount, some with a customer.
pub fn fact_records<L: Into<SizeRange>>(
    members: Vec<String>,
    period: &Period,
    len: L,
) -> impl Strategy<Value = Vec<FactRecord>> + use<L> {
    // Twenty days either side, within the supported days.
    let start = period
        .start()
        .checked_sub_days(Days::new(20))
        .unwrap_or(crate::period::MIN_DATE)
        .max(crate::period::MIN_DATE);
    let end = period
        .end()
        .checked_add_days(Days::new(20))
        .unwrap_or(crate::period::MAX_DATE)
        .min(crate::period::MAX_DATE);
    let days = u32::try_from(end.signed_duration_since(start).num_days())
        .unwrap_or(0)
        .max(1);
    let mut owners: Vec<Option<String>> = members.into_iter().map(Some).collect();
    owners.push(Some("ghost".to_owned()));
    owners.push(None);
    let fact = (
        prop::sample::select(owners),
        prop::sample::select(vec!["order", "payment", "deal"]),
        prop::sample::select(vec![Some("won"), Some("lost"), Some("open"), None]),
        prop::option::weighted(0.95, -50_000i64..5_000_000),
        0..days,
        prop::option::of(prop::sample::select(vec!["c1", "c2", "客户3"])),
    );
    prop::collection::vec(fact, len).prop_map(move |raw| {
        raw.into_iter()
            .enumerate()
            .map(
                |(i, (owner, kind, status, cents, day, customer))| FactRecord {
                    id: format!("f{i}"),
                    kind: kind.to_owned(),
                    owner,
                    owners: Vec::new(),
                    customer: customer.map(str::to_owned),
                    amount: cents.map(|c| Decimal::new(c, 2)),
                    status: status.map(str::to_owned),
                    date: start
                        .checked_add_days(Days::new(u64::from(day)))
                        .unwrap_or(start),
                    attributes: std::collections::BTreeMap::default(),
                },
            )
            .collect()
    })
}

/// A valid plan, one of its periods in 2025–2027 at the plan's grain, and facts for its
/// members around that period.
pub fn plans_with_facts(
    len: impl Into<SizeRange>,
) -> impl Strategy<Value = (Plan, Period, Vec<FactRecord>)> {
    let len: SizeRange = len.into();
    let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN);
    (plan_recipes(), 0u64..1095).prop_flat_map(move |(recipe, day)| {
        let plan = Plan::from_toml(&recipe.to_toml())
            .unwrap_or_else(|e| panic!("a generated plan must read: {e}"));
        let period = plan
            .calendar
            .period_of(
                first.checked_add_days(Days::new(day)).unwrap_or(first),
                recipe.grain(),
            )
            .unwrap_or_else(|e| panic!("2025-2027 has periods: {e}"));
        let facts = fact_records(recipe.member_ids(), &period, len.clone());
        (Just(plan), Just(period), facts)
    })
}
