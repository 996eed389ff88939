// Runs every ```js block of the README, so the JavaScript quickstart cannot rot.
import { test } from "node:test";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const README = fileURLToPath(new URL("../../README.md", import.meta.url));
const blocks = [...readFileSync(README, "utf8").matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test("the README has a JavaScript quickstart", () => {
  if (blocks.length === 0) throw new Error("no ```js block in README.md");
});

blocks.forEach((code, i) => {
  test(`README js block ${i}`, async () => {
    // Written inside the package so that `import ... from "kpi-core"` resolves to it.
    const file = fileURLToPath(new URL(`./.readme-${i}.mjs`, import.meta.url));
    writeFileSync(file, code);
    try {
      await import(pathToFileURL(file).href);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
