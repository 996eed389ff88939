"""The shared vectors in kpi-core/testdata/vectors, run from Python: the same reports as
Rust (compared as JSON text values) and as Python objects (Decimal and date values)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import VECTORS

CASES = [
    pytest.param(doc, case, id=f"{path.name}#{i} {case.get('name', '')}")
    for path in sorted(VECTORS.glob("*.json"))
    for doc in [json.loads(path.read_text(encoding="utf-8"))]
    for i, case in enumerate(doc["cases"])
]

DECIMAL_FIELDS = {
    "actual", "target", "attainment", "gap", "weight", "original_target", "full_target", "baseline", "elapsed",
    "checkpoint_target",
    "projected", "projected_attainment", "remaining", "required_per_day", "score", "basis",
    "rate", "amount", "total",
    "closed", "commit", "best_case", "pipeline", "open", "weighted", "coverage",
}
DATE_FIELDS = {"start", "end", "as_of"}


def run(doc: dict, case: dict) -> "kpi_core.Report | kpi_core.Review":
    plan_toml = case.get("plan_toml", doc.get("plan_toml"))
    if plan_toml is not None:
        plan = kpi_core.Plan.from_toml(plan_toml)
    else:
        plan = kpi_core.Plan.from_dict(case.get("plan", doc.get("plan")), allow_float=True)
    if "facts_json" in case:
        facts = kpi_core.FactTable.from_json(case["facts_json"])
    else:
        facts = kpi_core.FactTable.from_records(case.get("facts", doc.get("facts", [])), allow_float=True)
    if "review" in case:
        return plan.review(facts, datetime.date.fromisoformat(case["review"]))
    if "as_of" in case:
        as_of = datetime.date.fromisoformat(case["as_of"])
        return plan.evaluate_as_of(facts, case.get("period", "2026-01"), as_of)
    return plan.evaluate(facts, case.get("period", "2026-01"), balances=case.get("balances"))


def assert_typed_equal(actual, expected, where="report"):
    """Python values against the vector's JSON: decimals as Decimal, dates as date."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and actual.keys() == expected.keys(), where
        for key in expected:
            value, want = actual[key], expected[key]
            if key in DECIMAL_FIELDS and want is not None:
                assert isinstance(value, Decimal), f"{where}.{key} is {type(value)}"
                assert str(value) == want, f"{where}.{key}: {value} != {want}"
            elif key == "balances":
                assert {k: str(v) for k, v in value.items()} == want, f"{where}.{key}"
                assert all(isinstance(v, Decimal) for v in value.values()), f"{where}.{key}"
            elif key in DATE_FIELDS:
                assert value == datetime.date.fromisoformat(want), f"{where}.{key}"
            else:
                assert_typed_equal(value, want, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_typed_equal(a, e, f"{where}[{i}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


@pytest.mark.parametrize(("doc", "case"), CASES)
def test_vector(doc: dict, case: dict) -> None:
    if "error" in case:
        want = case["error"]
        with pytest.raises(kpi_core.KpiError) as caught:
            run(doc, case)
        err = caught.value
        assert err.code == want["code"], str(err)
        for key in ("path", "line", "column", "row"):
            if key in want:
                assert getattr(err, key) == want[key], f"{key} of {err}"
        if "message" in want:
            assert want["message"] in str(err), str(err)
        family = {"plan": kpi_core.PlanError, "formula": kpi_core.FormulaError,
                  "data": kpi_core.DataError, "period": kpi_core.PeriodError}
        assert isinstance(err, family[want["code"].split(".")[0]])
    else:
        report = run(doc, case)
        assert json.loads(report.to_json()) == case["expected"]
        assert_typed_equal(report.to_dict(), case["expected"])


def test_every_vector_file_is_collected() -> None:
    assert len(CASES) >= 15
