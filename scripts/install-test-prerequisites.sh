#!/usr/bin/env bash
# Installs what the tests use from Debian's packages, only what is missing: PostgreSQL 15 (a
# private test cluster is started by scripts/pg-test-server.sh), gio (libglib2.0-bin) for the
# file-manager tests, curl, wget, aria2, gallery-dl and yt-dlp for the downloader tests, Chromium for the browser tests.
set -euo pipefail
. "$(dirname "$0")/lib/apt-install.sh"
need=()
command -v /usr/lib/postgresql/15/bin/initdb >/dev/null 2>&1 || need+=(postgresql-15)
command -v gio >/dev/null 2>&1 || need+=(libglib2.0-bin)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v wget >/dev/null 2>&1 || need+=(wget)
command -v aria2c >/dev/null 2>&1 || need+=(aria2)
command -v gallery-dl >/dev/null 2>&1 || need+=(gallery-dl)
command -v yt-dlp >/dev/null 2>&1 || need+=(yt-dlp)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v npm >/dev/null 2>&1 || need+=(npm) # fetches the real test photos below
apt_install_missing ${need[@]+"${need[@]}"}

# Real photographs for the near-duplicate tests and benchmark (issue 14): the demo photos of the npm
# package @vladmandic/face-api, unpacked into .testdata/face-api/ (gitignored), only if missing.
photos="$(cd "$(dirname "$0")/.." && pwd)/.testdata/face-api"
if [ ! -f "$photos/package/demo/sample1.jpg" ]; then
  echo "Fetching the test photos: npm pack @vladmandic/face-api@1.7.15"
  mkdir -p "$photos"
  tarball="$(cd "$photos" && npm pack --silent @vladmandic/face-api@1.7.15)"
  tar xzf "$photos/$tarball" -C "$photos" package/demo
  rm -f "$photos/$tarball"
fi
