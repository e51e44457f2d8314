#!/usr/bin/env bash
# Builds the seed corpora in fuzz/in/<target>/ from testdata/ and, when
# present, ../shared/corpus/. Each seed of the pipeline target starts with
# the byte that picks its path (PATHS in src/lib.rs).
set -euo pipefail
cd "$(dirname "$0")"
rm -rf in && mkdir -p in/{json,yaml,toml,dotenv,frontmatter,pipeline}
sources=(../testdata)
[ -d ../../shared/corpus ] && sources+=(../../shared/corpus)
n=0
while IFS= read -r -d '' f; do
  [ "$(stat -c %s "$f")" -le 65536 ] || continue
  n=$((n + 1))
  case "$f" in
    *.json) t=json; pick='\x00' ;;
    *.toml) t=toml; pick='\x04' ;;
    *.yaml|*.yml) t=yaml; pick='\x05' ;;
    *.md) t=frontmatter; pick='\x07' ;;
    *.env|*/.env|*/.env.*) t=dotenv; pick='\x06' ;;
    *) continue ;;
  esac
  cp "$f" "in/$t/$n"
  { printf "$pick"; cat "$f"; } > "in/pipeline/$n"
done < <(find "${sources[@]}" -type f -print0)
for t in in/*; do echo "$(ls "$t" | wc -l) seeds in $t"; done
