"""kpi_core.testing: each strategy generates what it promises (valid inputs read, invalid
ones fail with their stated code), every generated plan, period and formula obeys the
checks, and the plan recipes write the same documents as Rust's (shared vectors)."""

import json
import pathlib
from decimal import Decimal, localcontext

import pytest
from hypothesis import HealthCheck, given, settings

import kpi_core
from kpi_core import testing
from kpi_core.errors import KpiError
from kpi_core.testing import checks

RECIPES = pathlib.Path(__file__).parents[2] / "kpi-core/testdata/vectors/testing/recipes.json"
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("case", json.loads(RECIPES.read_text())["cases"], ids=lambda c: str(c["defect"]))
def test_every_recipe_vector_writes_its_document(case):
    recipe = testing.PlanRecipe.from_dict(case["recipe"])
    assert recipe.to_dict() == case["recipe"]
    toml = recipe.to_toml(case["defect"])
    assert toml == case["toml"]
    if case["defect"] is None:
        checks.plan_round_trips(kpi_core.Plan.from_toml(toml))
    else:
        with pytest.raises(KpiError) as raised:
            kpi_core.Plan.from_toml(toml)
        assert raised.value.code == case["code"] == testing.DEFECTS[case["defect"]]


def test_every_defect_is_in_the_vectors():
    defects = {c["defect"] for c in json.loads(RECIPES.read_text())["cases"]}
    assert defects - {None} == set(testing.DEFECTS)


def test_an_unknown_defect_or_component_is_refused():
    recipe = testing.PlanRecipe((1,), False, 1000, 1000, {"kind": "rate", "permille": 5, "cap_multiple": None})
    with pytest.raises(ValueError, match="unknown defect"):
        recipe.to_toml("typo")
    with pytest.raises(ValueError, match="unknown component"):
        testing.PlanRecipe((1,), False, 1000, 1000, {"kind": "bonus"}).to_toml()


@SETTINGS
@given(testing.plans_with_facts(max_size=30))
def test_generated_plans_obey_the_evaluation_laws(case):
    plan, period, facts = case
    checks.plan_round_trips(plan)
    checks.evaluation_laws(plan, facts, period)


@SETTINGS
@given(testing.plans())
def test_generated_plans_have_counterexamples_that_reprice(plan):
    checks.design_counterexamples_reprice(plan)


@SETTINGS
@given(testing.invalid_plans())
def test_invalid_plans_fail_with_their_code(bad):
    with pytest.raises(KpiError) as raised:
        kpi_core.Plan.from_toml(bad.toml)
    assert raised.value.code == bad.code, bad.defect
    assert raised.value.path is not None or raised.value.line is not None


@SETTINGS
@given(testing.formulas(), testing.formula_values())
def test_generated_formulas_check_and_obey_the_laws(case, values):
    checked = kpi_core.formula.check(case.text, testing.FORMULA_NAMES)
    assert checked["type"] == case.result, case.text
    checks.formula_laws(case.text, testing.FORMULA_NAMES, values)


@SETTINGS
@given(testing.invalid_formulas())
def test_invalid_formulas_fail_with_their_code(bad):
    with pytest.raises(KpiError) as raised:
        kpi_core.formula.check(bad.text, testing.FORMULA_NAMES)
    assert raised.value.code == bad.code, bad.text
    assert raised.value.line is not None


@SETTINGS
@given(testing.periods(), testing.grains())
def test_generated_periods_obey_the_period_laws(calendar_period, grain):
    calendar, period = calendar_period
    checks.period_laws(calendar, period.start, grain)


@SETTINGS
@given(testing.hostile_decimals(), testing.hostile_decimals())
def test_hostile_decimals_read_exactly_and_add_exactly_or_overflow(a, b):
    assert kpi_core.formula.evaluate("a", {"a": a}) == a
    try:
        total = kpi_core.formula.evaluate("a + b", {"a": a, "b": b})
    except KpiError as error:
        assert error.code == "data.overflow", error
        with localcontext() as context:
            context.prec = 80
            assert abs(a + b) > testing.MAX_DECIMAL - 1
    else:
        with localcontext() as context:
            context.prec = 80
            exact = a + b
        # kpi keeps 28 places within 96 bits: the sum is exact when it fits, else the
        # nearest at the scale that fits.
        assert abs(total - exact) <= abs(exact).scaleb(-27) + Decimal(1).scaleb(-28)


def test_the_checks_catch_a_broken_law():
    """A check that cannot fail proves nothing: a report whose company total is off by a
    cent fails the roll-up law."""
    recipe = testing.PlanRecipe((2,), False, 1000, 1000, {"kind": "rate", "permille": 50, "cap_multiple": None})
    plan = kpi_core.Plan.from_toml(recipe.to_toml())
    period = plan.parse_period("2026-03")
    import datetime

    facts = [{"id": "f1", "kind": "order", "status": "won", "owner": "m1", "amount": "100", "date": datetime.date(2026, 3, 2)}]
    report = plan.evaluate(kpi_core.FactTable.from_records(facts), period).to_dict()
    for row in report["scorecards"]:
        if row["goal"] == "company":
            row["actual"] = row["actual"] + 1
    with pytest.raises(AssertionError, match="not the sum"):
        checks._roll_ups_add_up(plan.to_dict(), report, checks._metric_definitions(plan.to_dict()))


def test_facts_at_the_ends_of_the_range_read():
    recipe = testing.PlanRecipe((1,), False, 1000, 1000, {"kind": "rate", "permille": 10, "cap_multiple": None})
    plan = kpi_core.Plan.from_toml(recipe.to_toml())
    for label in ("1000-01", "9998-12"):
        period = plan.parse_period(label)

        @settings(max_examples=20, deadline=None)
        @given(testing.fact_records(["m1"], period, min_size=1, max_size=60))
        def facts_read(facts):
            kpi_core.FactTable.from_records(facts)
            checks.evaluation_laws(plan, facts, period)

        facts_read()
        checks.period_laws(plan.calendar, period.start, "month")


def test_recipes_are_checked_like_rust_reads_them():
    good = {"kind": "rate", "permille": 10, "cap_multiple": None}
    for teams, quota, component in [
        ((1,), -5, good),
        ((1,), 1.5, good),
        ((True,), 1000, good),
        ((1,), 1000, {"kind": "rate", "permille": 10, "cap_mutliple": 2}),
        ((1,), 1000, {"kind": "tiered", "retroactive": True, "tiers": [[0, -1]]}),
        ((1,), 1000, {"kind": "gated", "permille": 10}),
    ]:
        with pytest.raises(ValueError):
            testing.PlanRecipe(teams, False, quota, 1000, component).to_toml()


def test_a_lower_is_better_goal_passes_the_attainment_law():
    recipe = testing.PlanRecipe((1,), False, 1000, 1000, {"kind": "rate", "permille": 10, "cap_multiple": None})
    text = recipe.to_toml().replace(
        'id = "orders"\nmetric = "orders"\nscope = "member"', 'id = "orders"\nmetric = "orders"\nscope = "member"\ndirection = "lower"'
    )
    assert 'direction = "lower"' in text
    plan = kpi_core.Plan.from_toml(text)
    period = plan.parse_period("2026-03")
    import datetime

    for count in (1, 3, 5, 7):
        facts = [
            {"id": f"f{i}", "kind": "order", "status": "won", "owner": "m1", "amount": "10", "date": datetime.date(2026, 3, 2)}
            for i in range(count)
        ]
        checks.evaluation_laws(plan, facts, period)
