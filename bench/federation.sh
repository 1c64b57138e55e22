#!/usr/bin/env bash
# The federation round of BENCHMARKS.md ("Federation over NATS"): a nats-server and a redis-server
# on this machine; cross-node latency at 1,000 msgs/s and throughput per node through NATS
# (FederationLatencyHarness: two HeliosDB instances in one JVM), then Redis pub/sub between two
# clients (WireNotifyHarness) as the reference, in the same run. Prints each command with the load
# average just before it.
#
#   ./mvnw -q -pl bench -am -DskipTests package && bench/federation.sh [SECONDS]
#
# SECONDS: measured seconds per run (default 20, after 3 s warm-up). Ports: NATS 4299, Redis 6391.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
jar=bench/target/benchmarks.jar
natsport=4299
redisport=6391
natsdir=$(mktemp -d /tmp/benchfed-nats.XXXXXX)

run() {
  echo "# $(uptime | sed 's/.*load average/load average/')"
  echo "\$ java -cp $jar io.heliosdb.nano.bench.$*"
  java -cp "$jar" "io.heliosdb.nano.bench.$@" 2>&1 | grep -v '^SLF4J' || true
}

echo "## federation, $(date -u '+%F %T') UTC, commit $(git rev-parse --short HEAD)"
nats-server -a 127.0.0.1 -p $natsport -js -sd "$natsdir" >"$natsdir/log" 2>&1 &
natspid=$!
redis-server --port $redisport --save '' --appendonly no --daemonize yes \
  --pidfile /tmp/benchfed-redis.pid --logfile /tmp/benchfed-redis.log
trap 'kill $natspid 2>/dev/null; redis-cli -p $redisport shutdown nosave >/dev/null 2>&1; rm -rf "$natsdir"' EXIT
until redis-cli -p $redisport ping >/dev/null 2>&1; do sleep 0.2; done
until (exec 3<>/dev/tcp/127.0.0.1/$natsport) 2>/dev/null; do sleep 0.2; done

nats=nats://127.0.0.1:$natsport
run FederationLatencyHarness $nats "$seconds" 1000
# Throughput: as fast as one connection commits (the outgoing queue drops and counts what NATS
# cannot take), then fixed rates, to find the highest one delivered without loss.
run FederationLatencyHarness $nats "$seconds" 0
run FederationLatencyHarness $nats "$seconds" 0 100
for rate in 50000 100000 200000; do
  run FederationLatencyHarness $nats "$seconds" $rate
done
run WireNotifyHarness redis 127.0.0.1 $redisport 1 "$seconds" 1000
# Jedis waits for each PUBLISH's reply: one publisher is bound by the round trip, four are not.
run WireNotifyHarness redis 127.0.0.1 $redisport 1 "$seconds" 0
run WireNotifyHarness redis 127.0.0.1 $redisport 4 "$seconds" 0
