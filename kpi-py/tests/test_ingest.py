"""Ingestion through a column mapping: the shared vectors, from Python."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import VECTORS

CASES = json.loads((VECTORS / "ingest" / "ingest.json").read_text(encoding="utf-8"))["cases"]


def run(case: dict):
    facts = kpi_core.FactTable()
    append = facts.append_csv if case["format"] == "csv" else facts.append_json_lines_mapped
    report = append(case["input"], case["mapping_toml"], strict=case.get("strict", False))
    return facts, report


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_ingestion_matches_the_vectors(case: dict) -> None:
    if "error" in case:
        with pytest.raises(kpi_core.DataError) as caught:
            run(case)
        for key, want in case["error"].items():
            assert getattr(caught.value, key) == want, key
        return
    facts, report = run(case)
    assert report["read"] == report["accepted"] + len(report["rejected"])
    assert json.loads(json.dumps(report)) == case["expected"]["report"]
    # to_records spells out empty fields (None, []) and gives Decimal and date values;
    # the JSON form leaves empty fields out and writes amounts and dates as text.
    records = [
        {
            k: (str(v) if k in ("amount", "date") else v)
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
    assert report == {"read": 1, "accepted": 1, "rejected": []}
    assert len(facts) == 1
