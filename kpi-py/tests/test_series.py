"""Plan.evaluate_series: the shared vectors (kpi-core/testdata/vectors/series), each report
against evaluating its period alone, the long table as frames, and hostile arguments."""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from typing import Any

import pytest

import kpi_core
from conftest import SAMPLE, VECTORS

CASES = json.loads((VECTORS / "series" / "sample.json").read_text())["cases"]


@functools.cache
def sample() -> tuple[kpi_core.Plan, kpi_core.FactTable]:
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text())
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text())
    return plan, facts


def text(value: Any) -> Any:
    """A cell as the vector writes it: decimals and dates as text."""
    if value is None or isinstance(value, str):
        return value
    return str(value)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_series_vectors(case: dict) -> None:
    plan, facts = sample()
    if "error" in case:
        with pytest.raises(kpi_core.KpiError) as raised:
            plan.evaluate_series(facts, case["span"], case["grains"])
        expected = case["error"]
        assert raised.value.code == expected["code"]
        assert raised.value.path == expected["path"]
        assert expected.get("message", "") in str(raised.value)
        return
    series = plan.evaluate_series(facts, case["span"], case["grains"])
    periods = [[r.period.label, r.period.grain, str(r.total_payout)] for r in series.reports]
    assert periods == case["expected"]["periods"]
    rows = [
        [text(row[k]) for k in ("period", "goal", "id", "actual", "attainment")]
        for row in series.rows()
    ]
    assert rows == case["expected"]["scorecards"]
    # Each report is the period's own, byte for byte.
    for report in series:
        assert report.to_json() == plan.evaluate(facts, report.period.label).to_json()


def test_the_long_table_reaches_every_frame_library() -> None:
    plan, facts = sample()
    series = plan.evaluate_series(facts, "FY2027", ["quarter", "month"])
    assert len(series) == 16 and series.periods[0] == "FY2027-Q1"
    assert series.report("FY2027-Q3").period.label == "FY2027-Q3"
    assert series.report("FY2030-Q1") is None
    for table in ("scorecards", "rollups", "scores", "statements"):
        rows = series.rows(table)
        assert len(rows) == sum(len(r.rows(table)) for r in series.reports)
        assert all(list(row)[:2] == ["period", "grain"] for row in rows)
    frame = series.to_pandas("statements")
    assert list(frame.columns[:2]) == ["period", "grain"]
    # Exact decimals by default: the quarters' payout lines add up to their totals.
    for report in series.reports:
        lines = frame[frame["period"] == report.period.label]["amount"]
        assert sum(lines, Decimal(0)) == report.total_payout
    polars = pytest.importorskip("polars")
    scores = series.to_polars("scores", numbers="float")
    assert scores.schema["score"] == polars.Float64
    arrow = series.to_arrow("scorecards")
    assert arrow.num_rows == len(series.rows()) and arrow.column_names[:2] == ["period", "grain"]
    assert "Series(16 periods" in repr(series)


@pytest.mark.parametrize(
    "grains, path",
    [
        (None, "grains"),
        (3, "grains"),
        ({"month"}, "grains"),
        (b"\xff", "grains"),
        (["month", 4], "grains[1]"),
        (["month", float("nan")], "grains[1]"),
        (["\ud800"], "grains[0]"),
        (["ｍｏｎｔｈ"], "grains[0]"),
        ([["month"]], "grains[0]"),
    ],
)
def test_bad_grains_are_coded_errors(grains: Any, path: str) -> None:
    plan, facts = sample()
    with pytest.raises(kpi_core.KpiError) as raised:
        plan.evaluate_series(facts, "FY2027", grains)
    assert raised.value.path == path
    assert raised.value.code in ("data.invalid_argument", "period.unknown_grain")


@pytest.mark.parametrize(
    "span, code",
    [
        (None, "data.invalid_argument"),
        (2027, "data.invalid_argument"),
        (float("inf"), "data.invalid_argument"),
        ("FY2027..", "period.invalid_label"),
        ("９９９９", "period.invalid_label"),
        ("2020-01-01..2020-01-01", "period.invalid_label"),
    ],
)
def test_bad_spans_are_coded_errors(span: Any, code: str) -> None:
    plan, facts = sample()
    with pytest.raises(kpi_core.KpiError) as raised:
        plan.evaluate_series(facts, span, "quarter")
    assert raised.value.code == code, raised.value


def test_a_pandas_series_is_not_a_kpi_series() -> None:
    pandas = pytest.importorskip("pandas")
    with pytest.raises(kpi_core.DataError) as raised:
        kpi_core.frames.to_pandas(pandas.Series([1, 2]))
    assert raised.value.code == "data.invalid_argument" and "pandas" in str(raised.value)


