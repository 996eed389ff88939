"""Measures beyond one machine: the heavy pass on Apache Spark, the report on the driver.

Measures are mergeable: measuring each partition of the facts and merging the partial
measures gives exactly the measures of all the facts (sums, counts, minimums, maximums
and distinct values combine; averages and ratios are computed after the merge). So the
pass runs in ``mapInArrow`` on the executors — each partition's Arrow batches become a
``FactTable`` through ``FactTable.from_arrow``, with no Python object per row — and only
one small JSON document per partition travels back to the driver.

>>> from kpi_core import spark                                         # doctest: +SKIP
>>> measures = spark.measure(plan, orders_df, "FY2027-Q2")             # doctest: +SKIP
>>> report = plan.evaluate_measures(measures)                          # doctest: +SKIP

pyspark is an optional dependency; ``kpi_core`` must be installed on the executors.
Fact ids must be unique across partitions (each partition only checks its own).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional, Union

import kpi_core

__all__ = ["evaluate", "measure"]


def measure(
    plan: kpi_core.Plan,
    facts: Any,
    period: Union[str, kpi_core.Period],
    *,
    columns: Optional[Mapping[str, str]] = None,
    kind: Optional[str] = None,
    amount_scale: Optional[int] = None,
    timezone: Optional[str] = None,
) -> kpi_core.Measures:
    """The measures of ``period`` over a Spark DataFrame of facts (the columns that
    ``FactTable.from_arrow`` reads; ``columns``, ``kind`` and ``amount_scale`` as there,
    ``timezone`` for timestamp columns), measured per partition and merged."""
    plan_json = plan.to_json()
    label = period if isinstance(period, str) else period.label
    options = {"columns": dict(columns or {}), "kind": kind, "amount_scale": amount_scale}

    def partition(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        import kpi_core as kpi

        batches = [b for b in batches if b.num_rows]
        if not batches:
            return
        calendar = kpi.Calendar(timezone=timezone) if timezone else None
        facts = kpi.FactTable.from_arrow(pa.Table.from_batches(batches), calendar=calendar, **options)
        partial = kpi.Plan.from_json(plan_json).measure(facts, label)
        yield pa.RecordBatch.from_pydict({"measures": [partial.to_json()]})

    merged: Optional[kpi_core.Measures] = None
    for row in facts.mapInArrow(partition, "measures string").collect():
        part = kpi_core.Measures.from_json(row["measures"])
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    return merged if merged is not None else plan.measure(kpi_core.FactTable(), label)


def evaluate(
    plan: kpi_core.Plan, facts: Any, period: Union[str, kpi_core.Period], **options: Any
) -> kpi_core.Report:
    """The report of ``period``: :func:`measure` on Spark, then the scorecards and
    statements on the driver."""
    return plan.evaluate_measures(measure(plan, facts, period, **options))
