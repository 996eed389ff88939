//! Properties that must hold for all inputs.

use kpi_core::{FactRecord, FactTable, Measures, Plan, ScopeKind};
use proptest::prelude::*;
use rust_decimal::Decimal;

const PLAN: &str = r#"
version = 1
[org]
teams = [{ id = "t1", name = "T1" }, { id = "t2", name = "T2" }]
members = [{ id = "a", name = "A", team = "t1" }, { id = "b", name = "B", team = "t1" }, { id = "c", name = "C", team = "t2" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[metrics.orders]
aggregate = "count"
filter = 'kind == "order"'
[[goals]]
id = "rep"
metric = "revenue"
scope = "member"
period = "month"
target = "1000"
[[goals]]
id = "team"
metric = "revenue"
scope = "team"
period = "month"
target = "3000"
[[goals]]
id = "company"
metric = "revenue"
scope = "company"
period = "month"
target = "9000"
[[goals]]
id = "count"
metric = "orders"
scope = "member"
period = "month"
target = "3"
[[incentives]]
id = "pay"
applies_to = "members"
components = [{ kind = "rate", metric = "revenue", rate = "0.075" }]
"#;

fn fact() -> impl Strategy<Value = (u8, u8, u8, i64, u32)> {
    // owner index (3 = not in org, 4 = none), kind, status, amount in cents, day offset.
    (0u8..5, 0u8..3, 0u8..3, -50_000i64..5_000_000, 0u32..120)
}

fn records(raw: &[(u8, u8, u8, i64, u32)]) -> Vec<FactRecord> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    raw.iter()
        .enumerate()
        .map(|(i, &(owner, kind, status, cents, day))| FactRecord {
            id: format!("f{i}"),
            kind: ["order", "payment", "deal"][kind as usize].to_owned(),
            owners: Vec::new(),
            owner: ["a", "b", "c", "ghost"]
                .get(owner as usize)
                .map(|s| (*s).to_owned()),
            customer: None,
            amount: Some(Decimal::new(cents, 2)),
            status: Some(["won", "lost", "open"][status as usize].to_owned()),
            date: start + chrono::Days::new(u64::from(day)),
            attributes: std::collections::BTreeMap::default(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Measuring partitions and merging them, in any order, is measuring the whole.
    #[test]
    fn merged_partitions_evaluate_like_the_whole(raw in prop::collection::vec(fact(), 0..60), cut in 0usize..60) {
        let plan = Plan::from_toml(PLAN).unwrap();
        let period = plan.parse_period("2026-03").unwrap();
        let all = records(&raw);
        let cut = cut.min(all.len());
        let whole = plan.measure(&FactTable::from_records(all.clone()).unwrap(), &period).unwrap();
        let left = plan.measure(&FactTable::from_records(all[..cut].to_vec()).unwrap(), &period).unwrap();
        let right = plan.measure(&FactTable::from_records(all[cut..].to_vec()).unwrap(), &period).unwrap();
        let mut left_right: Measures = left.clone();
        left_right.merge(&right).unwrap();
        let mut right_left: Measures = right;
        right_left.merge(&left).unwrap();
        prop_assert_eq!(&left_right, &right_left);
        prop_assert_eq!(
            plan.evaluate_measures(&left_right).unwrap(),
            plan.evaluate_measures(&whole).unwrap()
        );
    }

    /// A compiled plan measures and evaluates exactly like the plan it came from.
    #[test]
    fn a_compiled_plan_evaluates_like_the_plan(raw in prop::collection::vec(fact(), 0..60), day in 1u32..31) {
        let plan = Plan::from_toml(PLAN).unwrap();
        let compiled = plan.clone().compile().unwrap();
        let period = plan.parse_period("2026-03").unwrap();
        let facts = FactTable::from_records(records(&raw)).unwrap();
        prop_assert_eq!(compiled.measure(&facts, &period).unwrap(), plan.measure(&facts, &period).unwrap());
        prop_assert_eq!(compiled.evaluate(&facts, &period).unwrap(), plan.evaluate(&facts, &period).unwrap());
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        prop_assert_eq!(
            compiled.evaluate_as_of(&facts, &period, as_of).unwrap(),
            plan.evaluate_as_of(&facts, &period, as_of).unwrap()
        );
        prop_assert_eq!(compiled.review(&facts, as_of).unwrap(), plan.review(&facts, as_of).unwrap());
        prop_assert_eq!(compiled.into_plan(), plan);
    }

    /// Roll-ups add up: teams are the sum of their members, the company is the sum of
    /// members plus unassigned, and attainment is exactly actual / target.
    #[test]
    fn roll_ups_add_up_and_nothing_is_dropped(raw in prop::collection::vec(fact(), 0..60)) {
        let plan = Plan::from_toml(PLAN).unwrap();
        let period = plan.parse_period("2026-03").unwrap();
        let all = records(&raw);
        let report = plan.evaluate(&FactTable::from_records(all.clone()).unwrap(), &period).unwrap();
        let actual = |goal: &str, id: &str| report.scorecards.iter()
            .find(|r| r.goal == goal && r.id == id).and_then(|r| r.actual).unwrap_or(Decimal::ZERO);
        prop_assert_eq!(actual("team", "t1"), actual("rep", "a") + actual("rep", "b"));
        prop_assert_eq!(actual("team", "t2"), actual("rep", "c"));
        let members: Decimal = ["a", "b", "c", "unassigned"].iter().map(|m| actual("rep", m)).sum();
        prop_assert_eq!(actual("company", "company"), members);
        // The company total is every won order in the month, whoever owns it.
        let expected: Decimal = all.iter()
            .filter(|r| r.kind == "order" && r.status.as_deref() == Some("won") && period.contains(r.date))
            .filter_map(|r| r.amount)
            .sum();
        prop_assert_eq!(actual("company", "company"), expected);
        for row in &report.scorecards {
            if let (Some(target), Some(attainment)) = (row.target, row.attainment) {
                prop_assert_eq!(attainment, (row.actual.unwrap() / target).normalize());
            }
            prop_assert_eq!(row.target.is_none(), row.scope != ScopeKind::Company && row.id == "unassigned");
        }
        // Payouts are the rate times the basis, rounded half-up to exactly two places.
        for statement in &report.statements {
            for line in &statement.lines {
                prop_assert_eq!(line.amount.scale(), 2);
                let exact = line.basis * line.rate.unwrap_or_default();
                prop_assert!((line.amount - exact).abs() <= Decimal::new(5, 3));
            }
        }
    }
}

proptest! {
    /// Amounts are stored as scaled integers where they fit and summed as integers; the
    /// sums, averages and read-back records are exactly what decimal arithmetic gives,
    /// written with the same scale, whatever mix of scales, missing amounts and
    /// too-large amounts the facts hold.
    #[test]
    fn integer_amounts_sum_exactly_like_decimals(
        amounts in prop::collection::vec(
            prop::option::of((any::<i64>(), 0u32..6, prop::bool::weighted(0.05))),
            1..80,
        ),
    ) {
        let plan = Plan::from_toml(r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.total]
aggregate = "sum"
field = "amount"
[metrics.mean]
aggregate = "average"
field = "amount"
[[goals]]
id = "g"
metric = "total"
scope = "member"
period = "2026-03"
target = "1"
"#).unwrap();
        let values: Vec<Option<Decimal>> = amounts
            .iter()
            .map(|a| a.map(|(m, scale, huge)| {
                // Mostly amounts of everyday size; sometimes one far beyond i64 units.
                let mantissa = if huge { i128::from(m) * 1_000_000_000 } else { i128::from(m % 10_000_000_000) };
                Decimal::from_i128_with_scale(mantissa, scale)
            }))
            .collect();
        let records: Vec<FactRecord> = values
            .iter()
            .enumerate()
            .map(|(i, amount)| FactRecord {
                id: format!("f{i}"),
                kind: "order".to_owned(),
                owner: Some("a".to_owned()),
                owners: Vec::new(),
                customer: None,
                amount: *amount,
                status: None,
                date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                attributes: std::collections::BTreeMap::default(),
            })
            .collect();
        let facts = FactTable::from_records(records.clone()).unwrap();
        let read: Vec<Option<Decimal>> = facts.records().map(|r| r.amount).collect();
        prop_assert_eq!(
            read.iter().map(|a| a.map(|d| d.to_string())).collect::<Vec<_>>(),
            values.iter().map(|a| a.map(|d| d.to_string())).collect::<Vec<_>>()
        );
        // A sum is exact or an overflow: near the range's end, one whose digits do not all
        // fit is refused rather than rounded (rust_decimal would drop the last digits).
        let exact = |a: Decimal, b: Decimal| {
            let sum = a.checked_add(b)?;
            let kept = sum.scale();
            let whole = |d: Decimal| d.round_dp_with_strategy(kept, rust_decimal::RoundingStrategy::ToZero) == d;
            (kept >= a.scale().max(b.scale()) || (whole(a) && whole(b))).then_some(sum)
        };
        let measured = plan.measure(&facts, &plan.parse_period("2026-03").unwrap());
        let Some(expected) = values.iter().flatten().try_fold(Decimal::ZERO, |s, v| exact(s, *v)) else {
            prop_assert_eq!(measured.unwrap_err().kind(), kpi_core::ErrorKind::DataOverflow);
            return Ok(());
        };
        let measures = measured.unwrap();
        let partial = &measures.metrics["total"]["a"];
        prop_assert_eq!(partial.sum.to_string(), expected.to_string());
        prop_assert_eq!(partial.count as usize, values.len());
        prop_assert_eq!(partial.missing as usize, values.iter().filter(|v| v.is_none()).count());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The fused scan (a sum of amounts filtered on codes, read 64 rows at a time) and the
    /// general per-row pass measure the same: the second metric's filter is the first's,
    /// written with a negation so that it cannot take the fused scan. Tables span many
    /// scan words and end inside one; owners may be missing or outside the org, statuses and amounts
    /// missing, amounts of mixed scales.
    #[test]
    fn the_fused_scan_measures_like_the_row_pass(
        raw in prop::collection::vec(
            (0u8..5, 0u8..3, 0u8..4, prop::option::weighted(0.9, (-5_000_000i64..5_000_000, 0u32..4)), 0u32..120),
            0..5_000,
        ),
        padding in prop_oneof![4 => Just(0usize), 1 => Just(300), 1 => Just(70_000)],
    ) {
        let plan = Plan::from_toml(r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }, { id = "b", name = "B", team = "t" }, { id = "c", name = "C", team = "t" }]
[metrics.fused]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status in ["won", "open"]'
[metrics.general]
aggregate = "sum"
field = "amount"
filter = '!(kind != "order") && status in ["won", "open"]'
[metrics.fused_mean]
aggregate = "average"
field = "amount"
[metrics.one_test]
aggregate = "sum"
field = "amount"
filter = 'status in ["won", "open"]'
[[goals]]
id = "g"
metric = "fused"
scope = "member"
period = "2026-03"
target = "1"
"#).unwrap();
        let start = chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        let records: Vec<FactRecord> = raw
            .iter()
            .enumerate()
            .map(|(i, &(owner, kind, status, amount, day))| FactRecord {
                id: format!("f{i}"),
                kind: ["order", "payment", "deal"][kind as usize].to_owned(),
                owner: ["a", "b", "c", "ghost"].get(owner as usize).map(|s| (*s).to_owned()),
                owners: Vec::new(),
                customer: None,
                amount: amount.map(|(units, scale)| Decimal::new(units, scale)),
                status: ["won", "lost", "open"].get(status as usize).map(|s| (*s).to_owned()),
                date: start + chrono::Days::new(u64::from(day)),
                attributes: std::collections::BTreeMap::default(),
            })
            .collect();
        // Facts of another year, each with its own owner and status, first: the owner and
        // status columns hold codes past one byte (300) or two (70,000), so every width
        // of the scan is measured.
        let padding = (0..padding).map(|i| FactRecord {
            id: format!("p{i}"),
            kind: "order".to_owned(),
            owner: Some(format!("o{i}")),
            owners: Vec::new(),
            customer: None,
            amount: None,
            status: Some(format!("s{i}")),
            date: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            attributes: std::collections::BTreeMap::default(),
        });
        let facts = FactTable::from_records(padding.chain(records.iter().cloned())).unwrap();
        let period = plan.parse_period("2026-03").unwrap();
        let measures = plan.measure(&facts, &period).unwrap();
        let none = std::collections::BTreeMap::new();
        let fused = measures.metrics.get("fused").unwrap_or(&none);
        let one_test = measures.metrics.get("one_test").unwrap_or(&none);
        prop_assert_eq!(fused, measures.metrics.get("general").unwrap_or(&none));
        // And both are what the records say, owner by owner.
        for (scope, owners) in [("a", &["a"][..]), ("b", &["b"]), ("c", &["c"]), ("unassigned", &["ghost", ""])] {
            let kept: Vec<&FactRecord> = records
                .iter()
                .filter(|r| period.contains(r.date) && r.kind == "order")
                .filter(|r| matches!(r.status.as_deref(), Some("won" | "open")))
                .filter(|r| owners.contains(&r.owner.as_deref().unwrap_or("")))
                .collect();
            let partial = fused.get(scope).cloned().unwrap_or_default();
            prop_assert_eq!(partial.count as usize, kept.len());
            prop_assert_eq!(partial.missing as usize, kept.iter().filter(|r| r.amount.is_none()).count());
            let sum: Decimal = kept.iter().filter_map(|r| r.amount).sum();
            prop_assert_eq!(partial.sum.to_string(), if kept.iter().all(|r| r.amount.is_none()) { "0".to_owned() } else { sum.to_string() });
            // One test (status only): every kind counts.
            let kept: Vec<&FactRecord> = records
                .iter()
                .filter(|r| period.contains(r.date))
                .filter(|r| matches!(r.status.as_deref(), Some("won" | "open")))
                .filter(|r| owners.contains(&r.owner.as_deref().unwrap_or("")))
                .collect();
            let partial = one_test.get(scope).cloned().unwrap_or_default();
            prop_assert_eq!(partial.count as usize, kept.len());
            let sum: Decimal = kept.iter().filter_map(|r| r.amount).sum();
            prop_assert_eq!(partial.sum.to_string(), if kept.iter().all(|r| r.amount.is_none()) { "0".to_owned() } else { sum.to_string() });
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Customers are interned on first use: a table whose customers were read (a distinct
    /// count) between two appends measures and reads back exactly like one built in one
    /// go, and equals it.
    #[test]
    fn customers_read_between_appends_measure_like_one_table(
        raw in prop::collection::vec((0u8..4, prop::option::weighted(0.8, 0u16..40)), 0..200),
        cut in 0usize..200,
    ) {
        let plan = Plan::from_toml(r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }, { id = "b", name = "B", team = "t" }, { id = "c", name = "C", team = "t" }]
[metrics.customers]
aggregate = "count_distinct"
field = "customer"
[metrics.big_customers]
aggregate = "count"
filter = 'customer in ["k1", "k2", "k3"]'
"#).unwrap();
        let records: Vec<FactRecord> = raw
            .iter()
            .enumerate()
            .map(|(i, &(owner, customer))| FactRecord {
                id: format!("f{i}"),
                kind: "order".to_owned(),
                owner: ["a", "b", "c"].get(owner as usize).map(|s| (*s).to_owned()),
                owners: Vec::new(),
                customer: customer.map(|c| format!("k{c}")),
                amount: None,
                status: None,
                date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                attributes: std::collections::BTreeMap::default(),
            })
            .collect();
        let period = plan.parse_period("2026-03").unwrap();
        let whole = FactTable::from_records(records.clone()).unwrap();
        let cut = cut.min(records.len());
        let mut table = FactTable::from_records(records[..cut].to_vec()).unwrap();
        let early = plan.measure(&table, &period).unwrap(); // reads (interns) the customers
        let expected_early = plan.measure(&FactTable::from_records(records[..cut].to_vec()).unwrap(), &period).unwrap();
        prop_assert_eq!(early, expected_early);
        for record in records[cut..].iter().cloned() {
            table.push(record).unwrap();
        }
        prop_assert_eq!(plan.measure(&table, &period).unwrap(), plan.measure(&whole, &period).unwrap());
        prop_assert_eq!(&table.records().collect::<Vec<_>>(), &records);
        prop_assert_eq!(&table, &whole);
        // And the distinct counts are the records' own: each owner's set of customers,
        // every fact counted, those without a customer as missing.
        let measures = plan.measure(&whole, &period).unwrap();
        for (scope, owner) in [("a", Some("a")), ("b", Some("b")), ("c", Some("c")), ("unassigned", None)] {
            let theirs: Vec<&FactRecord> = records.iter().filter(|r| r.owner.as_deref() == owner).collect();
            let partial = measures.metrics.get("customers").and_then(|m| m.get(scope)).cloned().unwrap_or_default();
            let expected: std::collections::BTreeSet<String> = theirs.iter().filter_map(|r| r.customer.clone()).collect();
            prop_assert_eq!(&partial.distinct, &expected);
            prop_assert_eq!(partial.count as usize, theirs.len());
            prop_assert_eq!(partial.missing as usize, theirs.iter().filter(|r| r.customer.is_none()).count());
        }
    }
}
