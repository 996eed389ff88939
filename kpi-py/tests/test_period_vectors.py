"""The shared calendar vectors in kpi-core/testdata/vectors/periods, run from Python."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import VECTORS

CHECKS = [
    pytest.param(case["calendar"], check, id=f"{case['name']}: {check['op']} {check.get('label', check.get('date', ''))}")
    for path in sorted((VECTORS / "periods").glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
    for check in case["checks"]
]


def info(p: kpi_core.Period) -> dict:
    return {"label": p.label, "grain": p.grain, "start": p.start.isoformat(), "end": p.end.isoformat()}


def calendar(settings: dict) -> kpi_core.Calendar:
    # Dates in the settings (holidays) are given as datetime.date, the Python way.
    if "holidays" in settings:
        settings = {**settings, "holidays": [datetime.date.fromisoformat(h) for h in settings["holidays"]]}
    return kpi_core.Calendar(**settings)


def run(settings: dict, check: dict):
    cal = calendar(settings)
    op = check["op"]
    label = lambda: cal.parse_period(check["label"])  # noqa: E731
    date = lambda: datetime.date.fromisoformat(check["date"])  # noqa: E731
    if op == "period_of":
        return info(cal.period_of(date(), check["grain"]))
    if op == "parse":
        return info(label())
    if op in ("next", "prev", "same_period_last_year"):
        return info(getattr(label(), op)())
    if op in ("shift", "trailing"):
        return info(getattr(label(), op)(check["n"]))
    if op == "parent":
        return info(label().parent(check["grain"]))
    if op == "children":
        return [info(p) for p in label().children(check["grain"])]
    if op == "to_date":
        return info(cal.to_date(date(), check["grain"]))
    if op == "elapsed_fraction":
        value = cal.elapsed_fraction(label(), date(), check["basis"])
        assert value is None or isinstance(value, Decimal)
        return None if value is None else str(value)
    if op == "local_date":
        stamp = check["millis"] if "millis" in check else check["rfc3339"]
        return cal.local_date(stamp).isoformat()
    raise AssertionError(f"unknown op {op}")


@pytest.mark.parametrize(("settings", "check"), CHECKS)
def test_calendar_vector(settings: dict, check: dict) -> None:
    if "error" in check:
        with pytest.raises(kpi_core.KpiError) as caught:
            run(settings, check)
        assert caught.value.code == check["error"], str(caught.value)
        assert isinstance(caught.value, kpi_core.PeriodError)
        if "message" in check:
            assert check["message"] in str(caught.value), str(caught.value)
    else:
        assert run(settings, check) == check["expect"]


def test_all_checks_collected() -> None:
    assert len(CHECKS) >= 100
