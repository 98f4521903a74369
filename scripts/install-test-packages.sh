#!/usr/bin/env bash
# Installs the npm packages of the black-box tests, each folder with
# `npm ci` from its committed package-lock.json:
#   tests/e2e/kudu_client  kudu-api, the Kudu client that
#                          tests/e2e/test_kudu_client.py drives
#   tests/e2e/portal       playwright-core, which drives Debian's chromium
#                          in tests/e2e/test_portal_browser.py (it never
#                          downloads a browser)
# Safe to run again: a folder whose node_modules is newer than its
# package.json and package-lock.json is left alone.
#
# Usage: scripts/install-test-packages.sh
# Needs node and npm (scripts/install-deps.sh installs them) and access to
# the npm registry.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

case "${1:-}" in
  -h | --help)
    print_header_comment "${BASH_SOURCE[0]}"
    exit 0
    ;;
  "") ;;
  *) die "unknown option '$1' (this script takes none)" ;;
esac

export PATH="$WEBJOBS_SYSTEM_PATH"

command -v npm >/dev/null 2>&1 || die "npm is not installed; run scripts/install-deps.sh first"

for package_dir in "$WEBJOBS_REPO/tests/e2e/kudu_client" "$WEBJOBS_REPO/tests/e2e/portal"; do
  # npm writes this file last, so it marks an install that finished.
  installed_lock="$package_dir/node_modules/.package-lock.json"
  if [[ -f "$installed_lock" && "$installed_lock" -nt "$package_dir/package-lock.json" &&
    "$installed_lock" -nt "$package_dir/package.json" ]]; then
    log "npm packages in $package_dir are up to date"
    continue
  fi
  log "installing the npm packages of the black-box tests in $package_dir"
  # Playwright must never download a browser: the tests use /usr/bin/chromium.
  (cd "$package_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
done
log "npm packages installed"
