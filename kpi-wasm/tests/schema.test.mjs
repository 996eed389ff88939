// planSchema() is the committed JSON Schema of the plan (kpi-core/plan.schema.json), in
// every build of the package, and the package ships the file too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { Plan, planSchema } from "kpi-core";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const committed = JSON.parse(readFileSync(ROOT + "kpi-core/plan.schema.json", "utf8"));

test("planSchema() is the committed schema, a fresh object each call", () => {
  const schema = planSchema();
  assert.deepStrictEqual(schema, committed);
  schema.title = "changed";
  assert.equal(planSchema().title, "Plan");
});

test("the package ships the schema as a file", () => {
  const require = createRequire(import.meta.url);
  assert.deepStrictEqual(require("kpi-core/plan.schema.json"), committed);
});

test("the web and bundler builds export planSchema too", () => {
  for (const target of ["web", "bundler"]) {
    const glue = readFileSync(ROOT + `kpi-wasm/pkg/${target}/kpi_wasm.js`, "utf8");
    assert.match(glue, /^export function planSchema\(\)/m, target);
    const types = readFileSync(ROOT + `kpi-wasm/pkg/${target}/kpi_wasm.d.ts`, "utf8");
    assert.match(types, /^export function planSchema\(\): Record<string, unknown>;/m, target);
  }
});

test("the sample plan's fields are the schema's", () => {
  const schema = planSchema();
  const plan = Plan.fromToml(readFileSync(ROOT + "kpi-core/testdata/sample/plan.toml", "utf8")).toObject();
  for (const key of Object.keys(plan)) assert.ok(key in schema.properties, key);
  const goal = schema.$defs.Goal.properties;
  for (const g of plan.goals) for (const key of Object.keys(g)) assert.ok(key in goal, key);
});
