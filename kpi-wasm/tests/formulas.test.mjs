// The shared formula vectors, run from JavaScript, and the formula API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { formula } from "kpi-core";

const FILE = fileURLToPath(new URL("../../kpi-core/testdata/vectors/formulas/formulas.json", import.meta.url));
const { cases } = JSON.parse(readFileSync(FILE, "utf8"));

const typeOf = (v) => (v === null ? "any" : typeof v === "number" ? "number" : typeof v === "boolean" ? "bool" : "text");

cases.forEach((c, i) => {
  test(`formula #${i} ${c.formula}`, () => {
    const values = c.values ?? {};
    const names = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeOf(v)]));
    Object.assign(names, c.names ?? {});
    if (c.error) {
      assert.throws(() => formula.check(c.formula, names), (e) => {
        assert.equal(e.code, c.error.code, e.message);
        assert.equal(e.name, "FormulaError");
        assert.equal(e.line, c.error.line);
        assert.equal(e.column, c.error.column);
        return true;
      });
      return;
    }
    assert.equal(formula.check(c.formula, names).type, c.expect.type);
    // The vector's numbers are decimal text in JSON, read here as floats: allowFloat reads
    // each back as its shortest text, which is that decimal (as Python's runner does).
    if (!c.names) assert.deepStrictEqual(formula.evaluate(c.formula, values, { allowFloat: true }), c.expect.value);
  });
});

test("formula API", () => {
  assert.deepStrictEqual(formula.check("a + b", ["a", "b"]), { type: "number", names: ["a", "b"] });
  // Strings are text in formulas, so a fraction is a float, read with allowFloat.
  assert.equal(formula.evaluate("a * 2", { a: 1.5 }, { allowFloat: true }), "3.0");
  assert.equal(formula.evaluate("a * 2", { a: 3, b: 2n }), "6");
  assert.equal(formula.evaluate("a + 0.2", { a: 0.1 }, { allowFloat: true }), "0.3");
  assert.throws(() => formula.evaluate("a * 2", { a: 1.5 }), (e) => e.code === "data.unsupported_value" && e.path === "a");
  assert.equal(formula.evaluate("x", { x: "won" }), "won");
  assert.equal(formula.evaluate("1 / 0"), null);
  assert.throws(() => formula.check("a", { a: "furlongs" }), (e) => e.code === "formula.type_mismatch");
});
