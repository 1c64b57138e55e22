#!/usr/bin/env bash
# The wire rounds of BENCHMARKS.md ("Wire harness: heliosdb serve, PostgreSQL 15, Redis 7"): starts
# each server on this machine, runs every measurement against it, stops it. Prints each command
# with the load average just before it.
#
#   ./mvnw -q -pl bench -am -DskipTests package && bench/wire-rounds.sh [SECONDS] [ROUNDS...]
#
# SECONDS: measured seconds per harness run (default 8, after 3 s warm-up). ROUNDS (default all):
# pubsub (throughput, latency, fan-out, 1000-connection broadcast), memory, broadcast10k,
# postgres10k (10,000 PostgreSQL backends: ~15 GB of memory and 1.5 min to connect on 2 cores).
# Ports: PostgreSQL 5499 (data in /tmp/benchwire-pg, thrown away), Redis 6390; heliosdb picks one.
# Needs `ulimit -n` >= 20000 for the 10,000-connection round; root runs PostgreSQL as postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-8}
shift || true
rounds=${*:-pubsub memory broadcast10k postgres10k}
jar=bench/target/benchmarks.jar
pgbin=/usr/lib/postgresql/15/bin
pgdata=/tmp/benchwire-pg
pgport=5499
redisport=6390

as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# pgjdbc publishers use the extended protocol (its default mode, the headline rows), then
# preferQueryMode=simple (the second rows) for the publish rounds; QUERY_MODES=extended (or
# simple) runs one of them. Redis has no modes: its rows run once. Fan-out rows use the first mode.
modes=${QUERY_MODES:-${QUERY_MODE:-extended simple}}
mode=${modes%% *}
run() {
  echo "# $(uptime | sed 's/.*load average/load average/')"
  echo "\$ java -Dheliosdb.bench.queryMode=$mode -cp $jar io.heliosdb.nano.bench.$*"
  java -Dheliosdb.bench.queryMode="$mode" -cp "$jar" "io.heliosdb.nano.bench.$@" 2>&1 \
    | grep -v '^SLF4J' || true
}
start_pg() { # max_connections
  rm -rf "$pgdata"
  as_postgres "$pgbin/initdb" -D "$pgdata" -A trust >/dev/null
  as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata.log" -w \
    -o "-p $pgport -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=$1" start >/dev/null
  pgpid=$(head -1 "$pgdata/postmaster.pid")
}
stop_pg() { as_postgres "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null; }
start_redis() {
  redis-server --port $redisport --save '' --appendonly no --maxclients 11000 --daemonize yes \
    --pidfile /tmp/benchwire-redis.pid --logfile /tmp/benchwire-redis.log
  until redis-cli -p $redisport ping >/dev/null 2>&1; do sleep 0.2; done
  redispid=$(cat /tmp/benchwire-redis.pid)
}
stop_redis() { redis-cli -p $redisport shutdown nosave >/dev/null 2>&1 || true; }
start_heliosdb() { # --db argument, memory budget in MiB (default 1536: 1,000 sessions)
  # The log too: the redirection below truncates it only after $(...) has run, and the port loop
  # would meanwhile read the previous server's port from it.
  rm -f /tmp/benchwire-heliosdb.db* /tmp/benchwire-heliosdb.log
  local args=(--db "$1" --port 0 --no-http --max-connections 11000 --memory-limit-mb "${2:-1536}")
  # As ./heliosdb serve runs it: the JVM sized by the memory budget (heap, direct memory).
  # shellcheck disable=SC2046
  java $(java -jar server/target/heliosdb.jar serve "${args[@]}" --print-jvm-options) \
    -jar server/target/heliosdb.jar serve "${args[@]}" >/tmp/benchwire-heliosdb.log 2>&1 &
  heliosdbpid=$!
  heliosdbport=
  until [[ -n $heliosdbport ]]; do
    sleep 0.2
    heliosdbport=$(grep -o 'postgresql://127.0.0.1:[0-9]* ' /tmp/benchwire-heliosdb.log | cut -d: -f3 || true)
  done
  heliosdbport=${heliosdbport% }
  echo "# heliosdb serve ${args[*]} (pid $heliosdbpid, port $heliosdbport)"
  grep 'memory budget' /tmp/benchwire-heliosdb.log || true
}
stop_heliosdb() { kill "$heliosdbpid"; wait "$heliosdbpid" || true; }

pubsub() { # target port
  local each=$modes
  [[ $1 == redis ]] && each=${modes%% *}
  for mode in $each; do
    run WireNotifyHarness "$1" 127.0.0.1 "$2" 1 "$seconds" 0
    run WireNotifyHarness "$1" 127.0.0.1 "$2" 4 "$seconds" 0
    run WireNotifyHarness "$1" 127.0.0.1 "$2" 1 "$seconds" 2000
  done
  mode=${modes%% *}
  for listeners in 100 500 1000; do
    run WireNotifyHarness "$1" 127.0.0.1 "$2" 1 "$seconds" 0 "$listeners"
  done
  run WireBroadcastProbe "$1" 127.0.0.1 "$2" 1000 20
}

for round in $rounds; do
  echo "## $round, $(date -u '+%F %T') UTC, commit $(git rev-parse --short HEAD)"
  case $round in
    pubsub)
      start_heliosdb /tmp/benchwire-heliosdb.db
      pubsub heliosdb "$heliosdbport"
      stop_heliosdb
      start_pg 1100
      pubsub postgres $pgport
      stop_pg
      start_redis
      pubsub redis $redisport
      stop_redis
      ;;
    memory) # a fresh server for each probe
      for names in shared distinct; do
        start_heliosdb /tmp/benchwire-heliosdb.db
        run WireMemoryProbe heliosdb 127.0.0.1 "$heliosdbport" "$heliosdbpid" 100 900 $names
        stop_heliosdb
        start_pg 1100
        run WireMemoryProbe postgres 127.0.0.1 $pgport "$pgpid" 100 900 $names
        stop_pg
        start_redis
        run WireMemoryProbe redis 127.0.0.1 $redisport "$redispid" 100 900 $names
        stop_redis
      done
      ;;
    broadcast10k)
      # A listening session holds only its socket: it opens no SQLite connection (2 more
      # descriptors with a file: db, -wal), so 10,000 of them fit in `ulimit -n 20000` either way.
      # 10,000 listening sessions need a budget of about 10,000 x 40 KiB / (3/8) + 80 MiB.
      start_heliosdb :memory: 1536
      run WireBroadcastProbe heliosdb 127.0.0.1 "$heliosdbport" 10000 20
      stop_heliosdb
      start_heliosdb /tmp/benchwire-heliosdb.db 1536
      run WireBroadcastProbe heliosdb 127.0.0.1 "$heliosdbport" 10000 20
      echo "# server log: $(grep -c 'Too many open files' /tmp/benchwire-heliosdb.log) x 'Too many open files'"
      stop_heliosdb
      start_redis
      run WireBroadcastProbe redis 127.0.0.1 $redisport 10000 20
      stop_redis
      # PostgreSQL: a process per connection (~1.2 MB Pss each); 2,000 here, 10,000 below.
      start_pg 2100
      run WireBroadcastProbe postgres 127.0.0.1 $pgport 2000 20
      stop_pg
      ;;
    postgres10k)
      start_pg 10100
      echo "# MemAvailable before: $(awk '/MemAvailable/{print $2}' /proc/meminfo) kB"
      run WireBroadcastProbe postgres 127.0.0.1 $pgport 10000 20
      stop_pg
      ;;
    *) echo "unknown round $round" >&2; exit 2 ;;
  esac
done
