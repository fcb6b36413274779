#!/bin/bash
# The CLI benchmark (issue 17): gemini-image against Google's official
# JavaScript SDK (@google/genai) and the seed's curl | grep | cut | base64
# pipeline, side by side in one run, on real-shaped answers served as
# static bodies by the bench's own loopback server (serve.py):
#
#   png4k   a 4096x4096 noisy PNG answer (30 MB image, 40 MB body)
#   jpeg4k  a 4096x4096 JPEG answer with a C2PA-like APP11 segment and a
#           2.9 MB thoughtSignature on its text part and on its image part
#   jpeg1k  a 1408x768 JPEG answer with a 2.9 MB signature, like the
#           gemini-3-pro-image recordings
#
# each written as received by every tool, and the JPEG 4K answer also
# written as .png by gemini-image (converted).  The bodies are generated
# by bodies.py (never copied from ../shared/real-answers).
#
#   tests/bench/run.sh            # from anywhere; about 2-3 minutes
#
# Environment (all optional):
#   RUNS=7              timed runs per case (medians over them)
#   BUILD=build-bench   build directory (relative to the source root)
#   BENCH_MAX_LOAD=X    wait (up to BENCH_WAIT s, default 600) for the 1-min
#                       load average to drop below X before measuring
#   BENCH_NO_BUILD=1    skip the cmake build (use what is in BUILD)
#
# Outputs: the table and the targets on stdout; BUILD/bench/{bench.csv,
# raw.tsv}; tests/bench/results/{bench.csv,bench.png,summary.txt}; the
# README's plot, docs/bench-time.svg (plot.py).  Exit status 1 when a
# target is missed.  Nothing here is a timed test.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-build-bench}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
RUNS=${RUNS:-7}
WORK=$BUILD/bench
NODE_DIR=$BUILD/node          # npm --prefix: private, never committed
RESULTS=$HERE/results
MODEL=gemini-3-pro-image      # today's name (the static server ignores it)
KEY=fake-key-for-tests
PY=/usr/bin/python3
ANSWERS=(png4k jpeg4k jpeg1k)

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 2; }

