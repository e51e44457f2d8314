#!/usr/bin/env bash
# Times `blastradius scan` on synthetic trees against the floor of reading
# every byte (`find | xargs cat`), in the same run, and prints the ratio.
# usage: benches/scan.sh [CONFIGS...]   (default: 1000 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/blastradius
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { # runs a command 3 times, prints the median wall time in seconds
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
    echo "$end - $start" | bc
  done | median
}

printf '%-8s %-8s %-10s %-10s %-8s\n' configs files floor_s scan_s ratio
for n in "${@:-1000 20000}"; do
  for count in $n; do
    tree="$work/t$count"
    python3 benches/gen_tree.py "$tree" "$count" 1
    files=$(find "$tree" -type f | wc -l)
    floor=$(wall bash -c "find '$tree' -type f -print0 | xargs -0 cat > /dev/null")
    scan=$(wall "$bin" scan "$tree" --format json --fail-on never)
    printf '%-8s %-8s %-10s %-10s %-8s\n' "$count" "$files" "$floor" "$scan" "$(echo "scale=1; $scan / $floor" | bc)"
  done
done
