"""The forecast from Python: a plan given as a dict with Python numbers, `row.forecast`
as Decimals, merged measures, and hostile deals and plans (the shared cases are
`vectors/forecast.json` and `vectors/errors.json`, run in test_vectors.py)."""

from __future__ import annotations

import copy
import datetime
import math
from decimal import Decimal

import pytest

import kpi_core

PLAN: dict = {
    "version": 1,
    "org": {
        "teams": [{"id": "east", "name": "华东"}],
        "members": [{"id": "li", "name": "李雷", "team": "east"}, {"id": "wang", "name": "王芳", "team": "east"}],
    },
    "metrics": {"revenue": {"aggregate": "sum", "field": "amount", "filter": 'kind == "order" && status == "won"'}},
    "goals": [{"id": "quota", "metric": "revenue", "scope": "member", "period": "quarter", "target": 100000, "forecast": True}],
    "forecast": {
        "stages": {
            "谈判": {"category": "commit", "probability": 80},
            "方案": {"category": "best_case", "probability": 50.5},
        }
    },
}


def deal(id: str, owner: str, amount: object, **attributes: object) -> dict:
    return {"id": id, "kind": "deal", "status": "open", "owner": owner, "amount": amount, "date": "2026-03-20", "attributes": attributes}


FACTS = [
    {"id": "o1", "kind": "order", "status": "won", "owner": "li", "amount": Decimal("40000"), "date": "2026-01-15"},
    deal("d1", "li", Decimal("30000"), stage="谈判"),
    deal("d2", "li", Decimal("20000"), stage="方案"),
    deal("d3", "wang", Decimal("10000"), stage="谈判", forecast_category="best_case", probability=Decimal("12.5")),
]


def evaluate(plan: dict = PLAN, facts: list = FACTS) -> kpi_core.Report:
    return kpi_core.Plan.from_dict(plan, allow_float=True).evaluate(kpi_core.FactTable.from_records(facts), "2026-Q1")


def test_rows_carry_the_forecast_as_decimals() -> None:
    li, wang = evaluate().scorecards
    assert li.forecast == {
        "closed": Decimal("40000"),
        "commit": Decimal("30000"),
        "best_case": Decimal("20000"),
        "pipeline": Decimal("0"),
        "open": Decimal("50000"),
        # 30,000 x 80% + 20,000 x 50.5%
        "weighted": Decimal("34100"),
        "remaining": Decimal("60000"),
        "coverage": Decimal("50000") / Decimal("60000"),
        "attainment": Decimal("0.7"),
    }
    assert all(isinstance(v, Decimal) for v in li.forecast.values())
    # Wang's deal: its own category and probability over its stage's.
    assert (wang.forecast["best_case"], wang.forecast["weighted"], wang.forecast["attainment"]) == (
        Decimal("10000"),
        Decimal("1250"),
        Decimal("0"),
    )
    assert li.to_dict()["forecast"]["weighted"] == Decimal("34100")


def test_a_goal_without_forecast_has_none() -> None:
    plan = copy.deepcopy(PLAN)
    del plan["goals"][0]["forecast"]
    assert [row.forecast for row in evaluate(plan).scorecards] == [None, None]


def test_measures_merged_from_parts_forecast_as_the_whole() -> None:
    plan = kpi_core.Plan.from_dict(PLAN, allow_float=True)
    parts = [plan.measure(kpi_core.FactTable.from_records(part), "2026-Q1") for part in (FACTS[:2], FACTS[2:])]
    merged = parts[0]
    merged.merge(parts[1])
    apart = [row.forecast for row in plan.evaluate_measures(merged).scorecards]
    assert apart == [row.forecast for row in evaluate().scorecards]
    assert "forecast:commit" in merged.to_dict()["metrics"]


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"forecast_category": "Commit"}, "forecast_category"),
        ({"forecast_category": "承诺"}, "forecast_category"),
        ({"forecast_category": 1}, "forecast_category"),
        ({"probability": 150}, "probability"),
        ({"probability": Decimal("-0.5")}, "probability"),
        ({"probability": "80%"}, "probability"),
        ({"probability": True}, "probability"),
    ],
)
def test_a_deal_kpi_cannot_forecast_is_an_error_at_its_row(attributes: dict, field: str) -> None:
    with pytest.raises(kpi_core.DataError) as caught:
        evaluate(facts=[*FACTS, deal("bad", "li", 1, **attributes)])
    err = caught.value
    assert (err.code, err.path, err.row) == ("data.invalid_fact", f"[4].attributes.{field}", 4)
    assert "deal `bad`" in str(err)


