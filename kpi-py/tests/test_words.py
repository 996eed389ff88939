"""Words for people: the sample company's text in English and Chinese, pinned by
kpi-core/testdata/vectors/text/sample.json (the same strings as Rust and JavaScript), the
message catalogue, display names, and hostile locales and names."""

from __future__ import annotations

import datetime
import json

import pytest

import kpi_core
from conftest import VECTORS

SAMPLE = VECTORS.parent / "sample"
TEXT = json.loads((VECTORS / "text" / "sample.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample() -> tuple[kpi_core.Plan, kpi_core.FactTable]:
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text(encoding="utf-8"))
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text(encoding="utf-8"))
    return plan, facts


def text_of(plan: kpi_core.Plan, facts: kpi_core.FactTable, case: dict):
    locale = case["locale"]
    kind = case["kind"]

    def with_findings(report: kpi_core.Report) -> kpi_core.Report:
        # `"with_findings": true`: the report carries the plan's SMART findings.
        return report.with_findings(plan.validate(facts)) if case.get("with_findings") else report

    if kind == "report":
        if "as_of" in case:
            report = plan.evaluate_as_of(facts, case["period"], datetime.date.fromisoformat(case["as_of"]))
        else:
            report = plan.evaluate(facts, case["period"])
        return with_findings(report).to_text(locale)
    if kind in ("markdown", "html"):
        report = with_findings(plan.evaluate(facts, case["period"]))
        return report.to_markdown(locale) if kind == "markdown" else report.to_html(locale)
    if kind == "review":
        return plan.review(facts, datetime.date.fromisoformat(case["as_of"])).to_text(locale)
    if kind == "findings":
        return plan.findings_text(facts, locale=locale)
    if kind == "messages":
        return kpi_core.messages(locale)
    raise AssertionError(kind)


@pytest.mark.parametrize("case", TEXT["cases"], ids=[c["name"] for c in TEXT["cases"]])
def test_the_sample_reads_as_the_vectors_say(sample, case) -> None:
    plan, facts = sample
    assert text_of(plan, facts, case) == case["expected"]


def test_chinese_text_has_no_english_status_word(sample) -> None:
    plan, facts = sample
    report = plan.evaluate(facts, "FY2027-Q2")
    zh = report.to_text("zh-CN")
    for word in ["achieved", "on track", "at risk", "off track", "missed", "Scorecard", "Total", "bonus"]:
        assert word not in zh
    assert "未达成" in zh and "达成" in zh and "2027财年第2季度" in zh
    # The quarter is over: judged, never forecast.
    assert {row.status for row in report.scorecards} <= {"achieved", "missed", None}


def test_locales_are_read_leniently_and_refused_clearly(sample) -> None:
    plan, facts = sample
    report = plan.evaluate(facts, "FY2027-Q2")
    assert report.to_text() == report.to_text("en") == report.to_text("en-US")
    assert report.to_text("zh") == report.to_text("zh-CN") == report.to_text("zh_Hans")
    assert kpi_core.messages("zh")["status.missed"] == "未达成"
    assert kpi_core.messages()["status.missed"] == "missed"
    for bad in ["fr", "", "zh-TW", "中文", "en-", "x" * 10_000]:
        with pytest.raises(kpi_core.DataError) as err:
            report.to_text(bad)
        assert err.value.code == "data.invalid_argument"
        assert len(str(err.value)) < 200
    for wrong in [1, ["en"], float("nan"), None.__class__, "\ud800"]:
        with pytest.raises(kpi_core.DataError) as err:
            report.to_text(wrong)
        assert err.value.code == "data.invalid_argument" and "locale" in str(err.value)
    with pytest.raises(kpi_core.DataError):
        kpi_core.messages("klingon")


