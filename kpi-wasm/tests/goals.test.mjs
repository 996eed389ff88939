// Goals from JavaScript: the shared SMART and target-setting vectors, adjustments,
// pacing and the review.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { FactTable, Plan, PlanError, findingCodes, targets } from "kpi-core";

const VECTORS = fileURLToPath(new URL("../../kpi-core/testdata/vectors/", import.meta.url));
const load = (path) => JSON.parse(readFileSync(VECTORS + path, "utf8"));

const smart = load("smart/findings.json");
for (const c of smart.cases) {
  test(`SMART findings: ${c.name}`, () => {
    const plan = Plan.draftFromToml(c.plan_toml);
    const history = c.history ? FactTable.fromRecords(c.history) : undefined;
    assert.deepStrictEqual(plan.validate(history, c.as_of), c.expected);
  });
}

test("every finding code has a vector", () => {
  const seen = new Set(smart.cases.flatMap((c) => c.expected.map((f) => f.code)));
  assert.deepStrictEqual([...seen].sort(), [...findingCodes()].sort());
});

function call(c) {
  const a = c.args;
  switch (c.function) {
    case "grow":
      return targets.grow(a.baseline, a.growth);
    case "from_market_share":
      return targets.fromMarketShare(a.share, a.market_size);
    case "allocate":
      return targets.allocate(a.total, a.weights, a.places);
    default:
      return targets.capacity(a.target, a.member_targets);
  }
}

for (const c of load("targets/targets.json").cases) {
  test(`targets: ${c.name}`, () => {
    if (c.error) {
      assert.throws(() => call(c), (err) => err.code === c.error.code && err.name === "PlanError");
    } else {
      assert.deepStrictEqual(call(c), c.expected);
    }
  });
}

test("targets accept exact numbers, floats with allowFloat, and refuse what is not a decimal", () => {
  assert.equal(targets.grow(10000000, "0.1"), "11000000");
  assert.equal(targets.grow(10000000n, 0.1, { allowFloat: true }), "11000000");
  assert.throws(() => targets.grow(10000000, 0.1), (err) => err.code === "data.unsupported_value" && err.path === "growth");
  assert.deepStrictEqual(targets.allocate(100, [1, 1, 1]), ["33.34", "33.33", "33.33"]);
  assert.throws(() => targets.grow("ten", 1), (err) => err.code === "data.unsupported_value");
});

const PLAN = `
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }, { id = "b", name = "B", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "rep"
metric = "revenue"
scope = "member"
period = "month"
target = "1000"
objective = "grow"
`;
const FACTS = [
  { id: "1", kind: "order", owner: "a", amount: "300", date: "2026-03-02" },
  { id: "2", kind: "order", owner: "b", amount: "900", date: "2026-03-10" },
];

test("adjustGoal keeps the original target and the reason, and never rewrites history", () => {
  const plan = Plan.fromToml(PLAN);
  const adjusted = plan.adjustGoal("rep", { from: "2026-03-01", targets: { a: "600" }, reason: "market slowdown" });
  const facts = FactTable.fromRecords(FACTS);
  const row = adjusted.evaluate(facts, "2026-03").scorecards[0];
  assert.deepStrictEqual(
    [row.id, row.target, row.original_target, row.adjustment, row.status],
    ["a", "600", "1000", "market slowdown", "missed"], // a closed month is judged
  );
  assert.equal(plan.evaluate(facts, "2026-03").scorecards[0].target, "1000");
  assert.throws(
    () => adjusted.adjustGoal("rep", { from: "2026-02-01", target: "900", reason: "backdated" }),
    (err) => err.code === "plan.invalid" && err.path === "goals[0].versions",
  );
});

test("evaluateAsOf paces the period; review lists what needs attention", () => {
  const plan = Plan.fromToml(PLAN);
  const facts = FactTable.fromRecords(FACTS);
  const report = plan.evaluateAsOf(facts, "2026-03", "2026-03-15");
  assert.equal(report.as_of, "2026-03-15");
  assert.equal(report.scorecards[0].pacing.projected, "620");
  assert.equal(report.scorecards[0].pacing.required_per_day, "43.75");
  assert.deepStrictEqual(report.scores.map((s) => [s.id, s.rank]), [["a", 2], ["b", 1]]);
  const measures = plan.measureAsOf(facts, "2026-03", "2026-03-15");
  assert.deepStrictEqual(plan.evaluateMeasures(measures), report);
  const review = plan.review(facts, "2026-03-15");
  assert.deepStrictEqual(review.items.map((i) => [i.id, i.status]), [["a", "off_track"]]);
  assert.throws(() => plan.review(facts, "15/03/2026"), (err) => err.name === "PeriodError");
});

test("a draft plan validates; a checked plan refuses what a draft lacks", () => {
  const draft = Plan.draftFromObject({ version: 1, goals: [{ id: "g" }] });
  const codes = draft.validate().map((f) => f.code);
  assert.ok(codes.includes("smart.specific.no_metric"), codes.join());
  assert.throws(() => Plan.fromObject({ version: 1, goals: [{ id: "g" }] }), (err) => err.path === "goals[0].metric");
});

test("a plan is compiled once; a draft that fails its checks fails every time", () => {
  const text = `
version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "g"
metric = "revenu"
scope = "member"
period = "month"
target = "100"
`;
  const facts = FactTable.fromRecords([{ id: "o1", kind: "order", owner: "a", amount: "60", date: "2026-03-02" }]);
  const draft = Plan.draftFromToml(text);
  for (let i = 0; i < 2; i++) {
    assert.throws(() => draft.evaluate(facts, "2026-03"), (e) => e instanceof PlanError && e.code === "plan.unknown_metric" && e.path === "goals[0].metric");
  }
  const plan = Plan.draftFromToml(text.replace('"revenu"', '"revenue"'));
  assert.equal(plan.evaluate(facts, "2026-03").scorecards[0].actual, "60");
  assert.equal(plan.evaluate(facts, "2026-04").scorecards[0].actual, "0");
  const adjusted = plan.adjustGoal("g", { from: "2026-04-01", target: "50", reason: "a smaller market" });
  assert.equal(adjusted.evaluate(facts, "2026-04").scorecards[0].target, "50");
  assert.equal(plan.evaluate(facts, "2026-04").scorecards[0].target, "100");
});
