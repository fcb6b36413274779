#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# while on its seed corpus.  New inputs go to a scratch corpus in the build
# dir, crashes to build-tests/fuzz/artifacts/.  Ends with "N passed, N failed".
#   tests/fuzz/run.sh [--seconds N] [TARGET...]
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${GG_TEST_OUT:-$src/build-tests}/fuzz
seconds=30
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -eq 0 ] && targets=(response api-error image region files batch conversation place)

# Recorded answers of the live service, when the checkout has them beside
# it (../shared/real-answers): read from there as extra seeds, never copied
# into the repository.  Symlinks in the build folder pick a target's files.
real=$src/../shared/real-answers
real_seeds() {
  case $1 in
    files) echo 'cookbook__files-api__*' ;;
    batch) echo 'cookbook__batch__*' ;;
  esac
}

command -v clang >/dev/null || { echo "clang is not installed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$out"
CC=clang cmake -S "$src" -B "$out/build" -DGG_FUZZ=ON -DGG_PLUGIN=OFF -DGG_WERROR=ON \
  -DCMAKE_BUILD_TYPE=Debug >"$out/configure.log" 2>&1 \
  || { tail -30 "$out/configure.log"; echo "0 passed, 1 failed"; exit 1; }
cmake --build "$out/build" -j"$(nproc)" --target $(printf 'fuzz-%s ' "${targets[@]}") \
  >"$out/build.log" 2>&1 \
  || { tail -40 "$out/build.log"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0
for t in "${targets[@]}"; do
  work="$out/corpus-$t"; art="$out/artifacts/$t/"
  mkdir -p "$work" "$art"
  seeds=("$src/tests/fuzz/corpus/$t")
  pattern=$(real_seeds "$t")
  if [ -n "$pattern" ] && [ -d "$real" ]; then
    rm -rf "$out/real-$t"; mkdir -p "$out/real-$t"
    for f in "$real"/$pattern; do [ -f "$f" ] && ln -s "$f" "$out/real-$t/"; done
    [ -n "$(ls -A "$out/real-$t")" ] && seeds+=("$out/real-$t")
  fi
  start=$(date +%s)
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
     "$out/build/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -rss_limit_mb=4096 \
       -max_len=1048576 -timeout=20 -artifact_prefix="$art" -print_final_stats=1 \
       "$work" "${seeds[@]}" >"$out/$t.log" 2>&1; then
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$out/$t.log" | grep -oE '[0-9]+$')
    echo "PASS fuzz-$t: ${runs:-?} runs in $(( $(date +%s) - start )) s, no crash (seeds: ${#seeds[@]} folders)"
    passed=$((passed + 1))
  else
    echo "FAIL fuzz-$t: see $out/$t.log and $art"
    grep -E 'ERROR|SUMMARY|Test unit written' "$out/$t.log" | head -5
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
