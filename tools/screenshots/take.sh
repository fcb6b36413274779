#!/usr/bin/env bash
# Retakes the README's screenshots from a real GIMP 3 under Xvfb.
#
#   tools/screenshots/take.sh [OUTDIR]      (default: docs/images)
#
# Builds the plug-in (natively when libgimp-3.0 is installed, else inside the
# Debian 13 root of tests/gimp3-root.sh, as tests/gimp/run.sh does), draws
# the input picture (scene.py), starts Xvfb with openbox, the fake Gemini
# server (tests/fake_gemini) and GIMP with a private profile; drive.py,
# inside GIMP, opens each dialog and makes the selection edit, and shoot.py,
# on the host, finds the windows by title with xdotool, grabs them with xwd
# and writes the cropped, optimised PNGs into OUTDIR.  Prints "PASS name"
# or "FAIL name: why" per picture and per check of the edit shown, then
# "N passed, N failed"; a missing tool, build or window is one FAIL with one
# sentence saying which, and a non-zero exit.
# GG_SHOTS_WORK: where the build and the run's files go (default
# build-shots/ in the checkout).
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$src/docs/images}
work=${GG_SHOTS_WORK:-$src/build-shots}
python=/usr/bin/python3
here="$src/tools/screenshots"

# Before shoot.py runs, a failure is one verdict line and the summary line
# that tests/run.sh reads; shoot.py prints its own.
die() { echo "take.sh: $*" >&2; echo "FAIL setup: $*"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p "$out" "$work" || die "cannot create $out or $work"
out=$(cd "$out" && pwd)
work=$(cd "$work" && pwd)
build="$work/gimp3"
run="$work/run"

# --- the host's tools
missing=()
for tool in Xvfb openbox xdotool xwd xwininfo xprop xwdtopnm; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] \
  || die "missing: ${missing[*]} (apt-get install xvfb openbox xdotool x11-apps x11-utils netpbm)"
"$python" -c 'import PIL, numpy, scipy' 2>/dev/null \
  || die "/usr/bin/python3 needs Pillow, numpy and scipy (apt-get install python3-pil python3-numpy python3-scipy)"

