// One vocabulary of codes in the three languages: the lists equal the shared vector
// (kpi-core/testdata/vectors/codes/codes.json, written from kpi-core's enums), and errors are
// instances of the exported classes that kpi-core's families name, in every build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as kpi from "kpi-core";

const {
  Calendar, FactTable, Plan, errorCodes, findingCodes, rejectionReasons, formula, ingest,
  KpiError, PlanError, FormulaError, DataError, PeriodError,
} = kpi;

const VECTORS = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../kpi-core/testdata/vectors/codes/codes.json", import.meta.url)), "utf8"),
);
const CLASSES = ["KpiError", "PlanError", "FormulaError", "DataError", "PeriodError"];

test("the code lists are kpi-core's", () => {
  assert.deepStrictEqual(errorCodes(), VECTORS.error_codes.map((e) => e.code));
  assert.deepStrictEqual(findingCodes(), VECTORS.finding_codes);
  assert.deepStrictEqual(rejectionReasons(), VECTORS.rejection_reasons);
  assert.deepStrictEqual(ingest.rejectionReasons(), VECTORS.rejection_reasons);
});

test("the error classes are exported, named, and extend KpiError and Error", () => {
  assert.ok(KpiError.prototype instanceof Error);
  assert.equal(new KpiError("m", { code: "data.overflow" }).name, "KpiError");
  for (const name of new Set(VECTORS.error_codes.map((e) => e.class))) {
    const klass = kpi[name];
    assert.equal(typeof klass, "function", name);
    assert.ok(klass.prototype instanceof KpiError, name);
    const e = new klass("message", { code: "x.y", path: "p", row: 3 });
    assert.equal(e.name, name);
    assert.equal(e.message, "message");
    assert.deepStrictEqual([e.code, e.path, e.line, e.column, e.row], ["x.y", "p", null, null, 3]);
    assert.ok(e instanceof klass && e instanceof KpiError && e instanceof Error);
  }
});

/** What `fn` throws: an instance of `klass`, `KpiError` and `Error`, with `code`. */
function throwsA(fn, klass, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `no error from ${fn}`);
  assert.ok(caught instanceof klass, `${caught?.name} ${caught?.message} is not a ${klass.name}`);
  assert.ok(caught instanceof KpiError && caught instanceof Error, caught.message);
  assert.equal(caught.name, klass.prototype.name);
  assert.equal(caught.code, code, caught.message);
  const expected = VECTORS.error_codes.find((e) => e.code === code);
  assert.equal(caught.name, expected.class, "the class is kpi-core's family of the code");
  return caught;
}

test("errors of every family are instances of their class", () => {
  const plan = throwsA(() => Plan.fromToml("version = 1\n[[goals]\n"), PlanError, "plan.syntax");
  assert.equal(typeof plan.line, "number");
  const formulaError = throwsA(() => formula.check("1 +"), FormulaError, "formula.syntax");
  assert.equal(typeof formulaError.column, "number");
  const data = throwsA(
    () => FactTable.fromRecords([{ id: "o1", kind: "order", date: "2026-03-02" }, { id: "o2", kind: "order" }]),
    DataError,
    "data.invalid_fact",
  );
  assert.equal(data.row, 1);
  throwsA(() => new Calendar().parsePeriod("2026-13"), PeriodError, "period.invalid_label");
});

test("errors from the argument checks at the boundary are instances too", () => {
  // Read in JavaScript (boundary.js), before wasm is entered.
  throwsA(() => Plan.fromToml(42), DataError, "data.invalid_argument");
  throwsA(() => FactTable.fromRecords([{ id: "o1", kind: "order", amount: 0.1, date: "2026-03-02" }]), DataError, "data.unsupported_value");
  const table = FactTable.fromRecords([]);
  table.free();
  throwsA(() => table.length, DataError, "data.invalid_argument");
  throwsA(() => new Calendar().periodOf(new Date(Date.UTC(2026, 0, 1, 12)), "month"), DataError, "data.invalid_argument");
  // Checked in Rust at the boundary (options, CRM names): the same classes.
  throwsA(() => ingest.csv("id\n", "[fields]\nid = \"id\"\n", { module: "Deals" }), DataError, "data.invalid_argument");
  const crm = throwsA(() => ingest.presets("zohoo"), DataError, "data.invalid_argument");
  assert.equal(crm.path, "crm");
  assert.match(crm.message, /"zoho", "fxiaoke"/);
  throwsA(() => new Calendar().periodOf("1000-01-01", "month").shift(-1), PeriodError, "period.out_of_range");
});

test("the web and bundler builds export the error classes too", async () => {
  const web = await import("../pkg/web/kpi_wasm.js");
  for (const name of CLASSES) assert.equal(typeof web[name], "function", `web ${name}`);
  // The bundler build imports the .wasm as a module, which needs a bundler: its glue's
  // exports are read as text.
  const bundler = readFileSync(fileURLToPath(new URL("../pkg/bundler/kpi_wasm.js", import.meta.url)), "utf8")
    + readFileSync(fileURLToPath(new URL("../pkg/bundler/kpi_wasm_bg.js", import.meta.url)), "utf8");
  for (const name of CLASSES) assert.match(bundler, new RegExp(`\\b${name}\\b`), `bundler ${name}`);
  for (const target of ["nodejs", "web", "bundler"]) {
    const types = readFileSync(fileURLToPath(new URL(`../pkg/${target}/kpi_wasm.d.ts`, import.meta.url)), "utf8");
    for (const name of CLASSES) assert.match(types, new RegExp(`export class ${name}\\b`), `${target} .d.ts ${name}`);
  }
});
