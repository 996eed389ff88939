// Words for people: the sample company's text in English and Chinese, pinned by
// kpi-core/testdata/vectors/text/sample.json (the same strings as Rust and Python), the
// message catalogue, display names, and hostile locales.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { FactTable, Plan, messages, reportToHtml, reportToMarkdown, reportToText } from "kpi-core";

const TESTDATA = fileURLToPath(new URL("../../kpi-core/testdata/", import.meta.url));
const TEXT = JSON.parse(readFileSync(`${TESTDATA}vectors/text/sample.json`, "utf8"));
const plan = Plan.fromToml(readFileSync(`${TESTDATA}sample/plan.toml`, "utf8"));
const facts = FactTable.fromJsonLines(readFileSync(`${TESTDATA}sample/facts.jsonl`, "utf8"));

function textOf(c) {
  // `"with_findings": true`: the report (a plain object) carries the plan's SMART findings.
  const withFindings = (report) => (c.with_findings ? { ...report, findings: plan.validate(facts) } : report);
  switch (c.kind) {
    case "report": {
      const report = c.as_of ? plan.evaluateAsOf(facts, c.period, c.as_of) : plan.evaluate(facts, c.period);
      return reportToText(withFindings(report), c.locale);
    }
    case "markdown":
      return reportToMarkdown(withFindings(plan.evaluate(facts, c.period)), c.locale);
    case "html":
      return reportToHtml(withFindings(plan.evaluate(facts, c.period)), c.locale);
    case "review":
      return plan.reviewText(facts, c.as_of, c.locale);
    case "findings":
      return plan.findingsText(facts, null, c.locale);
    case "messages":
      return messages(c.locale);
    default:
      throw new Error(c.kind);
  }
}

for (const c of TEXT.cases) {
  test(`the sample reads as the vectors say: ${c.name}`, () => {
    assert.deepStrictEqual(textOf(c), c.expected);
  });
}

test("a closed quarter is judged, and its Chinese text has no English status word", () => {
  const report = plan.evaluate(facts, "FY2027-Q2");
  const zh = reportToText(report, "zh-CN");
  for (const word of ["achieved", "on track", "at risk", "off track", "missed", "Scorecard", "Total", "bonus"]) {
    assert.ok(!zh.includes(word), word);
  }
  assert.ok(zh.includes("2027财年第2季度") && zh.includes("未达成"));
  assert.ok(report.scorecards.every((r) => r.status === null || ["achieved", "missed"].includes(r.status)));
  // The report carries the plan's names, so it reads the same wherever it is rendered.
  assert.equal(report.labels.teams.east.name, "华东");
  assert.equal(report.labels.teams.east.names.en, "East");
  assert.equal(report.labels.metrics.market_share.names["zh-CN"], "市场份额");
  const reread = JSON.parse(JSON.stringify(report));
  assert.equal(reportToText(reread, "zh"), zh);
});

test("locales are read leniently and refused clearly", () => {
  const report = plan.evaluate(facts, "FY2027-Q2");
  assert.equal(reportToText(report), reportToText(report, "en-US"));
  assert.equal(reportToText(report, null), reportToText(report, "en"));
  assert.equal(reportToText(report, "zh"), reportToText(report, "zh_Hans"));
  assert.equal(messages("zh")["status.missed"], "未达成");
  assert.equal(messages()["status.missed"], "missed");
  for (const bad of ["fr", "", "zh-TW", "中文", "en-", "x".repeat(10000), "\ud800"]) {
    assert.throws(
      () => reportToText(report, bad),
      (err) => err.name === "DataError" && err.message.length < 200,
      JSON.stringify(bad.slice(0, 10)),
    );
  }
  for (const wrong of [1, ["en"], NaN, {}, Symbol("en")]) {
    assert.throws(() => messages(wrong), (err) => err.name === "DataError" || err instanceof TypeError);
  }
  assert.throws(() => plan.reviewText(facts, "2026-10-31", "klingon"), (err) => err.code === "data.invalid_argument");
});

