#!/usr/bin/env bash
# Configures and builds one build tree with CMake and Ninja.
#
# Usage: scripts/build.sh [release|asan|fuzz]
#   release (default)  build/       optimized binary and unit tests
#   asan               build-asan/  AddressSanitizer and UBSan, unit tests
#   fuzz               build-fuzz/  clang with libFuzzer targets only
#
# WEBJOBS_BUILD_JOBS sets the number of parallel compile jobs (default:
# the number of processors).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mode="${1:-release}"
jobs="${WEBJOBS_BUILD_JOBS:-$(nproc)}"

case "$mode" in
  release)
    build_dir="$WEBJOBS_REPO/build"
    cmake_args=(-DCMAKE_BUILD_TYPE=Release)
    ;;
  asan)
    build_dir="$WEBJOBS_REPO/build-asan"
    # -O1 and line tables only, as the sanitizers' documentation advises:
    # GCC compiles the instrumented tree about three times slower at -O2 -g,
    # and reports still name file and line. The benchmarks are not needed.
    cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEBJOBS_SANITIZE=ON -DWEBJOBS_BENCH=OFF
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
      "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
    ;;
  fuzz)
    build_dir="$WEBJOBS_REPO/build-fuzz"
    cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEBJOBS_FUZZ=ON
      -DWEBJOBS_TESTS=OFF -DWEBJOBS_BENCH=OFF
      -DCMAKE_CXX_COMPILER=clang++)
    # CMake reads the compiler only when it first configures a tree.
    export CC=clang CXX=clang++
    ;;
  -h | --help)
    print_header_comment "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) die "unknown build mode '$mode' (expected release, asan or fuzz)" ;;
esac

command -v cmake >/dev/null 2>&1 || die "cmake is missing; run scripts/install-deps.sh first"
command -v ninja >/dev/null 2>&1 || die "ninja is missing; run scripts/install-deps.sh first"

log "configuring $mode build in ${build_dir#"$WEBJOBS_REPO"/}"
cmake -S "$WEBJOBS_REPO" -B "$build_dir" -G Ninja "${cmake_args[@]}"

log "building $mode with $jobs jobs"
cmake --build "$build_dir" -j "$jobs"
log "$mode build done: ${build_dir#"$WEBJOBS_REPO"/}"
