#!/usr/bin/env bash
# The GIMP 3 plug-in in real GIMP 3, headless, against the fake Gemini server.
#
#   tests/gimp/run.sh      (GG_TEST_OUT: where builds and outputs go,
#                           default build-tests/ in the checkout)
#
# Builds the plug-in (natively when libgimp-3.0 is installed, else inside the
# Debian 13 root of tests/gimp3-root.sh), starts tests/fake_gemini/server.py
# on the host's loopback, makes a private GIMP profile whose plug-in-path
# holds the fresh build, runs gimp-console-3.0 six times (Script-Fu: the
# edits, generations and a refine; Python-Fu: errors; Python-Fu without a
# key; Python-Fu: conversations, answers, references, variations;
# Python-Fu with the plug-in's placement test hook: the recovery folder;
# Python-Fu: the plug-in killed mid-request) and judges the outputs with
# tests/gimp/checks.py; meanwhile every process's argv is read for the key.
# Prints "PASS name" or "FAIL name: why" per check (and, on stderr, the
# measured cancel times) and a last line "N passed, N failed, N skipped";
# exits non-zero on any failure, when a judge dies or when fewer checks
# reported than checks.py's registry holds (tests/gimp/verdicts.sh).  A missing GIMP 3 or fake server is a failure,
# never a skip.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
out=${GG_TEST_OUT:-$src/build-tests}
mkdir -p "$out"
out=$(cd "$out" && pwd)
build="$out/gimp3"
work="$out/gimp-run"
python=/usr/bin/python3
checks="$src/tests/gimp/checks.py"
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

