// The dashboard (demo/) in a real browser: Debian's Chromium, headless, driven by
// playwright-core. It loads the page from a small static server, checks the numbers on
// the page against the Rust report (testdata/vectors/dashboard/dashboard.json, written by
// kpi-core/tests/dashboard.rs), edits a target and a tier rate, checks the
// recomputation, and saves a screenshot (target/dashboard.png).
//
// Needs /usr/bin/chromium (CI installs Debian's package); set KPI_CHROMIUM to use
// another binary. Without a browser the test is skipped, unless KPI_BROWSER_TEST=1 (CI)
// makes that a failure.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { existsSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.KPI_CHROMIUM ?? "/usr/bin/chromium";
const REQUIRED = process.env.KPI_BROWSER_TEST === "1";
const VECTOR = JSON.parse(readFileSync(join(ROOT, "kpi-core/testdata/vectors/dashboard/dashboard.json"), "utf8"));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".toml": "text/plain; charset=utf-8",
  ".jsonl": "text/plain; charset=utf-8",
};

/** Serves the repository read-only (the page fetches the sample from kpi-core/testdata). */
function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(ROOT, path);
    if (!file.startsWith(ROOT) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const available = existsSync(CHROMIUM);
if (REQUIRED) assert.ok(available, `KPI_BROWSER_TEST=1 but there is no browser at ${CHROMIUM}`);

let server, browser, page;
const errors = [];

before(async () => {
  if (!available) return;
  const { chromium } = await import("playwright-core");
  server = await serve();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`http://127.0.0.1:${server.address().port}/kpi-wasm/demo/index.html`);
  await page.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** The numbers on the page, in the vector's shape. */
async function shown() {
  return page.evaluate(() => {
    const rows = (selector) => [...document.querySelectorAll(selector)];
    const byId = (list, key, value) => Object.fromEntries(list.map((n) => [n.dataset[key], value(n)]));
    const pacing = document.querySelector("#pacing .card");
    return {
      reps: byId(rows("#scorecard tr[data-id]"), "id", (n) => ({
        actual: n.dataset.actual ?? null,
        attainment: n.dataset.attainment ?? null,
        status: n.dataset.status ?? null,
        target: n.dataset.target ?? null,
      })),
      scores: byId(rows("#leaderboard tr[data-id]"), "id", (n) => ({ rank: Number(n.dataset.rank), score: n.dataset.score })),
      payouts: byId(rows("#payouts tr[data-member]"), "member", (n) => n.dataset.total),
      design: rows("#design li[data-code]").map((n) => [n.dataset.code, n.dataset.path, n.dataset.severity]),
      pacing: { attainment: pacing.dataset.attainment, projected_attainment: pacing.dataset.projectedAttainment },
      trend: rows("#trend rect[data-period]").map((n) => [n.dataset.period, n.dataset.payout, Number(n.dataset.achieved)]),
    };
  });
}

async function edit(selector, value) {
  const runs = await page.$eval("#status", (n) => Number(n.dataset.runs));
  await page.fill(selector, value);
  await page.waitForFunction((n) => Number(document.querySelector("#status").dataset.runs) > n, runs);
}

const skip = !available && "no Chromium at " + CHROMIUM;

test("the dashboard shows the Rust report's numbers", { skip }, async () => {
  assert.deepStrictEqual(await shown(), VECTOR.cases[0].expected);
  assert.equal(await page.$$eval("#attainment-chart rect", (r) => r.length), Object.keys(VECTOR.cases[0].expected.reps).length);
  assert.deepStrictEqual(errors, []);
});

test("editing the reps' target recomputes attainment and payouts", { skip }, async () => {
  const c = VECTOR.cases[1];
  await edit("#target-rep-revenue", c.target.value);
  assert.deepStrictEqual(await shown(), c.expected);
  await edit("#target-rep-revenue", "500000");
  assert.deepStrictEqual(await shown(), VECTOR.cases[0].expected);
});

test("editing a tier rate recomputes the payouts", { skip }, async () => {
  const c = VECTOR.cases[2];
  // Rates are typed as percentages, like the tiers' thresholds: 6 for 0.06.
  assert.equal(await page.$eval(`#tier-rate-${c.tier_rate.tier}`, (n) => n.value), "5");
  await edit(`#tier-rate-${c.tier_rate.tier}`, String(Number(c.tier_rate.value) * 100));
  assert.deepStrictEqual(await shown(), c.expected);
  await edit(`#tier-rate-${c.tier_rate.tier}`, "5");
  assert.deepStrictEqual(await shown(), VECTOR.cases[0].expected);
});

test("the plan design panel lists the findings and finds a decelerator as it is typed", { skip }, async () => {
  // As loaded: the accelerator's two declared trade-offs, as Rust's design check lists them.
  assert.deepStrictEqual((await shown()).design, VECTOR.cases[0].expected.design);
  assert.match(await page.textContent("#design"), /intended: /);
  // The top tier's rate typed below the one under it: the marginal rate falls at 150%.
  await edit("#tier-rate-2", "1");
  const design = (await shown()).design;
  assert.deepStrictEqual(design[0], ["design.decelerator", "incentives[0].components[0]", "warning"]);
  assert.equal(design.length, 3);
  await edit("#tier-rate-2", "8");
  assert.deepStrictEqual((await shown()).design, VECTOR.cases[0].expected.design);
});

test("an invalid value shows a message by its field, no NaN, and the last numbers marked stale", { skip }, async () => {
  for (const [selector, value, message] of [
    ["#target-rep-revenue", "-5", "#target-error"],
    ["#target-rep-revenue", "0", "#target-error"],
    ["#tier-rate-1", "300", "#tiers-error"],
    ["#tier-rate-1", "-1", "#tiers-error"],
  ]) {
    await edit(selector, value);
    assert.match(await page.textContent(message), /Enter/, `${selector} = ${value}`);
    assert.equal(await page.$eval(selector, (n) => n.getAttribute("aria-invalid")), "true");
    assert.equal(await page.$eval("#status", (n) => n.dataset.stale), "true");
    assert.ok(await page.$eval("#main", (n) => n.classList.contains("stale")));
    assert.deepStrictEqual(await shown(), VECTOR.cases[0].expected, `the last good numbers stay for ${selector} = ${value}`);
    assert.ok(!(await page.textContent("body")).includes("NaN"));
    // Fixing the field clears the message and the stale mark.
    await edit(selector, selector === "#target-rep-revenue" ? "500000" : "5");
    assert.equal(await page.textContent(message), "");
    assert.equal(await page.$eval("#status", (n) => n.dataset.stale), "false");
  }
  assert.deepStrictEqual(await shown(), VECTOR.cases[0].expected);
});

test("payouts show a total and each line's explanation", { skip }, async () => {
  const totals = Object.values(VECTOR.cases[0].expected.payouts);
  const cents = totals.reduce((sum, x) => sum + BigInt(x.replace(".", "")), 0n).toString();
  assert.equal(await page.$eval("#payouts tfoot tr", (n) => n.dataset.total), `${cents.slice(0, -2)}.${cents.slice(-2)}`);
  const lines = await page.$$eval('#payouts tr[data-member="sun.li"] li', (items) => items.map((i) => i.textContent));
  assert.ok(lines.length > 0 && lines.every((l) => l.length > 10), lines.join(" | "));
});

test("the period picker evaluates the chosen quarter", { skip }, async () => {
  const options = await page.$$eval("#period option", (o) => o.map((n) => n.value));
  assert.ok(options.includes("FY2027-Q1") && options.includes("FY2027-Q2"), options.join());
  const { FactTable, Plan } = await import("kpi-core");
  const sample = join(ROOT, "kpi-core/testdata/sample/");
  const plan = Plan.fromToml(readFileSync(sample + "plan.toml", "utf8"));
  const facts = FactTable.fromJsonLines(readFileSync(sample + "facts.jsonl", "utf8"));
  const expected = Object.fromEntries(plan.evaluate(facts, "FY2027-Q1").statements.map((s) => [s.member, s.total]));
  const runs = await page.$eval("#status", (n) => Number(n.dataset.runs));
  await page.selectOption("#period", "FY2027-Q1");
  await page.waitForFunction((n) => Number(document.querySelector("#status").dataset.runs) > n, runs);
  assert.deepStrictEqual((await shown()).payouts, expected);
  assert.match(await page.textContent("#subtitle"), /FY2027-Q1$/);
  await page.selectOption("#period", "FY2027-Q2");
  await page.waitForFunction((n) => Number(document.querySelector("#status").dataset.runs) > n + 1, runs);
  assert.deepStrictEqual(await shown(), VECTOR.cases[0].expected);
});

test("a CSV upload of the sample's facts reproduces the Rust report", { skip }, async () => {
  // The sample's facts as a CRM export would have them: one column per field and attribute.
  const records = readFileSync(join(ROOT, "kpi-core/testdata/sample/facts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const fields = ["id", "kind", "owner", "customer", "amount", "status", "date"];
  const attributes = [...new Set(records.flatMap((r) => Object.keys(r.attributes ?? {})))].sort();
  const cell = (v) => (v == null ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  const csv = [[...fields, ...attributes].join(","),
    ...records.map((r) => [...fields.map((f) => cell(r[f])), ...attributes.map((a) => cell(r.attributes?.[a]))].join(","))].join("\n") + "\n";
  const runs = await page.$eval("#status", (n) => Number(n.dataset.runs));
  await page.setInputFiles("#facts-file", { name: "facts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.waitForFunction((n) => Number(document.querySelector("#status").dataset.runs) > n, runs);
  assert.equal(await page.textContent("#error"), "");
  assert.equal(await page.$eval("#ingest-summary", (n) => n.dataset.accepted), String(records.length));
  assert.equal(await page.$eval("#ingest-summary", (n) => n.dataset.rejected), "0");
  assert.deepStrictEqual(await shown(), VECTOR.cases[0].expected);
});

test("a plan file with an error says so and keeps the numbers", { skip }, async () => {
  const runs = await page.$eval("#status", (n) => Number(n.dataset.runs));
  await page.setInputFiles("#plan-file", { name: "plan.toml", mimeType: "text/plain", buffer: Buffer.from("version = 1\n[[goals]]\nid = 3\n") });
  await page.waitForFunction((n) => Number(document.querySelector("#status").dataset.runs) > n, runs);
  assert.match(await page.textContent("#error"), /^plan\.toml: .*goals\[0\]\.id/);
  assert.deepStrictEqual(await shown(), VECTOR.cases[0].expected);
});

test("the page fits a 390-pixel phone screen", { skip }, async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(page.url());
  await phone.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });
  const widths = await phone.evaluate(() => ({ page: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
  assert.ok(widths.page <= 390 && widths.body <= 390, JSON.stringify(widths));
  mkdirSync(join(ROOT, "target"), { recursive: true });
  await phone.screenshot({ path: join(ROOT, "target/dashboard-390.png"), fullPage: true });
  await phone.close();
});

test("members and teams are ranked in separate lists", { skip }, async () => {
  const ids = (selector) => page.$$eval(selector, (rows) => rows.map((r) => [r.dataset.id, Number(r.dataset.rank)]));
  const members = await ids("#leaderboard-members tr[data-id]");
  const teams = await ids("#leaderboard-teams tr[data-id]");
  assert.deepStrictEqual(teams.map(([id]) => id).sort(), ["east", "north", "south"]);
  assert.equal(members.length, 12);
  for (const list of [members, teams]) {
    assert.deepStrictEqual(list.map(([, rank]) => rank), [...list.map(([, rank]) => rank)].sort((a, b) => a - b));
    assert.equal(list[0][1], 1);
  }
});

test("labels switch to Chinese from the core's catalogue, and a screenshot is saved", { skip }, async () => {
  await page.click("#lang");
  assert.equal(await page.textContent("h1"), "销售仪表盘");
  assert.equal(await page.$eval("#scorecard thead th", (n) => n.textContent), "销售代表");
  const headers = await page.$$eval("#scorecard thead th", (cells) => cells.map((c) => c.textContent));
  assert.deepStrictEqual(headers, ["销售代表", "团队", "实际", "目标", "达成率", "状态"]);
  // A closed quarter is judged: achieved or missed, in the catalogue's words.
  const statuses = await page.$$eval("#scorecard tbody td:last-child", (cells) => cells.map((c) => c.textContent));
  assert.ok(statuses.every((s) => ["达成", "未达成", ""].includes(s)), statuses.join()); // "": unassigned
  assert.ok(statuses.includes("达成") && statuses.includes("未达成"));
  assert.ok((await page.textContent("#leaderboard-teams")).includes("华东"));
  mkdirSync(join(ROOT, "target"), { recursive: true });
  await page.screenshot({ path: join(ROOT, "target/dashboard.png"), fullPage: true });
  assert.ok(existsSync(join(ROOT, "target/dashboard.png")));
  assert.deepStrictEqual(errors, []);
});

test("the HTML report renders in Chromium with the JSON report's numbers", { skip }, async () => {
  // The same package the page uses, in Node: the sample's closed quarter, in Chinese.
  const { FactTable, Plan, reportToHtml } = await import("kpi-core");
  const sample = join(ROOT, "kpi-core/testdata/sample/");
  const plan = Plan.fromToml(readFileSync(sample + "plan.toml", "utf8"));
  const facts = FactTable.fromJsonLines(readFileSync(sample + "facts.jsonl", "utf8"));
  const report = plan.evaluate(facts, "FY2027-Q2");
  mkdirSync(join(ROOT, "target"), { recursive: true });
  writeFileSync(join(ROOT, "target/report.zh-CN.html"), reportToHtml(report, "zh-CN"));
  const sheet = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  const port = server.address().port;
  await sheet.goto(`http://127.0.0.1:${port}/target/report.zh-CN.html`);
  const shown = await sheet.evaluate(() => {
    const rows = [...document.querySelectorAll("section.scorecard tbody tr")].map((r) => ({ ...r.dataset, total: r.classList.contains("total") }));
    const lines = [...document.querySelectorAll("section.payouts tbody tr[data-member]")].map((r) => [r.dataset.member, r.dataset.amount]);
    return { rows, lines, text: document.body.innerText, scripts: document.scripts.length, bars: document.querySelectorAll("svg rect").length };
  });
  const exact = (v) => v ?? "";
  const expected = (r) => ({ goal: r.goal, id: r.id, actual: exact(r.actual), target: exact(r.target), attainment: exact(r.attainment), status: exact(r.status) });
  const members = shown.rows.filter((r) => !r.total).map(({ total, ...r }) => r);
  assert.deepStrictEqual(members, report.scorecards.map(expected));
  const totals = shown.rows.filter((r) => r.total).map(({ total, ...r }) => r);
  assert.deepStrictEqual(totals, report.rollups.map(expected));
  assert.deepStrictEqual(shown.lines, report.statements.flatMap((s) => s.lines.map((l) => [s.member, l.amount])));
  assert.equal(shown.scripts, 0);
  assert.ok(shown.bars > 12);
  // A closed quarter is judged: no forecast word, in either language.
  for (const word of ["正常", "有风险", "落后", "on track", "at risk"]) assert.ok(!shown.text.includes(word), word);
  assert.ok(shown.text.includes("未达成") && shown.text.includes("需要关注"));
  await sheet.screenshot({ path: join(ROOT, "target/report.png"), fullPage: true });
  await sheet.close();
  assert.deepStrictEqual(errors, []);
});
