//! Pay on collection, for all inputs: over a year of months, what the payments pay,
//! what lapses and what is still pending at the end add up to what the bookings earned,
//! to the cent, and no month pays more than was earned before it.

use kpi_core::{FactTable, Plan};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

fn plan(lapse_days: Option<u32>) -> Plan {
    let lapse = lapse_days.map_or(String::new(), |d| format!(", lapse_days = {d}"));
    Plan::from_toml(&format!(
        r#"
version = 1
[org]
teams = [{{ id = "t", name = "T" }}]
members = [{{ id = "a", name = "A", team = "t" }}, {{ id = "b", name = "B", team = "t" }}]
[metrics.bookings]
aggregate = "sum"
field = "amount"
filter = 'kind == "order"'
[metrics.payments]
aggregate = "sum"
field = "amount"
filter = 'kind == "payment"'
[[incentives]]
id = "rep"
applies_to = "members"
period = "month"
components = [
  {{ kind = "tiered", metric = "bookings", on = "amount", mode = "marginal", tiers = [{{ from = "0", rate = "0.05" }}, {{ from = "5000", rate = "0.10" }}] }},
  {{ kind = "collection", of = 0, payments = "payments"{lapse} }},
]
"#
    ))
    .unwrap()
}

/// A booking: owner, day of the year (0..180), amount; and its payments: day after the
/// booking (possibly before it), amount (possibly negative or more than the booking).
type Booking = (bool, u32, u32, Vec<(i32, i32)>);

fn bookings() -> impl Strategy<Value = Vec<Booking>> {
    prop::collection::vec(
        (
            any::<bool>(),
            0u32..180,
            1u32..8000,
            prop::collection::vec((-5i32..150, -2000i32..9000), 0..4),
        ),
        1..8,
    )
}

fn facts(bookings: &[Booking]) -> FactTable {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut records = Vec::new();
    for (i, (owner_a, day, amount, payments)) in bookings.iter().enumerate() {
        let owner = if *owner_a { "a" } else { "b" };
        let booked = start + chrono::Days::new(u64::from(*day));
        records.push(
            json!({"id": format!("o{i}"), "kind": "order", "owner": owner,
            "amount": amount.to_string(), "date": booked.to_string()}),
        );
        for (j, (after, cash)) in payments.iter().enumerate() {
            let paid = booked
                .checked_add_signed(chrono::TimeDelta::days(i64::from(*after)))
                .unwrap();
            records.push(
                json!({"id": format!("p{i}-{j}"), "kind": "payment", "owner": owner,
                "amount": cash.to_string(), "date": paid.to_string(),
                "attributes": {"order": format!("o{i}")}}),
            );
        }
    }
    FactTable::from_json_value(json!(records)).unwrap()
}

/// Sums of a month's lines by kind: (earned, paid, pending, lapsed).
fn month(plan: &Plan, facts: &FactTable, label: &str) -> [Decimal; 4] {
    let report = plan
        .evaluate(facts, &plan.parse_period(label).unwrap())
        .unwrap();
    let mut sums = [Decimal::ZERO; 4];
    for statement in &report.statements {
        for line in &statement.lines {
            let text = line.explanation.to_string();
            let slot = if line.kind.as_str() == "tiered" {
                0
            } else if text.starts_with("earned, not yet payable") {
                2
            } else if text.starts_with("lapsed") {
                3
            } else {
                1
            };
            sums[slot] += if slot == 0 || slot == 1 {
                line.amount
            } else {
                line.basis
            };
            if slot == 0 {
                assert!(
                    line.amount.is_zero(),
                    "an earning line pays nothing: {text}"
                );
                sums[0] += line.basis * line.rate.unwrap_or_default() - line.amount;
            }
        }
    }
    sums
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn collected_lapsed_and_pending_add_up_to_what_was_earned(
        bookings in bookings(),
        lapse in prop::option::of(0u32..120),
    ) {
        let plan = plan(lapse);
        let facts = facts(&bookings);
        let mut paid = Decimal::ZERO;
        let mut lapsed = Decimal::ZERO;
        let mut earned = Decimal::ZERO;
        let mut pending = Decimal::ZERO;
        let months: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).chain(["2027-01".into()]).collect();
        for (i, label) in months.iter().enumerate() {
            let [e, p, pend, l] = month(&plan, &facts, label);
            earned += e;
            paid += p;
            lapsed += l;
            pending = pend;
            // Never more paid than earned so far.
            prop_assert!(paid <= earned, "{label} (month {i}): paid {paid} of {earned}");
        }
        // To the cent: each payment is rounded as paid, against the booking's rounded
        // earnings, so nothing is lost or gained to rounding across the months.
        prop_assert_eq!(paid + lapsed + pending, earned,
            "earned {}, paid {} + lapsed {} + pending {}", earned, paid, lapsed, pending);
        if lapse.is_some() {
            prop_assert!(pending.is_zero(), "everything lapses or is paid by 2027: {pending}");
        }
    }
}
