#!/usr/bin/env bash
# Health checks as readiness (the healthcheck field and the image's own), pre_stop,
# stop_timeout, boss restart. Orders are read from the engine's own events, never timings.
source "$(dirname "$0")/lib.sh" "$@"

# engine_events SINCE: the project's container events since SINCE (UNIX seconds), as
# "ACTION|SERVICE|TIMENANO" lines in the engine's order.
engine_events() {
  if ((ENGINE_IS_PODMAN)); then podman_events "$1"; return; fi
  docker events --since "$1" --until "$(date +%s.%N)" --filter "label=boss.project=$P" --filter type=container \
    --format '{{.Action}}|{{index .Actor.Attributes "boss.service"}}|{{.TimeNano}}'
}
# podman: `--until` ends its event stream before anything is sent (so the events are a
# 2 s follow instead), and its health_status events carry no verdict: each passing check
# in a container's Health.Log (the engine's own record, End time) stands for Docker's
# "health_status: healthy" event.
podman_events() {
  {
    timeout 2 docker events --since "$1" --filter "label=boss.project=$P" --filter type=container \
      --format '{{.Action}}|{{index .Actor.Attributes "boss.service"}}|{{.TimeNano}}' | grep -v '^health_status|'
    local c service end
    for c in $(docker ps -aq --filter "label=boss.project=$P"); do
      service=$(docker inspect -f '{{index .Config.Labels "boss.service"}}' "$c")
      for end in $(docker inspect -f '{{if .State.Health}}{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{.End.UnixNano}} {{end}}{{end}}{{end}}' "$c"); do
        echo "health_status: healthy|$service|$end"
      done
    done
  } | sort -t'|' -k3,3n
}
# event_time EVENTS ACTION SERVICE [first|last]: the engine's time of that event.
event_time() {
  local pick=${4:-first}
  grep -F "$2|$3|" <<<"$1" | { if [[ $pick == first ]]; then head -1; else tail -1; fi; } | cut -d'|' -f3
}
# expect_before EVENTS "ACTION1|SERVICE1" "ACTION2|SERVICE2": the first (earliest) of
# the one came before the last of the other.
expect_before() {
  local a b
  a=$(event_time "$1" "${2%|*}" "${2#*|}") b=$(event_time "$1" "${3%|*}" "${3#*|}" last)
  if [[ -n $a && -n $b ]] && ((a < b)); then
    pass "'$2' before '$3'"
  else
    fail "'$2' should come before '$3'" "events:"
    printf '%s\n' "$1" | indent
  fi
}
warnings() { jq -r 'select(.type == "warning") | .text' <<<"$OUT"; }

new_project health
# The hooks write to a host file; db becomes healthy a second after it starts (the start
# period keeps failed checks before that from counting, however slow the machine).
write_services <<'LUA'
local boss = require "boss"
local function note(line) boss.run { "sh", "-c", "echo '" .. line .. "' >> @DIR@/hooks.log" } end
local loop = 'trap "exit 0" TERM; while :; do sleep 0.1; done'
local Base = boss.Service:extend {
  image = "@IMG@", cmd = { "sh", "-c", loop },
  post_start = function(self) note("post_start " .. self.name) end,
  pre_stop = function(self) note("pre_stop " .. self.name) end,
}
Base:extend {
  name = "db",
  cmd = { "sh", "-c", "sleep 1; touch /tmp/ready; " .. loop },
  healthcheck = { test = "test -f /tmp/ready", interval = "100ms", timeout = 1, retries = 3, start_period = "30s" },
}
Base:extend { name = "web", dependencies = { "db" } }
LUA

section "a dependent is started only after its dependency is healthy (created ahead meanwhile)"
t0=$(date +%s.%N)
expect_exit 0 boss start --timeout 60
require_ok "start failed"
ev=$(engine_events "$t0")
expect_before "$ev" "health_status: healthy|db" "start|web"
expect_before "$ev" "create|web" "health_status: healthy|db"
expect_outcome db up create
expect_eq "$(inspect db '{{json .Config.Healthcheck.Test}}')" '["CMD-SHELL","test -f /tmp/ready"]' "db's Config.Healthcheck.Test"
expect_eq "$(inspect db '{{.Config.Healthcheck.Interval}}')" "100ms" "db's Config.Healthcheck.Interval"