def test_a_huge_span_is_refused_before_any_report() -> None:
    plan, facts = sample()
    with pytest.raises(kpi_core.DataError, match="at most 1000"):
        plan.evaluate_series(facts, "2000..2199", "month")


def test_facts_must_be_a_fact_table() -> None:
    plan, _ = sample()
    with pytest.raises(kpi_core.DataError) as raised:
        plan.evaluate_series([{"id": "x"}], "FY2027", "quarter")
    assert raised.value.path == "facts"


def _python_rows_arrow(data: Any, table: str) -> Any:
    """The table as the rows' Python path builds it (the reference)."""
    from kpi_core import frames

    return frames._arrow_of(data.rows(table))


@pytest.mark.parametrize("table", ["scorecards", "rollups", "scores", "statements"])
def test_arrow_by_column_is_the_rows_arrow(table: str) -> None:
    """Reports with pacing and forecast columns, payout lines without every field, and a
    series: the table built by column in Rust equals the one built from Python rows."""
    pytest.importorskip("pyarrow")
    import datetime

    plan, facts = sample()
    from kpi_core import _kpi_core

    for data in [
        plan.evaluate(facts, "FY2027-Q2"),
        plan.evaluate(facts, "FY2027"),
        plan.evaluate_as_of(facts, "2026-10", datetime.date(2026, 10, 15)),
        plan.evaluate_series(facts, "FY2027", ["quarter", "month"]),
    ]:
        reference = _python_rows_arrow(data, table)
        by_column = _kpi_core._arrow_by_column(data, table)
        if not data.rows(table):
            # No row: the rows' path gives the empty table.
            assert by_column is None and data.to_arrow(table).equals(reference)
            continue
        assert by_column is not None, table  # built in Rust, not through the fallback
        assert by_column.equals(reference), (table, by_column.schema)
        assert data.to_arrow(table).equals(by_column)
        assert kpi_core.frames.to_arrow(data, table).equals(by_column)


def _wide_company() -> tuple[kpi_core.Plan, kpi_core.FactTable]:
    """Revenue in the billions and a ratio of 28 places, both in the `actual` column."""
    plan = kpi_core.Plan.from_toml(
        """
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "li", name = "Li", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[metrics.orders]
aggregate = "count"
[metrics.third]
formula = "orders / 3"
[[goals]]
id = "revenue"
metric = "revenue"
scope = "member"
period = "month"
target = "10000000000"
[[goals]]
id = "third"
metric = "third"
scope = "member"
period = "month"
target = "1"
"""
    )
    facts = kpi_core.FactTable.from_records(
        [{"id": "o1", "kind": "order", "owner": "li", "amount": "12345678901.25", "date": "2026-03-02"}]
    )
    return plan, facts


def test_billions_next_to_a_ratio_of_28_places_are_kept_exact() -> None:
    pa = pytest.importorskip("pyarrow")
    plan, facts = _wide_company()
    report = plan.evaluate(facts, "2026-03")
    actuals = {r.goal: r.actual for r in report.scorecards}
    assert actuals["third"] == Decimal("0.3333333333333333333333333333")
    from kpi_core import _kpi_core

    table = _kpi_core._arrow_by_column(report, "scorecards")
    assert table is not None and table.equals(report.to_arrow())
    assert table.schema.field("actual").type == pa.decimal256(76, 28)
    assert sorted(table.column("actual").to_pylist()) == sorted(actuals.values())
    assert table.equals(_python_rows_arrow(report, "scorecards"))
    frame = report.to_pandas()
    assert set(frame["actual"]) == set(actuals.values())
    polars = pytest.importorskip("polars")
    exact = report.to_polars()
    assert exact.schema["actual"] == polars.String
    assert {Decimal(v) for v in exact["actual"]} == set(actuals.values())
    assert "12345678901.2500000000000000000000000000" in set(exact["actual"])  # written out, no exponent
    with pytest.raises(kpi_core.DataError):
        kpi_core.frames.to_polars(report, numbers=None)
    floats = report.to_polars(numbers="float")
    assert floats.schema["actual"] == polars.Float64
    assert floats.filter(polars.col("goal") == "revenue")["actual"][0] == pytest.approx(12345678901.25)
    series = plan.evaluate_series(facts, "2026-Q1", "month")
    assert series.to_arrow().schema.field("actual").type == pa.decimal256(76, 28)
    assert series.to_polars().height == len(series.rows())
