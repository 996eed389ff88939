//! The forecast (goals with `forecast = true`): properties over random open deals. The
//! hand-computed cases are `vectors/forecast.json`, the refusals `vectors/errors.json`.

use std::collections::BTreeMap;

use kpi_core::fact::{Attribute, Credit};
use kpi_core::{FactRecord, FactTable, Period, Plan};
use proptest::prelude::*;
use rust_decimal::Decimal;

const PLAN: &str = r#"version = 1
[org]
teams = [{ id = "east", name = "East" }]
members = [
  { id = "li", name = "Li", team = "east" },
  { id = "wang", name = "Wang", team = "east" },
]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "quarter"
target = "100000"
forecast = true
[forecast.stages]
"Negotiation" = { category = "commit", probability = 80 }
"Proposal" = { category = "best_case", probability = "37.5" }
"Lost cause" = { category = "omitted", probability = 0 }
"Qualification" = { probability = 10 }
"#;

const STAGES: [Option<&str>; 6] = [
    Some("Negotiation"),
    Some("Proposal"),
    Some("Lost cause"),
    Some("Qualification"),
    Some("Discovery"),
    None,
];
const CATEGORIES: [Option<&str>; 5] = [
    None,
    Some("commit"),
    Some("best_case"),
    Some("pipeline"),
    Some("omitted"),
];

/// A fact: an open deal (in or after the quarter), a won order or a lost deal.
#[derive(Debug, Clone)]
struct Deal {
    kind: u8,
    owner: u8,
    split: bool,
    cents: i64,
    day: u32,
    stage: usize,
    category: usize,
    probability: Option<u32>,
}

fn deal() -> impl Strategy<Value = Deal> {
    (
        0u8..4,
        0u8..3,
        any::<bool>(),
        0i64..100_000_000,
        0u32..120,
        0..STAGES.len(),
        0..CATEGORIES.len(),
        proptest::option::of(0u32..=100),
    )
        .prop_map(
            |(kind, owner, split, cents, day, stage, category, probability)| Deal {
                kind,
                owner,
                split,
                cents,
                day,
                stage,
                category,
                probability,
            },
        )
}

/// An open deal of Li's, of one cent, in the first stage (`Negotiation`: commit), without
/// a category or probability of its own, `day` days into 2026.
fn open_deal(day: u32) -> Deal {
    Deal {
        kind: 0,
        owner: 0,
        split: false,
        cents: 100,
        day,
        stage: 0,
        category: 0,
        probability: None,
    }
}

fn record(i: usize, d: &Deal) -> FactRecord {
    let mut attributes = BTreeMap::new();
    if let Some(stage) = STAGES[d.stage] {
        attributes.insert("stage".to_owned(), Attribute::Text(stage.to_owned()));
    }
    if let Some(category) = CATEGORIES[d.category] {
        attributes.insert(
            "forecast_category".to_owned(),
            Attribute::Text(category.to_owned()),
        );
    }
    if let Some(p) = d.probability {
        attributes.insert("probability".to_owned(), Attribute::Number(p.into()));
    }
    let owner = ["li", "wang", "ghost"][usize::from(d.owner)].to_owned();
    let (kind, status) = [
        ("deal", "open"),
        ("deal", "open"),
        ("order", "won"),
        ("deal", "lost"),
    ][usize::from(d.kind)];
    FactRecord {
        id: format!("f{i}"),
        kind: kind.to_owned(),
        owner: (!d.split).then_some(owner),
        owners: if d.split {
            vec![
                Credit {
                    id: "li".to_owned(),
                    share: Decimal::new(3, 1),
                },
                Credit {
                    id: "wang".to_owned(),
                    share: Decimal::new(7, 1),
                },
            ]
        } else {
            Vec::new()
        },
        customer: None,
        amount: Some(Decimal::new(d.cents, 2)),
        status: Some(status.to_owned()),
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
            + chrono::Days::new(d.day.into()),
        attributes,
    }
}

/// The deal's category and probability by the plan's rules, computed here again.
fn expected(d: &Deal) -> (Option<&'static str>, Option<Decimal>) {
    let stage = STAGES[d.stage];
    let category = CATEGORIES[d.category].or(match stage {
        Some("Negotiation") => Some("commit"),
        Some("Proposal") => Some("best_case"),
        Some("Lost cause") => Some("omitted"),
        _ => Some("pipeline"),
    });
    let probability = d.probability.map(Decimal::from).or(match stage {
        Some("Negotiation") => Some(Decimal::from(80)),
        Some("Proposal") => Some(Decimal::new(375, 1)),
        Some("Lost cause") => Some(Decimal::ZERO),
        Some("Qualification") => Some(Decimal::from(10)),
        _ => None,
    });
    (category, probability)
}

