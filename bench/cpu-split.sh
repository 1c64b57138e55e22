#!/usr/bin/env bash
# CPU per delivered notification of the server and of the harness (BENCHMARKS.md, "Issue 14, last
# round"): starts one server, runs WireNotifyHarness against it, and divides each process's user +
# system time (/proc/PID/stat, JVM start and JIT included) by the deliveries of the whole run.
#
#   bench/cpu-split.sh nio|epoll|redis PUBLISHERS SECONDS [RATE] [LISTENERS]
#
# nio and epoll: heliosdb serve on that transport (-Dheliosdb.transport); redis: redis-server.
# Needs server/target/heliosdb.jar and bench/target/benchmarks.jar. Ports 41060 and 6390.
set -euo pipefail
cd "$(dirname "$0")/.."
what=$1 publishers=$2 seconds=$3 rate=${4:-0} listeners=${5:-1}
log=/tmp/cpu-split-server.log db=/tmp/cpu-split.db
if [[ $what == redis ]]; then
  redis-server --port 6390 --save '' --appendonly no --daemonize yes \
    --pidfile /tmp/cpu-split-redis.pid --logfile /tmp/cpu-split-redis.log
  until redis-cli -p 6390 ping >/dev/null 2>&1; do sleep 0.2; done
  server=$(cat /tmp/cpu-split-redis.pid) target=redis port=6390
else
  rm -f "$db"* "$log"
  args=(serve --db "$db" --port 41060 --no-http --max-connections 2000)
  java -Dheliosdb.transport="$what" $(java -jar server/target/heliosdb.jar "${args[@]}" \
    --print-jvm-options) -jar server/target/heliosdb.jar "${args[@]}" >"$log" 2>&1 &
  server=$! target=heliosdb port=41060
  until grep -qs serving "$log"; do sleep 0.2; done
fi
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }
before=$(ticks "$server")
java -Dheliosdb.bench.queryMode="${QUERY_MODE:-extended}" -cp bench/target/benchmarks.jar \
  io.heliosdb.nano.bench.WireNotifyHarness "$target" 127.0.0.1 "$port" "$publishers" "$seconds" \
  "$rate" "$listeners" >/tmp/cpu-split-harness.log 2>&1 &
harness=$!
used=0
while kill -0 "$harness" 2>/dev/null; do
  t=$(ticks "$harness") && used=$t
  sleep 0.1
done
after=$(ticks "$server")
total=$(grep -o 'lost [0-9]* of [0-9]*' /tmp/cpu-split-harness.log | awk '{print $4}')
hz=$(getconf CLK_TCK)
grep -v SLF4J /tmp/cpu-split-harness.log
echo "$what: server CPU $(( (after - before) * 1000000 / hz / total )) µs per delivery," \
  "harness $(( used * 1000000 / hz / total )) µs per delivery ($total deliveries)"
if [[ $what == redis ]]; then
  redis-cli -p 6390 shutdown nosave >/dev/null 2>&1 || true
else
  kill "$server"
  wait "$server" 2>/dev/null || true
fi
