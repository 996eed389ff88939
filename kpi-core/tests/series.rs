//! Series evaluation: every period's report in a series is the report of evaluating that
//! period alone, to the cent, whatever the plan reads (windows, customers, splits, team
//! moves, clawbacks, forecasts): checked on every shared vector, on the sample company
//! at two grains, and on generated plans; and its errors.

use kpi_core::period::Grain;
use kpi_core::report::{Cell, ReportTable};
use kpi_core::testing::{self};
use kpi_core::{FactTable, Period, Plan};
use proptest::prelude::*;
use serde_json::{Value, json};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors");

fn sample() -> (Plan, FactTable) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample");
    let plan = Plan::from_toml(&std::fs::read_to_string(format!("{dir}/plan.toml")).unwrap());
    let facts =
        FactTable::from_json_lines(&std::fs::read_to_string(format!("{dir}/facts.jsonl")).unwrap());
    (plan.unwrap(), facts.unwrap())
}

/// Checks that the series of `span` at `grains` holds, for each period, the report that
/// evaluating it alone gives; when the series fails, that evaluating one of its periods
/// alone fails with the same code. Returns the number of reports compared.
fn series_matches(plan: &Plan, facts: &FactTable, span: &Period, grains: &[Grain]) -> usize {
    let compiled = plan.clone().compile().unwrap();
    // The span's periods in the plan's calendar (a date range is civil; its fiscal
    // quarters are the plan's).
    let periods: Vec<Period> = grains
        .iter()
        .flat_map(|&g| {
            let mut periods = Vec::new();
            let mut day = span.start();
            while day < span.end() {
                let p = plan.calendar.period_of(day, g).unwrap();
                day = p.end();
                periods.push(p);
            }
            periods
        })
        .collect();
    match compiled.evaluate_series(facts, span, grains) {
        Ok(series) => {
            assert_eq!(series.reports.len(), periods.len(), "{span}");
            for (period, report) in periods.iter().zip(&series.reports) {
                let alone = compiled.evaluate(facts, period).unwrap();
                assert_eq!(
                    report, &alone,
                    "{period} of {span} differs from its own evaluation"
                );
            }
            periods.len()
        }
        Err(err) => {
            let (period, failed) = periods
                .iter()
                .find_map(|p| compiled.evaluate(facts, p).err().map(|e| (p, e)))
                .unwrap_or_else(|| panic!("the series of {span} failed ({err}), no period does"));
            // The same error, naming its period.
            assert_eq!(err.code(), failed.code(), "{span}: {err} / {failed}");
            assert_eq!(
                err.location(),
                failed.location(),
                "{span}: {err} / {failed}"
            );
            assert!(
                err.message().contains(failed.message()),
                "{span}: {err} / {failed}"
            );
            assert!(
                err.to_string().contains(&format!("evaluating {period}")),
                "{err}"
            );
            0
        }
    }
}

/// Every vector case evaluated for a whole period (no as-of day, no balances): its
/// year's series at its grain has the same report for it.
#[test]
fn every_vector_period_evaluates_the_same_in_a_series() {
    let mut compared = 0;
    let mut files: Vec<_> = std::fs::read_dir(VECTORS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(cases) = file.get("cases").and_then(Value::as_array) else {
            continue;
        };
        for case in cases {
            if case.get("expected").is_none()
                || ["as_of", "balances", "review"]
                    .iter()
                    .any(|k| case.get(k).is_some())
            {
                continue;
            }
            let plan = match case.get("plan_toml").or(file.get("plan_toml")) {
                Some(text) => Plan::from_toml(text.as_str().unwrap()),
                None => match case.get("plan").or(file.get("plan")) {
                    Some(plan) => Plan::from_json_value(plan.clone()),
                    None => continue,
                },
            };
            let facts = match case.get("facts_json").and_then(Value::as_str) {
                Some(text) => FactTable::from_json(text),
                None => FactTable::from_json_value(
                    case.get("facts")
                        .or(file.get("facts"))
                        .cloned()
                        .unwrap_or(json!([])),
                ),
            };
            let (Ok(plan), Ok(facts)) = (plan, facts) else {
                continue;
            };
            let label = case
                .get("period")
                .and_then(Value::as_str)
                .unwrap_or("2026-01");
            let Ok(period) = plan.parse_period(label) else {
                continue;
            };
            let Some(grain) = period.grain() else {
                continue;
            };
            // The year around the period, or the period itself when it is a year or
            // does not nest in one (a week).
            let span = period.parent(Grain::Year).unwrap_or(period);
            compared += series_matches(&plan, &facts, &span, &[grain]);
        }
    }
    // Most vector cases are monthly or quarterly: hundreds of reports compared.
    assert!(compared > 300, "only {compared} reports compared");
}

