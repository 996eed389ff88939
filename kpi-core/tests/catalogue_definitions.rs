//! The catalogue's standard definitions (docs/metrics.md, "Which definition the catalogue
//! gives"), checked against a computation written here again over random facts: cohort
//! net revenue retention, the cycle from a deal's dates, collections matched to orders,
//! forward pipeline coverage, and quota attainment over a longer period. The
//! hand-computed cases are `vectors/catalogue_definitions.json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use kpi_core::fact::Attribute;
use kpi_core::{FactRecord, FactTable, Period, Plan, Report};
use proptest::prelude::*;
use rust_decimal::Decimal;

const MEMBERS: [&str; 2] = ["a", "b"];

fn plan(target: u32) -> Plan {
    Plan::from_toml(&format!(
        r#"version = 1
catalogue = ["quota_attainment", "net_revenue_retention", "sales_cycle_days", "pipeline_coverage", "payment_collection_rate"]
[org]
teams = [{{ id = "t", name = "T" }}]
members = [{{ id = "a", name = "A", team = "t" }}, {{ id = "b", name = "B", team = "t" }}]
[[goals]]
id = "revenue"
metric = "revenue"
scope = "member"
period = "month"
target = "{target}"
[[goals]]
id = "quota_attainment"
metric = "quota_attainment"
scope = "member"
period = "month"
target = "{target}"
[[goals]]
id = "net_revenue_retention"
metric = "net_revenue_retention"
scope = "member"
period = "month"
target = "1"
[[goals]]
id = "sales_cycle_days"
metric = "sales_cycle_days"
scope = "member"
period = "month"
target = "30"
[[goals]]
id = "pipeline_coverage"
metric = "pipeline_coverage"
scope = "member"
period = "month"
target = "{target}"
[[goals]]
id = "payment_collection_rate"
metric = "payment_collection_rate"
scope = "member"
period = "month"
target = "0.9"
"#
    ))
    .unwrap()
}

/// One random fact: a won order, an open or won deal, or a payment.
#[derive(Debug, Clone)]
struct Fact {
    kind: u8,
    /// `a`, `b` or nobody (`unassigned`).
    owner: u8,
    /// `c0`..`c3`, or none.
    customer: u8,
    /// May be zero or negative (a refund).
    cents: i64,
    /// Days from 2025-01-01, over a year and a half.
    day: u32,
    /// A deal's days from creation to close (none: no `created`); a payment's order (an
    /// index into the facts, maybe out of range: an unknown order).
    link: Option<u32>,
}

fn fact() -> impl Strategy<Value = Fact> {
    (
        0u8..4,
        0u8..3,
        0u8..5,
        // Few amounts, zeros and refunds among them, so that a customer's year can sum
        // to zero or below.
        (-3i64..10).prop_map(|units| units * 12_345),
        0u32..540,
        proptest::option::of(0u32..200),
    )
        .prop_map(|(kind, owner, customer, cents, day, link)| Fact {
            kind,
            owner,
            customer,
            cents,
            day,
            link,
        })
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
}

fn date(f: &Fact) -> NaiveDate {
    start() + chrono::Days::new(f.day.into())
}

fn owner(f: &Fact) -> Option<&'static str> {
    MEMBERS.get(usize::from(f.owner)).copied()
}

fn customer(f: &Fact) -> Option<String> {
    (f.customer < 4).then(|| format!("c{}", f.customer))
}

fn kind_status(f: &Fact) -> (&'static str, &'static str) {
    [
        ("order", "won"),
        ("deal", "open"),
        ("deal", "won"),
        ("payment", "received"),
    ][usize::from(f.kind)]
}

fn records(facts: &[Fact]) -> Vec<FactRecord> {
    facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (kind, status) = kind_status(f);
            let mut attributes = BTreeMap::new();
            match (kind, f.link) {
                ("deal", Some(days)) => {
                    let created = date(f) - chrono::Days::new(days.into());
                    attributes.insert("created".to_owned(), Attribute::Text(created.to_string()));
                }
                ("payment", Some(order)) => {
                    attributes.insert("order".to_owned(), Attribute::Text(format!("f{order}")));
                }
                _ => {}
            }
            FactRecord {
                id: format!("f{i}"),
                kind: kind.to_owned(),
                owner: owner(f).map(str::to_owned),
                owners: Vec::new(),
                customer: customer(f),
                amount: Some(Decimal::new(f.cents, 2)),
                status: Some(status.to_owned()),
                date: date(f),
                attributes,
            }
        })
        .collect()
}

/// The periods checked: a month and the quarter and half year that hold it.
const PERIODS: [&str; 3] = ["2026-03", "2026-Q1", "2026-H1"];

