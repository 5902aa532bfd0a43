#!/usr/bin/env bash
# The image's smoke test (README "Tests and benchmarks"), run by scripts/test.sh: builds the image
# with scripts/build-image.sh (installing podman & co. when missing), then, with Immich unreachable
# (nothing here needs it: a file that is no image is sorted without asking Immich):
#   1. run: a host folder at /data; a file dropped by the host user is routed; the files the daemon
#      made belong to that user; `doctor` and `health` inside; `podman stop` exits 0 with "Stopped after".
#   2. remount: the same data at another container path, named by FACESORTER_CONFIG: the pending
#      review item stays pending, and `podman exec` and the health check use the same config.
#   3. writer: a host program holds a file open (written before the daemon started) while the
#      container runs with --pid host: the file is not taken until the program closes it.
#   4. compose: etc/compose/facesorter-upload.yml brought up by podman-compose: healthy, the page
#      refuses a request without the token but serves the page's CSS, a dropped file is routed.
#   5. unowned: a root-owned data folder stops the container with exit code 2 and one line naming
#      the owners and the fix (no stack trace, so no crash loop to read).
# Every wait polls a condition with a deadline. A step that cannot run fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

image=localhost/facesorter:smoke
scripts/build-image.sh --tag "$image"

uid="${SUDO_UID:-1000}"
gid="${SUDO_GID:-1000}"
[ "$(id -u)" -eq 0 ] || { uid="$(id -u)"; gid="$(id -g)"; }
work="$(mktemp -d /var/tmp/facesorter-smoke.XXXXXX)"
chmod 0755 "$work"
name="fs-smoke-$$"
project="fssmoke$$"
started=$SECONDS

