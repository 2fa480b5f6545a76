#!/usr/bin/env bash
# The main job: installs what is missing, builds, and sorts the seed workload
# (8x8192 and 8x4097 batches in float32, int32 and bfloat16, made by `rowsort gen`),
# plain, --stable --argsort, and --descending, printing the time of each and verifying it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
rs=build/cli/rowsort
work=$(mktemp -d "${TMPDIR:-/tmp}/rowsort-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$rs" info
echo
printf '%-10s %-9s %-28s %10s  %s\n' shape dtype mode seconds check
for shape in 8x8192 8x4097; do
  for dtype in float32 int32 bfloat16; do
    in="$work/in_${shape}_${dtype}.npy"
    "$rs" gen --shape "$shape" --dtype "$dtype" --dist uniform --seed 42 -o "$in"
    for mode in plain "stable argsort" descending; do
      out="$work/out.npy"; idx="$work/idx.npy"
      case "$mode" in
        plain)            args=(); vargs=() ;;
        "stable argsort") args=(--stable --argsort "$idx"); vargs=(--stable --argsort "$idx") ;;
        descending)       args=(--descending); vargs=(--descending) ;;
      esac
      t0=$(date +%s%N)
      "$rs" sort "$in" -o "$out" "${args[@]}"
      t1=$(date +%s%N)
      check=$("$rs" verify "$in" "$out" "${vargs[@]}" 2>&1) || { echo "$check" >&2; exit 1; }
      us=$(( (t1 - t0) / 1000 ))
      printf '%-10s %-9s %-28s %3d.%06d  %s\n' "$shape" "$dtype" "$mode" \
        $((us / 1000000)) $((us % 1000000)) "$check"
    done
  done
done
echo
echo "Times are whole-process (start, map, sort, fsync, rename). In-process kernel timings: docs/performance.md"
