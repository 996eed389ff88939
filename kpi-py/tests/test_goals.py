"""Goals from Python: the shared SMART and target-setting vectors, adjustments, pacing,
the review, and report tables as pandas and Polars DataFrames."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import VECTORS

SMART = json.loads((VECTORS / "smart" / "findings.json").read_text(encoding="utf-8"))
TARGETS = json.loads((VECTORS / "targets" / "targets.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", SMART["cases"], ids=lambda c: c["name"])
def test_smart_findings_match_the_vectors(case: dict) -> None:
    plan = kpi_core.Plan.draft_from_toml(case["plan_toml"])
    history = kpi_core.FactTable.from_records(case["history"], allow_float=True) if "history" in case else None
    as_of = datetime.date.fromisoformat(case["as_of"]) if "as_of" in case else None
    findings = plan.validate(history, as_of)
    assert [f.to_dict() for f in findings] == case["expected"]
    for f, want in zip(findings, case["expected"]):
        assert (f.criterion, f.severity, f.code, f.goal, f.path) == (
            want["criterion"], want["severity"], want["code"], want["goal"], want["path"]
        )
        assert f.message_in("zh-CN") == want["message_zh"]
        assert f.message_in("en") == want["message"]


def test_every_finding_code_has_a_vector() -> None:
    seen = {f["code"] for case in SMART["cases"] for f in case["expected"]}
    assert seen == set(kpi_core.FINDING_CODES)


def call_target_function(case: dict):
    args = case["args"]
    name = case["function"]
    if name == "grow":
        return str(kpi_core.targets.grow(Decimal(args["baseline"]), Decimal(args["growth"])))
    if name == "from_market_share":
        return str(kpi_core.targets.from_market_share(args["share"], args["market_size"]))
    if name == "allocate":
        return [str(p) for p in kpi_core.targets.allocate(args["total"], args["weights"], args["places"])]
    check = kpi_core.targets.capacity(args["target"], args["member_targets"])
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in check.items()}


@pytest.mark.parametrize("case", TARGETS["cases"], ids=lambda c: c["name"])
def test_target_setting_matches_the_vectors(case: dict) -> None:
    if "error" in case:
        with pytest.raises(kpi_core.PlanError) as caught:
            call_target_function(case)
        assert caught.value.code == case["error"]["code"]
    else:
        assert call_target_function(case) == case["expected"]


def test_target_functions_refuse_floats() -> None:
    with pytest.raises(kpi_core.DataError):
        kpi_core.targets.grow(0.1, 1)


PLAN = """
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }, { id = "b", name = "B", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "rep"
metric = "revenue"
scope = "member"
period = "month"
target = "1000"
objective = "grow"
"""

FACTS = [
    {"id": "1", "kind": "order", "owner": "a", "amount": "300", "date": datetime.date(2026, 3, 2)},
    {"id": "2", "kind": "order", "owner": "b", "amount": Decimal("900"), "date": datetime.date(2026, 3, 10)},
]


def test_adjustments_keep_the_original_target_and_the_reason() -> None:
    plan = kpi_core.Plan.from_toml(PLAN)
    adjusted = plan.adjust_goal("rep", datetime.date(2026, 3, 1), "market slowdown", targets={"a": 600})
    facts = kpi_core.FactTable.from_records(FACTS)
    row = adjusted.evaluate(facts, "2026-03").scorecards[0]
    assert (row.id, row.target, row.original_target, row.adjustment) == ("a", Decimal(600), Decimal(1000), "market slowdown")
    assert row.attainment == Decimal("0.5") and row.status == "missed"  # a closed month is judged
    # The original plan is unchanged, and history cannot be rewritten.
    assert plan.evaluate(facts, "2026-03").scorecards[0].target == Decimal(1000)
    with pytest.raises(kpi_core.PlanError) as caught:
        adjusted.adjust_goal("rep", datetime.date(2026, 2, 1), "backdated", target=900)
    assert caught.value.path == "goals[0].versions"


def test_pacing_and_the_review() -> None:
    plan = kpi_core.Plan.from_toml(PLAN)
    facts = kpi_core.FactTable.from_records(FACTS)
    report = plan.evaluate_as_of(facts, "2026-03", datetime.date(2026, 3, 15))
    assert report.as_of == datetime.date(2026, 3, 15)
    a = report.scorecards[0]
    assert a.pacing["projected"] == Decimal(620) and a.pacing["projected_status"] == "off_track"
    assert a.pacing["required_per_day"] == Decimal("43.75")
    review = plan.review(facts, datetime.date(2026, 3, 15))
    assert [item["id"] for item in review.items] == ["a"]  # b projects 1860: achieved
    assert len(review) == 1 and json.loads(review.to_json())["as_of"] == "2026-03-15"


def test_report_tables_become_dataframes() -> None:
    pandas = pytest.importorskip("pandas")
    plan = kpi_core.Plan.from_toml(PLAN)
    facts = kpi_core.FactTable.from_records(FACTS)
    report = plan.evaluate_as_of(facts, "2026-03", datetime.date(2026, 3, 15))
    frame = report.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame["id"]) == ["a", "b"]
    assert frame.loc[0, "actual"] == Decimal(300) and frame.loc[0, "pacing_projected"] == Decimal(620)
    scores = report.to_pandas("scores")
    assert list(scores["rank"]) == [2, 1]
    with pytest.raises(kpi_core.DataError):
        report.rows("nope")
    review = plan.review(facts, datetime.date(2026, 3, 15)).to_pandas()
    assert list(review["period_label"]) == ["2026-03"]


def test_report_tables_become_polars_frames() -> None:
    polars = pytest.importorskip("polars")
    plan = kpi_core.Plan.from_toml(PLAN)
    report = plan.evaluate(kpi_core.FactTable.from_records(FACTS), "2026-03")
    frame = report.to_polars()
    assert isinstance(frame, polars.DataFrame)
    assert frame["actual"].to_list() == [Decimal(300), Decimal(900)]
    assert frame.schema["actual"] == polars.Decimal(precision=None, scale=0) or frame.schema["actual"].is_decimal()


DRAFT = """
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "g"
metric = "revenu"
scope = "member"
period = "month"
target = "100"
"""


def test_a_plan_is_compiled_once_and_a_draft_that_fails_its_checks_fails_every_time() -> None:
    facts = kpi_core.FactTable.from_records(
        [{"id": "o1", "kind": "order", "owner": "a", "amount": "60", "date": datetime.date(2026, 3, 2)}]
    )
    draft = kpi_core.Plan.draft_from_toml(DRAFT)
    for _ in range(2):
        with pytest.raises(kpi_core.PlanError) as error:
            draft.evaluate(facts, "2026-03")
        assert error.value.code == "plan.unknown_metric" and error.value.path == "goals[0].metric"
    plan = kpi_core.Plan.draft_from_toml(DRAFT.replace('"revenu"', '"revenue"'))
    first, second = plan.evaluate(facts, "2026-03"), plan.evaluate(facts, "2026-04")
    assert first.scorecards[0].actual == Decimal("60") and second.scorecards[0].actual == Decimal("0")
    adjusted = plan.adjust_goal("g", datetime.date(2026, 4, 1), "a smaller market", target="50")
    assert adjusted.evaluate(facts, "2026-04").scorecards[0].target == Decimal("50")
    assert plan.evaluate(facts, "2026-04").scorecards[0].target == Decimal("100")