mkdir -p "$WORK/out" "$RESULTS"
rm -f "$WORK"/out/* "$WORK/raw.tsv" "$WORK/errors.log"

# ---------------------------------------------------------------- build
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  say "== building gemini-image (Release) in $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DGG_PLUGIN=OFF >"$WORK/cmake.log" 2>&1 \
    || { tail -20 "$WORK/cmake.log"; die "cmake configure failed"; }
  cmake --build "$BUILD" --target gemini-image -j"$(nproc)" >>"$WORK/cmake.log" 2>&1 \
    || { tail -20 "$WORK/cmake.log"; die "build failed"; }
fi
CLI=$BUILD/cli/gemini-image
[ -x "$CLI" ] || die "no $CLI"
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$BUILD/CMakeCache.txt" || die "$BUILD is not a Release build"

# ---------------------------------------------------------------- peers
if [ ! -f "$NODE_DIR/node_modules/@google/genai/package.json" ]; then
  say "== npm install --prefix $NODE_DIR @google/genai"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund @google/genai >"$WORK/npm.log" 2>&1 \
    || { tail -20 "$WORK/npm.log"; die "npm install failed"; }
fi
GENAI_VERSION=$(node -p "require('$NODE_DIR/node_modules/@google/genai/package.json').version")

# ---------------------------------------------------------------- answers
say "== the answer bodies (bodies.py; generated once, kept in $WORK)"
"$PY" "$HERE/bodies.py" "$WORK" >&2 || die "bodies.py failed (python3-numpy and python3-pil are needed)"

# ---------------------------------------------------------------- load
if [ -n "${BENCH_MAX_LOAD:-}" ]; then
  deadline=$((SECONDS + ${BENCH_WAIT:-600}))
  while awk -v max="$BENCH_MAX_LOAD" '{exit !($1 >= max)}' /proc/loadavg \
        && [ $SECONDS -lt $deadline ]; do
    say "   load $(cut -d' ' -f1-3 /proc/loadavg) >= $BENCH_MAX_LOAD: waiting"
    sleep 15
  done
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- server
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
rm -f "$WORK/ports"
specs=()
for a in "${ANSWERS[@]}"; do specs+=("$a=$WORK/body-$a.json"); done
"$PY" "$HERE/serve.py" --key "$KEY" --port-file "$WORK/ports" "${specs[@]}" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/ports" ] && break; sleep 0.1; done
[ -s "$WORK/ports" ] || die "the bench server did not start (see $WORK/server.log)"
port_of() { awk -v a="$1" '$1 == a { print $2 }' "$WORK/ports"; }
unset GOOGLE_API_KEY
export GEMINI_API_KEY=$KEY GENAI_DIR=$NODE_DIR
printf '{"contents":[{"role":"user","parts":[{"text":"a red bicycle"}]}],"generationConfig":{"responseModalities":["TEXT","IMAGE"]}}' \
  >"$WORK/req.json"

# ---------------------------------------------------------------- cases
# One case: ANSWER TOOL EXT COMMAND (a bash string run by bash -c; $OUT is
# its output, $BASE the answer's server).  The seed's pipeline as its
# README gave it; the bodies are pretty-printed as Google's are
# ("data": "...", one space), and ` *` takes any spacing.
GREP_RE='"data": *"[^"]*"'
CASES=()
SEP=$'\x1f'   # commands hold '|'
add() { CASES+=("$1$SEP$2$SEP$3$SEP$4"); }
for a in "${ANSWERS[@]}"; do
  case $a in png4k) ext=png ;; *) ext=jpg ;; esac
  case $a in *1k) size=1K ;; *) size=4K ;; esac
  add "$a" "gemini-image" "$ext" \
      "GOOGLE_GEMINI_BASE_URL=\$BASE '$CLI' generate --prompt 'a red bicycle' --model $MODEL --size $size --output \"\$OUT\" -q"
  add "$a" "@google/genai" "$ext" \
      "GOOGLE_GEMINI_BASE_URL=\$BASE node '$HERE/genai.mjs' $MODEL $size 1:1 \"\$OUT\""
  add "$a" "curl|grep|cut|base64" "$ext" \
      "curl -s -X POST \"\$BASE/v1beta/models/$MODEL:generateContent\" -H 'x-goog-api-key: $KEY' -H 'Content-Type: application/json' -d @'$WORK/req.json' | grep -o '$GREP_RE' | cut -d'\"' -f4 | base64 --decode > \"\$OUT\""
done
add "jpeg4k" "gemini-image -> .png" "png" \
    "GOOGLE_GEMINI_BASE_URL=\$BASE '$CLI' generate --prompt 'a red bicycle' --model $MODEL --size 4K --output \"\$OUT\" -q"

# Runs one case once: appends "answer<TAB>tool<TAB>run<TAB>seconds<TAB>rss_kb".
# Wall time from bash's EPOCHREALTIME around /usr/bin/time (the same few ms
# of fork/exec for every tool); peak RSS from GNU time's %M, which for a
# pipeline is its largest single process (they run at once, so the
# pipeline as a whole holds up to their sum).
run_case() {
  local spec=$1 run=$2 answer tool ext cmd slug t0 t1
  answer=${spec%%"$SEP"*}; spec=${spec#*"$SEP"}
  tool=${spec%%"$SEP"*}; spec=${spec#*"$SEP"}
  ext=${spec%%"$SEP"*}; cmd=${spec#*"$SEP"}
  slug=$(tr -c 'A-Za-z0-9\n' '_' <<<"$answer-$tool")
  export OUT=$WORK/out/$slug.$ext BASE=http://127.0.0.1:$(port_of "$answer")
  rm -f "$OUT"
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -f '%M' -o "$WORK/rss" bash -c "set -o pipefail; $cmd" >/dev/null 2>>"$WORK/errors.log"; then
    die "failed: $answer / $tool (see $WORK/errors.log)"
  fi
  t1=$EPOCHREALTIME
  printf '%s\t%s\t%s\t%s\t%s\n' "$answer" "$tool" "$run" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')" "$(tail -1 "$WORK/rss")" >>"$WORK/raw.tsv"
  REPLY=$OUT
}

say "== warm-up (page cache, node's compile cache) and output check"
for spec in "${CASES[@]}"; do
  run_case "$spec" 0
  answer=${spec%%"$SEP"*}
  case $REPLY in
    *.png) ref=$WORK/answer-$answer.png ;;
    *) ref=$WORK/answer-$answer.jpg ;;
  esac
  if [ -f "$ref" ]; then
    cmp -s "$REPLY" "$ref" || die "${spec%%"$SEP"*}: $REPLY differs from the image the server sent"
  else
    # The converted one: a PNG of the JPEG's size.
    "$PY" -c "import sys; from PIL import Image; a=Image.open(sys.argv[1]); b=Image.open(sys.argv[2]); sys.exit(not (a.format == 'PNG' and a.size == b.size))" \
      "$REPLY" "$WORK/answer-$answer.jpg" || die "$REPLY is not the answer converted to PNG"
  fi
done
say "   every tool wrote exactly the image the server sent (the converted one: a PNG of its size)"
: >"$WORK/raw.tsv"

say "== $RUNS runs of ${#CASES[@]} cases, interleaved (load $(cut -d' ' -f1-3 /proc/loadavg))"
for run in $(seq "$RUNS"); do
  for spec in "${CASES[@]}"; do run_case "$spec" "$run"; done
  say "   run $run/$RUNS done (load $(cut -d' ' -f1 /proc/loadavg))"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
VERSIONS="gemini-image $("$CLI" --version 2>/dev/null | head -1 || echo '?'); @google/genai $GENAI_VERSION; node $(node --version); $(curl --version | head -1 | cut -d' ' -f1-2); $(grep --version | head -1); $(base64 --version | head -1); libjpeg-turbo $(pkg-config --modversion libjpeg); libpng $(pkg-config --modversion libpng); zlib $(pkg-config --modversion zlib); libdeflate $(pkg-config --modversion libdeflate)"
status=0
MACHINE="$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
"$PY" "$HERE/report.py" --work "$WORK" --results "$RESULTS" --runs "$RUNS" \
      --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" --versions "$VERSIONS" \
      --machine "$MACHINE" --locale "${LC_ALL:-${LANG:-C}}" || status=$?
if "$PY" -c 'import matplotlib' 2>/dev/null; then
  "$PY" "$HERE/plot.py" --csv "$RESULTS/bench.csv" --out "$ROOT/docs/bench-time.svg"
else
  say "== no plot: python3-matplotlib is missing (apt-get install python3-matplotlib)"
fi
exit $status