# --- where GIMP 3 is: here, or in the Debian 13 root
if pkg-config --exists gimp-3.0 gimpui-3.0 2>/dev/null && command -v gimp-console-3.0 >/dev/null; then
  inside() {
    local vars=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
    ( [ ${#vars[@]} -eq 0 ] || export "${vars[@]}"; exec "$@" )
  }
  gimp_gui=(gimp-3.0)
  where="this host"
else
  case "$out/" in
    "$src"/*) ;;
    *) fail_setup "GG_TEST_OUT ($out) must be inside the checkout ($src): only the checkout is visible in the GIMP 3 root"
       finish ;;
  esac
  if ! "$src/tests/gimp3-root.sh" ensure >"$out/gimp3-root.log" 2>&1; then
    fail_setup "GIMP 3 is not installed and the Debian 13 root could not be made: $(tail -3 "$out/gimp3-root.log" | tr '\n' ' ')"
    finish
  fi
  # Leading VAR=value words go into the environment, which the root's
  # runner passes through (never argv: one of them is the key).
  inside() {
    local vars=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
    # export is a builtin: the values never reach any process's argv.
    ( [ ${#vars[@]} -eq 0 ] || export "${vars[@]}"; exec "$src/tests/gimp3-root.sh" run "$src" "$@" )
  }
  gimp_gui=("$src/tests/gimp3-root.sh" run "$src" gimp-3.0)
  where="the Debian 13 root"
fi

"$python" -c 'import PIL' 2>/dev/null \
  || { fail_setup "/usr/bin/python3 with Pillow is missing (apt-get install python3-pil)"; finish; }
[ -f "$src/tests/fake_gemini/server.py" ] \
  || { fail_setup "the fake Gemini server tests/fake_gemini/server.py is missing"; finish; }

# --- build
echo "gimp tests: building the plug-in in $where" >&2
if ! inside cmake -S "$src" -B "$build" -DGG_WERROR=ON -DGG_TEST_HOOKS=ON -DCMAKE_BUILD_TYPE=Debug >"$out/gimp3-configure.log" 2>&1; then
  fail_setup "cmake configure failed (see $out/gimp3-configure.log)"; finish
fi
if ! grep -q '^GIMP_FOUND:INTERNAL=1' "$build/CMakeCache.txt"; then
  fail_setup "pkg-config did not find gimp-3.0 in $where: the plug-in is not built"; finish
fi
if ! inside cmake --build "$build" -j4 --target gimp-gemini gemini-image >"$out/gimp3-build.log" 2>&1; then
  fail_setup "the build failed: $(grep -m3 -E 'error|Error' "$out/gimp3-build.log" | tr '\n' ' ')"; finish
fi
plugin_dir="$build/plugin/plug-ins/gimp-gemini"
[ -x "$plugin_dir/gimp-gemini" ] || { fail_setup "no plug-in binary at $plugin_dir"; finish; }
cli="$build/cli/gemini-image"

# --- a private profile
rm -rf "$work"
mkdir -p "$work/profile/plug-ins" "$work/home" "$work/out" "$work/in"
cp -r "$plugin_dir" "$work/profile/plug-ins/"
sys_plugins="$(inside pkg-config --variable=gimplibdir gimp-3.0 2>/dev/null | tail -1)/plug-ins"
printf '(plug-in-path "%s/profile/plug-ins:%s")\n' "$work" "$sys_plugins" >"$work/profile/gimprc"
"$python" "$checks" prepare "$work/in" || { fail_setup "could not write the input pictures"; finish; }

# --- the fake server, on the host, with a key no one could guess
key="gg-gimp-test-key-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
# The server learns the key from its environment, so that no process of
# the run has the key in its argv (key-not-in-argv reads them all).
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
control() { "$python" "$checks" control "$port" "$1"; }

# Runs gimp-console-3.0 with the private profile.  $1: log file, $2: with or
# without the key, $3: interpreter, then the batch commands.
gimp_run() {
  local log=$1 keyvar=$2 interp=$3; shift 3
  local batch=() b
  for b in "$@"; do batch+=(-b "$b"); done
  local env=(GIMP3_DIRECTORY="$work/profile" HOME="$work/home"
             GOOGLE_GEMINI_BASE_URL="$base" GG_GIMP_IN="$work/in" GG_GIMP_OUT="$work/out"
             GG_GIMP_PART="${GG_GIMP_PART:-}" GG_GIMP_TEST_KEY="$key"
             GIMP_GEMINI_TEST_FAIL_PLACE="${GG_FAIL_PLACE:-}")
  [ "$keyvar" = key ] && env+=(GEMINI_API_KEY="$key")
  inside "${env[@]}" timeout "$gimp_timeout" gimp-console-3.0 -i --batch-interpreter="$interp" \
    "${batch[@]}" >"$log" 2>&1
}

t0=$(date +%s)

# Every process's argv, read five times a second while GIMP runs.
rm -f "$work/scan-stop"
GG_GIMP_TEST_KEY="$key" "$python" "$checks" scan-argv "$work" &
scan_pid=$!

# GG_GIMP_PARTS="placement files" runs only those part files (quick
# iteration on one group); unset, everything runs.
only_parts=${GG_GIMP_PARTS:-}
if [ -z "$only_parts" ]; then

# 1. Script-Fu: generate and edit, every kind of image; the server says ok.
control '{"scenario": "ok", "queue": []}'
gimp_run "$work/script-fu.log" key plug-in-script-fu-eval \
  "(script-fu-use-v3) (define gg-in \"$work/in\") (define gg-out \"$work/out\") (load \"$src/tests/gimp/edit.scm\")" \
  '(gimp-quit 0)' || fail_setup "gimp-console (Script-Fu) ended with status $? (see $work/script-fu.log)"

# 2. Python-Fu: error answers leave the image as it was.
# text_only says fixed words: by default it echoes the prompt, which the
# edit wraps (gg_prompt_edit) and the CLI's generate does not.
text_only='{"scenario": "text_only", "params": {"text": "I would rather describe it: a kite."}}'
control "{\"scenario\": \"ok\", \"queue\": [\"ok\", \"error_429_zero\", \"blocked\", $text_only, \"ok\"]}"
GG_GIMP_PART=errors gimp_run "$work/python-errors.log" key python-fu-eval \
  "exec(open('$src/tests/gimp/pdb.py').read())" \
  "Gimp.get_pdb().lookup_procedure('gimp-quit').run(Gimp.get_pdb().lookup_procedure('gimp-quit').create_config())" \
  || fail_setup "gimp-console (Python-Fu) ended with status $? (see $work/python-errors.log)"

# 3. Python-Fu without any key.
GG_GIMP_PART=nokey gimp_run "$work/python-nokey.log" nokey python-fu-eval \
  "exec(open('$src/tests/gimp/pdb.py').read())" \
  "Gimp.get_pdb().lookup_procedure('gimp-quit').run(Gimp.get_pdb().lookup_procedure('gimp-quit').create_config())" \
  || fail_setup "gimp-console (Python-Fu, no key) ended with status $? (see $work/python-nokey.log)"

# 4. Python-Fu: refine across save and reopen, what an answer holds,
# references, variations (pdb.py sets the server's scenarios itself).
control '{"scenario": "ok", "queue": []}'
GG_GIMP_PART=conversation gimp_run "$work/python-conversation.log" key python-fu-eval \
  "exec(open('$src/tests/gimp/pdb.py').read())" \
  "Gimp.get_pdb().lookup_procedure('gimp-quit').run(Gimp.get_pdb().lookup_procedure('gimp-quit').create_config())" \
  || fail_setup "gimp-console (Python-Fu, conversation) ended with status $? (see $work/python-conversation.log)"
control '{"scenario": "ok", "queue": []}'

# 5. Python-Fu: placement forced to fail by the plug-in's test hook
# (GIMP_GEMINI_TEST_FAIL_PLACE=1): the paid images go to the recovery folder.
GG_FAIL_PLACE=1 GG_GIMP_PART=recovery gimp_run "$work/python-recovery.log" key python-fu-eval \
  "exec(open('$src/tests/gimp/pdb.py').read())" \
  "Gimp.get_pdb().lookup_procedure('gimp-quit').run(Gimp.get_pdb().lookup_procedure('gimp-quit').create_config())" \
  || fail_setup "gimp-console (Python-Fu, recovery) ended with status $? (see $work/python-recovery.log)"
control '{"scenario": "ok", "queue": []}'

# 6. Python-Fu: the plug-in killed mid-request, as GIMP does when its
# progress is cancelled; the killer (on the host) times it, and reads every
# process's argv while the request is in flight.
rm -f "$work/out/cancel-phase" "$work/killer.json"
GG_GIMP_TEST_KEY="$key" "$python" "$checks" killer "$work" "$port" >"$work/killer.log" 2>&1 &
killer_pid=$!
GG_GIMP_PART=cancel gimp_run "$work/python-cancel.log" key python-fu-eval \
  "exec(open('$src/tests/gimp/pdb.py').read())" \
  "import os; os.environ['GG_GIMP_PART'] = 'cancel-next'; exec(open('$src/tests/gimp/pdb.py').read())" \
  "Gimp.get_pdb().lookup_procedure('gimp-quit').run(Gimp.get_pdb().lookup_procedure('gimp-quit').create_config())" \
  || fail_setup "gimp-console (Python-Fu, cancel) ended with status $? (see $work/python-cancel.log)"
echo done >"$work/out/cancel-phase"
wait "$killer_pid" || fail_setup "the killer failed (see $work/killer.log)"
control '{"scenario": "ok", "queue": []}'

# The server's log of the groups above, before the parts add theirs (one
# part sends the key inside a prompt on purpose, to show that the prompt
# history refuses it).
"$python" "$checks" log "$port" "$work/server-log.json" || fail_setup "could not read the server's log"
fi

# 7. The part files: one group of checks each (see checks.py's docstring).
for part in "$src"/tests/gimp/part_*.py; do
  [ -e "$part" ] || continue
  name=$(basename "$part" .py)
  if [ -n "$only_parts" ] && [[ " $only_parts " != *" ${name#part_} "* ]]; then continue; fi
  control '{"scenario": "ok", "queue": []}'
  GG_GIMP_PART=lib gimp_run "$work/$name.log" key python-fu-eval \
    "exec(open('$src/tests/gimp/pdb.py').read()); run_part('$part')" \
    "Gimp.get_pdb().lookup_procedure('gimp-quit').run(Gimp.get_pdb().lookup_procedure('gimp-quit').create_config())" \
    || fail_setup "gimp-console ($name) ended with status $? (see $work/$name.log)"
  # A part's host_check may report any number of checks: at least one.
  judge "$name" 1 "$python" "$checks" part "$part" "$work" "$work/$name.log"
done
control '{"scenario": "ok", "queue": []}'

# 8. "The whole change is one undo step": GIMP 3 with a window, under Xvfb;
# after an edit the host presses Ctrl+Z once and the image must be exactly
# as before (layers, masks, pixels, parasites, selection): tests/gimp/undo.py
# drives tests/gimp/undo3.py.  GG_GIMP_PARTS="undo" runs it alone.
if [ -z "$only_parts" ] || [[ " $only_parts " == *" undo "* ]]; then
  undo_work="$work/undo"
  mkdir -p "$undo_work/profile" "$undo_work/out"
  cp -r "$work/profile/plug-ins" "$undo_work/profile/"
  gimp_version=$(inside gimp-console-3.0 --version 2>/dev/null | sed -n 's/.*version \([0-9.]*\).*/\1/p' | tail -1)
  printf '(plug-in-path "%s/profile/plug-ins:%s")\n(show-welcome-dialog no)\n(config-version "%s")\n' \
    "$undo_work" "$sys_plugins" "$gimp_version" >"$undo_work/profile/gimprc"
  undo_held=$("$python" "$src/tests/gimp/undo.py" --count) || undo_held=1
  # The key and the rest by environment (judge is a function: they reach
  # undo.py and GIMP, never an argv).
  GIMP3_DIRECTORY="$undo_work/profile" HOME="$work/home" GOOGLE_GEMINI_BASE_URL="$base" \
  GG_GIMP_IN="$work/in" GG_GIMP_OUT="$undo_work/out" GG_GIMP_PART=lib GEMINI_API_KEY="$key" \
  LC_ALL=C.UTF-8 GG_GIMP_TIMEOUT="$gimp_timeout" \
    judge undo "$undo_held" "$python" "$src/tests/gimp/undo.py" 3 "$undo_work" -- "${gimp_gui[@]}" \
      --no-splash --batch-interpreter=python-fu-eval \
      -b "exec(open('$src/tests/gimp/pdb.py').read()); exec(open('$src/tests/gimp/undo3.py').read())" \
      -b "q = Gimp.get_pdb().lookup_procedure('gimp-quit'); c = q.create_config(); c.set_property('force', True); q.run(c)"
  control '{"scenario": "ok", "queue": []}'
fi

touch "$work/scan-stop"
wait "$scan_pid" || fail_setup "the argv scan failed"
scan_pid=""
if [ -n "$only_parts" ]; then
  echo "gimp tests: only the parts $only_parts" >&2
  finish
fi


# The engine's own sentences for the error scenarios, from the CLI.
for scenario in error_429_zero blocked text_only; do
  if [ "$scenario" = text_only ]; then
    control "{\"scenario\": \"ok\", \"queue\": [$text_only]}"
  else
    control "{\"scenario\": \"$scenario\", \"queue\": []}"
  fi
  inside GEMINI_API_KEY="$key" GOOGLE_GEMINI_BASE_URL="$base" \
    "$cli" generate --prompt "a red kite" --output "$work/out/cli-$scenario.png" \
    >/dev/null 2>"$work/cli-$scenario.txt"
done
control '{"scenario": "ok", "queue": []}'

echo "gimp tests: GIMP ran for $(( $(date +%s) - t0 )) s" >&2
held=$("$python" "$checks" count) || { fail_setup "checks.py count failed: its registry is broken"; held=1; }
GG_GIMP_TEST_KEY="$key" judge checks.py "$held" "$python" "$checks" check "$work"
finish
