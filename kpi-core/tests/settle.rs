//! The pay cycle: closing periods, true-ups of settled periods, and verifying them. The
//! shared vectors in `testdata/vectors/settlements` run here, in pytest and in node.

use kpi_core::settle::{Approval, Dispute, Settlement, disputes_from_json, settlements_from_json};
use kpi_core::{CompiledPlan, Error, FactTable, Plan};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors/settlements");

/// The disputes a step hands over (`disputes`), as every language reads them.
fn disputes(step: &Value) -> Result<Vec<Dispute>, Error> {
    step.get("disputes")
        .map_or(Ok(Vec::new()), |d| disputes_from_json(d.clone()))
}

/// One step of a vector file: close, evaluate, verify or read, with the settlements
/// closed by the steps before it.
fn step(
    plan: &CompiledPlan,
    file: &Value,
    step: &Value,
    closed: &[Settlement],
) -> Result<Value, Error> {
    // `settlements`: which of those closed so far the step hands over.
    let chosen: Vec<Settlement> = match step.get("settlements").and_then(Value::as_array) {
        Some(indices) => indices
            .iter()
            .map(|i| closed[i.as_u64().unwrap() as usize].clone())
            .collect(),
        None => closed.to_vec(),
    };
    let closed = chosen.as_slice();
    let facts =
        || FactTable::from_json_value(file["facts"][step["facts"].as_str().unwrap()].clone());
    if let Some(index) = step.get("read") {
        let mut document = serde_json::to_value(&closed[index.as_u64().unwrap() as usize]).unwrap();
        for (key, value) in step["patch"].as_object().unwrap() {
            document[key] = value.clone();
        }
        return Settlement::from_json_value(document).map(|s| serde_json::to_value(s).unwrap());
    }
    if let Some(index) = step.get("verify") {
        let settlement = &closed[index.as_u64().unwrap() as usize];
        return Ok(serde_json::to_value(settlement.verify(plan, &facts()?)?).unwrap());
    }
    if let Some(label) = step.get("close") {
        let approval = Approval {
            by: step["approved_by"].as_str().unwrap().to_owned(),
            at: step["approved_at"].as_str().unwrap().to_owned(),
        };
        let period = plan.parse_period(label.as_str().unwrap())?;
        let settlement = plan.close(&facts()?, &period, closed, &disputes(step)?, approval)?;
        return Ok(serde_json::to_value(settlement).unwrap());
    }
    let period = plan.parse_period(step["evaluate"].as_str().unwrap())?;
    let report = plan.evaluate_settled(&facts()?, &period, closed, &disputes(step)?)?;
    Ok(serde_json::to_value(&report.statements).unwrap())
}

#[test]
fn every_pay_cycle_vector_passes() {
    let bless = std::env::var_os("KPI_BLESS").is_some();
    let mut steps = 0;
    for entry in std::fs::read_dir(VECTORS).unwrap() {
        let path = entry.unwrap().path();
        let mut file: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let plan = Plan::from_toml(file["plan_toml"].as_str().unwrap())
            .unwrap()
            .compile()
            .unwrap();
        let mut closed = Vec::new();
        let snapshot = file.clone();
        for (i, each) in file["steps"].as_array_mut().unwrap().iter_mut().enumerate() {
            let name = format!("{}#{i} {}", path.display(), each["name"]);
            let result = step(&plan, &snapshot, each, &closed);
            match (result, each.get("error").cloned()) {
                (Ok(value), None) => {
                    if bless {
                        each["expected"] = value.clone();
                    }
                    assert_eq!(Some(&value), each.get("expected"), "{name}");
                    if each.get("close").is_some() {
                        closed.push(Settlement::from_json_value(value).unwrap());
                    }
                }
                (Err(err), Some(expected)) => {
                    assert_eq!(err.code(), expected["code"], "{name}: {err}");
                    if let Some(path) = expected.get("path") {
                        assert_eq!(
                            err.location().path.as_deref(),
                            path.as_str(),
                            "{name}: {err}"
                        );
                    }
                }
                (Ok(value), Some(_)) => panic!("{name}: expected an error, got {value}"),
                (Err(err), None) => panic!("{name}: {err}"),
            }
            steps += 1;
        }
        if bless {
            std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
        }
    }
    assert!(steps >= 10, "only {steps} steps ran");
}

fn pay_cycle_plan() -> CompiledPlan {
    plan_with(false)
}

/// The vectors' plan; with a recoverable draw of 500 a month when `draw`.
fn plan_with(draw: bool) -> CompiledPlan {
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{VECTORS}/pay_cycle.json")).unwrap(),
    )
    .unwrap();
    let mut text = file["plan_toml"].as_str().unwrap().to_owned();
    if draw {
        text = text.replace(
            "period = \"month\"\n",
            "period = \"month\"\ndraw = { amount = \"500\", recoverable = true }\n",
        );
        assert!(text.contains("draw"));
    }
    Plan::from_toml(&text).unwrap().compile().unwrap()
}

