#!/usr/bin/env bash
# Runs Fabrique as N replicas behind HAProxy, everything under one folder (see docs/replicas.md).
#
#   deploy/replicas.sh start DIR      starts the replicas one after the other, then HAProxy
#   deploy/replicas.sh stop DIR       stops HAProxy, then the replicas (SIGTERM: they finish their requests)
#   deploy/replicas.sh status DIR     one line per process: its name, pid and whether it runs
#
# Settings, from the environment:
#   REPLICAS=2          how many Fabrique processes
#   FIRST_PORT=3001     the replicas listen on 127.0.0.1:FIRST_PORT .. FIRST_PORT+REPLICAS-1
#   PROXY_BIND=127.0.0.1:3000   where HAProxy listens (the forge's public address is in FORGE_BASE_URL)
#   FORGE_DATABASE_URL  postgres://… shared by every replica (events and job locks cross replicas through it)
#   FORGE_DATA_DIR, FORGE_REPOS_DIR   default DIR/data and DIR/repos, shared by every replica
#   FABRIQUE_NODE       the command that runs a replica (default: node --import tsx server/main.ts, from the checkout)
# Every other FORGE_* variable is passed to the replicas as it is.
#
# Layout of DIR: haproxy.cfg, run/*.pid, log/replica-N.log and log/haproxy.log (and data/, repos/ by default).
set -euo pipefail

command=${1:-}
dir=${2:-}
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|status DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
checkout=$(dirname "$here")
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
run="$dir/run"
logs="$dir/log"
replicas=${REPLICAS:-2}
first_port=${FIRST_PORT:-3001}
proxy_bind=${PROXY_BIND:-127.0.0.1:3000}
haproxy=${HAPROXY:-/usr/sbin/haproxy}

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_healthy() {
  local url=$1 pidfile=$2
  for _ in $(seq 1 600); do
    if ! running "$pidfile"; then return 1; fi
    if curl -fsS -o /dev/null "$url/api/healthz" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

start() {
  if [[ ! "$replicas" =~ ^[1-9][0-9]*$ ]]; then echo "REPLICAS must be a positive number, got \"$replicas\"" >&2; exit 2; fi
  mkdir -p "$run" "$logs"
  export FORGE_DATA_DIR=${FORGE_DATA_DIR:-$dir/data}
  export FORGE_REPOS_DIR=${FORGE_REPOS_DIR:-$dir/repos}
  export FORGE_BASE_URL=${FORGE_BASE_URL:-http://$proxy_bind}
  # HAProxy on this machine names the client in X-Forwarded-For.
  export FORGE_TRUST_PROXY=${FORGE_TRUST_PROXY:-127.0.0.1}
  if [[ -z "${FORGE_DATABASE_URL:-}" ]]; then
    echo "warning: FORGE_DATABASE_URL is not set: events and job locks stay within each replica (see docs/replicas.md)" >&2
  fi
  local servers=""
  for ((i = 1; i <= replicas; i++)); do
    local port=$((first_port + i - 1)) pidfile="$run/replica-$i.pid"
    servers+="    server replica-$i 127.0.0.1:$port check"$'\n'
    if running "$pidfile"; then echo "replica-$i already runs (pid $(cat "$pidfile"))"; continue; fi
    (
      cd "$checkout"
      # exec: the pid recorded is the replica's own, so that a signal reaches it.
      HOST=127.0.0.1 PORT=$port exec ${FABRIQUE_NODE:-node --import tsx server/main.ts} >>"$logs/replica-$i.log" 2>&1
    ) &
    echo $! >"$pidfile"
    # One at a time: the first one runs the migrations and writes data/secret, which the others read.
    if ! wait_healthy "http://127.0.0.1:$port" "$pidfile"; then
      echo "replica-$i did not become healthy: see $logs/replica-$i.log" >&2
      tail -n 20 "$logs/replica-$i.log" >&2 || true
      exit 1
    fi
    echo "replica-$i serves on 127.0.0.1:$port (pid $(cat "$pidfile"))"
  done
  local template="$here/haproxy/haproxy.cfg.template"
  # The server lines are inserted with awk: sed would read the newlines and slashes in them.
  awk -v bind="$proxy_bind" -v servers="$servers" '
    { gsub(/@BIND@/, bind) }
    /^@SERVERS@$/ { printf "%s", servers; next }
    { print }' "$template" >"$dir/haproxy.cfg"
  "$haproxy" -c -q -f "$dir/haproxy.cfg"
  # A new configuration (more replicas): the old HAProxy stops, the new one starts (a short gap).
  stop_pid haproxy "$run/haproxy.pid" >/dev/null
  # In the foreground of its own background job, so that its log goes to a file (a daemon closes stdout).
  "$haproxy" -db -f "$dir/haproxy.cfg" >>"$logs/haproxy.log" 2>&1 &
  echo $! >"$run/haproxy.pid"
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://$proxy_bind/api/healthz" 2>/dev/null; then
      echo "HAProxy serves on $proxy_bind (pid $(cat "$run/haproxy.pid"))"
      return 0
    fi
    sleep 0.1
  done
  echo "HAProxy does not answer on $proxy_bind: see $logs/haproxy.log" >&2
  exit 1
}

stop_pid() {
  local name=$1 pidfile=$2
  if running "$pidfile"; then
    local pid
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "$name (pid $pid) still runs after 15 s: killed" >&2; kill -KILL "$pid"; fi
    echo "$name stopped"
  fi
  rm -f "$pidfile"
}

stop() {
  stop_pid haproxy "$run/haproxy.pid"
  for pidfile in "$run"/replica-*.pid; do
    [[ -e "$pidfile" ]] || continue
    stop_pid "$(basename "$pidfile" .pid)" "$pidfile"
  done
}

status() {
  for pidfile in "$run"/haproxy.pid "$run"/replica-*.pid; do
    [[ -e "$pidfile" ]] || continue
    if running "$pidfile"; then state=running; else state=stopped; fi
    echo "$(basename "$pidfile" .pid) $(cat "$pidfile") $state"
  done
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status DIR" >&2; exit 2 ;;
esac
