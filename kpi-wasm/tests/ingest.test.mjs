// Ingestion through a column mapping: the shared vectors, from JavaScript.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { FactTable } from "kpi-core";

const FILE = fileURLToPath(new URL("../../kpi-core/testdata/vectors/ingest/ingest.json", import.meta.url));
const { cases } = JSON.parse(readFileSync(FILE, "utf8"));

function run(c) {
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
    assert.equal(report.read, report.accepted + report.rejected.length);
    assert.deepStrictEqual(report, c.expected.report);
    assert.deepStrictEqual(facts.toRecords(), c.expected.facts);
  });
}

test("a mapping can be an object", () => {
  const facts = new FactTable();
  const report = facts.appendCsv("id,day,value\no1,2026-03-01,10\n", {
    fields: { id: "id", kind: { value: "order" }, date: "day", amount: "value" },
  });
  assert.deepStrictEqual(report, { read: 1, accepted: 1, replaced: 0, superseded: 0, rejected: [] });
  assert.equal(facts.length, 1);
});
