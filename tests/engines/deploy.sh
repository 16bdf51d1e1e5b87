#!/usr/bin/env bash
# boss deploy: services.lua as Docker Swarm services on the rig's 3-node swarm (manager:
# engine 1; tests/engines/rig.sh), images from the rig's registry. A dependency holds its
# order (the swarm's own task times say so), replicas spread over the nodes, a changed
# definition updates the service in place (same id, a higher version), an unchanged one
# is left alone, mem_limit is each task's memory limit, `status` and `deploy --status`
# show the tasks per node, --remove leaves no service and no network, and an engine that is no
# swarm manager, an image in no registry, a service placed on an engine of its own, or
# --remove with --status, is one line and exit 2.
source "$(dirname "$0")/../integration/lib.sh" "$@"
source "$SRC_DIR/tests/engines/lib_rig.sh"

new_project deploy
IMAGE="$RIG_REGISTRY/boss-test/busybox:latest"
deploy_cleanup() {
  [[ -n $P ]] || return 0
  local ids
  ids=$(on 1 docker service ls -q --filter "label=boss.project=$P")
  [[ -n $ids ]] && on 1 docker service rm $ids >/dev/null 2>&1
  for _ in $(seq 50); do
    on 1 docker network rm "boss-$P-swarm" >/dev/null 2>&1 && break
    on 1 docker network ls -q --filter "name=boss-$P-swarm" | grep -q . || break
    sleep 0.2
  done
  return 0
}
eval "rig_lib_cleanup() $(declare -f cleanup | tail -n +2)"
cleanup() {
  deploy_cleanup
  rig_lib_cleanup
}
write_services <<EOF
local boss = require "boss"
local Db = boss.Service:extend { name = "db", image = "$IMAGE", ports = { [8080] = 18080 },
  cmd = { "sh", "-c", "mkdir -p /w && echo db > /w/index.html && exec httpd -f -p 8080 -h /w" },
  healthcheck = { test = { "CMD", "true" }, interval = 0.5 }, stop_signal = "SIGKILL" }
-- The ping runs here, on the control host: db's task publishes 18080 on its node.
function Db:ping()
  for _, a in ipairs { "$RIG_E1_ADDR", "$RIG_E2_ADDR", "$RIG_E3_ADDR" } do
    if boss.http_get("http://" .. a .. ":18080/", 1) then return true end
  end
  return false
end
function Db:post_start() boss.log("db post_start") end
local Web = boss.Service:extend { name = "web", image = "$IMAGE", instances = 3, dependencies = { "db" },
  env = { GREETING = "one" }, cmd = { "sleep", "100000" }, stop_signal = "SIGKILL", mem_limit = "64m" }
function Web:post_start() boss.log("web post_start") end
boss.Service:extend { name = "seed", kind = "job", image = "$IMAGE", dependencies = { "db" },
  cmd = { "sh", "-c", "echo seeded" } }
EOF
BOSS="$BOSS_BIN -H $RIG_E1_SOCK"
dboss() { $BOSS -f "$DIR/services.lua" -p "$P" --progress json "$@"; }
service_id() { on 1 docker service inspect -f '{{.ID}}' "$P-$1"; }
service_version() { on 1 docker service inspect -f '{{.Version.Index}}' "$P-$1"; }
# The swarm's time (ns) at which each running task of SERVICE got to FIELD.
task_times() {  # task_times SERVICE FORMAT
  local t
  for t in $(on 1 docker service ps -q --no-trunc --filter desired-state=running "$P-$1"); do
    to_ns "$(on 1 docker inspect -f "{{json $2}}" "$t" | tr -d '"')"
  done
}
# -v's engine calls, as the JSON trace events of the last run.
traces() { jq -r 'select(.type == "trace") | .text' <<<"$OUT"; }
api_calls() { traces | grep -cE "^engine: (create_service|update_service)" || true; }

section "deploy: replicas, a job, in dependency order"
expect_exit 0 dboss deploy
expect_outcome db up create "no service"
expect_outcome web up create
expect_outcome seed up create
expect_eq "$(on 1 docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$P-web")" 3 "web: 3 replicas"
expect_eq "$(on 1 docker service ps -q --filter desired-state=running "$P-web" | grep -c .)" 3 "web: 3 tasks running"
expect_eq "$(on 1 docker service inspect -f '{{if .Spec.Mode.ReplicatedJob}}job{{end}}' "$P-seed")" job \
  "seed: a replicated job"
