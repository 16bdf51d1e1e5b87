#!/usr/bin/env bash
# boss watch against the real engine, with real edits while it runs in the background:
# sync rules copy into the running container (and restart it when asked), a change in a
# build context rebuilds that image and replaces exactly that service, restarting its
# dependents, a .dockerignore'd change does nothing, a failed build keeps the running
# container, an edit of services.lua recreates what changed, Ctrl-C leaves all running.
source "$(dirname "$0")/lib.sh" "$@"

new_project watch
IMAGE="$P/app:dev"
EXTRA_IMAGES+=("$IMAGE")
mkdir -p "$DIR/app/notes" "$DIR/site" "$DIR/conf"
cat >"$DIR/app/Dockerfile" <<EOF
FROM $BUSYBOX
COPY index.html /www/index.html
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
EOF
printf 'notes/\n*.log\n' >"$DIR/app/.dockerignore"
echo "version-1" >"$DIR/app/index.html"
echo "page-1" >"$DIR/site/page.txt"
echo "conf-1" >"$DIR/conf/x.conf"

services() {  # services BYSTANDER_MODE
  write_services <<EOF
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
Base:extend { name = "db" }
Base:extend {
  name = "app", dependencies = { "db" }, image = "$IMAGE", build_from_directory = "app",
  cmd = { "httpd", "-f", "-p", "8080", "-h", "/www" }, ping_interval = 0.1,
  ping = function(self) return (self:exec { "wget", "-qO-", "http://127.0.0.1:8080/" }) == 0 end,
}
Base:extend { name = "client", dependencies = { "app" } }
Base:extend { name = "bystander", env = { MODE = "$1" } }
Base:extend {
  name = "web",
  watch = { { path = "site", target = "/www", ignore = { "*.tmp" } },
            { path = "conf/x.conf", target = "/etc/x.conf", restart = true } },
}
EOF
}
services one

section "a sync rule whose path does not exist: one line, exit 2, nothing made"
services one
sed -i 's|path = "site"|path = "nowhere"|' "$DIR/services.lua"
expect_exit 2 boss watch
expect_one_line_stderr
expect_contains "$ERR" "service 'web': field 'watch' rule 1: path 'nowhere' does not exist" "stderr"
expect_nothing_created
services one

LOG=$DIR/watch.log
watch_events() { jq -r 'select(.type == "watch") | "\(.service // "") \(.text)"' "$LOG" 2>/dev/null; }
has_event() { watch_events | grep -qF -- "$1"; }
events_count() { watch_events | grep -cF -- "$1" || true; }

section "boss watch brings everything up, then watches"
# env --default-signal: a background job of a script would otherwise ignore SIGINT.
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json watch >"$LOG" 2>"$DIR/watch.err" &
WATCH_PID=$!
BG_PIDS+=("$WATCH_PID")
if wait_for 60 has_event "watching 5 services"; then pass "watching"; else fail "no watching line"; cat "$LOG" "$DIR/watch.err" | tail -20 | indent; fi
for s in db app client bystander web; do expect_state "$s" running; done
declare -A id started
snapshot() { local s; for s in db app client bystander web; do id[$s]=$(cid $s); started[$s]=$(inspect $s '{{.State.StartedAt}}'); done; }
snapshot
web_file() { docker exec "$(cid web)" cat "$1" 2>/dev/null; }

section "sync: a saved file is copied into the running container, no rebuild, no restart"
echo "page-2" >"$DIR/site/page.txt"
mkdir -p "$DIR/site/sub" && echo "deep" >"$DIR/site/sub/new.txt"
if wait_for 10 bash -c "[[ \$(docker exec ${id[web]} cat /www/page.txt) == page-2 ]]"; then pass "page.txt synced"; else fail "page.txt not synced" "got: $(web_file /www/page.txt)"; fi
wait_for 10 bash -c "[[ \$(docker exec ${id[web]} cat /www/sub/new.txt) == deep ]]"
expect_eq "$(web_file /www/sub/new.txt)" "deep" "a file in a new folder"
expect_eq "$(cid web)" "${id[web]}" "web's container"
expect_eq "$(inspect web '{{.State.StartedAt}}')" "${started[web]}" "web's start time (no restart)"
echo "scratch" >"$DIR/site/x.tmp"
rm "$DIR/site/page.txt"
if wait_for 10 bash -c "! docker exec ${id[web]} test -e /www/page.txt"; then pass "a deleted file is deleted in the container"; else fail "page.txt still in the container"; fi
expect_eq "$(web_file /www/x.tmp)" "" "a file the rule ignores is not copied"

