"""The properties kpi relies on, as checks a property test calls on its own inputs. Each
raises ``AssertionError`` naming what broke (Hypothesis then shrinks the input), the same
checks as Rust's ``kpi_core::testing::checks`` and JavaScript's ``checks``."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, localcontext
from typing import Any, Mapping, Sequence

import kpi_core
from kpi_core.errors import KpiError

__all__ = [
    "design_counterexamples_reprice",
    "evaluation_laws",
    "formula_laws",
    "period_laws",
    "plan_round_trips",
]


def plan_round_trips(plan: kpi_core.Plan) -> None:
    """The plan reads back equal from its own TOML and JSON."""
    document = plan.to_dict()
    again = kpi_core.Plan.from_toml(plan.to_toml()).to_dict()
    assert again == document, "the TOML round trip changed the plan"
    again = kpi_core.Plan.from_json(plan.to_json()).to_dict()
    assert again == document, "the JSON round trip changed the plan"


def _outcome(run: Any) -> Any:
    try:
        return ("ok", run())
    except KpiError as error:
        return ("error", error.code)


def evaluation_laws(plan: kpi_core.Plan, facts: Sequence[Mapping[str, Any]], period: kpi_core.Period) -> None:
    """Evaluating ``facts`` for ``period`` obeys the laws every report rests on: the facts'
    order does not matter; measuring two parts and merging the measures, in either order,
    is measuring them all; for goals on a ``sum`` or ``count`` metric, a company goal's
    actual is the sum of the member goal's rows (with ``unassigned``), and each team's the
    sum of its members' (when no member changes team); attainment is actual ÷ target
    (``max(2 - actual ÷ target, 0)`` when lower is better; formula metrics left out), to
    the 28 significant digits Python's decimals keep. Errors must be the same whichever way the facts are read."""
    table = kpi_core.FactTable.from_records(list(facts))
    report = _outcome(lambda: plan.evaluate(table, period).to_dict())
    reversed_table = kpi_core.FactTable.from_records(list(reversed(facts)))
    assert _outcome(lambda: plan.evaluate(reversed_table, period).to_dict()) == report, (
        "the facts' order changed the report"
    )
    if report[0] == "error":
        return
    whole = report[1]
    cut = len(facts) // 2
    left = plan.measure(kpi_core.FactTable.from_records(list(facts[:cut])), period)
    right = plan.measure(kpi_core.FactTable.from_records(list(facts[cut:])), period)
    left_right = kpi_core.Measures.from_json(left.to_json())
    left_right.merge(right)
    right_left = kpi_core.Measures.from_json(right.to_json())
    right_left.merge(left)
    assert left_right.to_dict() == right_left.to_dict(), "merging measures is not commutative"
    assert plan.evaluate_measures(left_right).to_dict() == whole, (
        "merged partial measures evaluate differently from the whole"
    )
    document = plan.to_dict()
    metrics = _metric_definitions(document)
    _roll_ups_add_up(document, whole, metrics)
    for row in whole["scorecards"]:
        definition = metrics.get(row["metric"])
        if definition is None or "formula" in definition:
            continue  # formula metrics may read `target` and give attainment themselves
        actual, target, attainment = row.get("actual"), row.get("target"), row.get("attainment")
        if actual is None or target in (None, 0) or attainment is None:
            continue
        # Python's decimals keep 28 significant digits, kpi's 28 places (at most 96 bits):
        # the two quotients agree to the last digit of the shorter one.
        with localcontext() as context:
            context.prec = 60
            ratio = Decimal(actual) / Decimal(target)
            expected = ratio if row["direction"] == "higher" else max(2 - ratio, Decimal(0))
            off = abs(Decimal(attainment) - expected)
            assert off <= abs(expected).scaleb(-26) + Decimal(1).scaleb(-28), (
                f"attainment of {row['goal']} {row['id']} is {attainment}, not {expected}"
            )


