#!/usr/bin/env bash
# Deploys the four example jobs to a running webjobs host with the CLI.
#
#   python-worker  continuous  continuous-python-worker/run.py, as a zip
#   bash-report    triggered   triggered-bash-report/run.sh, as a single file
#   node-schedule  triggered   scheduled-node/run.js + settings.job, as a zip
#   java-hello     triggered   hello.jar built from java-hello/src
#
# Usage: examples/deploy.sh
# Environment:
#   WEBJOBS_URL  the host (default http://127.0.0.1:8420)
#   WEBJOBS_USER and WEBJOBS_PASSWORD, or WEBJOBS_TOKEN
#                credentials of a user or API token with the admin scope
#   WEBJOBS_BIN  the webjobs binary (default build/webjobs in the repository)
#   HELLO_JAR    a prebuilt hello.jar (default: build it with java-hello/build.sh)
set -euo pipefail

examples_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$examples_dir")"
webjobs="${WEBJOBS_BIN:-$repo_dir/build/webjobs}"
export WEBJOBS_URL="${WEBJOBS_URL:-http://127.0.0.1:8420}"

[[ -x "$webjobs" ]] || { echo "error: $webjobs is not an executable; build it with scripts/build.sh" >&2; exit 1; }
command -v zip >/dev/null 2>&1 || { echo "error: zip is missing; install it with scripts/install-deps.sh" >&2; exit 1; }

package_dir="$(mktemp -d)"
trap 'rm -rf "$package_dir"' EXIT

# Continuous worker: the folder's files as a zip (zip -j drops the folder
# name, so run.py sits at the top of the package).
zip -q -j "$package_dir/python-worker.zip" "$examples_dir/continuous-python-worker/run.py"
"$webjobs" deploy "$package_dir/python-worker.zip" --name python-worker --type continuous

# Triggered report: one script uploaded as a single file.
"$webjobs" deploy "$examples_dir/triggered-bash-report/run.sh" --name bash-report --type triggered

# Scheduled job: the schedule travels in settings.job inside the zip.
zip -q -j "$package_dir/node-schedule.zip" \
  "$examples_dir/scheduled-node/run.js" "$examples_dir/scheduled-node/settings.job"
"$webjobs" deploy "$package_dir/node-schedule.zip" --name node-schedule --type triggered

# Java: only the built jar is deployed, not the sources. The CLI uploads a
# .jar as one file, and the host runs it with java -jar.
hello_jar="${HELLO_JAR:-$package_dir/hello.jar}"
if [[ ! -f "$hello_jar" ]]; then
  "$examples_dir/java-hello/build.sh" "$hello_jar"
fi
"$webjobs" deploy "$hello_jar" --name java-hello --type triggered

echo "deployed python-worker, bash-report, node-schedule and java-hello to $WEBJOBS_URL"
