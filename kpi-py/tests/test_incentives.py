"""Incentives from Python: the shared component vectors, statements as objects and
frames, and the what-if functions."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import VECTORS

CASES = json.loads((VECTORS / "incentives" / "components.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"][:60])
def test_components_price_as_the_vectors_say(case: dict) -> None:
    result = kpi_core.evaluate_component(case["component"], case["inputs"], case.get("rounding"))
    assert isinstance(result["amount"], Decimal)
    assert json.loads(json.dumps(result, default=str)) == case["expected"]


TIERS = {
    "kind": "tiered", "metric": "revenue", "goal": "quota", "on": "attainment", "mode": "marginal",
    "tiers": [{"from": "0", "rate": "0.05"}, {"from": "1", "rate": "0.08"}],
}


def test_the_payout_curve_can_be_sampled_for_plotting() -> None:
    points = kpi_core.sample_curve(TIERS, {"target": 100000}, 0, 2, 4)
    assert points == [
        (Decimal(0), Decimal("0.00")),
        (Decimal("0.5"), Decimal("2500.00")),
        (Decimal(1), Decimal("5000.00")),
        (Decimal("1.5"), Decimal("9000.00")),
        (Decimal(2), Decimal("13000.00")),
    ]


def test_plan_cost_over_a_distribution_of_attainments() -> None:
    cost = kpi_core.model_cost(TIERS, {"target": 100000}, ["0.8", "1", "1.2"])
    assert cost == Decimal("4000.00") + Decimal("5000.00") + Decimal("6600.00")


def test_a_bad_component_is_a_plan_error() -> None:
    with pytest.raises(kpi_core.PlanError):
        kpi_core.evaluate_component({"kind": "tiered"}, {})
    with pytest.raises(kpi_core.DataError):
        kpi_core.evaluate_component(TIERS, {"actual": 0.5, "target": 1})


def test_statements_are_objects_and_frames() -> None:
    doc = json.loads((VECTORS / "incentive_plan.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    report = plan.evaluate(kpi_core.FactTable.from_records(doc["facts"]), "2026-Q1")
    c = report.statements[2]
    kinds = [line.kind for line in c.lines]
    assert kinds == ["tiered", "tiered", "tiered", "bonus", "cap"]
    assert c.lines[1].tier == 1 and c.lines[1].rate == Decimal("0.08")
    assert c.lines[4].component is None and c.lines[4].amount == Decimal("-2400.00")
    assert c.lines[0].explanation_in("zh") == "revenue 前 100,000 按 5% = 5,000.00"
    assert c.total == Decimal("16000.00")
    frame = report.to_pandas("statements")
    assert list(frame.columns[:4]) == ["member", "name", "team", "incentive"]
    assert frame["amount"].sum() == report.total_payout


def test_draw_balances_carry_into_the_next_period() -> None:
    doc = json.loads((VECTORS / "draws.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    facts = kpi_core.FactTable.from_records(doc["facts"])
    january = plan.evaluate(facts, "2026-01")
    assert january.balances() == {"a": {"rep": Decimal("900.00")}, "b": {"rep": Decimal("0.00")}}
    assert january.statements[0].balances == {"rep": Decimal("900.00")}
    february = plan.evaluate(facts, "2026-02", balances=january.balances())
    assert february.statements[0].total == Decimal("3000.00")
    assert february.balances()["a"] == {"rep": Decimal("400.00")}


def test_what_if_prices_given_values_without_facts() -> None:
    doc = json.loads((VECTORS / "incentive_plan.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    values = {"a": {"revenue": 120000}, "b": {"revenue": 40000}, "c": {"revenue": Decimal("190000")}}
    report = plan.what_if("2026-Q1", values)
    assert [s.total for s in report.statements] == [Decimal("7600.00"), Decimal("3000.00"), Decimal("14800.00")]
    with pytest.raises(kpi_core.PlanError):
        plan.what_if("2026-Q1", {"a": {"revnue": 1}})


def test_a_collection_component_prices_payments_and_shows_pending_and_lapsed() -> None:
    collection = {"kind": "collection", "of": 0, "payments": "payments", "lapse_days": 60}
    priced = kpi_core.evaluate_component(
        collection, {"actual": "250", "collected": "5000", "pending": "0", "lapsed": "300"}
    )
    assert priced["amount"] == Decimal("250.00")
    assert [line["explanation"] for line in priced["lines"]] == [
        "5,000 of payments collected, at the rates the bookings earned = 250.00",
        "lapsed, not collected within 60 days of booking: 300.00",
    ]
    assert priced["lines"][1]["explanation_zh"] == "已失效，入账后 60 天内未回款：300.00"
    # Hostile inputs: a float NaN, text that is no number, a wrong type, a huge number.
    for inputs in ({"actual": "1", "pending": float("nan")}, {"actual": "1", "lapsed": "一百"}, {"actual": "1", "collected": [1]}):
        with pytest.raises(kpi_core.KpiError):
            kpi_core.evaluate_component(collection, inputs)
    with pytest.raises(kpi_core.DataError, match="component.lapse_days"):
        kpi_core.evaluate_component({**collection, "lapse_days": 10**30}, {"actual": "1"})
    with pytest.raises(kpi_core.PlanError):
        kpi_core.evaluate_component({**collection, "lapse_days": 2**40}, {"actual": "1"})
