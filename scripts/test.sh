#!/usr/bin/env bash
# Runs every test of webjobs on this machine:
#   1. installs the Debian packages with chromium for the portal's browser
#      test (scripts/install-deps.sh --with-browser) and the npm packages of
#      the black-box tests (scripts/install-test-packages.sh),
#   2. builds build/ and runs its unit tests with ctest,
#   3. builds build-asan/ (AddressSanitizer + UBSan) and runs its unit tests,
#   4. builds build-fuzz/ and runs each fuzz target for a fixed number of
#      inputs, starting from a copy of its seeds in tests/fuzz/corpus/<target>/,
#   5. runs the black-box tests in tests/e2e against build/webjobs, the
#      portal's browser test (test_portal_browser.py) among them.
# Every step runs even when an earlier one failed, except the tests of a
# tree that did not build. The exit status is non-zero if any step failed.
#
# Usage: sudo scripts/test.sh
# Environment:
#   FUZZ_RUNS           inputs per fuzz target (default 200000; package_zip_fuzz
#                       runs 1/50 of it because each of its inputs waits for disk)
#   WEBJOBS_BUILD_JOBS  parallel compile jobs (default: number of processors)
#   WEBJOBS_E2E_ASAN=1  also run the black-box tests against build-asan/webjobs
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cd "$WEBJOBS_REPO"
export PATH="$WEBJOBS_SYSTEM_PATH"
fuzz_runs="${FUZZ_RUNS:-200000}"
test_jobs="$(nproc)"

step_names=()
step_results=()
failed=0
started_at="$SECONDS"

# Runs one named step, records its result and duration, and never stops
# the script: the summary at the end reports every step.
run_step() {
  local name="$1"
  shift
  local step_start="$SECONDS"
  log "$name"
  local status=0
  "$@" || status=$?
  local took
  took="$(format_duration "$((SECONDS - step_start))")"
  step_names+=("$name")
  if [[ "$status" -eq 0 ]]; then
    step_results+=("ok      $took")
  else
    step_results+=("FAILED  $took (exit $status)")
    failed=1
    warn "step failed: $name (exit $status)"
  fi
  return "$status"
}

skip_step() {
  step_names+=("$1")
  step_results+=("skipped (its build failed)")
  failed=1
}

run_ctest() {
  ctest --test-dir "$1" --output-on-failure --timeout 300 -j "$test_jobs"
}

run_asan_ctest() {
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    run_ctest build-asan
}

# Returns the number of inputs for fuzz target $1. package_zip_fuzz writes,
# stages and removes a folder for every input. On a shared 2-core VM it ran
# 125 to 220 inputs/s, mostly waiting for the disk, while the other targets
# ran 10000 or more. So it gets 1/50 of $fuzz_runs, and the whole fuzz step
# took 1 to 2 minutes there with the default.
fuzz_runs_for() {
  case "$1" in
    package_zip_fuzz) echo "$((fuzz_runs / 50 > 0 ? fuzz_runs / 50 : 1))" ;;
    *) echo "$fuzz_runs" ;;
  esac
}

# Runs every build-fuzz/*_fuzz binary on its number of inputs. A target starts
# from a scratch copy of tests/fuzz/corpus/<target>/ when that folder exists, so
# libFuzzer writes new inputs there and never into the repository. Crashes
# are saved in build-fuzz/artifacts/.
run_fuzzers() {
  local targets=(build-fuzz/*_fuzz)
  if [[ ! -e "${targets[0]}" ]]; then
    warn "no fuzz targets in build-fuzz/"
    return 0
  fi
  mkdir -p build-fuzz/artifacts
  local scratch
  scratch="$(mktemp -d)"
  local status=0
  local target name runs
  for target in "${targets[@]}"; do
    [[ -x "$target" ]] || continue
    name="$(basename "$target")"
    runs="$(fuzz_runs_for "$name")"
    mkdir -p "$scratch/$name"
    [[ -d "tests/fuzz/corpus/$name" ]] && cp -R "tests/fuzz/corpus/$name/." "$scratch/$name/"
    log "fuzzing $name on $runs inputs"
    if ! "$target" -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$name-" \
      "$scratch/$name" >"$scratch/$name.log" 2>&1; then
      tail -n 60 "$scratch/$name.log" >&2
      warn "$name failed; the input that failed is in build-fuzz/artifacts/"
      status=1
    else
      grep -E '^(stat::number_of_executed_units|Done )' "$scratch/$name.log" || true
    fi
  done
  rm -rf "$scratch"
  return "$status"
}

run_e2e() {
  local binary="$1"
  # Debian's python3 with its pytest package, not a pyenv shim.
  WEBJOBS_BIN="$binary" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e
}

run_step "install packages" scripts/install-deps.sh --with-browser || true
run_step "install npm packages of the black-box tests" scripts/install-test-packages.sh || true

if run_step "build release" scripts/build.sh release; then
  run_step "unit tests (release)" run_ctest build || true
else
  skip_step "unit tests (release)"
fi

if run_step "build asan" scripts/build.sh asan; then
  run_step "unit tests (asan+ubsan)" run_asan_ctest || true
else
  skip_step "unit tests (asan+ubsan)"
fi

if run_step "build fuzz" scripts/build.sh fuzz; then
  run_step "fuzz targets (${fuzz_runs} inputs each)" run_fuzzers || true
else
  skip_step "fuzz targets"
fi

if [[ -x build/webjobs ]]; then
  run_step "black-box tests (build/webjobs)" run_e2e build/webjobs || true
else
  skip_step "black-box tests (build/webjobs)"
fi
if [[ "${WEBJOBS_E2E_ASAN:-0}" == "1" ]]; then
  if [[ -x build-asan/webjobs ]]; then
    run_step "black-box tests (build-asan/webjobs)" run_e2e build-asan/webjobs || true
  else
    skip_step "black-box tests (build-asan/webjobs)"
  fi
fi

echo
echo "Summary"
for i in "${!step_names[@]}"; do
  printf '  %-40s %s\n' "${step_names[$i]}" "${step_results[$i]}"
done
total="$(format_duration "$((SECONDS - started_at))")"
if [[ "$failed" -eq 0 ]]; then
  echo "webjobs tests: PASSED (${#step_names[@]} steps in $total)"
else
  echo "webjobs tests: FAILED (see the steps marked FAILED above; total $total)"
  exit 1
fi
