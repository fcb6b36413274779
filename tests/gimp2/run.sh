#!/usr/bin/env bash
# The GIMP 2.10 plug-in (plugin/gimp2/) in real GIMP 2.10, headless, against
# the fake Gemini server, and an .xcf of it refined in real GIMP 3.
#
#   tests/gimp2/run.sh     (GG_TEST_OUT: where builds and outputs go,
#                           default build-tests/ in the checkout)
#
# Builds the plug-in natively (Debian 12 packages GIMP 2.10: libgimp2.0-dev,
# gimp), starts tests/fake_gemini/server.py on loopback with a random key
# passed by environment (never argv), makes a private 2.10 profile
# (GIMP2_DIRECTORY) whose plug-in-path holds the fresh build and runs
# gimp-console-2.10 -i -b with Script-Fu (tests/gimp2/edit.scm): edits of
# every kind of image, generations, references (layers and files), style
# from a file, Compose, a French run, variations, a refine after
# reopening the .xcf, errors, no key, the key file, the recovery folder,
# the plug-in killed mid-request (GIMP's Cancel).
# Then the cross-version check: GIMP 3 (natively, or in the Debian 13 root
# of tests/gimp3-root.sh) refines the .xcf that 2.10 edited and refined
# (tests/gimp2/cross3.py), and 2.10 refines GIMP 3's result in turn.
# Meanwhile every process's argv is read for the key.  tests/gimp2/checks.py
# judges everything; prints "PASS name" / "FAIL name: why" and a last line
# "N passed, N failed, N skipped" (tests/gimp/verdicts.sh: a judge that
# dies, or reports fewer checks than its registry holds, fails the suite).  A missing GIMP 2.10, GIMP 3 or fake server is a
# failure, never a skip.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
out=${GG_TEST_OUT:-$src/build-tests}
mkdir -p "$out"
out=$(cd "$out" && pwd)
build="$out/gimp2"
# The GIMP 3 build of tests/gimp/run.sh, configured alike: after that suite
# (tests/run.sh runs it first) the build here is only a check.
build3="$out/gimp3"
work="$out/gimp2-run"
python=/usr/bin/python3
checks="$src/tests/gimp2/checks.py"
g3checks="$src/tests/gimp/checks.py"
gimp_timeout=${GG_GIMP_TIMEOUT:-240}

# fail_setup, judge (a judge that dies, or reports fewer checks than its
# registry holds, fails the suite) and finish.
# shellcheck source=tests/gimp/verdicts.sh
source "$src/tests/gimp/verdicts.sh"

server_pid=""
scan_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$scan_pid" ] && kill "$scan_pid" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT

# --- GIMP 2.10 must be here where the distribution packages it (Debian 12,
# Ubuntu 24.04); where it does not (Debian 13), the suite cannot run at all.
if ! command -v gimp-console-2.10 >/dev/null || ! pkg-config --exists gimp-2.0 gimpui-2.0 2>/dev/null; then
  if command -v apt-cache >/dev/null && ! apt-cache show libgimp2.0-dev >/dev/null 2>&1; then
    echo "NOT RUN: this distribution does not package GIMP 2.10 (libgimp2.0-dev)"
    echo "0 passed, 0 failed, 0 skipped"
    exit 0
  fi
  fail_setup "GIMP 2.10 is not installed (gimp-console-2.10 and pkg-config gimp-2.0): apt-get install gimp libgimp2.0-dev, or install/install.sh --test-deps"
  finish
fi
"$python" -c 'import PIL' 2>/dev/null \
  || { fail_setup "/usr/bin/python3 with Pillow is missing (apt-get install python3-pil)"; finish; }
[ -f "$src/tests/fake_gemini/server.py" ] \
  || { fail_setup "the fake Gemini server tests/fake_gemini/server.py is missing"; finish; }

# --- build (GIMP 3's plug-in is left out: it is built in its own root below)
echo "gimp2 tests: building the GIMP 2.10 plug-in" >&2
if ! cmake -S "$src" -B "$build" -DGG_WERROR=ON -DGG_TEST_HOOKS=ON -DCMAKE_BUILD_TYPE=Debug -DGG_PLUGIN=OFF \
     >"$out/gimp2-configure.log" 2>&1; then
  fail_setup "cmake configure failed (see $out/gimp2-configure.log)"; finish
fi
if ! grep -q '^GIMP2_FOUND:INTERNAL=1' "$build/CMakeCache.txt"; then
  fail_setup "pkg-config did not find gimp-2.0 for CMake: the GIMP 2.10 plug-in is not built"; finish