/// The sample company over two fiscal years by month and by quarter: its plan reads the
/// previous period, last year, a baseline year, running totals of long-term goals and
/// the forecast.
#[test]
fn the_sample_company_by_month_and_quarter_matches_each_period() {
    let (plan, facts) = sample();
    let span = plan.parse_period("FY2026..FY2027").unwrap();
    let n = series_matches(&plan, &facts, &span, &[Grain::Month, Grain::Quarter]);
    assert_eq!(n, 24 + 8);
}

#[test]
fn the_long_table_leads_each_row_with_its_period() {
    let (plan, facts) = sample();
    let compiled = plan.compile().unwrap();
    let year = compiled.parse_period("FY2027").unwrap();
    let series = compiled
        .evaluate_series(
            &facts,
            &year,
            &[Grain::Quarter, Grain::Month, Grain::Quarter],
        )
        .unwrap();
    // A grain named twice is evaluated once; quarters first, as asked.
    assert_eq!(series.reports.len(), 16);
    assert_eq!(series.reports[0].period.label, "FY2027-Q1");
    assert_eq!(series.reports[4].period.label, "2026-04");
    for table in ReportTable::ALL {
        let rows = series.table_rows(table);
        let expected: usize = series
            .reports
            .iter()
            .map(|r| r.table_rows(table).len())
            .sum();
        assert_eq!(rows.len(), expected, "{table:?}");
        let mut at = 0;
        for report in &series.reports {
            for row in report.table_rows(table) {
                let long = &rows[at];
                assert_eq!(long[0], ("period", Cell::Text(&report.period.label)));
                assert_eq!(long[1], ("grain", Cell::Text(report.period.grain.name())));
                assert_eq!(&long[2..], &row[..]);
                at += 1;
            }
        }
    }
    assert!(series.report("2026-06").is_some());
    assert!(series.report("FY2028-Q1").is_none());
}

#[test]
fn bad_series_are_errors_with_their_place() {
    let (plan, facts) = sample();
    let compiled = plan.compile().unwrap();
    let quarter = compiled.parse_period("FY2027-Q2").unwrap();
    let err = compiled.evaluate_series(&facts, &quarter, &[]).unwrap_err();
    assert_eq!(
        (err.code(), err.location().path.as_deref()),
        ("data.invalid_argument", Some("grains"))
    );
    // A quarter is not made of whole years.
    let err = compiled
        .evaluate_series(&facts, &quarter, &[Grain::Month, Grain::Year])
        .unwrap_err();
    assert_eq!(
        (err.code(), err.location().path.as_deref()),
        ("period.not_nested", Some("grains[1]"))
    );
    // Thousands of days would be thousands of reports: refused before any is built.
    let decade = compiled.parse_period("2020..2029").unwrap();
    let err = compiled
        .evaluate_series(&facts, &decade, &[Grain::Quarter, Grain::Day])
        .unwrap_err();
    assert_eq!(
        (err.code(), err.location().path.as_deref()),
        ("data.invalid_argument", Some("grains[1]"))
    );
    assert!(err.message().contains("at most 1000"), "{err}");
    // Days are periods too: the long-term goals are reviewed on any day.
    let june = compiled.parse_period("2026-06").unwrap();
    let days = compiled.evaluate_series(&facts, &june, &[Grain::Day]);
    assert_eq!(days.map(|s| s.reports.len()).ok(), Some(30));
}

/// A plan whose growth metric reads last month, and two months whose sums overflow:
/// evaluating March alone fails on March's facts (its own period is measured first),
/// though the series measures February, March's window, in the same pass before March.
#[test]
fn the_series_error_is_the_first_period_evaluated_alone_meets() {
    let plan = Plan::from_toml(
        r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "li", name = "Li", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[metrics.growth]
formula = "growth(revenue)"
[[goals]]
id = "growth"
metric = "growth"
scope = "member"
period = "month"
target = "0.1"
"#,
    )
    .unwrap()
    .compile()
    .unwrap();
    let huge = "70000000000000000000000000000";
    let fact = |id: &str, date: &str| json!({"id": id, "kind": "order", "owner": "li", "amount": huge, "date": date});
    let facts = FactTable::from_json_value(json!([
        fact("feb-1", "2026-02-03"),
        fact("feb-2", "2026-02-04"),
        fact("mar-1", "2026-03-03"),
        fact("mar-2", "2026-03-04"),
    ]))
    .unwrap();
    let march = plan.parse_period("2026-03").unwrap();
    let alone = plan.evaluate(&facts, &march).unwrap_err();
    assert!(alone.to_string().contains("mar-2"), "{alone}");
    let err = plan
        .evaluate_series(&facts, &march, &[Grain::Month])
        .unwrap_err();
    assert_eq!(
        (err.code(), err.location()),
        (alone.code(), alone.location())
    );
    assert!(
        err.to_string().contains("mar-2") && err.to_string().contains("evaluating 2026-03"),
        "{err}"
    );
}

