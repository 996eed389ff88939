// Plan design settings from JavaScript: every plan of the shared vectors in
// kpi-core/testdata/vectors/design reads with its `[design]` table kept, every bad
// threshold there is the same error at the same path as in Rust and Python (intended
// findings are checked by the design check itself), and hostile settings are errors at
// their path. (The design check itself is the on-demand module kpi-core/design:
// design-module.test.mjs runs every vector through it.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Plan } from "kpi-core";

const FILE = fileURLToPath(new URL("../../kpi-core/testdata/vectors/design/checks.json", import.meta.url));
const CASES = JSON.parse(readFileSync(FILE, "utf8")).cases;

for (const c of CASES) {
  test(`design vectors: ${c.name}`, () => {
    if (c.error && c.error.path.startsWith("design.intended")) {
      // The shape of an intended finding is read with the plan; what it names is checked
      // by the design check (Rust and Python), which the browser module does not run.
      let plan;
      try {
        plan = Plan.fromToml(c.plan_toml);
      } catch (e) {
        assert.equal(e.code, c.error.code, e.message);
        assert.equal(e.path, c.error.path, e.message);
        return;
      }
      assert.ok(Array.isArray(plan.toObject().design.intended));
      return;
    }
    if (c.error) {
      assert.throws(() => Plan.fromToml(c.plan_toml), (e) => {
        assert.equal(e.code, c.error.code, e.message);
        assert.equal(e.path ?? undefined, c.error.path, e.message);
        return true;
      });
      return;
    }
    const plan = Plan.fromToml(c.plan_toml);
    const again = Plan.fromObject(plan.toObject());
    assert.deepEqual(again.toObject(), plan.toObject());
    if (c.plan_toml.includes("[design]") || c.plan_toml.includes("[[design.intended]]")) {
      assert.ok(plan.toObject().design, "the [design] table is kept");
    } else {
      assert.equal(plan.toObject().design, undefined, "default settings are not written");
    }
  });
}

const base = () => Plan.fromToml(CASES[0].plan_toml).toObject();

test("an intended finding keeps its non-ASCII reason whole", () => {
  const doc = base();
  const reason = "达标即全额计提 🎯 — 已在销售会议说明";
  doc.design = { intended: [{ path: "incentives[0].components[0]", codes: ["design.cliff"], reason }] };
  assert.equal(Plan.fromObject(doc).toObject().design.intended[0].reason, reason);
});

const hostile = [
  [{ cliff: NaN }, "design.cliff"],
  [{ gain: Infinity }, "design.gain"],
  [{ exposure: "1e40" }, "design.exposure"],
  [{ plausible: "-1" }, "design.plausible"],
  [{ max_attainment: [] }, "design.max_attainment"],
  [{ target: "１００" }, "design.target"],
  [{ intended: "all" }, "design.intended"],
  [{ intended: [{ path: 7, codes: [], reason: "" }] }, "design.intended[0].path"],
  [{ unknown: 1 }, "design.unknown"],
];
for (const [settings, path] of hostile) {
  test(`hostile design settings are errors at ${path}: ${JSON.stringify(settings).slice(0, 60)}`, () => {
    const doc = base();
    doc.design = settings;
    assert.throws(() => Plan.fromObject(doc, { allowFloat: true }), (e) => {
      assert.match(e.code, /^(plan|data)\./, e.message);
      assert.equal(e.path, path, e.message);
      return true;
    });
  });
}

test("settings of the wrong type and deep values are errors, never a crash", () => {
  for (const design of [42, "strict", null, [[[[[]]]]], { intended: [{ path: "incentives[0].components[0]", codes: ["design.cliff"], reason: [[[[[]]]]] }] }]) {
    const doc = base();
    doc.design = design;
    assert.throws(() => Plan.fromObject(doc), (e) => typeof e.code === "string");
  }
});
