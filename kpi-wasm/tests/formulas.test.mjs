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
    if (!c.names) assert.deepStrictEqual(formula.evaluate(c.formula, values), c.expect.value);
  });
});

test("formula API", () => {
  assert.deepStrictEqual(formula.check("a + b", ["a", "b"]), { type: "number", names: ["a", "b"] });
  assert.equal(formula.evaluate("a * 2", { a: 1.5 }), "3.0");
  assert.equal(formula.evaluate("x", { x: "won" }), "won");
  assert.equal(formula.evaluate("1 / 0"), null);
  assert.throws(() => formula.check("a", { a: "furlongs" }), (e) => e.code === "formula.type_mismatch");
});
