"""The peer comparison: the quarterly commission run on pandas, Polars, DuckDB, kpi from
Python (Arrow in) and kpi native, in one process run, every total checked to the cent.

The workload (benches/src/compare.rs holds the same integer formulas): N order facts
(10M by default), 5,000 reps in 100 teams of 50, 1M customers, two April fiscal years from
2025-04-01, won/lost/open; a quota of 750,000 per rep per quarter; marginal tiers on
attainment, 5%, 8% above 100%, 12% above 150%, each line rounded half-up to cents; team
roll-ups. Every engine pays fiscal quarter FY2026-Q3 (2025-10-01 .. 2025-12-31).

Each engine loads the data into its own form once (timed as "load"), then runs the
commission computation once untimed (warm-up) and --runs times timed ("run", the median). The peers work in integer cents,
which is exact; kpi in decimals. Ratios are run times against DuckDB's.

    .venv/bin/python benches/compare/run.py [--facts 10000000] [--runs 15] [--engines ...]

`--workload trend` runs the trend instead: every rep's won revenue and commission in every
fiscal quarter of the two years (eight quarters, each paid on the same tiers), and every
team's won revenue in each of the 24 months, as a dashboard's trend chart shows them. kpi
evaluates it as one series (`evaluate_series(facts, "FY2026..FY2027", ["month",
"quarter"])`: every scorecard and statement of 32 periods), the peers as grouped sums
(the same numbers, fewer columns); the totals compared are each quarter's commission and
each month's revenue by team, to the cent.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
from decimal import Decimal

# numpy's OpenBLAS starts a thread per core that spins between calls; nothing here uses
# BLAS, and on two cores those threads take turns from the engines being timed.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after the thread setting, which numpy reads on import)
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPS, CUSTOMERS, TEAM_SIZE = 5_000, 1_000_000, 50
QUOTA_CENTS = 750_000_00
STATUSES = ["won", "lost", "open"]
STATUS_OF_ROW = np.array([0, 0, 1, 2, 0, 0], dtype=np.int8)  # row % 6 -> STATUSES: two thirds won
START = np.datetime64("2025-04-01")
QUARTER = (np.datetime64("2025-10-01"), np.datetime64("2026-01-01"))  # FY2026-Q3, end exclusive
TIERS = [(0, 5), (100, 8), (150, 12)]  # (from % of quota, rate %)


def columns(n: int) -> dict[str, np.ndarray]:
    """The workload's integer columns (benches/src/compare.rs `Workload::row`)."""
    i = np.arange(n, dtype=np.uint64)
    return {
        "rep": ((i * np.uint64(7_919)) ^ (i >> np.uint64(3))) % np.uint64(REPS),
        "customer": (i * np.uint64(104_729)) % np.uint64(CUSTOMERS),
        "status": STATUS_OF_ROW[i % np.uint64(6)],
        "cents": ((i * np.uint64(2_654_435_761)) % np.uint64(10_000_000)).astype(np.int64),
        "day": (i * np.uint64(48_271)) % np.uint64(730),
    }


def arrow_table(cols: dict[str, np.ndarray]) -> pa.Table:
    """The facts as kpi reads them: text ids and names, decimal128 amounts, date32."""
    n = len(cols["cents"])
    index = pa.array(np.arange(n)).cast(pa.string())
    limbs = np.zeros((n, 2), dtype=np.int64)
    limbs[:, 0] = cols["cents"]
    amount = pa.Array.from_buffers(pa.decimal128(18, 2), n, [None, pa.py_buffer(limbs.tobytes())])
    return pa.table(
        {
            "id": pc.binary_join_element_wise("o", index, ""),
            "kind": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array(["order"])),
            "owner": pc.binary_join_element_wise("r", pa.array(cols["rep"]).cast(pa.string()), ""),
            "customer": pc.binary_join_element_wise("c", pa.array(cols["customer"]).cast(pa.string()), ""),
            "status": pa.DictionaryArray.from_arrays(pa.array(cols["status"].astype(np.int32)), pa.array(STATUSES)),
            "amount": amount,
            "date": pa.array(START + cols["day"].astype("timedelta64[D]")).cast(pa.date32()),
        }
    )


