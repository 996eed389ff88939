// The browser benchmark: the quarterly commission run (benches/compare's workload) in
// headless Chromium through the kpi-core wasm module, next to the native run
// (`compare_native`) on the same facts, their totals compared to the cent.
//
//   node benches/browser/run.mjs [--facts 1000000] [--runs 9]
//
// Needs kpi-wasm/pkg (bash kpi-wasm/build.sh), kpi-wasm's node_modules (playwright-core)
// and Chromium at /usr/bin/chromium (KPI_CHROMIUM to use another).
import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.KPI_CHROMIUM ?? "/usr/bin/chromium";
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const FACTS = option("--facts", 1_000_000);
const RUNS = option("--runs", 9);
const TYPES = { ".html": "text/html; charset=utf-8", ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm" };

function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(ROOT, path);
    if (!file.startsWith(ROOT) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const require = createRequire(join(ROOT, "kpi-wasm/package.json"));
const { chromium } = require("playwright-core");
const server = await serve();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
let wasm;
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/benches/browser/index.html?facts=${FACTS}&runs=${RUNS}`);
  await page.waitForSelector("#out[data-done]", { timeout: 600_000 });
  const text = await page.textContent("#out");
  if (!text.startsWith("{")) throw new Error(text);
  wasm = JSON.parse(text);
} finally {
  await browser.close();
  server.close();
}
const line = execFileSync(
  "cargo",
  ["run", "--quiet", "--release", "-p", "kpi-benches", "--example", "compare_native", "--",
    "--facts", String(FACTS), "--runs", String(RUNS), "--load-runs", "1"],
  { cwd: ROOT, encoding: "utf8" },
).trim().split("\n").at(-1);
const native = JSON.parse(line);
console.log(`quarterly commission run, ${FACTS.toLocaleString("en-US")} facts, median of ${RUNS} runs`);
console.log(`  wasm in Chromium: load ${wasm.load_ms.toFixed(1)} ms (fromColumns), run ${wasm.run_ms.toFixed(1)} ms  [${wasm.runs_ms.join(" ")}]`);
console.log(`  native:           load ${(native.load_s * 1e3).toFixed(1)} ms, run ${(native.run_s * 1e3).toFixed(1)} ms`);
console.log(`  wasm / native run: ${(wasm.run_ms / (native.run_s * 1e3)).toFixed(2)}x`);
const same = wasm.total === native.total && JSON.stringify(wasm.teams) === JSON.stringify(native.teams);
console.log(same ? `  totals identical to the cent: ${wasm.total}` : `  TOTALS DIFFER: wasm ${wasm.total}, native ${native.total}`);
process.exit(same ? 0 : 1);
