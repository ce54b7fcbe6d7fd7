#!/usr/bin/env bash
# Runs every test (unit, integration on real PostgreSQL + Azurite, end-to-end) and prints "N passed, N failed".
# --no-build: the solution was just built by the same command (.ci/run passes it after scripts/demo.sh built it, to
# save the minute a second, no-op build of every project takes on a busy 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
case "${1:-}" in
  --no-build) build=0 ;;
  "") ;;
  *) echo "unknown option: $1 (scripts/test.sh [--no-build])" >&2; exit 2 ;;
esac
scripts/install-deps.sh
if [ "$build" -eq 1 ]; then dotnet build Serverless.sln -c Release -nologo -v quiet -clp:ErrorsOnly; fi

results=.artifacts/test-results
rm -rf "$results"
status=0
# dotnet test runs the solution's test projects on MSBuild nodes, by default one per core (two on the CI machine), in
# solution order, each project's classes two at a time (xunit: one thread per core). EndToEnd.Tests and Releases.Tests
# are the long ones (they were one project, the critical path, while the second node sat idle for its last minutes);
# much of their time is waiting on processes they started (uploader runs, cron, Wine, loads). Serverless.sln lists the
# two before every other test project, so with a third node both start at once and the third node takes the shorter
# projects one after another (then the node Releases.Tests frees too); with two nodes every shorter project would wait
# for one of the long ones.
dotnet test Serverless.sln -c Release --no-build --nologo -maxcpucount:3 \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
if [ "$failed" -gt 0 ]; then
  echo "Failed tests (from $results):"
  for trx in "$results"/*.trx; do if [ -f "$trx" ]; then awk -f scripts/lib/trx-failures.awk "$trx"; fi; done
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a crash that left no result still fails
echo "$passed passed, $failed failed"
exit "$status"
