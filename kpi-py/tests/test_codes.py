"""One vocabulary of codes in the three languages: the lists equal the shared vector
(kpi-core/testdata/vectors/codes/codes.json, written from kpi-core's enums), and each error
code raises kpi-core's class for its family."""

from __future__ import annotations

import json

import pytest

import kpi_core
from kpi_core import ingest
from conftest import SAMPLE, VECTORS

CODES = json.loads((VECTORS / "codes" / "codes.json").read_text(encoding="utf-8"))


def test_the_code_lists_are_kpi_cores() -> None:
    assert kpi_core.ERROR_CODES == [e["code"] for e in CODES["error_codes"]]
    assert kpi_core.FINDING_CODES == CODES["finding_codes"]
    assert kpi_core.REJECTION_REASONS == CODES["rejection_reasons"]
    assert ingest.REJECTION_REASONS is kpi_core.REJECTION_REASONS or (
        ingest.REJECTION_REASONS == kpi_core.REJECTION_REASONS
    )


def test_every_family_class_is_a_kpi_error() -> None:
    for name in {e["class"] for e in CODES["error_codes"]}:
        klass = getattr(kpi_core, name)
        assert issubclass(klass, kpi_core.KpiError), name


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: kpi_core.Plan.from_toml("version = 1\n[[goals]\n"), "plan.syntax"),
        (lambda: kpi_core.formula.check("1 +"), "formula.syntax"),
        (lambda: kpi_core.Calendar().parse_period("2026-13"), "period.invalid_label"),
        (lambda: kpi_core.ingest.presets("zohoo"), "data.invalid_argument"),
    ],
)
def test_errors_are_raised_as_their_familys_class(call, code: str) -> None:
    with pytest.raises(kpi_core.KpiError) as info:
        call()
    assert info.value.code == code
    expected = next(e["class"] for e in CODES["error_codes"] if e["code"] == code)
    assert type(info.value).__name__ == expected


def test_an_unknown_crm_lists_the_crms() -> None:
    with pytest.raises(kpi_core.DataError) as info:
        ingest.presets("zohoo")
    assert info.value.path == "crm"
    assert '"zoho", "fxiaoke"' in str(info.value)


def test_zoho_reads_deals_by_default_and_tells_pages_from_csv() -> None:
    csv = SAMPLE / "zoho" / "Deals.csv"
    page = (SAMPLE / "zoho" / "Deals.pages.jsonl").read_text(encoding="utf-8").splitlines()[0]
    for source in (csv, str(csv), csv.read_text(encoding="utf-8"), page):
        facts, report = ingest.zoho(source)
        same, expected = ingest.zoho(source, module="Deals")
        assert report == expected
        assert report["accepted"] > 0
        assert facts.to_records() == same.to_records()


def test_the_reader_tells_a_page_from_a_csv_export() -> None:
    table = kpi_core.FactTable()
    reader = ingest.CrmReader("zoho", table)
    reader.page_or_csv((SAMPLE / "zoho" / "Deals.csv").read_text(encoding="utf-8"))
    reader.page_or_csv((SAMPLE / "zoho" / "Deals.pages.jsonl").read_text(encoding="utf-8").splitlines()[0])
    report = reader.finish()
    assert report["accepted"] > 0 and len(table) > 0
