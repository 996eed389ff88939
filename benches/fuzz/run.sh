#!/usr/bin/env bash
# Fuzzes every input surface of kpi-core with libFuzzer (through cargo-fuzz): SECONDS
# seconds per target (default 600), one target after another on one core. Seeds the
# corpora from kpi-core/testdata first (seed.py), builds the targets once, and prints a
# table of the runs (target, seconds, executions, crashes). Exits non-zero if a target
# crashed; the inputs are in benches/fuzz/artifacts/<target>/.
#
# Usage: bash benches/fuzz/run.sh [SECONDS] [TARGET...]
#   KPI_FUZZ_KEEP_GOING=1  keep fuzzing after a crash (libFuzzer's fork mode, one job at
#                          a time) to collect every crash of the run, not only the first
#   KPI_FUZZ_BUILD=0       do not build (the targets are built already)
#
# Reproduce a crash:  benches/fuzz/target/<host>/release/<target> <artifact>
# Minimise it:        RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s none -a <target> <artifact>
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-600}
shift || true
all=(formula plan_toml plan_json plan_value period_label date_format facts_json csv_mapping zoho fxiaoke columns end_to_end report_document settlement cost_attainment)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

# Per target: the longest input, and a dictionary.
max_len() {
  case "$1" in
    formula) echo 512 ;;
    period_label) echo 64 ;;
    date_format) echo 128 ;;
    plan_toml | plan_json) echo 8192 ;;
    report_document) echo 16384 ;;
    *) echo 4096 ;;
  esac
}
dictionary() {
  case "$1" in
    formula) echo dict/formula.dict ;;
    period_label) echo dict/period_label.dict ;;
    date_format) echo dict/date_format.dict ;;
    plan_toml | plan_json) echo dict/plan.dict ;;
    csv_mapping | facts_json) echo dict/csv_mapping.dict ;;
    zoho | fxiaoke) echo dict/crm.dict ;;
  esac
}

export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

if command -v python3 >/dev/null; then
  python3 seed.py
else
  echo "python3 not found: the corpora are not seeded from kpi-core/testdata"
fi

# cargo-fuzz asks for nightly-only flags; the stable compiler accepts them with
# RUSTC_BOOTSTRAP, and without a sanitizer (-s none) nothing else needs nightly. Debug
# assertions (-a) are on, so an integer overflow is a crash rather than a wrapped value.
if [ "${KPI_FUZZ_BUILD:-1}" != 0 ]; then
  build=()
  [ ${#targets[@]} -eq 1 ] && build=("${targets[0]}")
  RUSTC_BOOTSTRAP=1 cargo fuzz build -s none -a "${build[@]}"
fi
host=$(rustc -vV | sed -n 's/^host: //p')
bin="target/$host/release"

mode=()
if [ "${KPI_FUZZ_KEEP_GOING:-0}" = 1 ]; then
  mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi

rows=()
failed=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  before=$(find "artifacts/$target" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  dict=$(dictionary "$target")
  args=(-max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=20 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="artifacts/$target/" "${mode[@]}")
  [ -n "$dict" ] && args+=(-dict="$dict")
  # Structured targets read their input as a recipe: long inputs from the start.
  case "$target" in plan_value | columns | end_to_end) args+=(-len_control=0) ;; esac
  log="artifacts/$target/run.log"
  echo
  echo "==> $target ($seconds s)"
  status=0
  "$bin/$target" "${args[@]}" "corpus/$target" >"$log" 2>&1 || status=$?
  # Executions: the final stats of a plain run, the last status line of fork mode.
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ -z "$executions" ]; then
    executions=$(sed -n 's/^#\([0-9]*\):.*/\1/p' "$log" | tail -n 1)
  fi
  after=$(find "artifacts/$target" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  crashes=$((after - before))
  if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    failed=1
    grep -m 3 -E "panicked at|^ERROR|SUMMARY" "$log" || true
    echo "log: benches/fuzz/$log"
  fi
  rows+=("| $target | $seconds | ${executions:-?} | $crashes |")
done

echo
echo "| target | seconds | executions | crashes |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
exit "$failed"
