// Ingestion through a column mapping: the shared vectors, from JavaScript.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { FactTable, ingest, Plan } from "kpi-core";

const FILE = fileURLToPath(new URL("../../kpi-core/testdata/vectors/ingest/ingest.json", import.meta.url));
const { cases } = JSON.parse(readFileSync(FILE, "utf8"));

function runCrm(c) {
  const options = { strict: c.strict ?? false, homeCurrency: c.home_currency, module: c.module };
  if (c.crm === "zoho") return ingest.zoho(c.csv ?? c.pages, c.mapping_toml ?? null, options);
  return ingest.fxiaoke(c.pages, c.mapping_toml ?? null, options);
}

const countsAddUp = (r) =>
  r.read === r.accepted + r.superseded + (r.skipped ?? []).length + r.rejected.length;

function run(c) {
  if (c.crm) return runCrm(c);
  const facts = new FactTable();
  const report =
    c.format === "csv"
      ? facts.appendCsv(c.input, c.mapping_toml, c.strict ?? false)
      : facts.appendJsonLinesMapped(c.input, c.mapping_toml, c.strict ?? false);
  return { facts, report };
}

for (const c of cases) {
  test(`ingest: ${c.name}`, () => {
    if (c.error) {
      assert.throws(
        () => run(c),
        (err) => {
          assert.equal(err.name, "DataError");
          for (const [key, want] of Object.entries(c.error)) assert.equal(err[key], want, key);
          return true;
        },
      );
      return;
    }
    const { facts, report } = run(c);
    assert.ok(countsAddUp(report));
    assert.deepStrictEqual(report, c.expected.report);
    assert.deepStrictEqual(facts.toRecords(), c.expected.facts);
  });
}

test("a mapping can be an object", () => {
  const facts = new FactTable();
  const report = facts.appendCsv("id,day,value\no1,2026-03-01,10\n", {
    fields: { id: "id", kind: { value: "order" }, date: "day", amount: "value" },
  });
  assert.deepStrictEqual(report, { read: 1, accepted: 1, replaced: 0, superseded: 0, skipped: [], rejected: [] });
  assert.equal(facts.length, 1);
});

const SAMPLE = fileURLToPath(new URL("../../kpi-core/testdata/sample/", import.meta.url));
const SOURCES = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../kpi-core/testdata/vectors/ingest/sources.json", import.meta.url)), "utf8"),
);
const sample = (path) => readFileSync(SAMPLE + path, "utf8");

function* lines(text) {
  for (const line of text.split("\n")) if (line.trim()) yield line;
}

function ingestSource(source) {
  const facts = new FactTable();
  const summary = { read: 0, accepted: 0, replaced: 0, superseded: 0, skipped: 0, rejected: 0 };
  for (const input of source.inputs) {
    let report;
    if (input.mapping) {
      report = facts.appendCsv(sample(input.csv), sample(input.mapping));
    } else {
      const mapping = sample(source.mapping);
      // A generator: pages stream one at a time.
      const pages = input.pages ? lines(sample(input.pages)) : sample(input.csv);
      report =
        source.crm === "zoho"
          ? facts.appendZoho(pages, mapping, { module: input.module })
          : facts.appendFxiaoke(pages, mapping);
    }
    assert.ok(countsAddUp(report));
    for (const key of Object.keys(summary)) {
      const value = report[key] ?? 0;
      summary[key] += Array.isArray(value) ? value.length : value;
    }
  }
  return { facts, summary };
}

const byId = (facts) => facts.toRecords().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

function evaluations(plan, facts) {
  return SOURCES.evaluations.map((c) =>
    (c.as_of ? plan.evaluateAsOf(facts, c.period, c.as_of) : plan.evaluate(facts, c.period)),
  );
}

const plan = Plan.fromToml(sample(SOURCES.plan));
const reference = FactTable.fromJsonLines(sample(SOURCES.reference));
const wantReports = evaluations(plan, reference);

for (const source of SOURCES.sources) {
  test(`the sample company from ${source.name}`, () => {
    const { facts, summary } = ingestSource(source);
    assert.deepStrictEqual(summary, source.counts);
    assert.deepStrictEqual(byId(facts), byId(reference));
    assert.deepStrictEqual(evaluations(plan, facts), wantReports);
  });
}

test("ingest.presets and rejectionReasons", () => {
  assert.ok("Deals" in ingest.presets("zoho"));
  assert.ok("SalesOrderObj" in ingest.presets("fxiaoke"));
  assert.ok(ingest.rejectionReasons().includes("unknown_object"));
  const { facts, report } = ingest.csv("id,day\no1,2026-03-01\n", { fields: { id: "id", kind: { value: "order" }, date: "day" } });
  assert.equal(report.accepted, 1);
  assert.equal(facts.length, 1);
});

test("a CRM error leaves the pages before it appended", () => {
  const ok = { errorCode: 0, data: { dataList: [{ _id: "o1", object_describe_api_name: "SalesOrderObj", owner: ["1000"], order_amount: "10.00", order_time: 1774972800000, order_status: "7", life_status: "normal" }] } };
  const facts = new FactTable();
  assert.throws(() => facts.appendFxiaoke([ok, { errorCode: 10001, errorMessage: "system busy" }]), (e) => e.code === "data.crm_error");
  assert.equal(facts.length, 1);
});
