#!/usr/bin/env bash
# boss stop: reverse dependency order, --exclude rules, --remove; boss status.
source "$(dirname "$0")/lib.sh" "$@"

new_project stop
# The default stop signal (SIGTERM), and a shell that exits 0.3 s after it: stop order
# shows in the containers' FinishedAt.
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend {
  image = "@IMG@",
  cmd = { "sh", "-c", "trap 'sleep 0.3; exit 0' TERM; while :; do sleep 0.1; done" },
  post_start = function(self) boss.context["up_" .. self.name] = true end,
}
Base:extend { name = "db" }
Base:extend { name = "api", dependencies = { "db" }, ports = { [8080] = 0, ["53/udp"] = 0 } }
Base:extend { name = "web", dependencies = { "api" } }
Base:extend { name = "other" }
EOF

section "status before anything exists"
expect_exit 0 boss_text status
expect_match "$OUT" '^SERVICE +STATE +CONTAINER +PORTS' "status header"
for s in db api web other; do expect_match "$OUT" "^$s +absent" "status"; done
expect_nothing_created

section "start, then status"
expect_exit 0 boss start
require_ok "start failed"
expect_exit 0 boss_text status
for s in db api web other; do expect_match "$OUT" "^$s +running +$(cid $s | cut -c1-12)" "status"; done
tcp=$(docker port "$(cid api)" 8080/tcp | head -1 | sed 's/.*://')
udp=$(docker port "$(cid api)" 53/udp | head -1 | sed 's/.*://')
expect_contains "$(grep '^api ' <<<"$OUT")" "localhost:$tcp -> 8080/tcp" "api's status line"
expect_contains "$(grep '^api ' <<<"$OUT")" "localhost:$udp -> 53/udp" "api's status line"
expect_exit 0 boss status --json
expect_eq "$(jq -r '.services[] | select(.service == "api") | .ports[] | select(.container_port == 8080) | .host_port' <<<"$OUT" | head -1)" "$tcp" "api's port in status --json"

section "stop: excluding a dependency of a stopped service is fine, a dependent is not"
expect_exit 2 boss stop --exclude api
expect_contains "$ERR" "'api'" "stderr"
expect_contains "$ERR" "'db'" "stderr"
for s in db api web other; do expect_state $s running; done
expect_exit 0 boss stop --exclude db --exclude api --exclude other
expect_state web exited
expect_state api running
expect_state db running
expect_state other running
expect_exit 0 boss_text status
expect_match "$OUT" '^web +exited' "status after stopping web"
expect_exit 0 boss start
expect_outcome web up start

section "stop: dependents first"
t0=$(now_ns)
expect_exit 0 boss stop
elapsed=$(ms $(($(now_ns) - t0)))
for s in db api web other; do expect_state $s exited; done
expect_outcome db stopped
web_f=$(finished_ns web) api_f=$(finished_ns api) db_f=$(finished_ns db) other_f=$(finished_ns other)
expect_true "web finished before api ($(ms $((api_f - web_f))) ms)" test "$web_f" -lt "$api_f"
expect_true "api finished before db ($(ms $((db_f - api_f))) ms)" test "$api_f" -lt "$db_f"
# other is independent: stopped concurrently with web, not after db.
expect_true "other stopped alongside web, not after the chain" test "$other_f" -lt "$api_f"
expect_true "stop took ${elapsed} ms: the stop signal, not the 10 s kill timeout" test "$elapsed" -lt 8000
expect_exit 0 boss stop
expect_outcome db stopped none "was not running"
expect_true "the context file kept by a plain stop" test -f "$(ctx_file)"

section "stop --timeout 0 kills at once"
expect_exit 0 boss start
t0=$(now_ns)
expect_exit 0 boss stop --timeout 0
expect_true "stop --timeout 0 took $(ms $(($(now_ns) - t0))) ms" test $(($(now_ns) - t0)) -lt 8000000000

section "stop --remove: containers, network, .boss-context"
expect_exit 0 boss start
# A leftover of a service that is no longer in the file goes too.
docker create --label "boss.project=$P" --label "boss.service=gone" "$BUSYBOX" >/dev/null
expect_exit 0 boss_text status
expect_match "$OUT" 'orphan' "status lists the orphan"
expect_exit 0 boss stop --remove
expect_outcome db removed
expect_nothing_created
expect_true "the context file removed" test ! -e "$(ctx_file)"
expect_exit 0 boss stop --remove
expect_outcome db stopped none "no container"

section "stop --remove --exclude keeps the excluded and the network"
expect_exit 0 boss start
expect_exit 0 boss stop --remove --exclude db --exclude other
expect_no_container web
expect_no_container api
expect_state db running
expect_true "network kept while db runs" docker network inspect "boss-$P" >/dev/null

section "after stop and docker network prune, start replaces the stopped containers"
expect_exit 0 boss stop
# Docker removes a network its stopped containers are still attached to; podman refuses
# ("has associated containers"): disconnect them first, which both take.
for c in $(docker ps -aq --filter "label=boss.project=$P"); do docker network disconnect -f "boss-$P" "$c" >/dev/null 2>&1; done
expect_exit 0 docker network rm "boss-$P"
old_db=$(cid db)
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" 'recreate +db +project network was gone' "the plan says why"
expect_exit 0 boss start
expect_outcome db up recreate "project network was gone"
expect_ne "$(cid db)" "$old_db" "db has a new container"
expect_state web running

finish
