"""kpi on Apache Spark: a local session measures the sample company per partition, and
the merged measures give the same report as the single-process evaluation."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sys
from decimal import Decimal

import pytest

import kpi_core
from conftest import VECTORS
from kpi_core import spark

pyspark = pytest.importorskip("pyspark")
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

SAMPLE = VECTORS.parent / "sample"
TEXT_ATTRIBUTES = ["business", "churned", "created", "feedback", "order", "segment", "source", "stage"]


@pytest.fixture(scope="module")
def session():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("kpi-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def facts_df(session):
    records = [json.loads(line) for line in (SAMPLE / "facts.jsonl").read_text().splitlines()]
    schema = T.StructType(
        [
            T.StructField("id", T.StringType(), False),
            T.StructField("kind", T.StringType(), False),
            T.StructField("owner", T.StringType()),
            T.StructField("customer", T.StringType()),
            T.StructField("status", T.StringType()),
            T.StructField("amount", T.DecimalType(18, 2)),
            T.StructField("date", T.DateType(), False),
            T.StructField("score", T.LongType()),
        ]
        + [T.StructField(name, T.StringType()) for name in TEXT_ATTRIBUTES]
    )
    rows = [
        (
            r["id"], r["kind"], r.get("owner"), r.get("customer"), r.get("status"),
            Decimal(r["amount"]) if "amount" in r else None, datetime.date.fromisoformat(r["date"]),
            r.get("attributes", {}).get("score"),
            *[r.get("attributes", {}).get(name) for name in TEXT_ATTRIBUTES],
        )
        for r in records
    ]
    return session.createDataFrame(rows, schema).repartition(4)


@pytest.mark.parametrize("period", ["FY2027-Q2", "FY2027-Q1", "FY2027"])
def test_spark_measures_merge_to_the_single_process_report(facts_df, period) -> None:
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text())
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text())
    assert facts_df.rdd.getNumPartitions() == 4
    report = spark.evaluate(plan, facts_df, period)
    assert report.to_json() == plan.evaluate(facts, period).to_json()
