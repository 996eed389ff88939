//! Properties of the incentive engine that must hold for all inputs.

use kpi_core::{
    Cap, Component, ComponentInputs, FactTable, Limits, Plan, Rounding, RoundingPlace, Tier,
    TierBasis, TierMode, evaluate_component,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Exact amounts: lines are not rounded, so properties see the true function.
fn exact() -> Rounding {
    Rounding {
        apply_to: RoundingPlace::Total,
        ..Rounding::default()
    }
}

/// Tier tables with rising starts from 0 and non-negative, non-decreasing rates.
fn tier_table() -> impl Strategy<Value = Vec<Tier>> {
    prop::collection::vec((1i64..200_000, 0i64..50), 0..5).prop_map(|steps| {
        let mut from = Decimal::ZERO;
        let mut rate = Decimal::new(1, 2);
        let mut tiers = vec![Tier { from, rate }];
        for (gap, rise) in steps {
            from += Decimal::from(gap);
            rate += Decimal::new(rise, 3);
            tiers.push(Tier { from, rate });
        }
        tiers
    })
}

fn tiered(tiers: Vec<Tier>, mode: TierMode, cap: Option<Cap>) -> Component {
    Component::Tiered {
        metric: "revenue".into(),
        goal: None,
        on: TierBasis::Amount,
        mode,
        tiers,
        per_deal: false,
        limits: Limits {
            cap,
            ..Limits::default()
        },
    }
}

fn pay(component: &Component, actual: Decimal) -> Decimal {
    let inputs = ComponentInputs {
        actual: Some(actual),
        ..ComponentInputs::default()
    };
    evaluate_component(component, &inputs, exact())
        .unwrap()
        .amount
}

proptest! {
    /// A cent more sells pays at most a cent times the highest rate more: no jumps.
    #[test]
    fn marginal_payout_is_continuous_in_the_amount(tiers in tier_table(), cents in 0i64..100_000_000) {
        let top = tiers.iter().map(|t| t.rate).max().unwrap();
        let component = tiered(tiers, TierMode::Marginal, None);
        let amount = Decimal::new(cents, 2);
        let step = Decimal::new(1, 2);
        let change = pay(&component, amount + step) - pay(&component, amount);
        prop_assert!(change >= Decimal::ZERO && change <= top * step, "{}", change);
    }

    /// With non-negative, non-decreasing rates, more never pays less, and retroactive
    /// tiers pay at least what marginal ones do.
    #[test]
    fn payout_rises_with_attainment_and_retroactive_pays_at_least_marginal(
        tiers in tier_table(),
        a in 0i64..100_000_000,
        b in 0i64..100_000_000,
    ) {
        let (low, high) = (Decimal::new(a.min(b), 2), Decimal::new(a.max(b), 2));
        let marginal = tiered(tiers.clone(), TierMode::Marginal, None);
        let retroactive = tiered(tiers, TierMode::Retroactive, None);
        prop_assert!(pay(&marginal, low) <= pay(&marginal, high));
        prop_assert!(pay(&retroactive, low) <= pay(&retroactive, high));
        prop_assert!(pay(&retroactive, high) >= pay(&marginal, high));
    }

    /// A capped component never pays more than its cap, whatever it earns, and pays
    /// exactly what it earns below it.
    #[test]
    fn caps_are_never_exceeded(tiers in tier_table(), cents in 0i64..100_000_000, cap in 0i64..2_000_000) {
        let cap = Decimal::new(cap, 2);
        let amount = Decimal::new(cents, 2);
        let uncapped = pay(&tiered(tiers.clone(), TierMode::Retroactive, None), amount);
        let capped = pay(&tiered(tiers, TierMode::Retroactive, Some(Cap::Amount(cap))), amount);
        prop_assert!(capped <= cap);
        prop_assert_eq!(capped, uncapped.min(cap));
    }

    /// Tiers apply to the period total: splitting a deal into two with the same total
    /// leaves the marginal period payout, to the cent, unchanged.
    #[test]
    fn splitting_a_deal_leaves_the_marginal_payout_unchanged(
        others in prop::collection::vec(1i64..5_000_000, 0..6),
        deal in 2i64..20_000_000,
        cut in 1i64..1_000,
    ) {
        let plan = Plan::from_toml(r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "2026-03"
target = "100000"
[[incentives]]
id = "p"
applies_to = "members"
components = [{ kind = "tiered", metric = "revenue", goal = "quota", on = "attainment", mode = "marginal",
  tiers = [{ from = "0", rate = "0.05" }, { from = "0.8", rate = "0.075" }, { from = "1.2", rate = "0.11" }] }]
"#).unwrap();
        let period = plan.parse_period("2026-03").unwrap();
        let facts = |deals: &[i64]| {
            let records: Vec<String> = deals
                .iter()
                .enumerate()
                .map(|(i, cents)| format!(
                    r#"{{"id": "d{i}", "kind": "order", "owner": "a", "amount": "{}", "date": "2026-03-{:02}"}}"#,
                    Decimal::new(*cents, 2),
                    i % 28 + 1
                ))
                .collect();
            FactTable::from_json(&format!("[{}]", records.join(","))).unwrap()
        };
        let first = deal * cut / 1_000;
        let mut whole = others.clone();
        whole.push(deal);
        let mut split = others;
        split.extend([first.max(1), deal - first.max(1)]);
        let total = |deals: &[i64]| plan.evaluate(&facts(deals), &period).unwrap().statements[0].total;
        prop_assert_eq!(total(&whole), total(&split));
    }
}

proptest! {
    /// Clawing back every sale of a month in full, within the window, returns exactly
    /// what the month paid: each sale takes back what it earned in close order, and
    /// those add up to the month's tiered commission.
    #[test]
    fn clawing_back_whole_sales_returns_exactly_what_they_paid(
        sales in prop::collection::vec((1i64..3_000_000, 1u32..28), 1..12),
    ) {
        let plan_text = r#"
version = 1
[rounding]
apply_to = "total"
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order"'
[metrics.refunds]
aggregate = "sum"
field = "amount"
filter = 'kind == "refund"'
[[incentives]]
id = "p"
applies_to = "members"
period = "month"
components = [
  { kind = "tiered", metric = "revenue", on = "amount", mode = "marginal",
    tiers = [{ from = "0", rate = "0.04" }, { from = "20000", rate = "0.07" }, { from = "50000", rate = "0.115" }] },
  { kind = "clawback", of = 0, reversals = "refunds", days = 60 },
]
"#;
        let plan = Plan::from_toml(plan_text).unwrap();
        let mut records = Vec::new();
        for (i, (cents, day)) in sales.iter().enumerate() {
            let amount = Decimal::new(*cents, 2);
            records.push(format!(
                r#"{{"id": "o{i}", "kind": "order", "owner": "a", "amount": "{amount}", "date": "2026-03-{day:02}"}}"#
            ));
            records.push(format!(
                r#"{{"id": "r{i}", "kind": "refund", "owner": "a", "amount": "{amount}", "date": "2026-04-{day:02}", "attributes": {{"order": "o{i}"}}}}"#
            ));
        }
        let facts = FactTable::from_json(&format!("[{}]", records.join(","))).unwrap();
        let paid = plan.evaluate(&facts, &plan.parse_period("2026-03").unwrap()).unwrap();
        let april = plan.parse_period("2026-04").unwrap();
        let taken = plan.evaluate(&facts, &april).unwrap();
        prop_assert_eq!(taken.statements[0].total, -paid.statements[0].total);

        // The clawbacks have their own place in the measures (incentive → component →
        // member), survive JSON, and merge: with a second member, each member's facts
        // measured apart (as the docs require of partitions) give the statements of the
        // whole.
        let whole = plan.measure(&facts, &april).unwrap();
        prop_assert!(whole.clawbacks["p"]["1"].contains_key("a"), "{:?}", whole.clawbacks);
        prop_assert!(whole.metrics.keys().all(|k| k == "revenue" || k == "refunds"));
        let two = Plan::from_toml(&plan_text.replace(
            r#"members = [{ id = "a", name = "A", team = "t" }]"#,
            r#"members = [{ id = "a", name = "A", team = "t" }, { id = "b", name = "B", team = "t" }]"#,
        )).unwrap();
        let of_b: Vec<String> = records
            .iter()
            .map(|r| r.replace(r#""owner": "a""#, r#""owner": "b""#).replace(r#""id": ""#, r#""id": "b"#).replace(r#""order": ""#, r#""order": "b"#))
            .collect();
        let table = |records: &[String]| FactTable::from_json(&format!("[{}]", records.join(","))).unwrap();
        let measured = |records: &[String]| {
            let measures = two.measure(&table(records), &april).unwrap();
            kpi_core::Measures::from_json(&measures.to_json()).unwrap()
        };
        let mut merged = measured(&records);
        merged.merge(&measured(&of_b)).unwrap();
        let all: Vec<String> = records.iter().chain(&of_b).cloned().collect();
        let at_once = two.evaluate(&table(&all), &april).unwrap();
        let from_parts = two.evaluate_measures(&merged).unwrap();
        prop_assert_eq!(&from_parts.statements, &at_once.statements);
        prop_assert_eq!(from_parts.statements[1].total, taken.statements[0].total);
    }
}

proptest! {
    /// Crediting deals one by one in close order pays exactly what the tier lines pay
    /// (before rounding lines): the split of each deal across tiers only shows where the
    /// period's commission comes from.
    #[test]
    fn per_deal_crediting_adds_up_to_the_tier_lines(
        sales in prop::collection::vec((-200_000i64..3_000_000, 1u32..28), 1..12),
    ) {
        let plan_text = |per_deal: bool| format!(r#"
version = 1
[rounding]
apply_to = "total"
[org]
teams = [{{ id = "t", name = "T" }}]
members = [{{ id = "a", name = "A", team = "t" }}]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[incentives]]
id = "p"
applies_to = "members"
components = [{{ kind = "tiered", metric = "revenue", on = "amount", mode = "marginal", per_deal = {per_deal},
  tiers = [{{ from = "0", rate = "0.04" }}, {{ from = "20000", rate = "0.07" }}, {{ from = "50000", rate = "0.115" }}] }}]
"#);
        let records: Vec<String> = sales
            .iter()
            .enumerate()
            .map(|(i, (cents, day))| format!(
                r#"{{"id": "o{i}", "kind": "order", "owner": "a", "amount": "{}", "date": "2026-03-{day:02}"}}"#,
                Decimal::new(*cents, 2)
            ))
            .collect();
        let facts = FactTable::from_json(&format!("[{}]", records.join(","))).unwrap();
        let total = |per_deal: bool| {
            let plan = Plan::from_toml(&plan_text(per_deal)).unwrap();
            plan.evaluate(&facts, &plan.parse_period("2026-03").unwrap()).unwrap().statements[0].total
        };
        prop_assert_eq!(total(true), total(false));
    }
}

#[test]
fn what_if_values_price_like_the_facts_behind_them() {
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/vectors/incentive_plan.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let plan = Plan::from_toml(doc["plan_toml"].as_str().unwrap()).unwrap();
    let facts = FactTable::from_json_value(doc["facts"].clone()).unwrap();
    let quarter = plan.parse_period("2026-Q1").unwrap();
    let from_facts = plan.evaluate(&facts, &quarter).unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let values = [("a", "120000"), ("b", "40000"), ("c", "220000")]
        .iter()
        .map(|(m, v)| ((*m).to_owned(), [("revenue".to_owned(), d(v))].into()))
        .collect();
    let imagined = plan.what_if(&quarter, &values).unwrap();
    assert_eq!(imagined.statements, from_facts.statements);
    // What if C had sold 30,000 less?
    let mut less = values.clone();
    less.get_mut("c")
        .unwrap()
        .insert("revenue".into(), d("190000"));
    let c = &plan.what_if(&quarter, &less).unwrap().statements[2];
    assert_eq!(c.total, d("14800.00")); // 5,000 + 4,000 + 12% of 40,000 + 1,000
    // Unknown members and formula metrics are errors.
    let wrong = [("z".to_owned(), [("revenue".to_owned(), d("1"))].into())].into();
    assert_eq!(
        plan.what_if(&quarter, &wrong).unwrap_err().code(),
        "data.invalid_fact"
    );
}

/// A plan with `reps` members `r0`, `r1` … in one team `t`, and `rest` after the org
/// (starting with the `]` that closes the member list).
fn one_team_plan(reps: usize, rest: &str) -> Plan {
    let mut toml =
        String::from("version = 1\n[org]\nteams = [{ id = \"t\", name = \"T\" }]\nmembers = [\n");
    for r in 0..reps {
        writeln!(
            toml,
            "  {{ id = \"r{r}\", name = \"Rep {r}\", team = \"t\" }},"
        )
        .unwrap();
    }
    toml.push_str(rest);
    Plan::from_toml(&toml).unwrap()
}

/// A large org's statements are priced on two threads: they come in member order, each
/// with its own pay, exactly as one by one.
#[test]
fn a_large_org_gets_every_statement_and_scorecard_row_in_member_order() {
    let reps = 1_201;
    let plan = one_team_plan(
        reps,
        "]\n[metrics.revenue]\naggregate = \"sum\"\nfield = \"amount\"\n\
         [[goals]]\nid = \"quota\"\nmetric = \"revenue\"\nscope = \"member\"\nperiod = \"month\"\ntarget = \"1000\"\n\
         [[incentives]]\nid = \"commission\"\napplies_to = \"members\"\nperiod = \"month\"\n\
         components = [{ kind = \"rate\", metric = \"revenue\", rate = \"0.05\" }]\n",
    );
    let facts: Vec<String> = (0..reps)
        .map(|r| {
            format!(
                r#"{{"id": "o{r}", "kind": "order", "owner": "r{r}", "amount": "{r}.10", "date": "2026-03-05"}}"#
            )
        })
        .collect();
    let facts = kpi_core::FactTable::from_json_lines(&facts.join("\n")).unwrap();
    let report = plan
        .evaluate(&facts, &plan.parse_period("2026-03").unwrap())
        .unwrap();
    assert_eq!(report.statements.len(), reps);
    for (r, statement) in report.statements.iter().enumerate() {
        assert_eq!(statement.member, format!("r{r}"));
        let expected = (Decimal::from(r) + Decimal::new(10, 2)) * Decimal::new(5, 2);
        let half_up = expected
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(statement.total, half_up, "r{r}");
    }
    // Scorecard rows (scored on two threads for this many members) in org order, each
    // with its own actual, attainment and rank (more revenue, a better rank).
    assert_eq!(report.scorecards.len(), reps);
    for (r, row) in report.scorecards.iter().enumerate() {
        assert_eq!(row.id, format!("r{r}"));
        let actual = Decimal::from(r) + Decimal::new(10, 2);
        assert_eq!(row.actual, Some(actual), "r{r}");
        assert_eq!(
            row.attainment,
            Some((actual / Decimal::from(1000)).normalize())
        );
        assert_eq!(row.rank, Some(u32::try_from(reps - r).unwrap()));
    }
}

/// A company pool split among 1,201 members (priced on two threads, the split done once
/// per pool): every member gets a part, in org order, and the parts add up to the pool
/// exactly.
#[test]
fn a_company_pool_is_split_once_among_a_large_org() {
    let reps = 1_201;
    let plan = one_team_plan(
        reps,
        "]\n[metrics.revenue]\naggregate = \"sum\"\nfield = \"amount\"\n\
         [[goals]]\nid = \"total\"\nmetric = \"revenue\"\nscope = \"company\"\nperiod = \"month\"\ntarget = \"100\"\n\
         [[incentives]]\nid = \"pool\"\napplies_to = \"members\"\nperiod = \"month\"\n\
         components = [{ kind = \"pool\", goal = \"total\", amount = \"10000\", split = \"equal\" }]\n",
    );
    let facts = kpi_core::FactTable::from_json_lines(
        r#"{"id": "o1", "kind": "order", "owner": "r7", "amount": "250", "date": "2026-03-05"}"#,
    )
    .unwrap();
    let report = plan
        .evaluate(&facts, &plan.parse_period("2026-03").unwrap())
        .unwrap();
    assert_eq!(report.statements.len(), reps);
    let (low, high) = (Decimal::new(832, 2), Decimal::new(833, 2));
    for (r, statement) in report.statements.iter().enumerate() {
        assert_eq!(statement.member, format!("r{r}"));
        assert!(
            statement.total == low || statement.total == high,
            "r{r}: {}",
            statement.total
        );
    }
    let paid: Decimal = report.statements.iter().map(|s| s.total).sum();
    assert_eq!(paid, Decimal::from(10_000));
}

/// Per-deal tier lines for 1,201 members (each member's deals found in one pass over the
/// facts): every member's statement lists their own two deals, in close order, and no
/// one else's.
#[test]
fn per_deal_lines_of_a_large_org_are_each_members_own() {
    let reps = 1_201;
    let plan = one_team_plan(
        reps,
        "]\n[metrics.revenue]\naggregate = \"sum\"\nfield = \"amount\"\nfilter = 'kind == \"order\"'\n\
         [[incentives]]\nid = \"rep\"\napplies_to = \"members\"\nperiod = \"month\"\n\
         components = [{ kind = \"tiered\", metric = \"revenue\", on = \"amount\", mode = \"marginal\", per_deal = true, \
         tiers = [{ from = \"0\", rate = \"0.05\" }, { from = \"10000\", rate = \"0.10\" }] }]\n",
    );
    // Each member's later deal comes first in the table, so close order is checked.
    let facts: Vec<String> = (0..reps)
        .flat_map(|r| {
            [
                format!(r#"{{"id": "b{r}", "kind": "order", "owner": "r{r}", "amount": "6000", "date": "2026-01-20"}}"#),
                format!(r#"{{"id": "a{r}", "kind": "order", "owner": "r{r}", "amount": "{}", "date": "2026-01-05"}}"#, r + 1),
            ]
        })
        .collect();
    let facts = kpi_core::FactTable::from_json_lines(&facts.join("\n")).unwrap();
    let report = plan
        .evaluate(&facts, &plan.parse_period("2026-01").unwrap())
        .unwrap();
    assert_eq!(report.statements.len(), reps);
    for (r, statement) in report.statements.iter().enumerate() {
        assert_eq!(statement.member, format!("r{r}"));
        let ids: Vec<&str> = statement
            .lines
            .iter()
            .filter_map(|l| l.explanation.split_whitespace().nth(1))
            .collect();
        assert_eq!(ids, [format!("a{r}"), format!("b{r}")], "r{r}");
        // Both deals below the 10,000 tier: 5% of (r + 1) + 6000.
        let expected = (Decimal::from(r + 1) + Decimal::from(6000)) * Decimal::new(5, 2);
        assert_eq!(statement.total, expected.round_dp(2), "r{r}");
    }
}

/// A month of a quarterly incentive that pays advances is not "a period no goal applies
/// to", even when the plan's goals are quarterly: its statements are the advances.
#[test]
fn an_advance_month_with_quarterly_goals_evaluates() {
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/vectors/advances.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let plan_toml = format!(
        "{}\n[[goals]]\nid = \"quota\"\nmetric = \"revenue\"\nscope = \"member\"\nperiod = \"quarter\"\ntarget = \"30000\"\n",
        doc["plan_toml"].as_str().unwrap()
    );
    let plan = Plan::from_toml(&plan_toml).unwrap();
    let facts = FactTable::from_json(&doc["facts"].to_string()).unwrap();
    let january = plan.parse_period("2026-01").unwrap();
    let report = plan.evaluate(&facts, &january).unwrap();
    assert_eq!(report.statements[0].total.to_string(), "400.00");
    // A day still says no goal applies.
    let day = plan.parse_period("2026-01-15").unwrap();
    let err = plan.evaluate(&facts, &day).unwrap_err();
    assert_eq!(err.code(), "data.invalid_argument");
}
