#!/usr/bin/env bash
# The issue-7 benchmark, GIMP side: a 4K layer edit in real GIMP 3, headless,
# timed from the procedure call to the layer inserted, against the fake
# server in --instant mode, minus a no-op baseline; and the plug-in
# process's peak memory.
#
#   tests/bench/gimp-bench.sh          (about 2-4 minutes after the first build)
#
# Environment (all optional):
#   RUNS=5             timed runs per case, after one warm-up run each
#   GG_BENCH_OUT=DIR   builds and outputs (default build-bench-gimp/ in the
#                      checkout; inside the checkout: only the checkout is
#                      visible in the GIMP 3 root)
#   BUILD_TYPE=RelWithDebInfo   the plug-in's build type (the default one)
#   BENCH_MAX_LOAD=X   wait (up to BENCH_WAIT s, default 600) for the 1-min
#                      load average to drop below X before measuring
#
# How (as tests/gimp/run.sh): the plug-in is built and GIMP runs natively
# when libgimp-3.0 is installed, else inside the Debian 13 root of
# tests/gimp3-root.sh; the fake server runs on the host.  GIMP runs
# gimp-bench.py (Python-Fu): it loads a 4096x4096 RGB picture (the server's
# own 4K answer) and calls, interleaved, after one warm-up each:
#   baseline           gimp-drawable-get-width (a cheap core procedure,
#                      called the same way: the no-op)
#   edit 4K            plug-in-gemini-edit, no selection, 3 Pro, 4K
#   edit 4K selection  the same with a 2600x1700 rectangle selected
# and removes the new layer after each.  Meanwhile gimp-host.py samples
# every gimp-gemini process's VmHWM from /proc (the root shares the PID
# namespace).  The server's log says when each request arrived and what was
# sent (format, size, dimensions), which splits each call into: before the
# request (GIMP pixels, plan, encode), and after the answer (download,
# decode, placement, layer).  upload.c then re-encodes the source the way
# the plug-in does and checks the bytes against what the server received:
# JPEG quality, size, encode time, PSNR; and place.c times the placement
# step by step with the engine's functions on the host.
#
# Outputs: the table on stdout; tests/bench/results/gimp.csv and
# gimp-summary.txt; GG_BENCH_OUT/run/ (logs, samples.json, calls.json).
# Exit status 1 when the target (overhead <= 1.5 s) is missed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$HERE/../.." && pwd)
out=${GG_BENCH_OUT:-$src/build-bench-gimp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
build="$out/gimp3"
work="$out/run"
RESULTS=$HERE/results
RUNS=${RUNS:-5}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
python=/usr/bin/python3
KEY=fake-key-for-tests
MODEL=gemini-3-pro-image

say() { printf '%s\n' "$*" >&2; }
die() { say "gimp-bench: $*"; exit 2; }

server_pid="" sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && { touch "$work/sample-stop"; wait "$sampler_pid" 2>/dev/null; }
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
}
trap cleanup EXIT

