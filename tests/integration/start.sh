#!/usr/bin/env bash
# boss start: order, concurrency, no-op re-runs, restarts, recreation and its reasons,
# always_start_new, --dry-run, stale containers, labels, the project network.
source "$(dirname "$0")/lib.sh" "$@"

new_project start
# db <- api <- web, and cache (independent of db) <- web. db and cache take ~2 s to
# answer ping; started concurrently, they start well under 2 s apart.
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend {
  image = "@IMG@", stop_signal = "SIGKILL", ping_interval = 0.1,
  cmd = { "sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 100000" },
  ping = function(self) return (self:exec { "test", "-f", "/tmp/ready" }) == 0 end,
}
Base:extend {
  name = "db",
  pre_start = function(self) boss.log("hook pre_start db") end,
  post_start = function(self) boss.log("hook post_start db") end,
}
Base:extend {
  name = "cache",
  post_start = function(self) boss.log("hook post_start cache") end,
}
Base:extend {
  name = "api", dependencies = { "db" },
  env = { USER_ID = "7", MODE = "a" },
  cmd = { "sh", "-c", "echo hello > /www/index.html; exec httpd -f -p 8080 -h /www" },
  ping = function(self) return (self:exec { "wget", "-qO-", "http://127.0.0.1:8080/" }) == 0 end,
  post_start = function(self) boss.log("hook post_start api") end,
}
Base:extend {
  name = "web", dependencies = { "api", "cache" },
  cmd = { "sleep", "100000" },
  ping = function(self) return true end,
  post_start = function(self) boss.log("hook post_start web") end,
}
EOF

section "dry run on a fresh project touches nothing"
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^create +db +no container' "dry-run plan"
expect_match "$OUT" '^create +web +no container' "dry-run plan"
expect_nothing_created

section "first start: everything created, dependencies first"
t0=$(now_ns)
expect_exit 0 boss start
t1=$(now_ns)
require_ok "first start failed"
for s in db cache api web; do
  expect_state $s running
  expect_contains "$(hook_output)" "hook post_start $s" "start output"
