#!/usr/bin/env bash
# Runs every test of gimp-gemini and ends with one line: "N passed, N failed".
#
#   1. build (warnings are errors) and CTest: unit tests, the fake server's
#      own tests, gemini-image end to end against the fake server;
#   2. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the fault table: gemini-image against every hostile answer the fake
#      server can give (normal and sanitizer builds);
#   4. the GIMP 3 plug-in headless in real GIMP 3 (natively when libgimp-3.0
#      is installed, else in a Debian 13 root built once by tests/gimp3-root.sh);
#   4b. the GIMP 2.10 plug-in headless in real GIMP 2.10 (natively: Debian 12
#      packages it), and an .xcf of it refined in GIMP 3;
#   5. fuzz targets for 30 s each (clang's libFuzzer).
#
# Nothing is skipped silently: a missing GIMP 3, GIMP 2.10, Python/Pillow or
# fake server is a failure.  GG_TEST_QUICK=1 leaves out the sanitizer build and fuzzing.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=${GG_TEST_OUT:-$src/build-tests}
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$out"

passed=0
failed=0
failures=()

note_fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL $1" >&2; }

# CTest's summary line is "N% tests passed, F tests failed out of T".
ctest_stage() {
  local name=$1 dir=$2; shift 2
  local log="$out/$name-ctest.log"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "$@") 2>&1 | tee "$log"
  local line; line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then note_fail "$name: ctest ran no test"; return; fi
  local f t
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  t=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + t - f))
  if [ "$f" -gt 0 ]; then
    failed=$((failed + f))
    while read -r l; do failures+=("$name: $l"); done < <(sed -n '/The following tests FAILED/,$p' "$log" | grep -E '^\s+[0-9]+ - ' || true)
  fi
}

# A suite that ends with "N passed, N failed" on its last such line.
suite_stage() {
  local name=$1; shift
  local log="$out/$name.log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  if [ -z "$line" ]; then note_fail "$name: the suite did not complete (see $log)"; return; fi
  local p=${line%% passed*} f=${line#*passed, }; f=${f%% failed*}
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" -gt 0 ] && failures+=("$name: $f failed (see $log)")
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && note_fail "$name: exited $rc"
  return 0
}

build() {
  local dir=$1; shift
  cmake -S "$src" -B "$dir" -DGG_WERROR=ON -DGG_TEST_HOOKS=ON "$@" >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log" >&2; return 1; }
  cmake --build "$dir" -j"$jobs" >"$dir.build.log" 2>&1 \
    || { tail -60 "$dir.build.log" >&2; return 1; }
}

# Required parts, checked first so that a missing one fails loudly.
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
  note_fail "setup: /usr/bin/python3 with Pillow is missing (apt-get install python3-pil; or run install/install.sh --deps-only)"
fi
[ -f "$src/tests/fake_gemini/server.py" ] || note_fail "setup: the fake Gemini server tests/fake_gemini/server.py is missing"

echo "== 1. build and test"
if build "$out/default"; then
  ctest_stage default "$out/default"
else
  note_fail "build: the default build failed"
fi

if [ "${GG_TEST_QUICK:-0}" != 1 ]; then
  # Built with clang, so that the tree also compiles warning-free with the
  # second compiler (the default build is gcc's).
  echo "== 2. AddressSanitizer + UndefinedBehaviorSanitizer (clang)"
  if ! command -v clang >/dev/null; then
    note_fail "build: clang is missing for the sanitizer build (apt-get install clang; or run install/install.sh --deps-only)"
  elif CC=clang build "$out/asan" -DCMAKE_BUILD_TYPE=Debug -DGG_SANITIZE=ON -DGG_PLUGIN=OFF; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest_stage asan "$out/asan"
  else
    note_fail "build: the sanitizer build failed"
  fi
fi

echo "== 3. hostile answers (fault table)"
if [ -x "$out/default/cli/gemini-image" ]; then
  suite_stage faults /usr/bin/python3 "$src/tests/faults/run.py" \
    --cli "$out/default/cli/gemini-image" --server "$src/tests/fake_gemini/server.py"
  if [ "${GG_TEST_QUICK:-0}" != 1 ] && [ -x "$out/asan/cli/gemini-image" ]; then
    ASAN_OPTIONS=detect_leaks=1 \
      suite_stage faults-asan /usr/bin/python3 "$src/tests/faults/run.py" \
        --cli "$out/asan/cli/gemini-image" --server "$src/tests/fake_gemini/server.py"
  fi
else
  note_fail "faults: no gemini-image to test"
fi

echo "== 3b. placement measured (drifting edits, thresholds)"
if [ -x "$out/default/cli/gemini-image" ]; then
  suite_stage placement /usr/bin/python3 "$src/tests/placement/run.py" \
    --cli "$out/default/cli/gemini-image" --server "$src/tests/fake_gemini/server.py"
else
  note_fail "placement: no gemini-image to test"
fi

# The live service's recorded answers (../shared/real-answers beside the
# checkout) replayed to gemini-image; "NOT RUN" without them.
echo "== 3c. recorded answers of the live service replayed"
if [ -x "$out/default/cli/gemini-image" ]; then
  suite_stage replay /usr/bin/python3 "$src/tests/replay/run.py" --cli "$out/default/cli/gemini-image"
else
  note_fail "replay: no gemini-image to test"
fi

echo "== 4. GIMP 3 headless"
if [ -f "$src/tests/gimp/run.sh" ]; then
  GG_TEST_OUT="$out" suite_stage gimp bash "$src/tests/gimp/run.sh"
else
  note_fail "gimp: tests/gimp/run.sh is missing"
fi

# GIMP 3.2 (Debian forky, December 2026) as well, in its own root
# (GG_GIMP3_SUITES="forky sid" for more; "" for none).
for suite in ${GG_GIMP3_SUITES-forky}; do
  echo "== 4a. GIMP 3 headless in Debian $suite"
  GIMP_GEMINI_ROOT_SUITE="$suite" GG_TEST_OUT="$out/gimp3-$suite" \
    suite_stage "gimp-$suite" bash "$src/tests/gimp/run.sh"
done

# GIMP 2.10 is Debian 12's GIMP: its plug-in runs natively, and a missing
# GIMP 2.10 fails the stage (tests/gimp2/run.sh says how to install it).
echo "== 4b. GIMP 2.10 headless (and its .xcf refined in GIMP 3)"
if [ -f "$src/tests/gimp2/run.sh" ]; then
  GG_TEST_OUT="$out" suite_stage gimp2 bash "$src/tests/gimp2/run.sh"
else
  note_fail "gimp2: tests/gimp2/run.sh is missing"
fi

# The README's screenshots, retaken from a real GIMP 3 under Xvfb into the
# build folder (docs/images is rewritten only by running take.sh by hand).
echo "== 4c. screenshots (real GIMP 3 under Xvfb)"
GG_SHOTS_WORK="$out/shots" suite_stage screenshots bash "$src/tools/screenshots/take.sh" "$out/shots/images"

if [ "${GG_TEST_QUICK:-0}" != 1 ]; then
  echo "== 5. fuzzing (short runs)"
  GG_TEST_OUT="$out" suite_stage fuzz bash "$src/tests/fuzz/run.sh" --seconds "${GG_FUZZ_SECONDS:-30}"
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "Failures:"
  printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
