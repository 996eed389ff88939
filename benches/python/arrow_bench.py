"""Arrow ingestion plus evaluation from Python: 10M order facts (5,000 reps in teams of
50, 1M customers, two April fiscal years, about two thirds won) built as a PyArrow table,
loaded with ``FactTable.from_arrow`` and evaluated for one fiscal quarter with the bench
plan of ``benches/src/lib.rs``. Prints medians of ``--runs`` runs next to the native
figures (``cargo bench -p kpi-benches --bench measure``).

    .venv/bin/python benches/python/arrow_bench.py [--facts 10000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import kpi_core


def bench_plan(reps: int) -> kpi_core.Plan:
    """The plan of benches/src/lib.rs `plan(reps)`."""
    teams = (reps + 49) // 50
    lines = ["version = 1", "[calendar]", "fiscal_year_start_month = 4", "[org]", "teams = ["]
    lines += [f'  {{ id = "t{t}", name = "Team {t}" }},' for t in range(teams)]
    lines += ["]", "members = ["]
    lines += [f'  {{ id = "r{r}", name = "Rep {r}", team = "t{r // 50}" }},' for r in range(reps)]
    lines += [
        "]",
        "[metrics.revenue]",
        'aggregate = "sum"',
        'field = "amount"',
        "filter = 'kind == \"order\" && status == \"won\"'",
        "[[goals]]",
        'id = "quota"\nmetric = "revenue"\nscope = "member"\nperiod = "quarter"\ntarget = "750000"',
        "[[goals]]",
        'id = "team"\nmetric = "revenue"\nscope = "team"\nperiod = "quarter"\ntarget = "37500000"',
        "[[incentives]]",
        'id = "commission"\napplies_to = "members"\nperiod = "quarter"',
        'components = [{ kind = "rate", metric = "revenue", rate = "0.05" }]',
    ]
    return kpi_core.Plan.from_toml("\n".join(lines))


def cents(values: np.ndarray) -> pa.Array:
    """Integer cents as decimal128(18, 2), exactly: the decimal's unscaled value is the cents."""
    little_endian = np.zeros((len(values), 2), dtype=np.int64)
    little_endian[:, 0] = values
    little_endian[:, 1] = np.where(values < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(values), [None, pa.py_buffer(little_endian.tobytes())])


def orders(n: int, reps: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    index = pa.array(np.arange(n)).cast(pa.string())
    owner = pa.array(rng.integers(0, reps, n)).cast(pa.string())
    customer = pa.array(rng.integers(0, 1_000_000, n)).cast(pa.string())
    statuses = np.array(["won", "won", "lost", "open", "won", "won"])
    start = np.datetime64("2025-04-01")
    return pa.table(
        {
            "id": pc.binary_join_element_wise("o", index, ""),
            "kind": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array(["order"])),
            "owner": pc.binary_join_element_wise("r", owner, ""),
            "customer": pc.binary_join_element_wise("c", customer, ""),
            # Cents as decimal128(18, 2): exact.
            "amount": cents(rng.integers(0, 10_000_000, n)),
            "status": pa.array(statuses[rng.integers(0, 6, n)]),
            "date": pa.array(start + rng.integers(0, 730, n).astype("timedelta64[D]")).cast(pa.date32()),
        }
    )


def median_seconds(work, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    plan = bench_plan(5_000)
    table = orders(args.facts, 5_000)
    print(f"{args.facts:,} facts, Arrow size {table.nbytes / 1e6:.1f} MB")
    load, facts = median_seconds(lambda: kpi_core.FactTable.from_arrow(table), args.runs)
    evaluate, report = median_seconds(lambda: plan.evaluate(facts, "FY2026-Q2"), args.runs)
    measure, _ = median_seconds(lambda: plan.measure(facts, "FY2026-Q2"), args.runs)
    total = sum(s.total for s in report.statements)
    rate = args.facts / 1e6
    print(f"from_arrow          {load * 1e3:9.1f} ms  {rate / load:7.1f} M facts/s")
    print(f"measure (quarter)   {measure * 1e3:9.1f} ms  {rate / measure:7.1f} M facts/s")
    print(f"evaluate (quarter)  {evaluate * 1e3:9.1f} ms  {rate / evaluate:7.1f} M facts/s")
    print(f"load + evaluate     {(load + evaluate) * 1e3:9.1f} ms")
    print(f"commission total    {total}")


if __name__ == "__main__":
    main()
