#!/usr/bin/env bash
# Times `blastradius scan` on synthetic trees against the ripgrep floor (rg
# searching the token prefixes over the same tree), in the same run, and
# prints the ratio, peak memory, and how time grows with the tree.
#
# usage: benches/scan.sh [CONFIGS...]   (default: 2500 5000 10000 20000 40000)
# needs: python3, rg; hyperfine when present (medians of its runs), else
# three runs each; GNU time (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/blastradius
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2500 5000 10000 20000 40000)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# The median wall time of a command, in seconds.
wall() {
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs 5 --export-json "$work/h.json" "$*" >/dev/null 2>&1 || true
    python3 -c "import json; print(json.load(open('$work/h.json'))['results'][0]['median'])"
  else
    for _ in 1 2 3; do
      local start end
      start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
      echo "$end - $start" | bc
    done | median
  fi
}
# Peak resident memory of one run, in MiB.
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'; }

printf '| configs (files) | blastradius | rg floor | ratio | terminal | peak memory |\n|---|---|---|---|---|---|\n'
first="" last=""
for count in "${sizes[@]}"; do
  tree="$work/t$count"
  python3 benches/gen_tree.py "$tree" "$count" 1
  files=$(find "$tree" -type f | wc -l)
  floor=$(wall rg -c --hidden --no-ignore 'ghp_|sk-|xoxb-|AKIA' "$tree")
  scan=$(wall "$bin" scan --no-config "$tree" --format json --fail-on never)
  term=$(wall "$bin" scan --no-config "$tree" --color never --fail-on never)
  mem=$(peak "$bin" scan --no-config "$tree" --format json --fail-on never)
  printf '| %s (%s) | %.2f s | %.2f s | %.1f× | %.2f s | %s MiB |\n' \
    "$count" "$files" "$scan" "$floor" "$(echo "$scan / $floor" | bc -l)" "$term" "$mem"
  [ -n "$first" ] || first="$count $scan"
  last="$count $scan"
  rm -rf "$tree"
done
# Time ~ configs^k between the smallest and the largest tree.
python3 - "$first" "$last" <<'PY'
import math, sys
(n1, t1), (n2, t2) = (map(float, a.split()) for a in sys.argv[1:3])
if n2 > n1:
    print(f"\ntime grows as configs^{math.log(t2 / t1) / math.log(n2 / n1):.2f} from {n1:.0f} to {n2:.0f} configs")
PY