def commission_cents(revenue: np.ndarray) -> np.ndarray:
    """Marginal tiers on attainment, each line rounded half-up to cents (integers)."""
    total = np.zeros_like(revenue)
    bounds = [t[0] * QUOTA_CENTS // 100 for t in TIERS] + [None]
    for (start_pct, rate), low, high in zip(TIERS, bounds, bounds[1:]):
        basis = revenue - low if high is None else np.minimum(revenue, high) - low
        basis = np.maximum(basis, 0)
        total += (basis * rate + 50) // 100  # rate% of cents, half-up
    return total


def money(cents: int) -> str:
    return str(Decimal(int(cents)).scaleb(-2))


def result(engine: str, load: float, runs: list[float], by_team: dict[str, int]) -> dict:
    return {
        "engine": engine,
        "load_s": load,
        "run_s": statistics.median(runs),
        "total": money(sum(by_team.values())),
        "teams": {t: money(v) for t, v in sorted(by_team.items())},
    }


def timed(work, runs: int):
    """`runs` timed calls of `work` after one untimed call: the first run of an engine pays
    for growing its allocator's heap and faulting in fresh pages (kpi from Python: 35-43 ms
    for the first few runs, 24-26 ms after), which is not the steady state compared."""
    work()
    times, out = [], None
    for _ in range(runs):
        began = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - began)
    return times, out


def load_pandas(cols):
    """The orders as a pandas frame, and the seconds it took (each engine's "load")."""
    import pandas as pd

    began = time.perf_counter()
    frame = pd.DataFrame(
        {
            "owner": cols["rep"].astype(np.int64),
            "status": pd.Categorical.from_codes(cols["status"], STATUSES),
            "cents": cols["cents"],
            "date": START + cols["day"].astype("timedelta64[D]"),
        }
    )
    load = time.perf_counter() - began
    return frame, load


def load_polars(cols):
    """The orders as a Polars frame, and the seconds it took."""
    import polars as pl

    began = time.perf_counter()
    frame = pl.DataFrame(
        {
            "owner": cols["rep"].astype(np.int64),
            "status": pl.Series(np.array(STATUSES)[cols["status"]]).cast(pl.Categorical),
            "cents": cols["cents"],
            "date": pl.Series(START + cols["day"].astype("timedelta64[D]")).cast(pl.Date),
        }
    )
    load = time.perf_counter() - began
    return frame, load


def load_duckdb(cols):
    """A DuckDB connection holding the orders in table `orders`, and the seconds it took."""
    import duckdb

    began = time.perf_counter()
    con = duckdb.connect()
    source = pa.table(
        {
            "owner": cols["rep"].astype(np.int64),
            "status": pa.DictionaryArray.from_arrays(pa.array(cols["status"].astype(np.int32)), pa.array(STATUSES)),
            "cents": cols["cents"],
            "date": pa.array(START + cols["day"].astype("timedelta64[D]")).cast(pa.date32()),
        }
    )
    con.execute("CREATE TABLE orders AS SELECT * FROM source")
    load = time.perf_counter() - began
    return con, load


