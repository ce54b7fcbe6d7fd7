#!/usr/bin/env bash
# Builds what is shipped (ADR 0013), with nothing beyond the .NET SDK:
#   <out>/functions.zip                    the function app as the Functions host reads it: host.json, one folder per
#                                          function with its function.json, the self-contained linux-x64 handler
#                                          (apphost `Functions`, mode 0755 whatever the OS: tools/PackageZip)
#                                          at the root; `azd deploy` ships this zip as is (azure.yaml)
#   <out>/uploader-linux-x64/uploader      NativeAOT
#   <out>/uploader-win-x64/uploader.exe    single-file, self-contained
#   <out>/SHA256SUMS                       sha256sum format, paths relative to <out>
# Options: --functions-only | --uploader <linux-x64|win-x64|all|none> (default all) | --no-functions | --out <dir>
# (default .artifacts/package). Each build uses its own intermediate folders (.artifacts/build) so it never
# disturbs a `dotnet build` of the same projects running beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

out=.artifacts/package
functions=1
uploaders=(linux-x64 win-x64)
while [ $# -gt 0 ]; do
  case "$1" in
    --functions-only) uploaders=() ;;
    --no-functions) functions=0 ;;
    --uploader)
      shift
      case "${1:-}" in
        linux-x64|win-x64) uploaders=("$1") ;;
        all) uploaders=(linux-x64 win-x64) ;;
        none) uploaders=() ;;
        *) echo "--uploader takes linux-x64, win-x64, all or none" >&2; exit 2 ;;
      esac ;;
    --out) shift; out=${1:?--out needs a directory} ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$out" in /*) ;; *) out=$root/$out ;; esac
build=$root/.artifacts/build
mkdir -p "$out"

publish() { # project rid output-dir [msbuild properties…]
  local project=$1 rid=$2 dir=$3
  shift 3
  rm -rf "$dir"
  dotnet publish "$project" -c Release -r "$rid" --artifacts-path "$build/$rid" -o "$dir" -nologo -v quiet "$@" >&2
}

if [ "$functions" -eq 1 ]; then
  echo "functions: publishing linux-x64 self-contained…" >&2
  staging=$build/functions-app
  publish functions/Functions.csproj linux-x64 "$staging" --self-contained true
  # Development settings never ship; symbols (.pdb) do: they are small and give line numbers in App Insights stacks.
  rm -f "$staging"/appsettings.Development.json
  # The host starts `defaultExecutablePath` from host.json: fail here, not at the first cold start, if it is not there.
  exe=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["customHandler"]["description"]["defaultExecutablePath"])' "$staging/host.json" 2>/dev/null \
        || sed -n 's/.*"defaultExecutablePath": *"\([^"]*\)".*/\1/p' "$staging/host.json")
  # -f, not -x: the zip's modes come from tools/PackageZip (0755 for this file), not from the file system, which has no
  # exec bit on Windows.
  [ -f "$staging/$exe" ] || { echo "host.json launches '$exe', which is not a file of the app root" >&2; exit 1; }
  dotnet run --project tools/PackageZip -c Release --artifacts-path "$build/tools" -- "$staging" "$out/functions.zip" >/dev/null
  echo "functions: $out/functions.zip ($(du -h "$out/functions.zip" | cut -f1))" >&2
fi

for rid in "${uploaders[@]}"; do
  echo "uploader: publishing $rid…" >&2
  publish uploader/Uploader.csproj "$rid" "$build/uploader-$rid"
  rm -rf "$out/uploader-$rid"
  mkdir -p "$out/uploader-$rid"
  case "$rid" in
    linux-x64) cp "$build/uploader-$rid/uploader" "$out/uploader-$rid/uploader" ;;
    win-x64) cp "$build/uploader-$rid/uploader.exe" "$out/uploader-$rid/uploader.exe" ;;
  esac
  echo "uploader: $(ls "$out/uploader-$rid"/*) ($(du -h "$out/uploader-$rid"/* | cut -f1))" >&2
done

# Checksums of everything present in <out> (a partial build keeps the others' lines current).
(cd "$out" && find . -type f ! -name SHA256SUMS \( -name functions.zip -o -path './uploader-*' \) | sed 's|^\./||' | sort \
  | xargs -r sha256sum > SHA256SUMS)
echo "checksums: $out/SHA256SUMS" >&2