/// Enough facts that the measure pass splits the table between two threads (from 1M
/// rows) and the fused sums split it in parts (from 200k), over a year: with a member who
/// changes team mid-year and one whose stint ends (each row's stint looked up by date),
/// and with a fixed org (the fused scan of all the periods at once), the series by month
/// and quarter gives every period's own report.
#[test]
fn a_large_table_evaluates_the_same_in_a_series() {
    let moving = r#"
  { id = "li", name = "Li", team = "a", until = "2026-07-01" },
  { id = "li", name = "Li", team = "b", from = "2026-07-01" },
  { id = "wang", name = "Wang", team = "a", until = "2026-10-15" },
"#;
    let fixed = r#"
  { id = "li", name = "Li", team = "a" },
  { id = "wang", name = "Wang", team = "a" },
"#;
    let plan = |members: &str| {
        Plan::from_toml(&format!(
            r#"
version = 1
[org]
teams = [{{ id = "a", name = "A" }}, {{ id = "b", name = "B" }}]
members = [{members}  {{ id = "zhao", name = "Zhao", team = "b" }},
]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'status == "won"'
[metrics.deals]
aggregate = "count"
filter = 'status == "won"'
[[goals]]
id = "rep"
metric = "revenue"
scope = "member"
period = "month"
target = "1000000"
[[goals]]
id = "team"
metric = "revenue"
scope = "team"
period = "quarter"
target = "5000000"
[[goals]]
id = "deals"
metric = "deals"
scope = "member"
period = "quarter"
target = "30000"
"#
        ))
        .unwrap()
    };
    let n = 1_050_000u32;
    let owners = ["li", "wang", "zhao", "ghost"];
    let records: Vec<kpi_core::FactRecord> = (0..n)
        .map(|i| kpi_core::FactRecord {
            id: format!("f{i}"),
            kind: "order".to_owned(),
            owner: Some(owners[(i % 4) as usize].to_owned()),
            owners: Vec::new(),
            customer: None,
            amount: Some(rust_decimal::Decimal::new(i64::from(i % 9973) * 7, 2)),
            status: Some(if i % 3 == 0 { "lost" } else { "won" }.to_owned()),
            date: chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
                + chrono::Days::new(u64::from(i.wrapping_mul(7919) % 430)),
            attributes: std::collections::BTreeMap::default(),
        })
        .collect();
    let facts = FactTable::from_records(records).unwrap();
    for members in [moving, fixed] {
        let plan = plan(members);
        let year = plan.parse_period("2026").unwrap();
        let n = series_matches(&plan, &facts, &year, &[Grain::Month, Grain::Quarter]);
        assert_eq!(n, 16);
    }
}

/// A date range is a civil period; the series lists the plan's fiscal halves in it.
#[test]
fn a_date_range_is_cut_in_the_plans_fiscal_periods() {
    let (plan, facts) = sample();
    let range = Period::range(
        chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2027, 4, 1).unwrap(),
    )
    .unwrap();
    let series = plan
        .compile()
        .unwrap()
        .evaluate_series(&facts, &range, &[Grain::Half])
        .unwrap();
    let labels: Vec<&str> = series
        .reports
        .iter()
        .map(|r| r.period.label.as_str())
        .collect();
    assert_eq!(labels, ["FY2026-H2", "FY2027-H1", "FY2027-H2"]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Generated plans and facts: the year's series at the plan's grain (and by quarter
    /// too for a monthly plan) gives each period's own report.
    #[test]
    fn generated_plans_evaluate_the_same_in_a_series(
        (plan, period, records) in testing::plans_with_facts(0..60)
    ) {
        let facts = FactTable::from_records(records).unwrap();
        let year = period.parent(Grain::Year).unwrap();
        let grain = period.grain().unwrap();
        series_matches(&plan, &facts, &year, &[grain]);
        // The span around the period, which may start mid-year.
        let around = Period::range(period.prev().unwrap().start(), period.next().unwrap().end()).unwrap();
        series_matches(&plan, &facts, &around, &[grain]);
    }
}

const SERIES_VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/series/sample.json"
);

