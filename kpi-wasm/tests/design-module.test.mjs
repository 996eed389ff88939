// kpi-core/design, the on-demand design module: every plan of the shared design vectors
// gives the same findings (and errors) as in Rust and Python, every counterexample prices
// again with the main module's evaluateComponent, every cost simulation gives the same
// cents for the same seed, the web build works after init() and says so before it, and
// hostile arguments are errors with codes, never a crash or a wrong number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { DataError, FactTable, KpiError, Plan, PlanError, evaluateComponent } from "kpi-core";
import init, { attainmentFromReports, designCheck, designText, simulateCost } from "kpi-core/design";

const VECTORS = new URL("../../kpi-core/testdata/vectors/design/", import.meta.url);
const CHECKS = JSON.parse(readFileSync(new URL("checks.json", VECTORS), "utf8")).cases;
const COSTS = JSON.parse(readFileSync(new URL("costs.json", VECTORS), "utf8")).cases;
const SAMPLE = readFileSync(fileURLToPath(new URL("../../kpi-core/testdata/sample/plan.toml", import.meta.url)), "utf8");

const codeOf = (run) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
};

test("init() is there to await under Node too", async () => {
  await init();
});

for (const c of CHECKS) {
  test(`design check vectors: ${c.name}`, () => {
    if (c.error) {
      const error = codeOf(() => designCheck(c.plan_toml));
      assert.ok(error instanceof KpiError, String(error));
      assert.equal(error.code, c.error.code, error.message);
      assert.equal(error.path ?? undefined, c.error.path, error.message);
      return;
    }
    const plan = Plan.fromToml(c.plan_toml);
    const found = designCheck(plan);
    assert.deepEqual(found, c.expected);
    // Every case prices again to what the finding says.
    const document = plan.toObject();
    for (const finding of found) {
      const [i, j] = finding.path.match(/\d+/g).map(Number);
      const component = document.incentives[i].components[j];
      for (const each of finding.counterexample.cases) {
        assert.equal(evaluateComponent(component, each.inputs, document.rounding).amount, each.paid, `${finding.code} ${each.role}`);
      }
    }
    // The same plan as a document and as TOML text gives the same findings.
    assert.deepEqual(designCheck(document), found);
  });
}

for (const c of COSTS) {
  test(`cost vectors: ${c.name}`, () => {
    const options = { trials: c.trials, seed: c.seed, members: c.members };
    if (c.error) {
      const error = codeOf(() => simulateCost(c.plan_toml, c.attainment, options));
      assert.ok(error instanceof DataError, String(error));
      assert.equal(error.code, c.error.code, error.message);
      assert.equal(error.path, c.error.path, error.message);
      return;
    }
    assert.deepEqual(simulateCost(c.plan_toml, c.attainment, options), c.expected);
  });
}

test("the sample plan's findings and text, in English and Chinese", () => {
  const findings = designCheck(SAMPLE);
  assert.ok(findings.length > 0);
  assert.ok(findings.every((f) => f.severity === "info" && f.intended), "the sample declares its trade-offs");
  const en = designText(SAMPLE);
  const zh = designText(SAMPLE, "zh-CN");
  for (const f of findings) {
    assert.ok(en.includes(f.message), f.message);
    assert.ok(zh.includes(f.message_zh), f.message_zh);
  }
  assert.throws(() => designText(SAMPLE, "tlh"), (e) => e instanceof KpiError);
});

test("the web build: an error before init(), the same findings after it", async () => {
  const web = await import("../design/web.mjs");
  assert.throws(() => web.designCheck(SAMPLE), /not initialised: call `await init\(\)`/);
  await web.default(readFileSync(fileURLToPath(new URL("../pkg/design/kpi_wasm_design_bg.wasm", import.meta.url))));
  assert.deepEqual(web.designCheck(SAMPLE), designCheck(SAMPLE));
  const attainment = { normal: { mean: "1.0", sd: "0.2" } };
  assert.deepEqual(web.simulateCost(SAMPLE, attainment, { seed: 2026 }), simulateCost(SAMPLE, attainment, { seed: 2026 }));
});