cleanup() {
  [ ! -f "$work/writer.pid" ] || kill "$(cat "$work/writer.pid")" 2>/dev/null || true
  for c in "$name-run" "$name-remount" "$name-writer" "$name-compose" "$name-unowned"; do podman rm -f "$c" >/dev/null 2>&1 || true; done
  [ ! -f "$work/override.yml" ] || podman-compose -p "$project" -f etc/compose/facesorter-upload.yml -f "$work/override.yml" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "== $* ($((SECONDS - started)) s)"; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds or time is up.
wait_for() {
  local limit="$1" what="$2"; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "$what: not within ${limit} s"
    sleep 0.2
  done
}

# stays_for SECONDS DESCRIPTION COMMAND...: COMMAND must keep succeeding for the whole window.
stays_for() {
  local limit="$1" what="$2"; shift 2
  local deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    "$@" >/dev/null 2>&1 || fail "$what"
    sleep 0.2
  done
}

# As the host user who owns the data folder (this script runs as root on a test machine).
as_host() {
  if [ "$(id -u)" -eq "$uid" ]; then "$@"; else setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"; fi
}

# grep -q would stop reading early and fail the pipe (pipefail) with SIGPIPE: read it all.
logged() { podman logs "$1" 2>&1 | grep -F -- "$2" >/dev/null; }
owned_by_host() { [ "$(stat -c %u:%g "$1")" = "$uid:$gid" ]; }
exited() { [ "$(podman inspect --format '{{.State.Status}}' "$1")" = exited ]; }

# The daemon, fast for a test: no real Immich (port 9 refuses), short settle and grace periods.
run_daemon() {
  local container="$1"; shift
  podman run -d --name "$container" --user "$uid:$gid" \
    -e FACESORTER__Immich__Url=http://127.0.0.1:9 \
    -e FACESORTER__SettleTime=00:00:01 -e FACESORTER__BlindSettleTime=00:00:03 \
    -e FACESORTER__Review__RejectGrace=00:00:01 \
    "$@" "$image" >/dev/null 2>"$work/podman-run.err" || { cat "$work/podman-run.err" >&2; fail "podman run $container"; }
}

# A failed case prints its container's log once, so the cause can be read.
fail() { echo "FAIL: $*" >&2; [ ! -f "$work/writer.pid" ] || kill "$(cat "$work/writer.pid")" 2>/dev/null; for c in $(podman ps -a --filter "name=$name" --format '{{.Names}}'); do echo "--- log of $c" >&2; podman logs "$c" 2>&1 | tail -n 40 >&2; podman rm -f "$c" >/dev/null 2>&1; done; exit 1; }

stop_cleanly() {
  podman stop -t 40 "$1" >/dev/null 2>&1
  local code
  code="$(podman inspect --format '{{.State.ExitCode}}' "$1")"
  [ "$code" = 0 ] || { podman logs "$1" >&2; fail "$1 exited with $code after podman stop, not 0"; }
  logged "$1" "Stopped after" || fail "$1 did not log 'Stopped after' on SIGTERM"
}

data="$work/data"
install -d -o "$uid" -g "$gid" "$data"

# 1. A host folder at /data.
test_run() {
step "run: host folder at /data, owned by $uid:$gid"
t0=$(date +%s%N)
run_daemon "$name-run" -v "$data:/data"
wait_for 60 "the start-up summary ('is running in')" logged "$name-run" "is running in"
ready_ms=$((($(date +%s%N) - t0) / 1000000))
wait_for 30 "podman healthcheck run says healthy" podman healthcheck run "$name-run"
healthy_ms=$((($(date +%s%N) - t0) / 1000000))
echo "started: 'is running in' after ${ready_ms} ms, health check ok after ${healthy_ms} ms"

as_host sh -c 'printf "just some notes\n" > "$1"' _ "$data/temp_downloads/notes.txt"
wait_for 30 "notes.txt routed to review/unidentified/invalid_notes.txt" test -f "$data/review/unidentified/invalid_notes.txt"
[ ! -e "$data/temp_downloads/notes.txt" ] || fail "notes.txt is still in the drop folder"
for made in "$data/review/unidentified/invalid_notes.txt" "$data/facesorter.db" "$data/facesorter.json" "$data/review/unidentified" "$data/faces"; do
  owned_by_host "$made" || fail "$made belongs to $(stat -c %u:%g "$made"), not the host user $uid:$gid"
done

set +e
doctor="$(podman exec "$name-run" facesorter doctor 2>&1)"; doctor_code=$?
health="$(podman exec "$name-run" facesorter health 2>&1)"; health_code=$?
set -e
echo "$doctor"
grep -q '^ok    Store ' <<<"$doctor" || fail "doctor inside the container did not check the store"
grep -q '^ok    Running instance  a FaceSorter (pid 1)' <<<"$doctor" || fail "doctor did not see the daemon"
grep -q '^FAIL  Immich server' <<<"$doctor" || fail "doctor did not report the unreachable Immich"
[ "$doctor_code" = 1 ] || fail "doctor exited $doctor_code with Immich unreachable, not 1"
echo "$health"
[ "$health_code" = 0 ] || fail "health exited $health_code during an Immich outage, not 0"
grep -q '^immich: down' <<<"$health" || fail "health did not report Immich as down"
[ "$(podman inspect --format '{{.State.Health.Status}}' "$name-run")" = healthy ] || fail "podman does not record the container as healthy"
stop_cleanly "$name-run"
}

# 2. The same data at another container path: a pending review item must stay pending
#    (needs the store's relative paths, issue 12 part 4).
test_remount() {
step "remount: the same data at /srv/facesorter"
run_daemon "$name-remount" -v "$data:/srv/facesorter" -e FACESORTER_CONFIG=/srv/facesorter/facesorter.json
wait_for 60 "the remounted daemon's review reconciliation" logged "$name-remount" "Review records compared with disk"
wait_for 30 "the remounted container's health check (same config through FACESORTER_CONFIG)" podman healthcheck run "$name-remount"
stays_for 4 "the remounted daemon rejected the pending review item (see its log)" sh -c "! podman logs $name-remount 2>&1 | grep -qi rejected"
list="$(podman exec "$name-remount" facesorter review list 2>/dev/null)"
grep -qF 'invalid_notes.txt' <<<"$list" || { podman logs "$name-remount" >&2; fail "invalid_notes.txt is no longer pending after the remount: $list"; }
test -f "$data/review/unidentified/invalid_notes.txt" || fail "invalid_notes.txt left review/ after the remount"
stop_cleanly "$name-remount"
}

# 3. A host program writing into the drop folder, begun before the daemon (so inotify has seen
#    nothing) and still open: only the /proc scan, through --pid host, can see it
#    (needs the writer check by device and inode, issue 12 part 3).
test_writer() {
step "writer: a host program holds a file open, container with --pid host"
mkfifo "$work/release"
chmod 0666 "$work/release"
as_host sh -c 'exec 3>"$1"; printf "first half\n" >&3; read line < "$2"; printf "second half\n" >&3' _ "$data/temp_downloads/held.txt" "$work/release" &
writer_pid=$!
echo "$writer_pid" > "$work/writer.pid"
wait_for 10 "the host writer wrote its first half" test -s "$data/temp_downloads/held.txt"
as_host sh -c 'printf "finished\n" > "$1"' _ "$data/temp_downloads/control.txt"
run_daemon "$name-writer" -v "$data:/data" --pid host
wait_for 60 "control.txt (closed) routed while held.txt is open" test -f "$data/review/unidentified/invalid_control.txt"
# BlindSettleTime (3 s) + SettleTime (1 s) + margin: a file no check vouched for would be taken by now.
stays_for 6 "held.txt was taken while the host program still had it open" test -f "$data/temp_downloads/held.txt"
echo done > "$work/release"
wait "$writer_pid"; rm -f "$work/writer.pid"
wait_for 30 "held.txt routed once its writer closed it" test -f "$data/review/unidentified/invalid_held.txt"
grep -q 'second half' "$data/review/unidentified/invalid_held.txt" || fail "held.txt was routed without its second half"
stop_cleanly "$name-writer"
}

# 4. The compose example, with the data folder, the image and a free port put in by an override.
test_compose() {
step "compose: etc/compose/facesorter-upload.yml with podman-compose"
compose_data="$work/compose-data"
install -d -o "$uid" -g "$gid" "$compose_data"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The API key as a mounted file, as README "Compose" advises for podman-compose (which echoes
# environment values): the start-up summary must say the key is set.
install -m 600 -o "$uid" -g "$gid" /dev/null "$work/facesorter-api-key"
printf 'smoke-api-key\n' >"$work/facesorter-api-key"
cat >"$work/override.yml" <<EOF
services:
  facesorter:
    container_name: $name-compose
    image: $image
    volumes:
      - $work/facesorter-api-key:/run/secrets/immich-api-key:ro
    environment:
      FACESORTER__SettleTime: "00:00:01"
      FACESORTER__Immich__ApiKeyFile: /run/secrets/immich-api-key
EOF
export FACESORTER_DATA="$compose_data" FACESORTER_UID="$uid" FACESORTER_GID="$gid" FACESORTER_PORT="$port"
export FACESORTER_WEB_TOKEN="smoke-$RANDOM-$RANDOM-$RANDOM"
compose=(podman-compose -p "$project" -f etc/compose/facesorter-upload.yml -f "$work/override.yml")
"${compose[@]}" up -d >"$work/compose.log" 2>&1 || { cat "$work/compose.log" >&2; fail "podman-compose up"; }
wait_for 60 "the compose service's start-up summary" logged "$name-compose" "is running in Upload mode"
logged "$name-compose" "http://immich-server:2283" || fail "the compose service does not use http://immich-server:2283"
logged "$name-compose" "API key:     set" || fail "the compose service did not read the API key from the mounted file (FACESORTER__Immich__ApiKeyFile)"
wait_for 30 "the compose service is healthy" podman healthcheck run "$name-compose"
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/smart-download/status")"
[ "$code" = 401 ] || fail "the page answered $code without the token, not 401"
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/app.css")"
[ "$code" = 200 ] || fail "the page's stylesheet answered $code without the token, not 200 (the page opened with ?token= would be unstyled)"
curl -sf -H "Authorization: Bearer $FACESORTER_WEB_TOKEN" "http://127.0.0.1:$port/api/smart-download/status" | grep -q '"immich"' \
  || fail "the page did not answer with the token"
as_host sh -c 'printf "a list\n" > "$1"' _ "$compose_data/temp_downloads/list.txt"
wait_for 30 "list.txt routed by the compose service" test -f "$compose_data/review/unidentified/invalid_list.txt"
stop_cleanly "$name-compose"
"${compose[@]}" down >>"$work/compose.log" 2>&1 || { cat "$work/compose.log" >&2; fail "podman-compose down"; }
}

# 5. A data folder the daemon's user may not write (a runtime creates a missing host folder as root).
test_unowned() {
step "unowned: a root-owned data folder"
local unowned="$work/unowned"
install -d -o 0 -g 0 -m 0755 "$unowned"
run_daemon "$name-unowned" -v "$unowned:/data"
wait_for 30 "the container stops" exited "$name-unowned"
local code
code="$(podman inspect --format '{{.State.ExitCode}}' "$name-unowned")"
podman logs "$name-unowned" 2>&1 | tail -n 3
[ "$code" = 2 ] || fail "a root-owned data folder exited with $code, not 2 (config error)"
logged "$name-unowned" "/data belongs to 0:0 and FaceSorter runs as $uid:$gid" || fail "the refusal does not name both owners"
logged "$name-unowned" "Fix: sudo chown -R $uid:$gid /data" || fail "the refusal does not name the fix"
! logged "$name-unowned" "   at " || fail "the refusal printed a stack trace"
podman rm "$name-unowned" >/dev/null
}

# Each case runs in a subshell, so one failure (e.g. the remount case before issue 12 part 4 is in)
# does not hide the others; any failure fails the script.
failed=()
for case in test_run test_remount test_writer test_compose test_unowned; do
  ( set -euo pipefail; "$case" ) || failed+=("$case")
done

podman images --format 'image {{.Repository}}:{{.Tag}} {{.Size}}' "$image"
[ ${#failed[@]} -eq 0 ] || { echo "container smoke test FAILED: ${failed[*]} (the runs' logs are above)" >&2; exit 1; }
step "container smoke test passed"
