"""kpi agrees with pandas, on every day from 1990 to 2060, wherever pandas defines the same
thing: fiscal quarters and years (Q-MAR, Y-MAR), 52/53-week years and their quarters
(FY5253, FY5253Quarter), and Python's ISO calendar. Deliberate differences are in
docs/periods.md."""

from __future__ import annotations

import datetime

import pytest

import kpi_core

pd = pytest.importorskip("pandas")

FIRST, LAST = datetime.date(1990, 1, 1), datetime.date(2060, 12, 31)
DAYS = [FIRST + datetime.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def labels(cal: kpi_core.Calendar, grain: str) -> list[str]:
    periods, index = cal.period_index(DAYS, grain)
    names = [p.label for p in periods]
    return [names[i] for i in index]


@pytest.mark.parametrize("month", [1, 2, 3, 6, 10, 12])
def test_fiscal_quarters_and_years_match_pandas(month: int) -> None:
    # pandas anchors on the month the fiscal year ENDS in, and names years by their end.
    end_month = pd.Timestamp(2001, month, 1).strftime("%b").upper()
    start_month = month % 12 + 1
    cal = kpi_core.Calendar(fiscal_year_start_month=start_month)
    index = pd.PeriodIndex(pd.DatetimeIndex(DAYS), freq=f"Q-{end_month}")
    if start_month == 1:
        expected = [f"{y}-Q{q}" for y, q in zip(index.qyear, index.quarter)]
    else:
        expected = [f"FY{y}-Q{q}" for y, q in zip(index.qyear, index.quarter)]
    assert labels(cal, "quarter") == expected
    years = pd.PeriodIndex(pd.DatetimeIndex(DAYS), freq=f"Y-{end_month}")
    prefix = "" if start_month == 1 else "FY"
    assert labels(cal, "year") == [f"{prefix}{y}" for y in years.year]
    # And the bounds: pandas' end_time is the last instant; kpi's end is exclusive.
    periods, _ = cal.period_index(DAYS, "quarter")
    for p in periods[1:-1]:
        ref = pd.Period(p.start, freq=f"Q-{end_month}")
        assert ref.start_time.date() == p.start
        assert ref.end_time.date() + datetime.timedelta(days=1) == p.end


def test_iso_weeks_match_python() -> None:
    cal = kpi_core.Calendar()  # weeks start on Monday
    expected = [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02}" for d in DAYS]
    assert labels(cal, "week") == expected


def retail(variation: str, weekday: int, month: int, leap_week_quarter: int = 4) -> kpi_core.Calendar:
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    return kpi_core.Calendar(retail={
        "year_end": variation, "weekday": names[weekday], "month": month,
        "pattern": "4-4-5", "leap_week_quarter": leap_week_quarter,
    })


def last_days(cal: kpi_core.Calendar, grain: str) -> list[datetime.date]:
    periods, _ = cal.period_index(DAYS, grain)
    return [p.end - datetime.timedelta(days=1) for p in periods if FIRST <= p.end - datetime.timedelta(days=1) <= LAST]


@pytest.mark.parametrize(("variation", "weekday", "month"), [
    ("nearest", 5, 1), ("last", 5, 1), ("nearest", 6, 12), ("last", 0, 8), ("nearest", 3, 6), ("last", 4, 2),
])
def test_52_53_week_years_match_fy5253(variation: str, weekday: int, month: int) -> None:
    offset = pd.offsets.FY5253(weekday=weekday, startingMonth=month, variation=variation)
    expected = [t.date() for t in pd.date_range(FIRST, LAST, freq=offset)]
    assert len(expected) >= 70
    assert last_days(retail(variation, weekday, month), "year") == expected


@pytest.mark.parametrize(("variation", "weekday", "month", "extra"), [
    ("nearest", 5, 1, 4), ("last", 5, 1, 1), ("nearest", 6, 12, 2), ("last", 2, 9, 3),
])
def test_retail_quarters_match_fy5253quarter(variation: str, weekday: int, month: int, extra: int) -> None:
    offset = pd.offsets.FY5253Quarter(
        weekday=weekday, startingMonth=month, qtr_with_extra_week=extra, variation=variation,
    )
    expected = [t.date() for t in pd.date_range(FIRST, LAST, freq=offset)]
    assert len(expected) >= 280
    assert last_days(retail(variation, weekday, month, extra), "quarter") == expected
