//! The sample company: its facts are what the committed generator writes, its plan loads,
//! and it evaluates to a report that respects the plan's invariants.

#[path = "../testdata/sample/generate.rs"]
mod generate;

use std::collections::HashSet;

use kpi_core::{FactTable, Plan, ScopeKind, UNASSIGNED};

const SAMPLE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample");

fn plan() -> Plan {
    Plan::from_toml(&std::fs::read_to_string(format!("{SAMPLE_DIR}/plan.toml")).unwrap()).unwrap()
}

fn facts() -> FactTable {
    FactTable::from_json_lines(
        &std::fs::read_to_string(format!("{SAMPLE_DIR}/facts.jsonl")).unwrap(),
    )
    .unwrap()
}

#[test]
fn committed_facts_are_what_the_generator_writes() {
    let generated = generate::facts_jsonl();
    let path = format!("{SAMPLE_DIR}/facts.jsonl");
    if std::env::var_os("KPI_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "facts.jsonl differs from the generator's output: run KPI_BLESS=1 cargo test -p kpi-core --test sample"
    );
}

#[test]
fn the_sample_company_has_the_shape_the_docs_promise() {
    let plan = plan();
    let facts = facts();
    assert_eq!(plan.org.teams.len(), 3);
    assert_eq!(plan.org.members.len(), 12);
    let (first, last) = facts.date_range().unwrap();
    assert_eq!(first.to_string(), "2024-11-01");
    assert!(last.to_string().starts_with("2026-10"), "{last}");
    let kinds: HashSet<String> = facts.records().map(|r| r.kind).collect();
    for kind in [
        "customer", "lead", "deal", "order", "payment", "refund", "survey",
    ] {
        assert!(kinds.contains(kind), "no {kind} facts");
    }
    // Every member owns facts, and so does one former rep who is not in the org.
    let owners: HashSet<String> = facts.records().filter_map(|r| r.owner).collect();
    for member in &plan.org.members {
        assert!(owners.contains(&member.id), "{} owns nothing", member.id);
    }
    assert!(owners.contains(generate::FORMER_REP));
}

#[test]
fn the_latest_quarter_rolls_up_and_pays_consistently() {
    let plan = plan();
    let facts = facts();
    let period = plan.parse_period("FY2027-Q2").unwrap();
    let report = plan.evaluate(&facts, &period).unwrap();
    assert_eq!(report.period.label, "FY2027-Q2");

    let rows = |goal: &'static str, scope: ScopeKind| {
        report
            .scorecards
            .iter()
            .filter(move |r| r.goal == goal && r.scope == scope)
    };
    // A rep's monthly target counts three times in a quarter.
    for row in rows("rep-revenue", ScopeKind::Member).filter(|r| r.id != UNASSIGNED) {
        assert_eq!(row.target.unwrap().to_string(), "1500000");
        assert_eq!(
            row.attainment.unwrap(),
            (row.actual.unwrap() / row.target.unwrap()).normalize()
        );
    }
    // Team actuals are the sums of their members' actuals.
    for team in rows("team-revenue", ScopeKind::Team).filter(|r| r.id != UNASSIGNED) {
        let members: rust_decimal::Decimal = rows("rep-revenue", ScopeKind::Member)
            .filter(|r| r.team.as_deref() == Some(team.id.as_str()))
            .filter_map(|r| r.actual)
            .sum();
        assert_eq!(team.actual, Some(members), "{}", team.id);
    }
    // The former rep's orders are counted, under `unassigned`, for members and teams.
    let unassigned = rows("rep-revenue", ScopeKind::Member)
        .find(|r| r.id == UNASSIGNED)
        .expect("an unassigned row");
    assert!(unassigned.actual.unwrap() > rust_decimal::Decimal::ZERO);
    assert_eq!(unassigned.target, None);
    assert!(rows("team-revenue", ScopeKind::Team).any(|r| r.id == UNASSIGNED));

    // One statement per member: marginal tiers on quota attainment (3% to 1,500,000, 5%
    // above, 8% from 2,250,000) plus 2,000 when the member's team meets its CSAT goal.
    assert_eq!(report.statements.len(), 12);
    let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    let cents = |v: rust_decimal::Decimal| {
        v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    };
    for statement in &report.statements {
        let revenue = rows("rep-revenue", ScopeKind::Member)
            .find(|r| r.id == statement.member)
            .unwrap()
            .actual
            .unwrap();
        let band = |from: &str, to: Option<&str>| {
            let top = to.map_or(revenue, |t| revenue.min(d(t)));
            (top - d(from)).max(rust_decimal::Decimal::ZERO)
        };
        let tiers = cents(band("0", Some("1500000")) * d("0.03"))
            + cents(band("1500000", Some("2250000")) * d("0.05"))
            + cents(band("2250000", None) * d("0.08"));
        let team = &plan
            .org
            .members
            .iter()
            .find(|m| m.id == statement.member)
            .unwrap()
            .team;
        let csat_met = rows("team-csat", ScopeKind::Team)
            .find(|r| r.id == team)
            .and_then(|r| r.attainment)
            .is_some_and(|a| a >= rust_decimal::Decimal::ONE);
        let bonus = if csat_met {
            d("2000")
        } else {
            rust_decimal::Decimal::ZERO
        };
        assert_eq!(statement.total, tiers + bonus, "{}", statement.member);
    }
    // A monthly evaluation shows the monthly goals but pays no quarterly commission.
    let month = plan
        .evaluate(&facts, &plan.parse_period("2026-09").unwrap())
        .unwrap();
    assert!(month.statements.is_empty());
    assert!(
        month
            .scorecards
            .iter()
            .any(|r| r.target.map(|t| t.to_string()) == Some("500000".into()))
    );
}

