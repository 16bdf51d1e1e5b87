#!/usr/bin/env bash
# Sidecars (`sidecars = { Cache, "name" }` on a job; copili's `sidecars`): helper containers
# made and readied (their ping) before each run of the job, on the project network under
# their names, and removed when the run ends: after success, failure, a timeout and Ctrl-C.
# --dry-run shows them; their events name the job; bad definitions are one line, exit 2.
source "$(dirname "$0")/lib.sh" "$@"

sidecars() { docker ps -aq --filter "label=boss.project=$P" --filter "label=boss.sidecar-of=$1"; }
# sidecar_states JOB SIDECAR: the states the sidecar's events went through in $OUT.
sidecar_states() {
  jq -r --arg j "$1" --arg s "$2" \
    'select(.type == "service" and .sidecar_of == $j and .service == $s) | if .state == "hook" then .hook else .state end' \
    <<<"$OUT" 2>/dev/null | uniq | tr '\n' ' ' | sed 's/ $//'
}

new_project sidecars
write_services <<'EOF2'
local boss = require "boss"
-- A web server that answers "from-cache" (its own ping checks it before the job begins).
local Cache = boss.Service:extend { name = "cache", image = "@IMG@", stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "mkdir -p /www && echo from-cache > /www/index.html && exec httpd -f -p 8080 -h /www" } }
function Cache:ping()
  local code = self:exec { "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/" }
  boss.log("cache ping " .. code)
  return code == 0