def run_pandas(cols, runs):
    import pandas as pd

    frame, load = load_pandas(cols)

    def work():
        won = frame[(frame["status"] == "won") & (frame["date"] >= QUARTER[0]) & (frame["date"] < QUARTER[1])]
        revenue = won.groupby("owner")["cents"].sum()
        pay = pd.Series(commission_cents(revenue.to_numpy()), index=revenue.index)
        return pay.groupby(pay.index // TEAM_SIZE).sum()

    times, teams = timed(work, runs)
    return result("pandas", load, times, {f"t{t}": int(v) for t, v in teams.items()})


def run_polars(cols, runs):
    import polars as pl

    frame, load = load_polars(cols)
    start, end = (d.astype(object) for d in QUARTER)
    quota = QUOTA_CENTS

    def work():
        revenue = (
            frame.lazy()
            .filter((pl.col("status") == "won") & (pl.col("date") >= start) & (pl.col("date") < end))
            .group_by("owner")
            .agg(pl.col("cents").sum().alias("revenue"))
        )
        b1 = pl.min_horizontal(pl.col("revenue"), pl.lit(quota))
        b2 = pl.max_horizontal(pl.min_horizontal(pl.col("revenue"), pl.lit(quota * 3 // 2)) - quota, pl.lit(0))
        b3 = pl.max_horizontal(pl.col("revenue") - quota * 3 // 2, pl.lit(0))
        pay = ((b1 * 5 + 50) // 100) + ((b2 * 8 + 50) // 100) + ((b3 * 12 + 50) // 100)
        return (
            revenue.with_columns(pay.alias("pay"), (pl.col("owner") // TEAM_SIZE).alias("team"))
            .group_by("team")
            .agg(pl.col("pay").sum())
            .collect()
        )

    times, teams = timed(work, runs)
    return result("Polars", load, times, {f"t{t}": int(p) for t, p in teams.iter_rows()})


def run_duckdb(cols, runs):
    con, load = load_duckdb(cols)
    q = QUOTA_CENTS
    sql = f"""
        WITH revenue AS (
            SELECT owner, SUM(cents) AS r FROM orders
            WHERE status = 'won' AND date >= DATE '2025-10-01' AND date < DATE '2026-01-01'
            GROUP BY owner
        )
        SELECT owner // {TEAM_SIZE} AS team,
               SUM((LEAST(r, {q}) * 5 + 50) // 100
                 + (GREATEST(LEAST(r, {q * 3 // 2}) - {q}, 0) * 8 + 50) // 100
                 + (GREATEST(r - {q * 3 // 2}, 0) * 12 + 50) // 100) AS pay
        FROM revenue GROUP BY team
    """
    times, teams = timed(lambda: con.execute(sql).fetchall(), runs)
    return result("DuckDB", load, times, {f"t{t}": int(p) for t, p in teams})


def run_kpi_python(table, runs):
    import kpi_core

    sys.path.insert(0, str(ROOT / "benches" / "python"))
    plan = kpi_core.Plan.from_toml(plan_toml())
    began = time.perf_counter()
    facts = kpi_core.FactTable.from_arrow(table)
    load = time.perf_counter() - began
    times, report = timed(lambda: plan.evaluate(facts, "FY2026-Q3"), runs)
    teams: dict[str, int] = {}
    for s in report.statements:
        teams[s.team] = teams.get(s.team, 0) + int(s.total * 100)
    return result("kpi (Python, Arrow in)", load, times, teams)


MONTH0 = 2025 * 12 + 4  # April 2025: fiscal month 0


def quarter_label(q: int) -> str:
    return f"FY{2026 + q // 4}-Q{q % 4 + 1}"


def month_label(m: int) -> str:
    return f"{2025 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}"


def trend_totals(pay: dict, revenue: dict) -> dict[str, int]:
    """Quarterly commission by (team, quarter index) and monthly revenue by (team, month
    index), as the `quarter/FY2026-Q1/t0`, `month/2025-04/t0` keys kpi's side writes; zeros
    left out."""
    out = {f"quarter/{quarter_label(int(q))}/t{int(t)}": int(v) for (t, q), v in pay.items()}
    out.update({f"month/{month_label(int(m))}/t{int(t)}": int(v) for (t, m), v in revenue.items()})
    return {k: v for k, v in out.items() if v}


def trend_result(engine: str, load: float, runs: list[float], cents: dict[str, int]) -> dict:
    paid = sum(v for k, v in cents.items() if k.startswith("quarter/"))
    return {"engine": engine, "load_s": load, "run_s": statistics.median(runs), "total": money(paid),
            "teams": {k: money(v) for k, v in sorted(cents.items())}}


def trend_pandas(cols, runs):
    import pandas as pd

    frame, load = load_pandas(cols)

    def work():
        won = frame[frame["status"] == "won"]
        month = won["date"].dt.year * 12 + won["date"].dt.month - MONTH0
        by_quarter = won.groupby([won["owner"], month // 3])["cents"].sum()
        pay = pd.Series(commission_cents(by_quarter.to_numpy()), index=by_quarter.index)
        owners, quarters = by_quarter.index.get_level_values(0), by_quarter.index.get_level_values(1)
        pay = pay.groupby([owners // TEAM_SIZE, quarters]).sum()
        revenue = won.groupby([won["owner"] // TEAM_SIZE, month])["cents"].sum()
        return pay, revenue

    times, (pay, revenue) = timed(work, runs)
    return trend_result("pandas", load, times, trend_totals(pay.to_dict(), revenue.to_dict()))


def trend_polars(cols, runs):
    import polars as pl

    frame, load = load_polars(cols)
    quota = QUOTA_CENTS

    def work():
        won = (
            frame.lazy()
            .filter(pl.col("status") == "won")
            .with_columns((pl.col("date").dt.year().cast(pl.Int64) * 12 + pl.col("date").dt.month() - MONTH0).alias("month"))
        )
        r = pl.col("revenue")
        b1 = pl.min_horizontal(r, pl.lit(quota))
        b2 = pl.max_horizontal(pl.min_horizontal(r, pl.lit(quota * 3 // 2)) - quota, pl.lit(0))
        b3 = pl.max_horizontal(r - quota * 3 // 2, pl.lit(0))
        pay = (
            won.group_by("owner", (pl.col("month") // 3).alias("quarter"))
            .agg(pl.col("cents").sum().alias("revenue"))
            .with_columns((((b1 * 5 + 50) // 100) + ((b2 * 8 + 50) // 100) + ((b3 * 12 + 50) // 100)).alias("pay"))
            .group_by((pl.col("owner") // TEAM_SIZE).alias("team"), "quarter")
            .agg(pl.col("pay").sum())
        )
        revenue = won.group_by((pl.col("owner") // TEAM_SIZE).alias("team"), "month").agg(pl.col("cents").sum())
        return pl.collect_all([pay, revenue])

    times, (pay, revenue) = timed(work, runs)
    return trend_result(
        "Polars", load, times,
        trend_totals({(t, q): p for t, q, p in pay.iter_rows()}, {(t, m): c for t, m, c in revenue.iter_rows()}),
    )


def trend_duckdb(cols, runs):
    con, load = load_duckdb(cols)
    q = QUOTA_CENTS
    won = f"SELECT owner, cents, year(date) * 12 + month(date) - {MONTH0} AS m FROM orders WHERE status = 'won'"
    pay_sql = f"""
        WITH won AS ({won}),
        revenue AS (SELECT owner, m // 3 AS quarter, SUM(cents) AS r FROM won GROUP BY owner, quarter)
        SELECT owner // {TEAM_SIZE} AS team, quarter,
               SUM((LEAST(r, {q}) * 5 + 50) // 100
                 + (GREATEST(LEAST(r, {q * 3 // 2}) - {q}, 0) * 8 + 50) // 100
                 + (GREATEST(r - {q * 3 // 2}, 0) * 12 + 50) // 100) AS pay
        FROM revenue GROUP BY team, quarter
    """
    revenue_sql = f"WITH won AS ({won}) SELECT owner // {TEAM_SIZE} AS team, m, SUM(cents) FROM won GROUP BY team, m"

    def work():
        return con.execute(pay_sql).fetchall(), con.execute(revenue_sql).fetchall()

    times, (pay, revenue) = timed(work, runs)
    return trend_result(
        "DuckDB", load, times, trend_totals({(t, qq): p for t, qq, p in pay}, {(t, m): c for t, m, c in revenue})
    )


def trend_kpi_python(table, runs):
    import kpi_core

    plan = kpi_core.Plan.from_toml(plan_toml() + TREND_GOALS)
    began = time.perf_counter()
    facts = kpi_core.FactTable.from_arrow(table)
    load = time.perf_counter() - began
    times, series = timed(lambda: plan.evaluate_series(facts, "FY2026..FY2027", ["month", "quarter"]), runs)
    cents: dict[str, int] = {}
    for report in series.reports:
        label = report.period.label
        if report.period.grain == "quarter":
            for s in report.statements:
                key = f"quarter/{label}/{s.team}"
                cents[key] = cents.get(key, 0) + int(s.total * 100)
        else:
            for row in report.scorecards:
                if row.goal == "monthly-team-quota":
                    cents[f"month/{label}/{row.id}"] = int(row.actual * 100)
    return trend_result("kpi (Python, Arrow in)", load, times, {k: v for k, v in cents.items() if v})


def run_kpi_native(facts: int, runs: int, trend: bool = False):
    # One load, like every other engine: loading it --runs times warmed its heap before the
    # timed runs, which the others do not get.
    command = ["cargo", "run", "--quiet", "--release", "-p", "kpi-benches", "--example", "compare_native",
               "--", "--facts", str(facts), "--runs", str(runs), "--load-runs", "1"] + (["--trend"] if trend else [])
    line = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    out = json.loads(line)
    if trend:
        return trend_result("kpi native", out["load_s"], [out["run_s"]], out["cents"])
    out["engine"] = "kpi native"
    return out


def plan_toml() -> str:
    """The plan of benches/src/compare.rs `commission_plan` (the same text)."""
    teams = "\n".join(f'  {{ id = "t{t}", name = "Team {t}" }},' for t in range(REPS // TEAM_SIZE))
    members = "\n".join(f'  {{ id = "r{r}", name = "Rep {r}", team = "t{r // TEAM_SIZE}" }},' for r in range(REPS))
    return f"""version = 1
[calendar]
fiscal_year_start_month = 4
[rounding]
mode = "half-up"
places = 2
[org]
teams = [
{teams}
]
members = [
{members}
]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "quarter"
target = "750000"
[[goals]]
id = "team-quota"
metric = "revenue"
scope = "team"
period = "quarter"
target = "37500000"
[[incentives]]
id = "commission"
applies_to = "members"
period = "quarter"
components = [
  {{ kind = "tiered", metric = "revenue", goal = "quota", on = "attainment", mode = "marginal",
    tiers = [{{ from = "0", rate = "0.05" }}, {{ from = "1", rate = "0.08" }}, {{ from = "1.5", rate = "0.12" }}] }},
]
"""


# The trend workload's monthly goals (benches/src/compare.rs `TREND_GOALS`).
TREND_GOALS = """
[[goals]]
id = "monthly-quota"
metric = "revenue"
scope = "member"
period = "month"
target = "250000"
[[goals]]
id = "monthly-team-quota"
metric = "revenue"
scope = "team"
period = "month"
target = "12500000"
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--engines", nargs="*", default=["pandas", "polars", "duckdb", "kpi-python", "kpi-native"])
    parser.add_argument("--workload", choices=["quarter", "trend"], default="quarter")
    args = parser.parse_args()
    cols = columns(args.facts)
    table = arrow_table(cols)
    trend = args.workload == "trend"
    title = "trend, every month and quarter of two years" if trend else "quarterly commission run"
    print(f"{title}: {args.facts:,} order facts, {REPS:,} reps in {REPS // TEAM_SIZE} teams, "
          f"Arrow size {table.nbytes / 1e6:.1f} MB")
    engines = {
        "pandas": (lambda: trend_pandas(cols, args.runs)) if trend else (lambda: run_pandas(cols, args.runs)),
        "polars": (lambda: trend_polars(cols, args.runs)) if trend else (lambda: run_polars(cols, args.runs)),
        "duckdb": (lambda: trend_duckdb(cols, args.runs)) if trend else (lambda: run_duckdb(cols, args.runs)),
        "kpi-python": (lambda: trend_kpi_python(table, args.runs)) if trend else (lambda: run_kpi_python(table, args.runs)),
        "kpi-native": lambda: run_kpi_native(args.facts, args.runs, trend),
    }
    results = []
    for engine in args.engines:
        results.append(engines[engine]())
        print(f"  ran {engine}", file=sys.stderr)
    duck = next((r["run_s"] for r in results if r["engine"] == "DuckDB"), None)
    print(f"{'engine':<24}{'load':>10}{'run':>11}{'facts/s (run)':>16}{'vs DuckDB':>11}  total")
    for r in results:
        ratio = f"{duck / r['run_s']:.2f}×" if duck else "-"
        print(f"{r['engine']:<24}{r['load_s']:>9.2f}s{r['run_s'] * 1e3:>9.1f}ms{args.facts / r['run_s'] / 1e6:>13.1f} M"
              f"{ratio:>11}  {r['total']}")
    totals = {r["total"] for r in results}
    teams = {json.dumps(r["teams"], sort_keys=True) for r in results}
    same = len(totals) == 1 and len(teams) == 1
    print("totals and team roll-ups identical to the cent" if same else f"TOTALS DIFFER: {sorted(totals)}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
