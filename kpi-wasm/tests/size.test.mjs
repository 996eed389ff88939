// The download budget: the browser module gzipped stays within 560 KB (560,000 bytes), the
// size the project chose over a smaller API (docs/architecture.md, "The wasm size budget"). Measured as
// build.sh prints it, with `gzip -9` (zlib's level 9, as Node's gzipSync, is about 4 KB
// larger on this module).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BUDGET = 560_000;

test("the gzipped wasm module is within the 560 KB budget", () => {
  // One file, shared by the Node, web and bundler builds (finish-package.mjs).
  const path = fileURLToPath(new URL("../pkg/bundler/kpi_wasm_bg.wasm", import.meta.url));
  assert.ok(readFileSync(path).length > 0, path);
  const gzipped = execFileSync("gzip", ["-9", "-c", path], { maxBuffer: 1 << 24 }).length;
  assert.ok(gzipped <= BUDGET, `pkg/bundler/kpi_wasm_bg.wasm: ${gzipped} bytes gzipped, over the ${BUDGET} budget`);
});

// The design module (kpi-core/design) is a second file a page loads only when it checks plan
// designs: bounded too, so it cannot grow unnoticed (docs/architecture.md says why it is apart).
const DESIGN_BUDGET = 300_000;

test("the gzipped design module is within its 300 KB budget", () => {
  const path = fileURLToPath(new URL("../pkg/design/kpi_wasm_design_bg.wasm", import.meta.url));
  const gzipped = execFileSync("gzip", ["-9", "-c", path], { maxBuffer: 1 << 24 }).length;
  assert.ok(gzipped <= DESIGN_BUDGET, `pkg/design/kpi_wasm_design_bg.wasm: ${gzipped} bytes gzipped, over ${DESIGN_BUDGET}`);
});