#[test]
fn reports_are_deterministic_and_measures_merge_like_the_whole() {
    let plan = plan();
    let facts = facts();
    let period = plan.parse_period("FY2027-Q2").unwrap();
    let once = plan.evaluate(&facts, &period).unwrap().to_json_pretty();
    let twice = plan.evaluate(&facts, &period).unwrap().to_json_pretty();
    assert_eq!(once, twice);

    // Measure the facts in three partitions, merge, and evaluate: the same report.
    let records: Vec<_> = facts.records().collect();
    let mut merged: Option<kpi_core::Measures> = None;
    for chunk in records.chunks(records.len() / 3 + 1) {
        let part = FactTable::from_records(chunk.to_vec()).unwrap();
        let measures = plan.measure(&part, &period).unwrap();
        match &mut merged {
            None => merged = Some(measures),
            Some(all) => all.merge(&measures).unwrap(),
        }
    }
    let from_parts = plan.evaluate_measures(&merged.unwrap()).unwrap();
    assert_eq!(from_parts.to_json_pretty(), once);
}

#[test]
fn the_plan_reference_example_reads() {
    let docs = include_str!("../../docs/plan.md");
    let start = docs
        .find("```toml\n")
        .expect("docs/plan.md has a TOML example")
        + 8;
    let end = start + docs[start..].find("```").expect("closed");
    let plan = Plan::draft_from_toml(&docs[start..end]).unwrap();
    assert!(plan.goals.len() >= 2);
    assert!(!plan.objectives.is_empty());
}

#[test]
fn every_goal_of_the_design_is_live_in_the_sample() {
    let plan = plan();
    for id in [
        "company-revenue",
        "market-share",
        "rep-revenue",
        "rep-new-customers",
        "team-revenue",
        "team-csat",
        "company-retention",
    ] {
        assert!(plan.goals.iter().any(|g| g.id == id), "{id}");
    }
    // Every goal is linked to an objective or a parent, and nothing but the capacity
    // gap of the design's numbers is flagged.
    let findings = plan.validate(Some(&facts()), None);
    assert!(
        findings
            .iter()
            .all(|f| f.code == "smart.achievable.team_not_covered"),
        "{findings:?}"
    );
}