done
expect_contains "$(hook_output)" "hook pre_start db" "start output"
expect_contains "$OUT" '"type":"summary"' "start output"
expect_outcome db up create
expect_eq "$(summary_count up)" 4 "services up in the summary"
# Dependents are created ahead (README) but started in order.
db_s=$(started_ns db) api_s=$(started_ns api) web_s=$(started_ns web) cache_s=$(started_ns cache)
expect_true "api started after db ($(ms $((api_s - db_s))) ms)" test "$api_s" -gt "$db_s"
expect_true "web started after api" test "$web_s" -gt "$api_s"
expect_true "web started after cache" test "$web_s" -gt "$cache_s"
# api may only start once db answered ping: at least ~2 s after db started.
gap=$(ms $(($(started_ns api) - $(started_ns db))))
expect_true "api started >= 1.9 s after db (gap ${gap} ms)" test "$gap" -ge 1900
# db and cache are independent: they start together.
gap=$(ms $(($(started_ns cache) - $(started_ns db))))
gap=${gap#-}
# One after the other, the second would start >= 2 s after the first (its ping).
expect_true "db and cache started concurrently (${gap} ms apart, < 1.9 s)" test "$gap" -lt 1900
log "first start took $(ms $((t1 - t0))) ms"

section "labels, names, network"
for s in db cache api web; do
  expect_eq "$(inspect $s '{{index .Config.Labels "boss.project"}}')" "$P" "label boss.project of $s"
  expect_eq "$(inspect $s '{{index .Config.Labels "boss.service"}}')" "$s" "label boss.service of $s"
  expect_match "$(inspect $s '{{index .Config.Labels "boss.config-hash"}}')" '^[0-9a-zA-Z]{8,}$' "label boss.config-hash of $s"
  expect_eq "$(inspect $s '{{.Name}}')" "/$P-$s" "container name of $s"
  expect_contains "$(inspect $s '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}')" "boss-$P" "networks of $s"
done
expect_eq "$(docker network inspect -f '{{index .Labels "boss.project"}}' "boss-$P" 2>&1)" "$P" "label boss.project of network boss-$P"
run docker exec "$(cid web)" wget -qO- http://api:8080/
expect_eq "$OUT" "hello" "web reaches api by name over the project network"

section "re-run: a no-op"
declare -A before
for s in db cache api web; do before[$s]=$(cid $s); done
started_before=$(inspect db '{{.State.StartedAt}}')
expect_exit 0 boss start
for s in db cache api web; do expect_eq "$(cid $s)" "${before[$s]}" "container id of $s after re-run"; done
expect_not_contains "$(hook_output)" "hook " "re-run output (no hooks)"
expect_outcome db kept keep
expect_eq "$(inspect db '{{.State.StartedAt}}')" "$started_before" "db not restarted"
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^keep +db +running, unchanged' "dry-run plan"

section "stopped and unchanged: restarted and pinged, no pre_start/post_start"
docker stop -t 0 "$(cid api)" >/dev/null
expect_state api exited
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^start +api +exited, unchanged' "dry-run plan"
expect_state api exited
expect_exit 0 boss start
expect_eq "$(cid api)" "${before[api]}" "api keeps its container"
expect_state api running
expect_eq "$(phases api)" "starting waiting up" "api's phases (restarted, pinged, no hooks)"
expect_outcome api up start
expect_not_contains "$(hook_output)" "hook " "restart output (no hooks)"

section "changed definition: recreated with the reason"
edit() { sed -i "$1" "$DIR/services.lua"; }
edit 's/USER_ID = "7"/USER_ID = "8"/'
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^recreate +api +env USER_ID changed' "dry-run plan after env change"
expect_match "$OUT" '^keep +db ' "dry-run plan after env change"
expect_eq "$(cid api)" "${before[api]}" "dry-run did not touch api"
expect_exit 0 boss start
expect_ne "$(cid api)" "${before[api]}" "api container id after env change"
expect_one_container api
expect_eq "$(env_of api USER_ID)" "8" "USER_ID of the new api container"
expect_contains "$(hook_output)" "hook post_start api" "recreate runs hooks"
expect_outcome api up recreate
expect_eq "$(cid db)" "${before[db]}" "db untouched by api's change"

states_before_all=$(docker ps -a --format '{{.ID}} {{.State}}' --filter "label=boss.project=$P" | sort)
edit 's/MODE = "a"/MODE = "b", EXTRA = "1"/'
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^recreate +api +.*env EXTRA added' "dry-run after env add"
expect_match "$OUT" '^recreate +api +.*env MODE changed' "dry-run after env change"

edit 's/cmd = { "sleep", "100000" },/cmd = { "sleep", "99999" },/'
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^recreate +web +cmd changed' "dry-run after cmd change"
edit 's/name = "cache",/name = "cache", ports = { [8080] = 0 },/'
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^recreate +cache +ports changed' "dry-run after ports change"
mkdir -p "$DIR/data"
edit 's/name = "db",/name = "db", volumes = { ".\/data:\/data" },/'
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^recreate +db +volumes changed' "dry-run after volumes change"
edit 's/name = "db",/name = "db", user = "nobody",/'
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^recreate +db +volumes changed, user changed' "dry-run after user change"
expect_eq "$(docker ps -a --format '{{.ID}} {{.State}}' --filter "label=boss.project=$P" | sort)" "$states_before_all" "dry-runs changed no container"

expect_exit 0 boss start
expect_outcome db up recreate
expect_outcome cache up recreate
expect_outcome web up recreate
touch "$DIR/data/marker"
expect_eq "$(docker exec "$(cid db)" ls /data 2>&1)" "marker" "volume ./data mounted into db"
expect_eq "$(docker exec "$(cid db)" id -un 2>&1)" "nobody" "db runs as user nobody"
expect_match "$(docker port "$(cid cache)" 8080/tcp 2>&1)" ':[0-9]+$' "cache's port 8080 published on a host port"
# Dependents of recreated services that did not change themselves are kept.
expect_one_container db

section "always_start_new"
edit 's/name = "web",/name = "web", always_start_new = true,/'
expect_exit 0 boss start
web1=$(cid web)
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^recreate +web +always_start_new' "dry-run plan"
expect_exit 0 boss start
expect_ne "$(cid web)" "$web1" "web's container after a re-run with always_start_new"
expect_one_container web
expect_contains "$(hook_output)" "hook post_start web" "always_start_new runs hooks"
expect_not_contains "$(hook_output)" "hook post_start db" "others are not touched"

section "changed entrypoint and stop_signal show in the plan"
cp "$DIR/services.lua" "$DIR/services.lua.bak"
edit 's/name = "api",/name = "api", entrypoint = { "\/bin\/sh", "-c" },/'
edit 's/name = "cache",/name = "cache", stop_signal = "SIGTERM",/'
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^recreate +api +entrypoint changed' "dry-run after entrypoint change"
expect_match "$OUT" '^recreate +cache +stop_signal changed' "dry-run after stop_signal change"
mv "$DIR/services.lua.bak" "$DIR/services.lua"

section "stale and duplicate containers of a service are cleaned up"
db1=$(cid db)
cfg_hash=$(inspect db '{{index .Config.Labels "boss.config-hash"}}')
dup=$(docker create --label "boss.project=$P" --label "boss.service=db" "$BUSYBOX" sleep 100000)
stale=$(docker create --label "boss.project=$P" --label "boss.service=cache" "$BUSYBOX" sleep 100000)
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^keep +db +running, unchanged; removing 1 stale' "dry-run plan"
expect_true "dry-run left the duplicate" docker inspect "$dup" >/dev/null
expect_exit 0 boss start
expect_eq "$(ids db)" "$db1" "db's containers after start (duplicate gone, original kept)"
expect_true "stale container of cache is gone" bash -c "! docker inspect $stale >/dev/null 2>&1"
expect_one_container cache
expect_state cache running

section "a leftover container without its config is replaced"
docker rm -f "$(cid cache)" >/dev/null
stale=$(docker create --name "$P-cache" --label "boss.project=$P" --label "boss.service=cache" "$BUSYBOX" sleep 100000)
expect_exit 0 boss start
expect_one_container cache
expect_ne "$(cid cache)" "$stale" "cache's container"
expect_state cache running

finish
