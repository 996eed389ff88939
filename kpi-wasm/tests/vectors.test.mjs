// The shared vectors in kpi-core/testdata/vectors, run from JavaScript: the same reports,
// as plain objects with decimals as strings, and the same error codes and locations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

import { FactTable, Plan } from "kpi-core";

const VECTORS = fileURLToPath(new URL("../../kpi-core/testdata/vectors/", import.meta.url));

function run(doc, c) {
  const planToml = c.plan_toml ?? doc.plan_toml;
  // Numbers in a vector are decimal text in JSON, which JSON.parse reads as floats:
  // allowFloat reads each back as its shortest text, that decimal (as Python's runner does).
  // `facts_json` is JSON text, read as text (its numbers keep their digits).
  const exact = { allowFloat: true };
  const plan = planToml !== undefined ? Plan.fromToml(planToml) : Plan.fromObject(c.plan ?? doc.plan, exact);
  const facts =
    c.facts_json !== undefined ? FactTable.fromJson(c.facts_json) : FactTable.fromRecords(c.facts ?? doc.facts ?? [], exact);
  if (c.review !== undefined) return plan.review(facts, c.review);
  if (c.as_of !== undefined) return plan.evaluateAsOf(facts, c.period ?? "2026-01", c.as_of);
  if (c.balances !== undefined) return plan.evaluateWith(facts, c.period ?? "2026-01", c.balances, exact);
  return plan.evaluate(facts, c.period ?? "2026-01");
}

const FAMILY = { plan: "PlanError", formula: "FormulaError", data: "DataError", period: "PeriodError" };
let cases = 0;

for (const file of readdirSync(VECTORS).filter((f) => f.endsWith(".json")).sort()) {
  const doc = JSON.parse(readFileSync(join(VECTORS, file), "utf8"));
  doc.cases.forEach((c, i) => {
    cases += 1;
    test(`${file}#${i} ${c.name ?? ""}`, () => {
      if (c.error) {
        assert.throws(
          () => run(doc, c),
          (err) => {
            assert.ok(err instanceof Error);
            assert.equal(err.code, c.error.code, err.message);
            assert.equal(err.name, FAMILY[c.error.code.split(".")[0]]);
            for (const key of ["path", "line", "column", "row"]) {
              if (key in c.error) assert.equal(err[key], c.error[key], `${key} of ${err.message}`);
            }
            if ("message" in c.error) assert.ok(err.message.includes(c.error.message), err.message);
            return true;
          },
        );
      } else {
        assert.deepStrictEqual(run(doc, c), c.expected);
      }
    });
  });
}

test("every vector file was collected", () => {
  assert.ok(cases >= 15, `only ${cases} cases`);
});