fn quarter() -> Period {
    Period::parse("2026-Q1").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The company's buckets are the open deals of the quarter by category, computed
    /// independently; commit + best case + pipeline is the open total; the weighted
    /// pipeline is at most the open total; the members and `unassigned` add up to the
    /// company.
    #[test]
    fn the_forecast_adds_up(deals in prop::collection::vec(deal(), 0..40)) {
        let plan = Plan::from_toml(PLAN).unwrap();
        let facts = FactTable::from_records(deals.iter().enumerate().map(|(i, d)| record(i, d))).unwrap();
        let report = plan.evaluate(&facts, &quarter()).unwrap();
        let mut by_category: BTreeMap<&str, Decimal> = BTreeMap::new();
        let mut weighted = Decimal::ZERO;
        for d in deals.iter().filter(|d| d.kind < 2 && d.day < 90) {
            let amount = Decimal::new(d.cents, 2);
            let (category, probability) = expected(d);
            let category = category.unwrap();
            *by_category.entry(category).or_default() += amount;
            if category != "omitted" {
                weighted += amount * probability.unwrap_or_default() / Decimal::ONE_HUNDRED;
            }
        }
        let company = report.rollups.iter().find(|r| r.id.as_str() == "company").unwrap();
        let f = company.forecast.as_ref().unwrap();
        let of = |c: &str| by_category.get(c).copied().unwrap_or_default();
        prop_assert_eq!(f.commit, of("commit"));
        prop_assert_eq!(f.best_case, of("best_case"));
        prop_assert_eq!(f.pipeline, of("pipeline"));
        prop_assert_eq!(f.open, f.commit + f.best_case + f.pipeline);
        prop_assert_eq!(f.weighted, weighted.normalize());
        prop_assert!(f.weighted <= f.open);
        let members: Decimal = report
            .scorecards
            .iter()
            .filter(|r| r.id.as_str() != "unassigned")
            .map(|r| r.forecast.as_ref().unwrap().open)
            .sum();
        let unassigned: Decimal = deals
            .iter()
            .filter(|d| d.kind < 2 && d.day < 90 && d.owner == 2 && !d.split)
            .filter(|d| expected(d).0 != Some("omitted"))
            .map(|d| Decimal::new(d.cents, 2))
            .sum();
        prop_assert_eq!(members + unassigned, f.open);
        if let Some(row) = report.scorecards.iter().find(|r| r.id.as_str() == "unassigned") {
            prop_assert_eq!(row.forecast.as_ref().unwrap().open, unassigned);
        }
        for row in report.scorecards.iter().chain(&report.rollups) {
            let f = row.forecast.as_ref().unwrap();
            prop_assert_eq!(f.closed, row.actual.unwrap_or_default());
            // An `unassigned` row has no target: nothing remains, nothing is covered.
            let remaining = row.target.map(|t| (t - f.closed).max(Decimal::ZERO));
            prop_assert_eq!(f.remaining, remaining);
            let coverage = remaining.filter(|r| !r.is_zero()).map(|r| (f.open / r).normalize());
            prop_assert_eq!(f.coverage, coverage);
        }
    }

    /// Measured in two parts and merged, the facts forecast as they do whole.
    #[test]
    fn merged_measures_forecast_the_same(deals in prop::collection::vec(deal(), 0..30), cut in 0usize..30) {
        let plan = Plan::from_toml(PLAN).unwrap();
        let records: Vec<FactRecord> = deals.iter().enumerate().map(|(i, d)| record(i, d)).collect();
        let cut = cut.min(records.len());
        let whole = FactTable::from_records(records.clone()).unwrap();
        let left = FactTable::from_records(records[..cut].to_vec()).unwrap();
        let right = FactTable::from_records(records[cut..].to_vec()).unwrap();
        let mut merged = plan.measure(&left, &quarter()).unwrap();
        merged.merge(&plan.measure(&right, &quarter()).unwrap()).unwrap();
        let apart = plan.evaluate_measures(&merged).unwrap();
        let together = plan.evaluate(&whole, &quarter()).unwrap();
        for (a, b) in apart.scorecards.iter().chain(&apart.rollups).zip(together.scorecards.iter().chain(&together.rollups)) {
            prop_assert_eq!(&a.forecast, &b.forecast);
        }
    }
}

/// Without `forecast = true`, rows have no forecast and open deals cost nothing.
#[test]
fn only_goals_that_ask_show_the_forecast() {
    let plan = Plan::from_toml(&PLAN.replace("forecast = true\n", "")).unwrap();
    let d = open_deal(3);
    let facts = FactTable::from_records([record(0, &d)]).unwrap();
    let report = plan.evaluate(&facts, &quarter()).unwrap();
    assert!(report.scorecards.iter().all(|r| r.forecast.is_none()));
    assert!(
        !plan
            .measure(&facts, &quarter())
            .unwrap()
            .metrics
            .contains_key("forecast:commit")
    );
}