/// Whether the fact counts for `scope` (`a`, `b` or `company`).
fn in_scope(f: &Fact, scope: &str) -> bool {
    scope == "company" || owner(f) == Some(scope)
}

fn value(report: &Report, goal: &str, scope: &str) -> Option<Decimal> {
    report
        .scorecards
        .iter()
        .chain(&report.rollups)
        .find(|r| r.goal.as_str() == goal && r.id.as_str() == scope)
        .unwrap_or_else(|| panic!("no row {goal} for {scope}"))
        .actual
        .map(|d| d.normalize())
}

fn revenue_by_customer(
    facts: &[Fact],
    period: &Period,
    scope: &str,
) -> BTreeMap<Option<String>, Decimal> {
    let mut out = BTreeMap::new();
    for f in facts {
        if f.kind == 0 && in_scope(f, scope) && period.contains(date(f)) {
            *out.entry(customer(f)).or_default() += Decimal::new(f.cents, 2);
        }
    }
    out
}

fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    (!b.is_zero()).then(|| (a / b).normalize())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Net revenue retention is this period's revenue from the customers whose revenue
    /// was above zero in the same period a year earlier, over their revenue then, per
    /// member and for the company (`unassigned` included).
    #[test]
    fn net_revenue_retention_follows_the_customers_of_a_year_earlier(
        facts in prop::collection::vec(fact(), 0..60),
    ) {
        let table = FactTable::from_records(records(&facts)).unwrap();
        for label in PERIODS {
            let period = Period::parse(label).unwrap();
            let year_before = Period::range(
                period.start().with_year(period.start().year() - 1).unwrap(),
                period.end().with_year(period.end().year() - 1).unwrap(),
            ).unwrap();
            let report = plan(1000).evaluate(&table, &period).unwrap();
            for scope in ["a", "b", "company"] {
                let now = revenue_by_customer(&facts, &period, scope);
                let before = revenue_by_customer(&facts, &year_before, scope);
                let cohort: Vec<&Option<String>> = before
                    .iter()
                    .filter(|(c, b)| c.is_some() && **b > Decimal::ZERO)
                    .map(|(c, _)| c)
                    .collect();
                let retained: Decimal = cohort.iter().filter_map(|c| now.get(*c)).sum();
                let base: Decimal = cohort.iter().map(|c| before[*c]).sum();
                prop_assert_eq!(
                    value(&report, "net_revenue_retention", scope),
                    ratio(retained, base),
                    "{} {}", label, scope
                );
            }
        }
    }

    /// Measuring two halves of the facts apart and merging the measures gives the same
    /// retention as measuring them together: the sums by customer merge exactly.
    #[test]
    fn retention_merges_across_partitions(
        facts in prop::collection::vec(fact(), 0..60),
        cut in 0usize..60,
    ) {
        let plan = plan(1000);
        let records = records(&facts);
        let cut = cut.min(records.len());
        let period = Period::parse("2026-Q1").unwrap();
        let whole = plan.evaluate(&FactTable::from_records(records.clone()).unwrap(), &period).unwrap();
        let mut measures = plan
            .measure(&FactTable::from_records(records[..cut].to_vec()).unwrap(), &period)
            .unwrap();
        measures
            .merge(&plan.measure(&FactTable::from_records(records[cut..].to_vec()).unwrap(), &period).unwrap())
            .unwrap();
        let merged = plan.evaluate_measures(&measures).unwrap();
        for scope in ["a", "b", "company"] {
            prop_assert_eq!(
                value(&merged, "net_revenue_retention", scope),
                value(&whole, "net_revenue_retention", scope)
            );
        }
    }

    /// Quota attainment, measured against the quota, equals the revenue goal's
    /// attainment against the same target over any period, for every scope: the monthly
    /// quotas add up over a quarter and across members.
    #[test]
    fn quota_attainment_is_revenue_attainment(
        facts in prop::collection::vec(fact(), 0..40),
        target in 1u32..1_000_000,
    ) {
        let table = FactTable::from_records(records(&facts)).unwrap();
        for label in PERIODS {
            let report = plan(target).evaluate(&table, &Period::parse(label).unwrap()).unwrap();
            for scope in ["a", "b", "company"] {
                let revenue = report
                    .scorecards
                    .iter()
                    .chain(&report.rollups)
                    .find(|r| r.goal.as_str() == "revenue" && r.id.as_str() == scope)
                    .unwrap();
                prop_assert_eq!(
                    value(&report, "quota_attainment", scope),
                    revenue.attainment.map(|d| d.normalize()),
                    "{} {}", label, scope
                );
            }
        }
    }

    /// The sales cycle is the mean of won deals' date minus their creation day; forward
    /// coverage is open pipeline over the gap to the (summed) target; collections count
    /// each payment in the period of the order it pays.
    #[test]
    fn cycle_coverage_and_collections_read_as_documented(
        facts in prop::collection::vec(fact(), 0..60),
        target in 1u32..100_000,
    ) {
        let table = FactTable::from_records(records(&facts)).unwrap();
        let order_date = |payment: &Fact| {
            let i = usize::try_from(payment.link?).ok()?;
            facts.get(i).map(date)
        };
        for (label, months) in [("2026-03", 1u32), ("2026-Q1", 3), ("2026-H1", 6)] {
            let period = Period::parse(label).unwrap();
            let report = plan(target).evaluate(&table, &period).unwrap();
            for scope in ["a", "b", "company"] {
                let ours = || facts.iter().filter(|f| in_scope(f, scope));
                let in_period = |f: &&Fact| period.contains(date(f));
                let cycles: Vec<Decimal> = ours()
                    .filter(in_period)
                    .filter(|f| kind_status(f) == ("deal", "won"))
                    .filter_map(|f| f.link.map(Decimal::from))
                    .collect();
                let mean = ratio(cycles.iter().sum(), Decimal::from(cycles.len()));
                prop_assert_eq!(value(&report, "sales_cycle_days", scope), mean, "{} {}", label, scope);

                let sum = |kind: (&str, &str)| -> Decimal {
                    ours().filter(in_period).filter(|f| kind_status(f) == kind).map(|f| Decimal::new(f.cents, 2)).sum()
                };
                let revenue = sum(("order", "won"));
                let members = if scope == "company" { 2 } else { 1 };
                let quota = Decimal::from(target) * Decimal::from(months * members);
                let coverage = if revenue >= quota { None } else { ratio(sum(("deal", "open")), quota - revenue) };
                prop_assert_eq!(value(&report, "pipeline_coverage", scope), coverage, "{} {}", label, scope);

                let matched: Decimal = ours()
                    .filter(|f| f.kind == 3 && order_date(f).is_some_and(|d| period.contains(d)))
                    .map(|f| Decimal::new(f.cents, 2))
                    .sum();
                prop_assert_eq!(
                    value(&report, "payment_collection_rate", scope),
                    ratio(matched, revenue),
                    "{} {}", label, scope
                );
            }
        }
    }
}

