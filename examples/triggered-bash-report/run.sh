#!/usr/bin/env bash
# Triggered WebJob example: prints a short report about the run it is in.
#
# It shows its arguments (from `webjobs run bash-report --args "..."` or
# POST .../run?arguments=...), the WEBJOBS_* variables the host sets, and
# writes one line to stderr, which the run's log marks as ERR. Each run
# appends a line to report-history.txt in WEBJOBS_DATA_PATH.
#
# Deploy:  webjobs deploy run.sh --name bash-report --type triggered
# Try it:  bash run.sh first "second arg"
set -euo pipefail

echo "Report of job ${WEBJOBS_NAME:-(WEBJOBS_NAME not set)}, run ${WEBJOBS_RUN_ID:-(WEBJOBS_RUN_ID not set)}"
echo "Job type: ${WEBJOBS_TYPE:-(not set)}"
echo "Argument count: $#"
position=1
for argument in "$@"; do
  echo "  argument $position: $argument"
  position=$((position + 1))
done
echo "WEBJOBS_COMMAND_ARGUMENTS: ${WEBJOBS_COMMAND_ARGUMENTS:-}"
echo "Working directory: $(pwd)"
echo "Host: $(uname -n), user: $(id -un), bash ${BASH_VERSION}"

if [[ -n "${WEBJOBS_DATA_PATH:-}" ]]; then
  history_file="$WEBJOBS_DATA_PATH/report-history.txt"
  printf '%s run=%s args=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "${WEBJOBS_RUN_ID:-}" "$*" >>"$history_file"
  echo "Runs recorded so far: $(wc -l <"$history_file")"
fi

echo "This line goes to stderr, so the log shows it as ERR" >&2
echo "Report done"