/// A change to the facts between two closes.
#[derive(Debug, Clone)]
enum Change {
    /// A new order (or refund, when negative) on day `day` of January to March.
    Add { owner: bool, amount: i64, day: u32 },
    /// The `n`th fact's amount becomes `amount`.
    Amend { n: usize, amount: i64 },
    /// The `n`th fact is deleted.
    Remove { n: usize },
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (any::<bool>(), -3_000i64..15_000, 0u32..90).prop_map(|(owner, amount, day)| Change::Add {
            owner,
            amount,
            day
        }),
        (any::<usize>(), -3_000i64..15_000).prop_map(|(n, amount)| Change::Amend { n, amount }),
        any::<usize>().prop_map(|n| Change::Remove { n }),
    ]
}

fn apply(facts: &mut Vec<Value>, next_id: &mut usize, change: &Change) {
    match *change {
        Change::Add { owner, amount, day } => {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                + chrono::Days::new(u64::from(day));
            *next_id += 1;
            facts.push(json!({
                "id": format!("f-{next_id}"),
                "kind": if amount < 0 { "refund" } else { "order" },
                "owner": if owner { "a" } else { "b" },
                "amount": amount.to_string(),
                "date": date.to_string(),
            }));
        }
        Change::Amend { n, amount } if !facts.is_empty() => {
            let i = n % facts.len();
            facts[i]["amount"] = json!(amount.to_string());
        }
        Change::Remove { n } if !facts.is_empty() => {
            let i = n % facts.len();
            facts.remove(i);
        }
        _ => {}
    }
}