def test_display_names_fall_back_to_the_name_then_the_id() -> None:
    plan = kpi_core.Plan.from_toml(
        """
version = 1
[org]
teams = [{ id = "t", name = "华东", names = { en = "East" } }]
members = [{ id = "a", name = "Zoë", team = "t" }]
[metrics.revenue]
name = "销售额"
names = { en = "Revenue" }
aggregate = "sum"
field = "amount"
[metrics.deals]
aggregate = "count"
[[goals]]
id = "g"
metric = "revenue"
scope = "member"
period = "month"
target = "100"
[[goals]]
id = "d"
name = "成交数"
metric = "deals"
scope = "member"
period = "month"
target = "2"
[[incentives]]
id = "pay"
applies_to = "members"
components = [{ kind = "rate", metric = "revenue", rate = "0.1" }]
"""
    )
    facts = kpi_core.FactTable.from_records(
        [{"id": "o", "kind": "order", "owner": "a", "amount": "150", "date": "2026-03-02"}]
    )
    report = plan.evaluate(facts, "2026-03")
    en, zh = report.to_text("en"), report.to_text("zh-CN")
    assert "Scorecard: g (metric Revenue)" in en
    assert "目标：g（指标：销售额）" in zh
    assert "Scorecard: 成交数 (metric deals)" in en  # no English name: the name, then the id
    assert "East" in en and "华东" in zh and "Zoë" in en and "Zoë" in zh
    line = report.statements[0].lines[0]
    assert line.explanation == "10% of Revenue 150 = 15.00"
    assert line.explanation_zh == "销售额 150 的 10% = 15.00"


@pytest.mark.parametrize(
    "names",
    [
        '{ fr = "Revenu" }',
        '{ zh = "甲", zh-CN = "乙" }',
        '{ en = "" }',
        '{ en = "   " }',
        '{ en = 5 }',
        '"Revenue"',
        '{ en = "' + "x" * 201 + '" }',
        '{ en = "a\\u0007b" }',
    ],
)
def test_hostile_names_are_plan_errors_at_their_path(names) -> None:
    with pytest.raises(kpi_core.PlanError) as err:
        kpi_core.Plan.from_toml(
            f'version = 1\n[metrics.revenue]\naggregate = "sum"\nfield = "amount"\nnames = {names}\n'
        )
    assert "names" in str(err.value) or "metrics.revenue" in str(err.value)


def test_rows_say_why_they_have_no_target_and_reports_carry_names(sample) -> None:
    plan, facts = sample
    report = plan.evaluate_as_of(facts, "FY2027", datetime.date(2026, 10, 31))
    row = next(r for r in report.scorecards if r.goal == "market-share-revenue")
    assert row.target is None and row.status is None
    assert row.no_target == {"reason": "market_pending", "period": "FY2027-Q3"}
    assert report.labels["teams"]["east"] == {"name": "华东", "names": {"en": "East"}}
    html = plan.evaluate(facts, "FY2027-Q2").to_html("zh-CN")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "2027财年第2季度" in html and "未达成" in html
    markdown = plan.evaluate(facts, "FY2027-Q2").to_markdown("zh-CN")
    assert markdown.startswith("# 期间 2027财年第2季度") and "| 成员 | 张三 | 华东 |" in markdown


def test_hostile_names_are_escaped_in_html_and_markdown() -> None:
    plan = kpi_core.Plan.from_toml(
        """
version = 1
[org]
teams = [{ id = "t", name = "<script>alert(1)</script>" }]
members = [{ id = "a", name = "<img src=x onerror=alert(1)> | *x*", team = "t" }]
[metrics.revenue]
name = "销售额 <b>"
aggregate = "sum"
field = "amount"
[[goals]]
id = "g"
metric = "revenue"
scope = "member"
period = "month"
target = "100"
"""
    )
    facts = kpi_core.FactTable.from_records(
        [{"id": "o", "kind": "order", "owner": "a", "amount": "50", "date": "2026-03-02"}]
    )
    report = plan.evaluate(facts, "2026-03")
    for locale in ("en", "zh-CN"):
        html = report.to_html(locale)
        assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert r"\| \*x\*" in report.to_markdown(locale)


def test_a_report_carries_findings_only_when_given_them() -> None:
    plan = kpi_core.Plan.from_toml(open(SAMPLE / "plan.toml", encoding="utf-8").read())
    facts = kpi_core.FactTable.from_json_lines(open(SAMPLE / "facts.jsonl", encoding="utf-8").read())
    report = plan.evaluate(facts, "FY2027-Q2")
    assert report.findings == [] and 'class="findings"' not in report.to_html("en")
    findings = plan.validate(facts)
    sent = report.with_findings(findings)
    assert [f.code for f in sent.findings] == [f.code for f in findings]
    assert report.findings == []  # a copy: the report itself is unchanged
    html = sent.to_html("zh-CN")
    assert 'class="findings"' in html and 'data-code="smart.achievable.team_not_covered"' in html
    assert sent.to_dict()["findings"][0]["code"] == "smart.achievable.team_not_covered"
    for bad in (5, "x", [1], [None], [report], {"a": findings[0]}):
        with pytest.raises(kpi_core.KpiError) as caught:
            report.with_findings(bad)
        assert caught.value.code == "data.invalid_argument", bad
