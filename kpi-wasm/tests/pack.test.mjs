// `npm pack` makes a tarball that installs and imports in a fresh directory: the
// package's `files`, `exports` and `types` are complete.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = fileURLToPath(new URL("../", import.meta.url));
const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

test("npm pack installs and imports in a fresh directory", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "kpi-pack-"));
  try {
    const name = npm(["pack", "--silent", "--pack-destination", dir], PACKAGE).trim().split("\n").pop();
    const tarball = join(dir, name);
    assert.ok(existsSync(tarball), tarball);
    const app = join(dir, "app");
    execFileSync("mkdir", [app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    npm(["install", "--no-audit", "--no-fund", "--offline", tarball], app);
    const sample = fileURLToPath(new URL("../../kpi-core/testdata/sample/", import.meta.url));
    const script = `
      import { readFileSync } from "node:fs";
      import { Plan, FactTable, ingest } from "kpi-core";
      const plan = Plan.fromToml(readFileSync(${JSON.stringify(sample)} + "plan.toml", "utf8"));
      const facts = FactTable.fromJsonLines(readFileSync(${JSON.stringify(sample)} + "facts.jsonl", "utf8"));
      const report = plan.evaluate(facts, "FY2027-Q2");
      const { report: ingested } = ingest.csv("id,day\\no2,2026-03-02\\n", { fields: { id: "id", kind: { value: "order" }, date: "day" } });
      console.log(JSON.stringify({ payout: report.statements.find((s) => s.member === "sun.li").total, accepted: ingested.accepted }));
    `;
    writeFileSync(join(app, "main.mjs"), script);
    const out = JSON.parse(execFileSync("node", ["main.mjs"], { cwd: app, encoding: "utf8" }));
    assert.equal(out.accepted, 1);
    assert.equal(out.payout, "54200.06"); // the Rust report's (vectors/dashboard.json)
    // The typings travel with the package.
    assert.ok(existsSync(join(app, "node_modules/kpi-core/pkg/nodejs/kpi_wasm.d.ts")));
    assert.ok(existsSync(join(app, "node_modules/kpi-core/pkg/web/kpi_wasm_bg.wasm")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