test("display names fall back to the name, then the id; hostile names are plan errors at their path", () => {
  const small = Plan.fromToml(`
version = 1
[org]
teams = [{ id = "t", name = "华东", names = { en = "East" } }]
members = [{ id = "a", name = "Zoë", team = "t" }]
[metrics.revenue]
name = "销售额"
names = { en = "Revenue" }
aggregate = "sum"
field = "amount"
[[goals]]
id = "g"
metric = "revenue"
scope = "member"
period = "month"
target = "100"
[[incentives]]
id = "pay"
applies_to = "members"
components = [{ kind = "rate", metric = "revenue", rate = "0.1" }]
`);
  const report = small.evaluate(
    FactTable.fromRecords([{ id: "o", kind: "order", owner: "a", amount: "150", date: "2026-03-02" }]),
    "2026-03",
  );
  assert.ok(reportToText(report, "en").includes("Scorecard: g (metric Revenue)"));
  assert.ok(reportToText(report, "zh-CN").includes("目标：g（指标：销售额）"));
  assert.equal(report.statements[0].lines[0].explanation, "10% of Revenue 150 = 15.00");
  assert.equal(report.statements[0].lines[0].explanation_zh, "销售额 150 的 10% = 15.00");
  for (const [names, path] of [
    [{ fr: "Revenu" }, "metrics.revenue.names.fr"],
    [{ zh: "甲", "zh-CN": "乙" }, "metrics.revenue.names.zh-CN"],
    [{ en: "  " }, "metrics.revenue.names.en"],
    [{ en: "x".repeat(201) }, "metrics.revenue.names.en"],
  ]) {
    assert.throws(
      () => Plan.fromObject({ version: 1, metrics: { revenue: { aggregate: "sum", field: "amount", names } } }),
      (err) => err.code === "plan.invalid" && err.path === path,
      JSON.stringify(names).slice(0, 40),
    );
  }
  assert.throws(
    () => Plan.fromObject({ version: 1, metrics: { revenue: { aggregate: "sum", names: { en: 5 } } } }),
    (err) => err.name === "PlanError",
  );
});

test("a hostile report document renders escaped, and a hostile label stays as written", () => {
  const report = plan.evaluate(facts, "FY2027-Q2");
  const evil = JSON.parse(JSON.stringify(report));
  evil.labels.teams.east.name = '<script>alert("x")</script>';
  evil.labels.teams.east.names = {};
  evil.scorecards.find((r) => r.scope === "member").name = "<img src=x onerror=alert(1)> | **bold** `code`";
  evil.period.label = "..".repeat(100000);
  for (const locale of ["en", "zh-CN"]) {
    const html = reportToHtml(evil, locale);
    assert.ok(!html.includes("<script") && !html.includes("<img"), locale);
    assert.ok(html.includes("&lt;script&gt;"));
    const markdown = reportToMarkdown(evil, locale);
    assert.ok(markdown.includes("\\| \\*\\*bold\\*\\* \\`code\\`"));
    assert.ok(reportToText(evil, locale).length > 1000);
  }
  for (const bad of [null, 5, "report", [], { period: 1 }, { scorecards: "x" }]) {
    assert.throws(() => reportToHtml(bad, "zh-CN"), (err) => err.name === "DataError" || err instanceof TypeError);
  }
  // Findings handed back with a report: escaped when hostile, refused when not findings.
  const findings = plan.validate(facts);
  findings[0].message_zh = "<script>alert(1)</script>";
  const html = reportToHtml({ ...report, findings }, "zh-CN");
  assert.ok(html.includes('class="findings"') && !html.includes("<script>alert"));
  for (const bad of [5, "x", [1], [{ criterion: "Z" }], [{ ...findings[0], code: "smart.nope" }], [{ ...findings[0], message: NaN }]]) {
    assert.throws(() => reportToHtml({ ...report, findings: bad }, "en"), (err) => err.name === "DataError", JSON.stringify(bad));
  }
});
