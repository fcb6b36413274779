#!/usr/bin/env bash
# The README's two commands on a fresh Debian 12 machine, for real.
#
#   tests/fresh-machine.sh            run them in a new clean root (as root)
#   tests/fresh-machine.sh base       only make (or find) the cached bare root
#
# Makes a clean Debian 12 (bookworm) root with debootstrap (the bare root is
# cached as a tarball outside the checkout, in GIMP_GEMINI_ROOT_CACHE,
# default /var/cache/gimp-gemini, built under a temporary name and renamed
# when complete), unpacks it into a new folder there, puts a clean clone of
# this checkout's HEAD (committed work only) into /root/gimp-gemini, and runs
# in it, as a new user would, exactly:
#
#     install/install.sh
#     tests/run.sh
#
# inside the root (unshare --mount + chroot, the root bound on itself so that
# it is a mount point as / is on a machine, /proc, /sys and /dev mounted).
# The GIMP 3 tests build their own Debian 13 root inside that root (nested
# debootstrap + chroot), as on any fresh machine.  Prints the last line of
# tests/run.sh and how long each command took; exits with tests/run.sh's
# status.  The root is removed afterwards unless GG_FRESH_KEEP=1; its log is
# kept in GG_TEST_OUT (default build-tests/ in the checkout) as
# fresh-machine.log.  Slow (see the README): not a stage of tests/run.sh.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${GIMP_GEMINI_ROOT_CACHE:-/var/cache/gimp-gemini}
SUITE=${GG_FRESH_SUITE:-bookworm}
# Bump the suffix when the way the bare root is made changes.
BASE="$CACHE/$SUITE-bare-v1.tar"
out=${GG_TEST_OUT:-$src/build-tests}

die() { echo "fresh-machine: $*" >&2; exit 1; }
say() { echo "fresh-machine: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot): run it with sudo"

base() {
  [ -s "$BASE" ] && return 0
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  mkdir -p "$CACHE"
  local tmp; tmp=$(mktemp -d "$CACHE/.fresh-base.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf --one-file-system '$tmp' '$tmp.tar' '$tmp.log'" EXIT
  say "debootstrap $SUITE into $tmp (a few minutes, once)"
  # The default variant: what a Debian 12 installation has (apt, sudo is
  # not among them: install.sh is run as root here).
  debootstrap "$SUITE" "$tmp/root" http://deb.debian.org/debian >"$tmp.log" 2>&1 \
    || { tail -20 "$tmp.log" >&2; die "debootstrap failed"; }
  tar -C "$tmp/root" -cf "$tmp.tar" . || die "could not pack the bare root"
  mv "$tmp.tar" "$BASE"
  rm -rf --one-file-system "$tmp" "$tmp.log"
  trap - EXIT
}

case "${1:-}" in
  base) base; echo "$BASE"; exit 0 ;;
  "") ;;
  *) die "usage: $0 [base]" ;;
esac

base
mkdir -p "$out"
out=$(cd "$out" && pwd)
log="$out/fresh-machine.log"
root=$(mktemp -d "$CACHE/fresh-run.XXXXXX")
cleanup() {
  if [ "${GG_FRESH_KEEP:-0}" = 1 ]; then say "the root is kept in $root"
  else rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT

t0=$(date +%s)
tar -C "$root" -xf "$BASE"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# A clean clone of what is committed: no build folder, no local change.
git clone -q --no-hardlinks "$src" "$root/root/gimp-gemini"
rev=$(git -C "$root/root/gimp-gemini" rev-parse --short HEAD)
say "root $root ready in $(( $(date +%s) - t0 )) s; checkout $rev in /root/gimp-gemini"

# Inside: a login shell of root in the clone, nothing else of the host's
# environment; each of the two commands timed.
inner='cd /root/gimp-gemini
t0=$(date +%s)
echo "+ install/install.sh"
install/install.sh; rc=$?
t1=$(date +%s)
echo "fresh-machine: install/install.sh exited $rc after $((t1 - t0)) s"
[ "$rc" -eq 0 ] || exit 100
echo "+ tests/run.sh"
tests/run.sh; rc=$?
t2=$(date +%s)
echo "fresh-machine: tests/run.sh exited $rc after $((t2 - t1)) s"
exit $rc'

say "running install/install.sh, then tests/run.sh, in the root (log: $log)"
set +e
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root TERM=dumb LANG=C.UTF-8 \
  unshare --mount --propagation private sh -c '
    mount --bind "$0" "$0" &&
    mount -t proc proc "$0/proc" && mount -t sysfs sysfs "$0/sys" &&
    mount --rbind /dev "$0/dev" &&
    exec chroot "$0" /bin/bash -l -c "$1"' "$root" "$inner" >"$log" 2>&1
rc=$?
set -e
t3=$(date +%s)

last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
grep -E '^fresh-machine: ' "$log" >&2 || true
echo "fresh-machine: checkout $rev, Debian $SUITE, all in $(( (t3 - t0) / 60 )) min $(( (t3 - t0) % 60 )) s"
if [ "$rc" = 100 ]; then
  echo "fresh-machine: install/install.sh failed (see $log)"
  exit 1
fi
echo "fresh-machine: last line of tests/run.sh: ${last:-none (see $log)}"
exit "$rc"
