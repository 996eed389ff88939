// The declarations speak JavaScript: no rustdoc links, Rust paths or Rust types left in the
// doc comments (finish-package.mjs rewrites the ones kpi-core's shared docs use).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const RUST = [
  [/\]\((?:crate::)?[A-Za-z_]+(?:::[A-Za-z_]+)*\)/, "a rustdoc link target"],
  [/\[`[^`]+`\]/, "a rustdoc link"],
  [/crate::/, "a crate path"],
  [/[A-Za-z_]::[A-Za-z_]/, "a Rust path (Type::item)"],
  [/&str\b|&\[|\bVec<|\bOption<|\bString\b/, "a Rust type"],
  [/\.len\(\)/, "Rust's .len()"],
  [/Decimal type/, "serde's words"],
];

for (const target of ["nodejs", "web", "bundler"]) {
  test(`pkg/${target}'s declarations have no Rust syntax`, () => {
    const lines = readFileSync(fileURLToPath(new URL(`../pkg/${target}/kpi_wasm.d.ts`, import.meta.url)), "utf8").split("\n");
    const found = [];
    lines.forEach((line, i) => {
      // `$kpi::number` is a JSON key the bindings read, not Rust.
      const text = line.replaceAll("$kpi::number", "");
      for (const [pattern, what] of RUST) if (pattern.test(text)) found.push(`${i + 1}: ${what}: ${line.trim()}`);
    });
    assert.deepEqual(found, []);
  });

  test(`pkg/${target}'s declarations check without @types/node`, () => {
    const text = readFileSync(fileURLToPath(new URL(`../pkg/${target}/kpi_wasm.d.ts`, import.meta.url)), "utf8");
    // `[Symbol.dispose]` is in TypeScript's esnext.disposable library, referenced by the file.
    assert.ok(text.startsWith('/// <reference lib="esnext.disposable" />\n'));
  });
}
