// `npm pack` makes a tarball that a fresh project uses as a user would: it installs and
// imports under Node, its declarations check in a plain TypeScript project, and esbuild
// (from the npm registry) bundles a page that runs in Chromium. The package's `files`,
// `exports` and `types` are complete, and the wasm ships once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = fileURLToPath(new URL("../", import.meta.url));
const SAMPLE = fileURLToPath(new URL("../../kpi-core/testdata/sample/", import.meta.url));
const CHROMIUM = process.env.KPI_CHROMIUM ?? "/usr/bin/chromium";
const REQUIRED = process.env.KPI_BROWSER_TEST === "1";
const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

let dir, app, tarball;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "kpi-pack-"));
  const name = npm(["pack", "--silent", "--pack-destination", dir], PACKAGE).trim().split("\n").pop();
  tarball = join(dir, name);
  app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  npm(["install", "--no-audit", "--no-fund", "--offline", tarball], app);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test("the tarball has the README, both licences and one wasm file", () => {
  const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).trim().split("\n");
  for (const file of ["package/README.md", "package/LICENSE-MIT", "package/LICENSE-APACHE", "package/package.json"]) {
    assert.ok(files.includes(file), `${file} in ${files.join(", ")}`);
  }
  // The main module once, and the design module (kpi-core/design, loaded on demand) once.
  assert.deepEqual(files.filter((file) => file.endsWith(".wasm")).sort(), [
    "package/pkg/bundler/kpi_wasm_bg.wasm",
    "package/pkg/design/kpi_wasm_design_bg.wasm",
  ]);
  // The property-testing subpath (kpi-core/testing) and its declarations.
  for (const file of ["package/testing/index.mjs", "package/testing/index.d.mts", "package/design/node.mjs", "package/design/web.mjs", "package/design/api.mjs", "package/design/index.d.mts"]) {
    assert.ok(files.includes(file), `${file} in the tarball`);
  }
});

test("npm pack installs and imports in a fresh directory", () => {
  const script = `
    import { readFileSync } from "node:fs";
    import { inspect } from "node:util";
    import { Plan, FactTable, ingest } from "kpi-core";
    const plan = Plan.fromToml(readFileSync(${JSON.stringify(SAMPLE)} + "plan.toml", "utf8"));
    const facts = FactTable.fromJsonLines(readFileSync(${JSON.stringify(SAMPLE)} + "facts.jsonl", "utf8"));
    const report = plan.evaluate(facts, "FY2027-Q2");
    const { report: ingested } = ingest.csv("id,day\\no2,2026-03-02\\n", { fields: { id: "id", kind: { value: "order" }, date: "day" } });
    console.log(JSON.stringify({
      payout: report.statements.find((s) => s.member === "sun.li").total,
      accepted: ingested.accepted,
      shown: inspect(plan),
      facts: inspect(facts),
      planJson: JSON.parse(JSON.stringify(plan)).goals.length,
    }));
  `;
  writeFileSync(join(app, "main.mjs"), script);
  const out = JSON.parse(execFileSync("node", ["main.mjs"], { cwd: app, encoding: "utf8" }));
  assert.equal(out.accepted, 1);
  assert.equal(out.payout, "54200.06"); // the Rust report's (vectors/dashboard.json)
  assert.match(out.shown, /^Plan \{ name: '.+', metrics: 9, goals: 12, incentives: 1 \}$/);
  assert.equal(out.facts, "FactTable { length: 14278 }");
  assert.equal(out.planJson, 12);
});

test("the web build before init() says to call init()", () => {
  writeFileSync(join(app, "early.mjs"), `
    import { Plan } from "kpi-core/web";
    try { Plan.fromToml("version = 1"); console.log("no error"); } catch (e) { console.log(e.constructor.name + ": " + e.message); }
  `);
  const out = execFileSync("node", ["early.mjs"], { cwd: app, encoding: "utf8" }).trim();
  assert.match(out, /^Error: kpi-core is not initialised: call `await init\(\)`/);
});

