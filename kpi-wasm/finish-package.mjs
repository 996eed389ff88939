// The last step of build.sh: turns wasm-bindgen's three outputs in pkg/ into one package.
//
// - One wasm file, pkg/bundler/kpi_wasm_bg.wasm, shared by the Node, web and bundler glue
//   (each target used to carry its own 1.7 MB copy).
// - The web build, called before `init()`, fails with a message that says to call it,
//   instead of a TypeError about `__wbindgen_add_to_stack_pointer`.
// - The declarations check in a plain TypeScript project (no @types/node, no
//   skipLibCheck): `[Symbol.dispose]` needs the `esnext.disposable` library.
// - Doc comments speak JavaScript: rustdoc links and Rust names become plain code.
// - `JSON.stringify` and Node's `console.log` show a Plan, FactTable, Period, Calendar or
//   Measures by its data, not by its `__wbg_ptr`.
//
// Every rewrite of generated code must find what it rewrites, or the build fails: a new
// wasm-bindgen version that writes its glue differently stops here, not in a user's page.
import { readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PKG = fileURLToPath(new URL("./pkg/", import.meta.url));
const TARGETS = ["nodejs", "web", "bundler"];

const read = (path) => readFileSync(PKG + path, "utf8");
const write = (path, text) => writeFileSync(PKG + path, text);

/** Replaces `from` (a string: exactly once; a RegExp: at least once) or fails the build. */
function rewrite(path, from, to) {
  const text = read(path);
  const count = typeof from === "string" ? text.split(from).length - 1 : (text.match(from) ?? []).length;
  if (typeof from === "string" ? count !== 1 : count === 0) {
    throw new Error(`finish-package: ${path}: expected ${typeof from === "string" ? "one" : "a"} ${from}, found ${count}`);
  }
  write(path, text.replace(from, to));
}

// ------------------------------------------------------------------ one wasm file
const wasms = TARGETS.map((target) => readFileSync(`${PKG}${target}/kpi_wasm_bg.wasm`));
if (!wasms.every((bytes) => bytes.equals(wasms[0]))) {
  throw new Error("finish-package: the targets' wasm files differ; they can no longer share one");
}
// The bundler build keeps the file: its wasm imports "./kpi_wasm_bg.js", which a
// bundler (and Node's wasm modules) resolve next to the .wasm file.
for (const target of ["nodejs", "web"]) {
  rmSync(`${PKG}${target}/kpi_wasm_bg.wasm`);
  rmSync(`${PKG}${target}/kpi_wasm_bg.wasm.d.ts`, { force: true });
}
rewrite("nodejs/kpi_wasm.js", "`${__dirname}/kpi_wasm_bg.wasm`", "`${__dirname}/../bundler/kpi_wasm_bg.wasm`");
rewrite("web/kpi_wasm.js", "new URL('kpi_wasm_bg.wasm', import.meta.url)", "new URL('../bundler/kpi_wasm_bg.wasm', import.meta.url)");

// ------------------------------------------------------------------ init() first
const NOT_INITIALISED =
  "kpi-core is not initialised: call `await init()` (the module's default export) once " +
  "before any other function, or `initSync({ module })` with the wasm's bytes. " +
  "Under Node, import \"kpi-core\" itself: its Node build needs no init().";
rewrite(
  "web/kpi_wasm.js",
  "let wasmModule, wasmInstance, wasm;",
  `let wasmModule, wasmInstance;
// Until init() replaces it, every call into the module fails with a message that says what to do.
const wasmNotInitialised = new Proxy({}, {
    get(_, name) {
        if (typeof name === "symbol") return undefined;
        throw new Error(${JSON.stringify(NOT_INITIALISED)});
    },
});
let wasm = wasmNotInitialised;`,
);
rewrite("web/kpi_wasm.js", /if \(wasm !== undefined\) return wasm;/g, "if (wasm !== wasmNotInitialised) return wasm;");
if (/wasm === undefined|wasm !== undefined|typeof wasm\b/.test(read("web/kpi_wasm.js"))) {
  throw new Error("finish-package: web/kpi_wasm.js tests `wasm` against undefined somewhere new");
}

// ------------------------------------------------------------------ toJSON and inspect
// [class, toJSON's body, the summary Node's console.log shows, toJSON's declared type]
const SHOWN = [
  ["Plan", "this.toObject()", "kpiPlanSummary(this.toObject())", "PlanDocument"],
  ["FactTable", "this.toRecords()", "({ length: this.length })", "FactRecord[]"],
  ["Period", "this.toObject()", "this.toObject()", "PeriodInfo"],
  ["Calendar", "this.toObject()", "this.toObject()", "CalendarSettings"],
  ["Measures", "this.toObject()", "this.toObject()", "MeasuresDocument"],
];
const SHOW_CODE = `
// JSON.stringify and Node's console.log show these objects by their data (finish-package.mjs).
const kpiInspect = Symbol.for("nodejs.util.inspect.custom");
function kpiPlanSummary(plan) {
    return {
        name: plan.name,
        metrics: Object.keys(plan.metrics ?? {}).length,
        goals: (plan.goals ?? []).length,
        incentives: (plan.incentives ?? []).length,
    };
}
function kpiShow(cls, toJSON, summary) {
    Object.defineProperty(cls.prototype, "toJSON", { value: toJSON, writable: true, configurable: true });
    Object.defineProperty(cls.prototype, kpiInspect, {
        value(depth, options, inspect) {
            if (!this.__wbg_ptr) return \`\${cls.name} (freed)\`;
            const shown = summary.call(this);
            return typeof inspect === "function" ? \`\${cls.name} \${inspect(shown, options)}\` : shown;
        },
        writable: true,
        configurable: true,
    });
}
${SHOWN.map(([cls, json, summary]) => `kpiShow(${cls}, function () { return ${json}; }, function () { return ${summary}; });`).join("\n")}
`;
for (const target of TARGETS) {
  // The bundler build's classes live in kpi_wasm_bg.js.
  const glue = target === "bundler" ? "bundler/kpi_wasm_bg.js" : `${target}/kpi_wasm.js`;
  write(glue, read(glue) + SHOW_CODE);
  for (const [cls, , , type] of SHOWN) {
    rewrite(
      `${target}/kpi_wasm.d.ts`,
      new RegExp(`(export class ${cls} \\{\\n(?:    private constructor\\(\\);\\n)?    free\\(\\): void;\\n    \\[Symbol\\.dispose\\]\\(\\): void;\\n)`),
      `$1    /**\n     * Its data, for \`JSON.stringify\` (Node's \`console.log\` shows a summary).\n     */\n    toJSON(): ${type};\n`,
    );
  }
}

// ------------------------------------------------------------------ declarations
// Rust names in doc comments, in the words a JavaScript reader uses. The test
// tests/types.test.mjs refuses any Rust syntax left in the declarations.
const JS_WORDS = [
  [/\[`([^`\]]+)`\]\([^)\s]+\)/g, "`$1`"], // [`text`](target)
  [/\[`([^`\]]+)`\]/g, "`$1`"], // [`name`]
  [/ \(`[A-Za-z]+::code`\)/g, ""],
  [/ \(see `crate::[a-z_:]+`\)/g, ""],
  [/ \(`crate::[a-z_:]+::[A-Z_]+`\)/g, ""],
  [/; it reads as a `&str`/g, ""],
  [/`Plan::from_toml`/g, "`Plan.fromToml`"],
  [/`Plan::from_json`/g, "`Plan.fromJson`"],
  [/`Plan::validate`/g, "`plan.validate()`"],
  [/`Plan::check`/g, "checking"],
  [/ \(see `Goal::adjust`\)/g, ""],
  [/`Source::Typed`/g, "typed"],
  [/ \(`Labels::component_key`\)/g, ""],
  [/\(`Report::to_text` writes with them\)/g, "(the text report writes with them)"],
  [/ \(`Report::with_findings`\)/g, " (`{ ...report, findings: plan.validate(facts) }`)"],
  [/`skipped\.len\(\) \+ rejected\.len\(\)`/g, "`skipped.length + rejected.length`"],
  [/`read == accepted \+ superseded \+ skipped\.len\(\) \+ rejected\.len\(\)`/g, "`read == accepted + superseded + skipped.length + rejected.length`"],
  [/ \(kpi-core's `FindingCode::ALL`\)/g, ""],
];
for (const target of TARGETS) {
  const path = `${target}/kpi_wasm.d.ts`;
  let text = read(path);
  for (const [from, to] of JS_WORDS) text = text.replace(from, to);
  // TypeScript's own library for `Symbol.dispose`, so that a project without @types/node
  // or `lib: ["esnext"]` checks the declarations (TypeScript >= 5.2).
  write(path, `/// <reference lib="esnext.disposable" />\n${text}`);
}

for (const target of ["nodejs", "web"]) {
  if (existsSync(`${PKG}${target}/kpi_wasm_bg.wasm`)) throw new Error(`finish-package: ${target} still has its own wasm`);
}
