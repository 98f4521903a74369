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
#   WEBJOBS_USER, WEBJOBS_PASSWORD or WEBJOBS_TOKEN
#                   credentials for deploying the examples; by default the
#                   admin password the host wrote to $WEBJOBS_ROOT/data/admin-password.txt
#                   on its first start
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

password_file="$root/data/admin-password.txt"

# True when a webjobs host responds at $url. Every route needs credentials,
# so a 401 counts as a response too.
health_ok() {
  local code
  code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 2 "$url/api/health" 2>/dev/null || true)"
  [[ "$code" == 200 || "$code" == 401 ]]
}

# Exports the credentials the CLI signs in with: the caller's, else the
# first admin's password file.
use_credentials() {
  if [[ -n "${WEBJOBS_TOKEN:-}" || (-n "${WEBJOBS_USER:-}" && -n "${WEBJOBS_PASSWORD:-}") ]]; then
    return 0
  fi
  [[ -r "$password_file" ]] || die "no credentials: $password_file is gone (deleted after the \
admin password was changed?); set WEBJOBS_USER and WEBJOBS_PASSWORD and run this script again"
  export WEBJOBS_USER=admin
  WEBJOBS_PASSWORD="$(head -n 1 "$password_file")"
  export WEBJOBS_PASSWORD
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
new_password=0
[[ -e "$password_file" ]] || new_password=1
start_host
[[ -e "$password_file" ]] || new_password=0
use_credentials

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
  REST API:               curl -u admin:PASSWORD $url/api/webjobs
  Host log:               $host_log
  Job files:              $root/site/wwwroot/App_Data/jobs/
  Job logs and run data:  $root/data/jobs/
  Stop the host:          kill \$(cat $pid_file)

Every request needs credentials. The host created the user "admin" on its
first start; its password is in $password_file (readable only by its owner).
Change it with \`webjobs user passwd admin\`, then delete that file.

The CLI finds the host through --url or WEBJOBS_URL and signs in with
WEBJOBS_USER and WEBJOBS_PASSWORD (or an API token in WEBJOBS_TOKEN):
  export WEBJOBS_URL=$url WEBJOBS_USER=admin
  read -rs WEBJOBS_PASSWORD && export WEBJOBS_PASSWORD
node-schedule runs every 15 seconds; python-worker prints a heartbeat every 5.
SUMMARY
if [[ "$new_password" -eq 1 ]]; then
  # Shown this once, as the host shows it only on a terminal.
  printf '\nThe password of admin is: %s\n' "$WEBJOBS_PASSWORD"
fi