test("the bundler build loads as wasm modules do (webpack's asyncWebAssembly)", () => {
  // Node's wasm modules resolve the module's imports next to the .wasm file, as bundlers do.
  writeFileSync(join(app, "bundled.mjs"), `
    import { Calendar } from "kpi-core/bundler";
    console.log(new Calendar().parsePeriod("2026-03").label);
  `);
  const out = execFileSync("node", ["--experimental-wasm-modules", "--no-warnings", "bundled.mjs"], { cwd: app, encoding: "utf8" });
  assert.equal(out.trim(), "2026-03");
});

test("the declarations check in a plain TypeScript project", { timeout: 120_000 }, () => {
  // ES2022, nodenext, strict; no skipLibCheck and no @types/node (a browser project).
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", strict: true, noEmit: true, types: [] },
    files: ["usage.ts", "browser.ts"],
  }));
  writeFileSync(join(app, "usage.ts"), `
    import { FactTable, Plan, evaluateComponent, KpiError, type PlanDocument } from "kpi-core";
    const plan: Plan = Plan.fromToml("version = 1");
    const facts = FactTable.fromRecords([{ id: "o1", kind: "order", amount: "1.00", date: "2026-03-02" }]);
    const report = plan.evaluate(facts, "2026-03");
    const rows: number = report.scorecards.length;
    const document: PlanDocument = plan.toJSON();
    const component = { kind: "rate" as const, metric: "revenue", rate: "0.03" };
    const line = evaluateComponent(component, { actual: "1000" });
    try { Plan.fromToml(""); } catch (e) { if (e instanceof KpiError) console.log(e.code, e.path); }
    console.log(rows, document.version, line);
  `);
  writeFileSync(join(app, "browser.ts"), `
    import init, { Calendar, planSchema } from "kpi-core/web";
    export async function start(url: string): Promise<string> {
      await init({ module_or_path: url });
      const schema: Record<string, unknown> = planSchema();
      return String(Object.keys(schema).length) + new Calendar().parsePeriod("2026-03").label;
    }
  `);
  const tsc = join(PACKAGE, "node_modules/typescript/bin/tsc");
  let output = "";
  try {
    execFileSync("node", [tsc, "-p", app], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    output = `${error.stdout}${error.stderr}`;
  }
  assert.equal(output, "");
});

test("esbuild bundles a page that computes the sample's payout in Chromium", { timeout: 180_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    assert.ok(!REQUIRED, `KPI_BROWSER_TEST=1 but there is no browser at ${CHROMIUM}`);
    t.skip(`no browser at ${CHROMIUM}`);
    return;
  }
  const site = join(app, "site");
  mkdirSync(site);
  writeFileSync(join(app, "page.js"), `
    import init, { FactTable, Plan } from "kpi-core";
    import wasmUrl from "kpi-core/kpi_wasm_bg.wasm";
    await init({ module_or_path: wasmUrl });
    const text = async (path) => (await fetch(path)).text();
    const plan = Plan.fromToml(await text("plan.toml"));
    const facts = FactTable.fromJsonLines(await text("facts.jsonl"));
    const report = plan.evaluate(facts, "FY2027-Q2");
    document.body.dataset.payout = report.statements.find((s) => s.member === "sun.li").total;
  `);
  const esbuild = await import(join(PACKAGE, "node_modules/esbuild/lib/main.js"));
  await esbuild.build({
    absWorkingDir: app,
    entryPoints: ["page.js"],
    bundle: true,
    format: "esm",
    platform: "browser",
    outdir: site,
    loader: { ".wasm": "file" },
    logLevel: "silent",
  });
  writeFileSync(join(site, "index.html"), '<!doctype html><meta charset="utf-8"><body><script type="module" src="page.js"></script>');
  writeFileSync(join(site, "plan.toml"), readFileSync(join(SAMPLE, "plan.toml")));
  writeFileSync(join(site, "facts.jsonl"), readFileSync(join(SAMPLE, "facts.jsonl")));
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const server = createServer((req, res) => {
    const file = join(site, new URL(req.url, "http://x").pathname.replace(/^\/+/, "") || "index.html");
    if (!file.startsWith(site) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[extname(file)] ?? "text/plain" }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => document.body.dataset.payout, null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.payout), "54200.06");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
