#!/usr/bin/env bash
# Builds the FaceSorter image (Containerfile) on a Debian machine with the .NET 10 SDK, without any
# image registry: installs podman, runc, debootstrap and podman-compose when missing, configures podman for
# this kind of machine, makes a minimal Debian base with debootstrap from the mirror apt already
# uses (built once, then reused), publishes the app and runs `podman build --format docker` (the
# only format that keeps the HEALTHCHECK).
#
#   scripts/build-image.sh [--tag NAME] [--uid N --gid N]   build (default tag localhost/facesorter:latest)
#   scripts/build-image.sh --publish-only                     only publish into artifacts/image/, for
#                                                             `docker build .` elsewhere (README)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/apt-install.sh

tag=localhost/facesorter:latest
uid="$(id -u)"
gid="$(id -g)"
publish_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --uid) uid="$2"; shift 2 ;;
    --gid) gid="$2"; shift 2 ;;
    --publish-only) publish_only=true; shift ;;
    *) echo "unknown argument: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
# Run as root here, the files would belong to root: default to the usual first user instead.
if [ "$uid" = 0 ]; then uid=1000; gid=1000; fi

base=localhost/facesorter-base:bookworm
publish_dir=artifacts/image

# The app is published here (the image holds no SDK): say how to get the SDK before anything else
# is installed or built, rather than failing half-way with "dotnet: command not found".
if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
  cat >&2 <<'EOF'
The .NET 10 SDK is needed to publish the app into the image (dotnet was not found, or has no 10.x SDK).
Install it (README "Quick start"), e.g. without root:
  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0
  export PATH="$HOME/.dotnet:$PATH"
or Microsoft's Debian packages: https://learn.microsoft.com/dotnet/core/install/linux-debian
Then run this script again.
EOF
  exit 1
fi

publish() {
  # Self-contained (Debian ships no .NET 10 runtime), linux-x64 only, no .pdb, English messages only.
  # Not trimmed: trimming turns off reflection-based System.Text.Json and the minimal-API runtime
  # path, and a trimmed build failed every move (README "Container image", "Size and start").
  rm -rf "$publish_dir"
  dotnet publish src/FaceSorter.App -c Release -r linux-x64 --self-contained true \
    -p:PublishTrimmed=false -p:DebugType=none -p:DebugSymbols=false -p:SatelliteResourceLanguages=en \
    -o "$publish_dir" --nologo -v quiet
  # The .NET debugger's helpers: no debugger runs in the image.
  rm -f "$publish_dir"/createdump "$publish_dir"/libmscordbi.so "$publish_dir"/libmscordaccore.so
}

if $publish_only; then
  publish
  echo "Published to $publish_dir; build with: docker build -t facesorter ."
  exit 0
fi

install_missing() {
  local need=()
  command -v podman >/dev/null 2>&1 || need+=(podman)
  command -v runc >/dev/null 2>&1 || need+=(runc)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  command -v podman-compose >/dev/null 2>&1 || need+=(podman-compose)
  apt_install_missing ${need[@]+"${need[@]}"}
}

configure_podman() {
  # The default crun cannot run here, and podman's default ulimits exceed this machine's limits.
  local conf=/etc/containers/containers.conf
  if [ -f "$conf" ] && grep -q '^runtime *= *"runc"' "$conf" && grep -q '^default_ulimits' "$conf"; then
    return
  fi
  if [ -f "$conf" ] && grep -q '^\[\(containers\|engine\)\]' "$conf"; then
    echo "$conf exists: add default_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"] under [containers] and runtime = \"runc\" under [engine]" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Not root: cannot write $conf (see scripts/build-image.sh)" >&2
    exit 1
  fi
  mkdir -p /etc/containers
  cat >>"$conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
EOF
}

mirror() {
  # The first Debian mirror apt uses (deb822 sources or the one-line format).
  local uri
  uri="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)"
  [ -n "$uri" ] || uri="$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep -v security | head -n1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

make_base() {
  if podman image exists "$base"; then
    return
  fi
  local root
  root="$(mktemp -d /var/tmp/facesorter-base.XXXXXX)"
  trap 'rm -rf "$root"' RETURN
  echo "Making the base image $base with debootstrap from $(mirror)"
  # What a self-contained .NET app needs beyond minbase: libssl3 (HTTPS), CA certificates, time zones.
  debootstrap --variant=minbase --include=libssl3,ca-certificates,tzdata bookworm "$root" "$(mirror)" >/dev/null
  # Nothing in the image installs packages: drop apt's caches, documentation and locales.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
         "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
         "$root"/var/log/*.log "$root"/var/log/apt/*
  tar -C "$root" -c . | podman import --message "debootstrap --variant=minbase bookworm" - "$base" >/dev/null
}

install_missing
configure_podman
make_base
publish
podman build --format docker --build-arg BASE="$base" --build-arg UID="$uid" --build-arg GID="$gid" \
  --build-arg PUBLISH_DIR="$publish_dir" -t "$tag" -f Containerfile . >/dev/null
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$tag"
