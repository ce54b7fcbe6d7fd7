#!/usr/bin/env bash
# One of examples/ on this machine, end to end (examples/<name>/README.md): brt-gps, paginated-api, usuarios-mirror;
# or the usuarios workload alone (usuarios-workload). Starts everything it needs, stops it all at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dotnet build Serverless.sln -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet tools/Examples/bin/Release/net10.0/Examples.dll "$@"
