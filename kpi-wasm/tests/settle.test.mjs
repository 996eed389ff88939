// The pay cycle from JavaScript: the shared vectors in kpi-core/testdata/vectors/settlements
// (closing periods, true-ups of settled periods, disputes, verifying a settlement), and
// hostile settlements, disputes and approvals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { FactTable, Plan, reportToText } from "kpi-core";

const DIR = fileURLToPath(new URL("../../kpi-core/testdata/vectors/settlements/", import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
const load = (file) => JSON.parse(readFileSync(DIR + file, "utf8"));

for (const file of FILES) {
  test(`pay cycle vectors: ${file}`, () => {
    const doc = load(file);
    const plan = Plan.fromToml(doc.plan_toml);
    const closed = [];
    for (const step of doc.steps) {
      const given = "settlements" in step ? step.settlements.map((i) => closed[i]) : closed;
      const facts = "facts" in step ? FactTable.fromRecords(doc.facts[step.facts]) : new FactTable();
      let result;
      try {
        if ("read" in step) {
          const document = { ...structuredClone(closed[step.read]), ...step.patch };
          result = plan.verifySettlement(document, facts);
        } else if ("verify" in step) {
          result = plan.verifySettlement(closed[step.verify], facts);
        } else if ("close" in step) {
          result = plan.close(facts, step.close, step.approved_by, step.approved_at, given, step.disputes);
        } else {
          result = plan.evaluateSettled(facts, step.evaluate, given, step.disputes).statements;
        }
      } catch (err) {
        assert.ok("error" in step, `${step.name}: ${err.message}`);
        assert.equal(err.code, step.error.code, step.name);
        if ("path" in step.error) assert.equal(err.path, step.error.path, step.name);
        continue;
      }
      assert.ok(!("error" in step), `${step.name}: expected ${JSON.stringify(step.error)}`);
      assert.deepStrictEqual(result, step.expected, step.name);
      if ("close" in step) {
        // A settlement is plain JSON: it goes through JSON.stringify unchanged.
        assert.deepStrictEqual(JSON.parse(JSON.stringify(result)), result);
        closed.push(result);
      }
    }
  });
}

const DOC = load("pay_cycle.json");
const PLAN = Plan.fromToml(DOC.plan_toml);
const JANUARY = FactTable.fromRecords(DOC.facts.january);
const LATE = FactTable.fromRecords(DOC.facts.late);

test("a late order is trued up on the next statement, and reports show it", () => {
  const settlement = PLAN.close(JANUARY, "2026-01", "李娜（财务）", "2026-02-03T09:00:00+08:00");
  assert.equal(settlement.approved_by, "李娜（财务）");
  const report = PLAN.evaluateSettled(LATE, "2026-02", [settlement]);
  const ann = report.statements.find((s) => s.member === "a");
  assert.equal(ann.adjustments.length, 1);
  const [adjustment] = ann.adjustments;
  assert.deepStrictEqual([adjustment.paid, adjustment.now, adjustment.amount], ["450.00", "1100.00", "650.00"]);
  assert.deepStrictEqual(adjustment.changes, [{ fact: "o-1234", change: "added", kind: "order", amount: "2000" }]);
  assert.ok(reportToText(report).includes("o-1234"));
  assert.ok(reportToText(report, "zh-CN").includes("订单 o-1234"));
  // Stored as JSON text and read back, the settlement still verifies.
  const stored = JSON.parse(JSON.stringify(settlement));
  assert.equal(PLAN.verifySettlement(stored, JANUARY).matches, true);
  assert.equal(PLAN.verifySettlement(stored, LATE).matches, false);
  // The optional arguments may be left out, undefined or null.
  assert.deepStrictEqual(PLAN.close(JANUARY, "2026-01", "李娜（财务）", "2026-02-03T09:00:00+08:00", null, null), settlement);
  assert.deepStrictEqual(PLAN.evaluateSettled(LATE, "2026-02", [settlement], undefined), report);
});

test("hostile settlements, disputes and approvals are refused with a code and a path", () => {
  const settlement = PLAN.close(JANUARY, "2026-01", "Li Na", "2026-02-03T09:00:00Z");
  const refused = (fn, code, path) =>
    assert.throws(fn, (err) => {
      assert.equal(err.code, code, err.message);
      if (path !== undefined) assert.equal(err.path, path, err.message);
      return true;
    });
  // Wrong types in every argument.
  refused(() => PLAN.close(JANUARY, "2026-01", 42, "2026-02-03T09:00:00Z"), "data.invalid_argument");
  refused(() => PLAN.close(JANUARY, "2026-01", "Li Na", new Date()), "data.invalid_argument");
  refused(() => PLAN.close(JANUARY, "2026-01", "Li Na", "2026-02-30T09:00:00Z"), "data.invalid_argument", "approved_at");
  refused(() => PLAN.close(JANUARY, "2026-01", " ", "2026-02-03T09:00:00Z"), "data.invalid_argument", "approved_by");
  refused(() => PLAN.evaluateSettled(LATE, "2026-02", settlement), "data.invalid_settlement", "settlements");
  refused(() => PLAN.evaluateSettled(LATE, "2026-02", "[]"), "data.invalid_argument", "settlements");
  refused(() => PLAN.evaluateSettled(LATE, "2026-02", [settlement], { id: "d" }), "data.invalid_argument");
  refused(() => PLAN.verifySettlement([settlement], JANUARY), "data.invalid_settlement");
  // Numbers that are not decimals, huge and non-ASCII text, deep nesting.
  const patched = (patch) => ({ ...structuredClone(settlement), ...patch });
  refused(() => PLAN.verifySettlement(patched({ totals: { a: NaN } }), JANUARY), "data.unsupported_value", "totals.a");
  refused(() => PLAN.verifySettlement(patched({ totals: { a: "1e400" } }), JANUARY), "data.invalid_settlement", "totals.a");
  refused(() => PLAN.verifySettlement(patched({ totals: { a: "１００" } }), JANUARY), "data.invalid_settlement", "totals.a");
  refused(() => PLAN.verifySettlement(patched({ plan: "sha256:" + "é".repeat(64) }), JANUARY), "data.invalid_settlement", "plan");
  let deep = [];
  for (let i = 0; i < 10000; i++) deep = [deep];
  refused(() => PLAN.verifySettlement(patched({ lines: deep }), JANUARY), "data.unsupported_value");
  refused(() => PLAN.evaluateSettled(LATE, "2026-02", [settlement], deep), "data.unsupported_value");
  const dispute = {
    id: "d-1", member: "b", period: "2026-01", reason: "订单 o-1002 少算", raised_by: "b",
    raised_at: "2026-02-05T10:00:00+08:00", claimed: "9".repeat(40),
  };
  refused(() => PLAN.evaluateSettled(LATE, "2026-02", [settlement], [dispute]), "data.invalid_argument", "disputes[0].claimed");
  const open = { ...dispute, claimed: "120.50" };
  const report = PLAN.evaluateSettled(LATE, "2026-02", [settlement], [open]);
  const bo = report.statements.find((s) => s.member === "b");
  assert.deepStrictEqual(bo.disputes.map((d) => [d.id, d.reason, d.claimed]), [["d-1", "订单 o-1002 少算", "120.50"]]);
});