# --- where GIMP 3 is (the same logic as tests/gimp/run.sh)
if pkg-config --exists gimp-3.0 gimpui-3.0 2>/dev/null && command -v gimp-console-3.0 >/dev/null; then
  inside() {
    local vars=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
    ( [ ${#vars[@]} -eq 0 ] || export "${vars[@]}"; exec "$@" )
  }
  where="this host"
else
  case "$out/" in
    "$src"/*) ;;
    *) die "GG_BENCH_OUT ($out) must be inside the checkout ($src)" ;;
  esac
  "$src/tests/gimp3-root.sh" ensure >"$out/gimp3-root.log" 2>&1 \
    || die "no GIMP 3 here and the Debian 13 root could not be made (see $out/gimp3-root.log)"
  inside() {
    local vars=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
    ( [ ${#vars[@]} -eq 0 ] || export "${vars[@]}"; exec "$src/tests/gimp3-root.sh" run "$src" "$@" )
  }
  where="the Debian 13 root"
fi
"$python" -c 'import PIL' 2>/dev/null || die "/usr/bin/python3 with Pillow is missing (the fake server needs it)"

# --- build the plug-in (and the CLI) in $BUILD_TYPE
say "== building the plug-in ($BUILD_TYPE) in $where"
inside cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >"$out/configure.log" 2>&1 \
  || die "cmake configure failed (see $out/configure.log)"
grep -q '^GIMP_FOUND:INTERNAL=1' "$build/CMakeCache.txt" || die "gimp-3.0 not found in $where"
inside cmake --build "$build" -j"$(nproc)" --target gimp-gemini >"$out/build.log" 2>&1 \
  || die "the build failed (see $out/build.log)"
plugin_dir="$build/plugin/plug-ins/gimp-gemini"
[ -x "$plugin_dir/gimp-gemini" ] || die "no plug-in binary at $plugin_dir"

say "== building upload.c and place.c (the upload check, the placement steps) on the host"
cmake -S "$src" -B "$out/host" -DCMAKE_BUILD_TYPE=Release -DGG_PLUGIN=OFF >"$out/host-configure.log" 2>&1 \
  && cmake --build "$out/host" --target ggcommon -j"$(nproc)" >"$out/host-build.log" 2>&1 \
  || die "the host build of ggcommon failed (see $out/host-build.log)"
for prog in upload place; do
  # shellcheck disable=SC2046
  cc -O2 -g -Wall -Wextra -Werror -I"$src/common" -o "$out/$prog" "$HERE/$prog.c" \
     "$out/host/common/libggcommon.a" \
     $(pkg-config --cflags --libs glib-2.0 gio-2.0 libcurl libcjson libpng libjpeg libwebp gegl-0.4) -lm \
     $(pkg-config --exists libsecret-1 && pkg-config --libs libsecret-1) \
    || die "cannot build $prog.c"
done

# --- a private profile
rm -rf "$work"
mkdir -p "$work/profile/plug-ins" "$work/home" "$work/in"
cp -r "$plugin_dir" "$work/profile/plug-ins/"
sys_plugins="$(inside pkg-config --variable=gimplibdir gimp-3.0 2>/dev/null | tail -1)/plug-ins"
printf '(plug-in-path "%s/profile/plug-ins:%s")\n' "$work" "$sys_plugins" >"$work/profile/gimprc"

# --- the fake server on the host, instant answers
"$python" "$src/tests/fake_gemini/server.py" --port 0 --port-file "$work/port" \
  --key "$KEY" --instant --quiet --warm >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || die "the fake server did not start (see $work/server.log)"
port=$(cat "$work/port")
base="http://127.0.0.1:$port"

# The input: the server's own 4K answer (a picture, not a flat colour), RGB.
gen='{"contents":[{"role":"user","parts":[{"text":"a red bicycle"}]}],"generationConfig":{"responseModalities":["TEXT","IMAGE"],"imageConfig":{"aspectRatio":"1:1","imageSize":"4K"}}}'
curl -s -f -X POST "$base/v1beta/models/$MODEL:generateContent" -H "x-goog-api-key: $KEY" \
     -H 'Content-Type: application/json' -d "$gen" -o "$work/body-4K.json" || die "no 4K answer"
"$python" - "$work/body-4K.json" "$work/in/4096x4096.png" <<'EOF' || die "could not extract the 4K picture"
import base64, json, sys
d = json.load(open(sys.argv[1]))
part = next(p for p in d['candidates'][0]['content']['parts'] if 'inlineData' in p)
open(sys.argv[2], 'wb').write(base64.b64decode(part['inlineData']['data']))
EOF
curl -s -X POST "$base/_control/reset" >/dev/null
# The fake server answers the gemini-3 family in JPEG with real-size (1-3 MB)
# thought signatures, as the service does; these benchmarks keep the PNG
# answers and small signatures their results were measured with.
curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"scenario": "ok", "params": {"format": "png", "signature_bytes": 300}}' \
  "$base/_control/scenario" >/dev/null

# --- load
if [ -n "${BENCH_MAX_LOAD:-}" ]; then
  deadline=$((SECONDS + ${BENCH_WAIT:-600}))
  while awk -v max="$BENCH_MAX_LOAD" '{exit !($1 >= max)}' /proc/loadavg && [ $SECONDS -lt $deadline ]; do
    say "   load $(cut -d' ' -f1-3 /proc/loadavg) >= $BENCH_MAX_LOAD: waiting"; sleep 15
  done
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- GIMP
rm -f "$work/sample-stop"
"$python" "$HERE/gimp-host.py" sample "$work" &
sampler_pid=$!
say "== GIMP: $RUNS runs of 3 cases after a warm-up (load $LOAD_BEFORE)"
t0=$SECONDS
inside GIMP3_DIRECTORY="$work/profile" HOME="$work/home" GOOGLE_GEMINI_BASE_URL="$base" \
  GEMINI_API_KEY="$KEY" GG_BENCH_IN="$work/in" GG_BENCH_RUNS="$RUNS" \
  G_MESSAGES_DEBUG=gimp-gemini-time \
  timeout 1200 gimp-console-3.0 -i --batch-interpreter=python-fu-eval \
  -b "exec(open('$HERE/gimp-bench.py').read())" \
  -b "Gimp.get_pdb().lookup_procedure('gimp-quit').run(Gimp.get_pdb().lookup_procedure('gimp-quit').create_config())" \
  >"$work/gimp.log" 2>&1 || say "   gimp-console ended with status $? (see $work/gimp.log)"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
say "   GIMP ran for $((SECONDS - t0)) s"
touch "$work/sample-stop"; wait "$sampler_pid"; sampler_pid=""
curl -s -f "$base/_control/log" -o "$work/server-log.json" || die "could not read the server's log"

# --- the upload: what the plug-in sent, re-made on the host and compared
sent=$("$python" - "$work/server-log.json" <<'EOF'
import json, sys
for e in json.load(open(sys.argv[1])):
    if 'generateContent' not in e.get('path', ''):
        continue
    def walk(o):
        if isinstance(o, dict):
            if isinstance(o.get('inlineData'), dict):
                d = o['inlineData'].get('data') or {}
                print(o['inlineData'].get('mimeType'), d.get('width'), d.get('height'), d.get('bytes'), d.get('sha256'))
                sys.exit(0)
            for v in o.values(): walk(v)
        elif isinstance(o, list):
            for v in o: walk(v)
    walk(e.get('body'))
EOF
)
upload=""
if [ -n "$sent" ]; then
  read -r mime sw sh sbytes ssha <<<"$sent"
  upload=$("$out/upload" "$work/in/4096x4096.png" "$sw" "$sh" "$ssha" 2>&1) || say "   upload.c failed"
fi

# --- the placement, step by step, on the host (the engine's functions as
# the plug-in calls them after the answer; the host's GEGL, not the root's)
say "== placement steps (place.c), no selection and the selection"
place_all=$("$out/place" "$work/in/4096x4096.png" "$work/in/4096x4096.png" 2>&1)
place_sel=$("$out/place" "$work/in/4096x4096.png" "$work/in/4096x4096.png" 600 900 2600 1700 2>&1)

cpus=$(nproc)
extra=$(printf '%s\n' "" "upload check (upload.c: the source re-encoded as the plug-in does, gemini_encode: scale to the plan, JPEG 4:2:0 when opaque):" "$upload" "" \
  "placement steps (place.c on the host, GEGL $(pkg-config --modversion gegl-0.4)), no selection:" "$place_all" "" \
  "the same with the 2600x1700 selection:" "$place_sel" "" \
  "Runs per case: $RUNS after one warm-up; plug-in $BUILD_TYPE; GIMP in $where; server: tests/fake_gemini --instant (on the host); CPUs: $cpus; load average before $LOAD_BEFORE, after $LOAD_AFTER.")
"$python" "$HERE/gimp-host.py" report "$work" "$RESULTS" "$extra"
status=$?
printf '%s\n' "$extra"
exit $status
