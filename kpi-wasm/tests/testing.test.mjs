// kpi-core/testing: each arbitrary generates what it promises (valid inputs read, invalid
// ones fail with their stated code), every generated plan, period and formula obeys the
// checks, and the plan recipes write the same documents as Rust's (shared vectors).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { FactTable, KpiError, Plan, formula } from "kpi-core";
import * as testing from "kpi-core/testing";
import { checks } from "kpi-core/testing";

const RECIPES = JSON.parse(readFileSync(new URL("../../kpi-core/testdata/vectors/testing/recipes.json", import.meta.url), "utf8"));
const RUNS = { numRuns: 40 };

const codeOf = (run) => {
  try {
    run();
  } catch (error) {
    if (error instanceof KpiError) return error;
    throw error;
  }
  return null;
};

test("every recipe vector writes its document, which reads or fails with its code", () => {
  for (const c of RECIPES.cases) {
    const toml = testing.recipeToml(c.recipe, c.defect);
    assert.equal(toml, c.toml, JSON.stringify(c.recipe));
    const error = codeOf(() => Plan.fromToml(toml));
    if (c.defect === null) {
      assert.equal(error, null);
      checks.planRoundTrips(Plan.fromToml(toml));
    } else {
      assert.equal(error?.code, c.code);
      assert.equal(testing.DEFECTS[c.defect], c.code);
    }
  }
  const defects = new Set(RECIPES.cases.map((c) => c.defect).filter((d) => d !== null));
  assert.deepEqual([...defects].sort(), Object.keys(testing.DEFECTS).sort());
});

test("an unknown defect or component kind is refused", () => {
  const recipe = { teams: [1], quarterly: false, quota: 1000, target_incentive: 1000, component: { kind: "rate", permille: 5, cap_multiple: null } };
  assert.throws(() => testing.recipeToml(recipe, "typo"), /unknown defect/);
  assert.throws(() => testing.recipeToml({ ...recipe, component: { kind: "bonus" } }), /unknown component kind/);
});

test("generated plans obey the evaluation laws", () => {
  fc.assert(
    fc.property(testing.plansWithFacts({ maxLength: 30 }), ([plan, period, facts]) => {
      checks.planRoundTrips(plan);
      checks.evaluationLaws(plan, facts, period);
    }),
    RUNS,
  );
});

test("invalid plans fail with their code and a location", () => {
  fc.assert(
    fc.property(testing.invalidPlans(), (bad) => {
      const error = codeOf(() => Plan.fromToml(bad.toml));
      assert.ok(error, `${bad.defect} was read`);
      assert.equal(error.code, bad.code, bad.defect);
      assert.ok(error.path !== null || error.line !== null, `${bad.defect}: no location`);
    }),
    RUNS,
  );
});

test("generated formulas check with their type and obey the formula laws", () => {
  fc.assert(
    fc.property(testing.formulas(), testing.formulaValues(), (c, values) => {
      assert.equal(formula.check(c.text, testing.FORMULA_NAMES).type, c.result, c.text);
      checks.formulaLaws(c.text, testing.FORMULA_NAMES, values);
    }),
    RUNS,
  );
});

test("invalid formulas fail with their code and a line", () => {
  fc.assert(
    fc.property(testing.invalidFormulas(), (bad) => {
      const error = codeOf(() => formula.check(bad.text, testing.FORMULA_NAMES));
      assert.ok(error, `${bad.text} checked`);
      assert.equal(error.code, bad.code, bad.text);
      assert.ok(error.line !== null);
    }),
    RUNS,
  );
});

test("generated periods obey the period laws", () => {
  fc.assert(
    fc.property(testing.periods(), testing.grains(), ([calendar, period], grain) => {
      checks.periodLaws(calendar, period.start, grain);
    }),
    RUNS,
  );
});

/** Two decimal strings are the same number. */
function sameDecimal(a, b) {
  const parse = (text) => {
    const [whole, fraction = ""] = text.replace(/^-/, "").split(".");
    return { digits: BigInt(whole + fraction) * (text.startsWith("-") ? -1n : 1n), scale: fraction.length };
  };
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return x.digits * 10n ** BigInt(scale - x.scale) === y.digits * 10n ** BigInt(scale - y.scale);
}

