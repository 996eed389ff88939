//! Hostile decimals through the whole pipeline: amounts, rates, targets, weights and caps
//! drawn from the edges of the decimal range (near ±7.9e28, 28 decimal places, the
//! smallest steps) go through measure → evaluate → statements. Every outcome is either
//! an error with a stable code, or a report whose numbers are exactly what the plan says
//! (checked against a reference computed with checked arithmetic); never a panic.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kpi_core::{ErrorKind, FactRecord, FactTable, Plan};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

// Decimals chosen to break arithmetic (`kpi_core::testing`, the strategy users get).
use kpi_core::testing::hostile_decimals as hostile;

/// A plan with a monthly target, a rate and a tier table on revenue, a capped component
/// and weighted goals; its numbers are hostile too.
fn plan(rate: Decimal, target: Decimal, weight: Decimal, cap: Decimal) -> Option<Plan> {
    let text = format!(
        r#"
version = 1
[org]
teams = [{{ id = "t", name = "T" }}]
members = [{{ id = "a", name = "A", team = "t" }}, {{ id = "b", name = "B", team = "t" }}]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order"'
[metrics.average]
aggregate = "average"
field = "amount"
filter = 'kind == "order"'
[metrics.doubled]
formula = "revenue * 2"
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "month"
target = "{target}"
weight = "{weight}"
[[goals]]
id = "average"
metric = "average"
scope = "team"
period = "month"
target = "{target}"
[[goals]]
id = "doubled"
metric = "doubled"
scope = "member"
period = "month"
target = "{target}"
[[incentives]]
id = "pay"
applies_to = "members"
components = [
  {{ kind = "rate", metric = "revenue", rate = "{rate}" }},
  {{ kind = "tiered", metric = "revenue", on = "amount", mode = "marginal", tiers = [{{ from = "0", rate = "{rate}" }}, {{ from = "1000", rate = "0.1" }}], cap = "{cap}" }},
]
"#
    );
    // A hostile number may make the plan itself invalid (a negative rate): not our case.
    Plan::from_toml(&text).ok()
}

fn facts(amounts: &[(bool, Decimal)]) -> FactTable {
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    FactTable::from_records(
        amounts
            .iter()
            .enumerate()
            .map(|(i, &(a, amount))| FactRecord {
                id: format!("o{i}"),
                kind: "order".to_owned(),
                owner: Some(if a { "a" } else { "b" }.to_owned()),
                owners: Vec::new(),
                customer: None,
                amount: Some(amount),
                status: None,
                date: day,
                attributes: BTreeMap::new(),
            }),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hostile_numbers_give_a_coded_error_or_the_exact_report(
        amounts in prop::collection::vec((any::<bool>(), hostile()), 0..6),
        rate in hostile(),
        target in hostile(),
        weight in hostile(),
        cap in hostile(),
    ) {
        let Some(plan) = plan(rate.abs(), target, weight.abs(), cap.abs()) else {
            return Ok(());
        };
        let facts = facts(&amounts);
        let period = plan.parse_period("2026-03").unwrap();
        let report = match plan.evaluate(&facts, &period) {
            Ok(report) => report,
            Err(e) => {
                prop_assert!(ErrorKind::ALL.contains(&e.kind()), "{e}");
                // An overflow names what overflowed and where.
                if e.kind() == ErrorKind::DataOverflow {
                    prop_assert!(e.location().path.is_some() || e.location().row.is_some(), "{e}");
                }
                return Ok(());
            }
        };
        // The report is exact: each member's revenue is the checked sum of their facts,
        // and the rate line is rate × revenue, rounded half-up to cents.
        for member in ["a", "b"] {
            let mine: Vec<Decimal> = amounts
                .iter()
                .filter(|(a, _)| *a == (member == "a"))
                .map(|(_, d)| *d)
                .collect();
            let sum = mine
                .iter()
                .try_fold(Decimal::ZERO, |t, d| t.checked_add(*d))
                .ok_or_else(|| {
                    TestCaseError::fail(format!("{member}'s sum overflows, yet there is a report"))
                })?;
            let row = report
                .scorecards
                .iter()
                .find(|r| r.goal == "quota" && r.id == member)
                .unwrap();
            prop_assert_eq!(row.actual, Some(sum));
            let statement = report.statements.iter().find(|s| s.member == member).unwrap();
            let line = statement.lines.iter().find(|l| l.kind == "rate").unwrap();
            let want = sum
                .checked_mul(rate.abs())
                .map(|p| {
                    let mut r = p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                    r.rescale(2);
                    r
                })
                .unwrap();
            prop_assert_eq!(line.amount, want);
            let total = statement
                .lines
                .iter()
                .try_fold(Decimal::ZERO, |t, l| t.checked_add(l.amount))
                .unwrap();
            prop_assert_eq!(statement.total, total);
        }
    }
}
