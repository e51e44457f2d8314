#!/usr/bin/env bash
# Fuzzes one target for SECONDS (default 600) with AFL++ on one core:
#   fuzz/run.sh json 600
# Crashes land in fuzz/out/<target>/default/crashes/.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target: json, yaml, toml, dotenv, frontmatter or pipeline}
seconds=${2:-600}
[ -d "in/$target" ] || ./seeds.sh
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_QUIET=1
mkdir -p out
cargo afl fuzz -V "$seconds" -i "in/$target" -o "out/$target" "target/release/$target"
