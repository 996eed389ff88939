"""Report tables as data frames: exact by default, numeric on request (`numbers=`)."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import polars as pl
import pytest

import kpi_core
from conftest import VECTORS

SAMPLE = VECTORS.parent / "sample"


@pytest.fixture(scope="module")
def report() -> kpi_core.Report:
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text(encoding="utf-8"))
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text(encoding="utf-8"))
    return plan.evaluate(facts, "FY2027-Q2")


def test_decimal_frames_are_exact_and_ranks_stay_integers(report) -> None:
    frame = report.to_pandas()
    assert frame["attainment"].dtype == object
    assert all(isinstance(v, Decimal) for v in frame["attainment"].dropna())
    # Company rows have no rank: the column stays whole numbers, missing as <NA>.
    assert str(frame["rank"].dtype) == "Int64"
    assert frame["rank"].isna().any() and frame["rank"].dropna().min() == 1
    sums = report.to_pandas("statements")["amount"].sum()
    assert sums == report.total_payout  # exact to the cent


def test_float_frames_plot_and_match_the_exact_values(report) -> None:
    exact = report.to_pandas()
    floats = report.to_pandas(numbers="float")
    assert floats["attainment"].dtype == "float64" and floats["actual"].dtype == "float64"
    assert str(floats["rank"].dtype) == "Int64"
    for e, f in zip(exact["attainment"], floats["attainment"]):
        assert (e is None and math.isnan(f)) or f == float(e)
    # What failed before: pandas finds numeric data to plot.
    assert "attainment" in floats.select_dtypes("number").columns
    # Text and dates are untouched.
    assert list(floats["goal"]) == list(exact["goal"])


def test_arrow_frames_keep_decimal128(report) -> None:
    frame = report.to_pandas(numbers="arrow")
    assert isinstance(frame["actual"].dtype, pd.ArrowDtype)
    assert "decimal128" in str(frame["actual"].dtype)
    assert frame["actual"].dropna().iloc[0] == report.to_pandas()["actual"].dropna().iloc[0]


def test_polars_frames_are_decimal_or_float(report) -> None:
    exact = report.to_polars("statements")
    assert isinstance(exact.schema["amount"], pl.Decimal)
    assert exact["amount"].sum() == report.total_payout
    floats = report.to_polars("statements", numbers="float")
    assert floats.schema["amount"] == pl.Float64
    assert report.to_pandas("scores", numbers="float")["score"].dtype == "float64"


def test_reviews_and_measures_take_the_same_choice() -> None:
    import datetime

    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text(encoding="utf-8"))
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text(encoding="utf-8"))
    review = plan.review(facts, datetime.date(2026, 10, 31))
    assert review.to_pandas(numbers="float")["attainment"].dtype == "float64"
    assert review.to_pandas()["attainment"].dtype == object
    assert review.to_polars(numbers="float").schema["attainment"] == pl.Float64
    measures = plan.measure(facts, "FY2027-Q2")
    assert measures.to_pandas(numbers="float")["sum"].dtype == "float64"
    assert measures.to_pandas(numbers="arrow")["sum"].dtype != object


def test_numbers_other_than_the_three_are_refused_with_the_choices(report) -> None:
    for bad in ("floats", "Decimal", None, 1.5, ["float"]):
        with pytest.raises(kpi_core.KpiError) as caught:
            report.to_pandas(numbers=bad) if bad is not None else kpi_core.frames.to_pandas(report, numbers=bad)
        assert caught.value.code == "data.invalid_argument" and caught.value.path == "numbers"
        assert '"float" (float64, for plots)' in str(caught.value)
