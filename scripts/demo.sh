#!/usr/bin/env bash
# The demo: three synthetic municipalities through uploader → functions (custom handler + local queue
# dispatcher) → Azurite blob/queue → central PostgreSQL. Starts everything it needs, stops it all at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dotnet build Serverless.sln -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet tools/Demo/bin/Release/net10.0/Demo.dll "$@"
