"""Arrow in and out: FactTable.from_arrow over PyArrow, Polars and pandas, and every
report table as pandas, Polars and Arrow."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import kpi_core
from conftest import VECTORS
from kpi_core import frames

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")

SAMPLE = VECTORS.parent / "sample"
ATTRIBUTES = ["business", "churned", "created", "feedback", "order", "score", "segment", "source", "stage"]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in (SAMPLE / "facts.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def reference() -> kpi_core.FactTable:
    return kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text())


@pytest.fixture(scope="module")
def plan() -> kpi_core.Plan:
    return kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text())


def sample_table(records: list[dict]):
    columns = {
        "id": [r["id"] for r in records],
        "kind": [r["kind"] for r in records],
        "owner": [r.get("owner") for r in records],
        "customer": [r.get("customer") for r in records],
        "status": [r.get("status") for r in records],
        "amount": pa.array([Decimal(r["amount"]) if "amount" in r else None for r in records], pa.decimal128(18, 2)),
        "date": pa.array([datetime.date.fromisoformat(r["date"]) for r in records], pa.date32()),
    }
    for name in ATTRIBUTES:
        columns[name] = [r.get("attributes", {}).get(name) for r in records]
    return pa.table(columns)


def test_pyarrow_polars_and_pandas_give_the_same_facts(records, reference, plan) -> None:
    table = sample_table(records)
    want = reference.to_records()
    for data in (table, pl.from_arrow(table), table.to_batches()[0], table.to_reader()):
        facts = kpi_core.FactTable.from_arrow(data)
        assert facts.to_records() == want, type(data)
    # pandas holds an integer column with missing values as float64: binary floats, which
    # are read only when allowed (or after df.convert_dtypes(), which keeps integers).
    frame = table.to_pandas()
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(frame)
    assert (caught.value.code, caught.value.path) == ("data.unsupported_value", "score")
    assert kpi_core.FactTable.from_arrow(frame, allow_float=True).to_records() == want
    assert kpi_core.FactTable.from_arrow(frame.convert_dtypes()).to_records() == want
    facts = kpi_core.FactTable.from_arrow(table)
    assert plan.evaluate(facts, "FY2027-Q2").to_json() == plan.evaluate(reference, "FY2027-Q2").to_json()


def test_batches_and_polars_chunks_stream(records, reference) -> None:
    table = sample_table(records)
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=1000))
    assert kpi_core.FactTable.from_arrow(reader).to_records() == reference.to_records()


def test_amounts_as_cents_strings_or_floats() -> None:
    base = {"id": ["a", "b"], "kind": ["order", "order"], "date": ["2026-03-01", "2026-03-02"]}
    cents = kpi_core.FactTable.from_arrow(pa.table({**base, "amount": pa.array([1050, None], pa.int64())}), amount_scale=2)
    assert [r["amount"] for r in cents.to_records()] == [Decimal("10.50"), None]
    text = kpi_core.FactTable.from_arrow(pa.table({**base, "amount": ["10.50", "2.5"]}))
    assert [r["amount"] for r in text.to_records()] == [Decimal("10.50"), Decimal("2.5")]
    floats = pa.table({**base, "amount": [10.5, 2.25]})
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(floats)
    assert (caught.value.code, caught.value.path) == ("data.unsupported_value", "amount")
    assert [r["amount"] for r in kpi_core.FactTable.from_arrow(floats, allow_float=True).to_records()] == [
        Decimal("10.5"),
        Decimal("2.25"),
    ]
    with pytest.raises(kpi_core.DataError, match="amount_scale"):
        kpi_core.FactTable.from_arrow(pa.table({**base, "amount": [1, 2]}))
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(pa.table({**base, "amount": ["1", "lots"]}))
    assert (caught.value.path, caught.value.row) == ("amount[1]", 1)


def test_timestamps_become_local_dates() -> None:
    instant = datetime.datetime(2026, 3, 31, 16, 0, tzinfo=datetime.timezone.utc)
    utc = pa.table({"id": ["a"], "kind": ["order"], "date": pa.array([instant], pa.timestamp("ms", tz="UTC"))})
    assert kpi_core.FactTable.from_arrow(utc).to_records()[0]["date"] == datetime.date(2026, 3, 31)
    shanghai = kpi_core.Calendar(timezone="Asia/Shanghai")
    assert kpi_core.FactTable.from_arrow(utc, calendar=shanghai).to_records()[0]["date"] == datetime.date(2026, 4, 1)
    local = utc.set_column(2, "date", utc["date"].cast(pa.timestamp("us", tz="Asia/Shanghai")))
    assert kpi_core.FactTable.from_arrow(local).to_records()[0]["date"] == datetime.date(2026, 4, 1)


def test_renamed_columns_a_constant_kind_and_errors() -> None:
    table = pa.table({"order_id": ["a", "b"], "closed": ["2026-03-01", "2026-03-02"], "rep": ["li.si", None]})
    facts = kpi_core.FactTable.from_arrow(table, columns={"id": "order_id", "date": "closed", "owner": "rep"}, kind="order")
    assert [(r["id"], r["kind"], r["owner"]) for r in facts.to_records()] == [("a", "order", "li.si"), ("b", "order", None)]
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(table, kind="order")
    assert caught.value.path == "id"
    twice = pa.table({"id": ["a", "b", "a"], "kind": ["order"] * 3, "date": ["2026-03-01"] * 3})
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(twice)
    assert (caught.value.code, caught.value.path, caught.value.row) == ("data.invalid_fact", "id[2]", 2)
    batches = pa.RecordBatchReader.from_batches(twice.schema, twice.to_batches(max_chunksize=2))
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(batches)
    assert caught.value.row == 2  # rows number on across batches


def test_report_tables_in_every_frame_library(reference, plan) -> None:
    report = plan.evaluate(reference, "FY2027-Q2")
    for table in ("scorecards", "rollups", "scores", "statements"):
        arrow = report.to_arrow(table)
        assert arrow.num_rows == len(report.rows(table))
        assert report.to_polars(table).height == arrow.num_rows
        assert len(report.to_pandas(table)) == arrow.num_rows
    scorecards = report.to_arrow("scorecards")
    assert pa.types.is_decimal(scorecards.schema.field("actual").type)
    statements = report.to_arrow("statements")
    assert statements.schema.field("amount").type == pa.decimal128(38, 2)
    total = sum(statements.column("amount").to_pylist())
    assert total == sum(s.total for s in report.statements)
    paced = plan.evaluate_as_of(reference, "FY2027", datetime.date(2026, 10, 31)).to_arrow("scorecards")
    assert paced.schema.field("pacing_as_of").type == pa.date32()
    polars = frames.to_polars(report, "statements")
    assert isinstance(polars.schema["amount"], pl.Decimal)


def test_measures_reviews_and_findings_as_frames(reference, plan) -> None:
    measures = plan.measure(reference, "FY2027-Q2")
    rows = measures.rows()
    revenue = {r["scope"]: r["sum"] for r in rows if r["metric"] == "revenue"}
    assert revenue["sun.li"] == Decimal("1684001.11")
    assert measures.to_arrow().num_rows == len(rows) == len(measures.to_pandas()) == measures.to_polars().height
    review = plan.review(reference, datetime.date(2026, 10, 31))
    assert review.to_arrow().num_rows == len(review)
    findings = plan.validate(reference)
    table = frames.to_arrow(findings)
    assert table.num_rows == len(findings) and "code" in table.column_names
    assert len(frames.to_pandas(findings)) == len(findings)


def test_categorical_columns_read_by_their_codes(reference: kpi_core.FactTable, records: list[dict]) -> None:
    """Arrow dictionary arrays, pandas and Polars categoricals: each distinct value is
    interned once and the rows map through their keys; the facts are the same."""
    table = sample_table(records)
    encoded = table
    for name in ["kind", "owner", "customer", "status"]:
        encoded = encoded.set_column(encoded.schema.get_field_index(name), name, encoded[name].dictionary_encode())
    assert pa.types.is_dictionary(encoded.schema.field("owner").type)
    assert kpi_core.FactTable.from_arrow(encoded).to_records() == reference.to_records()
    categorical = pl.from_arrow(table).with_columns(pl.col("owner").cast(pl.Categorical))
    assert kpi_core.FactTable.from_arrow(categorical).to_records() == reference.to_records()
    frame = table.to_pandas()
    frame["status"] = frame["status"].astype("category")
    assert kpi_core.FactTable.from_arrow(frame, allow_float=True).to_records() == reference.to_records()
    # A null key is a missing value: a missing kind is an error at its row.
    kinds = pa.DictionaryArray.from_arrays(pa.array([0, None], pa.int8()), pa.array(["order"]))
    bad = pa.table({"id": ["a", "b"], "kind": kinds, "date": ["2026-03-01"] * 2})
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(bad)
    assert (caught.value.path, caught.value.row) == ("kind[1]", 1)


def test_integer_amounts_are_checked_not_rounded() -> None:
    base = {"id": ["a", "b"], "kind": ["order"] * 2, "date": ["2026-03-01"] * 2}
    cents = kpi_core.FactTable.from_arrow(pa.table({**base, "amount": [1050, -7]}), amount_scale=2)
    assert [r["amount"] for r in cents.to_records()] == [Decimal("10.50"), Decimal("-0.07")]
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(pa.table({**base, "amount": [1, 2]}), amount_scale=30)
    assert (caught.value.code, caught.value.path) == ("data.invalid_argument", "amount_scale")
    huge = pa.array([Decimal("1"), Decimal("9" * 37)], pa.decimal128(38, 0))
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(pa.table({**base, "amount": huge}))
    assert (caught.value.path, caught.value.row) == ("amount[1]", 1)


def test_small_batches_are_joined_with_their_own_dictionaries(records, reference) -> None:
    """Batches with different dictionaries (Parquet row groups, categoricals per chunk)
    are joined before they are stored; the facts, and an error's row, are the same."""
    table = sample_table(records)
    chunks = []
    for batch in table.to_batches(max_chunksize=700):
        owner = batch.column(batch.schema.get_field_index("owner")).dictionary_encode()
        chunks.append(batch.set_column(batch.schema.get_field_index("owner"), "owner", owner))
    assert len(chunks) > 2
    joined = pa.Table.from_batches(chunks)
    assert kpi_core.FactTable.from_arrow(joined).to_records() == reference.to_records()
    ids = table["id"].to_pylist()
    ids[1500] = ids[3]
    bad = pa.RecordBatchReader.from_batches(
        table.schema, table.set_column(0, "id", pa.array(ids)).to_batches(max_chunksize=700)
    )
    with pytest.raises(kpi_core.DataError) as caught:
        kpi_core.FactTable.from_arrow(bad)
    assert (caught.value.path, caught.value.row) == ("id[1500]", 1500)
