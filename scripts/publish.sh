#!/usr/bin/env bash
# Publishes the self-contained-free app to ./publish (or $1): run it as ./publish/facesorter.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-publish}"
dotnet publish src/FaceSorter.App -c Release -o "$out" --nologo
echo "Published to $out: run $out/facesorter --help"