/// The review says, in both languages, what commit and the weighted pipeline bring to a
/// goal that needs attention (the plan and facts of `vectors/forecast.json`).
#[test]
fn the_review_says_what_the_open_deals_bring() {
    let vector: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/vectors/forecast.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let plan = Plan::from_toml(vector["plan_toml"].as_str().unwrap()).unwrap();
    let facts = FactTable::from_json_value(vector["facts"].clone()).unwrap();
    let review = plan
        .review(
            &facts,
            chrono::NaiveDate::from_ymd_opt(2026, 2, 15).unwrap(),
        )
        .unwrap();
    let en = review.to_text(kpi_core::Locale::En);
    let zh = review.to_text(kpi_core::Locale::ZhCn);
    assert!(
        en.contains("short by 60,000, needs 1,363.64 a day; commit covers 36,000, weighted pipeline 41,300\n"),
        "{en}"
    );
    assert!(
        zh.contains("，差距 60,000，每天需 1,363.64；承诺可覆盖 36,000，加权商机 41,300\n"),
        "{zh}"
    );
}

/// A deal kpi cannot read is an error in the period it closes in, not in every other: an
/// old deal's typo does not stop this quarter's forecast.
#[test]
fn an_unreadable_deal_of_another_period_does_not_stop_this_one() {
    let plan = Plan::from_toml(PLAN).unwrap();
    let mut bad = record(0, &open_deal(100)); // 2026-04-11: next quarter
    bad.attributes.insert(
        "forecast_category".to_owned(),
        Attribute::Text("Commit".to_owned()),
    );
    let facts = FactTable::from_records([bad]).unwrap();
    let report = plan.evaluate(&facts, &quarter()).unwrap();
    assert_eq!(
        report.scorecards[0].forecast.as_ref().unwrap().open,
        Decimal::ZERO
    );
    let next = Period::parse("2026-Q2").unwrap();
    let err = plan.evaluate(&facts, &next).unwrap_err();
    assert_eq!(err.kind(), kpi_core::ErrorKind::DataInvalidFact);
    assert_eq!(
        err.location().path.as_deref(),
        Some("[0].attributes.forecast_category")
    );
    assert_eq!(err.location().row, Some(0));
}

/// Only the periods a forecasting goal applies to read open deals: a month of a plan whose
/// forecast is quarterly is evaluated (and its statements paid) whatever the deals hold,
/// and an omitted deal's probability is not read at all.
#[test]
fn open_deals_are_read_only_where_a_forecast_is_shown() {
    let monthly = "[[goals]]\nid = \"monthly\"\nmetric = \"revenue\"\nscope = \"member\"\nperiod = \"month\"\ntarget = \"30000\"\n";
    let plan = Plan::from_toml(&format!("{PLAN}{monthly}")).unwrap();
    let mut bad = record(0, &open_deal(40)); // 2026-02-10
    bad.attributes.insert(
        "forecast_category".to_owned(),
        Attribute::Text("Best Case".to_owned()),
    );
    let facts = FactTable::from_records([bad.clone()]).unwrap();
    let month = Period::parse("2026-02").unwrap();
    assert!(plan.evaluate(&facts, &month).is_ok());
    assert!(plan.evaluate(&facts, &quarter()).is_err());
    // Omitted: its probability is never read.
    bad.attributes.insert(
        "forecast_category".to_owned(),
        Attribute::Text("omitted".to_owned()),
    );
    bad.attributes
        .insert("probability".to_owned(), Attribute::Text("80%".to_owned()));
    let facts = FactTable::from_records([bad]).unwrap();
    let forecast = plan.evaluate(&facts, &quarter()).unwrap().scorecards[0]
        .forecast
        .clone()
        .unwrap();
    assert_eq!(
        (forecast.open, forecast.weighted),
        (Decimal::ZERO, Decimal::ZERO)
    );
}

