#!/usr/bin/env bash
# Issue 16, item 3: which encoding an edit should send, measured.
#
#   tests/bench/encoding.sh        (about 10 minutes; the CLI part alone 3)
#
# For every encoding (png, jpeg:80, jpeg:90, jpeg:96, jpeg:100 by default)
# the same drifting fake answers (the fake server answers the region it
# was sent, shifted, scaled, re-tinted, with a magenta disc) are placed
#   - through the CLI: tests/placement/run.py's cases, its own measures;
#   - through GIMP 3: tests/gimp/run.sh with GG_GIMP_PARTS=placement
#     (tests/gimp/part_placement.py's cases and measures), in the Debian
#     13 root of tests/gimp3-root.sh when GIMP 3 is not installed here;
# with the engine's test knob GG_TEST_ENCODING=png|jpeg:Q telling
# gg_front_encode () what to send (honoured only in builds configured with
# -DGG_TEST_HOOKS=ON, which both builds here are).  Then encoding.c times
# gg_front_encode () itself on a photo-like picture (tests/bench/bodies.py
# --picture) at 1K, a 2600x1700 selection and 4K: bytes, encode time,
# PSNR.  encoding.py prints it all side by side: residual shift and ring
# error per front end and encoding, the bytes sent, the encode cost.
#
# Environment (all optional):
#   ENCODINGS=png,jpeg:96        the encodings to compare
#   SIZES=1024x1024,4096x4096    the encode-cost sizes
#   GG_ENCODING_GIMP=0           skip GIMP (the CLI and the encode cost only)
#   GG_BENCH_OUT=DIR             builds and outputs (default
#                                build-bench-encoding/ in the checkout; it
#                                must be inside the checkout for GIMP's root)
#
# Outputs: the table on stdout and in tests/bench/results/encoding.txt
# (with the date, the machine and its load); the per-case figures in
# GG_BENCH_OUT/figures/*.json.  Exit status 1 when a figure could not be
# had (a build, a run or a knob that was not honoured); a placement
# threshold missed at some encoding is a figure, marked "!", not a failure.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$HERE/../.." && pwd)
out=${GG_BENCH_OUT:-$src/build-bench-encoding}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ENCODINGS=${ENCODINGS:-png,jpeg:80,jpeg:90,jpeg:96,jpeg:100}
SIZES=${SIZES:-1024x1024,2600x1700,4096x4096}
python=/usr/bin/python3
figures="$out/figures"
status=0

say() { printf '%s\n' "$*" >&2; }
die() { say "encoding: $*"; exit 1; }

"$python" -c 'import numpy, scipy, PIL' 2>/dev/null \
  || die "/usr/bin/python3 needs numpy, scipy and Pillow (python3-numpy python3-scipy python3-pil)"
rm -rf "$figures"
mkdir -p "$figures"
t0=$(date +%s)

say "== building gemini-image and encoding.c on the host (-DGG_TEST_HOOKS=ON, Release)"
cmake -S "$src" -B "$out/host" -DCMAKE_BUILD_TYPE=Release -DGG_TEST_HOOKS=ON \
      -DGG_PLUGIN=OFF -DGG_GIMP2=OFF >"$out/host-configure.log" 2>&1 \
  && cmake --build "$out/host" --target gemini-image ggcommon -j2 >"$out/host-build.log" 2>&1 \
  || die "the host build failed (see $out/host-build.log)"
# shellcheck disable=SC2046
cc -O2 -g -Wall -Wextra -Werror -I"$src/common" -o "$out/encoding" "$HERE/encoding.c" \
   "$out/host/common/libggcommon.a" \
   $(pkg-config --cflags --libs glib-2.0 gio-2.0 libcurl libcjson libpng libjpeg libwebp zlib libdeflate) -lm \
   $(pkg-config --exists libsecret-1 && pkg-config --libs libsecret-1) \
  || die "cannot build encoding.c"

say "== the encode cost (encoding.c: gg_front_encode on a photo-like picture)"
[ -s "$out/picture-4096.png" ] || "$python" "$HERE/bodies.py" --picture "$out/picture-4096.png" \
  || die "bodies.py --picture failed"
"$out/encoding" "$out/picture-4096.png" "$ENCODINGS" "$SIZES" 5 >"$figures/encode.txt" \
  || die "encoding.c failed"

say "== through the CLI (tests/placement/run.py's cases, per encoding)"
"$python" "$HERE/encoding.py" cli --cli "$out/host/cli/gemini-image" --encodings "$ENCODINGS" \
  --json "$figures/cli.json" || status=1

if [ "${GG_ENCODING_GIMP:-1}" != 0 ]; then
  IFS=, read -r -a encodings <<<"$ENCODINGS"
  for enc in "${encodings[@]}"; do
    say "== through GIMP 3, $enc (tests/gimp/run.sh, GG_GIMP_PARTS=placement)"
    # run.sh exits non-zero when a threshold is missed: that is a figure;
    # encoding.py says whether the figures are there.
    GG_TEST_OUT="$out/gimp" GG_GIMP_PARTS=placement GG_TEST_ENCODING="$enc" \
      "$src/tests/gimp/run.sh" >"$out/gimp-${enc/:/-}.log" 2>&1
    "$python" "$HERE/encoding.py" gimp --work "$out/gimp/gimp-run" --encoding "$enc" \
      --json "$figures/gimp-${enc/:/-}.json" \
      || { say "   (see $out/gimp-${enc/:/-}.log)"; status=1; }
  done
fi

{
  echo "tests/bench/encoding.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load $(cut -d' ' -f1-3 /proc/loadavg), $(( $(date +%s) - t0 )) s"
  echo
  "$python" "$HERE/encoding.py" table "$figures"
} >"$out/encoding.txt" || die "encoding.py table failed"
mkdir -p "$HERE/results"
cp "$out/encoding.txt" "$HERE/results/encoding.txt"
cat "$out/encoding.txt"
exit $status
