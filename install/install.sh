#!/usr/bin/env bash
# Sets up and installs gimp-gemini: build dependencies (Debian/Ubuntu, when
# run as root or with sudo), the build, the gemini-image CLI and the plug-in
# into your GIMP profile: the GIMP 3 one when GIMP 3's development files are
# there, the GIMP 2.10 one when GIMP 2.10's are (both when both).
#
#   install/install.sh              dependencies + build + install
#   install/install.sh --deps-only  only the build dependencies
#   install/install.sh --test-deps  only what tests/run.sh needs (the build
#                                   dependencies and the test tools), and
#                                   only when some are missing (tests/run.sh
#                                   calls it first)
#   install/install.sh --system     the plug-ins into GIMP's system folders
#   PREFIX=/usr/local               where the CLI goes (default ~/.local)
#   INSTALL_TEST_DEPS=1             with the above: the test tools too
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
deps_only=0
test_deps_only=0
plugin_install=user
for arg in "$@"; do
  case "$arg" in
    --deps-only) deps_only=1 ;;
    --test-deps) test_deps_only=1; INSTALL_TEST_DEPS=1 ;;
    --system)    plugin_install=system ;;
    -h|--help)   sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { echo "install.sh: $*"; }

# The package lists of the project, in this one place (tests/run.sh installs
# the test tools through --test-deps).
# Debian package names; libgimp-3.0-dev only exists from Debian 13 / Ubuntu 25.04.
DEPS="build-essential cmake pkg-config libglib2.0-dev libcurl4-openssl-dev
  libcjson-dev libpng-dev libjpeg-dev libwebp-dev libdeflate-dev
  libsecret-1-dev python3 python3-pil ca-certificates gettext"
# The test tools: the GIMP 3 root (debootstrap), the sanitizer build and the
# fuzzers (clang, libclang-rt-dev), the placement check (numpy, scipy), the
# TLS test (openssl), the keyring test (dbus-daemon); the last line:
# tools/screenshots.
TEST_DEPS="debootstrap clang valgrind libclang-rt-dev python3-numpy python3-scipy openssl dbus-daemon
  xvfb openbox xdotool x11-apps x11-utils netpbm fonts-dejavu-core"
# GIMP 2.10 (Debian 12, Ubuntu 24.04): its plug-in is built and installed,
# and tests/gimp2/run.sh runs it natively, so the tests need it too.
GIMP2_DEPS="libgimp2.0-dev gimp"

# The packages of @* that are not installed (all of them without dpkg).
missing_packages() {
  local p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || echo "$p"
  done
}

install_deps() {
  local sudo=""
  if [ "$test_deps_only" = 1 ]; then
    # Quick when nothing is missing: no apt-get at all.  GIMP 2.10's
    # packages count where the distribution has them.
    local want="$DEPS $TEST_DEPS"
    if command -v apt-cache >/dev/null && apt-cache show libgimp2.0-dev >/dev/null 2>&1; then
      want="$want $GIMP2_DEPS"
    fi
    # shellcheck disable=SC2086
    local missing; missing=$(missing_packages $want | tr '\n' ' ')
    if [ -z "${missing// /}" ]; then say "the test dependencies are installed"; return 0; fi
    say "missing for the tests: $missing"
  fi
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo=sudo; else
      say "not root and no sudo: install these packages yourself: $DEPS ${INSTALL_TEST_DEPS:+$TEST_DEPS}"
      [ "$test_deps_only" = 1 ] && return 1; return 0; fi
  fi
  if ! command -v apt-get >/dev/null; then
    say "no apt-get: install the equivalents of: $DEPS ${INSTALL_TEST_DEPS:+$TEST_DEPS}"
    [ "$test_deps_only" = 1 ] && return 1; return 0
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
[ "$deps_only" = 1 ] || [ "$test_deps_only" = 1 ] && exit 0

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
