#!/bin/bash
# The issue-7 benchmark (CLI side): gemini-image against Google's official
# JavaScript SDK (@google/genai) and the documented REST pipelines (curl |
# grep | cut | base64, curl | jq | base64), on the fake server in --instant
# mode, plus the codec floor (base64 + PNG decode alone).
#
#   tests/bench/run.sh            # from anywhere; about 2-4 minutes
#
# Environment (all optional):
#   RUNS=7              timed runs per case (medians and minimums over them)
#   BUILD=build-bench   build directory (relative to the source root)
#   BENCH_MAX_LOAD=X    wait (up to BENCH_WAIT s, default 600) for the 1-min
#                       load average to drop below X before measuring
#   BENCH_NO_BUILD=1    skip the cmake build (use what is in BUILD)
#
# Outputs: the table and the targets on stdout; BUILD/bench/bench.csv,
# BUILD/bench/raw.tsv; tests/bench/results/{bench.csv,bench.png or .svg,
# summary.txt} (small, commit-worthy), and the README's plot of time and
# memory against image size, docs/bench-time.svg (tests/bench/plot.py).
# Nothing here is a timed test.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-build-bench}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
RUNS=${RUNS:-7}
WORK=$BUILD/bench
NODE_DIR=$BUILD/node          # npm --prefix: private, never committed
RESULTS=$HERE/results
MODEL=gemini-3-pro-image
KEY=fake-key-for-tests
PY=/usr/bin/python3

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 1; }

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

say "== building the floor program"
cc -O2 -Wall -Wextra -o "$WORK/floor" "$HERE/floor.c" \
   $(pkg-config --cflags --libs glib-2.0 libpng zlib) || die "cannot build floor.c"

# ---------------------------------------------------------------- peers
if [ ! -f "$NODE_DIR/node_modules/@google/genai/package.json" ]; then
  say "== npm install --prefix $NODE_DIR @google/genai"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund @google/genai >"$WORK/npm.log" 2>&1 \
    || { tail -20 "$WORK/npm.log"; die "npm install failed"; }
fi
GENAI_VERSION=$(node -p "require('$NODE_DIR/node_modules/@google/genai/package.json').version")
if ! command -v jq >/dev/null; then
  say "== jq missing: apt-get install -y jq"
  apt-get install -y jq >/dev/null 2>&1 || die "jq is needed (apt-get install jq)"
fi

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
rm -f "$WORK/port"
"$PY" "$ROOT/tests/fake_gemini/server.py" --port 0 --port-file "$WORK/port" \
      --key "$KEY" --instant --quiet --warm 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || die "the fake server did not start (see $WORK/server.log)"
PORT=$(tr -d '\n' <"$WORK/port")
BASE=http://127.0.0.1:$PORT
URL=$BASE/v1beta/models/$MODEL:generateContent
unset GOOGLE_API_KEY
export GEMINI_API_KEY=$KEY GOOGLE_GEMINI_BASE_URL=$BASE GENAI_DIR=$NODE_DIR
curl -s -X POST "$BASE/_control/reset" >/dev/null
# The fake server answers the gemini-3 family in JPEG with real-size (1-3 MB)
# thought signatures, as the service does; these benchmarks keep the PNG
# answers and small signatures their results were measured with.
curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"scenario": "ok", "params": {"format": "png", "signature_bytes": 300}}' \
  "$BASE/_control/scenario" >/dev/null

# ---------------------------------------------------------------- requests
# The default scenario "ok" answers a PNG: every tool writes the bytes the
# server sent (gemini-image writes a PNG answer to a .png file as it is,
# after checking it row by row, gg_image_verify), so all outputs are identical.
gen_req() {  # SIZE -> request JSON for a generation
  printf '{"contents":[{"role":"user","parts":[{"text":"a red bicycle"}]}],'
  printf '"generationConfig":{"responseModalities":["TEXT","IMAGE"],'
  printf '"imageConfig":{"aspectRatio":"1:1","imageSize":"%s"}}}' "$1"
}
for s in 1K 2K 4K; do gen_req $s >"$WORK/req-$s.json"; done

