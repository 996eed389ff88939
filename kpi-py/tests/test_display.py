"""Notebook display: _repr_html_ tables, readable reprs, and Plan.to_dict."""

import datetime
import pathlib
import re
from decimal import Decimal

import pytest

import kpi_core
from kpi_core import display

SAMPLE = pathlib.Path(__file__).resolve().parents[2] / "kpi-core" / "testdata" / "sample"


@pytest.fixture(scope="module")
def sample():
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text(encoding="utf-8"))
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text(encoding="utf-8"))
    return plan, facts, plan.evaluate(facts, "FY2027-Q2")


def rows_of(html, caption):
    section = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1])


def test_a_report_shows_its_scorecards_with_status_colours_and_its_payouts(sample):
    _, _, report = sample
    html = report._repr_html_()
    assert html.startswith("<div><strong>Report FY2027-Q2</strong>: 39 scorecard rows, 12 statements, payouts 466,675.72")
    scorecards = rows_of(html, "Scorecards")
    # 20 shown, and a row that counts the other 17.
    assert len(scorecards) == display.MAX_ROWS + 1
    assert "… 19 more rows" in scorecards[-1]
    first = scorecards[0]
    assert "<td>company-revenue-quarterly</td>" in first
    assert "<td>15,330,413.67</td><td>13,649,692.13</td><td>112.31%</td>" in first
    assert '<span style="color:#170;font-weight:600">achieved</span>' in first
    # A percent metric reads as a percentage, not 28 digits.
    share = next(r for r in scorecards if "market-share-quarterly" in r)
    assert "<td>5.18%</td><td>6.00%</td><td>86.41%</td>" in share
    payouts = rows_of(html, "Payouts")
    assert payouts[0] == "<td>zhang.san</td><td>张三</td><td>east</td><td>36,839.19</td>"
    # The data is untouched.
    assert report.scorecards[0].attainment == Decimal("1.1231325603532128896448597042")


def test_rows_statements_reviews_and_plans_have_html_too(sample):
    plan, facts, report = sample
    row = report.scorecards[0]._repr_html_()
    assert "<td>112.31%</td>" in row and "achieved" in row
    statement = report.statements[0]._repr_html_()
    assert "<td>zhang.san</td><td>张三</td>" in statement
    assert "Commission: 3% on 1,161,306.26 of Revenue = 34,839.19" in statement
    review = plan.review(facts, datetime.date(2026, 10, 31))._repr_html_()
    assert review.startswith("<div><strong>Review as of 2026-10-31</strong>: 25 goals")
    shown = plan._repr_html_()
    assert shown.startswith("<div><strong>星辰科技 2027财年销售计划</strong>: 9 metrics, 12 goals, 1 incentives")
    assert "<caption>Goals</caption>" in shown and "公司销售额增长10%" in shown


def test_text_is_escaped():
    html = display.table(["a"], [["<script>alert(1)</script>"]])
    assert "<script>" not in html and "&lt;script&gt;" in html
    with pytest.raises(TypeError, match="no HTML for int"):
        display.html_of(3)


def test_the_ingest_report_shows_counts_and_each_rejection():
    _, report = kpi_core.ingest.csv(
        "id,day\no1,03/01/2026\no2,2026-03-01\n",
        '[fields]\nid = "id"\nkind = { value = "order" }\ndate = "day"\n',
    )
    html = report._repr_html_()
    assert rows_of(html, "Ingestion") == ["<td>2</td><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td>"]
    [rejected] = rows_of(html, "Rejected")
    assert rejected.startswith("<td>1</td><td>2</td><td>date</td><td>unparseable_date</td><td>&quot;03/01/2026&quot;")


def test_a_scorecard_row_repr_rounds_attainment_for_reading(sample):
    _, _, report = sample
    assert repr(report.scorecards[0]) == (
        "ScorecardRow(goal='company-revenue-quarterly', id='company', actual=15330413.67, "
        "target=13649692.13, attainment=112.31%, status='achieved')"
    )


def test_plan_to_dict_round_trips_and_feeds_the_component_helpers(sample):
    plan, _, _ = sample
    document = plan.to_dict()
    assert document["name"] == "星辰科技 2027财年销售计划"
    assert kpi_core.Plan.from_dict(document).to_json() == plan.to_json()
    component = document["incentives"][0]["components"][0]
    assert isinstance(component["tiers"][0]["rate"], Decimal)
    result = kpi_core.evaluate_component(component, {"actual": "1500000", "target": "1500000"})
    assert result["amount"] == kpi_core.evaluate_component(
        {**component, "tiers": [{k: str(v) for k, v in t.items()} for t in component["tiers"]]},
        {"actual": "1500000", "target": "1500000"},
    )["amount"]


def test_a_date_as_the_period_says_how_to_get_a_period(sample):
    plan, facts, _ = sample
    with pytest.raises(kpi_core.DataError) as caught:
        plan.evaluate(facts, datetime.date(2026, 6, 30))
    err = caught.value
    assert (err.code, err.path) == ("data.invalid_argument", "period")
    assert 'plan.calendar.period_of(day, "quarter")' in str(err)
    # What it says works.
    quarter = plan.calendar.period_of(datetime.date(2026, 6, 30), "quarter")
    assert quarter.label == "FY2027-Q1"
    assert len(plan.evaluate(facts, quarter).scorecards) > 0
    with pytest.raises(kpi_core.DataError, match=r'such as "2026-03", "2026-Q1" or "FY2027"'):
        plan.evaluate(facts, 42)