test("hostile arguments are errors with codes and paths", () => {
  const attainment = { normal: { mean: "1.0", sd: "0.2" } };
  const cases = [
    [() => designCheck(42), "plan"],
    [() => designCheck(null), "plan"],
    [() => designCheck([]), "plan"],
    [() => simulateCost(SAMPLE, "normal"), "attainment"],
    [() => simulateCost(SAMPLE, attainment, { trials: 1.5 }), "trials"],
    [() => simulateCost(SAMPLE, attainment, { trials: -1 }), "trials"],
    [() => simulateCost(SAMPLE, attainment, { trials: 2 ** 40 }), "trials"],
    [() => simulateCost(SAMPLE, attainment, { seed: -1 }), "seed"],
    [() => simulateCost(SAMPLE, attainment, { seed: 2n ** 64n }), "seed"],
    [() => simulateCost(SAMPLE, attainment, { seed: "12a" }), "seed"],
    [() => simulateCost(SAMPLE, attainment, { seed: 0.5 }), "seed"],
    [() => simulateCost(SAMPLE, attainment, { members: "3" }), "members"],
    [() => simulateCost(SAMPLE, attainment, null), "options"],
    [() => simulateCost(SAMPLE, { empirical: Array.from({ length: 3 }, () => ({ deep: { deeper: { deepest: { more: { again: { x: { y: { z: { w: 1 } } } } } } } } })) }), null],
    [() => simulateCost(SAMPLE, { normal: { mean: "１.０", sd: "0.2" } }), "attainment.normal.mean"],
  ];
  for (const [run, path] of cases) {
    const error = codeOf(run);
    assert.ok(error instanceof KpiError, `${run}: ${error}`);
    assert.equal(error.code, "data.invalid_argument", `${run}: ${error.message}`);
    if (path !== null) assert.equal(error.path, path, `${run}: ${error.message}`);
  }
  // Binary floats and text that is not well formed are refused as the main module refuses them.
  for (const [value, path] of [
    [{ normal: { mean: 1.1, sd: "0.2" } }, "attainment.normal.mean"],
    [{ normal: { mean: NaN, sd: "0.2" } }, "attainment.normal.mean"],
    [{ normal: { mean: -Infinity, sd: "0.2" } }, "attainment.normal.mean"],
    [{ empirical: ["1.0", "\ud800"] }, "attainment.empirical[1]"],
  ]) {
    const error = codeOf(() => simulateCost(SAMPLE, value));
    assert.ok(error instanceof DataError, String(error));
    assert.equal(error.code, "data.unsupported_value", error.message);
    assert.equal(error.path, path, error.message);
    assert.ok(error.message.startsWith(`[data.unsupported_value] ${path}: `), error.message);
  }
  // Arguments that cannot be read field by field: a Date, a Map, a getter that throws.
  const throwing = { normal: { mean: "1.0", get sd() { throw new Error("boom"); } } };
  for (const value of [new Date(0), new Map([["normal", {}]]), { normal: new Date(0) }, throwing]) {
    const error = codeOf(() => simulateCost(SAMPLE, value));
    assert.ok(error instanceof DataError, `${value}: ${error}`);
  }
  // `trials: null` is the default, as Python's None; a plan as JSON text reads as JSON.
  assert.deepEqual(simulateCost(SAMPLE, attainment, { trials: null, seed: 3 }), simulateCost(SAMPLE, attainment, { seed: 3 }));
  assert.deepEqual(designCheck(Plan.fromToml(SAMPLE).toJson()), designCheck(SAMPLE));
  // A plan that does not read is the main module's PlanError, at its path.
  const bad = codeOf(() => designCheck("version = 1\n[[goals]]\nid = 3\n"));
  assert.ok(bad instanceof PlanError, String(bad));
  // A seed past 2**53 is exact as a bigint or digits, and the same seed gives the same cents.
  const big = simulateCost(SAMPLE, attainment, { trials: 50, seed: 2n ** 64n - 1n });
  assert.deepEqual(simulateCost(SAMPLE, attainment, { trials: 50, seed: "18446744073709551615" }), big);
  assert.notDeepEqual(simulateCost(SAMPLE, attainment, { trials: 50, seed: 1 }), big);
});

