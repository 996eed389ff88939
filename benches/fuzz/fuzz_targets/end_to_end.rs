//! Fuzz target: end to end. A small fixed plan (fiscal calendar, a team move, sums,
//! counts, averages, medians, extremes, distinct counts and formulas; goals with growth,
//! cascades and versions; tiered, rate, bonus, pool, clawback and draw components) is
//! evaluated over facts built from the input: hostile decimals as amounts, shares and
//! attributes, split credit, refunds, owners outside the org, repeated ids, open deals
//! with stages, categories and probabilities (some refused) for the quota's forecast,
//! creation days for a cycle and cohort retention; a second plan places payments on
//! the day of the order they pay (ids, unknown ids, numbers) and pays a commission on
//! them as they are collected.
//!
//! Invariants: loading the facts, measuring, evaluating (also as of a day), the
//! what-if and serialising the report give a result or a coded error, never a panic;
//! measures of two halves of the facts, merged, evaluate to the report of the whole; a
//! series of the period and its neighbours holds each one's own report (or the first
//! one's error).
#![no_main]

use std::collections::BTreeMap;
use std::sync::LazyLock;

use arbitrary::{Result, Unstructured};
use kpi_core::{Attribute, Credit, FactRecord, FactTable, Plan};
use kpi_fuzz::{Hostile, arbitrary_date, check_error, show};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const PLAN: &str = r#"
version = 1
[calendar]
fiscal_year_start_month = 4
[rounding]
mode = "half-up"
places = 2
[org]
teams = [{ id = "t", name = "T" }, { id = "u", name = "U" }]
members = [
  { id = "a", name = "A", team = "t" },
  { id = "b", name = "B", team = "t", until = "2026-05-15" },
  { id = "b", name = "B", team = "u", from = "2026-05-15" },
  { id = "c", name = "C", team = "u" },
]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[metrics.refunds]
aggregate = "sum"
field = "amount"
filter = 'kind == "refund"'
[metrics.orders]
aggregate = "count"
filter = 'kind == "order"'
[metrics.average_order]
aggregate = "average"
field = "amount"
filter = 'kind == "order"'
[metrics.median_order]
aggregate = "median"
field = "amount"
filter = 'kind == "order"'
[metrics.biggest]
aggregate = "max"
field = "amount"
[metrics.smallest]
aggregate = "min"
field = "amount"
[metrics.customers]
aggregate = "count_distinct"
field = "customer"
[metrics.score]
aggregate = "average"
field = "attributes.score"
filter = 'kind == "survey"'
[metrics.big_orders]
aggregate = "count"
filter = 'kind == "order" && amount >= 50000'
[metrics.net]
formula = "revenue + refunds"
[metrics.per_order]
formula = "revenue / orders"
[metrics.revenue_growth]
formula = "growth(revenue)"
[metrics.retention]
formula = "retained(revenue) / cohort(revenue)"
[metrics.cycle]
aggregate = "median"
field = "date - attributes.created"
filter = 'kind == "deal"'

[[goals]]
id = "company"
metric = "revenue"
scope = "company"
period = "FY2027-Q1"
target = { growth = "0.10" }
baseline = "100000"
[[goals]]
id = "teams"
metric = "revenue"
scope = "team"
period = "FY2027-Q1"
target = { cascade = "equal" }
parent = "company"
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "month"
target = "1000"
weight = "2"
versions = [{ from = "2026-05-01", targets = { a = "800" }, reason = "a on leave" }]
forecast = true
[[goals]]
id = "median"
metric = "median_order"
scope = "member"
period = "month"
target = "500"
weight = "1"
[[goals]]
id = "retention"
metric = "retention"
scope = "member"
period = "quarter"
target = "1"
[[goals]]
id = "cycle"
metric = "cycle"
scope = "team"
period = "month"
target = "30"
direction = "lower"
[[goals]]
id = "team-score"
metric = "score"
scope = "team"
period = "month"
target = "4"

