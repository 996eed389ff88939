// Incentives from JavaScript: the shared component vectors, statements, and the what-if
// functions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { FactTable, Plan, balancesOf, evaluateComponent, modelCost, sampleCurve } from "kpi-core";

const VECTORS = fileURLToPath(new URL("../../kpi-core/testdata/vectors/", import.meta.url));
const load = (path) => JSON.parse(readFileSync(VECTORS + path, "utf8"));

for (const c of load("incentives/components.json").cases) {
  test(`component: ${c.name.slice(0, 60)}`, () => {
    assert.deepStrictEqual(evaluateComponent(c.component, c.inputs, c.rounding), c.expected);
  });
}

const TIERS = {
  kind: "tiered", metric: "revenue", goal: "quota", on: "attainment", mode: "marginal",
  tiers: [{ from: "0", rate: "0.05" }, { from: "1", rate: "0.08" }],
};

test("sampleCurve gives points to plot; modelCost sums a population", () => {
  assert.deepStrictEqual(sampleCurve(TIERS, { target: 100000 }, 0, 2, 4), [
    ["0", "0.00"], ["0.5", "2500.00"], ["1", "5000.00"], ["1.5", "9000.00"], ["2", "13000.00"],
  ]);
  assert.equal(modelCost(TIERS, { target: "100000" }, ["0.8", "1", "1.2"]), "15600.00");
  assert.throws(() => evaluateComponent({ kind: "tiered" }, {}), (err) => err.name === "PlanError");
  assert.throws(() => sampleCurve(TIERS, { target: 1 }, 2, 1, 4), (err) => err.code === "plan.invalid");
});

test("statements explain each line in English and Chinese", () => {
  const doc = load("incentive_plan.json");
  const report = Plan.fromToml(doc.plan_toml).evaluate(FactTable.fromRecords(doc.facts), "2026-Q1");
  const c = report.statements[2];
  assert.deepStrictEqual(c.lines.map((l) => l.kind), ["tiered", "tiered", "tiered", "bonus", "cap"]);
  assert.equal(c.lines[0].explanation_zh, "revenue 前 100,000 按 5% = 5,000.00");
  assert.equal(c.lines[4].component, null);
  assert.equal(c.total, "16000.00");
});

test("balancesOf carries draw balances into the next period", () => {
  const doc = load("draws.json");
  const plan = Plan.fromToml(doc.plan_toml);
  const facts = FactTable.fromRecords(doc.facts);
  const january = plan.evaluate(facts, "2026-01");
  assert.deepStrictEqual(balancesOf(january), { a: { rep: "900.00" }, b: { rep: "0.00" } });
  const february = plan.evaluateWith(facts, "2026-02", balancesOf(january));
  assert.equal(february.statements[0].total, "3000.00");
  assert.deepStrictEqual(balancesOf(february).a, { rep: "400.00" });
});

test("whatIf prices given values without facts", () => {
  const doc = load("incentive_plan.json");
  const plan = Plan.fromToml(doc.plan_toml);
  const report = plan.whatIf("2026-Q1", { a: { revenue: 120000 }, b: { revenue: "40000" }, c: { revenue: "190000" } });
  assert.deepStrictEqual(report.statements.map((s) => s.total), ["7600.00", "3000.00", "14800.00"]);
  assert.throws(() => plan.whatIf("2026-Q1", { z: { revenue: 1 } }), (err) => err.code === "data.invalid_fact");
});

test("a collection component prices what payments paid, and shows pending and lapsed earnings", () => {
  const collection = { kind: "collection", of: 0, payments: "payments", lapse_days: 60 };
  const priced = evaluateComponent(collection, { actual: "700", collected: "7000", pending: "400", lapsed: "0" });
  assert.equal(priced.amount, "700.00");
  assert.deepStrictEqual(priced.lines.map((l) => [l.amount, l.explanation]), [
    ["700.00", "7,000 of payments collected, at the rates the bookings earned = 700.00"],
    ["0.00", "earned, not yet payable (awaiting collection): 400.00"],
  ]);
  assert.equal(priced.lines[1].explanation_zh, "已赚取、待回款后支付：400.00");
  // Hostile inputs: NaN, text that is no number, a wrong type.
  assert.throws(() => evaluateComponent(collection, { actual: "1", pending: NaN }), (e) => e.code === "data.unsupported_value");
  assert.throws(() => evaluateComponent(collection, { actual: "1", lapsed: "一百" }), (e) => e.name === "PlanError" || e.name === "DataError");
  assert.throws(() => evaluateComponent({ ...collection, lapse_days: "60" }, { actual: "1" }), (e) => e.code === "plan.invalid");
});
