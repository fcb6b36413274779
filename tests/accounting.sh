# The counting of tests/run.sh (sourced by it, and by
# tests/gimp/test_harness.py, which tests it).  Needs $out (where the logs
# go) and $jobs (CTest's parallelism).
#
#   ctest_stage NAME DIR [ARGS]   CTest in DIR: passed, failed, skipped
#   suite_stage NAME CMD...       a suite printing PASS/FAIL/SKIP lines and
#                                 "N passed, N failed[, N skipped]", or
#                                 "NOT RUN: why"
#   note_fail WHY                 one failure of run.sh itself
#   summary                       the failures, then the last line:
#                                 "N passed, N failed, N skipped[; not run: …]";
#                                 its status is 0 only with 0 failed
# shellcheck shell=bash

passed=0
failed=0
skipped=0
failures=()
not_run=()     # suites and stages left out, with why

note_fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL $1" >&2; }

# CTest's summary line is "N% tests passed, F tests failed out of T"; the
# skipped tests (exit 77, SKIP_RETURN_CODE) are among the T, not among the
# F, and listed under "The following tests did not run:" as "(Skipped)".
ctest_stage() {
  local name=$1 dir=$2; shift 2
  local log="$out/$name-ctest.log"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "$@") 2>&1 | tee "$log"
  local line; line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then note_fail "$name: ctest ran no test"; return; fi
  local f t s
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  t=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  s=$(sed -n '/The following tests did not run/,/^$/p' "$log" | grep -c '(Skipped)$' || true)
  passed=$((passed + t - f - s))
  skipped=$((skipped + s))
  if [ "$f" -gt 0 ]; then
    failed=$((failed + f))
    while read -r l; do failures+=("$name: $l"); done < <(sed -n '/The following tests FAILED/,$p' "$log" | grep -E '^\s+[0-9]+ - ' || true)
  fi
}

# A suite that ends with "N passed, N failed[, N skipped]" on its last such
# line; "NOT RUN: reason" when it could not run at all.
suite_stage() {
  local name=$1; shift
  local log="$out/$name.log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  if [ -z "$line" ]; then note_fail "$name: the suite did not complete, exit status $rc (see $log)"; return 0; fi
  local p f s
  read -r p f s < <(sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
  [ "$f" -gt 0 ] && failures+=("$name: $f failed (see $log)")
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && note_fail "$name: exited $rc (see $log)"
  local why; why=$(grep -m1 -E '^NOT RUN: ' "$log" | sed 's/^NOT RUN: //')
  if [ -n "$why" ]; then not_run+=("$name ($why)")
  elif [ $((p + f + ${s:-0})) -eq 0 ]; then note_fail "$name: no check ran (see $log)"; fi
  return 0
}

summary() {
  echo
  if [ ${#failures[@]} -gt 0 ]; then
    echo "Failures:"
    printf '  %s\n' "${failures[@]}"
  fi
  local left=""
  if [ ${#not_run[@]} -gt 0 ]; then
    left="; not run: $(printf '%s, ' "${not_run[@]}")"
    left=${left%, }
  fi
  echo "$passed passed, $failed failed, $skipped skipped$left"
  [ "$failed" -eq 0 ]
}