/// A stage written as a number finds its row of the table (`"3"`), and a probability with
/// many decimals (100/3) weighs each deal to four places beyond its amount's, so that
/// large pipelines still add up exactly instead of overflowing.
#[test]
fn numeric_stages_and_long_probabilities() {
    let plan = Plan::from_toml(&PLAN.replace(
        "\"Qualification\" = { probability = 10 }",
        "\"3\" = { category = \"commit\", probability = \"33.33333333333333333333333333\" }",
    ))
    .unwrap();
    let deals: Vec<FactRecord> = (0..40)
        .map(|i| {
            let mut r = record(
                i,
                &Deal {
                    kind: 0,
                    owner: 0,
                    split: false,
                    cents: 99_999_999_999,
                    day: 10,
                    stage: 5,
                    category: 0,
                    probability: None,
                },
            );
            r.attributes
                .insert("stage".to_owned(), Attribute::Number(Decimal::from(3)));
            r
        })
        .collect();
    let facts = FactTable::from_records(deals).unwrap();
    let forecast = plan.evaluate(&facts, &quarter()).unwrap().scorecards[0]
        .forecast
        .clone()
        .unwrap();
    // 40 deals of 999,999,999.99 in commit; each weighs 333,333,333.3300 (to 6 places).
    assert_eq!(
        forecast.commit,
        Decimal::new(99_999_999_999, 2) * Decimal::from(40)
    );
    assert_eq!(
        forecast.weighted,
        Decimal::new(133_333_333_332, 1).normalize()
    );
}

/// Measures taken without the forecast (a document written before it, or by hand) give
/// rows without a forecast, never a forecast of zeros.
#[test]
fn measures_without_the_buckets_give_no_forecast() {
    let plan = Plan::from_toml(PLAN).unwrap();
    let d = open_deal(3);
    let facts = FactTable::from_records([record(0, &d)]).unwrap();
    let mut measures = plan.measure(&facts, &quarter()).unwrap();
    assert!(measures.metrics.contains_key("forecast:commit"));
    let report = plan.evaluate_measures(&measures).unwrap();
    assert_eq!(
        report.scorecards[0].forecast.as_ref().unwrap().commit,
        Decimal::ONE
    );
    measures
        .metrics
        .retain(|id, _| !id.starts_with("forecast:"));
    let report = plan.evaluate_measures(&measures).unwrap();
    assert!(report.scorecards.iter().all(|r| r.forecast.is_none()));
}

/// The forecast is a set of columns of the goal's scorecard in every rendering: text,
/// Markdown and HTML, English and Chinese, with the exact values in the HTML's `data-`
/// attributes and the `forecast_*` columns of the tables (the hand-computed figures of
/// `vectors/forecast.json`).
#[test]
fn the_scorecard_shows_the_forecast_columns() {
    let vector: serde_json::Value =
        serde_json::from_str(include_str!("../testdata/vectors/forecast.json")).unwrap();
    let plan = Plan::from_toml(vector["plan_toml"].as_str().unwrap()).unwrap();
    let facts = FactTable::from_json_value(vector["facts"].clone()).unwrap();
    let report = plan.evaluate(&facts, &quarter()).unwrap();
    let markdown = report.to_markdown(kpi_core::Locale::En);
    assert!(
        markdown.contains("| Commit | Best case | Weighted pipeline | Coverage | Forecast |\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| 36,000.00 | 20,000.00 | 41,300.00 | 1.10× | 76.0% |"),
        "{markdown}"
    );
    assert!(
        markdown
            .contains("| **97,000.00** | **20,000.00** | **75,100.00** | **1.50×** | **103.5%** |"),
        "{markdown}"
    );
    let text = report.to_text(kpi_core::Locale::ZhCn);
    for header in ["承诺", "最佳情况", "加权商机金额", "覆盖倍数", "预测达成率"]
    {
        assert!(text.contains(header), "{header}: {text}");
    }
    assert!(text.contains("2.07倍"), "{text}");
    let html = report.to_html(kpi_core::Locale::En);
    assert!(
        html.contains(r#"data-forecast_weighted="28200" data-forecast_coverage="2.0666666666666666666666666667" data-forecast_attainment="1.24""#),
        "{html}"
    );
    let rows = report.table_rows(kpi_core::report::ReportTable::Rollups);
    let cell = |column: &str| rows[0].iter().find(|(c, _)| *c == column).unwrap().1;
    assert_eq!(
        cell("forecast_weighted"),
        kpi_core::report::Cell::Decimal(Decimal::from(75_100))
    );
    assert_eq!(
        cell("forecast_coverage"),
        kpi_core::report::Cell::Decimal(Decimal::new(15, 1))
    );
    // A goal that does not forecast keeps its columns, and its data frame has the
    // forecast columns empty.
    let unforecast = Plan::from_toml(&PLAN.replace("forecast = true\n", "")).unwrap();
    let report = unforecast.evaluate(&facts, &quarter()).unwrap();
    assert!(!report.to_markdown(kpi_core::Locale::En).contains("Commit"));
    let rows = report.table_rows(kpi_core::report::ReportTable::Scorecards);
    assert!(
        rows[0]
            .iter()
            .any(|(c, v)| *c == "forecast_commit" && *v == kpi_core::report::Cell::Null)
    );
}
