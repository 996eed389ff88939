//! The words of the reports: `testdata/vectors/text/sample.json` pins the English and
//! Chinese text of the sample company's report, its review, its SMART findings and the
//! message catalogue. The Python and JavaScript suites read the same file and must give
//! the same strings. `KPI_BLESS=1` rewrites the expected texts (review the diff).

use kpi_core::{FactTable, Locale, Message, Plan, smart};
use serde_json::{Value, json};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample");
const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/text/sample.json"
);

fn text_of(plan: &Plan, facts: &FactTable, case: &Value) -> Value {
    let locale: Locale = case["locale"].as_str().unwrap().parse().unwrap();
    let day = |key: &str| case[key].as_str().map(|d| d.parse().unwrap());
    // `"with_findings": true`: the report carries the plan's SMART findings.
    let with_findings = |report: kpi_core::Report| {
        if case["with_findings"] == true {
            report.with_findings(plan.validate(Some(facts), None))
        } else {
            report
        }
    };
    match case["kind"].as_str().unwrap() {
        "report" => {
            let period = plan.parse_period(case["period"].as_str().unwrap()).unwrap();
            let report = match day("as_of") {
                Some(as_of) => plan.evaluate_as_of(facts, &period, as_of).unwrap(),
                None => plan.evaluate(facts, &period).unwrap(),
            };
            json!(with_findings(report).to_text(locale))
        }
        "markdown" | "html" => {
            let period = plan.parse_period(case["period"].as_str().unwrap()).unwrap();
            let report = with_findings(plan.evaluate(facts, &period).unwrap());
            if case["kind"] == "html" {
                json!(report.to_html(locale))
            } else {
                json!(report.to_markdown(locale))
            }
        }
        "review" => json!(
            plan.review(facts, day("as_of").unwrap())
                .unwrap()
                .to_text(locale)
        ),
        "findings" => json!(smart::findings_text(
            &plan.validate(Some(facts), None),
            &plan.labels(),
            locale
        )),
        "messages" => Message::ALL
            .iter()
            .map(|m| (m.key().to_owned(), json!(m.text(locale))))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn the_sample_reads_the_same_in_every_locale_and_language() {
    let plan =
        Plan::from_toml(&std::fs::read_to_string(format!("{SAMPLE}/plan.toml")).unwrap()).unwrap();
    let facts = FactTable::from_json_lines(
        &std::fs::read_to_string(format!("{SAMPLE}/facts.jsonl")).unwrap(),
    )
    .unwrap();
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    for case in file["cases"].as_array_mut().unwrap() {
        let got = text_of(&plan, &facts, case);
        if bless {
            case["expected"] = got;
        } else {
            assert_eq!(got, case["expected"], "{}", case["name"]);
        }
    }
    if bless {
        std::fs::write(VECTORS, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
    // The Chinese texts are Chinese: no status word, header or title of the English
    // catalogue appears in them (names the plan wrote in English aside).
    let english: Vec<&str> = Message::ALL
        .iter()
        .map(|m| m.text(Locale::En))
        .filter(|w| w.len() > 3 && !w.contains("SMART"))
        .collect();
    let mut chinese_cases = 0;
    for case in file["cases"].as_array().unwrap() {
        if case["locale"] != "zh-CN" || case["kind"] == "messages" || case["kind"] == "html" {
            continue;
        }
        chinese_cases += 1;
        let text = case["expected"].as_str().unwrap();
        for word in &english {
            assert!(
                !text.contains(word),
                "{}: English `{word}` in the Chinese text",
                case["name"]
            );
        }
    }
    assert!(chinese_cases >= 4, "{chinese_cases} Chinese cases");
}

/// A dimension's row for facts without a value is `(none)` in the data and called by the
/// catalogue's words in text: `（未填写）` in Chinese.
#[test]
fn a_dimension_row_without_a_value_is_named_in_the_locale() {
    let plan = Plan::from_toml(
        r#"
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "region-revenue"
metric = "revenue"
scope = "dimension"
dimension = "attributes.region"
period = "month"
target = "2000"
"#,
    )
    .unwrap();
    let facts = FactTable::from_json(
        r#"[{"id": "o1", "kind": "order", "owner": "a", "amount": "1000", "date": "2026-03-10", "attributes": {"region": "east"}},
            {"id": "o2", "kind": "order", "owner": "a", "amount": "300", "date": "2026-03-10"}]"#,
    )
    .unwrap();
    let report = plan
        .evaluate(&facts, &plan.parse_period("2026-03").unwrap())
        .unwrap();
    assert!(
        report
            .scorecards
            .iter()
            .any(|r| r.id == kpi_core::report::NO_VALUE)
    );
    let zh = report.to_text(Locale::ZhCn);
    assert!(zh.contains("（未填写）") && !zh.contains("(none)"), "{zh}");
    assert!(report.to_text(Locale::En).contains("(none)"));
}
