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
# dotnet test runs the solution's test projects on MSBuild nodes, one per core, in solution order; EndToEnd.Tests and
# Releases.Tests (the long ones) come first. A third node (-maxcpucount:3) was tried: the whole CI run took the same
# 930 s, and once the Wine self-update test then saw 0.3.0, not 1.1.0, as the updated run's last heartbeat (cause not found).
dotnet test Serverless.sln -c Release --no-build --nologo \
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