test("hostile decimals read exactly as fact amounts, or are refused with a code", () => {
  const plan = Plan.fromToml(testing.recipeToml(RECIPES.cases[0].recipe));
  fc.assert(
    fc.property(testing.hostileDecimals(), (amount) => {
      // Amounts enter through facts (formula values take whole numbers only).
      const facts = [{ id: "f", kind: "order", status: "won", owner: "m1", amount, date: "2026-03-02" }];
      let report;
      const error = codeOf(() => {
        report = plan.evaluate(FactTable.fromRecords(facts), "2026-03");
      });
      if (error !== null) {
        assert.ok(["data.overflow", "data.invalid_fact"].includes(error.code), error.message);
        return;
      }
      const company = report.scorecards.find((row) => row.goal === "company");
      assert.ok(sameDecimal(company.actual, amount), `${company.actual} read from ${amount}`);
    }),
    RUNS,
  );
});

test("the checks catch a broken law", () => {
  const recipe = { teams: [2], quarterly: false, quota: 1000, target_incentive: 1000, component: { kind: "rate", permille: 50, cap_multiple: null } };
  const plan = Plan.fromToml(testing.recipeToml(recipe));
  const facts = [{ id: "f1", kind: "order", status: "won", owner: "m1", amount: "100", date: "2026-03-02" }];
  const report = JSON.parse(JSON.stringify(plan.evaluate(FactTable.fromRecords(facts), "2026-03")));
  for (const row of report.scorecards) if (row.goal === "company") row.actual = "100.01";
  assert.throws(() => testing._rollUpsAddUp(plan.toObject(), report, testing._metricDefinitions(plan.toObject())), /not the sum/);
});

test("facts at the ends of the supported range read, and the laws hold there", () => {
  const recipe = { teams: [1], quarterly: false, quota: 1000, target_incentive: 1000, component: { kind: "rate", permille: 10, cap_multiple: null } };
  const plan = Plan.fromToml(testing.recipeToml(recipe));
  for (const label of ["1000-01", "9998-12"]) {
    const period = plan.parsePeriod(label);
    fc.assert(
      fc.property(testing.factRecords(["m1"], period, { minLength: 1, maxLength: 60 }), (facts) => {
        FactTable.fromRecords(facts);
        checks.evaluationLaws(plan, facts, period);
      }),
      { numRuns: 20 },
    );
    checks.periodLaws(plan.calendar, period.start, "month");
  }
});

test("recipes are checked as Rust reads them", () => {
  const good = { kind: "rate", permille: 10, cap_multiple: null };
  const base = { teams: [1], quarterly: false, quota: 1000, target_incentive: 1000, component: good };
  for (const bad of [
    { ...base, quota: -5 },
    { ...base, quota: 1.5 },
    { ...base, teams: [true] },
    { ...base, extra: 1 },
    { ...base, component: { kind: "rate", permille: 10, cap_mutliple: 2 } },
    { ...base, component: { kind: "tiered", retroactive: true, tiers: [[0, -1]] } },
    { ...base, component: { kind: "gated", permille: 10 } },
  ]) {
    assert.throws(() => testing.recipeToml(bad), TypeError, JSON.stringify(bad));
  }
});

test("a lower-is-better goal's attainment passes the law", () => {
  const recipe = { teams: [1], quarterly: false, quota: 1000, target_incentive: 1000, component: { kind: "rate", permille: 10, cap_multiple: null } };
  const text = testing
    .recipeToml(recipe)
    .replace('id = "orders"\nmetric = "orders"\nscope = "member"', 'id = "orders"\nmetric = "orders"\nscope = "member"\ndirection = "lower"');
  assert.match(text, /direction = "lower"/);
  const plan = Plan.fromToml(text);
  for (const count of [1, 3, 5, 7]) {
    const facts = Array.from({ length: count }, (_, i) => ({ id: `f${i}`, kind: "order", status: "won", owner: "m1", amount: "10", date: "2026-03-02" }));
    checks.evaluationLaws(plan, facts, "2026-03");
  }
});
