//! The `testing` feature's strategies and checks: each strategy generates what it
//! promises (valid inputs read, invalid ones fail with their stated code), and every
//! generated plan, period and formula obeys the checks kpi relies on.

use kpi_core::Plan;
use kpi_core::formula::Formula;
use kpi_core::testing::{self, checks};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Generated plans read, round-trip, and evaluate their generated facts lawfully.
    #[test]
    fn generated_plans_obey_the_evaluation_laws((plan, period, facts) in testing::plans_with_facts(0..40)) {
        checks::plan_round_trips(&plan)?;
        checks::evaluation_laws(&plan, &facts, &period)?;
    }

    /// Every counterexample of a generated plan's design check re-prices.
    #[test]
    fn generated_plans_have_counterexamples_that_reprice(plan in testing::plans()) {
        checks::design_counterexamples_reprice(&plan)?;
    }

    /// A plan with a defect fails with the defect's code, never a panic, and with a
    /// location (a path or a line) to find it at.
    #[test]
    fn invalid_plans_fail_with_their_code(bad in testing::invalid_plans()) {
        let err = Plan::from_toml(&bad.toml).err();
        prop_assert!(err.is_some(), "{:?} was read:\n{}", bad.defect, bad.toml);
        let err = err.unwrap();
        prop_assert_eq!(err.code(), bad.code, "{:?}: {}", bad.defect, err);
        let at = err.location();
        prop_assert!(at.path.is_some() || at.line.is_some(), "{:?}: no location in {}", bad.defect, err);
    }

    /// Generated formulas check with the type they promise and obey the formula laws.
    #[test]
    fn generated_formulas_check_and_obey_the_laws(
        case in testing::formulas(),
        values in testing::formula_values(),
    ) {
        let names = testing::formula_names();
        let checked = Formula::check(&case.text, &names);
        prop_assert!(checked.is_ok(), "{}: {:?}", case.text, checked.err());
        let result = checked.unwrap().result_type().name();
        prop_assert_eq!(result, case.result, "{}", case.text);
        checks::formula_laws(&case.text, &names, &values)?;
    }

    /// Broken formulas fail with their stated code and a line.
    #[test]
    fn invalid_formulas_fail_with_their_code(bad in testing::invalid_formulas()) {
        let err = Formula::check(&bad.text, &testing::formula_names()).err();
        prop_assert!(err.is_some(), "{} checked", bad.text);
        let err = err.unwrap();
        prop_assert_eq!(err.code(), bad.code, "{}: {}", bad.text, err);
        prop_assert!(err.location().line.is_some());
    }

    /// Generated periods obey the period laws at every grain.
    #[test]
    fn generated_periods_obey_the_period_laws((calendar, period) in testing::periods(), grain in testing::grains()) {
        checks::period_laws(&calendar, period.start(), grain)?;
        checks::period_laws(&calendar, period.last_day(), period.grain().unwrap())?;
    }
}

/// Facts around the first and last periods of the supported range are dated within it,
/// and an empty count is allowed.
#[test]
fn facts_at_the_ends_of_the_range_read() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let plan = Plan::from_toml(&one_rep().to_toml()).unwrap();
    let mut runner = TestRunner::deterministic();
    for label in ["1000-01", "9998-12"] {
        let period = plan.parse_period(label).unwrap();
        for _ in 0..20 {
            let facts = testing::fact_records(vec!["m1".into()], &period, 1..=60)
                .new_tree(&mut runner)
                .unwrap()
                .current();
            kpi_core::FactTable::from_records(facts.clone()).unwrap();
            checks::evaluation_laws(&plan, &facts, &period).unwrap();
        }
        let none = testing::fact_records(vec![], &period, 0..=0)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        assert!(none.is_empty());
        checks::period_laws(&plan.calendar, period.start(), kpi_core::Grain::Month).unwrap();
    }
}

/// Every defect is generated (the strategy is not stuck on one).
#[test]
fn every_defect_has_a_distinct_code_or_location() {
    use kpi_core::testing::Defect;
    let codes: std::collections::BTreeSet<&str> = Defect::ALL.iter().map(|d| d.code()).collect();
    assert_eq!(codes.len(), Defect::ALL.len());
}

const RECIPES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/vectors/testing/recipes.json"
);

/// The shared recipe vectors: each recipe (with its defect) writes exactly the stored
/// document, which reads, or fails with the defect's code. Python and JavaScript run the
/// same file against their own strategies.
#[test]
fn every_recipe_vector_writes_its_document() {
    use kpi_core::testing::{Defect, PlanRecipe};
    use serde_json::Value;
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(RECIPES).unwrap()).unwrap();
    let bless = std::env::var_os("KPI_BLESS").is_some();
    let mut defects = std::collections::BTreeSet::new();
    for case in file["cases"].as_array_mut().unwrap() {
        let recipe: PlanRecipe = serde_json::from_value(case["recipe"].clone()).unwrap();
        let defect: Option<Defect> = serde_json::from_value(case["defect"].clone()).unwrap();
        let toml = recipe.to_toml_with(defect);
        if bless {
            case["toml"] = Value::from(toml.clone());
            case["code"] = defect.map_or(Value::Null, |d| Value::from(d.code()));
        }
        assert_eq!(
            case["toml"].as_str(),
            Some(toml.as_str()),
            "{}",
            case["recipe"]
        );
        match (Plan::from_toml(&toml), defect) {
            (Ok(plan), None) => checks::plan_round_trips(&plan).unwrap(),
            (Err(err), Some(defect)) => {
                assert_eq!(err.code(), defect.code(), "{defect:?}: {err}");
                assert_eq!(case["code"].as_str(), Some(defect.code()));
                defects.insert(defect.code());
            }
            (Ok(_), Some(defect)) => panic!("{defect:?} was read"),
            (Err(err), None) => panic!("{err}\n{toml}"),
        }
        // A recipe round-trips through JSON.
        assert_eq!(serde_json::to_value(&recipe).unwrap(), case["recipe"]);
    }
    assert_eq!(
        defects.len(),
        Defect::ALL.len(),
        "a vector for every defect"
    );
    if bless {
        std::fs::write(RECIPES, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
}

/// The attainment law knows lower-is-better goals (`max(2 − actual ÷ target, 0)`).
#[test]
fn a_lower_is_better_goal_passes_the_attainment_law() {
    let recipe = one_rep();
    let text = recipe.to_toml().replace(
        "id = \"orders\"\nmetric = \"orders\"\nscope = \"member\"",
        "id = \"orders\"\nmetric = \"orders\"\nscope = \"member\"\ndirection = \"lower\"",
    );
    assert!(text.contains("direction = \"lower\""));
    let plan = Plan::from_toml(&text).unwrap();
    let period = plan.parse_period("2026-03").unwrap();
    for count in [1, 3, 5, 7] {
        let facts: Vec<kpi_core::FactRecord> = (0..count)
            .map(|i| {
                serde_json::from_value(serde_json::json!({
                    "id": format!("f{i}"), "kind": "order", "status": "won", "owner": "m1",
                    "amount": "10", "date": "2026-03-02"
                }))
                .unwrap()
            })
            .collect();
        checks::evaluation_laws(&plan, &facts, &period).unwrap();
    }
}

/// One team of one rep paid a flat 1% on a 1,000 quota.
fn one_rep() -> testing::PlanRecipe {
    testing::PlanRecipe {
        teams: vec![1],
        quarterly: false,
        quota: 1000,
        target_incentive: 1000,
        component: testing::ComponentRecipe::Rate {
            permille: 10,
            cap_multiple: None,
        },
    }
}
