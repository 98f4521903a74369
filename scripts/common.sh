# Shared helpers for the scripts in this folder. Source it, do not run it.
# shellcheck shell=bash

# Absolute path of the repository (the parent of scripts/).
WEBJOBS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WEBJOBS_REPO

# Debian's interpreters first, so a per-user shim (pyenv, nvm) earlier on
# PATH does not change which python3 or node runs builds, tests and jobs.
export WEBJOBS_SYSTEM_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

log() {
  printf '==> %s\n' "$*"
}

warn() {
  printf 'warning: %s\n' "$*" >&2
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root, and sudo is not installed; run this script as root"
  fi
}

# Prints "<minutes>m<seconds>s" for a number of seconds.
format_duration() {
  local seconds="$1"
  printf '%dm%02ds' "$((seconds / 60))" "$((seconds % 60))"
}

# Prints the comment block at the top of a script (after the #! line).
print_header_comment() {
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$1"
}
