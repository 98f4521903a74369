#!/usr/bin/env bash
# Sets up a demo of webjobs on this machine: installs the Debian packages,
# builds the release binary and the Java example, starts `webjobs serve` in
# the background, deploys the four example jobs and runs one of them.
# Run it again to rebuild and restart the host it started.
#
# Usage: sudo scripts/setup.sh
# Environment:
#   WEBJOBS_ROOT    data root of the demo host (default $HOME/webjobs-demo)
#   WEBJOBS_LISTEN  address and port to listen on (default 127.0.0.1:8420)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

root="${WEBJOBS_ROOT:-${HOME:?HOME is not set; set WEBJOBS_ROOT}/webjobs-demo}"
listen="${WEBJOBS_LISTEN:-127.0.0.1:8420}"
url="http://$listen"
webjobs="$WEBJOBS_REPO/build/webjobs"
pid_file="$root/webjobs.pid"
host_log="$root/webjobs.log"
export PATH="$WEBJOBS_SYSTEM_PATH"

health_ok() {
  curl -fsS --max-time 2 "$url/api/health" >/dev/null 2>&1
}

# Prints the pid from the pid file when that process is still a
# `webjobs serve` for this root; prints nothing otherwise.
running_host_pid() {
  [[ -f "$pid_file" ]] || return 0
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  if [[ "$cmdline" == *webjobs*serve*"$root"* ]]; then
    echo "$pid"
  fi
}

stop_previous_host() {
  local pid
  pid="$(running_host_pid)"
  [[ -n "$pid" ]] || return 0
  log "stopping the host this script started before (pid $pid)"
  kill -TERM "$pid"
  # The host gives running jobs their stop wait (30 s at most by default).
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  die "host pid $pid did not exit within 60 s of SIGTERM; stop it and run this script again"
}

start_host() {
  if health_ok; then
    die "another process already serves $url; stop it or set WEBJOBS_LISTEN=127.0.0.1:<port>"
  fi
  mkdir -p "$root"
  log "starting webjobs serve --root $root --listen $listen (log: $host_log)"
  nohup "$webjobs" serve --root "$root" --listen "$listen" >>"$host_log" 2>&1 </dev/null &
  echo "$!" >"$pid_file"

  local pid
  pid="$(cat "$pid_file")"
  for _ in $(seq 1 120); do
    if health_ok; then
      log "host is up (pid $pid)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$host_log" >&2 || true
      die "the host exited during start-up; its log is $host_log"
    fi
    sleep 0.5
  done
  tail -n 30 "$host_log" >&2 || true
  die "$url/api/health did not return 200 within 60 s; see $host_log"
}

log "data root: $root"
"$WEBJOBS_REPO/scripts/install-deps.sh"
"$WEBJOBS_REPO/scripts/build.sh" release
mkdir -p "$WEBJOBS_REPO/build/examples"
"$WEBJOBS_REPO/examples/java-hello/build.sh" "$WEBJOBS_REPO/build/examples/hello.jar"

stop_previous_host
start_host

export WEBJOBS_URL="$url"
log "deploying the example jobs"
WEBJOBS_BIN="$webjobs" HELLO_JAR="$WEBJOBS_REPO/build/examples/hello.jar" \
  "$WEBJOBS_REPO/examples/deploy.sh"

log "running bash-report once and waiting for it to finish"
"$webjobs" run bash-report --args 'hello "from setup"' --wait

log "jobs on this host"
"$webjobs" list

cat <<SUMMARY

webjobs is running at $url (pid $(cat "$pid_file")).

  List the jobs:          $webjobs list
  Output of a job:        $webjobs logs python-worker
                          $webjobs logs bash-report
  Run a triggered job:    $webjobs run bash-report --args "a b" --wait
  REST API:               curl $url/api/webjobs
  Host log:               $host_log
  Job files:              $root/site/wwwroot/App_Data/jobs/
  Job logs and run data:  $root/data/jobs/
  Stop the host:          kill \$(cat $pid_file)

The CLI finds the host through --url or WEBJOBS_URL; for this host:
  export WEBJOBS_URL=$url
node-schedule runs every 15 seconds; python-worker prints a heartbeat every 5.
SUMMARY
