#!/usr/bin/env bash
# A Debian root with GIMP 3 and libgimp-3.0-dev, for hosts whose
# distribution does not package GIMP 3 (Debian 12).  See DESIGN.md.
#
#   tests/gimp3-root.sh ensure        build the root once (cached), print its path
#   tests/gimp3-root.sh run DIR CMD…  run CMD inside the root, with DIR bound at
#                                     the same path, in a private mount namespace
#
# The suite is GIMP_GEMINI_ROOT_SUITE: trixie (Debian 13, GIMP 3.0; the
# default) or forky / sid (GIMP 3.2 as of December 2026); each suite has its
# own cached root.  The root lives outside the checkout
# (GIMP_GEMINI_ROOT_CACHE, default /var/cache/gimp-gemini) and is built under
# a temporary name and renamed when complete, so that an interrupted build
# never looks ready.
set -euo pipefail

CACHE=${GIMP_GEMINI_ROOT_CACHE:-/var/cache/gimp-gemini}
SUITE=${GIMP_GEMINI_ROOT_SUITE:-trixie}
case "$SUITE" in
  trixie|forky|sid) ;;
  *) echo "gimp3-root: unknown suite '$SUITE' (trixie, forky or sid)" >&2; exit 1 ;;
esac
# Bump the suffix whenever PACKAGES changes so that old roots are not reused.
ROOT="$CACHE/$SUITE-gimp3-v2"
PACKAGES="gimp libgimp-3.0-dev cmake gcc make pkg-config ca-certificates
  libglib2.0-dev libcurl4-openssl-dev libcjson-dev libpng-dev libjpeg-dev
  libwebp-dev libdeflate-dev libgegl-dev libbabl-dev libsecret-1-dev gettext"

die() { echo "gimp3-root: $*" >&2; exit 1; }

# GIMP 3.2 installs gimp-console-3 and gimp-3 (and -3.2), no -3.0 names,
# which the test scripts call: give them those names too.
console_name() {
  [ -e "$ROOT/usr/bin/gimp-console-3.0" ] || ln -s gimp-console-3 "$ROOT/usr/bin/gimp-console-3.0"
  [ -e "$ROOT/usr/bin/gimp-3.0" ] || ln -s gimp-3 "$ROOT/usr/bin/gimp-3.0"
}

ensure() {
  if [ -x "$ROOT/usr/bin/gimp-console-3" ] && [ -f "$ROOT/.complete" ]; then
    console_name; echo "$ROOT"; return 0
  fi
  [ "$(id -u)" = 0 ] || die "building the GIMP 3 root needs root (debootstrap, chroot)"
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  mkdir -p "$CACHE"
  local tmp; tmp=$(mktemp -d "$CACHE/.building.XXXXXX")
  trap 'rm -rf --one-file-system "$tmp"' EXIT
  echo "gimp3-root: debootstrap $SUITE into $tmp (about 1 minute)" >&2
  # Debian 12's debootstrap has no script named forky: sid's fits both.
  local script=/usr/share/debootstrap/scripts/$SUITE
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  debootstrap --variant=minbase "$SUITE" "$tmp" http://deb.debian.org/debian "$script" >"$tmp.log" 2>&1 \
    || { tail -20 "$tmp.log" >&2; die "debootstrap failed"; }
  echo "gimp3-root: installing GIMP 3 and build tools (about 2 minutes)" >&2
  # shellcheck disable=SC2086
  unshare --mount --propagation private sh -c "
      mount -t proc proc '$tmp/proc' && mount --rbind /dev '$tmp/dev' &&
      chroot '$tmp' sh -c 'export DEBIAN_FRONTEND=noninteractive &&
        apt-get -o Acquire::Check-Valid-Until=false update -qq && apt-get install -y -qq --no-install-recommends $(echo $PACKAGES)'" \
    >"$tmp.log" 2>&1 || { tail -20 "$tmp.log" >&2; die "installing packages in the root failed"; }
  rm -f "$tmp.log"
  touch "$tmp/.complete"
  rm -rf --one-file-system "$ROOT"
  mv "$tmp" "$ROOT"
  trap - EXIT
  console_name
  echo "$ROOT"
}

run() {
  [ $# -ge 2 ] || die "usage: run DIR CMD..."
  local dir; dir=$(realpath "$1"); shift
  ensure >/dev/null
  # (a checkout under /tmp is bound after the private /tmp is mounted)
  case "$dir" in /tmp/*) ;; *) mkdir -p "$ROOT$dir" ;; esac
  # Arguments are passed through the environment to survive quoting.
  local q; q=$(printf '%q ' "$@")
  # The environment passes through (never argv: it may hold the API key),
  # less what would point into the host's file system.
  PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 \
  unshare --mount --propagation private sh -c '
      mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" &&
      mount -t tmpfs tmpfs "$0/tmp" && mkdir -p "$0$1" &&
      mount --bind "$1" "$0$1" &&
      unset LD_LIBRARY_PATH LD_PRELOAD PYTHONPATH PYTHONHOME PKG_CONFIG_PATH XDG_RUNTIME_DIR &&
      exec chroot "$0" /bin/bash -c "cd \"$1\" && $2"' "$ROOT" "$dir" "$q"
}

case "${1:-}" in
  ensure) ensure ;;
  run) shift; run "$@" ;;
  *) die "usage: $0 ensure | run DIR CMD..." ;;
esac