section "status shows health"
expect_exit 0 boss_text status
expect_match "$OUT" '^db +running \(healthy\)' "status"
expect_exit 0 boss status --json
expect_eq "$(jq -r '.services[] | select(.service == "db") | .health' <<<"$OUT")" "healthy" "db's health in status --json"
expect_eq "$(jq -r '.services[] | select(.service == "web") | .health' <<<"$OUT")" "" "web's health in status --json"

section "restart: dependencies first, each ready again first; pre_stop runs, pre_start/post_start do not"
: >"$DIR/hooks.log"
t0=$(date +%s.%N)
expect_exit 0 boss restart --timeout 60
ev=$(engine_events "$t0")
expect_outcome db up restart
expect_outcome web up restart
expect_before "$ev" "start|db" "start|web"
expect_before "$ev" "health_status: healthy|db" "start|web"
expect_eq "$(sort "$DIR/hooks.log" | tr '\n' ',')" "pre_stop db,pre_stop web," "hooks run by restart"
expect_exit 0 boss stop web
expect_exit 0 boss restart web --timeout 60
expect_outcome web up start
expect_state web running
expect_exit 2 boss restart wbe
expect_contains "$ERR" "unknown service 'wbe' (did you mean 'web'?)" "stderr"
expect_one_line_stderr

section "pre_stop runs before stop, reload and the recreate of a changed service"
: >"$DIR/hooks.log"
expect_exit 0 boss stop
expect_eq "$(tr '\n' ',' <"$DIR/hooks.log")" "pre_stop web,pre_stop db," "hooks run by stop (dependents first)"
expect_exit 0 boss start --timeout 60
: >"$DIR/hooks.log"
expect_exit 0 boss reload web --timeout 60
# New-first: the old web's pre_stop runs once its replacement is ready (after its post_start).
expect_eq "$(tr '\n' ',' <"$DIR/hooks.log")" "post_start web,pre_stop web," "hooks of the reload, in order"
: >"$DIR/hooks.log"
sed -i 's/name = "web", dependencies/name = "web", env = { CHANGED = "1" }, dependencies/' "$DIR/services.lua"
expect_exit 0 boss start --timeout 60
expect_outcome web up recreate
expect_eq "$(head -1 "$DIR/hooks.log")" "pre_stop web" "first hook of the recreate"

section "a failing pre_stop is a warning; the container is stopped all the same"
sed -i 's/note("pre_stop " .. self.name) end/note("pre_stop " .. self.name); error("cannot drain") end/' "$DIR/services.lua"
expect_exit 0 boss stop web
expect_state web exited
expect_outcome web stopped stop "pre_stop failed"
expect_contains "$(warnings)" "pre_stop failed" "warnings"

section "stop_timeout: a container ignoring SIGTERM is killed after it; stop --timeout overrides it"
new_project health-stop
write_services <<'LUA'
local boss = require "boss"
boss.Service:extend {
  name = "stubborn", image = "@IMG@", stop_timeout = "1s",
  cmd = { "sh", "-c", "trap '' TERM; while :; do sleep 0.1; done" },
}
LUA
expect_exit 0 boss start --timeout 60
expect_eq "$(inspect stubborn '{{json .Config.StopTimeout}}')" "1" "Config.StopTimeout"
expect_exit 0 boss stop
expect_eq "$(outcome stubborn killed)" "true" "stubborn killed"
expect_contains "$(outcome stubborn reason)" "killed after 1 s" "stubborn's reason"
expect_exit 0 boss start --timeout 60
expect_exit 0 boss stop --timeout 2
expect_contains "$(outcome stubborn reason)" "killed after 2 s" "stubborn's reason with --timeout 2"

