// Growth over rolling baselines from JavaScript: plans given as objects with JS numbers and
// BigInts, the row's `baseline` and `fallback`, and hostile baselines. The shared vectors
// (vectors/rolling_baselines.json, vectors/errors.json) run in vectors.test.mjs; Python has
// the same cases in kpi-py/tests/test_rolling_baselines.py.
import { test } from "node:test";
import assert from "node:assert/strict";

import { DataError, FactTable, Plan, PlanError, PeriodError } from "kpi-core";

function planWith(baseline, target = { growth: "0.10" }) {
  return {
    version: 1,
    org: {
      teams: [{ id: "east", name: "East" }],
      members: [
        { id: "li", name: "Li Lei", team: "east" },
        { id: "wang", name: "Wang Fang", team: "east", from: "2026-03-01" },
      ],
    },
    metrics: { revenue: { aggregate: "sum", field: "amount" } },
    goals: [{ id: "monthly-growth", metric: "revenue", scope: "member", period: "month", target, baseline }],
  };
}

const FACTS = FactTable.fromRecords([
  { id: "o0", kind: "order", owner: "li", date: "2025-12-10", amount: "600" },
  { id: "o1", kind: "order", owner: "li", date: "2026-01-10", amount: "900" },
  { id: "o2", kind: "order", owner: "li", date: "2026-02-10", amount: "1200" },
  { id: "o3", kind: "order", owner: "li", date: "2026-03-10", amount: "1500" },
  { id: "o4", kind: "order", owner: "wang", date: "2026-03-20", amount: "700" },
]);

function rows(baseline, period = "2026-03") {
  const report = Plan.fromObject(planWith(baseline)).evaluate(FACTS, period);
  return Object.fromEntries(report.scorecards.map((row) => [row.id, row]));
}

test("previous grows last month, and a new rep's row says why it has no target", () => {
  const { li, wang } = rows({ period: "previous" });
  assert.deepEqual([li.baseline, li.target, li.fallback], ["1200", "1320.00", undefined]);
  assert.equal(wang.target, null);
  assert.deepEqual(wang.no_target, { reason: "baseline_unknown", period: "2026-02" });
});

test("if_missing as a number or a BigInt is the new rep's target", () => {
  for (const ifMissing of [800, 800n, "800"]) {
    const { wang } = rows({ period: "previous", if_missing: ifMissing });
    assert.deepEqual([wang.target, wang.fallback, wang.baseline], ["800.00", "target", undefined]);
  }
});

test("team_average, and trailing averages", () => {
  const { wang } = rows({ period: "previous", if_missing: "team_average" });
  assert.deepEqual([wang.target, wang.fallback, wang.baseline], ["1320.00", "team_average", "1200"]);
  const { li } = rows({ trailing: 2 }); // (900 + 1200) / 2 = 1050, +10%
  assert.deepEqual([li.baseline, li.target], ["1050", "1155.00"]);
});

test("a quarter sums the months' baselines", () => {
  const { li, wang } = rows({ period: "previous" }, "2026-Q1");
  assert.deepEqual([li.baseline, li.target], ["2700", "2970.00"]);
  // Wang has no stint before March: no baseline for January, so none for the quarter.
  assert.deepEqual([wang.target, wang.no_target], [null, { reason: "baseline_unknown", period: "2025-12" }]);
});

test("a baseline not over by the as-of day is pending", () => {
  const plan = Plan.fromObject(planWith({ period: "previous" }));
  const [li] = plan.evaluateAsOf(FACTS, "2026-Q1", "2026-02-10").scorecards;
  assert.deepEqual([li.target, li.no_target], [null, { reason: "baseline_pending", period: "2026-02" }]);
});

