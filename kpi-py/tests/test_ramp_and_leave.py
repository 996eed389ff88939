"""Ramp quotas and leave relief from Python: plans given as dicts with Python numbers and
dates, the row's `full_target`, the report's notes, data frames, and hostile ramps, leaves
and `prorate` lists (the shared vectors in `vectors/ramp_and_leave.json` and
`vectors/errors.json` run in test_vectors.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

import kpi_core


def plan_with(ramp: object = None, leaves: object = None, prorate: object = None) -> dict:
    plan: dict = {
        "version": 1,
        "ramp": ramp if ramp is not None else {"steps": [Decimal("0.25"), 0.5, "0.75"]},
        "org": {
            "teams": [{"id": "east", "name": "华东"}],
            "members": [
                {"id": "li", "name": "李雷", "team": "east"},
                {"id": "wang", "name": "王芳", "team": "east", "from": "2026-02-16"},
            ],
            "leaves": leaves
            if leaves is not None
            else [{"member": "li", "from": datetime.date(2026, 3, 9), "until": "2026-03-30", "reason": "产假"}],
        },
        "metrics": {"revenue": {"aggregate": "sum", "field": "amount"}},
        "goals": [
            {
                "id": "quota",
                "metric": "revenue",
                "scope": "member",
                "period": "month",
                "target": 31000,
                "prorate": prorate if prorate is not None else ["ramp", "leave"],
            }
        ],
    }
    return plan


FACTS = kpi_core.FactTable.from_records(
    [
        {"id": "o1", "kind": "order", "owner": "li", "date": "2026-03-05", "amount": Decimal("12000")},
        {"id": "o2", "kind": "order", "owner": "wang", "date": "2026-03-20", "amount": Decimal("5875")},
    ]
)


def rows(period: str = "2026-03", **kwargs: object) -> dict:
    report = kpi_core.Plan.from_dict(plan_with(**kwargs), allow_float=True).evaluate(FACTS, period)
    return {row.id: row for row in report.scorecards}


def test_a_new_rep_ramps_and_a_rep_on_leave_is_relieved() -> None:
    li, wang = rows().values()
    # Li is out 21 of March's 31 days: 31,000 x 10 / 31. Wang is in month 1 of tenure
    # until the 15th (25%), then month 2 (50%): 31,000 x 11.75 / 31.
    assert (li.target, li.full_target, li.attainment) == (Decimal("10000.00"), Decimal("31000"), Decimal("1.2"))
    assert (wang.target, wang.full_target, wang.attainment) == (Decimal("11750.00"), Decimal("31000"), Decimal("0.5"))
    assert li.to_dict()["full_target"] == Decimal("31000")


def test_a_quarter_sums_the_prorated_months_and_a_full_month_away_has_no_target() -> None:
    wang = rows("2026-Q1")["wang"]
    # January: not there yet; February: 13 days at 25% (3,598.21); March 11,750.00.
    assert (wang.target, wang.full_target) == (Decimal("15348.21"), Decimal("93000"))
    away = rows("2026-02", leaves=[{"member": "li", "from": "2026-02-01", "until": "2026-03-01"}])["li"]
    assert (away.target, away.attainment) == (Decimal("0.00"), None)
    assert away.no_target == {"reason": "no_capacity", "period": "2026-02"}


def test_only_what_prorate_names_counts() -> None:
    li, wang = rows(prorate=["ramp"]).values()
    assert (li.target, li.full_target) == (Decimal("31000"), None)
    assert wang.target == Decimal("11750.00")
    li, wang = rows(prorate=["leave"]).values()
    assert (li.target, wang.target, wang.full_target) == (Decimal("10000.00"), Decimal("31000"), None)


def test_the_report_says_which_targets_were_prorated_in_both_languages() -> None:
    report = kpi_core.Plan.from_dict(plan_with(), allow_float=True).evaluate(FACTS, "2026-03")
    assert "target prorated for ramp-up or leave (full target 31,000.00)" in report.to_text("en")
    assert "目标按新人爬坡或休假折算（全额目标 31,000.00）" in report.to_text("zh-CN")


def test_data_frames_carry_the_full_target() -> None:
    pl = pytest.importorskip("polars")
    report = kpi_core.Plan.from_dict(plan_with(), allow_float=True).evaluate(FACTS, "2026-03")
    frame = report.to_polars("scorecards")
    assert frame["full_target"].to_list() == [Decimal("31000"), Decimal("31000")]
    assert isinstance(frame, pl.DataFrame)


@pytest.mark.parametrize(
    ("ramp", "path", "words"),
    [
        ({"steps": [float("nan")]}, "ramp.steps[0]", "not a number"),
        ({"steps": [float("inf")]}, "ramp.steps[0]", "not a number"),
        ({"steps": [0.5, 10**40]}, "ramp.steps[1]", "beyond the decimal range"),
        ({"steps": [Decimal("1.0000000000000000000000000001")]}, "ramp.steps[0]", "from 0 to 1"),
        ({"steps": [-0.25]}, "ramp.steps[0]", "from 0 to 1"),
        ({"steps": [True]}, "ramp.steps[0]", ""),
        ({"steps": []}, "ramp.steps", "1 to 36 steps"),
        ({"steps": [0.5] * 10_000}, "ramp.steps", "not 10000"),
        ({"steps": "0.25,0.5"}, "ramp.steps", "sequence"),
        ({"steps": [0.5], "every": "月"}, "ramp.every", "not a grain"),
        ({"steps": [0.5], "every": {"every": "month"}}, "ramp.every", "string"),
        ({"steps": [0.5], "tenure": "month"}, "ramp.tenure", "unknown field"),
    ],
)
def test_hostile_ramps_are_refused_at_the_field(ramp: object, path: str, words: str) -> None:
    with pytest.raises(kpi_core.KpiError) as caught:
        kpi_core.Plan.from_dict(plan_with(ramp=ramp), allow_float=True)
    assert caught.value.path == path, caught.value
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("leaves", "prorate", "path", "words"),
    [
        ([{"member": "韩梅梅", "from": "2026-03-01", "until": "2026-03-08"}], None, "org.leaves[0].member", "韩梅梅"),
        ([{"member": "li", "from": "2026-03-08", "until": "2026-03-01"}], None, "org.leaves[0].until", "after"),
        ([{"member": "wang", "from": "2025-03-01", "until": "2025-03-08"}], None, "org.leaves[0].from", "outside every stint"),
        ([{"member": "li", "from": "2026-13-01", "until": "2026-03-08"}], None, "org.leaves[0].from", ""),
        ([{"member": "li", "from": 20260301, "until": "2026-03-08"}], None, "org.leaves[0].from", ""),
        ([{"member": "li", "from": "+999999-01-01", "until": "2026-03-08"}], None, "org.leaves[0].from", ""),
        ([{"member": ["li"], "from": "2026-03-01", "until": "2026-03-08"}], None, "org.leaves[0].member", "string"),
        ({"member": "li"}, None, "org.leaves", "sequence"),
        (None, ["tenure"], "goals[0].prorate[0]", "tenure"),
        (None, "ramp", "goals[0].prorate", "sequence"),
        (None, [["ramp"]], "goals[0].prorate[0]", ""),
    ],
)
def test_hostile_leaves_and_prorate_lists_are_refused_at_the_field(
    leaves: object, prorate: object, path: str, words: str
) -> None:
    with pytest.raises(kpi_core.KpiError) as caught:
        kpi_core.Plan.from_dict(plan_with(leaves=leaves, prorate=prorate), allow_float=True)
    assert caught.value.path == path, caught.value
    assert words in str(caught.value)


def test_a_team_goal_is_not_prorated() -> None:
    plan = plan_with()
    plan["goals"][0]["scope"] = "team"
    with pytest.raises(kpi_core.PlanError, match="only member targets are prorated") as caught:
        kpi_core.Plan.from_dict(plan, allow_float=True)
    assert caught.value.code == "plan.invalid"
    assert caught.value.path == "goals[0].prorate"


DRAFT_WITH_AN_EMPTY_STINT = """
version = 1
[ramp]
steps = ["0.5"]
[org]
teams = [{ id = "t", name = "T" }]
members = [
  { id = "a", name = "A", team = "t", from = "2026-03-01" },
  { id = "a", name = "A", team = "t", from = "2026-03-01", until = "2026-03-01" },
]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "team"
metric = "revenue"
scope = "team"
period = "2026-03"
target = "100"
[[goals]]
id = "rep"
metric = "revenue"
scope = "member"
period = "2026-03"
target = "50"
prorate = ["ramp"]
"""


def test_validating_a_draft_whose_stints_loop_gives_findings() -> None:
    # A stint that ends where it starts once made the tenure walk go round forever.
    codes = [f.code for f in kpi_core.Plan.draft_from_toml(DRAFT_WITH_AN_EMPTY_STINT).validate()]
    assert "smart.achievable.team_not_covered" in codes
    assert "smart.plan_invalid" in codes