section "sync with restart = true: copied, then the same container restarted"
echo "conf-2" >"$DIR/conf/x.conf"
if wait_for 15 bash -c "[[ \$(docker inspect -f '{{.State.StartedAt}}' ${id[web]}) != '${started[web]}' ]]"; then pass "web restarted"; else fail "web not restarted"; fi
wait_for 10 is_running web
expect_eq "$(web_file /etc/x.conf)" "conf-2" "x.conf in the container"
expect_eq "$(cid web)" "${id[web]}" "web's container after the restart"
expect_eq "$(events_count 'rebuilding')" "0" "rebuilds so far"
snapshot

section "a .dockerignore'd change does nothing"
echo "note" >"$DIR/app/notes/todo.txt"
echo "log" >"$DIR/app/debug.log"
sleep 1.5
expect_eq "$(events_count 'rebuilding')" "0" "rebuilds after ignored changes"
for s in db app client bystander web; do expect_eq "$(inspect $s '{{.State.StartedAt}}')" "${started[$s]}" "$s untouched"; done

section "a change in app's build context: app rebuilt and replaced, its dependent restarted, nothing else"
echo "version-2" >"$DIR/app/index.html"
if wait_for 60 bash -c "[[ \$(docker ps -q --no-trunc --filter label=boss.project=$P --filter label=boss.service=app) != '' && \$(docker ps -q --no-trunc --filter label=boss.project=$P --filter label=boss.service=app) != ${id[app]} ]]"; then
  pass "app replaced"; else fail "app not replaced"; tail -20 "$LOG" | indent; fi
# New-first: client is restarted once the new app is ready; wait for that restart first.
wait_for 30 bash -c "[[ \$(docker inspect -f '{{.State.Running}}' ${id[client]}) == true && \$(docker inspect -f '{{.State.StartedAt}}' ${id[client]}) != '${started[client]}' ]]"
wait_for 30 bash -c "[[ \$(docker exec \$(docker ps -q --filter label=boss.project=$P --filter label=boss.service=client) wget -qO- http://app:8080/) == version-2 ]]"
expect_eq "$(docker exec "$(cid client)" wget -qO- http://app:8080/ 2>&1)" "version-2" "what app serves now"
expect_eq "$(cid client)" "${id[client]}" "client keeps its container"
expect_ne "$(inspect client '{{.State.StartedAt}}')" "${started[client]}" "client's start time (restarted)"
expect_state client running
for s in db bystander web; do
  expect_eq "$(cid $s)" "${id[$s]}" "$s's container"
  expect_eq "$(inspect $s '{{.State.StartedAt}}')" "${started[$s]}" "$s's start time"
done
expect_eq "$(events_count 'app app/index.html changed: rebuilding')" "1" "one rebuild for one save"
wait_for 10 has_event "watching" # still alive
snapshot

section "a failed build leaves the running container as it was and says why"
cp "$DIR/app/Dockerfile" "$DIR/Dockerfile.good"
printf 'FROM %s\nRUN exit 3\n' "$BUSYBOX" >"$DIR/app/Dockerfile"
if wait_for 60 has_event "not replaced, the running container is left as it was"; then pass "the failure is reported"; else fail "no failure line"; tail -20 "$LOG" | indent; fi
for s in db app client bystander web; do
  expect_eq "$(cid $s)" "${id[$s]}" "$s's container after the failed build"
  expect_eq "$(inspect $s '{{.State.StartedAt}}')" "${started[$s]}" "$s's start time after the failed build"
done
expect_eq "$(docker exec "$(cid client)" wget -qO- http://app:8080/ 2>&1)" "version-2" "app still serves"
expect_true "boss watch still runs" kill -0 "$WATCH_PID"

