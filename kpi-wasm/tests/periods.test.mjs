// The shared calendar vectors in kpi-core/testdata/vectors/periods, run from JavaScript,
// and the Calendar / Period API beyond them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

import { Calendar, Plan } from "kpi-core";

const DIR = fileURLToPath(new URL("../../kpi-core/testdata/vectors/periods/", import.meta.url));

const info = (p) => ({ label: p.label, grain: p.grain, start: p.start, end: p.end });

function run(settings, check) {
  const cal = new Calendar(settings);
  const label = () => cal.parsePeriod(check.label);
  switch (check.op) {
    case "period_of": return info(cal.periodOf(check.date, check.grain));
    case "parse": return info(label());
    case "next": return info(label().next());
    case "prev": return info(label().prev());
    case "same_period_last_year": return info(label().samePeriodLastYear());
    case "shift": return info(label().shift(check.n));
    case "trailing": return info(label().trailing(check.n));
    case "parent": return info(label().parent(check.grain));
    case "children": return label().children(check.grain).map(info);
    case "to_date": return info(cal.toDate(check.date, check.grain));
    case "elapsed_fraction": return cal.elapsedFraction(label(), check.date, check.basis) ?? null;
    case "local_date": return cal.localDate(check.millis ?? check.rfc3339);
    default: throw new Error(`unknown op ${check.op}`);
  }
}

let checks = 0;
for (const file of readdirSync(DIR).filter((f) => f.endsWith(".json")).sort()) {
  for (const c of JSON.parse(readFileSync(join(DIR, file), "utf8")).cases) {
    c.checks.forEach((check, i) => {
      checks += 1;
      test(`${c.name} #${i} ${check.op} ${check.label ?? check.date ?? ""}`, () => {
        if (check.error) {
          assert.throws(() => run(c.calendar, check), (e) => {
            assert.equal(e.code, check.error, e.message);
            assert.equal(e.name, "PeriodError");
            if (check.message) assert.ok(e.message.includes(check.message), e.message);
            return true;
          });
        } else {
          assert.deepStrictEqual(run(c.calendar, check), check.expect);
        }
      });
    });
  }
}

test("all calendar checks were collected", () => assert.ok(checks >= 100, `${checks}`));

test("Calendar and Period API", () => {
  const cal = new Calendar({ fiscal_year_start_month: 4, holidays: ["2026-10-01"] });
  const q = cal.periodOf("2026-08-15", "quarter");
  assert.equal(q.toString(), "FY2027-Q2");
  assert.ok(q.contains("2026-09-30") && !q.contains("2026-10-01"));
  assert.equal(q.days, 92);
  assert.ok(q.next().prev().equals(q));
  assert.deepStrictEqual(q.toObject(), { label: "FY2027-Q2", grain: "quarter", start: "2026-07-01", end: "2026-10-01" });
  assert.equal(cal.isBusinessDay("2026-10-01"), false);
  assert.equal(cal.countDays("2026-09-28", "2026-10-05", "business"), 4);
  assert.equal(cal.countDays("2026-09-28", "2026-10-05"), 7);
  const { periods, index } = cal.periodIndex(["2026-04-01", "2026-09-30", "2026-05-05"], "quarter");
  assert.deepStrictEqual(periods.map((p) => p.label), ["FY2027-Q1", "FY2027-Q2"]);
  assert.deepStrictEqual([...index], [0, 1, 0]);
  assert.equal(new Calendar().toObject().week_start, "monday");
  assert.throws(() => cal.periodOf("2026-02-30", "day"), (e) => e.code === "period.invalid_date");
  assert.throws(() => new Calendar({ week_start: "funday" }), (e) => e.code === "period.invalid_calendar" && e.path === "calendar.week_start");
  const plan = Plan.fromToml("version = 1\n[calendar]\nfiscal_year_start_month = 4\n");
  assert.equal(plan.calendar.periodOf("2026-04-01", "year").label, "FY2027");
  assert.equal(plan.parsePeriod("FY2027").end, "2027-04-01");
});

test("timestamps in facts become local dates with a calendar", async () => {
  const { FactTable } = await import("kpi-core");
  const shanghai = new Calendar({ timezone: "Asia/Shanghai" });
  const records = [
    { id: "a", kind: "order", date: "2026-03-31T20:00:00Z" },
    { id: "b", kind: "order", date: 1774972800000 },
    { id: "c", kind: "order", date: "2026-03-31" },
  ];
  const facts = FactTable.fromRecordsIn(records, shanghai);
  assert.deepStrictEqual(facts.toRecords().map((r) => r.date), ["2026-04-01", "2026-04-01", "2026-03-31"]);
  assert.equal(shanghai.periodOf("2026-04-01", "day").label, "2026-04-01"); // still usable
  assert.throws(() => FactTable.fromRecords(records), (e) => e.code === "data.invalid_fact" && e.path === "[0].date");
  const more = new FactTable();
  more.appendIn([{ id: "d", kind: "order", date: "2026-03-31T16:00:00Z" }], shanghai);
  assert.deepStrictEqual(more.toRecords().map((r) => r.date), ["2026-04-01"]);
});

test("time zones come from Intl: daylight saving and unknown names", async () => {
  const { FactTable } = await import("kpi-core");
  const newYork = new Calendar({ timezone: "America/New_York" });
  const facts = FactTable.fromRecordsIn(
    [
      { id: "winter", kind: "order", date: "2026-03-08T04:30:00Z" }, // 23:30 EST the day before
      { id: "summer", kind: "order", date: "2026-07-01T03:30:00Z" }, // 23:30 EDT the day before
      { id: "fall", kind: "order", date: "2026-11-01T04:30:00Z" }, // 00:30 EDT, before clocks go back
    ],
    newYork,
  );
  assert.deepStrictEqual(facts.toRecords().map((r) => r.date), ["2026-03-07", "2026-06-30", "2026-11-01"]);
  assert.throws(() => new Calendar({ timezone: "Mars/Olympus" }), (e) => e.code === "period.unknown_timezone");
});
