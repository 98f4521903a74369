#!/usr/bin/env bash
# Installs the npm packages of the black-box tests: kudu-api, the Kudu
# client that tests/e2e/test_kudu_client.py drives, into
# tests/e2e/kudu_client/node_modules, with `npm ci` from the committed
# package-lock.json. Safe to run again: it does nothing while
# node_modules is newer than package.json and package-lock.json.
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
client_dir="$WEBJOBS_REPO/tests/e2e/kudu_client"
# npm writes this file last, so it marks an install that finished.
installed_lock="$client_dir/node_modules/.package-lock.json"

command -v npm >/dev/null 2>&1 || die "npm is not installed; run scripts/install-deps.sh first"

if [[ -f "$installed_lock" && "$installed_lock" -nt "$client_dir/package-lock.json" &&
  "$installed_lock" -nt "$client_dir/package.json" ]]; then
  log "npm packages of the black-box tests are up to date"
  exit 0
fi

log "installing the npm packages of the black-box tests in $client_dir"
(cd "$client_dir" && npm ci --no-audit --no-fund)
log "npm packages installed"
