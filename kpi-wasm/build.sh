#!/usr/bin/env bash
# Builds the npm package into kpi-wasm/pkg: the release wasm (profile `wasm`: size-optimised,
# LTO) and the JS glue for Node (CommonJS), browsers (`web`, ESM with an init function) and
# bundlers (ESM). Needs the wasm32 target and wasm-bindgen-cli at the version of the
# `wasm-bindgen` crate in Cargo.lock (.ci/run installs both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
cargo build -p kpi-wasm --target wasm32-unknown-unknown --profile wasm --locked
wasm="$root/target/wasm32-unknown-unknown/wasm/kpi_wasm.wasm"
rm -rf "$here/pkg"
for target in nodejs web bundler; do
  # Without the producers and name sections: tool metadata, about 580 bytes gzipped.
  wasm-bindgen --target "$target" --remove-producers-section --remove-name-section \
    --out-dir "$here/pkg/$target" "$wasm"
done
# Binaryen's optimiser (npm `binaryen`, pinned in package.json) on each target's module.
# Rounds of `-O1` with duplicate-function and dead-argument elimination, redundant-set
# elimination and constant propagation take about 9 KB off the gzipped download (each
# round finds what the last one exposed), and a last round folding identical code tails
# (`--code-folding`) 0.5 KB more; `-Oz` and `-O2` make the code 10% smaller yet
# 15% larger gzipped (they reorder functions and gzip finds fewer repeats). See
# docs/architecture.md, "The wasm size budget".
wasm_opt="$here/node_modules/.bin/wasm-opt"
if [ ! -x "$wasm_opt" ]; then
  echo "build.sh: $wasm_opt is missing: run 'npm ci' in kpi-wasm first" >&2
  exit 1
fi
# The features rustc's wasm32-unknown-unknown target enables by default (Rust 1.95);
# wasm-opt refuses a module that uses a feature not listed here.
optimise() {
  "$wasm_opt" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue --enable-reference-types \
    -O1 --duplicate-function-elimination --dae-optimizing \
    -O1 --duplicate-function-elimination --rse --precompute-propagate -O1 \
    --code-folding -O1 --vacuum "$1" -o "$1"
}
web_wasm="$here/pkg/web/kpi_wasm_bg.wasm"
unoptimised=$(mktemp)
trap 'rm -f "$unoptimised"' EXIT
cp "$web_wasm" "$unoptimised"
optimise "$web_wasm"
for target in nodejs bundler; do
  wasm_file="$here/pkg/$target/kpi_wasm_bg.wasm"
  # wasm-bindgen writes the same module for every target today: optimise it once then.
  if cmp -s "$unoptimised" "$wasm_file"; then
    cp "$web_wasm" "$wasm_file"
  else
    optimise "$wasm_file"
  fi
done
# The design module (kpi-core/design): the plan design checks and the cost simulation, a
# second wasm file a page loads on demand, so the main module keeps its download budget
# (docs/architecture.md, "The wasm size budget"). One optimised file for its Node and web
# glue, next to both.
cargo build -p kpi-wasm-design --target wasm32-unknown-unknown --profile wasm --locked
design_wasm="$root/target/wasm32-unknown-unknown/wasm/kpi_wasm_design.wasm"
for target in nodejs web; do
  wasm-bindgen --target "$target" --remove-producers-section --remove-name-section \
    --out-dir "$here/pkg/design/$target" "$design_wasm"
