#!/usr/bin/env bash
# What a new user hit in a day with boss, each on the real engine: projects of one file
# that must not share state, a crash that must fail the same way every time, Ctrl-C
# during stop, commands and options that do not exist, contradictions, names that collide
# across projects, status and stop without a loadable services.lua, a ping that keeps
# failing, a container that ignores its stop signal, reload of several services; then
# (project defs) restart policies, ports bound to one address, and a build folder that
# is missing while other services run.
source "$(dirname "$0")/lib.sh" "$@"

new_project corr
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
local Db = Base:extend {
  name = "db",
  post_start = function(self)
    boss.context.user_id = boss.env("BOSS_TEST_USER_ID") or "1"
  end,
}
Base:extend { name = "web", dependencies = { "db" }, env = { USER_ID = "{user_id}" } }
Base:extend {
  name = "crash",
  cmd = { "sh", "-c", "echo starting; echo fatal >&2; exit 3" },
}
EOF

section "two projects of one file keep their own context"
P2="$P-two"
two() { "$BOSS_BIN" -f "$DIR/services.lua" -p "$P2" "$@"; }
cleanup_two() {
  local ids
  ids=$(docker ps -aq --filter "label=boss.project=$P2")
  [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1
  ids=$(docker network ls -q --filter "label=boss.project=$P2")
  [[ -n $ids ]] && docker network rm $ids >/dev/null 2>&1
  return 0
}
expect_exit 0 boss start web
expect_eq "$(env_of web USER_ID)" "1" "web's USER_ID in the first project"
BOSS_TEST_USER_ID=2 expect_exit 0 two start web
expect_eq "$(jq -r .values.user_id "$(ctx_file)")" "1" "the first project's user_id after the second started"
expect_eq "$(jq -r .values.user_id "$DIR/.boss/$P2/context.json")" "2" "the second project's user_id"
expect_exit 0 two stop --remove
expect_true "the first project's context survives the second's stop --remove" test -f "$(ctx_file)"
expect_exit 0 boss start web
expect_not_contains "$OUT$ERR" "is not set" "start of the first project"
cleanup_two

section "a key whose producer did not run this time names it and says how to run it again"
jq '.values = {}' "$(ctx_file)" >"$DIR/ctx.json" && mv "$DIR/ctx.json" "$(ctx_file)"
docker rm -f "$(cid web)" >/dev/null
expect_exit 1 boss start web
expect_contains "$OUT" "context key 'user_id' is not set" "summary"
expect_contains "$OUT" "boss reload db" "summary"
expect_exit 0 boss reload db
expect_state web running

section "a crash without ping fails the same way every time"
fails=0
for i in 1 2 3 4 5 6 7 8; do
  boss stop --remove crash >/dev/null 2>&1
  run boss start crash
  [[ $RC == 1 && $OUT == *"exited with code 3"* ]] && fails=$((fails + 1))
done
expect_eq "$fails" 8 "runs of 'start crash' that failed with exit code 3"
expect_contains "$OUT" "fatal" "the crash's log tail in the summary"

section "commands and options that do not exist, contradictions"
expect_exit 2 boss stat
expect_eq "$ERR" "boss: unknown command 'stat' (did you mean 'status'?); commands: start, run-jobs, serve, stop, reload, watch, restart, status, history, logs, exec, run, down, prune, push, deploy, convert, proxy, launch, init, completion" "stderr"
expect_exit 2 boss logz
expect_contains "$ERR" "did you mean 'logs'?" "stderr"
expect_exit 2 boss up
expect_contains "$ERR" "unknown command 'up'" "stderr"
expect_exit 2 "$BOSS_BIN" -x
expect_eq "$ERR" "boss: unknown option '-x' (see boss --help)" "stderr"
expect_exit 2 boss start -x
expect_eq "$ERR" "boss: unknown option '-x' (see boss --help)" "stderr"
expect_exit 2 boss start web --exclude web
expect_eq "$ERR" "boss: start: service 'web' is both named and excluded (--exclude web)" "stderr"
expect_exit 2 boss start --exclude dbb
expect_contains "$ERR" "did you mean 'db'?" "stderr"
expect_exit 2 boss start --timeout soon
expect_one_line_stderr
expect_exit 0 boss stop --timeout 0.5 web
expect_exit 0 boss start --timeout 1.5 web

section "--exclude takes one name: the words after it are services again"
expect_exit 0 boss stop --exclude db web
expect_state web exited
expect_state db running
expect_exit 0 boss start web

section "names that collide across projects"
PA=bncp$RANDOM
PB=$PA-q
cat >"$DIR/a.lua" <<EOF
local boss = require "boss"
boss.Service:extend { name = "q-r", image = "$BUSYBOX", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL" }
EOF
cat >"$DIR/b.lua" <<EOF
local boss = require "boss"
boss.Service:extend { name = "r", image = "$BUSYBOX", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL" }
EOF
expect_exit 0 "$BOSS_BIN" -f "$DIR/a.lua" -p "$PA" start
expect_exit 0 "$BOSS_BIN" -f "$DIR/b.lua" -p "$PB" start
expect_eq "$(docker ps -q --filter "label=boss.project=$PA" | wc -l)" 1 "running containers of $PA"
expect_eq "$(docker ps -q --filter "label=boss.project=$PB" | wc -l)" 1 "running containers of $PB"
expect_exit 0 "$BOSS_BIN" -f "$DIR/b.lua" -p "$PB" --progress json start
expect_outcome r kept
"$BOSS_BIN" -f "$DIR/a.lua" -p "$PA" stop --remove >/dev/null 2>&1
"$BOSS_BIN" -f "$DIR/b.lua" -p "$PB" stop --remove >/dev/null 2>&1
expect_eq "$(docker ps -aq --filter "label=boss.project=$PA" --filter "label=boss.project=$PB" | wc -l)" 0 "containers left"

section "status and stop work from the engine's labels when services.lua does not load"
cp "$DIR/services.lua" "$DIR/services.lua.good"
echo "this is not lua (" >>"$DIR/services.lua"
expect_exit 2 boss start
expect_exit 0 boss_text status
expect_contains "$ERR" "working from the containers of project '$P'" "stderr"
expect_match "$OUT" "^web +running" "status"
mkdir -p "$DIR/elsewhere"
expect_exit 0 "$BOSS_BIN" -f "$DIR/elsewhere/services.lua" -p "$P" status
expect_match "$OUT" "^db +running" "status from another folder"
expect_exit 0 boss stop
expect_state web exited
expect_state db exited
mv "$DIR/services.lua.good" "$DIR/services.lua"

section "a ping that keeps failing says so while waiting, and in its timeout"
cat >>"$DIR/services.lua" <<'EOF'
local Never = Base:extend { name = "never", ping_interval = 0.5 }
function Never:ping() return false end
EOF
expect_exit 1 boss start never --timeout 6
expect_contains "$(jq -r 'select(.type == "still_waiting") | "\(.service): \(.last_result)"' <<<"$OUT")" "never: ping returned false" "still_waiting events"
expect_contains "$OUT" "ping timed out after 6 s (last: ping returned false)" "summary"
boss stop --remove never >/dev/null 2>&1

section "a container that ignores its stop signal is killed, and the summary says so"
cat >>"$DIR/services.lua" <<'EOF'
Base:extend { name = "stubborn", stop_signal = "SIGTERM", cmd = { "sh", "-c", "trap '' TERM; while :; do sleep 0.1; done" } }
EOF
expect_exit 0 boss start stubborn
expect_exit 0 boss stop stubborn --timeout 1
expect_contains "$OUT" "killed after 1 s" "summary"

section "Ctrl-C during stop: exit 130, and the summary says what was not stopped"
expect_exit 0 boss start web
# web takes a while to stop (its stop signal is ignored for 3 s): Ctrl-C meanwhile must
# leave db, which waits for web, running.
sed -i 's/name = "web", dependencies = { "db" }/name = "web", dependencies = { "db" }, stop_signal = "SIGTERM", cmd = { "sh", "-c", "trap \x27\x27 TERM; while :; do sleep 0.1; done" }/' "$DIR/services.lua"
expect_exit 0 boss start web
out=$DIR/stop.out
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json stop web db --timeout 3 >"$out" 2>/dev/null &
pid=$!
BG_PIDS+=("$pid")
wait_for 10 grep -q '"service":"web","state":"stopping"' "$out" || fail "web should begin stopping"
kill -INT "$pid"
wait "$pid"
RC=$? OUT=$(cat "$out")
expect_eq "$RC" 130 "exit code of the interrupted stop"
expect_outcome db interrupted "" "not stopped"
expect_state db running

section "reload takes several services"
ids_before="$(cid db) $(cid web)"
expect_exit 0 boss reload db web
expect_ne "$(cid db) $(cid web)" "$ids_before" "containers of db and web"
expect_state db running
expect_state web running

new_project defs
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
local Db = Base:extend { name = "db", restart = "on-failure:3" }
function Db:_pign() return true end   -- helpers: a leading '_', or a name unlike any hook
function Db:seed_users() end
Base:extend { name = "keeper", restart = "always" }
Base:extend {
  name = "http",
  ports = { [8080] = "127.0.0.1:" },
  cmd = { "sh", "-c", "echo bound > /www/index.html; exec httpd -f -p 8080 -h /www" },
  ping = function(self)
    local port = self:host_port(8080)
    return port ~= nil and boss.http_get("http://127.0.0.1:" .. port .. "/") == 200
  end,
  post_start = function(self)
    local _, body = boss.http_get("http://127.0.0.1:" .. self:host_port(8080) .. "/")
    boss.context.http_body = (body:gsub("%s+$", ""))
  end,
}
Base:extend { name = "web", image = "bosst-never/web:dev", build_from_directory = "web", dependencies = { "db" } }
EOF

section "restart: the policy is set on the container and shown by status"
expect_exit 0 boss start db keeper http
expect_outcome db up
expect_outcome keeper up
expect_eq "$(inspect db '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}')" \
  "on-failure:3" "db's restart policy (docker inspect)"
expect_eq "$(inspect keeper '{{.HostConfig.RestartPolicy.Name}}')" "always" "keeper's restart policy (docker inspect)"
expect_match "$(inspect http '{{.HostConfig.RestartPolicy.Name}}')" '^(no)?$' "http's restart policy (none)"
expect_exit 0 boss status --json
expect_eq "$(jq -r '.services[] | "\(.service)=\(.restart)"' <<<"$OUT" | sort | tr '\n' ' ')" \
  "db=on-failure:3 http= keeper=always web= " "status --json restart of each service"
expect_exit 0 boss_text status
expect_match "$OUT" "^SERVICE +STATE +CONTAINER +RESTART +PORTS" "status header"
expect_match "$OUT" "^db +running +[0-9a-f]{12} +on-failure:3" "status of db"
expect_match "$OUT" "^keeper +running +[0-9a-f]{12} +always" "status of keeper"

section "restart: a changed policy replaces the container; \"no\" is the same as none"
keeper_id=$(cid keeper) http_id=$(cid http)
sed -i -e 's/name = "keeper", restart = "always"/name = "keeper", restart = "unless-stopped"/' \
  -e 's/name = "http",/name = "http", restart = "no",/' "$DIR/services.lua"
expect_exit 0 boss start keeper http
expect_outcome keeper up recreate "restart changed"
expect_outcome http kept
expect_ne "$(cid keeper)" "$keeper_id" "keeper's container"
expect_eq "$(cid http)" "$http_id" "http's container"
expect_eq "$(inspect keeper '{{.HostConfig.RestartPolicy.Name}}')" "unless-stopped" "keeper's new restart policy"

section "ports: a port bound to 127.0.0.1 only, any free port there; ping and self:host_port reach it"
expect_eq "$(inspect http '{{(index (index .HostConfig.PortBindings "8080/tcp") 0).HostIp}}')" "127.0.0.1" \
  "HostIp of http's binding (docker inspect)"
expect_eq "$(inspect http '{{range (index .NetworkSettings.Ports "8080/tcp")}}{{.HostIp}} {{end}}')" "127.0.0.1 " \
  "addresses http's port is published on"
http_port=$(inspect http '{{(index (index .NetworkSettings.Ports "8080/tcp") 0).HostPort}}')
expect_eq "$(jq -r .values.http_body "$(ctx_file)")" "bound" "what post_start read through self:host_port"
expect_exit 0 boss_text status
expect_match "$OUT" "^http +running .*127\.0\.0\.1:$http_port -> 8080/tcp" "status of http"

section "a missing build folder: exit 2 naming it, and nothing touched"
db_id=$(cid db)
networks_before=$(count_networks)
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "service 'web': field 'build_from_directory': folder $DIR/web does not exist" "stderr"
expect_eq "$(cid db)" "$db_id" "db's container"
expect_state db running
expect_no_container web
expect_exit 2 boss start --dry-run
expect_contains "$ERR" "$DIR/web does not exist" "stderr of start --dry-run"
expect_exit 2 boss reload db
expect_contains "$ERR" "$DIR/web does not exist" "stderr of reload db (web depends on it)"
expect_eq "$(cid db)" "$db_id" "db's container after the reload that was refused"
expect_state db running
expect_eq "$(count_networks)" "$networks_before" "networks of the project"
section "the same file for a fresh project creates no network"
fresh=$P-fresh
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$fresh" --progress json start
expect_contains "$ERR" "$DIR/web does not exist" "stderr"
expect_eq "$(docker network ls -q --filter "label=boss.project=$fresh" | grep -c .)" 0 "networks of $fresh"
expect_eq "$(docker ps -aq --filter "label=boss.project=$fresh" | grep -c .)" 0 "containers of $fresh"
expect_exit 0 boss stop --remove
expect_no_container db

finish
