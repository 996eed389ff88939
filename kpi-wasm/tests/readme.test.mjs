// Runs every ```js block of the README and the guides, so their samples cannot rot.
// Blocks run with the repository's root as the working directory (the guides read the
// sample company from kpi-core/testdata/sample).
import { test } from "node:test";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOCS = ["README.md", "docs/guide.md", "docs/guide.zh-CN.md", "docs/ingest.md", "docs/incentives.md", "docs/design.md", "docs/testing.md", "docs/limits.md", "docs/plan.md", "docs/javascript.md", "kpi-wasm/README.md"];

for (const doc of DOCS) {
  const blocks = [...readFileSync(ROOT + doc, "utf8").matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

  test(`${doc} has a JavaScript sample`, () => {
    if (blocks.length === 0) throw new Error(`no \`\`\`js block in ${doc}`);
  });

  blocks.forEach((code, i) => {
    test(`${doc} js block ${i}`, async () => {
      // Written inside the package so that `import ... from "kpi-core"` resolves to it.
      const file = fileURLToPath(new URL(`./.doc-${i}.mjs`, import.meta.url));
      writeFileSync(file, code);
      const cwd = process.cwd();
      process.chdir(ROOT);
      try {
        await import(pathToFileURL(file).href + `?${doc}`);
      } finally {
        process.chdir(cwd);
        rmSync(file, { force: true });
      }
    });
  });
}
