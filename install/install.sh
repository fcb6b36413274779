#!/usr/bin/env bash
# Sets up and installs gimp-gemini: build dependencies (Debian/Ubuntu, when
# run as root or with sudo), the build, the gemini-image CLI and the plug-in
# into your GIMP profile: the GIMP 3 one when GIMP 3's development files are
# there, the GIMP 2.10 one when GIMP 2.10's are (both when both).
#
#   install/install.sh              dependencies + build + install
#   install/install.sh --deps-only  only the dependencies (what CI uses)
#   install/install.sh --system     the plug-ins into GIMP's system folders
#   PREFIX=/usr/local               where the CLI goes (default ~/.local)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
deps_only=0
plugin_install=user
for arg in "$@"; do
  case "$arg" in
    --deps-only) deps_only=1 ;;
    --system)    plugin_install=system ;;
    -h|--help)   sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { echo "install.sh: $*"; }

# Debian package names; libgimp-3.0-dev only exists from Debian 13 / Ubuntu 25.04.
DEPS="build-essential cmake pkg-config libglib2.0-dev libcurl4-openssl-dev
  libcjson-dev libpng-dev libjpeg-dev libwebp-dev libdeflate-dev
  libsecret-1-dev python3 python3-pil ca-certificates gettext"
TEST_DEPS="debootstrap clang valgrind libclang-rt-14-dev python3-numpy python3-scipy openssl
  xvfb openbox xdotool x11-apps x11-utils netpbm fonts-dejavu-core"  # the last line: tools/screenshots
# GIMP 2.10 (Debian 12, Ubuntu 24.04): its plug-in is built and installed,
# and tests/gimp2/run.sh runs it natively, so the tests need it too.
GIMP2_DEPS="libgimp2.0-dev gimp"

install_deps() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo=sudo; else
      say "not root and no sudo: install these packages yourself: $DEPS"; return 0; fi
  fi
  if ! command -v apt-get >/dev/null; then
    say "no apt-get: install the equivalents of: $DEPS"; return 0
  fi
  local extra=""
  $sudo apt-get update -qq
  if apt-cache show libgimp-3.0-dev >/dev/null 2>&1; then extra="libgimp-3.0-dev gimp"; fi
  # GIMP 2.10's files where the distribution has them: always for the
  # tests, else only beside a GIMP 2.10 that is already installed (no
  # second GIMP is added to a machine that runs GIMP 3).
  if apt-cache show libgimp2.0-dev >/dev/null 2>&1; then
    if [ -n "${INSTALL_TEST_DEPS:-}" ] || command -v gimp-2.10 >/dev/null || [ -z "$extra" ]; then
      extra="$extra $GIMP2_DEPS"
    fi
  elif [ -n "${INSTALL_TEST_DEPS:-}" ]; then
    say "libgimp2.0-dev is not packaged here: tests/gimp2/run.sh will fail"
  fi
  say "installing build dependencies with apt-get"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    $DEPS ${INSTALL_TEST_DEPS:+$TEST_DEPS} $extra >/dev/null
  say "dependencies installed"
}

install_deps
[ "$deps_only" = 1 ] && exit 0

build="$here/build-install"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_INSTALL_PREFIX="${PREFIX:-$HOME/.local}" \
      -DGG_PLUGIN_INSTALL="$plugin_install" >/dev/null
cmake --build "$build" -j"$(nproc)"
cmake --install "$build"
say "installed gemini-image into ${PREFIX:-$HOME/.local}/bin"
if pkg-config --exists gimp-3.0; then
  say "installed the GIMP 3 plug-in ($plugin_install); restart GIMP 3 and look under Filters > Gemini"
fi
if pkg-config --exists gimp-2.0 && pkg-config --exists gimpui-2.0; then
  say "installed the GIMP 2.10 plug-in ($plugin_install); restart GIMP 2.10 and look under Filters > Gemini"
fi
if ! pkg-config --exists gimp-3.0 && ! pkg-config --exists gimp-2.0; then
  say "neither GIMP 3's nor GIMP 2.10's development files were found: no plug-in was built"
  say "(apt-get install libgimp-3.0-dev, or libgimp2.0-dev for GIMP 2.10, then run this again)."
fi
