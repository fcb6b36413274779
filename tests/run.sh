#!/usr/bin/env bash
# Runs every test of gimp-gemini and ends with one line:
#   "N passed, N failed, N skipped" and, after a ";", what was left out
#   (GG_TEST_QUICK, GG_GIMP_PARTS, suites that could not run: "not run").
#
#   0. what the tests need: install/install.sh --test-deps installs the test
#      tools (its package lists) when some are missing, as root or with sudo
#      (GG_TEST_NO_INSTALL=1: only use what is there);
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
# Counting: a CTest test that cannot run exits 77 (SKIP_RETURN_CODE) and is
# counted as skipped; a suite prints "PASS/FAIL/SKIP name" lines and a last
# line "N passed, N failed[, N skipped]", or "NOT RUN: reason" when it cannot
# run at all (listed as not run, never counted as passed).  A suite whose
# script dies, or that ends without its summary line, is a failure.  A
# missing GIMP 3, GIMP 2.10, Python/Pillow or fake server is a failure.
# GG_TEST_QUICK=1 leaves out the sanitizer build and fuzzing.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=${GG_TEST_OUT:-$src/build-tests}
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$out"

# passed, failed, skipped, not_run; ctest_stage, suite_stage, note_fail,
# summary.
# shellcheck source=tests/accounting.sh
source "$src/tests/accounting.sh"

build() {
  local dir=$1; shift
  cmake -S "$src" -B "$dir" -DGG_WERROR=ON -DGG_TEST_HOOKS=ON "$@" >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log" >&2; return 1; }
  cmake --build "$dir" -j"$jobs" >"$dir.build.log" 2>&1 \
    || { tail -60 "$dir.build.log" >&2; return 1; }
}

# What the tests need, from install/install.sh's lists: installed when some
# of it is missing (as root or with sudo).
if [ "${GG_TEST_NO_INSTALL:-0}" != 1 ]; then
  echo "== 0. test dependencies (install/install.sh --test-deps)"
  bash "$src/install/install.sh" --test-deps \
    || note_fail "setup: the test dependencies could not be installed (run install/install.sh --test-deps as root or with sudo)"
fi

# The timing tests (unit/*/perf*) also check the results at 4096 px: they
# run unless GG_PERF=0 (then they say SKIP and are counted as skipped).
export GG_PERF=${GG_PERF:-1}
[ "$GG_PERF" = 0 ] && unset GG_PERF

# Required parts, checked first so that a missing one fails loudly.
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
  note_fail "setup: /usr/bin/python3 with Pillow is missing (apt-get install python3-pil; or run install/install.sh --test-deps)"
fi
[ -f "$src/tests/fake_gemini/server.py" ] || note_fail "setup: the fake Gemini server tests/fake_gemini/server.py is missing"

echo "== 1. build and test"
if build "$out/default"; then
  ctest_stage default "$out/default"
else
  note_fail "build: the default build failed"
fi

if [ "${GG_TEST_QUICK:-0}" = 1 ]; then
  not_run+=("the sanitizer build, its fault table and fuzzing (GG_TEST_QUICK=1)")
else
  # Built with clang, so that the tree also compiles warning-free with the
  # second compiler (the default build is gcc's).
  echo "== 2. AddressSanitizer + UndefinedBehaviorSanitizer (clang)"
  if ! command -v clang >/dev/null; then
    note_fail "build: clang is missing for the sanitizer build (apt-get install clang; or run install/install.sh --test-deps)"
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
[ -n "${GG_GIMP_PARTS:-}" ] && not_run+=("GIMP 3: only the parts ${GG_GIMP_PARTS} (GG_GIMP_PARTS)")
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

summary