[forecast.stages]
"Negotiation" = { category = "commit", probability = 80 }
"Proposal" = { category = "best_case", probability = "37.5" }
"Dead" = { category = "omitted" }

[[incentives]]
id = "commission"
applies_to = "members"
period = "month"
target_incentive = "3000"
cap = { multiple = "2" }
draw = { amount = "100", recoverable = true }
components = [
  { kind = "tiered", metric = "revenue", goal = "quota", on = "attainment", mode = "marginal",
    tiers = [{ from = "0", rate = "0.05" }, { from = "1", rate = "0.08" }] },
  { kind = "rate", metric = "net", rate = "0.01" },
  { kind = "bonus", goal = "team-score", amount = "200" },
  { kind = "spiff", metric = "big_orders", amount = "50" },
  { kind = "clawback", of = 0, reversals = "refunds", days = 90 },
]
[[incentives]]
id = "pool"
applies_to = "members"
period = "quarter"
components = [{ kind = "pool", goal = "teams", amount = "9000", split = "contribution" }]
"#;

static FIXED: LazyLock<Plan> =
    LazyLock::new(|| Plan::from_toml(PLAN).expect("the fixed plan loads"));

/// Payments in the period of the order they pay: a linked fact may be in the other half
/// of a split table, so this plan is evaluated whole only.
const LINKED: &str = r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }, { id = "b", name = "B", team = "t" }]
[metrics.paid]
aggregate = "sum"
field = "amount"
filter = 'kind == "payment"'
date = "date(attributes.order)"
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[metrics.collected]
formula = "paid / revenue"
[metrics.cash]
aggregate = "sum"
field = "amount"
filter = 'kind == "payment"'
[[goals]]
id = "collected"
metric = "collected"
scope = "member"
period = "month"
target = "0.9"
[[incentives]]
id = "on-collection"
applies_to = "members"
period = "month"
components = [
  { kind = "tiered", metric = "revenue", on = "amount", mode = "marginal", tiers = [{ from = "0", rate = "0.05" }, { from = "1000", rate = "0.10" }] },
  { kind = "collection", of = 0, payments = "cash", lapse_days = 45 },
]
"#;

static LINKED_PLAN: LazyLock<Plan> =
    LazyLock::new(|| Plan::from_toml(LINKED).expect("the linked plan loads"));

const PERIODS: [&str; 6] = [
    "2026-04",
    "2026-05",
    "FY2027-Q1",
    "FY2027-H1",
    "FY2027",
    "2026-04-10..2026-06-20",
];
const KINDS: [&str; 6] = [
    "order",
    "refund",
    "credit_note",
    "survey",
    "payment",
    "deal",
];
const OWNERS: [&str; 5] = ["a", "b", "c", "x", "unassigned"];

