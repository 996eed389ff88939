// Fix-it messages: each error says what is wrong, where, and how to fix it, in words a
// JavaScript user reads (no Rust syntax). The same cases run in Rust
// (vectors/errors.json, ingest.json) and Python (kpi-py/tests/test_fixit.py).
import { test } from "node:test";
import assert from "node:assert/strict";

import { FactTable, Plan, evaluateComponent, ingest, DataError, PeriodError, PlanError } from "kpi-core";

const PLAN = `version = 1
[org]
teams = [{ id = "t", name = "T" }]
members = [{ id = "a", name = "A", team = "t" }]
[metrics.revenue]
aggregate = "sum"
field = "amount"
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "quarter"
target = "100000"
`;
const RATE_3_PERCENT = `${PLAN}[[incentives]]
id = "plan"
applies_to = "members"
[[incentives.components]]
kind = "rate"
metric = "revenue"
rate = "3%"
`;
const RUST_WORDS = /Decimal type|&str|crate::|[A-Za-z_]::[A-Za-z_]|\bVec<|\bOption</;

/** The error `run` throws, checked to be a `cls` without Rust words. */
function caught(run, cls) {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof cls, `${error.name}: ${error.message}`);
    assert.doesNotMatch(error.message, RUST_WORDS);
    return error;
  }
  assert.fail("no error");
}

test("a month label without its zero says how to write it", () => {
  const err = caught(() => Plan.fromToml(PLAN).evaluate(new FactTable(), "2026-3"), PeriodError);
  assert.equal(err.code, "period.invalid_label");
  assert.match(err.message, /the month needs two digits: 2026-03/);
  assert.match(err.message, /labels look like 2026-03-15, 2026-W05, 2026-03, 2026-Q1/);
});

test("a goal period written as an adjective names the grain", () => {
  const err = caught(() => Plan.fromToml(PLAN.replace('period = "quarter"', 'period = "monthly"')), PlanError);
  assert.deepEqual([err.code, err.path], ["plan.invalid", "goals[0].period"]);
  assert.ok(err.message.includes("use `month` for a recurring goal, or a label such as 2026-03 for one month"), err.message);
});

test("a rate written as a percentage points at .rate and gives the fraction", () => {
  const err = caught(() => Plan.fromToml(RATE_3_PERCENT), PlanError);
  assert.deepEqual([err.code, err.path, err.line, err.column], ["plan.invalid", "incentives[0].components[0].rate", 20, 8]);
  assert.ok(err.message.endsWith("write a percentage as a fraction, 0.03 for 3%"), err.message);
});

test("evaluateComponent points inside the component", () => {
  const component = {
    kind: "tiered", metric: "revenue", on: "amount", mode: "marginal",
    tiers: [{ from: "0", rate: "0.02" }, { from: "1000", rate: "12.5%" }],
  };
  const err = caught(() => evaluateComponent(component, { actual: "5000" }), PlanError);
  assert.equal(err.path, "component.tiers[1].rate");
  assert.ok(err.message.includes("0.125 for 12.5%"), err.message);
});

test("a misspelt component field is named", () => {
  const err = caught(() => Plan.fromToml(RATE_3_PERCENT.replace('rate = "3%"', 'rate = "0.03"\ncapp = "10"')), PlanError);
  assert.equal(err.path, "incentives[0].components[0].capp");
  assert.ok(err.message.includes("unknown field `capp`"), err.message);
});

test("a record date names the format", () => {
  const err = caught(() => FactTable.fromRecords([{ id: "o1", kind: "order", date: "03/01/2026" }]), DataError);
  assert.deepEqual([err.code, err.path, err.row], ["data.invalid_fact", "[0].date", 0]);
  assert.ok(err.message.includes("`03/01/2026` is not a date: use YYYY-MM-DD, such as 2026-03-02"), err.message);
});

test("a CSV date names the formats that would read it", () => {
  const { report } = ingest.csv("id,day\no1,03/01/2026\n", '[fields]\nid = "id"\nkind = { value = "order" }\ndate = "day"\n');
  assert.equal(report.rejected.length, 1);
  const [rejection] = report.rejected;
  assert.deepEqual([rejection.reason, rejection.field, rejection.line], ["unparseable_date", "date", 2]);
  assert.equal(
    rejection.message,
    "\"03/01/2026\" is not a date in %Y-%m-%d: add the one your CRM writes to the mapping's date_formats, \"%m/%d/%Y\" (month first) or \"%d/%m/%Y\" (day first)",
  );
});

