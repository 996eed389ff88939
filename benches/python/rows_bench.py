"""Reading a report's rows from Python: each expression reads one field of every row of
the sample company's FY2027-Q2 report by index, the way a loop over
``range(len(report.scorecards))`` does. Prints the best of ``--repeat`` timings (per
loop, ``timeit``) of each expression.

    .venv/bin/python benches/python/rows_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import pathlib
import timeit

import kpi_core

SAMPLE = pathlib.Path(__file__).resolve().parents[2] / "kpi-core" / "testdata" / "sample"

EXPRESSIONS = [
    "[r.scorecards[i].attainment for i in range(len(r.scorecards))]",
    "[row.attainment for row in r.scorecards]",
    "[r.statements[i].total for i in range(len(r.statements))]",
    "[r.statements[i].lines[0].amount for i in range(len(r.statements))]",
    "r.rows('scorecards')",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text(encoding="utf-8"))
    facts = kpi_core.FactTable.from_json_lines((SAMPLE / "facts.jsonl").read_text(encoding="utf-8"))
    r = plan.evaluate(facts, "FY2027-Q2")
    print(f"{len(r.scorecards)} scorecard rows, {len(r.statements)} statements")
    for expression in EXPRESSIONS:
        timer = timeit.Timer(expression, globals={"r": r})
        number, _ = timer.autorange()
        best = min(timer.repeat(repeat=args.repeat, number=number)) / number
        print(f"{best * 1e6:10.1f} µs  {expression}")


if __name__ == "__main__":
    main()