# The answer bodies, saved for the floor and the RSS target; the 4K answer
# is also the 4096x4096 input of the edit.
for s in 1K 2K 4K; do
  curl -s -f -X POST "$URL" -H "x-goog-api-key: $KEY" -H 'Content-Type: application/json' \
       -d @"$WORK/req-$s.json" -o "$WORK/body-$s.json" || die "no $s answer"
  jq -r '.candidates[0].content.parts[] | select(.inlineData) | .inlineData.data' \
     "$WORK/body-$s.json" | base64 --decode >"$WORK/answer-$s.png"
done
cp "$WORK/answer-4K.png" "$WORK/4096x4096.png"
INPUT=$WORK/4096x4096.png
curl -s -f -X POST "$URL" -H "x-goog-api-key: $KEY" -H 'Content-Type: application/json' \
     -d @<("$HERE/edit-req.sh" "$INPUT") -o "$WORK/body-edit.json" || die "no edit answer"
jq -r '.candidates[0].content.parts[] | select(.inlineData) | .inlineData.data' \
   "$WORK/body-edit.json" | base64 --decode >"$WORK/answer-edit.png"

# The server pretty-prints its JSON as Google does ("data": "...", one
# space); the grep accepts any number of spaces after the colon.
GREP_RE='"data": *"[^"]*"'

# ---------------------------------------------------------------- cases
# One case: WORK TOOL COMMAND (a bash string run by bash -c; $OUT is its output).
CASES=()
SEP=$'\x1f'   # tool names and commands hold '|'
add() { CASES+=("$1$SEP$2$SEP$3"); }
for s in 1K 2K 4K; do
  add "generate $s" "gemini-image" \
      "'$CLI' generate --prompt 'a red bicycle' --model $MODEL --aspect 1:1 --size $s --output \"\$OUT\" -q"
  add "generate $s" "@google/genai" \
      "node '$HERE/genai.mjs' $MODEL $s 1:1 \"\$OUT\""
  add "generate $s" "curl|grep|cut|base64" \
      "curl -s -X POST '$URL' -H 'x-goog-api-key: $KEY' -H 'Content-Type: application/json' -d @'$WORK/req-$s.json' | grep -o '$GREP_RE' | cut -d'\"' -f4 | base64 --decode > \"\$OUT\""
  add "generate $s" "curl|grep (LC_ALL=C)" \
      "curl -s -X POST '$URL' -H 'x-goog-api-key: $KEY' -H 'Content-Type: application/json' -d @'$WORK/req-$s.json' | LC_ALL=C grep -o '$GREP_RE' | cut -d'\"' -f4 | base64 --decode > \"\$OUT\""
  add "generate $s" "curl|jq|base64" \
      "curl -s -X POST '$URL' -H 'x-goog-api-key: $KEY' -H 'Content-Type: application/json' -d @'$WORK/req-$s.json' | jq -r '.candidates[0].content.parts[] | select(.inlineData) | .inlineData.data' | base64 --decode > \"\$OUT\""
done
add "edit 4K" "gemini-image" \
    "'$CLI' edit --input '$INPUT' --prompt 'make it blue' --model $MODEL --aspect 1:1 --size 4K --output \"\$OUT\" -q"
add "edit 4K" "@google/genai" \
    "node '$HERE/genai.mjs' $MODEL 4K 1:1 \"\$OUT\" '$INPUT'"
add "edit 4K" "curl|grep|cut|base64" \
    "'$HERE/edit-req.sh' '$INPUT' | curl -s -X POST '$URL' -H 'x-goog-api-key: $KEY' -H 'Content-Type: application/json' -d @- | grep -o '$GREP_RE' | cut -d'\"' -f4 | base64 --decode > \"\$OUT\""
add "edit 4K" "curl|grep (LC_ALL=C)" \
    "'$HERE/edit-req.sh' '$INPUT' | curl -s -X POST '$URL' -H 'x-goog-api-key: $KEY' -H 'Content-Type: application/json' -d @- | LC_ALL=C grep -o '$GREP_RE' | cut -d'\"' -f4 | base64 --decode > \"\$OUT\""