const DAY_MAPPING = '[fields]\nid = "id"\nkind = { value = "order" }\ndate = "day"\n';

test("a date format kpi does not read is refused with the reason", () => {
  for (const [format, says] of [
    ["%Y-%m-%d %z", 'use "rfc3339" for time stamps with an offset'],
    ["%s", 'use "epoch_ms"'],
    ["%Y-W%U", "%U is not a specifier kpi reads"],
    ["%Y-%", "it ends with a lone %"],
    ["%-b", "a padding flag goes on a number, not on %b"],
    ["日期%é".repeat(40), "is not a date format"],
  ]) {
    const mapping = `date_formats = ["%Y-%m-%d", ${JSON.stringify(format)}]\n` + DAY_MAPPING;
    const err = caught(() => ingest.csv("id,day\n", mapping), DataError);
    assert.deepEqual([err.code, err.path], ["data.invalid_mapping", "date_formats[1]"]);
    assert.ok(err.message.includes(says), err.message);
  }
});

test("hostile dates are rejections, never guesses", () => {
  const mapping = 'date_formats = ["%d %B %Y", "%m/%d/%y %I:%M %p", "%Y-%j"]\n' + DAY_MAPPING;
  const days = [
    "1 March 2026", // read
    "03/31/26 11:30 PM", // read
    "2026-090", // read: the 90th day
    "1 März 2026", // a month name that is not English
    "03/31/26 13:30 PM", // no 13 o'clock on a 12-hour clock
    "+99999999999999999999-001", // a year beyond every range
    "1 March 2026 上午", // text after the date
    "NaN",
  ];
  const csv = "id,day\n" + days.map((day, i) => `o${i},${day}\n`).join("");
  const { facts, report } = ingest.csv(csv, mapping);
  assert.deepEqual(facts.toRecords().map((r) => r.date), ["2026-03-01", "2026-03-31", "2026-03-31"]);
  assert.deepEqual(
    report.rejected.map((r) => [r.line, r.reason]),
    [5, 6, 7, 8, 9].map((line) => [line, "unparseable_date"]),
  );
});

test("a day when the goals are quarterly is an error naming a period", () => {
  const plan = Plan.fromToml(PLAN);
  const err = caught(() => plan.evaluate(new FactTable(), "2026-03-01"), DataError);
  assert.deepEqual([err.code, err.path], ["data.invalid_argument", "period"]);
  assert.ok(
    err.message.endsWith("no goal of the plan applies to the day 2026-03-01; its goals are set for every quarter: evaluate 2026-Q1"),
    err.message,
  );
  assert.equal(plan.evaluate(new FactTable(), "2026-Q1").scorecards.length, 1);
});

test("a Date where a period is expected says what to pass", () => {
  const err = caught(() => Plan.fromToml(PLAN).evaluate(new FactTable(), new Date(2026, 2, 1)), DataError);
  assert.deepEqual([err.code, err.path], ["data.invalid_argument", "period"]);
  assert.match(err.message, /period: expected a period label such as "2026-03" or a Period, got a Date/);
  assert.ok(err.message.endsWith('plan.calendar.periodOf(day, "quarter")'), err.message);
  // What it says works.
  const plan = Plan.fromToml(PLAN);
  const quarter = plan.calendar.periodOf(new Date(Date.UTC(2026, 2, 1)), "quarter");
  assert.equal(plan.evaluate(new FactTable(), quarter).scorecards.length, 1);
});

test("the JavaScript docs show no Rust syntax", async () => {
  const { readFileSync } = await import("node:fs");
  for (const doc of ["../../docs/javascript.md", "../README.md"]) {
    const text = readFileSync(new URL(doc, import.meta.url), "utf8");
    const prose = text.replace(/```[\s\S]*?```/g, "").replaceAll("$kpi::number", "");
    assert.doesNotMatch(prose, RUST_WORDS, doc);
  }
});
