#!/usr/bin/env bash
# Several engines in one project (boss.engine, `engine = "..."`), against the rig's engines
# (tests/engines/rig.sh): a dependency across engines holds its order (the engines' own
# event times say so), a dependent on one engine reaches a service on another at the
# address self:address gives, stop and status cover every engine, a service moved to
# another engine has its old container removed by the next start, and every way it fails
# is one line naming the engine or the file:line.
source "$(dirname "$0")/../integration/lib.sh" "$@"
source "$SRC_DIR/tests/engines/lib_rig.sh"

new_project multi
tls="tls = { ca = \"$RIG_CERTS/ca.pem\", cert = \"$RIG_CERTS/cert.pem\", key = \"$RIG_CERTS/key.pem\" }"
write_services <<EOF2
local boss = require "boss"
boss.engine "two" { host = "$RIG_E2", $tls }
boss.engine "three" { host = "$RIG_E3", $tls }
local Db = boss.Service:extend { name = "db", engine = "two", image = "@IMG@", ports = { [80] = 0 },
  cmd = { "sh", "-c", "mkdir -p /www && echo served-by-two > /www/index.html && exec httpd -f -p 80 -h /www" },
  stop_signal = "SIGKILL" }
function Db:post_start()
  boss.context.db_addr = self:address(80)
end
boss.Service:extend { name = "web", engine = "three", image = "@IMG@", dependencies = { "db" },
  env = { DB = "{db_addr}" },
  cmd = { "sh", "-c", "wget -qO- http://\$DB/ && exec sleep 100000" }, stop_signal = "SIGKILL" }
boss.Service:extend { name = "local", image = "@IMG@", dependencies = { "web" }, cmd = { "sleep", "100000" },
  stop_signal = "SIGKILL" }
EOF2
running_on() { on "$1" docker ps -q --filter "label=boss.project=$P" --filter status=running | grep -c . || true; }
# The engine's own time (ns) of its first EVENT for SERVICE's container since $T0.
event_ns() {  # event_ns ENGINE SERVICE EVENT
  on "$1" docker events --since "$T0" --until "$(date +%s.%N)" --filter type=container --filter "event=$3" \
    --filter "label=boss.project=$P" --filter "label=boss.service=$2" --format '{{.TimeNano}}' | head -1
}

section "--dry-run: each service's engine"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" start --dry-run
expect_match "$OUT" '^create +db \(two\) +no container' "db on two"
expect_match "$OUT" '^create +web \(three\) +no container' "web on three"
expect_match "$OUT" '^create +local +no container' "local on the usual engine"

section "start: each service on its engine, in dependency order across them"
T0=$(date +%s.%N)
expect_exit 0 boss start
expect_outcome db up create
expect_outcome web up create
expect_outcome local up create
expect_eq "$(running_on 2)" 1 "db runs on engine two"
expect_eq "$(running_on 3)" 1 "web runs on engine three"
expect_eq "$(docker ps -q --filter "label=boss.project=$P" --filter status=running | grep -c . || true)" 1 \
  "local runs on the usual engine"
expect_eq "$(jq -r .values.db_addr "$(ctx_file)")" "$RIG_E2_ADDR:$(on 2 docker port "$(on 2 docker ps -q --filter "label=boss.project=$P")" 80/tcp | head -1 | sed 's/.*://')" \
  "self:address: engine two's host and the published port"
db_started=$(event_ns 2 db start)
web_created=$(event_ns 3 web create)
expect_true "db (engine two) started before web (engine three) was created ($db_started < $web_created)" \
  test "$db_started" -lt "$web_created"
for _ in $(seq 50); do
  run boss logs web
  [[ $OUT == *served-by-two* ]] && break
  sleep 0.1
done
expect_contains "$OUT" "served-by-two"  # web on three reached db on two, and logs came from three
expect_eq "$(on 2 docker network ls -q --filter "label=boss.project=$P" | grep -c .)" 1 "the project network on two"
expect_eq "$(on 3 docker network ls -q --filter "label=boss.project=$P" | grep -c .)" 1 "the project network on three"

section "status, exec and a second start see every engine"
expect_exit 0 boss status --json
expect_eq "$(jq -r '[.services[] | select(.state == "running")] | length' <<<"$OUT")" 3 "status: all three running"
expect_eq "$(jq -r '[.services[] | .service + "=" + .engine] | join(" ")' <<<"$OUT")" "db=two web=three local=" \
  "status: each service's engine"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_match "$OUT" '^db +running +[0-9a-f]{12} +two ' "the ENGINE column"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" exec -T web sh -c 'echo $DB'
expect_eq "$OUT" "$(jq -r .values.db_addr "$(ctx_file)")" "exec runs on web's engine"
expect_exit 0 boss start
expect_outcome db kept keep
expect_outcome web kept keep

section "a service moved to another engine: the next start removes its old container there"
# web from three to the usual engine: three is still declared, though no service uses it.
sed -i 's/name = "web", engine = "three", /name = "web", /' "$DIR/services.lua"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" start --dry-run
expect_match "$OUT" "^recreate +web +moved from engine 'three' to the usual engine" "--dry-run: web is to be replaced"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_match "$OUT" '^web +running +[0-9a-f]{12} +three( |$)' "status: web's container still on three"
expect_exit 0 boss start
expect_outcome web up recreate "moved from engine 'three' to the usual engine"
expect_outcome db kept keep
expect_outcome local kept keep
expect_eq "$(on 3 docker ps -aq --filter "label=boss.project=$P" | grep -c . || true)" 0 "nothing of web left on three"
expect_eq "$(on 3 docker network ls -q --filter "label=boss.project=$P" | grep -c . || true)" 0 \
  "no project network left on three, which no service uses"