fi
if ! cmake --build "$build" -j2 --target gimp2-gemini gemini-image >"$out/gimp2-build.log" 2>&1; then
  fail_setup "the build failed: $(grep -m3 -E 'error|Error' "$out/gimp2-build.log" | tr '\n' ' ')"; finish
fi
plugin_dir="$build/plugin/gimp2/plug-ins/gimp-gemini"
[ -x "$plugin_dir/gimp-gemini" ] || { fail_setup "no plug-in binary at $plugin_dir"; finish; }
cli="$build/cli/gemini-image"

# --- a private 2.10 profile
rm -rf "$work"
mkdir -p "$work/profile/plug-ins" "$work/home" "$work/out" "$work/in"
cp -r "$plugin_dir" "$work/profile/plug-ins/"
printf '(plug-in-path "%s/profile/plug-ins:%s/plug-ins")\n' "$work" \
  "$(pkg-config --variable=gimplibdir gimp-2.0)" >"$work/profile/gimprc"
"$python" "$g3checks" prepare "$work/in" || { fail_setup "could not write the input pictures"; finish; }

# --- the fake server, with a key no one could guess, given by environment
key="gg-gimp2-test-key-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
GG_SERVER_KEY="$key" "$python" -c 'import os, runpy, sys
sys.argv = [sys.argv[1], "--key", os.environ.pop("GG_SERVER_KEY")] + sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")' \
  "$src/tests/fake_gemini/server.py" --port 0 --port-file "$work/port" \
  --quiet >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { fail_setup "the fake server did not start (see $work/server.log)"; finish; }
port=$(cat "$work/port")
base="http://127.0.0.1:$port"
control() { "$python" "$g3checks" control "$port" "$1"; }

# gimp-console-2.10 with the private profile.  $1: log, $2: key / nokey,
# $3: the part of edit.scm to run.  The key goes by environment only.
gimp_run() {
  local log=$1 keyvar=$2 part=$3
  local env=(GIMP2_DIRECTORY="$work/profile" HOME="$work/home"
             GOOGLE_GEMINI_BASE_URL="$base"
             GIMP_GEMINI_TEST_FAIL_PLACE="${GG_FAIL_PLACE:-}")
  [ "$keyvar" = key ] && env+=(GEMINI_API_KEY="$key")
  # gettext ignores LANGUAGE in the C locale, not in C.UTF-8.
  [ -n "${GG_LANGUAGE:-}" ] && env+=(LANGUAGE="$GG_LANGUAGE" LC_ALL=C.UTF-8)
  ( unset GEMINI_API_KEY GOOGLE_API_KEY; export "${env[@]}"
    exec timeout "$gimp_timeout" gimp-console-2.10 -i \
      -b "(define gg-in \"$work/in\") (define gg-out \"$work/out\") (define gg-part \"$part\") (load \"$src/tests/gimp2/edit.scm\")" \
      -b '(gimp-quit 0)' ) >"$log" 2>&1
}

t0=$(date +%s)

# Every process's argv, read five times a second while GIMP runs.
rm -f "$work/scan-stop"
GG_GIMP_TEST_KEY="$key" "$python" "$g3checks" scan-argv "$work" &
scan_pid=$!

echo "gimp2 tests: running GIMP 2.10" >&2
# 1. edits, generations, references, variations, refine, start over
control '{"scenario": "ok", "queue": []}'
gimp_run "$work/sf-main.log" key main || fail_setup "gimp-console-2.10 (main) ended with status $? (see $work/sf-main.log)"

# 1b. in French: the plug-in's sentences from po/fr.po
GG_LANGUAGE=fr gimp_run "$work/sf-fr.log" key fr || fail_setup "gimp-console-2.10 (fr) ended with status $? (see $work/sf-fr.log)"

# 2. error answers leave the image as it was
text_only='{"scenario": "text_only", "params": {"text": "I would rather describe it: a kite."}}'
control "{\"scenario\": \"ok\", \"queue\": [\"ok\", \"error_429_zero\", \"blocked\", $text_only, \"ok\"]}"
gimp_run "$work/sf-errors.log" key errors || fail_setup "gimp-console-2.10 (errors) ended with status $? (see $work/sf-errors.log)"
control '{"scenario": "ok", "queue": []}'

# 3. no key anywhere
gimp_run "$work/sf-keys.log" nokey keys || fail_setup "gimp-console-2.10 (keys) ended with status $? (see $work/sf-keys.log)"

