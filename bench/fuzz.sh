#!/usr/bin/env bash
# The long fuzz run of docs/security.md: coverage-guided fuzzing (Jazzer) of every parser a client
# reaches, each fuzz test in turn, for MINUTES each (default 10). `./mvnw verify` only replays the
# committed corpus; this finds new inputs.
#
#   bench/fuzz.sh [MINUTES] [module:Class#method ...]
#
# Jazzer fuzzes one test per JVM and stops a run at the test's maxDuration (2 minutes), so a target
# is run again until its minutes are spent; each run starts from the corpus the last one left in
# <module>/.cifuzz-corpus (not committed). A finding stops the run and is written to the test's
# resources (<Class>Inputs/<method>/crash-*), where `./mvnw verify` replays it from then on: fix the
# bug, keep the input. Prints per target: executions, coverage (libFuzzer's edges `cov` and features
# `ft`), corpus size, findings. Logs in target/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
shift || true
targets=${*:-core:io.heliosdb.nano.session.SqlTextFuzzTest#splitClassifyAndRewrite \
  core:io.heliosdb.nano.config.TomlConfigFuzzTest#load \
  server:io.heliosdb.nano.wire.WireDecodersFuzzTest#frames \
  server:io.heliosdb.nano.wire.auth.ScramExchangeFuzzTest#scramExchange \
  server:io.heliosdb.nano.wire.WireDecodersFuzzTest#authentication \
  server:io.heliosdb.nano.http.HttpParsersFuzzTest#requests \
  server:io.heliosdb.nano.http.HttpParsersFuzzTest#webSocketRequests}
# Coverage guides the fuzzer through our code and the libraries that parse for it (by default
# Jazzer instruments only the test's own package).
instrument="io.heliosdb.**,org.tomlj.**,com.fasterxml.jackson.core.**,io.netty.handler.codec.**"
mkdir -p target/fuzz
./mvnw -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl core,server test-compile
status=0
for target in $targets; do
  module=${target%%:*}
  test=${target#*:}
  deadline=$(($(date +%s) + minutes * 60))
  runs=0 execs=0 findings=0 cov="" corp=""
  while (($(date +%s) < deadline)); do
    name=${test##*.}
    log=target/fuzz/${name/\#/.}-$runs.log
    runs=$((runs + 1))
    if ! JAZZER_FUZZ=1 ./mvnw -o -B -ntp -Dspotless.check.skip=true -pl "$module" -am test \
        -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.instrument="$instrument" \
        >"$log" 2>&1; then
      findings=$((findings + 1))
      grep -m1 -A3 'FuzzTestFinding' "$log" || tail -n 20 "$log"
      status=1
      break
    fi
    done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1 || true)
    execs=$((execs + $(echo "$done_line" | awk '{print $2}' | sed 's/^$/0/')))
    stats=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
    cov=$(echo "$stats" | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
    corp=$(echo "$stats" | grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' || true)
  done
  echo "$test: $runs run(s), $execs executions, $cov, $corp, $findings finding(s)"
done
exit $status