end
boss.Service:extend { name = "spare", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
boss.Job:extend { name = "load", image = "@IMG@", sidecars = { Cache, "spare" },
  env = { EXIT_CODE = os.getenv("JOB_EXIT") or "0" },
  cmd = { "sh", "-c", "wget -q -O- http://cache:8080/ && ping -c1 -W2 spare >/dev/null && echo reached-spare; exit $EXIT_CODE" } }
boss.Job:extend { name = "slow", image = "@IMG@", sidecars = { "cache" }, timeout = "1s", cmd = { "sleep", "600" },
  on_demand = true }
boss.Service:extend { name = "web", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" },
  dependencies = { "load" } }
EOF2

section "--dry-run shows the sidecars beside the job's run; nothing is made"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" start --dry-run
expect_eq "$RC" 0 "dry-run exit code"
expect_match "$OUT" "sidecar +load/cache +beside each run of load, removed when it ends \($BUSYBOX\)" "dry-run: cache"
expect_match "$OUT" "sidecar +load/spare" "dry-run: spare"
expect_not_contains "$OUT" "web/cache" "no sidecar beside a service"
expect_exit 0 boss start --dry-run --json
expect_eq "$(jq -c '.services[] | select(.service == "load") | .sidecars' <<<"$OUT")" '["cache","spare"]' "plan json"
expect_eq "$(count_containers)" 0 "dry-run made no container"

section "a job reaches its sidecars by name; they are gone once it ends"
expect_exit 0 boss start
expect_outcome load up create
expect_outcome web up
expect_eq "$(outcome cache)" "" "a sidecar is no service of the summary"
expect_eq "$(sidecar_states load cache)" "creating starting waiting up stopping removed" "cache's events"
expect_eq "$(sidecar_states load spare)" "creating starting waiting up stopping removed" "spare's events"
expect_contains "$(hook_output)" "cache: cache ping 0" "the sidecar's ping ran"
log_file=$(outcome load log_file)
expect_contains "$(cat "$log_file" 2>/dev/null)" "from-cache" "the job's output has the sidecar's answer"
expect_contains "$(cat "$log_file" 2>/dev/null)" "reached-spare" "the job reached the second sidecar"
expect_eq "$(sidecars load)" "" "no sidecar container after success"
# The dependent was created after the sidecars were removed: they end with the job's run.
expect_eq "$(docker ps -q --filter "label=boss.project=$P" | wc -l)" 1 "only web runs"

section "a done job is kept: no sidecars are made"
expect_exit 0 boss start
expect_outcome load kept
expect_eq "$(sidecar_states load cache)" "" "no cache events"

section "a failing run: the job fails, its sidecars are removed all the same"
JOB_EXIT=3 expect_exit 1 boss start
expect_outcome load failed "" "exited with code 3"
expect_eq "$(sidecar_states load cache)" "creating starting waiting up stopping removed" "cache's events"
expect_eq "$(sidecars load)" "" "no sidecar container after failure"

section "a run that times out: its sidecars are removed"
expect_exit 1 boss start slow
expect_outcome slow failed "" "timed out after 1 s"
expect_eq "$(sidecar_states slow cache)" "creating starting waiting up stopping removed" "slow's cache events"
expect_eq "$(sidecars slow)" "" "no sidecar container after the timeout"

section "Ctrl-C during the run: the sidecars are removed before boss exits"
out=$DIR/boss.out err=$DIR/boss.err
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json run-jobs slow >"$out" 2>"$err" &
pid=$!
BG_PIDS+=("$pid")
# The patched timeout is 1 s: catch it while it runs (the sidecar is up, the job waiting).
if wait_for 30 grep -q '"service":"slow","state":"waiting"' "$out"; then
  pass "slow is running"
else
  fail "slow should run within 30 s"
  cat "$out" "$err" | indent
fi
kill -INT "$pid"
wait "$pid"
RC=$? OUT=$(cat "$out")
expect_eq "$RC" 130 "exit code after SIGINT"
expect_eq "$(sidecar_states slow cache | sed 's/.* //')" "removed" "cache's last event"
expect_eq "$(sidecars slow)" "" "no sidecar container after Ctrl-C"

section "what a killed boss left: the next run removes it first, and down removes it too"
expect_exit 0 boss run-jobs load
docker run -d --name "$P-load-cache" --label "boss.project=$P" --label boss.oneoff=sidecar \
  --label "boss.sidecar-of=load" --label boss.service=cache "$BUSYBOX" sleep 100000 >/dev/null
expect_exit 0 boss run-jobs load
expect_eq "$(sidecars load)" "" "the leftover was removed with the run's own"
docker run -d --name "$P-load-cache" --label "boss.project=$P" --label boss.oneoff=sidecar \
  --label "boss.sidecar-of=load" --label boss.service=cache "$BUSYBOX" sleep 100000 >/dev/null
expect_exit 0 boss down
expect_eq "$(sidecars load)" "" "down removed the leftover"

section "bad definitions: one line naming the service and the field, exit 2, nothing made"
bad() {
  local what=$1 want=$2
  write_services
  run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" start
  expect_eq "$RC" 2 "$what: exit code"
  expect_contains "$ERR" "$want" "$what: message"
  expect_one_line_stderr
  expect_eq "$(count_containers)" 0 "$what: nothing made"
}
bad "unknown sidecar" "service 'load': field 'sidecars': no service named 'cahce' (did you mean 'cache'?)" <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "cache", image = "@IMG@" }
boss.Job:extend { name = "load", image = "@IMG@", sidecars = { "cahce" } }
EOF2
bad "a job as sidecar" "service 'load': field 'sidecars': 'other' is a job" <<'EOF2'
local boss = require "boss"
boss.Job:extend { name = "other", image = "@IMG@" }
boss.Job:extend { name = "load", image = "@IMG@", sidecars = { "other" } }
EOF2
bad "sidecars on a service" "service 'web': field 'sidecars' is only for jobs" <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "cache", image = "@IMG@" }
boss.Service:extend { name = "web", image = "@IMG@", sidecars = { "cache" } }
EOF2
bad "a class without a name" "service 'load': field 'sidecars' item 1 is a class without a name" <<'EOF2'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@" }
boss.Job:extend { name = "load", image = "@IMG@", sidecars = { Base } }
EOF2
bad "a service depending on a sidecar" "service 'web': depends on 'cache', a sidecar" <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "cache", image = "@IMG@" }
boss.Job:extend { name = "load", image = "@IMG@", sidecars = { "cache" } }
boss.Service:extend { name = "web", image = "@IMG@", dependencies = { "cache" } }
EOF2

new_project sidecars-copili
section "copili's sidecars: a pipeline's job reaches its sidecar by name; it is gone after"
cat >"$DIR/pipeline.yaml" <<EOF2
Side Pipeline:
  - name: loader_01
    image_repo: $BUSYBOX
    command: ["sh", "-c", "wget -q -O- http://redis01:8080/"]
    sidecars:
      - name: redis01
        image_repo: ${BUSYBOX%:*}
        command: "sh -c 'mkdir -p /www && echo from-sidecar > /www/index.html && exec httpd -f -p 8080 -h /www'"
EOF2
run "$BOSS_BIN" -f "$DIR/pipeline.yaml" -p "$P" --progress json start
expect_eq "$RC" 0 "pipeline start"
expect_eq "$(sidecar_states loader_01 redis01)" "creating starting waiting up stopping removed" "redis01's events"
expect_outcome loader_01 up
expect_contains "$(cat "$(outcome loader_01 log_file)" 2>/dev/null)" "from-sidecar" "the job reached its sidecar"
expect_eq "$(sidecars loader_01)" "" "no sidecar after the run"
run "$BOSS_BIN" convert "$DIR/pipeline.yaml"
expect_match "$OUT" 'sidecars = \{ "redis01" \}' "convert names the sidecar"
expect_match "$OUT" 'name = "redis01"' "convert writes the sidecar's class"

finish
