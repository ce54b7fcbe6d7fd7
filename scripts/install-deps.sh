#!/usr/bin/env bash
# Installs what the demo and the tests need and is missing: PostgreSQL server binaries (apt),
# Node.js/npm (apt) and Azurite (npm, into the project-local .tools/ folder). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if ! command -v dotnet >/dev/null; then
  echo "The .NET SDK is required (https://dotnet.microsoft.com/download); install it and run again." >&2
  exit 1
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${PG_BIN:-}" ]; then
  echo "installing PostgreSQL server (apt)…"
  apt_install postgresql
fi
# The Debian package starts a cluster of its own on 5432; the project never uses it.

if ! command -v npm >/dev/null; then
  echo "installing Node.js and npm (apt)…"
  apt_install nodejs npm
fi

if [ ! -x .tools/azurite/node_modules/.bin/azurite ]; then
  echo "installing Azurite into .tools/azurite (npm)…"
  mkdir -p .tools/azurite
  npm install --prefix .tools/azurite --no-audit --no-fund --loglevel=error azurite@3.37.0 >/dev/null
fi