@pytest.mark.parametrize("probability", [math.nan, math.inf, 0.5, Decimal("1E+30")])
def test_a_probability_python_cannot_pass_exactly_never_reaches_the_forecast(probability: object) -> None:
    with pytest.raises(kpi_core.DataError) as caught:
        evaluate(facts=[*FACTS, deal("nan", "li", 1, probability=probability)])
    assert (caught.value.code, caught.value.path) == ("data.unsupported_value", "[4].attributes.probability")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda p: p["forecast"]["stages"]["谈判"].update(probability=100.01), "forecast.stages.谈判.probability"),
        (lambda p: p["forecast"]["stages"]["谈判"].update(category="likely"), "forecast.stages.谈判.category"),
        (lambda p: p["forecast"].update(open="kind ==="), "forecast.open"),
        (lambda p: p["goals"][0].update(forecast="yes"), "goals[0].forecast"),
        (lambda p: p["metrics"]["revenue"].update(aggregate="count", field=None), "goals[0].forecast"),
    ],
)
def test_a_forecast_kpi_cannot_compute_is_a_plan_error(change, path: str) -> None:
    plan = copy.deepcopy(PLAN)
    change(plan)
    plan["metrics"]["revenue"] = {k: v for k, v in plan["metrics"]["revenue"].items() if v is not None}
    with pytest.raises((kpi_core.PlanError, kpi_core.FormulaError)) as caught:
        kpi_core.Plan.from_dict(plan, allow_float=True)
    assert caught.value.path == path or path in str(caught.value), (caught.value.path, str(caught.value))


def test_the_review_says_what_the_open_deals_bring() -> None:
    plan = kpi_core.Plan.from_dict(PLAN, allow_float=True)
    review = plan.review(kpi_core.FactTable.from_records(FACTS), datetime.date(2026, 2, 15))
    [item] = [i for i in review.items if i["id"] == "li"]
    assert (item["forecast"]["commit"], item["forecast"]["weighted"]) == (Decimal("30000"), Decimal("34100"))
    assert "；承诺可覆盖 30,000，加权商机 34,100" in review.to_text("zh-CN")
    assert "; commit covers 30,000, weighted pipeline 34,100" in review.to_text("en")


def test_the_scorecard_documents_and_frames_carry_the_forecast() -> None:
    report = evaluate()
    markdown = report.to_markdown("en")
    assert "| Commit | Best case | Weighted pipeline | Coverage | Forecast |" in markdown
    # Li: commit 30,000, best case 20,000, weighted 34,100, 50,000 / 60,000 = 0.83 times.
    assert "| 30,000.00 | 20,000.00 | 34,100.00 | 0.83× | 70.0% |" in markdown
    assert "0.83倍" in report.to_text("zh-CN")
    text = report.to_text("zh-CN")
    assert all(header in text for header in ["承诺", "最佳情况", "加权商机金额", "覆盖倍数", "预测达成率"])
    assert 'data-forecast_weighted="34100"' in report.to_html("en")
    rows = report.rows("rollups")
    assert rows[0]["forecast_weighted"] == Decimal("35350")
    assert rows[0]["forecast_commit"] == Decimal("30000")
    frame = report.to_pandas("scorecards")
    assert list(frame.columns[-9:]) == [
        "forecast_closed",
        "forecast_commit",
        "forecast_best_case",
        "forecast_pipeline",
        "forecast_open",
        "forecast_weighted",
        "forecast_remaining",
        "forecast_coverage",
        "forecast_attainment",
    ]
    assert frame["forecast_best_case"].tolist() == [Decimal("20000"), Decimal("10000")]
    # A plan without a forecasting goal: no forecast columns in the documents, empty
    # ones in the frames (the same columns whatever the plan).
    plan = copy.deepcopy(PLAN)
    del plan["goals"][0]["forecast"]
    plain = evaluate(plan)
    assert "Commit" not in plain.to_markdown("en")
    assert plain.rows("scorecards")[0]["forecast_commit"] is None
