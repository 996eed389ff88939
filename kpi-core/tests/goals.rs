//! Properties of target setting and scoring that must hold for all inputs.

use kpi_core::goal::targets::allocate;
use kpi_core::{FactTable, Plan};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn cents(n: i64) -> Decimal {
    Decimal::new(n, 2)
}

proptest! {
    /// Cascaded children always sum exactly to the parent, whatever the weights and the
    /// places, and no child gets less than its exact share rounded down.
    #[test]
    fn cascaded_children_sum_exactly_to_the_parent(
        total in -10_000_000_000i64..10_000_000_000,
        weights in prop::collection::vec(0u32..1000, 1..40),
        places in 0u32..4,
    ) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let total = cents(total);
        let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
        let parts = allocate(total, &weights, places).unwrap();
        prop_assert_eq!(parts.len(), weights.len());
        prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), total);
        let sum: Decimal = weights.iter().copied().sum();
        let unit = Decimal::new(1, places.max(total.normalize().scale()));
        for (part, weight) in parts.iter().zip(&weights) {
            let exact = total * *weight / sum;
            prop_assert!((*part - exact).abs() < unit, "{} vs exact {}", part, exact);
        }
    }

    /// For a lower-is-better goal, attainment is at least 1 exactly when the actual is at
    /// or under the target.
    #[test]
    fn lower_is_better_attainment_reaches_one_exactly_on_or_under_target(
        actual in 0i64..100_000,
        target in 1i64..100_000,
    ) {
        let plan = Plan::from_toml(&format!(r#"
version = 1
[org]
teams = [{{ id = "t", name = "T" }}]
members = [{{ id = "a", name = "A", team = "t" }}]
[metrics.cycle]
aggregate = "sum"
field = "amount"
unit = "days"
direction = "lower"
[[goals]]
id = "g"
metric = "cycle"
scope = "member"
period = "2026-03"
target = "{}"
"#, cents(target))).unwrap();
        let facts = FactTable::from_json(&format!(
            r#"[{{"id": "x", "kind": "deal", "owner": "a", "amount": "{}", "date": "2026-03-05"}}]"#,
            cents(actual)
        )).unwrap();
        let report = plan.evaluate(&facts, &plan.parse_period("2026-03").unwrap()).unwrap();
        let attainment = report.scorecards[0].attainment.unwrap();
        prop_assert_eq!(attainment >= Decimal::ONE, actual <= target);
    }
}

#[test]
fn adjustments_are_added_never_rewritten() {
    let mut plan = Plan::from_toml(
        r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "g"
metric = "revenue"
scope = "member"
period = "month"
target = "1000"
"#,
    )
    .unwrap();
    let version = |from: &str, target: &str, reason: &str| kpi_core::GoalVersion {
        from: from.parse().unwrap(),
        target: Some(target.parse().unwrap()),
        targets: std::collections::BTreeMap::default(),
        reason: reason.to_owned(),
    };
    plan.adjust_goal("g", version("2026-03-01", "800", "market slowdown"))
        .unwrap();
    // An earlier (or same-day) version would rewrite history: refused.
    let err = plan
        .adjust_goal("g", version("2026-02-01", "900", "backdated"))
        .unwrap_err();
    assert_eq!(err.code(), "plan.invalid");
    assert_eq!(err.location().path.as_deref(), Some("goals[0].versions"));
    assert!(
        plan.adjust_goal("g", version("2026-04-01", "700", " "))
            .is_err()
    );
    assert!(
        plan.adjust_goal("nope", version("2026-04-01", "700", "x"))
            .is_err()
    );
    plan.check().unwrap();
    let facts = FactTable::from_json(
        r#"[{"id": "x", "kind": "order", "owner": "a", "amount": "400", "date": "2026-03-05"}]"#,
    )
    .unwrap();
    let row = |label: &str| {
        plan.evaluate(&facts, &plan.parse_period(label).unwrap())
            .unwrap()
            .scorecards[0]
            .clone()
    };
    let february = row("2026-02");
    assert_eq!(february.target, Some(Decimal::from(1000)));
    assert_eq!(february.original_target, None);
    let march = row("2026-03");
    assert_eq!(march.target, Some(Decimal::from(800)));
    assert_eq!(march.original_target, Some(Decimal::from(1000)));
    assert_eq!(march.adjustment.as_deref(), Some("market slowdown"));
}

#[test]
fn advances_need_the_facts() {
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/vectors/advances.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let plan = Plan::from_toml(doc["plan_toml"].as_str().unwrap()).unwrap();
    let facts = FactTable::from_json_value(doc["facts"].clone()).unwrap();
    let february = plan.parse_period("2026-02").unwrap();
    // The measures of February alone cannot give the quarter's earnings to date.
    let err = plan
        .evaluate_measures(&plan.measure(&facts, &february).unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "data.measures_mismatch");
    // The facts can: the three months pay exactly what the quarter earned.
    let paid: Decimal = ["2026-01", "2026-02", "2026-03"]
        .iter()
        .map(|m| {
            plan.evaluate(&facts, &plan.parse_period(m).unwrap())
                .unwrap()
                .total_payout()
        })
        .sum();
    let earned = plan
        .evaluate(&facts, &plan.parse_period("2026-Q1").unwrap())
        .unwrap()
        .total_payout();
    assert_eq!(paid, earned);
}

/// A plan with a monthly growth goal over a relative baseline, for the properties below.
fn rolling_plan(baseline: &str) -> Plan {
    Plan::from_toml(&format!(
        r#"
version = 1
[rounding]
places = 2
[org]
teams = [{{ id = "t", name = "T" }}]
members = [{{ id = "a", name = "A", team = "t" }}, {{ id = "b", name = "B", team = "t" }}]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "g"
metric = "revenue"
scope = "member"
period = "month"
target = {{ growth = "0.15" }}
baseline = {baseline}
"#
    ))
    .unwrap()
}

/// Orders of members `a` and `b` on days of 2025-10-01 .. 2026-03-31, in cents.
fn orders() -> impl Strategy<Value = FactTable> {
    prop::collection::vec((0u32..182, any::<bool>(), 0i64..5_000_000), 0..40).prop_map(|rows| {
        let start = chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
        let lines: Vec<String> = rows
            .iter()
            .enumerate()
            .map(|(i, (day, to_a, amount))| {
                format!(
                    r#"{{"id": "o{i}", "kind": "order", "owner": "{}", "date": "{}", "amount": "{}"}}"#,
                    if *to_a { "a" } else { "b" },
                    start + chrono::Days::new(u64::from(*day)),
                    cents(*amount)
                )
            })
            .collect();
        FactTable::from_json_lines(&lines.join("\n")).unwrap()
    })
}

proptest! {
    /// A relative baseline is resolved per goal period: a quarter's target and baseline are
    /// exactly the sums of its months' (a metric that adds up), whichever is evaluated, and
    /// a month's target is its baseline grown, rounded to cents.
    #[test]
    fn a_quarter_of_a_rolling_baseline_is_the_sum_of_its_months(
        facts in orders(),
        baseline in prop::sample::select(vec![
            r#"{ period = "previous" }"#,
            "{ trailing = 2 }",
            r#"{ period = "previous", if_missing = "team_average" }"#,
            r#"{ trailing = 3, if_missing = "100" }"#,
        ]),
    ) {
        let plan = rolling_plan(baseline);
        let period = |label: &str| plan.calendar.parse_period(label).unwrap();
        let quarter = plan.evaluate(&facts, &period("2026-Q1")).unwrap();
        let months: Vec<_> = ["2026-01", "2026-02", "2026-03"]
            .iter()
            .map(|m| plan.evaluate(&facts, &period(m)).unwrap())
            .collect();
        for (i, row) in quarter.scorecards.iter().enumerate() {
            let month_rows: Vec<_> = months.iter().map(|r| &r.scorecards[i]).collect();
            prop_assert!(month_rows.iter().all(|m| m.id == row.id));
            let targets: Option<Vec<Decimal>> = month_rows.iter().map(|m| m.target).collect();
            let summed = targets.map(|t| t.iter().copied().sum::<Decimal>());
            prop_assert_eq!(row.target, summed);
            for m in &month_rows {
                if let (Some(base), Some(target), None) = (m.baseline, m.target, m.fallback) {
                    let grown = (base * Decimal::new(115, 2))
                        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
                    prop_assert_eq!(target, grown, "{}", m.id);
                }
                // A target for a scope without a baseline says where it came from.
                if m.target.is_some_and(|t| !t.is_zero()) && m.baseline.is_none_or(|b| b.is_zero()) {
                    prop_assert!(m.fallback.is_some(), "{:?}", m);
                }
            }
        }
    }
}

proptest! {
    /// A long-term goal reviewed quarter by quarter: what is due never falls, equals the
    /// checkpoint at each checkpoint's end, and the row's actual is the running total of
    /// the quarters so far.
    #[test]
    fn long_term_checkpoints_are_due_in_order_and_totals_run(
        days in prop::collection::vec((0u32..1096, 0i64..1_000_000), 0..30),
        even in any::<bool>(),
    ) {
        let checkpoints = if even {
            r#"{ every = "year" }"#
        } else {
            r#"{ every = "year", targets = ["100000.50", "100000.50", "250000"] }"#
        };
        let plan = Plan::from_toml(&format!(
            r#"
version = 1
[calendar]
fiscal_year_start_month = 4
[org]
teams = [{{ id = "t", name = "T" }}]
members = [{{ id = "a", name = "A", team = "t" }}]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "g"
metric = "revenue"
scope = "company"
period = "FY2027..FY2029"
target = "250000"
checkpoints = {checkpoints}
"#
        ))
        .unwrap();
        let start = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let lines: Vec<String> = days
            .iter()
            .enumerate()
            .map(|(i, (day, amount))| {
                format!(
                    r#"{{"id": "o{i}", "kind": "order", "owner": "a", "date": "{}", "amount": "{}"}}"#,
                    start + chrono::Days::new(u64::from(*day)),
                    cents(*amount)
                )
            })
            .collect();
        let facts = FactTable::from_json_lines(&lines.join("\n")).unwrap();
        let mut due_before = Decimal::MIN;
        let mut total = Decimal::ZERO;
        for year in ["FY2027", "FY2028", "FY2029"] {
            for quarter in 1..=4 {
                let label = format!("{year}-Q{quarter}");
                let period = plan.calendar.parse_period(&label).unwrap();
                let report = plan.evaluate(&facts, &period).unwrap();
                let row = &report.scorecards[0];
                let long_term = row.long_term.as_ref().unwrap();
                let due = row.target.unwrap();
                prop_assert!(due >= due_before, "{label}: {due} after {due_before}");
                due_before = due;
                if quarter == 4 {
                    prop_assert_eq!(due, long_term.checkpoint_target, "{}", label);
                }
                let in_quarter: Decimal = facts
                    .records()
                    .filter(|r| period.contains(r.date))
                    .filter_map(|r| r.amount)
                    .sum();
                total += in_quarter;
                prop_assert_eq!(row.actual.unwrap_or_default(), total, "{}", label);
            }
        }
        prop_assert_eq!(due_before, Decimal::new(250_000, 0));
    }
}

/// A day of 2025-10-01 .. 2026-06-29, as a date.
fn day_of(n: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap() + chrono::Days::new(u64::from(n))
}

proptest! {
    /// Ramp and leave only ever take away: every prorated target lies between 0 and the
    /// full one, a tenured member without leave keeps the full target, and a quarter's
    /// target is the sum of its months' (each rounded to cents).
    #[test]
    fn a_prorated_target_never_exceeds_the_full_one(
        steps in prop::collection::vec(0u32..=100, 1..6),
        joined in prop::option::of(0u32..240),
        moved in prop::option::of(1u32..90),
        leaves in prop::collection::vec((0u32..270, 1u32..60), 0..4),
        target in 0i64..1_000_000_000,
    ) {
        let steps: Vec<String> = steps.iter().map(|s| format!(r#""{}""#, Decimal::new(i64::from(*s), 2))).collect();
        // Member `n` joins (or is there since always) and may move team later; `a` is
        // tenured and never on leave.
        let mut members = vec![r#"{ id = "a", name = "A", team = "t" }"#.to_owned()];
        let from = joined.map(day_of);
        match (from, moved) {
            (Some(from), Some(after)) => {
                let move_day = from + chrono::Days::new(u64::from(after));
                members.push(format!(r#"{{ id = "n", name = "N", team = "t", from = "{from}", until = "{move_day}" }}"#));
                members.push(format!(r#"{{ id = "n", name = "N", team = "u", from = "{move_day}" }}"#));
            }
            (Some(from), None) => members.push(format!(r#"{{ id = "n", name = "N", team = "t", from = "{from}" }}"#)),
            (None, _) => members.push(r#"{ id = "n", name = "N", team = "t" }"#.to_owned()),
        }
        // Leaves during n's stints (one outside them all is refused), possibly past
        // their start.
        let leaves: Vec<String> = leaves
            .iter()
            .filter(|(start, length)| joined.is_none_or(|j| start + length > j))
            .map(|(start, length)| {
                format!(
                    r#"{{ member = "n", from = "{}", until = "{}" }}"#,
                    day_of(*start),
                    day_of(start + length)
                )
            })
            .collect();
        let plan = Plan::from_toml(&format!(
            r#"
version = 1
[rounding]
places = 2
[ramp]
steps = [{}]
[org]
teams = [{{ id = "t", name = "T" }}, {{ id = "u", name = "U" }}]
members = [{}]
leaves = [{}]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "g"
metric = "revenue"
scope = "member"
period = "month"
target = "{}"
prorate = ["ramp", "leave"]
"#,
            steps.join(", "),
            members.join(", "),
            leaves.join(", "),
            cents(target)
        ))
        .unwrap();
        let facts = FactTable::from_json_lines("").unwrap();
        let full = cents(target);
        let evaluate = |label: &str| {
            plan.evaluate(&facts, &plan.calendar.parse_period(label).unwrap()).unwrap()
        };
        let quarter = evaluate("2026-Q1");
        let months: Vec<_> = ["2026-01", "2026-02", "2026-03"].iter().map(|m| evaluate(m)).collect();
        for report in months.iter().chain([&quarter]) {
            for row in &report.scorecards {
                let t = row.target.unwrap();
                let whole = row.full_target.unwrap_or(t);
                prop_assert!(Decimal::ZERO <= t && t <= whole, "{:?}", row);
                prop_assert!(row.full_target.is_none_or(|f| f != t));
                if row.id.as_str() == "a" {
                    prop_assert_eq!(row.full_target, None);
                }
            }
        }
        for (i, row) in quarter.scorecards.iter().enumerate() {
            let summed: Decimal = months
                .iter()
                .filter_map(|m| m.scorecards.iter().find(|r| r.id == row.id))
                .filter_map(|r| r.target)
                .sum();
            prop_assert_eq!(row.target, Some(summed), "row {}", i);
            prop_assert!(row.target.unwrap() <= full * Decimal::from(3));
        }
    }
}
