#!/usr/bin/env bash
# Groups the crash inputs of fuzz targets by where they panic: for each target (all by
# default), runs every artifact once and prints each distinct panic location with the
# number of inputs, the smallest one and its message.
# Usage: bash benches/fuzz/triage.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
host=$(rustc -vV | sed -n 's/^host: //p')
if [ $# -gt 0 ]; then targets=("$@"); else targets=($(ls artifacts 2>/dev/null)); fi
for target in "${targets[@]}"; do
  files=$(find "artifacts/$target" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | sort)
  [ -z "$files" ] && continue
  echo "== $target"
  for file in $files; do
    out=$("target/$host/release/$target" -runs=1 "$file" 2>&1 | tr -d '\0' || true)
    where=$(printf '%s\n' "$out" | sed -n 's/^thread .* panicked at \(.*\):$/\1/p' | head -n 1)
    message=$(printf '%s\n' "$out" | grep -m 1 -A 1 "panicked at" | tail -n 1 | cut -c 1-300)
    # A panic inside the standard library or a dependency: name kpi's frame too.
    case "$where" in
      */kpi-core/src/* | fuzz_targets/*) ;;
      ?*) where="$where via $(printf '%s\n' "$out" | sed -n 's/^ *at \(.*kpi-core\/src\/.*\)$/\1/p' | head -n 1)" ;;
    esac
    if [ -z "$where" ]; then
      where=$(printf '%s\n' "$out" | grep -m 1 -E "ERROR: libFuzzer" | sed -E 's/==[0-9]+== *//')
      message=""
    fi
    printf '%s\t%s\t%s\t%s\n' "$where" "$(stat -c %s "$file")" "$file" "$message"
  done | sort -t $'\t' -k1,1 -k2,2n | awk -F '\t' '
    function flush() { if (last != "") printf "%5d  %s\n       smallest: %s (%d bytes)\n       %s\n", n, last, first, size, msg }
    $1 != last { flush(); last = $1; n = 0; first = $3; size = $2; msg = $4 }
    { n++ }
    END { flush() }'
done
