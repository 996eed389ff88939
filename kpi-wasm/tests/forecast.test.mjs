// The forecast from JavaScript: a plan given as an object, `row.forecast` as decimal
// strings, merged measures, and hostile deals and plans (the shared cases are
// vectors/forecast.json and vectors/errors.json, run in vectors.test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";

import { DataError, FactTable, FormulaError, Measures, Plan, PlanError, reportToHtml, reportToMarkdown, reportToText } from "kpi-core";

function planWith({ forecast, goal = {}, metric = {} } = {}) {
  return {
    version: 1,
    org: {
      teams: [{ id: "east", name: "华东" }],
      members: [
        { id: "li", name: "李雷", team: "east" },
        { id: "wang", name: "王芳", team: "east" },
      ],
    },
    metrics: { revenue: { aggregate: "sum", field: "amount", filter: 'kind == "order" && status == "won"', ...metric } },
    goals: [{ id: "quota", metric: "revenue", scope: "member", period: "quarter", target: 100000, forecast: true, ...goal }],
    forecast: forecast ?? {
      stages: {
        谈判: { category: "commit", probability: 80 },
        方案: { category: "best_case", probability: "50.5" },
      },
    },
  };
}

const deal = (id, owner, amount, attributes) => ({ id, kind: "deal", status: "open", owner, amount, date: "2026-03-20", attributes });

const RECORDS = [
  { id: "o1", kind: "order", status: "won", owner: "li", amount: "40000", date: "2026-01-15" },
  deal("d1", "li", "30000", { stage: "谈判" }),
  deal("d2", "li", "20000", { stage: "方案" }),
  deal("d3", "wang", "10000", { stage: "谈判", forecast_category: "best_case", probability: "12.5" }),
];

function evaluate(options, records = RECORDS) {
  return Plan.fromObject(planWith(options), { allowFloat: true }).evaluate(FactTable.fromRecords(records), "2026-Q1");
}

test("rows carry the forecast as decimal strings, computed by hand", () => {
  const [li, wang] = evaluate().scorecards;
  assert.deepEqual(li.forecast, {
    closed: "40000",
    commit: "30000",
    best_case: "20000",
    pipeline: "0",
    open: "50000",
    weighted: "34100", // 30,000 x 80% + 20,000 x 50.5%
    remaining: "60000",
    coverage: "0.8333333333333333333333333333",
    attainment: "0.7",
  });
  // Wang's deal: its own category and probability over its stage's.
  assert.deepEqual([wang.forecast.best_case, wang.forecast.weighted, wang.forecast.attainment], ["10000", "1250", "0"]);
});

test("a goal without forecast has none", () => {
  assert.deepEqual(evaluate({ goal: { forecast: false } }).scorecards.map((r) => r.forecast), [undefined, undefined]);
});

test("measures merged from parts forecast as the whole", () => {
  const plan = Plan.fromObject(planWith(), { allowFloat: true });
  const left = plan.measure(FactTable.fromRecords(RECORDS.slice(0, 2)), "2026-Q1");
  left.merge(Measures.fromJson(plan.measure(FactTable.fromRecords(RECORDS.slice(2)), "2026-Q1").toJson()));
  assert.deepStrictEqual(
    plan.evaluateMeasures(left).scorecards.map((r) => r.forecast),
    evaluate().scorecards.map((r) => r.forecast),
  );
  assert.ok("forecast:commit" in left.toObject().metrics);
});

const HOSTILE_DEALS = [
  [{ forecast_category: "Commit" }, "forecast_category", DataError, "data.invalid_fact"],
  [{ forecast_category: "承诺" }, "forecast_category", DataError, "data.invalid_fact"],
  [{ forecast_category: 1 }, "forecast_category", DataError, "data.invalid_fact"],
  [{ probability: 150 }, "probability", DataError, "data.invalid_fact"],
  [{ probability: "-0.5" }, "probability", DataError, "data.invalid_fact"],
  [{ probability: "1e1000" }, "probability", DataError, "data.invalid_fact"],
  [{ probability: "一百" }, "probability", DataError, "data.invalid_fact"],
  [{ probability: "80%" }, "probability", DataError, "data.invalid_fact"],
  [{ probability: true }, "probability", DataError, "data.invalid_fact"],
  [{ probability: NaN }, "probability", DataError, "data.unsupported_value"],
  [{ probability: Infinity }, "probability", DataError, "data.unsupported_value"],
];

for (const [attributes, field, cls, code] of HOSTILE_DEALS) {
  test(`a deal whose ${field} is ${String(Object.values(attributes)[0])} is an error at its row`, () => {
    let error;
    try {
      evaluate(undefined, [...RECORDS, deal("bad", "li", "1", attributes)]);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof cls, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.path, `[4].attributes.${field}`, error.message);
  });
}

const HOSTILE_PLANS = [
  [{ forecast: { stages: { 谈判: { probability: "100.01" } } } }, "forecast.stages.谈判.probability", /from 0 to 100/],
  [{ forecast: { stages: { 谈判: { category: "likely" } } } }, "forecast.stages.谈判.category", /unknown variant/],
  [{ forecast: { open: "kind ===" } }, "forecast.open", /./],
  [{ forecast: { stages: "谈判" } }, "forecast.stages", /./],
  [{ goal: { forecast: "yes" } }, "goals[0].forecast", /./],
  [{ metric: { aggregate: "count", field: undefined } }, "goals[0].forecast", /not an amount that adds up/],
  [{ metric: { direction: "lower" } }, "goals[0].forecast", /better lower/],
];

for (const [options, path, words] of HOSTILE_PLANS) {
  test(`a forecast kpi cannot compute is refused at ${path}`, () => {
    let error;
    try {
      Plan.fromObject(JSON.parse(JSON.stringify(planWith(options))), { allowFloat: true });
    } catch (e) {
      error = e;
    }
    assert.ok([PlanError, FormulaError, DataError].some((cls) => error instanceof cls), String(error));
    assert.equal(error.path, path, error.message);
    assert.match(error.message, words);
  });
}

test("the review carries the forecast of each goal that needs attention", () => {
  const plan = Plan.fromObject(planWith(), { allowFloat: true });
  const review = plan.review(FactTable.fromRecords(RECORDS), "2026-02-15");
  const li = review.items.find((item) => item.id === "li");
  assert.deepEqual([li.forecast.commit, li.forecast.weighted, li.forecast.coverage], ["30000", "34100", "0.8333333333333333333333333333"]);
});

test("the scorecard's text, Markdown and HTML show the forecast columns", () => {
  const report = evaluate();
  const markdown = reportToMarkdown(report, "en");
  assert.ok(markdown.includes("| Commit | Best case | Weighted pipeline | Coverage | Forecast |"), markdown);
  // Li: commit 30,000, best case 20,000, weighted 34,100, 50,000 / 60,000 = 0.83 times.
  assert.ok(markdown.includes("| 30,000.00 | 20,000.00 | 34,100.00 | 0.83× | 70.0% |"), markdown);
  const text = reportToText(report, "zh-CN");
  assert.ok(text.includes("0.83倍"), text);
  for (const header of ["承诺", "最佳情况", "加权商机金额", "覆盖倍数", "预测达成率"]) {
    assert.ok(text.includes(header), header);
  }
  assert.ok(reportToHtml(report, "en").includes('data-forecast_weighted="34100"'));
  // Without a forecasting goal, no forecast columns.
  assert.ok(!reportToMarkdown(evaluate({ goal: { forecast: false } }), "en").includes("Commit"));
});