add "edit 4K" "curl|jq|base64" \
    "'$HERE/edit-req.sh' '$INPUT' | curl -s -X POST '$URL' -H 'x-goog-api-key: $KEY' -H 'Content-Type: application/json' -d @- | jq -r '.candidates[0].content.parts[] | select(.inlineData) | .inlineData.data' | base64 --decode > \"\$OUT\""

# Runs one case once: appends "work<TAB>tool<TAB>run<TAB>seconds<TAB>rss_kb".
# Wall time from bash's EPOCHREALTIME around /usr/bin/time (the same few ms
# of fork/exec for every tool); peak RSS from GNU time's %M, which for a
# pipeline is the largest single process of it (they run at once, so the
# pipeline as a whole holds up to their sum).
run_case() {
  local spec=$1 run=$2 work tool cmd slug t0 t1
  work=${spec%%"$SEP"*}; spec=${spec#*"$SEP"}; tool=${spec%%"$SEP"*}; cmd=${spec#*"$SEP"}
  slug=$(tr -c 'A-Za-z0-9\n' '_' <<<"$work-$tool")
  export OUT=$WORK/out/$slug.png
  rm -f "$OUT"
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -f '%M' -o "$WORK/rss" bash -c "set -o pipefail; $cmd" >/dev/null 2>>"$WORK/errors.log"; then
    die "failed: $work / $tool (see $WORK/errors.log)"
  fi
  t1=$EPOCHREALTIME
  printf '%s\t%s\t%s\t%s\t%s\n' "$work" "$tool" "$run" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')" "$(tail -1 "$WORK/rss")" >>"$WORK/raw.tsv"
  REPLY=$OUT
}

say "== warm-up (server cache, page cache) and output check"
for spec in "${CASES[@]}"; do
  run_case "$spec" 0
  work=${spec%%"$SEP"*}
  case $work in "edit 4K") ref=$WORK/answer-edit.png ;; *) ref=$WORK/answer-${work#generate }.png ;; esac
  cmp -s "$REPLY" "$ref" || die "${spec%"$SEP"*}: the output differs from the server's PNG"
done
say "   every tool wrote exactly the PNG the server sent"
: >"$WORK/raw.tsv"

say "== $RUNS runs of ${#CASES[@]} cases, interleaved (load $(cut -d' ' -f1-3 /proc/loadavg))"
for run in $(seq "$RUNS"); do
  for spec in "${CASES[@]}"; do run_case "$spec" "$run"; done
  say "   run $run/$RUNS done"
done

say "== the floor (base64 + PNG decode in one process, $RUNS repetitions)"
for s in 1K 2K 4K edit; do
  "$WORK/floor" "$WORK/body-$s.json" "$RUNS" full >"$WORK/floor-$s.txt" 2>/dev/null
  "$WORK/floor" "$WORK/body-$s.json" "$RUNS" rows >"$WORK/floor-rows-$s.txt" 2>/dev/null
  "$WORK/floor" "$WORK/body-$s.json" "$RUNS" check >"$WORK/floor-check-$s.txt" 2>/dev/null
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
VERSIONS="gemini-image $("$CLI" --version 2>/dev/null | head -1 || echo '?'); @google/genai $GENAI_VERSION; node $(node --version); $(curl --version | head -1 | cut -d' ' -f1-2); $(jq --version); $(grep --version | head -1); $(base64 --version | head -1); libpng $(pkg-config --modversion libpng)"
"$PY" "$HERE/report.py" --work "$WORK" --results "$RESULTS" --runs "$RUNS" \
      --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" --versions "$VERSIONS" \
      --cpus "$(nproc)" --locale "${LC_ALL:-${LANG:-C}}"
if "$PY" -c 'import matplotlib' 2>/dev/null; then
  "$PY" "$HERE/plot.py" --csv "$RESULTS/bench.csv" --out "$ROOT/docs/bench-time.svg"
else
  say "== no plot: python3-matplotlib is missing (apt-get install python3-matplotlib)"
fi