expect_eq "$(on 1 docker service inspect -f '{{index .Spec.Labels "boss.project"}} {{index .Spec.Labels "boss.dependencies"}}' "$P-web")" \
  "$P db" "web's labels: the project, its dependencies"
expect_ne "$(on 1 docker service inspect -f '{{index .Spec.Labels "boss.config-hash"}}' "$P-web")" "" "web: a config hash"
expect_eq "$(on 1 docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Healthcheck.Test}}' "$P-db")" "[CMD true]" \
  "db: its health check carried over"
expect_eq "$(on 1 docker service inspect -f '{{.Spec.TaskTemplate.Resources.Limits.MemoryBytes}}' "$P-web")" 67108864 \
  "web: mem_limit is its tasks' memory limit"
expect_eq "$(on 1 docker service inspect -f '{{.Spec.TaskTemplate.Resources.Limits}}' "$P-db")" "<nil>" \
  "db: no mem_limit, no limit"
# And the engine applied it: each task's container, on its node, has that memory limit.
for t in $(on 1 docker service ps -q --no-trunc --filter desired-state=running "$P-web"); do
  node=$(on 1 docker node inspect -f '{{.Description.Hostname}}' "$(on 1 docker inspect -f '{{.NodeID}}' "$t")")
  container=$(on 1 docker inspect -f '{{.Status.ContainerStatus.ContainerID}}' "$t")
  expect_eq "$(on "${node#rig}" docker inspect -f '{{.HostConfig.Memory}}' "$container")" 67108864 \
    "task $t's container on $node: 64m"
done
db_running=$(task_times db .Status.Timestamp | sort -n | tail -1)
web_created=$(task_times web .CreatedAt | sort -n | head -1)
expect_true "db's task ran (healthy, pinged) before web's tasks were made ($db_running < $web_created)" \
  test "$db_running" -lt "$web_created"
expect_eq "$(hook_output | grep -c 'post_start')" 2 "post_start once per service (web has 3 tasks)"
nodes=$(on 1 docker service ps --filter desired-state=running --format '{{.Node}}' "$P-web" | sort -u | grep -c .)
expect_true "web's tasks on more than one node ($nodes)" test "$nodes" -gt 1

section "deploy --status: tasks per node"
run $BOSS -f "$DIR/services.lua" -p "$P" deploy --status
expect_match "$OUT" '^web +3/3 +[0-9]+ +1 +rig[123] +running +[0-9a-f]{12}' "a row per task, with its node"
run $BOSS -f "$DIR/services.lua" -p "$P" deploy --status --json
expect_eq "$(jq -r '[.services[] | select(.service == "web") | .tasks[] | select(.state == "running")] | length' <<<"$OUT")" 3 \
  "--json: web's 3 running tasks"

section "status: a deployed project's tasks per node"
run $BOSS -f "$DIR/services.lua" -p "$P" status
expect_match "$OUT" "^project $P on the swarm \(network boss-$P-swarm\)" "the swarm's part (nothing of start's)"
expect_match "$OUT" '^web +3/3 +[0-9]+ +3 +rig[123] +running +[0-9a-f]{12}' "web's third task, with its node"
expect_match "$OUT" '^seed +1/1 done +[0-9]+ +- +rig[123] +complete' "seed's task, complete"
run $BOSS -f "$DIR/services.lua" -p "$P" status --json
expect_eq "$(jq -r '[.deploy.services[] | select(.service == "web") | .tasks[] | select(.state == "running") | .node] | length' <<<"$OUT")" 3 \
  "--json: web's 3 running tasks under deploy"
expect_eq "$(jq -r '[.deploy.services[] | select(.service == "web") | .tasks[].node | test("^rig[123]$")] | all' <<<"$OUT")" true \
  "--json: each with its node's name"
expect_eq "$(jq -r '[.services[] | .state] | unique | join(",")' <<<"$OUT")" absent "--json: no container of start's"
run "$BOSS_BIN" -H "$RIG_E2_SOCK" -f "$DIR/services.lua" -p "$P" status --json
expect_eq "$(jq -r 'has("deploy")' <<<"$OUT")" false "status on a worker: no swarm part"

section "a no-op deploy changes nothing"
web_id=$(service_id web)
web_version=$(service_version web)
expect_exit 0 dboss -v deploy
expect_outcome db kept keep
expect_outcome web kept keep
expect_outcome seed kept keep
expect_true "the -v trace is there (engine calls listed)" test "$(traces | grep -c '^engine: list_services')" -gt 0
expect_eq "$(api_calls)" 0 "no create or update call"
expect_eq "$(service_version web)" "$web_version" "web's version is the same"

section "a changed definition: a rolling update of the same service"
sed -i 's/GREETING = "one"/GREETING = "two"/' "$DIR/services.lua"
expect_exit 0 dboss -v deploy
expect_outcome web up update "env GREETING changed"
expect_outcome db kept keep
expect_contains "$(traces)" "engine: update_service $P-web version $web_version"
expect_eq "$(api_calls)" 1 "one update call: web's"
expect_eq "$(service_id web)" "$web_id" "web is the same service (not recreated)"
expect_true "web's version went up ($web_version -> $(service_version web))" test "$(service_version web)" -gt "$web_version"
expect_eq "$(on 1 docker service ps -q --filter desired-state=running "$P-web" | grep -c .)" 3 "web: 3 tasks running after the update"
for t in $(on 1 docker service ps -q --no-trunc --filter desired-state=running "$P-web"); do
  expect_contains "$(on 1 docker inspect -f '{{range .Spec.ContainerSpec.Env}}{{println .}}{{end}}' "$t")" "GREETING=two" \
    "task $t runs the new definition"
done

section "errors: one line, exit 2, nothing made"
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" deploy
expect_one_line_stderr
expect_contains "$ERR" "boss: deploy: the engine at unix:///var/run/docker.sock is not a swarm manager"
expect_exit 2 "$BOSS_BIN" -H "$RIG_E2_SOCK" -f "$DIR/services.lua" -p "$P" deploy
expect_one_line_stderr
expect_contains "$ERR" "is a swarm worker, not a manager"
sed "s|$RIG_REGISTRY/||g" "$DIR/services.lua" >"$DIR/local.lua"
expect_exit 2 $BOSS -f "$DIR/local.lua" -p "$P-local" deploy
expect_one_line_stderr
expect_contains "$ERR" "boss: service 'db': image 'boss-test/busybox:latest' is not in a registry the swarm can pull from"
expect_eq "$(on 1 docker service ls -q --filter "label=boss.project=$P-local" | grep -c . || true)" 0 "nothing made for it"
expect_exit 2 $BOSS -f "$DIR/services.lua" -p "$P" deploy --remove --status
expect_one_line_stderr
expect_contains "$ERR" "boss: deploy: --remove and --status are two commands: give one"
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" deploy --status
expect_one_line_stderr
expect_contains "$ERR" "is not a swarm manager"
sed -e 's/name = "seed",/name = "seed", engine = "edge",/' \
  -e '/^local boss = require/a boss.engine "edge" { host = "'"$RIG_E2_SOCK"'" }' "$DIR/services.lua" >"$DIR/engine.lua"
expect_exit 2 $BOSS -f "$DIR/engine.lua" -p "$P-engine" deploy
expect_one_line_stderr
expect_contains "$ERR" "service 'seed': engine 'edge': a deploy puts every service on the swarm"
expect_eq "$(on 1 docker service ls -q --filter "label=boss.project=$P-engine" | grep -c . || true)" 0 "nothing made for it"

section "deploy --remove leaves nothing"
expect_exit 0 dboss deploy --remove
expect_outcome web removed remove
expect_eq "$(on 1 docker service ls -q --filter "label=boss.project=$P" | grep -c . || true)" 0 "no service left"
expect_eq "$(on 1 docker network ls -q --filter "label=boss.deploy=$P" | grep -c . || true)" 0 "no network left"
run $BOSS -f "$DIR/services.lua" -p "$P" deploy --status
expect_contains "$OUT" "nothing deployed"

finish
