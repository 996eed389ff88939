"""The pay cycle from Python: the shared vectors in kpi-core/testdata/vectors/settlements
(closing periods, true-ups of settled periods, verifying a settlement), and hostile
settlements and approvals."""

from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import VECTORS

FILES = sorted((VECTORS / "settlements").glob("*.json"))


def plain(value):
    """A Python value as the JSON the vectors hold (Decimals as their text)."""
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_pay_cycle_vectors(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    closed: list[dict] = []
    for step in doc["steps"]:
        given = [closed[i] for i in step["settlements"]] if "settlements" in step else closed
        facts = kpi_core.FactTable.from_records(doc["facts"][step["facts"]]) if "facts" in step else None
        try:
            if "read" in step:
                document = copy.deepcopy(closed[step["read"]])
                document.update(step["patch"])
                result = plan.verify_settlement(document, facts or kpi_core.FactTable())
            elif "verify" in step:
                result = plan.verify_settlement(closed[step["verify"]], facts)
            elif "close" in step:
                result = plan.close(
                    facts, step["close"], step["approved_by"], step["approved_at"], settlements=given,
                    disputes=step.get("disputes"),
                )
            else:
                report = plan.evaluate(facts, step["evaluate"], settlements=given, disputes=step.get("disputes"))
                result = [s.to_dict() for s in report.statements]
        except kpi_core.KpiError as err:
            assert "error" in step, f"{step['name']}: {err}"
            assert err.code == step["error"]["code"], step["name"]
            if "path" in step["error"]:
                assert err.path == step["error"]["path"], step["name"]
            continue
        assert "error" not in step, f"{step['name']}: expected {step['error']}"
        assert plain(result) == step["expected"], step["name"]
        if "close" in step:
            # A settlement is plain JSON: it goes through json.dumps unchanged.
            assert json.loads(json.dumps(result)) == result
            closed.append(result)


def test_adjustments_are_on_the_statement_as_decimals():
    doc = json.loads((VECTORS / "settlements" / "pay_cycle.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    january = kpi_core.FactTable.from_records(doc["facts"]["january"])
    late = kpi_core.FactTable.from_records(doc["facts"]["late"])
    at = datetime.datetime(2026, 2, 3, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    settlement = plan.close(january, "2026-01", "Li Na (finance)", at)
    assert settlement["approved_at"] == "2026-02-03T09:00:00+08:00"
    report = plan.evaluate(late, "2026-02", settlements=[settlement])
    ann = next(s for s in report.statements if s.member == "a")
    [adjustment] = ann.adjustments
    assert adjustment["amount"] == Decimal("650.00")
    assert adjustment["paid"] == Decimal("450.00") and adjustment["now"] == Decimal("1100.00")
    assert adjustment["changes"] == [{"fact": "o-1234", "change": "added", "kind": "order", "amount": Decimal("2000")}]
    assert ann.total == sum(line.amount for line in ann.lines) + adjustment["amount"]
    assert "o-1234" in report.to_text() and "o-1234" in report.to_text("zh-CN")
    # A settlement kept as JSON text reads back the same.
    stored = json.loads(json.dumps(settlement))
    assert plan.verify_settlement(stored, january)["matches"] is True


@pytest.mark.parametrize(
    ("by", "at", "path"),
    [
        ("Li Na", datetime.datetime(2026, 2, 3, 9, 0), "approved_at"),
        ("Li Na", "2026-02-30T09:00:00Z", "approved_at"),
        ("Li Na", float("nan"), "approved_at"),
        ("", "2026-02-03T09:00:00Z", "approved_by"),
        ("x" * 201, "2026-02-03T09:00:00Z", "approved_by"),
        ("Li\u0000Na", "2026-02-03T09:00:00Z", "approved_by"),
        (7, "2026-02-03T09:00:00Z", "approved_by"),
        (None, "2026-02-03T09:00:00Z", "approved_by"),
    ],
)
def test_hostile_approvals(by, at, path):
    doc = json.loads((VECTORS / "settlements" / "pay_cycle.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    facts = kpi_core.FactTable.from_records(doc["facts"]["january"])
    with pytest.raises(kpi_core.KpiError) as caught:
        plan.close(facts, "2026-01", by, at)
    assert caught.value.code == "data.invalid_argument"
    assert caught.value.path == path


@pytest.mark.parametrize(
    "settlements",
    [
        [float("nan")],
        [{"version": 1e308}],
        "not a list",
        [{"version": 1, "period": [[[[[]]]]]}],
        [None],
    ],
)
def test_hostile_settlements(settlements):
    doc = json.loads((VECTORS / "settlements" / "pay_cycle.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    facts = kpi_core.FactTable.from_records(doc["facts"]["january"])
    with pytest.raises(kpi_core.KpiError) as caught:
        plan.evaluate(facts, "2026-02", settlements=settlements)
    assert caught.value.code in {"data.invalid_settlement", "data.unsupported_value", "data.invalid_argument"}


def test_balances_and_settlements_are_not_both_given():
    doc = json.loads((VECTORS / "settlements" / "pay_cycle.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    facts = kpi_core.FactTable.from_records(doc["facts"]["january"])
    with pytest.raises(kpi_core.KpiError) as caught:
        plan.evaluate(facts, "2026-02", balances={}, settlements=[])
    assert caught.value.code == "data.invalid_argument"


OPEN = {
    "id": "d-7", "member": "b", "period": "2026-01", "incentive": "rep", "component": 0,
    "reason": "o-1299 是我的", "claimed": "300.00", "raised_by": "Bo", "raised_at": "2026-02-05T10:00:00+08:00",
}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"claimed": float("nan")}, "disputes[0].claimed"),
        ({"claimed": "1e400"}, "disputes[0].claimed"),
        ({"component": "first"}, "disputes[0].component"),
        ({"reason": ""}, "disputes[0].reason"),
        ({"reason": "长" * 2001}, "disputes[0].reason"),
        ({"period": "FY2027-Q9"}, "disputes[0].period"),
        ({"raised_at": "yesterday"}, "disputes[0].raised_at"),
        ({"resolution": {"amount": "1", "by": "x"}}, "disputes[0].resolution"),
        ({"unknown": 1}, "disputes[0]"),
    ],
)
def test_hostile_disputes(change, path):
    doc = json.loads((VECTORS / "settlements" / "pay_cycle.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    facts = kpi_core.FactTable.from_records(doc["facts"]["january"])
    with pytest.raises(kpi_core.KpiError) as caught:
        plan.evaluate(facts, "2026-02", disputes=[dict(OPEN, **change)])
    assert caught.value.code in {"data.invalid_argument", "data.unsupported_value"}
    assert caught.value.path.startswith(path)


def test_an_open_dispute_of_a_member_without_lines_is_still_listed():
    doc = json.loads((VECTORS / "settlements" / "pay_cycle.json").read_text(encoding="utf-8"))
    plan = kpi_core.Plan.from_toml(doc["plan_toml"])
    report = plan.evaluate(kpi_core.FactTable(), "2026-02", disputes=[OPEN])
    [bo] = [s for s in report.statements if s.member == "b"]
    assert [d["id"] for d in bo.disputes] == ["d-7"]
    assert "d-7" in report.to_text() and "待处理申诉 d-7" in report.to_text("zh-CN")