expect_eq "$(docker ps -q --filter "label=boss.project=$P" --filter "label=boss.service=web" --filter status=running | grep -c . || true)" 1 \
  "web runs on the usual engine"
expect_exit 0 boss status --json
expect_eq "$(jq -r '[.services[] | .service + "=" + .engine] | join(" ")' <<<"$OUT")" "db=two web= local=" "status: web on the usual engine"
expect_exit 0 boss start
expect_outcome web kept keep
# And back to three.
sed -i 's/name = "web", /name = "web", engine = "three", /' "$DIR/services.lua"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" start --dry-run
expect_match "$OUT" "^recreate +web \(three\) +moved from the usual engine to engine 'three'" "--dry-run: back to three"
expect_exit 0 boss start
expect_outcome web up recreate "moved from the usual engine to engine 'three'"
expect_eq "$(running_on 3)" 1 "web runs on three again"
expect_eq "$(docker ps -aq --filter "label=boss.project=$P" --filter "label=boss.service=web" | grep -c . || true)" 0 \
  "nothing of web left on the usual engine"

section "stop: across both engines, dependents first"
T0=$(date +%s.%N)
expect_exit 0 boss stop
expect_eq "$(running_on 2)" 0 "db stopped"
expect_eq "$(running_on 3)" 0 "web stopped"
web_died=$(event_ns 3 web die)
db_died=$(event_ns 2 db die)
expect_true "web (engine three) stopped before db (engine two) ($web_died < $db_died)" test "$web_died" -lt "$db_died"
expect_exit 0 boss down
expect_eq "$(on 2 docker ps -aq --filter "label=boss.project=$P" | grep -c . || true)" 0 "down: nothing left on two"
expect_eq "$(on 3 docker network ls -q --filter "label=boss.project=$P" | grep -c . || true)" 0 "down: no network left on three"

section "an engine that does not answer: one line naming it"
sed -i "s|boss.engine \"three\" { host = \"$RIG_E3\"|boss.engine \"three\" { host = \"tcp://$RIG_E3_ADDR:2999\"|" "$DIR/services.lua"
expect_exit 1 boss start
expect_contains "$ERR" "engine 'three': cannot reach the docker engine at tcp://$RIG_E3_ADDR:2999"
expect_exit 1 boss status
expect_one_line_stderr
expect_contains "$ERR" "boss: engine 'three': cannot reach the docker engine at tcp://$RIG_E3_ADDR:2999"
expect_eq "$(running_on 2)" 0 "nothing started on two"
# No service on three any more: its being down is a warning, and the rest starts.
sed -i 's/name = "web", engine = "three", /name = "web", /' "$DIR/services.lua"
expect_exit 0 boss start
warned=$(jq -r 'select(.type == "warning") | .text' <<<"$OUT")
expect_contains "$warned" "engine 'three': cannot reach the docker engine at tcp://$RIG_E3_ADDR:2999"
expect_contains "$warned" "(no service runs there; what this project left on it stays until it answers)"
expect_outcome web up create
expect_exit 0 boss down

section "bad declarations: exit 2, one line with file:line, nothing touched"
bad() {  # bad WANT LUA...: services.lua of these lines fails with WANT
  local want=$1
  shift
  printf '%s\n' 'local boss = require "boss"' "$@" >"$DIR/bad.lua"
  expect_exit 2 "$BOSS_BIN" -f "$DIR/bad.lua" -p "$P" start
  expect_one_line_stderr
  expect_eq "$ERR" "boss: $want" "the error"
}
bad "$DIR/bad.lua:3: service 'a': field 'engine': unknown engine 'thre' (did you mean 'three'?)" \
  "boss.engine \"three\" { host = \"$RIG_E3\" }" \
  'boss.Service:extend { name = "a", image = "x", engine = "thre" }'
bad "$DIR/bad.lua:2: boss.engine 'edge': unknown field 'hots' (known: address, host, tls)" \
  'boss.engine "edge" { hots = "tcp://x:2376" }' 'boss.Service:extend { name = "a", image = "x" }'
bad "$DIR/bad.lua:2: boss.engine 'edge': field 'host' is missing (tcp://host[:port], ssh://[user@]host[:port] or unix:///path)" \
  'boss.engine "edge" { }' 'boss.Service:extend { name = "a", image = "x" }'
bad "$DIR/bad.lua:2: boss.engine 'edge': unsupported host 'npipe:////./pipe/docker': use unix:///path, tcp://host[:port] or ssh://[user@]host[:port]" \
  'boss.engine "edge" { host = "npipe:////./pipe/docker" }' 'boss.Service:extend { name = "a", image = "x", engine = "edge" }'
bad "$DIR/bad.lua:2: boss.engine 'edge': cannot use $RIG_E2 (tls): $DIR/nokey.pem is missing (the key of $RIG_CERTS/cert.pem)" \
  "boss.engine \"edge\" { host = \"$RIG_E2\", tls = { ca = \"$RIG_CERTS/ca.pem\", cert = \"$RIG_CERTS/cert.pem\", key = \"nokey.pem\" } }" \
  'boss.Service:extend { name = "a", image = "x", engine = "edge" }'
bad "$DIR/bad.lua:3: boss.engine 'edge': declared twice (first at $DIR/bad.lua:2)" \
  "boss.engine \"edge\" { host = \"$RIG_E2\" }" "boss.engine \"edge\" { host = \"$RIG_E3\" }" \
  'boss.Service:extend { name = "a", image = "x" }'
expect_eq "$(on 2 docker ps -aq --filter "label=boss.project=$P" | grep -c . || true)" 0 "nothing made on two"

finish