use chrono::Datelike;

/// `retained` reads a sum; anything else is refused where it is written.
#[test]
fn retained_needs_a_sum() {
    let err = Plan::from_toml(
        r#"version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.buyers]
aggregate = "count_distinct"
field = "customer"
[metrics.kept]
formula = "retained(buyers)"
[[goals]]
id = "g"
metric = "kept"
scope = "member"
period = "month"
target = "1"
"#,
    )
    .and_then(|p| p.check())
    .unwrap_err();
    assert_eq!(err.code(), "formula.type_mismatch", "{err}");
    assert_eq!(err.location().path.as_deref(), Some("metrics.kept.formula"));
    assert_eq!(err.location().column, Some(1));
    assert!(
        err.message().contains("`buyers` is not a `sum` metric"),
        "{err}"
    );
}

/// Dates that cannot be read leave a deal without a cycle (counted in `missing`), and a
/// payment whose order is unknown in no period; neither is an error or a wrong number.
#[test]
fn unreadable_dates_and_unknown_orders_count_nowhere() {
    let plan = Plan::from_toml(
        r#"version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.cycle]
aggregate = "average"
field = "date - attributes.created"
filter = 'kind == "deal"'
[metrics.paid]
aggregate = "sum"
field = "amount"
filter = 'kind == "payment"'
date = "date(attributes.order)"
[metrics.net]
aggregate = "sum"
field = "attributes.cost - net"
[[goals]]
id = "net"
metric = "net"
scope = "member"
period = "2026-03"
target = "1"
[[goals]]
id = "cycle"
metric = "cycle"
scope = "member"
period = "2026-03"
target = "30"
[[goals]]
id = "paid"
metric = "paid"
scope = "member"
period = "2026-03"
target = "100"
"#,
    )
    .unwrap();
    let facts = FactTable::from_json(
        r#"[
{"id": "d1", "kind": "deal", "owner": "a", "date": "2026-03-10", "attributes": {"created": "2026-03-01"}},
{"id": "d2", "kind": "deal", "owner": "a", "date": "2026-03-10", "attributes": {"created": "２０２６-03-01"}},
{"id": "d3", "kind": "deal", "owner": "a", "date": "2026-03-10", "attributes": {"created": "9999-12-31"}},
{"id": "d4", "kind": "deal", "owner": "a", "date": "2026-03-10", "attributes": {"created": 20260301}},
{"id": "d5", "kind": "deal", "owner": "a", "date": "2026-03-10", "attributes": {"created": "2026-03-20"}},
{"id": "d6", "kind": "survey", "owner": "a", "date": "2026-03-10", "attributes": {"cost - net": 4}},
{"id": "o1", "kind": "order", "owner": "a", "amount": "50", "date": "2026-03-02"},
{"id": "p1", "kind": "payment", "owner": "a", "amount": "30", "date": "2026-05-01", "attributes": {"order": "o1"}},
{"id": "p2", "kind": "payment", "owner": "a", "amount": "70", "date": "2026-03-03", "attributes": {"order": "订单-不存在"}},
{"id": "p3", "kind": "payment", "owner": "a", "amount": "70", "date": "2026-03-03", "attributes": {"order": 1}}
]"#,
    )
    .unwrap();
    let report = plan
        .evaluate(&facts, &Period::parse("2026-03").unwrap())
        .unwrap();
    // d1: 9 days, d5: -10 days (as written); the others have no readable creation day.
    assert_eq!(value(&report, "cycle", "a"), Some(Decimal::new(-5, 1)));
    assert_eq!(value(&report, "paid", "a"), Some(Decimal::from(30)));
    // A field that does not start `date - ` is an attribute, ` - ` in its name or not.
    assert_eq!(value(&report, "net", "a"), Some(Decimal::from(4)));
    let measures = plan
        .measure(&facts, &Period::parse("2026-03").unwrap())
        .unwrap();
    assert_eq!(measures.get("cycle", "a").missing, 3);
}

