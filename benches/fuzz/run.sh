#!/usr/bin/env bash
# Fuzzes the formula parser (libFuzzer through cargo-fuzz) for SECONDS seconds (default
# 600). Not part of CI. Usage: bash benches/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz asks for nightly-only flags; the stable compiler accepts them with
# RUSTC_BOOTSTRAP, and without a sanitizer (-s none) nothing else needs nightly.
RUSTC_BOOTSTRAP=1 cargo fuzz run formula -s none -- -max_total_time="$seconds" -max_len=512