const HOSTILE = [
  // NaN and BigInts beyond 64 bits are refused where JavaScript values are read.
  [{ trailing: NaN }, "goals[0].baseline.trailing", /NaN is not a finite number/],
  [{ trailing: 0 }, "goals[0].baseline.trailing", /1 to 36/],
  [{ trailing: 2.5 }, "goals[0].baseline.trailing", /1 to 36/],
  [{ trailing: true }, "goals[0].baseline.trailing", /1 to 36/],
  [{ trailing: 10n ** 30n }, "goals[0].baseline.trailing", /beyond 64 bits/],
  [{ trailing: 2n ** 40n }, "goals[0].baseline.trailing", /1 to 36/],
  [{ period: "previous", if_missing: "1e40" }, "goals[0].baseline.if_missing", /exact decimal range/],
  [{ period: "previous", if_missing: "中位数" }, "goals[0].baseline.if_missing", /team_average/],
  [{ period: "previous", if_missing: ["team_average"] }, "goals[0].baseline.if_missing", /team_average/],
  [{ period: "上个月" }, "goals[0].baseline.period", /`previous` or `last_year`/],
  [{ period: { period: { period: "previous" } } }, "goals[0].baseline.period", /string/],
  [{ period: "previous", trailing: 3 }, "goals[0].baseline", /not both/],
  [{}, "goals[0].baseline", /`period`/],
  ["previous", "goals[0].baseline", /\{ period = "previous" \}/],
];

for (const [baseline, path, words] of HOSTILE) {
  test(`a hostile baseline is refused at ${path}: ${String(JSON.stringify(baseline, (_, v) => (typeof v === "bigint" ? `${v}n` : v)))}`, () => {
    let error;
    try {
      Plan.fromObject(planWith(baseline), { allowFloat: true });
    } catch (e) {
      error = e;
    }
    assert.ok([PlanError, PeriodError, DataError].some((cls) => error instanceof cls), String(error));
    assert.equal(error.path, path, error.message);
    assert.match(error.message, words);
  });
}

// Long-term goals' checkpoints from JavaScript values (the vectors in long_term.json and
// errors.json run in vectors.test.mjs).
function spanPlan(checkpoints) {
  const plan = planWith(undefined, "1000");
  plan.calendar = { fiscal_year_start_month: 4 };
  plan.goals = [{ id: "three-year", metric: "revenue", scope: "company", period: "FY2027..FY2029", target: "1000", checkpoints }];
  return plan;
}

test("checkpoints given as JS numbers review the span by year", () => {
  const plan = Plan.fromObject(spanPlan({ every: "year", targets: [300, 650n, "1000"] }));
  assert.equal(plan.evaluate(FACTS, "FY2028").scorecards[0].long_term.checkpoint_target, "650");
  // FY2026-Q4 (2026-01..2026-03) is before the span: no goal applies, and the error says so.
  assert.throws(() => plan.evaluate(FACTS, "FY2026-Q4"), /no goal of the plan applies to the quarter FY2026-Q4/);
  const inside = Plan.fromObject(spanPlan({ every: "year" })).evaluate(
    FactTable.fromRecords([{ id: "o", kind: "order", owner: "li", date: "2026-05-01", amount: "400" }]),
    "FY2027",
  ).scorecards[0];
  assert.deepEqual(
    [inside.actual, inside.target, inside.long_term.checkpoint, inside.long_term.remaining],
    ["400", "333.33", "FY2027", "600"],
  );
});

const HOSTILE_CHECKPOINTS = [
  [{ every: "year", targets: [NaN, 650, 1000] }, "goals[0].checkpoints.targets[0]", /NaN/],
  [{ every: "year", targets: [300, 10n ** 40n, 1000] }, "goals[0].checkpoints.targets[1]", /64 bits|range/],
  [{ every: "年" }, "goals[0].checkpoints.every", /not a grain/],
  [{ every: { every: { every: "year" } } }, "goals[0].checkpoints.every", /string|grain/],
  [{ every: "year", targets: "300,650,1000" }, "goals[0].checkpoints.targets", /sequence|list|array/],
];

for (const [checkpoints, path, words] of HOSTILE_CHECKPOINTS) {
  test(`hostile checkpoints are refused at ${path}`, () => {
    let error;
    try {
      Plan.fromObject(spanPlan(checkpoints), { allowFloat: true });
    } catch (e) {
      error = e;
    }
    assert.ok([PlanError, PeriodError, DataError].some((cls) => error instanceof cls), String(error));
    assert.equal(error.path, path, error.message);
    assert.match(error.message, words);
  });
}
