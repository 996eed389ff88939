"""The Python API beyond the vectors: objects, conversions, errors, the sample company."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import SAMPLE

PLAN = """
version = 1
[org]
teams = [{ id = "east", name = "华东" }]
members = [{ id = "zhang.san", name = "张三", team = "east" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[[goals]]
id = "rep-revenue"
metric = "revenue"
scope = "member"
period = "month"
target = "500000"
[[incentives]]
id = "commission"
applies_to = "members"
components = [{ kind = "rate", metric = "revenue", rate = "0.03" }]
"""


def order(i: int, amount, day: int = 2, owner: str = "zhang.san") -> dict:
    return {"id": f"o{i}", "kind": "order", "owner": owner, "amount": amount,
            "status": "won", "date": datetime.date(2026, 3, day)}


def test_rows_are_objects_with_decimals_and_dates() -> None:
    plan = kpi_core.Plan.from_toml(PLAN)
    facts = kpi_core.FactTable.from_records([order(1, Decimal("300000.00")), order(2, "150000.50"), order(3, 7)])
    report = plan.evaluate(facts, "2026-03")
    row = report.scorecards[0]
    assert (row.goal, row.scope, row.id, row.name, row.team) == ("rep-revenue", "member", "zhang.san", "张三", "east")
    assert row.actual == Decimal("450007.50") and isinstance(row.actual, Decimal)
    assert row.target == Decimal("500000")
    assert row.attainment == Decimal("0.900015")
    assert report.period.start == datetime.date(2026, 3, 1)
    assert report.period.end == datetime.date(2026, 4, 1)
    assert report.period.label == "2026-03" and report.period.grain == "month"
    statement = report.statements[0]
    assert statement.total == Decimal("13500.23")  # 450007.50 * 0.03 = 13500.225 -> half-up
    assert statement.lines[0].explanation == "3% of revenue 450,007.50 = 13,500.23"
    assert report.total_payout == Decimal("13500.23")
    assert report.to_dict()["statements"][0]["lines"][0]["amount"] == Decimal("13500.23")
    assert "张三" in report.to_text()


def test_floats_are_refused_unless_allowed() -> None:
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_records([order(1, 0.1)])
    assert caught.value.code == "data.unsupported_value"
    assert caught.value.path == "[0].amount"
    facts = kpi_core.FactTable.from_records([order(1, 0.1)], allow_float=True)
    assert facts.to_records()[0]["amount"] == Decimal("0.1")


def test_naive_datetimes_are_local_and_odd_types_are_refused() -> None:
    # A naive datetime is a local date-time: the fact's date is its own date part.
    record = order(1, "1")
    record["date"] = datetime.datetime(2026, 3, 1, 23, 30)
    assert kpi_core.FactTable.from_records([record]).to_records()[0]["date"] == datetime.date(2026, 3, 1)
    with pytest.raises(kpi_core.DataError):
        kpi_core.FactTable.from_records([{**order(1, "1"), "amount": object()}])
    with pytest.raises(kpi_core.DataError, match="not a number") as caught:
        kpi_core.FactTable.from_records([order(1, Decimal("NaN"))])
    assert (caught.value.code, caught.value.path) == ("data.unsupported_value", "[0].amount")


def test_records_round_trip() -> None:
    records = [order(1, Decimal("12.30")), {"id": "s1", "kind": "survey", "date": datetime.date(2026, 3, 1),
                                             "attributes": {"score": 5, "channel": "web", "repeat": True}}]
    back = kpi_core.FactTable.from_records(records).to_records()
    assert back[0]["amount"] == Decimal("12.30") and back[0]["date"] == datetime.date(2026, 3, 2)
    assert back[1]["attributes"] == {"channel": "web", "repeat": True, "score": Decimal("5")}
    assert back[1]["owner"] is None
    assert len(kpi_core.FactTable.from_records(records)) == 2


def test_errors_carry_code_and_location() -> None:
    with pytest.raises(kpi_core.PlanError) as caught:
        kpi_core.Plan.from_toml(PLAN.replace('metric = "revenue"', 'metric = "revnue"'))
    err = caught.value
    assert err.code == "plan.unknown_metric" and err.path == "goals[0].metric"
    assert "did you mean `revenue`" in str(err)
    with pytest.raises(kpi_core.FormulaError) as caught:
        kpi_core.Plan.from_toml(PLAN.replace('kind == "order"', 'kind = "order"'))
    assert (caught.value.line, caught.value.column) == (1, 6)
    with pytest.raises(kpi_core.PeriodError):
        kpi_core.Plan.from_toml(PLAN).parse_period("2026-Q5")
    with pytest.raises(kpi_core.PlanError) as caught:
        kpi_core.Plan.from_json("{not json")
    assert caught.value.code == "plan.syntax" and caught.value.line == 1
    assert set(kpi_core.ERROR_CODES) >= {"plan.invalid", "data.invalid_fact", "formula.syntax"}


def test_unassigned_facts_are_counted_not_dropped() -> None:
    plan = kpi_core.Plan.from_toml(PLAN)
    facts = kpi_core.FactTable.from_records([order(1, "100"), order(2, "50", owner="someone.else")])
    rows = {row.id: row for row in plan.evaluate(facts, "2026-03").scorecards}
    assert rows["unassigned"].actual == Decimal("50") and rows["unassigned"].target is None
    assert rows["zhang.san"].actual == Decimal("100")


def test_plan_round_trips_through_json_and_toml() -> None:
    plan = kpi_core.Plan.from_toml(PLAN)
    assert kpi_core.Plan.from_json(plan.to_json()).to_json() == plan.to_json()
    assert kpi_core.Plan.from_toml(plan.to_toml()).to_json() == plan.to_json()
    assert kpi_core.Plan.from_dict(json.loads(plan.to_json())).to_json() == plan.to_json()
    assert plan.version == kpi_core.PLAN_VERSION == 1


def test_sample_company_measures_merge_across_partitions() -> None:
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text(encoding="utf-8"))
    lines = (SAMPLE / "facts.jsonl").read_text(encoding="utf-8").splitlines()
    whole = plan.evaluate(kpi_core.FactTable.from_json_lines("\n".join(lines)), "FY2027-Q2")
    half = len(lines) // 2
    left = plan.measure(kpi_core.FactTable.from_json_lines("\n".join(lines[:half])), "FY2027-Q2")
    right = plan.measure(kpi_core.FactTable.from_json_lines("\n".join(lines[half:])), "FY2027-Q2")
    shipped = kpi_core.Measures.from_json(right.to_json())
    left.merge(shipped)
    assert plan.evaluate_measures(left).to_json() == whole.to_json()
    assert left.period.label == "FY2027-Q2"
    assert left.to_dict()["metrics"]["revenue"]["unassigned"]["count"] > 0
    assert len(whole.statements) == 12
    with pytest.raises(kpi_core.DataError) as caught:
        left.merge(plan.measure(kpi_core.FactTable.from_json_lines(lines[0]), "FY2027-Q1"))
    assert caught.value.code == "data.measures_mismatch"


def test_calendar_and_period_objects() -> None:
    cal = kpi_core.Calendar(fiscal_year_start_month=4, timezone="Asia/Shanghai",
                            holidays=[datetime.date(2026, 10, 1)])
    q = cal.period_of(datetime.date(2026, 8, 15), "quarter")
    assert str(q) == q.label == "FY2027-Q2" and q.grain == "quarter"
    assert datetime.date(2026, 9, 30) in q and datetime.date(2026, 10, 1) not in q
    assert q.next().prev() == q and hash(q.next().prev()) == hash(q)
    assert {q, cal.parse_period("FY2027-Q2")} == {q}
    assert [m.label for m in q.children("month")] == ["2026-07", "2026-08", "2026-09"]
    assert q.parent("year").label == "FY2027" and q.days == 92
    assert cal.count_days(datetime.date(2026, 9, 28), datetime.date(2026, 10, 5), "business") == 4
    assert not cal.is_business_day(datetime.date(2026, 10, 1))
    aware = datetime.datetime(2026, 3, 31, 20, 0, tzinfo=datetime.timezone.utc)
    assert cal.local_date(aware) == datetime.date(2026, 4, 1)
    # A naive datetime is already local: its own date.
    assert cal.local_date(datetime.datetime(2026, 3, 31, 20, 0)) == datetime.date(2026, 3, 31)
    with pytest.raises(kpi_core.DataError):
        cal.local_date([2026, 3, 31])
    assert cal.to_dict()["timezone"] == "Asia/Shanghai"
    with pytest.raises(kpi_core.PeriodError) as caught:
        kpi_core.Calendar(week_start="funday")
    assert caught.value.code == "period.invalid_calendar" and caught.value.path == "calendar.week_start"
    with pytest.raises(kpi_core.PeriodError) as caught:
        kpi_core.Calendar(timezone="Mars/Olympus")
    assert caught.value.code == "period.unknown_timezone"


def test_evaluate_takes_a_period_object_and_reports_it_back() -> None:
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text(encoding="utf-8"))
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text(encoding="utf-8"))
    quarter = plan.calendar.period_of(datetime.date(2026, 8, 1), "quarter")
    report = plan.evaluate(facts, quarter)
    assert report.period == quarter and report.period.label == "FY2027-Q2"
    assert plan.evaluate(facts, "FY2027-Q2").to_json() == report.to_json()
    assert plan.measure(facts, quarter).period == quarter
    assert plan.calendar.period_of(datetime.date(2026, 8, 1), "half").label == "FY2027-H1"


def test_timestamps_become_local_dates_with_the_plan_calendar() -> None:
    shanghai = kpi_core.Calendar(timezone="Asia/Shanghai")
    utc_evening = datetime.datetime(2026, 3, 31, 20, 0, tzinfo=datetime.timezone.utc)
    records = [{**order(1, "1"), "date": utc_evening}, {**order(2, "2"), "date": 1774972800000},
               {**order(3, "3"), "date": "2026-03-31T15:00:00Z"}]
    dates = [r["date"] for r in kpi_core.FactTable.from_records(records, calendar=shanghai).to_records()]
    assert dates == [datetime.date(2026, 4, 1), datetime.date(2026, 4, 1), datetime.date(2026, 3, 31)]
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_records(records)
    assert caught.value.path == "[0].date" and caught.value.row == 0


def test_catalogue_lists_every_kpi_with_its_definition() -> None:
    entries = {e["id"]: e for e in kpi_core.catalogue()}
    assert {"win_rate", "csat", "nps", "market_share", "revenue_yoy", "quota_attainment"} <= entries.keys()
    assert entries["win_rate"]["name_zh"] == "赢单率"
    assert "deals_won" in entries["win_rate"]["metrics"]
    plan = kpi_core.Plan.from_toml('version = 1\ncatalogue = ["win_rate"]\n')
    assert plan.to_json().count("win_rate") == 1  # included, not copied into the document
    with pytest.raises(kpi_core.PlanError) as caught:
        kpi_core.Plan.from_toml('version = 1\ncatalogue = ["win_rat"]\n')
    assert caught.value.path == "catalogue[0]" and "win_rate" in str(caught.value)


def test_credit_splits_round_trip_and_must_total_100_percent() -> None:
    split = {"id": "o1", "kind": "order", "amount": "1000", "date": datetime.date(2026, 3, 2),
             "owners": [{"id": "zhang.san", "share": Decimal("0.6")}, {"id": "li.si", "share": Decimal("0.4")}]}
    back = kpi_core.FactTable.from_records([split]).to_records()[0]
    assert back["owners"] == [{"id": "zhang.san", "share": Decimal("0.6")}, {"id": "li.si", "share": Decimal("0.4")}]
    assert back["owner"] is None
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_records([{**split, "owners": [{"id": "a", "share": Decimal("0.5")}]}])
    assert caught.value.path == "[0].owners" and "100%" in str(caught.value)


def test_append_is_all_or_nothing() -> None:
    facts = kpi_core.FactTable.from_records([order(1, "100")])
    facts.append([order(2, "50"), order(3, "25")])
    assert len(facts) == 3
    with pytest.raises(kpi_core.DataError) as caught:
        facts.append([order(4, "1"), order(2, "2")])  # o2 is already in the table
    assert (caught.value.path, caught.value.row) == ("[1].id", 1)
    assert len(facts) == 3
    plan = kpi_core.Plan.from_toml(PLAN)
    assert plan.evaluate(facts, "2026-03").scorecards[0].actual == Decimal("175")