/// A plan with two members, monthly goals on `metrics` (each `(id, formula)`) with
/// `target`, and a won order and a won and a lost deal for each member in each month
/// of the first quarter of 2026.
fn against_the_target(metrics: &[(&str, &str)], target: &str) -> Report {
    let mut toml = String::from(
        r#"version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }, { id = "b", name = "B", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order"'
[metrics.won]
aggregate = "count"
filter = 'kind == "deal" && status == "won"'
[metrics.lost]
aggregate = "count"
filter = 'kind == "deal" && status == "lost"'
"#,
    );
    for (id, formula) in metrics {
        let _ = write!(
            toml,
            "[metrics.{id}]\nformula = \"{formula}\"\n[[goals]]\nid = \"{id}\"\nmetric = \"{id}\"\nscope = \"member\"\nperiod = \"month\"\ntarget = \"{target}\"\n"
        );
    }
    let plan = Plan::from_toml(&toml).unwrap();
    let mut facts = Vec::new();
    for (month, owner) in [1, 2, 3].iter().flat_map(|m| [(m, "a"), (m, "b")]) {
        for (kind, status, amount) in [
            ("order", "won", 600),
            ("deal", "won", 1),
            ("deal", "lost", 1),
        ] {
            facts.push(FactRecord {
                id: format!("{kind}-{status}-{month}-{owner}"),
                kind: kind.to_owned(),
                owner: Some(owner.to_owned()),
                owners: Vec::new(),
                customer: None,
                amount: Some(Decimal::from(amount)),
                status: Some(status.to_owned()),
                date: NaiveDate::from_ymd_opt(2026, *month, 10).unwrap(),
                attributes: BTreeMap::new(),
            });
        }
    }
    plan.evaluate(
        &FactTable::from_records(facts).unwrap(),
        &Period::parse("2026-Q1").unwrap(),
    )
    .unwrap()
}

/// Quotas add up over a quarter; a target that is a rate does not, whoever reads it.
#[test]
fn only_quotas_add_up() {
    let report = against_the_target(
        &[
            ("quota", "revenue / target"),
            ("gap", "target - revenue"),
            ("percent", "quota * 100"),
            ("win_rate_vs", "won / (won + lost) / target"),
            ("growth_vs", "yoy(revenue) / target"),
            ("scaled", "revenue * target"),
        ],
        "1000",
    );
    let target = |goal: &str, scope: &str| {
        report
            .scorecards
            .iter()
            .chain(&report.rollups)
            .find(|r| r.goal.as_str() == goal && r.id.as_str() == scope)
            .unwrap()
            .target
    };
    for quota in ["quota", "gap", "percent"] {
        assert_eq!(target(quota, "a"), Some(Decimal::from(3000)), "{quota}");
        assert_eq!(
            target(quota, "company"),
            Some(Decimal::from(6000)),
            "{quota}"
        );
    }
    assert_eq!(value(&report, "quota", "a"), Some(Decimal::new(6, 1)));
    assert_eq!(value(&report, "gap", "company"), Some(Decimal::from(2400)));
    for rate in ["win_rate_vs", "growth_vs", "scaled"] {
        assert_eq!(target(rate, "a"), Some(Decimal::from(1000)), "{rate}");
        assert_eq!(target(rate, "company"), Some(Decimal::from(1000)), "{rate}");
    }
    assert_eq!(value(&report, "win_rate_vs", "a"), Some(Decimal::new(5, 4)));
}
