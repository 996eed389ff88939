"""Ingestion through a column mapping: the shared vectors, from Python."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import kpi_core
from kpi_core import ingest
from conftest import VECTORS

CASES = json.loads((VECTORS / "ingest" / "ingest.json").read_text(encoding="utf-8"))["cases"]


def run(case: dict):
    if "crm" in case:
        return run_crm(case)
    facts = kpi_core.FactTable()
    append = facts.append_csv if case["format"] == "csv" else facts.append_json_lines_mapped
    report = append(case["input"], case["mapping_toml"], strict=case.get("strict", False))
    return facts, report


def run_crm(case: dict):
    options = dict(
        mapping=case.get("mapping_toml"),
        strict=case.get("strict", False),
        home_currency=case.get("home_currency"),
    )
    if case["crm"] == "zoho":
        source = case["csv"] if "csv" in case else case["pages"]
        return ingest.zoho(source, module=case["module"], **options)
    return ingest.fxiaoke(case["pages"], **options)


def as_text(value) -> str:
    """An amount or a date as the JSON form writes it (a Decimal without exponent)."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def as_json_attributes(attributes: dict) -> dict:
    """Attributes as the JSON form writes them: a number a float cannot hold as text."""
    return {
        k: (format(v, "f") if isinstance(v, Decimal) and Decimal(repr(float(v))) != v else v)
        for k, v in attributes.items()
    }


def counts_add_up(report: dict) -> bool:
    skipped = len(report.get("skipped", []))
    return report["read"] == report["accepted"] + report["superseded"] + skipped + len(report["rejected"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_ingestion_matches_the_vectors(case: dict) -> None:
    if "error" in case:
        with pytest.raises(kpi_core.DataError) as caught:
            run(case)
        for key, want in case["error"].items():
            assert getattr(caught.value, key) == want, key
        return
    facts, report = run(case)
    assert counts_add_up(report)
    assert json.loads(json.dumps(report)) == case["expected"]["report"]
    # to_records spells out empty fields (None, []) and gives Decimal and date values;
    # the JSON form leaves empty fields out, writes amounts and dates as text, and writes
    # an attribute number that a binary float cannot hold as its digits in a string.
    records = [
        {
            k: (as_text(v) if k in ("amount", "date") else as_json_attributes(v) if k == "attributes" else v)
            for k, v in record.items()
            if v not in (None, [], {})
        }
        for record in facts.to_records()
    ]
    expected = json.loads(json.dumps(case["expected"]["facts"]), parse_int=Decimal, parse_float=Decimal)
    assert records == expected


def test_a_mapping_can_be_a_dict() -> None:
    facts = kpi_core.FactTable()
    report = facts.append_csv(
        "id,day,value\no1,2026-03-01,10\n",
        {"fields": {"id": "id", "kind": {"value": "order"}, "date": "day", "amount": "value"}},
    )
    assert report == {"read": 1, "accepted": 1, "replaced": 0, "superseded": 0, "skipped": [], "rejected": []}
    assert len(facts) == 1


def test_an_ingest_report_has_every_count_as_keys_and_attributes() -> None:
    facts = kpi_core.FactTable()
    mapping = {"fields": {"id": "id", "kind": {"value": "order"}, "date": "day", "amount": "value"}}
    report = facts.append_csv("id,day,value\no1,2026-03-01,10\no2,2026-03-01,lots\n", mapping)
    assert isinstance(report, kpi_core.ingest.IngestReport) and isinstance(report, dict)
    counts = (report.read, report.accepted, report.replaced, report.superseded)
    assert counts == (report["read"], report["accepted"], 0, 0) == (2, 1, 0, 0)
    assert report.skipped == [] and [r["reason"] for r in report.rejected] == ["unparseable_amount"]
    # The documented check holds on every report, with no missing key.
    assert report.read == report.accepted + report.superseded + len(report.skipped) + len(report.rejected)
    assert repr(report) == "IngestReport(read=2, accepted=1, replaced=0, superseded=0, skipped=0, rejected=1)"
    # The CRM readers and the JSON Lines reader give the same type.
    _, crm = kpi_core.ingest.fxiaoke(['{"errorCode": 0, "data": {"dataList": []}}'])
    lines = facts.append_json_lines_mapped('{"id": "o3", "day": "2026-03-02", "value": "1"}', mapping)
    assert type(crm) is type(lines) is kpi_core.ingest.IngestReport and crm.skipped == []


SOURCES = json.loads((VECTORS / "ingest" / "sources.json").read_text(encoding="utf-8"))
SAMPLE = VECTORS.parent / "sample"


def records_by_id(facts: kpi_core.FactTable) -> list[dict]:
    return sorted(facts.to_records(), key=lambda r: r["id"])


def ingest_source(source: dict) -> tuple[kpi_core.FactTable, dict]:
    facts = kpi_core.FactTable()
    summary = dict.fromkeys(["read", "accepted", "replaced", "superseded", "skipped", "rejected"], 0)
    for item in source["inputs"]:
        if "mapping" in item:  # a plain CSV through a column mapping
            _, report = ingest.csv(SAMPLE / item["csv"], (SAMPLE / item["mapping"]).read_text(), facts=facts)
        else:
            mapping = (SAMPLE / source["mapping"]).read_text()
            if "pages" in item:
                # A generator: pages stream one at a time.
                with open(SAMPLE / item["pages"], encoding="utf-8") as lines:
                    pages = (line for line in lines if line.strip())
                    if source["crm"] == "zoho":
                        _, report = ingest.zoho(pages, mapping, module=item["module"], facts=facts)
                    else:
                        _, report = ingest.fxiaoke(pages, mapping, facts=facts)
            else:
                _, report = ingest.zoho(SAMPLE / item["csv"], mapping, module=item["module"], facts=facts)
        assert counts_add_up(report)
        for key in summary:
            value = report.get(key, 0)
            summary[key] += len(value) if isinstance(value, list) else value
    return facts, summary


@pytest.fixture(scope="module")
def reference() -> tuple[kpi_core.Plan, kpi_core.FactTable, list[str]]:
    plan = kpi_core.Plan.from_toml((SAMPLE / SOURCES["plan"]).read_text(encoding="utf-8"))
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / SOURCES["reference"]).read_text(encoding="utf-8"))
    return plan, facts, evaluations(plan, facts)


