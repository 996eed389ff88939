// Columnar input: typed arrays for ids and day numbers, strings for decimals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { FactTable, Plan } from "kpi-core";

const SAMPLE = fileURLToPath(new URL("../../kpi-core/testdata/sample/", import.meta.url));
const DAY = 86_400_000;

test("fromColumns builds the same facts as fromRecords", () => {
  const records = readFileSync(SAMPLE + "facts.jsonl", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.kind === "order")
    .map(({ attributes, ...rest }) => rest);
  const columns = {
    id: records.map((r) => r.id),
    kind: "order",
    day: Int32Array.from(records, (r) => Date.parse(r.date) / DAY),
    owner: records.map((r) => r.owner ?? null),
    customer: records.map((r) => r.customer ?? null),
    status: records.map((r) => r.status ?? null),
    amount: records.map((r) => r.amount ?? null),
  };
  const byColumns = FactTable.fromColumns(columns);
  const byRecords = FactTable.fromRecords(records);
  assert.equal(byColumns.length, records.length);
  assert.deepStrictEqual(byColumns.toRecords(), byRecords.toRecords());
  const plan = Plan.fromToml(readFileSync(SAMPLE + "plan.toml", "utf8"));
  assert.deepStrictEqual(plan.measure(byColumns, "FY2027-Q2").toObject(), plan.measure(byRecords, "FY2027-Q2").toObject());
});

test("numeric ids come from typed arrays", () => {
  const facts = FactTable.fromColumns({ id: Uint32Array.of(7, 8), kind: "order", day: Int32Array.of(20513, 20514), amount: ["1.50", null] });
  assert.deepStrictEqual(facts.toRecords().map((r) => [r.id, r.date, r.amount ?? null]), [["7", "2026-03-01", "1.50"], ["8", "2026-03-02", null]]);
});

test("a bad column value names its column and row", () => {
  assert.throws(
    () => FactTable.fromColumns({ id: ["a", "b"], kind: "order", day: Int32Array.of(1, 2), amount: ["1", "lots"] }),
    (e) => e.name === "DataError" && e.code === "data.invalid_fact" && e.path === "amount[1]" && e.row === 1,
  );
  assert.throws(
    () => FactTable.fromColumns({ id: ["a", "b"], kind: "order", day: Int32Array.of(1) }),
    (e) => e.code === "data.invalid_fact" && e.path === "day",
  );
  assert.throws(() => FactTable.fromColumns({ id: ["a"], day: Int32Array.of(1) }), (e) => e.path === "kind");
});