/// What each member was paid for `label` across every settlement and the final report.
fn paid_for(label: &str, settlements: &[Settlement], last: &kpi_core::Report) -> Decimal {
    let mut paid = Decimal::ZERO;
    for settlement in settlements {
        for line in &settlement.lines {
            let own = line.period.is_none() && settlement.period.label == label;
            if own || line.period.as_deref() == Some(label) {
                paid += line.amount;
            }
        }
    }
    for statement in &last.statements {
        paid += statement
            .adjustments
            .iter()
            .filter(|a| a.period == label)
            .map(|a| a.amount)
            .sum::<Decimal>();
    }
    paid
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever changes between closes, everything paid for a month (its settlement,
    /// the true-ups of later closes and of the final evaluation) is what the month
    /// finally comes to, to the cent; and a closed month stays closed.
    #[test]
    fn everything_paid_is_the_final_recomputation(
        changes in proptest::collection::vec(proptest::collection::vec(change(), 0..6), 4),
        draw in any::<bool>(),
    ) {
        let plan = plan_with(draw);
        let approval = Approval { by: "payroll".into(), at: "2026-04-01T00:00:00Z".into() };
        let (mut facts, mut next_id) = (Vec::new(), 0);
        let mut settlements: Vec<Settlement> = Vec::new();
        for (month, batch) in ["2026-01", "2026-02", "2026-03"].iter().zip(&changes) {
            for c in batch {
                apply(&mut facts, &mut next_id, c);
            }
            let table = FactTable::from_json_value(Value::Array(facts.clone())).unwrap();
            let period = plan.parse_period(month).unwrap();
            let settlement = plan.close(&table, &period, &settlements, &[], approval.clone()).unwrap();
            // The same inputs close to the same settlement, byte for byte.
            let again = plan.close(&table, &period, &settlements, &[], approval.clone()).unwrap();
            prop_assert_eq!(settlement.to_json(), again.to_json());
            settlements.push(settlement);
            let locked = plan.evaluate_settled(&table, &period, &settlements, &[]).unwrap_err();
            prop_assert_eq!(locked.code(), "data.period_locked");
        }
        for c in &changes[3] {
            apply(&mut facts, &mut next_id, c);
        }
        let table = FactTable::from_json_value(Value::Array(facts.clone())).unwrap();
        let april = plan.parse_period("2026-04").unwrap();
        let last = plan.evaluate_settled(&table, &april, &settlements, &[]).unwrap();
        // What each month finally comes to: priced in order, each with the draw balances
        // the month before it carries out.
        let mut balances = kpi_core::Balances::new();
        for month in ["2026-01", "2026-02", "2026-03"] {
            let period = plan.parse_period(month).unwrap();
            let finally = plan.evaluate_with(&table, &period, &balances).unwrap();
            balances = finally.balances();
            prop_assert_eq!(paid_for(month, &settlements, &last), finally.total_payout(), "{}", month);
        }
        // And April starts from March's balances as they finally are.
        let april_alone = plan.evaluate_with(&table, &april, &balances).unwrap();
        let own = |r: &kpi_core::Report| -> Vec<Decimal> {
            r.statements.iter().map(|s| s.lines.iter().map(|l| l.amount).sum()).collect()
        };
        prop_assert_eq!(own(&last), own(&april_alone));
        // Each settlement still reads back as it was written.
        let stored = serde_json::to_value(&settlements).unwrap();
        prop_assert_eq!(settlements_from_json(stored).unwrap(), settlements);
    }
}

#[test]
fn a_stored_settlement_reads_back_and_refuses_tampering() {
    let plan = pay_cycle_plan();
    let facts = FactTable::from_json_value(json!([
        {"id": "o-1", "kind": "order", "owner": "a", "amount": "9000", "date": "2026-01-10"},
        {"id": "订单-2", "kind": "order", "owner": "b", "amount": "1.5e3", "date": "2026-01-12"},
    ]))
    .unwrap();
    let jan = plan.parse_period("2026-01").unwrap();
    let approval = Approval {
        by: "财务 李娜".into(),
        at: "2026-02-03T09:00:00+08:00".into(),
    };
    let settlement = plan.close(&facts, &jan, &[], &[], approval).unwrap();
    assert_eq!(
        Settlement::from_json(&settlement.to_json()).unwrap(),
        settlement
    );
    assert!(settlement.verify(&plan, &facts).unwrap().matches);
    // An amount rewritten with another scale is the same fact.
    let rescaled = FactTable::from_json_value(json!([
        {"id": "o-1", "kind": "order", "owner": "a", "amount": "9000.00", "date": "2026-01-10"},
        {"id": "订单-2", "kind": "order", "owner": "b", "amount": "1500", "date": "2026-01-12"},
    ]))
    .unwrap();
    assert!(settlement.verify(&plan, &rescaled).unwrap().matches);
    // A fact's hash changed by hand no longer agrees with the digest.
    let mut text = settlement.to_json();
    let hash = &settlement.facts.owners["a"]["o-1"];
    text = text.replace(hash.as_str(), "0000000000000000");
    let err = Settlement::from_json(&text).unwrap_err();
    assert_eq!(err.code(), "data.invalid_settlement");
    assert_eq!(err.location().path.as_deref(), Some("facts"));
    // Hostile text: not JSON, deep nesting, a huge number, the wrong types.
    for (text, code) in [
        ("{", "data.invalid_settlement"),
        (&"[".repeat(100_000), "data.invalid_settlement"),
        ("{\"version\": 1e400}", "data.invalid_settlement"),
        ("[]", "data.invalid_settlement"),
        ("null", "data.invalid_settlement"),
    ] {
        let err = Settlement::from_json(text).unwrap_err();
        assert_eq!(err.code(), code, "{}", &text[..text.len().min(20)]);
    }
    let huge = settlement
        .to_json()
        .replace("\"450.00\"", "\"79228162514264337593543950336\"");
    assert_eq!(
        Settlement::from_json(&huge).unwrap_err().code(),
        "data.invalid_settlement"
    );
    // Two settlements of one month.
    let twice = [settlement.clone(), settlement.clone()];
    let feb = plan.parse_period("2026-02").unwrap();
    let err = plan
        .evaluate_settled(&facts, &feb, &twice, &[])
        .unwrap_err();
    assert_eq!(err.code(), "data.invalid_settlement");
    assert_eq!(err.location().path.as_deref(), Some("settlements[1]"));
}

/// The review's case: a recoverable draw advanced in January and recovered in February;
/// a late January order then pays January's commission, and the draw it no longer needed
/// is not recovered twice.
#[test]
fn a_late_fact_moves_a_draw_once_along_the_chain() {
    let plan = plan_with(true);
    let record = |id: &str, amount: &str, date: &str| json!({"id": id, "kind": "order", "owner": "a", "amount": amount, "date": date});
    let approval = || Approval {
        by: "payroll".into(),
        at: "2026-03-01T00:00:00Z".into(),
    };
    let before = FactTable::from_json_value(json!([
        record("o-1", "4000", "2026-01-10"),
        record("o-2", "20000", "2026-02-10"),
    ]))
    .unwrap();
    let (jan, feb, mar) = (
        plan.parse_period("2026-01").unwrap(),
        plan.parse_period("2026-02").unwrap(),
        plan.parse_period("2026-03").unwrap(),
    );
    let january = plan.close(&before, &jan, &[], &[], approval()).unwrap();
    let february = plan
        .close(
            &before,
            &feb,
            std::slice::from_ref(&january),
            &[],
            approval(),
        )
        .unwrap();
    let after = FactTable::from_json_value(json!([
        record("o-1", "4000", "2026-01-10"),
        record("o-2", "20000", "2026-02-10"),
        record("o-3", "6000", "2026-01-20"),
    ]))
    .unwrap();
    let settled = [january.clone(), february.clone()];
    let march = plan.evaluate_settled(&after, &mar, &settled, &[]).unwrap();
    let paid: Decimal = [&january, &february]
        .iter()
        .flat_map(|s| s.totals.values())
        .sum::<Decimal>()
        + march.statements[0]
            .adjustments
            .iter()
            .map(|a| a.amount)
            .sum::<Decimal>();
    // January and February priced again in a chain: what Ann finally earns for them.
    let jan_now = plan
        .evaluate_with(&after, &jan, &kpi_core::Balances::new())
        .unwrap();
    let feb_now = plan
        .evaluate_with(&after, &feb, &jan_now.balances())
        .unwrap();
    assert_eq!(paid, jan_now.total_payout() + feb_now.total_payout());
}

#[test]
fn settlements_that_do_not_make_one_history_are_refused() {
    let plan = pay_cycle_plan();
    let facts = FactTable::from_json_value(json!([
        {"id": "o-1", "kind": "order", "owner": "a", "amount": "9000", "date": "2026-01-10"},
    ]))
    .unwrap();
    let approval = Approval {
        by: "payroll".into(),
        at: "2026-02-01T00:00:00Z".into(),
    };
    let jan = plan.parse_period("2026-01").unwrap();
    let mar = plan.parse_period("2026-03").unwrap();
    let january = plan.close(&facts, &jan, &[], &[], approval).unwrap();
    // A line of a member the plan does not have (removed from the org, or made up).
    let mut made_up = january.clone();
    made_up.lines[0].member = "mallory".into();
    let err = plan
        .evaluate_settled(&facts, &mar, &[made_up], &[])
        .unwrap_err();
    assert_eq!(err.code(), "data.invalid_settlement");
    assert_eq!(
        err.location().path.as_deref(),
        Some("settlements[0].lines[0].member")
    );
    // The same label twice, even on other dates.
    let mut shifted = january.clone();
    shifted.period.start = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    shifted.period.end = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
    let err = plan
        .evaluate_settled(&facts, &mar, &[january.clone(), shifted], &[])
        .unwrap_err();
    assert_eq!(err.location().path.as_deref(), Some("settlements[1]"));
    // Dates outside the supported days.
    let mut ancient = january;
    ancient.period.start = chrono::NaiveDate::from_ymd_opt(100, 1, 1).unwrap();
    let err = plan
        .evaluate_settled(&facts, &mar, &[ancient], &[])
        .unwrap_err();
    assert_eq!(
        err.location().path.as_deref(),
        Some("settlements[0].period")
    );
}

#[test]
fn huge_settled_amounts_are_an_overflow_error_not_a_panic() {
    let plan = pay_cycle_plan();
    let facts = FactTable::from_json_value(json!([
        {"id": "o-1", "kind": "order", "owner": "a", "amount": "9000", "date": "2026-01-10"},
    ]))
    .unwrap();
    let approval = Approval {
        by: "payroll".into(),
        at: "2026-02-01T00:00:00Z".into(),
    };
    let jan = plan.parse_period("2026-01").unwrap();
    let mut settlement = plan.close(&facts, &jan, &[], &[], approval).unwrap();
    for member in ["a", "b"] {
        settlement.lines.push(kpi_core::settle::SettledLine {
            member: member.into(),
            period: None,
            dispute: None,
            incentive: "rep".into(),
            component: Some(0),
            kind: "tiered".into(),
            amount: Decimal::MAX,
        });
    }
    let feb = plan.parse_period("2026-02").unwrap();
    let err = plan
        .evaluate_settled(&facts, &feb, &[settlement], &[])
        .unwrap_err();
    assert_eq!(err.code(), "data.overflow");
}

/// A settlement that was never checked (built or read by serde directly) is checked by
/// `verify` before it is used: a huge fact count is an error, not an allocation.
#[test]
fn verify_checks_a_settlement_first() {
    let plan = pay_cycle_plan();
    let facts = FactTable::from_json_value(json!([
        {"id": "o-1", "kind": "order", "owner": "a", "amount": "9000", "date": "2026-01-10"},
    ]))
    .unwrap();
    let approval = Approval {
        by: "payroll".into(),
        at: "2026-02-01T00:00:00Z".into(),
    };
    let jan = plan.parse_period("2026-01").unwrap();
    let mut settlement = plan.close(&facts, &jan, &[], &[], approval).unwrap();
    settlement.facts.count = 1_000_000_000_000;
    let err = settlement.verify(&plan, &facts).unwrap_err();
    assert_eq!(err.code(), "data.invalid_settlement");
    assert_eq!(err.location().path.as_deref(), Some("facts"));
}