# --- where GIMP 3 is: here, or in the Debian 13 root
if pkg-config --exists gimp-3.0 gimpui-3.0 2>/dev/null && command -v gimp-3.0 >/dev/null; then
  inside() {
    local vars=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
    ( [ ${#vars[@]} -eq 0 ] || export "${vars[@]}"; exec "$@" )
  }
  where="this host"
else
  case "$work/" in
    "$src"/*) ;;
    *) die "GG_SHOTS_WORK ($work) must be inside the checkout ($src): only the checkout is visible in the GIMP 3 root" ;;
  esac
  "$src/tests/gimp3-root.sh" ensure >"$work/gimp3-root.log" 2>&1 \
    || die "GIMP 3 is not installed and the Debian 13 root could not be made: $(tail -3 "$work/gimp3-root.log" | tr '\n' ' ')"
  # VAR=value words go through the environment (the key never in argv).
  # The root's private /tmp hides the X socket's file, but Xvfb also listens
  # on an abstract socket, which a mount namespace does not hide.
  inside() {
    local vars=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
    ( [ ${#vars[@]} -eq 0 ] || export "${vars[@]}"; exec "$src/tests/gimp3-root.sh" run "$src" "$@" )
  }
  where="the Debian 13 root"
fi

t0=$(date +%s)
echo "take.sh: building the plug-in in $where" >&2
inside cmake -S "$src" -B "$build" -DGG_WERROR=ON -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" 2>&1 \
  || die "cmake configure failed (see $work/configure.log)"
grep -q '^GIMP_FOUND:INTERNAL=1' "$build/CMakeCache.txt" \
  || die "pkg-config did not find gimp-3.0 in $where: the plug-in is not built"
inside cmake --build "$build" -j2 --target gimp-gemini >"$work/build.log" 2>&1 \
  || die "the build failed: $(grep -m3 -E 'error|Error' "$work/build.log" | tr '\n' ' ')"
plugin_dir="$build/plugin/plug-ins/gimp-gemini"
[ -x "$plugin_dir/gimp-gemini" ] || die "no plug-in binary at $plugin_dir"

pids=()
gimp_pgid=""
cleanup() {
  if [ -n "$gimp_pgid" ]; then
    # GIMP's plug-ins outlive a TERM to GIMP: the whole group, then KILL.
    kill -- "-$gimp_pgid" 2>/dev/null
    sleep 2
    kill -KILL -- "-$gimp_pgid" 2>/dev/null
  fi
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT

# --- a private profile; no welcome dialog (shown once per GIMP version)
rm -rf "$run"
mkdir -p "$run/profile/plug-ins" "$run/home" "$run/sync"
cp -r "$plugin_dir" "$run/profile/plug-ins/"
version=$(inside gimp-console-3.0 --version 2>/dev/null | sed -n 's/.*version \([0-9.]*\).*/\1/p' | tail -1)
[ -n "$version" ] || die "gimp-console-3.0 --version said nothing in $where"
sys_plugins="$(inside pkg-config --variable=gimplibdir gimp-3.0 2>/dev/null | tail -1)/plug-ins"
cat >"$run/profile/gimprc" <<EOF
(plug-in-path "$run/profile/plug-ins:$sys_plugins")
(show-welcome-dialog no)
(config-version "$version")
EOF
"$python" "$here/scene.py" "$run/scene.png" || die "scene.py could not draw the input picture"

# --- the fake Gemini server, with a key no one could guess, passed by
# environment as tests/gimp/run.sh does
key="gg-shots-key-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
GG_SERVER_KEY="$key" "$python" -c 'import os, runpy, sys
sys.argv = [sys.argv[1], "--key", os.environ.pop("GG_SERVER_KEY")] + sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")' \
  "$src/tests/fake_gemini/server.py" --port 0 --port-file "$run/port" \
  --quiet >"$run/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$run/port" ] && break; sleep 0.1; done
[ -s "$run/port" ] || die "the fake server did not start (see $run/server.log)"
base="http://127.0.0.1:$(cat "$run/port")"

# --- Xvfb on a free display (it writes the number it took), no TCP
exec 5>"$run/display"
Xvfb -displayfd 5 -screen 0 1600x1200x24 -nolisten tcp >"$run/xvfb.log" 2>&1 &
pids+=($!)
exec 5>&-
for _ in $(seq 100); do [ -s "$run/display" ] && break; sleep 0.1; done
[ -s "$run/display" ] || die "Xvfb did not start (see $run/xvfb.log)"
export DISPLAY=":$(tr -d '\n' <"$run/display")"
openbox >"$run/openbox.log" 2>&1 &
pids+=($!)

# --- GIMP, in its own process group so that it can be ended whole.
# In English whatever the user's locale: the README's pictures are
# (LC_ALL wins over LANG and LC_*; an empty LANGUAGE counts as unset).
echo "take.sh: GIMP 3 on $DISPLAY" >&2
set -m    # a background job gets a process group of its own
inside DISPLAY="$DISPLAY" NO_AT_BRIDGE=1 GIMP3_DIRECTORY="$run/profile" HOME="$run/home" \
  LC_ALL=C.UTF-8 LANGUAGE= \
  GEMINI_API_KEY="$key" GOOGLE_GEMINI_BASE_URL="$base" \
  GG_SHOTS_SYNC="$run/sync" GG_SHOTS_SCENE="$run/scene.png" \
  gimp-3.0 --no-splash --no-fonts --batch-interpreter=python-fu-eval \
  -b "exec(open('$here/drive.py').read())" \
  -b "q = Gimp.get_pdb().lookup_procedure('gimp-quit'); c = q.create_config(); c.set_property('force', True); q.run(c)" \
  >"$run/gimp.log" 2>&1 &
gimp_pgid=$!
set +m
echo "$gimp_pgid" >"$run/gimp.pid"

GG_SHOTS_GIMP_PID="$run/gimp.pid" "$python" "$here/shoot.py" "$run/sync" "$out" "$run/scene.png"
status=$?

# GIMP quits by itself once drive.py is done.
for _ in $(seq 300); do kill -0 "$gimp_pgid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$gimp_pgid" 2>/dev/null; then
  echo "take.sh: GIMP did not quit; ending it" >&2
else
  gimp_pgid=""
fi
if [ $status -ne 0 ]; then
  echo "take.sh: no complete set of screenshots (see $run/gimp.log)" >&2
  exit 1
fi
echo "take.sh: pictures in $out, in $(( $(date +%s) - t0 )) s" >&2
