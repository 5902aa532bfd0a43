#!/usr/bin/env bash
# Runs the daemon on the embedded defaults from a checkout: ./facesorter.json (created from
# etc/facesorter.json on first start), data in ./data/, logs in ./logs/, web page on 127.0.0.1:8765.
# Extra arguments go to `facesorter run`, e.g. --config /path/to/facesorter.json.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project src/FaceSorter.App -- run "$@"