fn fact(u: &mut Unstructured<'_>, i: usize) -> Result<FactRecord> {
    let id = if u.ratio(1u8, 10)? {
        format!("f{}", u.int_in_range(0..=3)?)
    } else {
        format!("f{i}")
    };
    let hostile = |u: &mut Unstructured<'_>| -> Result<Decimal> { Ok(u.arbitrary::<Hostile>()?.0) };
    let (owner, owners) = match u.int_in_range(0u8..=5)? {
        0 => (None, Vec::new()),
        1 => {
            // Shares that add up to 1 (thirds need the last to take the remainder) …
            let third = Decimal::ONE / Decimal::from(3);
            let shares = [third, third, Decimal::ONE - third - third];
            let credits = OWNERS[..3]
                .iter()
                .zip(shares)
                .map(|(id, share)| Credit {
                    id: (*id).to_owned(),
                    share,
                })
                .collect();
            (None, credits)
        }
        2 => {
            // … or any shares at all.
            let credits = (0..u.int_in_range(1..=3)?)
                .map(|_| {
                    Ok(Credit {
                        id: (*u.choose(&OWNERS)?).to_owned(),
                        share: hostile(u)?,
                    })
                })
                .collect::<Result<_>>()?;
            (None, credits)
        }
        _ => (Some((*u.choose(&OWNERS)?).to_owned()), Vec::new()),
    };
    let mut attributes = BTreeMap::new();
    if u.arbitrary()? {
        let score = if u.ratio(1u8, 6)? {
            Attribute::Text("five".to_owned())
        } else {
            Attribute::Number(hostile(u)?)
        };
        attributes.insert("score".to_owned(), score);
    }
    // Open deals for the forecast: a stage, the deal's own category and probability
    // (sometimes ones kpi refuses: an unknown category, a hostile decimal, text).
    if u.arbitrary()? {
        let stage = *u.choose(&["Negotiation", "Proposal", "Dead", "谈判"])?;
        attributes.insert("stage".to_owned(), Attribute::Text(stage.to_owned()));
    }
    if u.ratio(1u8, 4)? {
        let category = *u.choose(&["commit", "best_case", "pipeline", "omitted", "Commit"])?;
        attributes.insert(
            "forecast_category".to_owned(),
            Attribute::Text(category.to_owned()),
        );
    }
    if u.ratio(1u8, 4)? {
        let probability = match u.int_in_range(0u8..=3)? {
            0 => Attribute::Number(hostile(u)?),
            1 => Attribute::Text("80%".to_owned()),
            _ => Attribute::Number(Decimal::from(u.int_in_range(0u8..=100)?)),
        };
        attributes.insert("probability".to_owned(), probability);
    }
    // A deal's creation day, and the order a payment pays: dates and ids, and text that
    // is neither.
    if u.ratio(1u8, 3)? {
        let created = match u.int_in_range(0u8..=3)? {
            0 => Attribute::Text("2026-02-30".to_owned()),
            1 => Attribute::Text("２０２６-03-01".to_owned()),
            2 => Attribute::Number(hostile(u)?),
            _ => Attribute::Text(arbitrary_date(u)?.to_string()),
        };
        attributes.insert("created".to_owned(), created);
    }
    if u.ratio(1u8, 3)? {
        let order = match u.int_in_range(0u8..=2)? {
            0 => Attribute::Text(format!("f{}", u.int_in_range(0..=30)?)),
            1 => Attribute::Text("订单-1".to_owned()),
            _ => Attribute::Number(hostile(u)?),
        };
        attributes.insert("order".to_owned(), order);
    }
    Ok(FactRecord {
        id,
        kind: (*u.choose(&KINDS)?).to_owned(),
        owner,
        owners,
        customer: if u.arbitrary()? {
            Some(format!("C{}", u.int_in_range(0..=4)?))
        } else {
            None
        },
        amount: if u.ratio(7u8, 8)? {
            Some(hostile(u)?)
        } else {
            None
        },
        status: Some((*u.choose(&["won", "lost", "open"])?).to_owned()),
        date: if u.ratio(15u8, 16)? {
            chrono::NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date")
                + chrono::Days::new(u.int_in_range(0..=500)?)
        } else {
            arbitrary_date(u)?
        },
        attributes,
    })
}

fn serialise(report: &kpi_core::Report) -> String {
    for locale in kpi_core::Locale::ALL {
        let _ = report.to_text(locale);
    }
    let _ = report.total_payout();
    report.to_json_pretty()
}

