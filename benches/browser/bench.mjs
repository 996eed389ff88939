// The quarterly commission run in the browser: the peer comparison's workload
// (benches/src/compare.rs, the same integer formulas) handed to the kpi-core wasm module
// by column, then one fiscal quarter evaluated, each timed over several runs. run.mjs
// opens this page in headless Chromium and reads the result from #out.
import init, { FactTable, Plan } from "../../kpi-wasm/pkg/web/kpi_wasm.js";

const params = new URL(location.href).searchParams;
const FACTS = Number(params.get("facts") ?? 1_000_000);
const RUNS = Number(params.get("runs") ?? 9);
const REPS = 5_000;
const TEAM_SIZE = 50;
const STATUSES = ["won", "won", "lost", "open", "won", "won"];
const START_DAY = Date.UTC(2025, 3, 1) / 86_400_000; // 2025-04-01

/** The workload's columns (`Workload::row`): reps and customers as whole-number ids. */
function columns(n) {
  const id = new Uint32Array(n);
  const owner = new Uint32Array(n);
  const customer = new Uint32Array(n);
  const day = new Int32Array(n);
  const status = new Array(n);
  const amount = new Array(n);
  for (let i = 0; i < n; i++) {
    const big = BigInt(i);
    id[i] = i;
    owner[i] = Number(((big * 7919n) ^ (big >> 3n)) % BigInt(REPS));
    customer[i] = (i * 104_729) % 1_000_000;
    status[i] = STATUSES[i % 6];
    const cents = Number((big * 2_654_435_761n) % 10_000_000n);
    amount[i] = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
    day[i] = START_DAY + ((i * 48_271) % 730);
  }
  return { id, kind: "order", day, owner, customer, status, amount };
}

/** The commission plan of compare.rs, with the reps' ids as the numbers above. */
function planToml() {
  const teams = Array.from({ length: REPS / TEAM_SIZE }, (_, t) => `  { id = "t${t}", name = "Team ${t}" },`);
  const members = Array.from({ length: REPS }, (_, r) => `  { id = "${r}", name = "Rep ${r}", team = "t${Math.floor(r / TEAM_SIZE)}" },`);
  return `version = 1
[calendar]
fiscal_year_start_month = 4
[rounding]
mode = "half-up"
places = 2
[org]
teams = [
${teams.join("\n")}
]
members = [
${members.join("\n")}
]
[metrics.revenue]
aggregate = "sum"
field = "amount"
filter = 'kind == "order" && status == "won"'
[[goals]]
id = "quota"
metric = "revenue"
scope = "member"
period = "quarter"
target = "750000"
[[goals]]
id = "team-quota"
metric = "revenue"
scope = "team"
period = "quarter"
target = "37500000"
[[incentives]]
id = "commission"
applies_to = "members"
period = "quarter"
components = [
  { kind = "tiered", metric = "revenue", goal = "quota", on = "attainment", mode = "marginal",
    tiers = [{ from = "0", rate = "0.05" }, { from = "1", rate = "0.08" }, { from = "1.5", rate = "0.12" }] },
]
`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The exact sum of decimal strings with two places, as text. */
function sumCents(texts) {
  const total = texts.reduce((sum, x) => sum + BigInt(x.replace(".", "")), 0n);
  const digits = total.toString().padStart(3, "0");
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

async function main() {
  await init();
  const cols = columns(FACTS);
  const plan = Plan.fromToml(planToml());
  const loads = [];
  let facts = null;
  for (let i = 0; i < 3; i++) {
    facts?.free();
    const began = performance.now();
    facts = FactTable.fromColumns(cols);
    loads.push(performance.now() - began);
  }
  let report = plan.evaluate(facts, "FY2026-Q3"); // untimed, as the peer comparison does
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const began = performance.now();
    report = plan.evaluate(facts, "FY2026-Q3");
    runs.push(performance.now() - began);
  }
  const teams = {};
  for (const s of report.statements) (teams[s.team] ??= []).push(s.total);
  const result = {
    facts: facts.length,
    load_ms: median(loads),
    run_ms: median(runs),
    runs_ms: runs.map((r) => Math.round(r * 10) / 10),
    total: sumCents(report.statements.map((s) => s.total)),
    teams: Object.fromEntries(Object.entries(teams).sort().map(([t, v]) => [t, sumCents(v)])),
  };
  document.querySelector("#out").textContent = JSON.stringify(result);
  document.querySelector("#out").dataset.done = "true";
}

main().catch((e) => {
  document.querySelector("#out").textContent = `failed: ${e?.message ?? e}`;
  document.querySelector("#out").dataset.done = "failed";
});
