// Every public function of the package (module functions, static and instance methods)
// is called somewhere in these tests: a new binding without a test fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as kpi from "kpi-core";

const HERE = fileURLToPath(new URL("./", import.meta.url));
const INTERNAL = new Set(["length", "name", "prototype", "constructor", "free", "__wrap", "__destroy_into_raw"]);

function publicFunctions() {
  const names = [];
  for (const [name, value] of Object.entries(kpi)) {
    if (typeof value !== "function") continue;
    if (!value.prototype || Object.getOwnPropertyNames(value.prototype).length <= 1) {
      if (!/^[A-Z]/.test(name) && name !== "targets" && name !== "ingest") {
        names.push(name);
        continue;
      }
    }
    for (const m of Object.getOwnPropertyNames(value)) {
      if (!INTERNAL.has(m) && typeof value[m] === "function") names.push(`${name}.${m}`);
    }
    for (const m of Object.getOwnPropertyNames(value.prototype ?? {})) {
      if (!INTERNAL.has(m) && !m.startsWith("__") && !m.startsWith("Symbol")) names.push(`${name}#${m}`);
    }
  }
  return names;
}

test("every public function is called in the tests", () => {
  const sources = readdirSync(HERE)
    .filter((f) => (f.endsWith(".mjs") || f.endsWith(".ts")) && f !== "coverage.test.mjs")
    .map((f) => readFileSync(HERE + f, "utf8"))
    .join("\n");
  const names = publicFunctions();
  assert.ok(names.length > 60, `only ${names.length} public functions found`);
  const untested = names.filter((n) => {
    const method = n.split(/[.#]/).pop();
    return !new RegExp(`\\b${method}\\s*\\(|\\.${method}\\b`).test(sources);
  });
  assert.deepStrictEqual(untested, []);
});
