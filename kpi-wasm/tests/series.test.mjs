// plan.evaluateSeries: the shared series vectors (kpi-core/testdata/vectors/series), each
// report against evaluating its period alone, and hostile arguments.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { DataError, FactTable, KpiError, Plan, PeriodError } from "kpi-core";

const SAMPLE = new URL("../../kpi-core/testdata/sample/", import.meta.url);
const CASES = JSON.parse(
  readFileSync(new URL("../../kpi-core/testdata/vectors/series/sample.json", import.meta.url), "utf8"),
).cases;
const plan = Plan.fromToml(readFileSync(new URL("plan.toml", SAMPLE), "utf8"));
const facts = FactTable.fromJsonLines(readFileSync(new URL("facts.jsonl", SAMPLE), "utf8"));

const thrown = (run) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail("no error");
};

for (const c of CASES) {
  test(`series vectors: ${c.name}`, () => {
    if (c.error) {
      const error = thrown(() => plan.evaluateSeries(facts, c.span, c.grains));
      assert.ok(error instanceof KpiError, String(error));
      assert.equal(error.code, c.error.code, error.message);
      assert.equal(error.path, c.error.path, error.message);
      assert.ok(error.message.includes(c.error.message ?? ""), error.message);
      return;
    }
    const reports = plan.evaluateSeries(facts, c.span, c.grains);
    assert.deepEqual(
      reports.map((r) => [r.period.label, r.period.grain]),
      c.expected.periods.map(([label, grain]) => [label, grain]),
    );
    // The long scorecard table a chart reads: every row of every period, its period first.
    const rows = reports.flatMap((r) =>
      r.scorecards.map((row) => [r.period.label, row.goal, row.id, row.actual, row.attainment]),
    );
    assert.deepEqual(rows, c.expected.scorecards);
    for (const report of reports) {
      assert.deepEqual(report, plan.evaluate(facts, report.period.label), report.period.label);
    }
  });
}

test("a span may be a Period, and a grain one name", () => {
  const year = plan.parsePeriod("FY2027");
  const byPeriod = plan.evaluateSeries(facts, year, "quarter");
  assert.deepEqual(
    byPeriod.map((r) => r.period.label),
    ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"],
  );
  assert.deepEqual(byPeriod, plan.evaluateSeries(facts, "FY2027", ["quarter"]));
});

test("hostile grains are coded errors at their place", () => {
  const lying = new Proxy([], { get: (t, k) => (k === "length" ? 2 ** 32 - 1 : undefined) });
  const throwing = new Proxy(["month"], {
    get: (t, k) => {
      if (k === "0") throw new Error("boom");
      return Reflect.get(t, k);
    },
  });
  const symbolLength = new Proxy([], { get: (t, k) => (k === "length" ? Symbol("n") : Reflect.get(t, k)) });
  const cases = [
    [symbolLength, "grains"],
    [undefined, "grains"],
    [null, "grains"],
    [3, "grains"],
    [new Set(["month"]), "grains"],
    [{ 0: "month", length: 1 }, "grains"],
    [["month", 4], "grains[1]"],
    [["month", NaN], "grains[1]"],
    [["\ud800"], "grains[0]"],
    [["ｍｏｎｔｈ"], "grains[0]"],
    [["季度"], "grains[0]"],
    [[["month"]], "grains[0]"],
    [[10n], "grains[0]"],
    [lying, "grains"],
    [throwing, "grains[0]"],
    [new Array(5), "grains[0]"],
  ];
  for (const [i, [grains, path]] of cases.entries()) {
    const error = thrown(() => plan.evaluateSeries(facts, "FY2027", grains));
    assert.ok(error instanceof KpiError, `case ${i}: ${error}`);
    assert.equal(error.path, path, error.message);
  }
});

test("hostile spans and facts are coded errors", () => {
  const spans = [
    [undefined, "data.invalid_argument"],
    [null, "data.invalid_argument"],
    [2027, "data.invalid_argument"],
    [Infinity, "data.invalid_argument"],
    [new Date(), "data.invalid_argument"],
    [{}, "data.invalid_argument"],
    ["FY2027..", "period.invalid_label"],
    ["９９９９", "period.invalid_label"],
    ["2020-01-01..2020-01-01", "period.invalid_label"],
  ];
  for (const [i, [span, code]] of spans.entries()) {
    const error = thrown(() => plan.evaluateSeries(facts, span, "quarter"));
    assert.ok(error instanceof KpiError, `span ${i}: ${error}`);
    assert.equal(error.code, code, `span ${i}: ${error.message}`);
  }
  const decade = thrown(() => plan.evaluateSeries(facts, "2000..2199", "month"));
  assert.ok(decade instanceof DataError && decade.message.includes("at most 1000"), decade.message);
  const notFacts = thrown(() => plan.evaluateSeries([{ id: "x" }], "FY2027", "quarter"));
  assert.ok(notFacts instanceof DataError && notFacts.path === "facts", notFacts.message);
  const notNested = thrown(() => plan.evaluateSeries(facts, "FY2027-Q2", ["year"]));
  assert.ok(notNested instanceof PeriodError && notNested.path === "grains[0]", notNested.message);
});
