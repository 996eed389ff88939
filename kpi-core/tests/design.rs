//! Plan design checks and the cost simulation: the shared vectors
//! (`testdata/vectors/design`, also run by pytest, and by node for the settings), and
//! properties of both over random plans.

use kpi_core::Plan;
use kpi_core::design::Attainment;
use kpi_core::incentive::{ComponentInputs, evaluate_component};
use proptest::prelude::*;
use serde_json::Value;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors/design");

fn run(case: &Value) -> Result<Value, kpi_core::Error> {
    let plan = Plan::from_toml(case["plan_toml"].as_str().expect("plan_toml is text"))?;
    Ok(serde_json::to_value(plan.design_check()?).expect("serialisable"))
}

fn error_json(err: &kpi_core::Error) -> Value {
    let mut out = serde_json::json!({ "code": err.code() });
    if let Some(path) = &err.location().path {
        out["path"] = path.clone().into();
    }
    out
}

#[test]
fn every_design_vector_passes() {
    // `KPI_BLESS=1` rewrites the expected findings (and errors) with what kpi-core gives
    // now: review the diff.
    let bless = std::env::var_os("KPI_BLESS").is_some();
    let mut cases = 0;
    {
        let path = std::path::Path::new(VECTORS).join("checks.json");
        let mut file: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if bless {
            for case in file["cases"].as_array_mut().unwrap() {
                match run(case) {
                    Ok(found) if case.get("expected").is_some() => case["expected"] = found,
                    Err(err) if case.get("error").is_some() => case["error"] = error_json(&err),
                    _ => {}
                }
            }
            let text = serde_json::to_string_pretty(&file).unwrap() + "\n";
            std::fs::write(&path, text).unwrap();
        }
        for case in file["cases"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap_or("");
            match (run(case), case.get("expected"), case.get("error")) {
                (Ok(found), Some(expected), None) => {
                    assert_eq!(&found, expected, "{name}: findings differ");
                    check_counterexamples(case, &found);
                }
                (Err(err), None, Some(expected)) => {
                    assert_eq!(&error_json(&err), expected, "{name}: {err}");
                }
                (result, _, _) => panic!("{name}: unexpected {result:?}"),
            }
            cases += 1;
        }
    }
    assert!(cases >= 25, "only {cases} design cases ran");
}

fn simulate(case: &Value) -> Result<Value, kpi_core::Error> {
    let plan = Plan::from_toml(case["plan_toml"].as_str().expect("plan_toml is text"))?;
    let attainment = Attainment::from_json_value(&case["attainment"])?;
    let trials = u32::try_from(case["trials"].as_u64().unwrap()).unwrap();
    let members = case["members"]
        .as_u64()
        .map(|m| usize::try_from(m).unwrap());
    let simulation =
        plan.simulate_cost(&attainment, trials, case["seed"].as_u64().unwrap(), members)?;
    Ok(serde_json::to_value(simulation).expect("serialisable"))
}

