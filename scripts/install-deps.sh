#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build webjobs, run its tests
# and run the example jobs. Safe to run again: when every package is
# already installed it changes nothing and skips `apt-get update`.
#
# Usage: scripts/install-deps.sh [--with-browser]
#   --with-browser  also install chromium and a Korean font (fonts-nanum),
#                   for the browser test of the portal and its screenshots
#
# Needs root; uses sudo when started as another user.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

with_browser=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    -h | --help)
      print_header_comment "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) die "unknown option '$arg' (expected --with-browser)" ;;
  esac
done

[[ -r /etc/debian_version ]] || die "this script supports Debian 12 only (no /etc/debian_version)"

packages=(
  # Compilers and build tools; clang and its runtime build the fuzz targets.
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # Libraries the product links.
  libcpp-httplib-dev libssl-dev nlohmann-json3-dev libsqlite3-dev libzip-dev
  libspdlog-dev libfmt-dev libcli11-dev libhowardhinnant-date-dev tzdata libsodium-dev zlib1g-dev
  # Unit tests.
  googletest libgtest-dev libgmock-dev
  # Tools used by the scripts and the black-box tests.
  openssl curl zip unzip python3 python3-pytest python3-yaml bash iproute2
  # Interpreters that example and test jobs run with.
  php-cli
  # Server for the multi-instance tests.
  postgresql
  # HTTP load generator of bench/api_load_bench.
  wrk
)
# A node or JDK installed from elsewhere (nodesource, a vendor JDK) is
# kept; Debian's package is added only when the command is missing.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
# npm installs kudu-api for the black-box tests (install-test-packages.sh).
command -v npm >/dev/null 2>&1 || packages+=(npm)
command -v javac >/dev/null 2>&1 || packages+=(default-jdk-headless)
command -v jar >/dev/null 2>&1 || packages+=(default-jdk-headless)
if [[ "$with_browser" -eq 1 ]]; then
  packages+=(chromium fonts-nanum)
fi

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)"
  if [[ "$status" != ii* ]]; then
    # default-jdk-headless may be listed twice (javac and jar).
    [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
  fi
done

if [[ "${#missing[@]}" -eq 0 ]]; then
  log "all ${#packages[@]} packages are installed"
  exit 0
fi

log "installing ${#missing[@]} packages: ${missing[*]}"
as_root apt-get update
as_root env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
log "packages installed"