const HISTORY = JSON.parse(readFileSync(new URL("history.json", VECTORS), "utf8")).cases;
const FACTS = FactTable.fromJsonLines(readFileSync(fileURLToPath(new URL("../../kpi-core/testdata/sample/facts.jsonl", import.meta.url)), "utf8"));

for (const c of HISTORY) {
  test(`history vectors: ${c.name}`, () => {
    const plan = Plan.fromToml(SAMPLE);
    const reports = c.periods.map((period) => plan.evaluate(FACTS, period));
    if (c.error) {
      const error = codeOf(() => attainmentFromReports(reports, c.goal));
      assert.ok(error instanceof DataError, String(error));
      assert.equal(error.code, c.error.code);
      assert.equal(error.path, c.error.path);
      return;
    }
    const attainment = attainmentFromReports(reports, c.goal);
    assert.deepEqual(attainment, c.attainment);
    assert.deepEqual(simulateCost(plan, attainment, { trials: c.trials, seed: c.seed }), c.cost);
  });
}

test("history: clamped as in Rust, any iterable of reports, bad rows refused", () => {
  const report = Plan.fromToml(SAMPLE).evaluate(FACTS, "FY2027-Q2");
  const rows = report.scorecards.filter((r) => r.goal === "rep-revenue" && r.scope === "member" && r.id !== "unassigned");
  rows[0].attainment = "-0.3";
  rows[1].attainment = "12.5";
  rows[2].attainment = "10.000";
  rows[3].attainment = "10.001";
  const { empirical } = attainmentFromReports(new Set([report]), "rep-revenue");
  assert.deepEqual(empirical.slice(0, 4), ["0", "10", "10.000", "10"]);
  const error = codeOf(() => attainmentFromReports([report, null], "rep-revenue"));
  assert.equal(error.path, "reports[1]");
});

test("history arguments are checked", () => {
  const report = Plan.fromToml(SAMPLE).evaluate(FACTS, "FY2027-Q2");
  for (const [reports, goal, path] of [
    [42, "rep-revenue", "reports"],
    [[report, "not a report"], "rep-revenue", "reports[1]"],
    [[report], 5, "goal"],
    [[], "rep-revenue", "goal"],
  ]) {
    const error = codeOf(() => attainmentFromReports(reports, goal));
    assert.ok(error instanceof DataError, String(error));
    assert.equal(error.path, path);
  }
});

test("a report carrying the design findings lists them in its HTML, Markdown and text", async () => {
  const { reportToHtml, reportToMarkdown, reportToText } = await import("kpi-core");
  const plan = Plan.fromToml(SAMPLE);
  const findings = designCheck(plan);
  // The findings as designCheck gives them: the report keeps what it lists, not the counterexamples.
  const report = { ...plan.evaluate(FACTS, "FY2027-Q2"), design: findings };
  const html = reportToHtml(report, "zh-CN");
  assert.ok(html.includes('<section class="design">\n<h2>方案设计检查</h2>'), html.slice(-2000));
  for (const finding of findings) assert.ok(html.includes(`data-code="${finding.code}"`));
  assert.ok(reportToMarkdown(report, "en").includes("## Plan design"));
  assert.ok(reportToText(report, "en").includes(findings[0].message));
  assert.throws(() => reportToHtml({ ...report, design: [{ code: "design.cliff" }] }), (e) => e instanceof KpiError);
});