fuzz_target!(|data: &[u8]| {
    let plan = &*FIXED;
    let mut u = Unstructured::new(data);
    let Ok(label) = u.choose(&PERIODS) else {
        return;
    };
    let period = plan.parse_period(label).expect("a fixed period");
    if show() {
        eprintln!("period {label}");
    }
    let Ok(count) = u.int_in_range(0..=24) else {
        return;
    };
    let mut table = FactTable::new();
    for i in 0..count {
        let Ok(record) = fact(&mut u, i) else { break };
        if show() {
            eprintln!(
                "{}",
                serde_json::to_string(&record).expect("a record serialises")
            );
        }
        if let Err(e) = table.push(record) {
            check_error(&e);
        }
    }
    match plan.evaluate(&table, &period) {
        Ok(report) => drop(serialise(&report)),
        Err(e) => check_error(&e),
    }
    let middle = period.start() + chrono::Days::new(u64::from(period.days() / 2));
    match plan.evaluate_as_of(&table, &period, middle) {
        Ok(report) => drop(serialise(&report)),
        Err(e) => check_error(&e),
    }
    match LINKED_PLAN.evaluate(&table, &period) {
        Ok(report) => drop(serialise(&report)),
        Err(e) => check_error(&e),
    }
    // A series of the period and its neighbours gives each period's own report, and
    // fails as the first of them fails alone.
    if let (Some(grain), Ok(prev), Ok(next)) = (period.grain(), period.prev(), period.next())
        && let Ok(span) = kpi_core::Period::range(prev.start(), next.end())
    {
        let periods = [prev, period, next];
        match plan.evaluate_series(&table, &span, &[grain]) {
            Ok(series) => {
                assert_eq!(series.reports.len(), 3);
                for (p, report) in periods.iter().zip(&series.reports) {
                    match plan.evaluate(&table, p) {
                        Ok(alone) => assert_eq!(
                            report.to_json_pretty(),
                            alone.to_json_pretty(),
                            "the series' {p} differs from {p} evaluated alone"
                        ),
                        Err(e) => panic!("the series evaluated {p}, which alone fails: {e}"),
                    }
                }
            }
            Err(e) => {
                check_error(&e);
                let first = periods
                    .iter()
                    .find_map(|p| plan.evaluate(&table, p).err())
                    .unwrap_or_else(|| panic!("the series failed ({e}), no period does alone"));
                assert_eq!(e.code(), first.code(), "{e} / {first}");
                assert_eq!(e.location(), first.location(), "{e} / {first}");
            }
        }
    }
    // Measures of two halves, merged, give the report of the whole.
    let split = u.int_in_range(0..=table.len()).unwrap_or(0);
    let records: Vec<FactRecord> = table.records().collect();
    let first =
        FactTable::from_records(records[..split].iter().cloned()).expect("a part of a table");
    let second =
        FactTable::from_records(records[split..].iter().cloned()).expect("a part of a table");
    let measured = (
        plan.measure(&first, &period),
        plan.measure(&second, &period),
        plan.measure(&table, &period),
    );
    if let (Ok(mut merged), Ok(second), Ok(all)) = measured {
        // Near the decimal range's end the parts' sums may add up to one that cannot be
        // held exactly: an overflow, never a rounded total.
        if let Err(e) = merged.merge(&second) {
            assert_eq!(e.kind(), kpi_core::ErrorKind::DataOverflow, "{e}");
            return;
        }
        match (
            plan.evaluate_measures(&merged),
            plan.evaluate_measures(&all),
        ) {
            (Ok(merged), Ok(all)) => assert_eq!(
                merged.to_json_pretty(),
                all.to_json_pretty(),
                "the merged measures of two parts report otherwise than the whole"
            ),
            (Err(e), _) | (_, Err(e)) => check_error(&e),
        }
    }
    // What if members had these values?
    let mut values: BTreeMap<String, BTreeMap<String, Decimal>> = BTreeMap::new();
    for member in ["a", "b", "c"] {
        for metric in ["revenue", "orders", "median_order", "refunds"] {
            if let Ok(Hostile(value)) = u.arbitrary() {
                values
                    .entry(member.to_owned())
                    .or_default()
                    .insert(metric.to_owned(), value);
            }
        }
    }
    if show() {
        eprintln!("what if {values:?}");
    }
    match plan.what_if(&period, &values) {
        Ok(report) => drop(serialise(&report)),
        Err(e) => check_error(&e),
    }
});
