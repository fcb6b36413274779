#!/usr/bin/env bash
# Sets up and installs gimp-gemini: build dependencies (Debian/Ubuntu, when
# run as root or with sudo), the build, the gemini-image CLI and, when GIMP 3
# is installed, the plug-in into your GIMP profile.
#
#   install/install.sh              dependencies + build + install
#   install/install.sh --deps-only  only the dependencies (what CI uses)
#   install/install.sh --system     the plug-in into GIMP's system folder
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
  libcjson-dev libpng-dev libjpeg-dev libwebp-dev
  libsecret-1-dev python3 python3-pil ca-certificates"
TEST_DEPS="debootstrap clang valgrind libclang-rt-14-dev python3-numpy python3-scipy openssl"

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
  if apt-cache show libgimp-3.0-dev >/dev/null 2>&1; then extra="libgimp-3.0-dev gimp"; fi
  say "installing build dependencies with apt-get"
  $sudo apt-get update -qq
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
  say "installed the GIMP 3 plug-in ($plugin_install); restart GIMP and look under Filters > Gemini"
else
  say "GIMP 3 development files not found: the plug-in was not built (Debian 12 ships only GIMP 2.10)."
  say "tests/run.sh still builds and tests it inside a Debian 13 root."
fi
