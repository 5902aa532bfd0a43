#!/usr/bin/env bash
# Runs every test: unit tests, integration tests (real watcher, real SQLite and PostgreSQL, real
# HTTP emulations of Immich and its ML service, Chromium for the page) and the process-level tests,
# then the container image's smoke test with podman (scripts/container-smoke-test.sh).
# Installs what is missing and starts a private PostgreSQL cluster for the run, then stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-prerequisites.sh
scripts/pg-test-server.sh start
published="$(mktemp -d)" && chmod 755 "$published"  # other users run it in the tests
trap 'scripts/pg-test-server.sh stop; rm -rf "$published"' EXIT
FACESORTER_TEST_PG="$(cat .pgtest/connection)"
export FACESORTER_TEST_PG

dotnet build FaceSorter.sln -c Release --nologo -v quiet
# The process-level tests run the published app. Publishing it here, once, keeps its 30-40 s of
# ReadyToRun compilation out of the tests' deadlines (tests/FaceSorter.IntegrationTests/Support/PublishedApp.cs).
FACESORTER_PUBLISHED="$published"
export FACESORTER_PUBLISHED
dotnet publish src/FaceSorter.App -c Release -o "$FACESORTER_PUBLISHED" --nologo -v quiet
# The output is long and a CI page may show only its end, so the failures are repeated there.
mkdir -p TestResults
log=TestResults/test-output.log
if ! dotnet test FaceSorter.sln -c Release --no-build --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"; then
  echo
  echo "== The failed tests again (whole output: $log) =="
  grep -E -A 30 '^\s+Failed [A-Za-z_]' "$log" | head -n 400
  exit 1
fi
scripts/container-smoke-test.sh