def evaluations(plan: kpi_core.Plan, facts: kpi_core.FactTable) -> list[str]:
    out = []
    for case in SOURCES["evaluations"]:
        if "as_of" in case:
            report = plan.evaluate_as_of(facts, case["period"], datetime.date.fromisoformat(case["as_of"]))
        else:
            report = plan.evaluate(facts, case["period"])
        out.append(report.to_json())
    return out


@pytest.mark.parametrize("source", SOURCES["sources"], ids=lambda s: s["name"])
def test_every_source_yields_the_sample_company(source: dict, reference) -> None:
    plan, want_facts, want_reports = reference
    facts, summary = ingest_source(source)
    assert summary == source["counts"]
    assert records_by_id(facts) == records_by_id(want_facts)
    assert evaluations(plan, facts) == want_reports


def test_presets_name_the_crm_objects() -> None:
    assert {"Deals", "Sales_Orders", "Invoices", "Accounts", "Leads"} <= set(ingest.presets("zoho"))
    assert {"NewOpportunityObj", "SalesOrderObj", "PaymentObj", "OrderPaymentObj", "RefundObj"} <= set(
        ingest.presets("fxiaoke")
    )
    assert "unknown_object" in ingest.REJECTION_REASONS


def test_a_crm_error_leaves_the_pages_before_it() -> None:
    ok = {"errorCode": 0, "data": {"dataList": [{
        "_id": "o1", "object_describe_api_name": "SalesOrderObj", "owner": ["1000"],
        "order_amount": "10.00", "order_time": 1774972800000, "order_status": "7", "life_status": "normal",
    }]}}
    facts = kpi_core.FactTable()
    with pytest.raises(kpi_core.DataError) as caught:
        ingest.fxiaoke([ok, {"errorCode": 10001, "errorMessage": "system busy"}], facts=facts)
    assert caught.value.code == "data.crm_error"
    assert len(facts) == 1