#[test]
fn every_cost_vector_passes() {
    let path = std::path::Path::new(VECTORS).join("costs.json");
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    if std::env::var_os("KPI_BLESS").is_some() {
        for case in file["cases"].as_array_mut().unwrap() {
            match simulate(case) {
                Ok(found) if case.get("expected").is_some() => case["expected"] = found,
                Err(err) if case.get("error").is_some() => case["error"] = error_json(&err),
                _ => {}
            }
        }
        std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
    let cases = file["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap_or("");
        match (simulate(case), case.get("expected"), case.get("error")) {
            (Ok(found), Some(expected), None) => assert_eq!(&found, expected, "{name}"),
            (Err(err), None, Some(expected)) => {
                assert_eq!(&error_json(&err), expected, "{name}: {err}");
            }
            (result, _, _) => panic!("{name}: unexpected {result:?}"),
        }
    }
    assert!(cases.len() >= 15, "only {} cost cases", cases.len());
}

/// Every case of every counterexample prices, by `evaluate_component` on the plan's
/// component, to the amount the finding states.
fn check_counterexamples(case: &Value, found: &Value) {
    let plan = Plan::from_toml(case["plan_toml"].as_str().unwrap()).unwrap();
    for finding in found.as_array().unwrap() {
        let path = finding["path"].as_str().unwrap();
        let (i, j) = indices(path);
        let component = &plan.incentives[i].components[j];
        for case in finding["counterexample"]["cases"].as_array().unwrap() {
            let inputs: ComponentInputs = serde_json::from_value(case["inputs"].clone()).unwrap();
            let paid = evaluate_component(component, &inputs, plan.rounding).unwrap();
            assert_eq!(
                paid.amount.to_string(),
                case["paid"].as_str().unwrap(),
                "{path}"
            );
        }
    }
}

fn indices(path: &str) -> (usize, usize) {
    let digits: Vec<usize> = path
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (digits[0], digits[1])
}

/// A plan of one quarterly incentive with `component` on a 500,000 quota.
fn plan_with(component: &str, target_incentive: u32) -> Plan {
    let text = format!(
        r#"
version = 1
[org]
teams = [{{ id = "t", name = "East" }}]
members = [{{ id = "a", name = "A", team = "t" }}]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "quarter"
target = "500000"
[[incentives]]
id = "commission"
applies_to = "members"
period = "quarter"
target_incentive = "{target_incentive}"
[[incentives.components]]
metric = "revenue"
goal = "quota"
{component}
"#
    );
    Plan::from_toml(&text).unwrap()
}

/// A tier table: ascending starts from 0 (in hundredths of attainment), rates in
/// thousandths.
fn tiers(starts: &[u32], rates: &[u32]) -> String {
    let mut from = 0;
    let rows: Vec<String> = rates
        .iter()
        .enumerate()
        .map(|(i, rate)| {
            if i > 0 {
                from += starts[i - 1];
            }
            format!(
                r#"{{ from = "{}", rate = "{}" }}"#,
                rust_decimal::Decimal::new(i64::from(from), 2),
                rust_decimal::Decimal::new(i64::from(*rate), 3)
            )
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

fn codes(plan: &Plan) -> Vec<&'static str> {
    plan.design_check()
        .unwrap()
        .iter()
        .map(|f| f.code.code())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the tiers, the check succeeds, every case re-prices to what it states,
    /// and each difference is what its cases say.
    #[test]
    fn counterexamples_are_what_the_engine_pays(
        retroactive in any::<bool>(),
        starts in prop::collection::vec(10u32..120, 3),
        rates in prop::collection::vec(0u32..150, 1..4),
        ti in 1_000u32..60_000,
    ) {
        let mode = if retroactive { "retroactive" } else { "marginal" };
        let component = format!(
            "kind = \"tiered\"\non = \"attainment\"\nmode = \"{mode}\"\ntiers = {}",
            tiers(&starts, &rates)
        );
        let plan = plan_with(&component, ti);
        let found = serde_json::to_value(plan.design_check().unwrap()).unwrap();
        for finding in found.as_array().unwrap() {
            let paid: Vec<rust_decimal::Decimal> = finding["counterexample"]["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["paid"].as_str().unwrap().parse().unwrap())
                .collect();
            let difference: rust_decimal::Decimal =
                finding["counterexample"]["difference"].as_str().unwrap().parse().unwrap();
            let expected = match finding["code"].as_str().unwrap() {
                "design.cliff" => paid[1] - paid[0],
                "design.sandbagging" => paid[2] + paid[3] - paid[0] - paid[1],
                "design.split" => paid[0] + paid[1] - paid[2] - paid[3],
                "design.decelerator" => (paid[1] - paid[0]) - (paid[3] - paid[2]),
                "design.unbounded" => difference,
                other => panic!("{other} from a tier table"),
            };
            prop_assert_eq!(difference, expected);
        }
        kpi_core::testing::checks::design_counterexamples_reprice(&plan)?;
    }

    /// Marginal tiers whose rates never fall pay continuously and never slower: no cliff
    /// and no decelerator.
    #[test]
    fn rising_marginal_tiers_have_no_cliff_or_decelerator(
        starts in prop::collection::vec(10u32..120, 3),
        mut rates in prop::collection::vec(0u32..150, 1..4),
    ) {
        rates.sort_unstable();
        let component = format!(
            "kind = \"tiered\"\non = \"attainment\"\nmode = \"marginal\"\ntiers = {}",
            tiers(&starts, &rates)
        );
        let found = codes(&plan_with(&component, 40_000));
        prop_assert!(!found.contains(&"design.cliff"), "{:?}", found);
        prop_assert!(!found.contains(&"design.decelerator"), "{:?}", found);
    }

    /// One rate on every yuan: nothing to gain by moving or splitting, no cliff, no bend.
    #[test]
    fn a_flat_rate_has_no_findings_but_exposure(rate in 1u32..100, ti in 1_000u32..60_000) {
        let component = format!(
            "kind = \"rate\"\nrate = \"{}\"",
            rust_decimal::Decimal::new(i64::from(rate), 3)
        );
        let found = codes(&plan_with(&component, ti));
        prop_assert!(found.iter().all(|c| *c == "design.unbounded"), "{:?}", found);
    }

    /// A retroactive step up from `low` to `high` at 100% is a cliff when the jump on the
    /// whole quota exceeds 5% of the target incentive, found one hundredth of a percent
    /// below it.
    #[test]
    fn a_retroactive_step_is_a_cliff_at_its_start(low in 0u32..100, up in 1u32..50) {
        let component = format!(
            "kind = \"tiered\"\non = \"attainment\"\nmode = \"retroactive\"\ntiers = {}",
            tiers(&[100], &[low, low + up])
        );
        let plan = plan_with(&component, 40_000);
        let findings = plan.design_check().unwrap();
        let cliff = findings.iter().find(|f| f.code.code() == "design.cliff");
        // The jump is about up/1000 × 500,000; 5% of 40,000 is 2,000.
        if up * 500 > 2_000 + 1 {
            let cliff = cliff.expect("a cliff");
            let cases = &cliff.counterexample.cases;
            prop_assert_eq!(cases[0].inputs.actual, Some(rust_decimal::Decimal::from(499_950)));
            prop_assert_eq!(cases[1].inputs.actual, Some(rust_decimal::Decimal::from(500_000)));
        } else if up * 500 < 2_000 {
            prop_assert!(cliff.is_none());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A seed gives the same figures; the percentiles are in order within the draws; a
    /// flat rate without a cap costs that rate of the revenue, to the rounding of each
    /// member's pay.
    #[test]
    fn the_cost_simulation_is_repeatable_ordered_and_exact(
        seed in any::<u64>(),
        rate in 1u32..200,
        mean in 50u32..150,
        sd in 0u32..50,
    ) {
        let rate = rust_decimal::Decimal::new(i64::from(rate), 3);
        let plan = plan_with(&format!("kind = \"rate\"\nrate = \"{rate}\""), 30_000);
        let attainment = Attainment::Normal {
            mean: rust_decimal::Decimal::new(i64::from(mean), 2),
            sd: rust_decimal::Decimal::new(i64::from(sd), 2),
        };
        let once = plan.simulate_cost(&attainment, 200, seed, Some(3)).unwrap();
        let again = plan.simulate_cost(&attainment, 200, seed, Some(3)).unwrap();
        prop_assert_eq!(&once, &again);
        for figures in [&once.total, &once.per_member] {
            prop_assert!(figures.p50 <= figures.p90 && figures.p90 <= figures.p99 && figures.p99 <= figures.max);
            prop_assert!(figures.expected <= figures.max);
        }
        // Each member's pay is rate × attainment × 500,000 rounded to the cent: the mean
        // of 3 members' sum is within 1.5 cents of rate × the expected revenue.
        let exact = rate * once.revenue;
        let gap = (once.total.expected - exact).abs();
        prop_assert!(gap <= rust_decimal::Decimal::new(2, 2), "{} against {}", once.total.expected, exact);
    }
}

/// The sample company's plan and facts.
fn sample_company() -> (Plan, kpi_core::FactTable) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample");
    let plan =
        Plan::from_toml(&std::fs::read_to_string(format!("{dir}/plan.toml")).unwrap()).unwrap();
    let facts = kpi_core::FactTable::from_json_lines(
        &std::fs::read_to_string(format!("{dir}/facts.jsonl")).unwrap(),
    )
    .unwrap();
    (plan, facts)
}

/// The reports of past periods give an empirical distribution (`Attainment::from_reports`)
/// and the simulation drawn from it: the same attainments and cents in every language.
#[test]
fn every_history_vector_passes() {
    let (plan, facts) = sample_company();
    let path = std::path::Path::new(VECTORS).join("history.json");
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    for case in file["cases"].as_array_mut().unwrap() {
        let reports: Vec<kpi_core::Report> = case["periods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                plan.evaluate(&facts, &plan.parse_period(p.as_str().unwrap()).unwrap())
                    .unwrap()
            })
            .collect();
        let goal = case["goal"].as_str().unwrap().to_owned();
        match Attainment::from_reports(&reports, &goal) {
            Err(err) => assert_eq!(case["error"], error_json(&err), "{goal}"),
            Ok(attainment) => {
                let Attainment::Empirical(past) = &attainment else {
                    panic!("empirical")
                };
                let listed: Value = past.iter().map(|a| Value::from(a.to_string())).collect();
                let trials = u32::try_from(case["trials"].as_u64().unwrap()).unwrap();
                let cost = plan
                    .simulate_cost(&attainment, trials, case["seed"].as_u64().unwrap(), None)
                    .unwrap();
                let cost = serde_json::to_value(cost).unwrap();
                if bless {
                    case["attainment"] = serde_json::json!({ "empirical": listed });
                    case["cost"] = cost.clone();
                }
                assert_eq!(
                    case["attainment"],
                    serde_json::json!({ "empirical": listed }),
                    "{goal}"
                );
                assert_eq!(case["cost"], cost, "{goal}");
                // The listed attainments read back as the same distribution.
                assert_eq!(
                    Attainment::from_json_value(&case["attainment"]).unwrap(),
                    attainment
                );
                assert!(past.len() >= 4, "{goal}: {} attainments", past.len());
            }
        }
    }
    if bless {
        std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
}

/// A report carrying the plan's design findings lists them, in English and Chinese, in its
/// text, Markdown and HTML (after the SMART findings), and keeps them through JSON.
#[test]
fn reports_list_the_design_findings() {
    let (plan, facts) = sample_company();
    let findings = plan.design_check().unwrap();
    let report = plan
        .evaluate(&facts, &plan.parse_period("FY2027-Q2").unwrap())
        .unwrap()
        .with_design(
            findings
                .iter()
                .map(kpi_core::design::DesignFinding::note)
                .collect(),
        );
    assert_eq!(report.design.len(), findings.len());
    let html = report.to_html(kpi_core::Locale::ZhCn);
    assert!(
        html.contains("<section class=\"design\">\n<h2>方案设计检查</h2>"),
        "{html}"
    );
    for finding in &findings {
        assert!(html.contains(&format!("data-code=\"{}\"", finding.code)));
        assert!(html.contains("（已确认：加速提成鼓励超额完成"));
    }
    let text = report.to_text(kpi_core::Locale::En);
    assert!(text.contains("Plan design"), "{text}");
    assert!(text.contains(&findings[0].message), "{text}");
    assert!(text.contains("(intended: "), "{text}");
    let markdown = report.to_markdown(kpi_core::Locale::En);
    assert!(markdown.contains("## Plan design"), "{markdown}");
    // After the payouts; a report read back from JSON renders the same.
    assert!(html.find("class=\"design\"") > html.find("class=\"payouts\""));
    let again: kpi_core::Report = serde_json::from_str(&report.to_json_pretty()).unwrap();
    assert_eq!(again, report);
    // A report without design findings has no such section.
    let without = plan
        .evaluate(&facts, &plan.parse_period("FY2027-Q2").unwrap())
        .unwrap();
    assert!(
        !without
            .to_html(kpi_core::Locale::En)
            .contains("class=\"design\"")
    );
}

/// Past attainments are clamped to the range the simulation draws in: negative as 0, above
/// 1000% as 1000%, and exactly 10 kept as written.
#[test]
fn history_attainments_are_clamped_to_what_the_simulation_draws() {
    let (plan, facts) = sample_company();
    let mut report = plan
        .evaluate(&facts, &plan.parse_period("FY2027-Q2").unwrap())
        .unwrap();
    let set = ["-0.3", "12.5", "10.000", "10.001"];
    let mut rows = report.scorecards.iter_mut().filter(|r| {
        r.goal == "rep-revenue" && r.scope == kpi_core::ScopeKind::Member && r.id != "unassigned"
    });
    for text in set {
        rows.next().unwrap().attainment = Some(text.parse().unwrap());
    }
    let Attainment::Empirical(past) = Attainment::from_reports([&report], "rep-revenue").unwrap()
    else {
        panic!("empirical");
    };
    let shown: Vec<String> = past.iter().take(4).map(ToString::to_string).collect();
    assert_eq!(shown, ["0", "10", "10.000", "10"]);
    // The whole list is one the simulation takes.
    let attainment = Attainment::Empirical(past);
    assert!(plan.simulate_cost(&attainment, 10, 1, None).is_ok());
}