section "unhealthy: failed with the check's output, dependents skipped; a slow one says it waits"
new_project health-bad
write_services <<'LUA'
local boss = require "boss"
boss.Service:extend {
  name = "db", image = "@IMG@", cmd = { "sleep", "600" },
  healthcheck = { test = { "CMD-SHELL", "echo broken-db-check; exit 1" }, interval = "100ms", retries = 2 },
}
boss.Service:extend { name = "web", image = "@IMG@", cmd = { "sleep", "600" }, dependencies = { "db" } }
boss.Service:extend {
  name = "slow", image = "@IMG@", cmd = { "sh", "-c", "sleep 6; touch /tmp/ready; sleep 600" },
  healthcheck = { test = "test -f /tmp/ready", interval = "100ms", start_period = "60s" },
}
LUA
expect_exit 1 boss start --timeout 60
expect_outcome db failed create "unhealthy: broken-db-check"
expect_outcome web skipped
expect_no_container web
expect_outcome slow up create
expect_eq "$(jq -r 'select(.type == "still_waiting" and .service == "slow") | .last_result' <<<"$OUT" | head -1)" \
  "waiting for its health check (health: starting)" "slow's still_waiting event"

section "the image's own health check gates its dependents; healthcheck = false turns it off"
new_project health-img
IMG_OK="$P-ok:1" IMG_NEVER="$P-never:1"
EXTRA_IMAGES+=("$IMG_OK" "$IMG_NEVER")
printf 'FROM %s\nHEALTHCHECK --interval=100ms --timeout=1s --retries=3 --start-period=30s CMD test -f /tmp/ready\n' "$BUSYBOX" |
  docker build -q -t "$IMG_OK" - >/dev/null 2>&1
printf 'FROM %s\nHEALTHCHECK --interval=100ms --timeout=1s --retries=3 CMD false\n' "$BUSYBOX" |
  docker build -q -t "$IMG_NEVER" - >/dev/null 2>&1
write_services <<LUA
local boss = require "boss"
boss.Service:extend { name = "checked", image = "$IMG_OK", cmd = { "sh", "-c", "sleep 1; touch /tmp/ready; sleep 600" } }
boss.Service:extend { name = "after", image = "@IMG@", cmd = { "sleep", "600" }, dependencies = { "checked" } }
boss.Service:extend { name = "unchecked", image = "$IMG_NEVER", cmd = { "sleep", "600" }, healthcheck = false }
LUA
t0=$(date +%s.%N)
expect_exit 0 boss start --timeout 60
ev=$(engine_events "$t0")
expect_before "$ev" "health_status: healthy|checked" "start|after"
expect_outcome unchecked up create
expect_eq "$(inspect unchecked '{{json .Config.Healthcheck.Test}}')" '["NONE"]' "unchecked's Config.Healthcheck.Test"
# (Docker gives it no State.Health; podman an empty one.)
expect_eq "$(inspect unchecked '{{if .State.Health}}{{.State.Health.Status}}{{end}}')" "" "unchecked's health status"

section "bad healthcheck and stop_timeout values: one line naming service and field, exit 2"
new_project health-defs
bad() {  # bad FIELD_TEXT EXPECTED_PART EXPECTED_PART
  printf 'local boss = require "boss"\nboss.Service:extend { name = "web", image = "@IMG@", %s }\n' "$1" | write_services
  expect_exit 2 boss start
  expect_contains "$ERR" "services.lua:2: service 'web': field '$2" "stderr"
  expect_contains "$ERR" "$3" "stderr"
  expect_one_line_stderr
}
bad 'healthcheck = { test = "true", intervl = 1 }' "healthcheck' has unknown key 'intervl'" "(did you mean 'interval'?)"
bad 'healthcheck = { test = "true", timeout = "soon" }' "healthcheck' key 'timeout'" "got 'soon'"
bad 'healthcheck = { test = {} }' "healthcheck' key 'test' must not be empty" "empty"
bad 'healthcheck = { test = "" }' "healthcheck' key 'test' must not be empty" "empty"
bad 'healthcheck = true' "healthcheck' must be a table" "or false"
bad 'stop_timeout = "later"' "stop_timeout' must be a duration" "got 'later'"
expect_nothing_created

finish