# 4. the key in the 2.10 profile's file (as API Key… stores it without a
# keyring), then Forget API Key
( umask 077; printf '%s\n' "$key" >"$work/profile/gemini-api-key" )
gimp_run "$work/sf-key-file.log" nokey key-file || fail_setup "gimp-console-2.10 (key-file) ended with status $? (see $work/sf-key-file.log)"
[ -e "$work/profile/gemini-api-key" ] && echo present >"$work/key-file-left" || rm -f "$work/key-file-left"

# 5. placement forced to fail: the paid answer goes to the recovery folder
GG_FAIL_PLACE=1 gimp_run "$work/sf-recovery.log" key recovery || fail_setup "gimp-console-2.10 (recovery) ended with status $? (see $work/sf-recovery.log)"
control '{"scenario": "ok", "queue": []}'

# 6. the plug-in killed mid-request, as GIMP does when its progress is
# cancelled: the killer (tests/gimp/checks.py) finds it connected to the
# server, reads every argv for the key, kills it and times its end.
control '{"scenario": "ok", "queue": [{"scenario": "slow", "params": {"delay": 20}}, "ok"]}'
# The phase, its signal and the server's log length before the run (the
# killer looks for this run's request after it).
first=$("$python" -c 'import json, sys, urllib.request
print(json.load(urllib.request.urlopen("http://127.0.0.1:%s/_control/state" % sys.argv[1], timeout=10))["requests"])' "$port") \
  || fail_setup "could not read the fake server's state"
echo "think TERM ${first:-0}" >"$work/out/cancel-phase"
GG_GIMP_TEST_KEY="$key" "$python" "$g3checks" killer "$work" "$port" >"$work/killer.log" 2>&1 &
killer_pid=$!
gimp_run "$work/sf-cancel.log" key cancel || fail_setup "gimp-console-2.10 (cancel) ended with status $? (see $work/sf-cancel.log)"
echo done >"$work/out/cancel-phase"
wait "$killer_pid" || fail_setup "the killer failed (see $work/killer.log)"
control '{"scenario": "ok", "queue": []}'

# 6b. "The whole change is one undo step": GIMP 2.10 with a window, under
# Xvfb; after an edit the host presses Ctrl+Z once and the image must be
# exactly as before (layers, masks, pixels, parasites, selection):
# tests/gimp/undo.py drives tests/gimp2/undo.scm.
undo_work="$work/undo"
mkdir -p "$undo_work/profile" "$undo_work/out"
cp -r "$work/profile/plug-ins" "$undo_work/profile/"
printf '(plug-in-path "%s/profile/plug-ins:%s/plug-ins")\n' "$undo_work" \
  "$(pkg-config --variable=gimplibdir gimp-2.0)" >"$undo_work/profile/gimprc"
undo_held=$("$python" "$src/tests/gimp/undo.py" --count) || undo_held=1
control '{"scenario": "ok", "queue": []}'
unset GOOGLE_API_KEY
# The key by environment (judge is a function: it never reaches an argv).
GIMP2_DIRECTORY="$undo_work/profile" HOME="$work/home" GOOGLE_GEMINI_BASE_URL="$base" \
GEMINI_API_KEY="$key" GG_GIMP_TIMEOUT="$gimp_timeout" \
  judge undo "$undo_held" "$python" "$src/tests/gimp/undo.py" 2.10 "$undo_work" -- gimp-2.10 --no-splash \
    -b "(define gg-src \"$src\") (define gg-in \"$work/in\") (define gg-out \"$undo_work/out\") (define gg-sync \"$undo_work/sync\") (load \"$src/tests/gimp2/undo.scm\")" \
    -b '(gimp-quit 1)'
control '{"scenario": "ok", "queue": []}'

# 7. cross-version: GIMP 3 refines the .xcf edited and refined in 2.10
"$python" "$g3checks" log "$port" "$work/server-log-2.json" || fail_setup "could not read the server's log"
cross_ok=0
if pkg-config --exists gimp-3.0 gimpui-3.0 2>/dev/null && command -v gimp-console-3.0 >/dev/null; then
  inside() {
    local vars=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
    ( [ ${#vars[@]} -eq 0 ] || export "${vars[@]}"; exec "$@" )
  }
  cross_ok=1
else
  case "$out/" in
    "$src"/*) cross_ok=1 ;;
    *) fail_setup "GG_TEST_OUT ($out) must be inside the checkout ($src): only the checkout is visible in the GIMP 3 root" ;;
  esac
  if [ "$cross_ok" = 1 ] && ! "$src/tests/gimp3-root.sh" ensure >"$out/gimp2-gimp3-root.log" 2>&1; then
    fail_setup "GIMP 3 is not installed and the Debian 13 root could not be made: $(tail -3 "$out/gimp2-gimp3-root.log" | tr '\n' ' ')"
    cross_ok=0
  fi
  inside() {
    local vars=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
    ( [ ${#vars[@]} -eq 0 ] || export "${vars[@]}"; exec "$src/tests/gimp3-root.sh" run "$src" "$@" )
  }
fi
# The GIMP 3 plug-in's folder in its build tree (plugin/gimp3/, or plugin/
# before the two front ends sat side by side).
plugin3=""
if [ "$cross_ok" = 1 ]; then
  echo "gimp2 tests: building the GIMP 3 plug-in for the cross-version check" >&2
  if inside cmake -S "$src" -B "$build3" -DGG_WERROR=ON -DGG_TEST_HOOKS=ON -DCMAKE_BUILD_TYPE=Debug \
       >"$out/gimp2-gimp3-configure.log" 2>&1 &&
     inside cmake --build "$build3" -j2 --target gimp-gemini >"$out/gimp2-gimp3-build.log" 2>&1; then
    for dir in "$build3/plugin/gimp3/plug-ins/gimp-gemini" "$build3/plugin/plug-ins/gimp-gemini"; do
      [ -x "$dir/gimp-gemini" ] && { plugin3=$dir; break; }
    done
  fi
  if [ -z "$plugin3" ]; then
    fail_setup "the GIMP 3 plug-in could not be built for the cross-version check (see $out/gimp2-gimp3-*.log)"
    cross_ok=0
  fi
fi
if [ "$cross_ok" = 1 ]; then
  mkdir -p "$work/profile3/plug-ins"
  cp -r "$plugin3" "$work/profile3/plug-ins/"
  sys3="$(inside pkg-config --variable=gimplibdir gimp-3.0 2>/dev/null | tail -1)/plug-ins"
  printf '(plug-in-path "%s/profile3/plug-ins:%s")\n' "$work" "$sys3" >"$work/profile3/gimprc"
  control '{"scenario": "ok", "queue": []}'
  inside GIMP3_DIRECTORY="$work/profile3" HOME="$work/home" GOOGLE_GEMINI_BASE_URL="$base" \
    GG_GIMP_IN="$work/in" GG_GIMP_OUT="$work/out" GG_GIMP_PART=lib GEMINI_API_KEY="$key" \
    timeout "$gimp_timeout" gimp-console-3.0 -i --batch-interpreter=python-fu-eval \
    -b "exec(open('$src/tests/gimp/pdb.py').read()); exec(open('$src/tests/gimp2/cross3.py').read())" \
    -b "Gimp.get_pdb().lookup_procedure('gimp-quit').run(Gimp.get_pdb().lookup_procedure('gimp-quit').create_config())" \
    >"$work/cross3.log" 2>&1 || fail_setup "gimp-console-3.0 (cross-version) ended with status $? (see $work/cross3.log)"
  # ... and back: 2.10 refines what GIMP 3 refined.
  "$python" "$g3checks" log "$port" "$work/server-log-3.json" || fail_setup "could not read the server's log"
  gimp_run "$work/sf-back.log" key back || fail_setup "gimp-console-2.10 (back) ended with status $? (see $work/sf-back.log)"
fi

touch "$work/scan-stop"
wait "$scan_pid" || fail_setup "the argv scan failed"
scan_pid=""

"$python" "$g3checks" log "$port" "$work/server-log.json" || fail_setup "could not read the server's log"

# The engine's own sentences for the error scenarios, from the CLI.
for scenario in error_429_zero blocked text_only; do
  if [ "$scenario" = text_only ]; then
    control "{\"scenario\": \"ok\", \"queue\": [$text_only]}"
  else
    control "{\"scenario\": \"$scenario\", \"queue\": []}"
  fi
  GEMINI_API_KEY="$key" GOOGLE_GEMINI_BASE_URL="$base" \
    "$cli" generate --prompt "a red kite" --output "$work/out/cli-$scenario.png" \
    >/dev/null 2>"$work/cli-$scenario.txt"
done
control '{"scenario": "ok", "queue": []}'

echo "gimp2 tests: GIMP ran for $(( $(date +%s) - t0 )) s" >&2
held=$(GG_CROSS="$cross_ok" "$python" "$checks" --count) \
  || { fail_setup "checks.py --count failed: its registry is broken"; held=1; }
GG_GIMP_TEST_KEY="$key" GG_CROSS="$cross_ok" judge checks.py "$held" "$python" "$checks" "$work"
finish