def _metric_definitions(document: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's metrics with the catalogue's it includes (the plan's own win)."""
    metrics: dict[str, Any] = {}
    included = set(document.get("catalogue", []))
    for entry in kpi_core.catalogue():
        if entry["id"] in included:
            metrics.update(entry["metrics"])
    metrics.update(document.get("metrics", {}))
    return metrics


def _roll_ups_add_up(
    document: Mapping[str, Any], report: Mapping[str, Any], metrics: Mapping[str, Any]
) -> None:

    def additive(metric: Any) -> bool:
        definition = metrics.get(metric) or {}
        return definition.get("aggregate") in ("sum", "count") and "formula" not in definition

    member_ids = [m["id"] for m in document.get("org", {}).get("members", [])]
    one_stint_each = len(member_ids) == len(set(member_ids))
    goals = document.get("goals", [])
    rows_of = lambda goal_id: [r for r in report["scorecards"] if r["goal"] == goal_id]  # noqa: E731
    for member_goal in goals:
        if member_goal.get("scope") != "member" or not additive(member_goal.get("metric")):
            continue
        rows = rows_of(member_goal["id"])
        if not rows:
            continue
        for other in goals:
            if other.get("metric") != member_goal.get("metric") or other.get("period") != member_goal.get("period"):
                continue
            for row in rows_of(other["id"]):
                if other.get("scope") == "company":
                    parts = [r for r in rows]
                elif other.get("scope") == "team" and one_stint_each and row["id"] != "unassigned":
                    parts = [r for r in rows if r.get("team") == row["id"]]
                else:
                    continue
                with localcontext() as context:
                    context.prec = 100  # exact for any sum of kpi's decimals
                    expected = sum((Decimal(r["actual"]) for r in parts if r.get("actual") is not None), Decimal(0))
                actual = Decimal(row["actual"]) if row.get("actual") is not None else Decimal(0)
                assert actual == expected, (
                    f"goal {other['id']} for {row['id']} is {actual}, not the sum of goal "
                    f"{member_goal['id']}'s rows ({expected})"
                )


def period_laws(calendar: kpi_core.Calendar, date: datetime.date, grain: str) -> None:
    """``date``'s period of ``grain`` holds the date, its label reads back as it, ``next``
    and ``prev`` undo each other, and consecutive periods tile the timeline."""
    period = calendar.period_of(date, grain)
    assert period.contains(date), f"{period.label} does not hold {date}"
    assert calendar.parse_period(period.label).label == period.label
    try:
        following = period.next()
    except KpiError:
        following = None  # the last period of the supported range has no next one
    if following is not None:
        assert following.prev().label == period.label
        assert following.start == period.end, f"{period.label} and {following.label} do not tile"
    last_day = period.end - datetime.timedelta(days=1)
    assert calendar.period_of(last_day, grain).label == period.label
    assert period.start < period.end


def formula_laws(text: str, names: Mapping[str, str], values: Mapping[str, Any]) -> None:
    """Checking ``text`` against ``names`` either fails with a ``formula.*`` code and a line,
    or gives a formula whose evaluation with ``values`` is a value of its declared type,
    ``None``, or the error ``data.overflow``; checking twice gives the same answer."""
    try:
        checked = kpi_core.formula.check(text, dict(names))
    except KpiError as error:
        assert error.code.startswith("formula."), f"{text}: {error}"
        assert error.line is not None, f"{text}: no line in {error}"
        return
    assert kpi_core.formula.check(text, dict(names)) == checked, f"checking {text} twice differs"
    declared = {name: names[name] for name in checked["names"] if name in names}
    typed = {name: values.get(name) for name in declared}
    try:
        value = kpi_core.formula.evaluate(text, typed)
    except KpiError as error:
        assert error.code == "data.overflow", f"{text}: {error}"
        return
    if value is None:
        return
    kind = {bool: "bool", Decimal: "number", str: "text"}.get(type(value))
    assert checked["type"] in ("any", kind) or (kind == "number" and checked["type"] in (
        "money", "percent", "count", "days")), f"{text} is a {checked['type']} but evaluated to {value!r}"


_INDICES = re.compile(r"\d+")


def design_counterexamples_reprice(plan: kpi_core.Plan) -> None:
    """Every case of every design finding's counterexample, priced by
    ``kpi_core.evaluate_component`` on the component at the finding's path, pays what the
    finding says."""
    document = plan.to_dict()
    rounding = document.get("rounding")
    for finding in plan.design_check():
        i, j = (int(n) for n in _INDICES.findall(finding["path"])[:2])
        component = document["incentives"][i]["components"][j]
        for case in finding["counterexample"]["cases"]:
            paid = kpi_core.evaluate_component(component, case["inputs"], rounding)
            assert paid["amount"] == Decimal(case["paid"]), (
                f"{finding['code']} {finding['path']}: the case {case['role']} re-prices to "
                f"{paid['amount']}, not {case['paid']}"
            )
