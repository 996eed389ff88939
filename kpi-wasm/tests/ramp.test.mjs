// Ramp quotas and leave relief from JavaScript: plans given as objects with JS numbers and
// BigInts, the row's `full_target`, the report's notes, and hostile ramps, leaves and
// `prorate` lists. The shared vectors (vectors/ramp_and_leave.json, vectors/errors.json)
// run in vectors.test.mjs; Python has the same cases in kpi-py/tests/test_ramp_and_leave.py.
import { test } from "node:test";
import assert from "node:assert/strict";

import { DataError, FactTable, Plan, PlanError, PeriodError, reportToText } from "kpi-core";

function planWith({ ramp, leaves, prorate } = {}) {
  return {
    version: 1,
    ramp: ramp ?? { steps: ["0.25", 0.5, "0.75"] },
    org: {
      teams: [{ id: "east", name: "华东" }],
      members: [
        { id: "li", name: "李雷", team: "east" },
        { id: "wang", name: "王芳", team: "east", from: "2026-02-16" },
      ],
      leaves: leaves ?? [{ member: "li", from: "2026-03-09", until: "2026-03-30", reason: "产假" }],
    },
    metrics: { revenue: { aggregate: "sum", field: "amount" } },
    goals: [
      { id: "quota", metric: "revenue", scope: "member", period: "month", target: 31000n, prorate: prorate ?? ["ramp", "leave"] },
    ],
  };
}

const FACTS = FactTable.fromRecords([
  { id: "o1", kind: "order", owner: "li", date: "2026-03-05", amount: "12000" },
  { id: "o2", kind: "order", owner: "wang", date: "2026-03-20", amount: "5875" },
]);

function evaluate(period = "2026-03", options = {}) {
  return Plan.fromObject(planWith(options), { allowFloat: true }).evaluate(FACTS, period);
}

function rows(period, options) {
  return Object.fromEntries(evaluate(period, options).scorecards.map((row) => [row.id, row]));
}

test("a new rep ramps and a rep on leave is relieved, to the cent", () => {
  const { li, wang } = rows();
  // Li is out 21 of March's 31 days; Wang is at 25% until the 15th, then 50%.
  assert.deepEqual([li.target, li.full_target, li.attainment], ["10000.00", "31000", "1.2"]);
  assert.deepEqual([wang.target, wang.full_target, wang.attainment], ["11750.00", "31000", "0.5"]);
});

test("a quarter sums the prorated months; a month away has no target, and says why", () => {
  assert.deepEqual([rows("2026-Q1").wang.target, rows("2026-Q1").wang.full_target], ["15348.21", "93000"]);
  const away = rows("2026-02", { leaves: [{ member: "li", from: "2026-02-01", until: "2026-03-01" }] }).li;
  assert.deepEqual([away.target, away.attainment, away.no_target], ["0.00", null, { reason: "no_capacity", period: "2026-02" }]);
});

test("only what prorate names counts", () => {
  let { li, wang } = rows("2026-03", { prorate: ["ramp"] });
  assert.deepEqual([li.target, li.full_target, wang.target], ["31000", undefined, "11750.00"]);
  ({ li, wang } = rows("2026-03", { prorate: ["leave"] }));
  assert.deepEqual([li.target, wang.target, wang.full_target], ["10000.00", "31000", undefined]);
});

test("the report says which targets were prorated, in both languages", () => {
  const report = evaluate();
  assert.match(reportToText(report), /target prorated for ramp-up or leave \(full target 31,000\.00\)/);
  assert.match(reportToText(report, "zh-CN"), /目标按新人爬坡或休假折算（全额目标 31,000\.00）/);
});

const HOSTILE = [
  [{ ramp: { steps: [NaN] } }, "ramp.steps[0]", /NaN is not a finite number/],
  [{ ramp: { steps: [Infinity] } }, "ramp.steps[0]", /not a finite number/],
  [{ ramp: { steps: [0.5, 10n ** 30n] } }, "ramp.steps[1]", /beyond 64 bits/],
  [{ ramp: { steps: ["1.0000000000000000000000000001"] } }, "ramp.steps[0]", /from 0 to 1/],
  [{ ramp: { steps: [-0.25] } }, "ramp.steps[0]", /from 0 to 1/],
  [{ ramp: { steps: [] } }, "ramp.steps", /1 to 36 steps/],
  [{ ramp: { steps: new Array(10000).fill(0.5) } }, "ramp.steps", /not 10000/],
  [{ ramp: { steps: "0.25,0.5" } }, "ramp.steps", /sequence/],
  [{ ramp: { steps: [0.5], every: "月" } }, "ramp.every", /not a grain/],
  [{ ramp: { steps: [0.5], tenure: "month" } }, "ramp.tenure", /unknown field/],
  [{ leaves: [{ member: "韩梅梅", from: "2026-03-01", until: "2026-03-08" }] }, "org.leaves[0].member", /韩梅梅/],
  [{ leaves: [{ member: "li", from: "2026-03-08", until: "2026-03-01" }] }, "org.leaves[0].until", /after/],
  [{ leaves: [{ member: "wang", from: "2025-03-01", until: "2025-03-08" }] }, "org.leaves[0].from", /outside every stint/],
  [{ leaves: [{ member: "li", from: 20260301, until: "2026-03-08" }] }, "org.leaves[0].from", /./],
  [{ leaves: [{ member: ["li"], from: "2026-03-01", until: "2026-03-08" }] }, "org.leaves[0].member", /string/],
  [{ leaves: { member: "li" } }, "org.leaves", /sequence/],
  [{ prorate: ["tenure"] }, "goals[0].prorate[0]", /tenure/],
  [{ prorate: "ramp" }, "goals[0].prorate", /sequence/],
];

for (const [options, path, words] of HOSTILE) {
  test(`a hostile ramp, leave or prorate list is refused at ${path}`, () => {
    let error;
    try {
      Plan.fromObject(planWith(options), { allowFloat: true });
    } catch (e) {
      error = e;
    }
    assert.ok([PlanError, PeriodError, DataError].some((cls) => error instanceof cls), String(error));
    assert.equal(error.path, path, error.message);
    assert.match(error.message, words);
  });
}

test("a team goal is not prorated", () => {
  const plan = planWith();
  plan.goals[0].scope = "team";
  assert.throws(() => Plan.fromObject(plan, { allowFloat: true }), (e) => e instanceof PlanError && e.code === "plan.invalid" && e.path === "goals[0].prorate" && /only member targets are prorated/.test(e.message));
});

test("validating a draft whose stints loop gives findings, not a hang", () => {
  const draft = Plan.draftFromToml(`
version = 1
[ramp]
steps = ["0.5"]
[org]
teams = [{ id = "t", name = "T" }]
members = [
  { id = "a", name = "A", team = "t", from = "2026-03-01" },
  { id = "a", name = "A", team = "t", from = "2026-03-01", until = "2026-03-01" },
]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "team"
metric = "revenue"
scope = "team"
period = "2026-03"
target = "100"
[[goals]]
id = "rep"
metric = "revenue"
scope = "member"
period = "2026-03"
target = "50"
prorate = ["ramp"]
`);
  const codes = draft.validate().map((f) => f.code);
  assert.ok(codes.includes("smart.achievable.team_not_covered"), codes.join());
  assert.ok(codes.includes("smart.plan_invalid"), codes.join());
});
