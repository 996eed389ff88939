//! Aggregates that do not add up (medians, minimums, maximums, distinct counts, averages)
//! and counts, under credit splits and a member's move between teams, against a
//! reference computed fact by fact: a team's or the company's figure counts every fact
//! once, however many of its owners it has.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::NaiveDate;
use kpi_core::{Credit, FactRecord, FactTable, Plan, Report, ScopeKind};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Four members in two teams; `d` moves from t1 to t2 on 16 March.
const PLAN: &str = r#"
version = 1
[org]
teams = [{ id = "t1", name = "T1" }, { id = "t2", name = "T2" }]
members = [
  { id = "a", name = "A", team = "t1" },
  { id = "b", name = "B", team = "t1" },
  { id = "c", name = "C", team = "t2" },
  { id = "d", name = "D", team = "t1", until = "2026-03-16" },
  { id = "d", name = "D", team = "t2", from = "2026-03-16" },
]
[metrics.median]
aggregate = "median"
field = "amount"
[metrics.smallest]
aggregate = "min"
field = "amount"
[metrics.largest]
aggregate = "max"
field = "amount"
[metrics.customers]
aggregate = "count_distinct"
field = "customer"
[metrics.orders]
aggregate = "count"
[metrics.revenue]
aggregate = "sum"
field = "amount"
[metrics.average]
aggregate = "average"
field = "amount"
"#;

const METRICS: [&str; 7] = [
    "median",
    "smallest",
    "largest",
    "customers",
    "orders",
    "revenue",
    "average",
];

/// The owners a generated fact may have: one (`ghost` is outside the org), or a split.
const OWNERS: [&[(&str, i64)]; 9] = [
    &[("a", 100)],
    &[("b", 100)],
    &[("c", 100)],
    &[("d", 100)],
    &[("ghost", 100)],
    &[("a", 60), ("b", 40)],
    &[("a", 50), ("c", 50)],
    &[("b", 25), ("d", 25), ("c", 50)],
    &[("d", 50), ("ghost", 50)],
];

fn plan() -> Plan {
    // A team goal on each metric: its rows are the teams, its roll-up the company.
    let mut text = PLAN.to_owned();
    for m in METRICS {
        writeln!(
            text,
            "[[goals]]\nid = \"{m}\"\nmetric = \"{m}\"\nscope = \"team\"\nperiod = \"month\"\ntarget = \"1\""
        )
        .unwrap();
    }
    Plan::from_toml(&text).unwrap()
}

/// The team of `member` on `date`, or `None` outside the org.
fn team_of(member: &str, date: NaiveDate) -> Option<&'static str> {
    let moved = NaiveDate::from_ymd_opt(2026, 3, 16).unwrap();
    match member {
        "a" | "b" => Some("t1"),
        "d" if date < moved => Some("t1"),
        "c" | "d" => Some("t2"),
        _ => None,
    }
}

/// One fact's reference figures: (amount, customer, share credited to the scope).
type Credited = (Decimal, Option<String>, Decimal);

/// The reference value of each metric over the facts credited to a scope.
fn reference(facts: &[Credited]) -> BTreeMap<&'static str, Option<Decimal>> {
    let mut amounts: Vec<Decimal> = facts.iter().map(|f| f.0).collect();
    amounts.sort();
    let n = amounts.len();
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => Some(amounts[n / 2]),
        _ => Some((amounts[n / 2 - 1] + amounts[n / 2]) / Decimal::TWO),
    };
    let credited: Decimal = facts.iter().map(|f| f.2).sum();
    let revenue: Decimal = facts.iter().map(|f| f.0 * f.2).sum();
    let customers: BTreeSet<&String> = facts.iter().filter_map(|f| f.1.as_ref()).collect();
    BTreeMap::from([
        ("median", median),
        ("smallest", amounts.first().copied()),
        ("largest", amounts.last().copied()),
        ("customers", Some(Decimal::from(customers.len()))),
        ("orders", Some(credited)),
        ("revenue", Some(revenue)),
        ("average", (!credited.is_zero()).then(|| revenue / credited)),
    ])
}

fn value_of(report: &Report, metric: &str, scope: ScopeKind, id: &str) -> Option<Decimal> {
    report
        .scorecards
        .iter()
        .chain(&report.rollups)
        .find(|r| r.goal == metric && r.scope == scope && r.id == id)
        .and_then(|r| r.actual)
}

fn normal(v: Option<Decimal>) -> Option<Decimal> {
    v.map(|d| d.round_dp(20).normalize())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn team_and_company_figures_count_every_fact_once(
        raw in prop::collection::vec((0usize..OWNERS.len(), 1i64..100_000, 0u32..31, prop::option::of(0u8..4)), 1..25)
    ) {
        let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let records: Vec<FactRecord> = raw
            .iter()
            .enumerate()
            .map(|(i, &(owners, cents, day, customer))| {
                let owners = OWNERS[owners];
                let (owner, owners) = match owners {
                    [(one, _)] => (Some((*one).to_owned()), Vec::new()),
                    split => (None, split.iter().map(|(id, pct)| Credit {
                        id: (*id).to_owned(),
                        share: Decimal::new(*pct, 2),
                    }).collect()),
                };
                FactRecord {
                    id: format!("f{i}"),
                    kind: "order".to_owned(),
                    owner,
                    owners,
                    customer: customer.map(|c| format!("k{c}")),
                    amount: Some(Decimal::new(cents, 2)),
                    status: None,
                    date: start + chrono::Days::new(u64::from(day)),
                    attributes: BTreeMap::new(),
                }
            })
            .collect();
        let plan = plan();
        let facts = FactTable::from_records(records.clone()).unwrap();
        let report = plan.evaluate(&facts, &plan.parse_period("2026-03").unwrap()).unwrap();

        // The reference: each fact once per scope it is credited to, with the share the
        // scope's owners hold.
        let mut by_team: BTreeMap<&str, Vec<Credited>> = BTreeMap::new();
        let mut company: Vec<Credited> = Vec::new();
        for record in &records {
            let amount = record.amount.unwrap();
            let credits: Vec<(&str, Decimal)> = match &record.owner {
                Some(owner) => vec![(owner.as_str(), Decimal::ONE)],
                None => record.owners.iter().map(|c| (c.id.as_str(), c.share)).collect(),
            };
            let mut shares: BTreeMap<&str, Decimal> = BTreeMap::new();
            for (owner, share) in credits {
                if let Some(team) = team_of(owner, record.date) {
                    *shares.entry(team).or_default() += share;
                }
            }
            for (team, share) in shares {
                by_team.entry(team).or_default().push((amount, record.customer.clone(), share));
            }
            company.push((amount, record.customer.clone(), Decimal::ONE));
        }
        for metric in METRICS {
            for team in ["t1", "t2"] {
                let want = reference(by_team.get(team).map_or(&[][..], Vec::as_slice))[metric];
                let got = value_of(&report, metric, ScopeKind::Team, team);
                prop_assert_eq!(normal(got), normal(want), "{} of team {}", metric, team);
            }
            let want = reference(&company)[metric];
            let got = value_of(&report, metric, ScopeKind::Company, "company");
            prop_assert_eq!(normal(got), normal(want), "{} of the company", metric);
        }
    }
}