/// The grains of a vector case: one name or a list, each read as the bindings read it.
fn vector_grains(value: &Value) -> Result<Vec<Grain>, kpi_core::Error> {
    let names: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let many = value.is_array();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let path = if many {
                format!("grains[{i}]")
            } else {
                "grains".to_owned()
            };
            Grain::from_name(name.as_str().unwrap()).map_err(|e| e.at_path(path))
        })
        .collect()
}

/// What a vector pins of a series: each period's label, grain and total payout, and the
/// long scorecard table's key columns.
fn pinned(series: &kpi_core::Series) -> Value {
    let periods: Vec<Value> = series
        .reports
        .iter()
        .map(|r| {
            json!([
                r.period.label,
                r.period.grain.name(),
                r.total_payout().to_string()
            ])
        })
        .collect();
    let text = |cell: &Cell<'_>| match cell {
        Cell::Null => Value::Null,
        Cell::Text(t) => json!(t),
        Cell::Decimal(d) => json!(d.to_string()),
        Cell::Integer(n) => json!(n),
        Cell::Date(d) => json!(d.to_string()),
    };
    let rows: Vec<Value> = series
        .table_rows(ReportTable::Scorecards)
        .iter()
        .map(|row| {
            let cell = |name: &str| {
                row.iter()
                    .find(|(c, _)| *c == name)
                    .map_or(Value::Null, |(_, v)| text(v))
            };
            json!([
                cell("period"),
                cell("goal"),
                cell("id"),
                cell("actual"),
                cell("attainment")
            ])
        })
        .collect();
    json!({"periods": periods, "scorecards": rows})
}

#[test]
fn the_series_vectors_hold() {
    let (plan, facts) = sample();
    let compiled = plan.compile().unwrap();
    let mut file: Value =
        serde_json::from_str(&std::fs::read_to_string(SERIES_VECTORS).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    for case in file["cases"].as_array_mut().unwrap() {
        let name = case["name"].as_str().unwrap().to_owned();
        let span = compiled
            .parse_period(case["span"].as_str().unwrap())
            .unwrap();
        let result = vector_grains(&case["grains"])
            .and_then(|g| compiled.evaluate_series(&facts, &span, &g));
        match (result, case.get("error").cloned()) {
            (Ok(series), None) => {
                for report in &series.reports {
                    let alone = compiled
                        .evaluate(
                            &facts,
                            &compiled.parse_period(&report.period.label).unwrap(),
                        )
                        .unwrap();
                    assert_eq!(report, &alone, "{name}: {}", report.period.label);
                }
                let got = pinned(&series);
                if bless {
                    case["expected"] = got;
                } else {
                    assert_eq!(got, case["expected"], "{name}");
                }
            }
            (Err(err), Some(expected)) => {
                assert_eq!(err.code(), expected["code"], "{name}: {err}");
                assert_eq!(
                    err.location().path.as_deref(),
                    expected["path"].as_str(),
                    "{name}: {err}"
                );
                if let Some(part) = expected.get("message").and_then(Value::as_str) {
                    assert!(err.message().contains(part), "{name}: {err}");
                }
            }
            (result, expected) => panic!(
                "{name}: {:?} against {expected:?}",
                result.map(|s| s.reports.len())
            ),
        }
    }
    if bless {
        let text = one_line_rows(&serde_json::to_string_pretty(&file).unwrap());
        std::fs::write(SERIES_VECTORS, text).unwrap();
    }
}

/// Pretty JSON with every array of plain values on one line: a vector row per line.
fn one_line_rows(pretty: &str) -> String {
    let lines: Vec<&str> = pretty.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.ends_with('[') {
            // The array's lines up to its closing bracket, if they hold no array or object.
            let inner: Vec<&str> = lines[i + 1..]
                .iter()
                .take_while(|l| !l.trim_start().starts_with(']'))
                .copied()
                .collect();
            let close = lines.get(i + 1 + inner.len()).copied().unwrap_or("]");
            if !inner.is_empty() && inner.iter().all(|l| !l.ends_with('[') && !l.ends_with('{')) {
                let items: Vec<&str> = inner.iter().map(|l| l.trim()).collect();
                out.push_str(line);
                out.push_str(&items.join(" "));
                out.push_str(close.trim_start());
                out.push('\n');
                i += inner.len() + 2;
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
        i += 1;
    }
    out
}