section "services.lua: a broken edit keeps the running definition, a sound one recreates what changed"
cp "$DIR/Dockerfile.good" "$DIR/app/Dockerfile"
wait_for 60 bash -c "[[ \$(jq -r 'select(.type == \"watch\") | .text' '$LOG' | grep -c 'rebuilding') -ge 3 ]]"
wait_for 60 bash -c "[[ \$(docker ps -q --no-trunc --filter label=boss.project=$P --filter label=boss.service=app) != ${id[app]} ]]"
wait_for 20 bash -c "docker exec \$(docker ps -q --filter label=boss.project=$P --filter label=boss.service=client) wget -qO- http://app:8080/"
sleep 0.5
snapshot
echo 'this is not lua (' >>"$DIR/services.lua"
if wait_for 10 has_event "still running the previous definition"; then pass "a broken services.lua is reported"; else fail "no line for a broken services.lua"; tail -5 "$LOG" | indent; fi
expect_true "boss watch still runs" kill -0 "$WATCH_PID"
services two
sleep 0.06  # past the debounce: saved while boss reads services.lua again and execs itself
echo "page-during" >"$DIR/site/page.txt"
if wait_for 60 bash -c "[[ \$(docker ps -q --no-trunc --filter label=boss.project=$P --filter label=boss.service=bystander) != ${id[bystander]} && \$(docker ps -q --filter label=boss.project=$P --filter label=boss.service=bystander) != '' ]]"; then
  pass "bystander recreated"; else fail "bystander not recreated"; tail -20 "$LOG" | indent; fi
expect_eq "$(env_of bystander MODE)" "two" "bystander's MODE"
wait_for 30 bash -c "[[ \$(jq -r 'select(.type == \"watch\") | .text' '$LOG' | grep -c '^watching') -ge 2 ]]"
for s in db app client web; do expect_eq "$(cid $s)" "${id[$s]}" "$s's container after the services.lua edit"; done
expect_true "the same boss watch process goes on" kill -0 "$WATCH_PID"
if wait_for 20 bash -c "[[ \$(docker exec ${id[web]} cat /www/page.txt) == page-during ]]"; then
  pass "a save made during the re-exec is not lost (synced by the next process)"
else fail "page.txt saved during the re-exec was not synced" "got: $(web_file /www/page.txt)"; fi
echo "page-3" >"$DIR/site/page.txt"
if wait_for 10 bash -c "[[ \$(docker exec ${id[web]} cat /www/page.txt) == page-3 ]]"; then pass "syncs go on after the re-read"; else fail "no sync after the re-read"; fi

section "an edited .dockerignore: a folder it no longer ignores is watched from then on, one it ignores again is not"
rebuilds=$(events_count 'rebuilding') done_ops=$(jq -r 'select(.type == "summary") | .type' "$LOG" | grep -c .)
printf '*.log\n' >"$DIR/app/.dockerignore"
if wait_for 60 bash -c "[[ \$(jq -r 'select(.type == \"watch\") | .text' '$LOG' | grep -c 'rebuilding') -gt $rebuilds ]]"; then
  pass "the .dockerignore edit rebuilds app"; else fail "no rebuild for the .dockerignore edit"; fi
wait_for 60 bash -c "[[ \$(jq -r 'select(.type == \"summary\") | .type' '$LOG' | grep -c .) -gt $done_ops ]]"
echo "note-2" >"$DIR/app/notes/todo.txt"
if wait_for 30 has_event "app/notes/todo.txt changed: rebuilding"; then pass "a file in the folder no longer ignored rebuilds app"
else fail "no rebuild for app/notes/todo.txt"; tail -10 "$LOG" | indent; fi
done_ops=$(jq -r 'select(.type == "summary") | .type' "$LOG" | grep -c .)
wait_for 60 bash -c "[[ \$(jq -r 'select(.type == \"summary\") | .type' '$LOG' | grep -c .) -gt $done_ops ]]"
printf 'notes/\n*.log\n' >"$DIR/app/.dockerignore"
wait_for 60 bash -c "[[ \$(jq -r 'select(.type == \"summary\") | .type' '$LOG' | grep -c .) -gt $((done_ops + 1)) ]]"
rebuilds=$(events_count 'rebuilding')
echo "note-3" >"$DIR/app/notes/todo.txt"
sleep 1.5
expect_eq "$(events_count 'rebuilding')" "$rebuilds" "rebuilds after a change in a folder ignored again"

section "Ctrl-C: boss watch ends with 0, the services stay up"
kill -INT "$WATCH_PID"
RC=0
for _ in $(seq 100); do kill -0 "$WATCH_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$WATCH_PID" 2>/dev/null; then fail "boss watch still runs 10 s after Ctrl-C"; else wait "$WATCH_PID"; RC=$?; expect_eq "$RC" "0" "exit code after Ctrl-C"; fi
expect_true "the end is said" has_event "stopped watching"
for s in db app client bystander web; do expect_state "$s" running; done
((FAILURES > 0)) && { echo "boss watch said:"; watch_events | indent; cat "$DIR/watch.err" | indent; }

finish
