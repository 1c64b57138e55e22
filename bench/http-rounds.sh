#!/usr/bin/env bash
# The HTTP gateway rounds of BENCHMARKS.md: starts `heliosdb serve --db :memory:` (HTTP and wire
# ports picked free, both max_connections raised by a throw-away heliosdb.toml), runs the HTTP
# harness against it, stops it. Prints each command with the load average just before it.
#
#   ./mvnw -q -pl server,bench -am -DskipTests package && bench/http-rounds.sh [SECONDS] [ROUNDS...]
#
# SECONDS: measured seconds per harness run (default 8, after 3 s warm-up). ROUNDS (default all):
#   throughput  deliveries/s to 1,000 SSE clients, then 1,000 WebSocket clients, the publisher
#               (pgjdbc NOTIFY) kept at most 256 notifications ahead of the slowest client
#   latency     send-to-read latency at 200 and 500 notifications/s to 1,000 clients: SSE and
#               WebSocket, published by pgjdbc NOTIFY and by POST /channels/bench; the same over
#               the wire protocol (WireNotifyHarness, 1,000 LISTEN sessions) for comparison
#   memory      server memory per idle client: 1,000 then 5,000 SSE clients, then WebSocket
#               clients, a fresh server each (5,000 needs `ulimit -n` above ~5,100)
# CLIENTS=N and MEMORY_COUNTS="N1 N2" override the 1,000 clients and the memory steps (smoke runs:
# CLIENTS=100 MEMORY_COUNTS="100 300" bench/http-rounds.sh 1).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-8}
shift || true
rounds=${*:-throughput latency memory}
jar=bench/target/benchmarks.jar
log=/tmp/benchhttp-heliosdb.log
config=/tmp/benchhttp-heliosdb.toml
clients=${CLIENTS:-1000}

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (($(ulimit -n) >= 5200)); then memory_counts="1000 5000"; else memory_counts="1000"; fi
memory_counts=${MEMORY_COUNTS:-$memory_counts}

run() {
  echo "# $(uptime | sed 's/.*load average/load average/')"
  echo "\$ java -cp $jar io.heliosdb.nano.bench.$*"
  java -cp "$jar" "io.heliosdb.nano.bench.$@" 2>&1 | grep -v '^SLF4J' || true
}
start_heliosdb() {
  cat >"$config" <<'TOML'
[server]
max_connections = 11000

[http]
max_connections = 11000
TOML
  java -jar server/target/heliosdb.jar serve --config "$config" --db :memory: --port 0 \
    --http-port 0 >"$log" 2>&1 &
  heliosdbpid=$!
  httpport=
  until [[ -n $httpport ]]; do
    sleep 0.2
    kill -0 "$heliosdbpid" || { cat "$log"; exit 1; }
    httpport=$(grep -o 'HTTP at http://127.0.0.1:[0-9]*' "$log" | cut -d: -f3 || true)
  done
  pgport=$(grep -o 'postgresql://127.0.0.1:[0-9]* ' "$log" | cut -d: -f3)
  pgport=${pgport% }
  echo "# heliosdb serve --db :memory: (pid $heliosdbpid, wire port $pgport, HTTP port $httpport," \
    "max_connections 11000, ulimit -n $(ulimit -n))"
}
stop_heliosdb() {
  kill "$heliosdbpid"
  wait "$heliosdbpid" || true
  if grep -q 'WARN\|ERROR\|Exception' "$log"; then
    echo "# server log:"
    grep 'WARN\|ERROR\|Exception' "$log" | sort | uniq -c | sort -rn | head -5
  fi
}

for round in $rounds; do
  echo "## $round, $(date -u '+%F %T') UTC, commit $(git rev-parse --short HEAD)"
  case $round in
    throughput)
      start_heliosdb
      for kind in sse ws; do
        run HttpNotifyHarness $kind 127.0.0.1 "$httpport" "pg:$pgport" "$seconds" 0 $clients
      done
      stop_heliosdb
      ;;
    latency)
      start_heliosdb
      for rate in 200 500; do
        for kind in sse ws; do
          for via in "pg:$pgport" post; do
            run HttpNotifyHarness $kind 127.0.0.1 "$httpport" "$via" "$seconds" $rate $clients
          done
        done
        run WireNotifyHarness heliosdb 127.0.0.1 "$pgport" 1 "$seconds" $rate $clients
      done
      stop_heliosdb
      ;;
    memory) # a fresh server for each kind: the heap grows and does not shrink
      for kind in sse ws; do
        start_heliosdb
        # shellcheck disable=SC2086
        run HttpMemoryProbe $kind 127.0.0.1 "$httpport" "$heliosdbpid" $memory_counts
        stop_heliosdb
      done
      ;;
    *) echo "unknown round $round" >&2; exit 2 ;;
  esac
done
