"""Growth over rolling baselines from Python: plans given as dicts with Python numbers,
the row's `baseline` and `fallback`, and hostile baselines (the shared vectors in
`vectors/rolling_baselines.json` and `vectors/errors.json` run in test_vectors.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

import kpi_core


def plan_with(baseline: object, target: object = None) -> dict:
    return {
        "version": 1,
        "org": {
            "teams": [{"id": "east", "name": "East"}],
            "members": [
                {"id": "li", "name": "Li Lei", "team": "east"},
                {"id": "wang", "name": "Wang Fang", "team": "east", "from": "2026-03-01"},
            ],
        },
        "metrics": {"revenue": {"aggregate": "sum", "field": "amount"}},
        "goals": [
            {
                "id": "monthly-growth",
                "metric": "revenue",
                "scope": "member",
                "period": "month",
                "target": target if target is not None else {"growth": Decimal("0.10")},
                "baseline": baseline,
            }
        ],
    }


FACTS = kpi_core.FactTable.from_records(
    [
        {"id": "o0", "kind": "order", "owner": "li", "date": "2025-12-10", "amount": Decimal("600")},
        {"id": "o1", "kind": "order", "owner": "li", "date": "2026-01-10", "amount": Decimal("900")},
        {"id": "o2", "kind": "order", "owner": "li", "date": "2026-02-10", "amount": Decimal("1200")},
        {"id": "o3", "kind": "order", "owner": "li", "date": "2026-03-10", "amount": Decimal("1500")},
        {"id": "o4", "kind": "order", "owner": "wang", "date": "2026-03-20", "amount": Decimal("700")},
    ]
)


def rows(baseline: object, period: str = "2026-03") -> dict:
    report = kpi_core.Plan.from_dict(plan_with(baseline)).evaluate(FACTS, period)
    return {row.id: row for row in report.scorecards}


def test_previous_grows_last_month_and_says_why_a_new_rep_has_none() -> None:
    li, wang = rows({"period": "previous"}).values()
    assert (li.baseline, li.target, li.fallback) == (Decimal("1200"), Decimal("1320.00"), None)
    assert wang.target is None
    assert wang.no_target == {"reason": "baseline_unknown", "period": "2026-02"}


def test_a_decimal_if_missing_is_the_new_reps_target() -> None:
    wang = rows({"period": "previous", "if_missing": Decimal("800")})["wang"]
    assert (wang.target, wang.fallback, wang.baseline) == (Decimal("800.00"), "target", None)
    assert wang.to_dict()["fallback"] == "target"


def test_team_average_and_trailing_with_python_ints() -> None:
    wang = rows({"period": "previous", "if_missing": "team_average"})["wang"]
    assert (wang.target, wang.fallback, wang.baseline) == (Decimal("1320.00"), "team_average", Decimal("1200"))
    li = rows({"trailing": 2})["li"]  # (900 + 1200) / 2 = 1050, +10%
    assert (li.baseline, li.target) == (Decimal("1050"), Decimal("1155.00"))


def test_a_quarter_sums_the_months_baselines() -> None:
    li = rows({"period": "previous"}, "2026-Q1")["li"]
    # December 600, January 900 and February 1,200 each grow by 10%.
    assert (li.baseline, li.target) == (Decimal("2700"), Decimal("2970.00"))
    # Wang has no stint before March: no baseline for January, so none for the quarter.
    wang = rows({"period": "previous"}, "2026-Q1")["wang"]
    assert (wang.target, wang.no_target) == (None, {"reason": "baseline_unknown", "period": "2025-12"})


def test_a_baseline_not_over_by_the_as_of_day_is_pending() -> None:
    plan = kpi_core.Plan.from_dict(plan_with({"period": "previous"}))
    li = plan.evaluate_as_of(FACTS, "2026-Q1", datetime.date(2026, 2, 10)).scorecards[0]
    assert (li.target, li.no_target) == (None, {"reason": "baseline_pending", "period": "2026-02"})


@pytest.mark.parametrize(
    ("baseline", "path", "words"),
    [
        ({"trailing": float("nan")}, "goals[0].baseline.trailing", "not a number"),
        ({"trailing": 0}, "goals[0].baseline.trailing", "1 to 36"),
        ({"trailing": True}, "goals[0].baseline.trailing", "1 to 36"),
        ({"trailing": 10**30}, "goals[0].baseline.trailing", "beyond the decimal range"),
        ({"trailing": 2**40}, "goals[0].baseline.trailing", "1 to 36"),
        ({"trailing": "3"}, "goals[0].baseline.trailing", "1 to 36"),
        ({"period": "previous", "if_missing": Decimal("1e40")}, "goals[0].baseline.if_missing", "beyond the decimal range"),
        ("previous", "goals[0].baseline", '{ period = "previous" }'),
        ({"period": "previous", "if_missing": "1e40"}, "goals[0].baseline.if_missing", "beyond the exact decimal range"),
        ({"period": "previous", "if_missing": "中位数"}, "goals[0].baseline.if_missing", "team_average"),
        ({"period": "previous", "if_missing": ["team_average"]}, "goals[0].baseline.if_missing", "team_average"),
        ({"period": "上个月"}, "goals[0].baseline.period", "`previous` or `last_year`"),
        ({"period": {"period": {"period": "previous"}}}, "goals[0].baseline.period", "string"),
        ({"period": "previous", "trailing": 3}, "goals[0].baseline", "not both"),
        ({}, "goals[0].baseline", "`period`"),
    ],
)
def test_hostile_baselines_are_refused_at_the_field(baseline: object, path: str, words: str) -> None:
    with pytest.raises(kpi_core.KpiError) as caught:
        kpi_core.Plan.from_dict(plan_with(baseline), allow_float=True)
    assert caught.value.path == path, caught.value
    assert words in str(caught.value)


def span_plan(checkpoints: object) -> dict:
    plan = plan_with({"period": "previous"})
    plan["calendar"] = {"fiscal_year_start_month": 4}
    plan["goals"] = [
        {"id": "three-year", "metric": "revenue", "scope": "company", "period": "FY2027..FY2029", "target": 1000,
         "checkpoints": checkpoints}
    ]
    return plan


def test_checkpoints_given_as_python_numbers_review_the_span() -> None:
    plan = kpi_core.Plan.from_dict(span_plan({"every": "year", "targets": [300, Decimal("650"), "1000"]}))
    facts = kpi_core.FactTable.from_records(
        [{"id": "o", "kind": "order", "owner": "li", "date": "2026-05-01", "amount": Decimal("400")}]
    )
    row = plan.evaluate(facts, "FY2027").scorecards[0]
    assert (row.actual, row.target) == (Decimal("400"), Decimal("300"))
    assert row.long_term["checkpoint"] == "FY2027"
    assert row.long_term["remaining"] == Decimal("600")
    with pytest.raises(kpi_core.DataError, match="no goal of the plan applies to the quarter FY2026-Q4"):
        plan.evaluate(facts, "FY2026-Q4")


@pytest.mark.parametrize(
    ("checkpoints", "path", "words"),
    [
        ({"every": "year", "targets": [float("nan"), 650, 1000]}, "goals[0].checkpoints.targets[0]", "not a number"),
        ({"every": "year", "targets": [300, 10**40, 1000]}, "goals[0].checkpoints.targets[1]", "beyond the decimal range"),
        ({"every": "年"}, "goals[0].checkpoints.every", "not a grain"),
        ({"every": {"every": {"every": "year"}}}, "goals[0].checkpoints.every", "string"),
        ({"every": "year", "targets": "300,650,1000"}, "goals[0].checkpoints.targets", "sequence"),
    ],
)
def test_hostile_checkpoints_are_refused_at_the_field(checkpoints: object, path: str, words: str) -> None:
    with pytest.raises(kpi_core.KpiError) as caught:
        kpi_core.Plan.from_dict(span_plan(checkpoints), allow_float=True)
    assert caught.value.path == path, caught.value
    assert words in str(caught.value)
