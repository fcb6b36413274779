# The accounting of the GIMP suites, sourced by tests/gimp/run.sh and
# tests/gimp2/run.sh (and tests/gimp/test_harness.py, which tests it).
#
#   fail_setup WHY           a failure of the suite itself (one FAIL line)
#   judge NAME HELD CMD...   runs the judge CMD (stderr passes through) and
#                            keeps its "PASS/FAIL/SKIP name" lines; the judge
#                            ending with a non-zero status, or reporting
#                            fewer than HELD checks (its registry's count),
#                            is a failure of the suite
#   finish                   prints every line and "N passed, N failed,
#                            N skipped", and exits non-zero on any failure
#                            or when no check ran at all
# shellcheck shell=bash

setup_failures=()
verdicts=()

fail_setup() { setup_failures+=("$1"); }

judge() {
  local name=$1 held=$2; shift 2
  local tmp rc lines=()
  tmp=$(mktemp) || { fail_setup "$name: no temporary file for the judge's verdicts"; return; }
  "$@" >"$tmp"
  rc=$?
  mapfile -t lines < <(grep -E '^(PASS|FAIL|SKIP) ' "$tmp")
  # Anything else it printed (a traceback, say) is shown, never counted.
  grep -vE '^(PASS|FAIL|SKIP) ' "$tmp" >&2
  rm -f "$tmp"
  verdicts+=("${lines[@]}")
  [ "$rc" -eq 0 ] \
    || fail_setup "$name: the judge ended with status $rc after ${#lines[@]} verdicts (see the traceback above)"
  [ "${#lines[@]}" -ge "$held" ] \
    || fail_setup "$name: ${#lines[@]} checks reported, the registry holds $held"
}

finish() {
  local p=0 f=0 s=0 l
  for l in "${setup_failures[@]}"; do echo "FAIL setup: $l"; f=$((f + 1)); done
  for l in "${verdicts[@]}"; do
    [ -n "$l" ] || continue
    echo "$l"
    case "$l" in PASS*) p=$((p + 1)) ;; FAIL*) f=$((f + 1)) ;; SKIP*) s=$((s + 1)) ;; esac
  done
  [ $((p + f + s)) -gt 0 ] || { echo "FAIL setup: no check ran"; f=1; }
  echo "$p passed, $f failed, $s skipped"
  [ "$f" -eq 0 ]
  exit $?
}