done
optimise "$here/pkg/design/web/kpi_wasm_design_bg.wasm"
mv "$here/pkg/design/web/kpi_wasm_design_bg.wasm" "$here/pkg/design/kpi_wasm_design_bg.wasm"
rm -f "$here"/pkg/design/*/kpi_wasm_design_bg.wasm "$here"/pkg/design/*/kpi_wasm_design_bg.wasm.d.ts
relocate() { # file, what, replacement: exactly one occurrence, or the build fails
  if [ "$(grep -cF "$2" "$1")" != 1 ]; then
    echo "build.sh: $1 does not load the design wasm as expected ($2)" >&2
    exit 1
  fi
  sed -i "s|$2|$3|" "$1"
}
relocate "$here/pkg/design/nodejs/kpi_wasm_design.js" '${__dirname}/kpi_wasm_design_bg.wasm' '${__dirname}/../kpi_wasm_design_bg.wasm'
relocate "$here/pkg/design/web/kpi_wasm_design.js" "new URL('kpi_wasm_design_bg.wasm', import.meta.url)" "new URL('../kpi_wasm_design_bg.wasm', import.meta.url)"
echo '{ "type": "commonjs" }' > "$here/pkg/design/nodejs/package.json"
echo '{ "type": "module" }' > "$here/pkg/design/web/package.json"
# src/boundary.js is an ES module; the Node glue loads it with require(), so its copy there
# becomes CommonJS: the `export function` and `export class` declarations lose `export`
# and are listed in module.exports.
for snippet in $(find "$here/pkg/nodejs/snippets" -name '*.js'); do
  names=$(sed -n 's/^export \(function\|class\) \([A-Za-z0-9_]*\).*/\2/p' "$snippet" | paste -sd, -)
  sed -i 's/^export \(function\|class\) /\1 /' "$snippet"
  if grep -q '^export\b\|^import\b' "$snippet"; then
    echo "build.sh: $snippet has an export or import that is not 'export function' or 'export class'" >&2
    exit 1
  fi
  echo "module.exports = { $names };" >> "$snippet"
done
# The plan's JSON Schema ships as a file (`kpi-core/plan.schema.json` in the package) and as
# `planSchema()`, appended to each glue module here: embedded in the wasm it would add about
# 12 KB to the gzipped module. Each call parses a fresh object from the minified text.
cp "$root/kpi-core/plan.schema.json" "$here/pkg/plan.schema.json"
schema_literal=$(node -e '
  const fs = require("fs");
  const text = JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1], "utf8")));
  process.stdout.write(JSON.stringify(text));
' "$root/kpi-core/plan.schema.json")
schema_doc='/**
 * The JSON Schema (draft 2020-12) of the plan document, as an object: for editors and for
 * checking a plan with a JSON Schema validator before kpi reads it.
 */'
for target in nodejs web bundler; do
  glue="$here/pkg/$target/kpi_wasm.js"
  if [ "$target" = nodejs ]; then
    printf '\n%s\nfunction planSchema() {\n    return JSON.parse(%s);\n}\nexports.planSchema = planSchema;\n' \
      "$schema_doc" "$schema_literal" >> "$glue"
  else
    printf '\n%s\nexport function planSchema() {\n    return JSON.parse(%s);\n}\n' \
      "$schema_doc" "$schema_literal" >> "$glue"
  fi
  printf '\n%s\nexport function planSchema(): Record<string, unknown>;\n' "$schema_doc" \
    >> "$here/pkg/$target/kpi_wasm.d.ts"
done
# The error classes of src/boundary.js are re-exported by the glue, which declares each as
# `export let KpiError: unknown;`; their declarations are the classes in lib.rs's
# TypeScript section, so the placeholders go.
for types in "$here"/pkg/*/kpi_wasm.d.ts; do
  for name in $(sed -n 's/^export class \([A-Za-z0-9_]*\) extends .*Error\b.*/\1/p' "$types"); do
    sed -i "/^export let $name: unknown;\$/d" "$types"
  done
  if grep -q '^export let [A-Za-z0-9_]*: unknown;$' "$types"; then
    echo "build.sh: $types declares a re-export without its type" >&2
    exit 1
  fi
done
# The web and bundler glue is ES modules; the Node glue is CommonJS.
echo '{ "type": "module" }' > "$here/pkg/web/package.json"
echo '{ "type": "module" }' > "$here/pkg/bundler/package.json"
echo '{ "type": "commonjs" }' > "$here/pkg/nodejs/package.json"
# One wasm file for the three targets, a clear error before init(), declarations that
# check in a plain TypeScript project, and toJSON/inspect (finish-package.mjs says why).
node "$here/finish-package.mjs"
# npm packs LICENSE files from the package's root (they are .gitignored copies there).
cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$here/"
ls -l "$here/pkg/bundler/kpi_wasm_bg.wasm" | awk '{print "built " $NF ": " $5 " bytes"}'
# What a browser downloads when the server compresses it.
echo "gzip -9 of the wasm: $(gzip -9 -c "$here/pkg/bundler/kpi_wasm_bg.wasm" | wc -c) bytes"
echo "gzip -9 of the design wasm (kpi-core/design, on demand): $(gzip -9 -c "$here/pkg/design/kpi_wasm_design_bg.wasm" | wc -c) bytes"

