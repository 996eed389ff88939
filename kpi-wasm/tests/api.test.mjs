// The JavaScript API beyond the vectors: the sample company, measures, errors, records.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { FactTable, Measures, Plan, errorCodes, reportToText, version } from "kpi-core";

const SAMPLE = fileURLToPath(new URL("../../kpi-core/testdata/sample/", import.meta.url));
const samplePlan = () => Plan.fromToml(readFileSync(SAMPLE + "plan.toml", "utf8"));
const sampleLines = () => readFileSync(SAMPLE + "facts.jsonl", "utf8").trimEnd().split("\n");

test("the sample company evaluates, and partitions merge to the same report", () => {
  const plan = samplePlan();
  const lines = sampleLines();
  const whole = plan.evaluate(FactTable.fromJsonLines(lines.join("\n")), "FY2027-Q2");
  assert.equal(whole.period.label, "FY2027-Q2");
  assert.equal(whole.period.start, "2026-07-01");
  assert.equal(whole.statements.length, 12);
  const half = Math.floor(lines.length / 2);
  const left = plan.measure(FactTable.fromJsonLines(lines.slice(0, half).join("\n")), "FY2027-Q2");
  const right = plan.measure(FactTable.fromJsonLines(lines.slice(half).join("\n")), "FY2027-Q2");
  left.merge(Measures.fromJson(right.toJson()));
  assert.deepStrictEqual(plan.evaluateMeasures(left), whole);
  assert.ok(left.toObject().metrics.revenue.unassigned.count > 0);
  const text = reportToText(whole);
  assert.match(text, /Payouts/);
  assert.match(text, /张三/);
});

test("decimals are strings; exact numbers are accepted, floats only with allowFloat", () => {
  const plan = Plan.fromObject({
    version: 1,
    org: { teams: [{ id: "t", name: "T" }], members: [{ id: "a", name: "A", team: "t" }] },
    metrics: { revenue: { aggregate: "sum", field: "amount" } },
    goals: [{ id: "g", metric: "revenue", scope: "member", period: "month", target: 1000 }],
    incentives: [{ id: "c", applies_to: "members", components: [{ kind: "rate", metric: "revenue", rate: "0.1" }] }],
  });
  const records = [
    { id: "1", kind: "order", owner: "a", amount: 0.1, date: "2026-03-01" },
    { id: "2", kind: "order", owner: "a", amount: "0.2", date: "2026-03-02" },
  ];
  assert.throws(
    () => FactTable.fromRecords(records),
    (e) => e.code === "data.unsupported_value" && e.path === "[0].amount" && e.row === 0 && e.message.includes('write amounts as strings, e.g. "0.3"'),
  );
  const facts = FactTable.fromRecords(records, { allowFloat: true });
  const report = plan.evaluate(facts, "2026-03");
  assert.equal(report.scorecards[0].actual, "0.3"); // not 0.30000000000000004
  assert.equal(report.scorecards[0].attainment, "0.0003");
  assert.equal(report.statements[0].total, "0.03");
  assert.equal(facts.length, 2);
});

test("records round-trip as plain objects", () => {
  const records = [
    { id: "s1", kind: "survey", customer: "c1", date: "2026-03-01", attributes: { score: 5, web: true, note: "ok" } },
    { id: "o1", kind: "order", owner: "a", amount: "12.30", status: "won", date: "2026-03-02" },
  ];
  const back = FactTable.fromRecords(records).toRecords();
  assert.deepStrictEqual(back, records);
});

test("errors are Error objects with a code and a location", () => {
  assert.throws(() => Plan.fromToml("version = 1\n[org\n"), (e) => e.code === "plan.syntax" && e.line === 2);
  assert.throws(
    () => FactTable.fromRecords([{ id: "1", kind: "order", date: "2026-02-30" }]),
    (e) => e.code === "data.invalid_fact" && e.path === "[0].date" && e.row === 0,
  );
  assert.throws(() => samplePlan().parsePeriod("2026-13"), (e) => e.code === "period.invalid_label");
  assert.throws(() => FactTable.fromRecords("not a list"), (e) => e.code === "data.invalid_fact");
  assert.ok(errorCodes().includes("formula.unknown_field"));
});

test("plans round-trip and periods parse in the plan's calendar", () => {
  const plan = samplePlan();
  assert.equal(Plan.fromJson(plan.toJson()).toJson(), plan.toJson());
  assert.equal(Plan.fromToml(plan.toToml()).toJson(), plan.toJson());
  assert.equal(Plan.fromObject(plan.toObject()).toJson(), plan.toJson());
  assert.deepStrictEqual(plan.parsePeriod("FY2027").toObject(), {
    label: "FY2027", grain: "year", start: "2026-04-01", end: "2027-04-01",
  });
  assert.equal(plan.version, 1);
  assert.match(plan.name, /2027财年/);
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test("the catalogue lists every KPI", async () => {
  const { catalogue } = await import("kpi-core");
  const ids = catalogue().map((e) => e.id);
  for (const id of ["win_rate", "csat", "nps", "market_share"]) assert.ok(ids.includes(id), id);
  assert.equal(catalogue().find((e) => e.id === "csat").name_zh, "客户满意度");
  assert.throws(() => Plan.fromToml('version = 1\ncatalogue = ["nope"]\n'), (e) => e.code === "plan.invalid" && e.path === "catalogue[0]");
});

test("append is all or nothing", () => {
  const facts = FactTable.fromRecords([{ id: "o1", kind: "order", owner: "a", amount: "100", date: "2026-03-01" }]);
  facts.append([{ id: "o2", kind: "order", owner: "a", amount: "50", date: "2026-03-02" }]);
  assert.equal(facts.length, 2);
  assert.throws(
    () => facts.append([{ id: "o3", kind: "order", date: "2026-03-03" }, { id: "o1", kind: "order", date: "2026-03-03" }]),
    (e) => e.code === "data.invalid_fact" && e.path === "[1].id" && e.row === 1,
  );
  assert.equal(facts.length, 2);
});
