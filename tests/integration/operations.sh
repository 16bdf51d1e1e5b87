#!/usr/bin/env bash
# Profiles, .env files, orphans, down, prune and named volumes, against the real engine.
source "$(dirname "$0")/lib.sh" "$@"

# A service that idles until killed (no grace needed).
IDLE='image = "@IMG@", cmd = { "sh", "-c", "while :; do sleep 0.1; done" }, stop_signal = "SIGKILL"'

warnings() { jq -r 'select(.type == "warning") | .text' <<<"$OUT"; }
removed() { jq -r 'select(.type == "summary") | .removed // [] | .[] | "\(.kind) \(.name)"' <<<"$OUT"; }
volume_exists() { docker volume inspect "$1" >/dev/null 2>&1; }
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
volume_label() { docker volume inspect -f "{{index .Labels \"$2\"}}" "$1" 2>/dev/null; }

# ---- profiles ---------------------------------------------------------------------------
new_project ops
write_services <<EOF
local boss = require "boss"
local Base = boss.Service:extend { $IDLE }
Base:extend { name = "db" }
Base:extend { name = "web", dependencies = { "db", { "metrics", optional = true } } }
Base:extend { name = "metrics", profiles = { "ops" } }
Base:extend { name = "debugger", profiles = { "debug", "ops" } }
EOF

section "profiles: a service with profiles starts only when one is active"
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^create +db ' "dry-run"
expect_match "$OUT" '^skip +metrics +profile not active \(ops\)' "dry-run"
expect_match "$OUT" '^skip +debugger +profile not active \(debug, ops\)' "dry-run"
expect_exit 0 boss start --timeout 30
expect_outcome db up create
expect_outcome web up create
expect_no_container metrics
expect_no_container debugger
expect_eq "$(outcome metrics)" "" "metrics in the summary"
expect_exit 0 boss_text status
expect_match "$OUT" '^debugger +absent' "status lists a service of an inactive profile"
expect_exit 0 boss restart
expect_outcome db up restart
expect_eq "$(outcome debugger)" "" "restart of all leaves out debugger (inactive profile, no container)"

section "profiles: --profile, BOSS_PROFILES, and naming a service"
expect_exit 0 boss_text start --dry-run --profile debug
expect_match "$OUT" '^create +debugger +no container' "dry-run with --profile debug"
expect_not_contains "$OUT" "debugger  profile" "dry-run with --profile debug"
expect_exit 0 boss start --profile debug --timeout 30
expect_outcome debugger up create
expect_outcome db kept
expect_no_container metrics
expect_exit 0 env BOSS_PROFILES=" ops , debug" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start --timeout 30
expect_outcome metrics up create
expect_outcome debugger kept
expect_exit 0 boss restart
expect_outcome debugger up restart
expect_outcome metrics up restart
expect_exit 0 boss stop
for s in db web metrics debugger; do expect_state $s exited; done
expect_exit 0 boss_text status
expect_match "$OUT" '^debugger +exited' "status without --profile"
expect_exit 0 boss stop --remove
expect_exit 0 boss start metrics --timeout 30
expect_outcome metrics up create
expect_no_container db
expect_no_container debugger

section "profiles: an unknown profile, a dependency on an inactive service"
expect_exit 0 boss stop --remove
expect_exit 2 boss start --profile opz --timeout 30
expect_contains "$ERR" "unknown profile 'opz' (did you mean 'ops'?)" "stderr"
expect_one_line_stderr
expect_exit 2 env BOSS_PROFILES=nope "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" start --timeout 30
expect_contains "$ERR" "BOSS_PROFILES: unknown profile 'nope'" "stderr"
write_services <<EOF
local boss = require "boss"
local Base = boss.Service:extend { $IDLE }
Base:extend { name = "db" }
Base:extend { name = "app", dependencies = { "db", "debugger" } }
Base:extend { name = "debugger", profiles = { "debug" } }
EOF
expect_exit 2 boss start --timeout 30
expect_contains "$ERR" "service 'app' depends on 'debugger', whose profiles (debug) are not active" "stderr"
expect_one_line_stderr
expect_nothing_created
expect_exit 0 boss start --profile debug --timeout 30
expect_outcome app up create
expect_outcome debugger up create

# ---- .env files ---------------------------------------------------------------------------
new_project ops-env
write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "envy", $IDLE,
  env = { FROM_FILE = boss.env("FROM_FILE") or "-", WINS = boss.env("BOSS_TEST_WINS") or "-",
          QUOTED = boss.env("QUOTED") or "-", EXTRA = boss.env("EXTRA") or "-",
          LITERAL = boss.env("LITERAL") or "-" } }
EOF
cat >"$DIR/.env" <<'EOF'
# a comment, and a blank line

export FROM_FILE=file value # a trailing comment
BOSS_TEST_WINS=from the file
QUOTED="<${FROM_FILE:-unset}>\n'${MISSING-dflt}'"
LITERAL='$FROM_FILE \n # kept'
EOF
cat >"$DIR/a.env" <<'EOF'
FROM_FILE=from a
EXTRA=a
EOF
cat >"$DIR/b.env" <<'EOF'
EXTRA=b wins
EOF

section ".env beside services.lua feeds boss.env(); the environment wins"
expect_exit 0 env BOSS_TEST_WINS=from-env "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start --timeout 30
expect_outcome envy up create
expect_eq "$(env_of envy FROM_FILE)" "file value" "FROM_FILE"
expect_eq "$(env_of envy WINS)" "from-env" "WINS (the environment's)"
expect_eq "$(docker inspect "$(cid envy)" | jq -r '.[0].Config.Env[] | select(startswith("QUOTED="))')" \
  $'QUOTED=<file value>\n\'dflt\'' "QUOTED (double quotes: interpolation and \\n)"
expect_eq "$(env_of envy LITERAL)" '$FROM_FILE \n # kept' "LITERAL (single quotes)"
expect_eq "$(env_of envy EXTRA)" "-" "EXTRA (not set)"

section "--env-file replaces .env; later files win"
expect_exit 0 boss start --env-file "$DIR/a.env" --env-file "$DIR/b.env" --timeout 30
expect_outcome envy up recreate
expect_eq "$(env_of envy FROM_FILE)" "from a" "FROM_FILE"
expect_eq "$(env_of envy EXTRA)" "b wins" "EXTRA"
expect_eq "$(env_of envy QUOTED)" "-" "QUOTED (.env not read)"
expect_exit 2 boss start --env-file "$DIR/missing.env" --timeout 30
expect_contains "$ERR" "cannot read env file '$DIR/missing.env'" "stderr"
expect_one_line_stderr

section "a syntax error in .env: file:line, exit 2, nothing touched"
expect_exit 0 boss stop --remove
printf 'GOOD=1\n\nBROKEN LINE\n' >"$DIR/.env"
expect_exit 2 boss start --timeout 30
expect_eq "$ERR" "boss: $DIR/.env:3: expected '=' after 'BROKEN', got 'L'" "stderr"
expect_nothing_created
printf 'OPEN="never closed\n' >"$DIR/.env"
expect_exit 2 boss start --timeout 30
expect_eq "$ERR" "boss: $DIR/.env:1: unterminated double quote" "stderr"
expect_nothing_created

# ---- orphans, down, named volumes ------------------------------------------------------
new_project ops-down
write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "db", $IDLE, volumes = { "data:/data" } }
boss.Service:extend { name = "old", $IDLE }
EOF

section "orphans: a warning on start, removed by --remove-orphans"
expect_exit 0 boss start --timeout 30
expect_outcome db up create
write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "db", $IDLE, volumes = { "data:/data" } }
EOF
expect_exit 0 boss start --timeout 30
expect_outcome db kept
expect_contains "$(warnings)" "container $P-old belongs to service 'old', which services.lua no longer defines (an orphan)" "warnings"
expect_state old running
expect_exit 0 boss_text start --dry-run --remove-orphans
expect_match "$OUT" "^remove +container $P-old +service no longer defined" "dry-run"
expect_state old running
expect_exit 0 boss start --remove-orphans --timeout 30
expect_no_container old
expect_eq "$(removed)" "container $P-old" "removed"
expect_eq "$(warnings)" "" "warnings"

section "named volumes: <project>_<name>, labelled, data kept by stop --remove and down"
expect_true "volume ${P}_data exists" volume_exists "${P}_data"
expect_eq "$(volume_label "${P}_data" boss.project)" "$P" "label boss.project"
expect_eq "$(volume_label "${P}_data" boss.volume)" "data" "label boss.volume"
docker exec "$(cid db)" sh -c 'echo kept > /data/file'
expect_exit 0 boss stop --remove
expect_no_container db
expect_true "volume survives stop --remove" volume_exists "${P}_data"
expect_exit 0 boss start --timeout 30
expect_eq "$(docker exec "$(cid db)" cat /data/file)" "kept" "data after stop --remove"

section "down: containers, orphans, kept one-offs, network; volumes only with --volumes"
docker run -d --stop-signal KILL --name "$P-stray" --label "boss.project=$P" --label "boss.service=stray" "$BUSYBOX" sleep 600 >/dev/null
expect_exit 0 boss run --keep db true
expect_exit 0 boss_text down --dry-run
expect_match "$OUT" "^remove +db " "down --dry-run"
expect_match "$OUT" "^remove +container $P-stray" "down --dry-run"
expect_match "$OUT" "^remove +container $P-db-run-[0-9a-f]+ +one-off \\(boss run\\)" "down --dry-run"
expect_match "$OUT" "^remove +network boss-$P" "down --dry-run"
expect_not_contains "$OUT" "volume" "down --dry-run"
expect_eq "$(count_containers)" "3" "containers after a dry run"
expect_exit 0 boss down --timeout 1
expect_outcome db removed
expect_eq "$(count_containers)" "0" "containers after down"
expect_eq "$(count_networks)" "0" "networks after down"
expect_contains "$(removed)" "container $P-stray" "removed"
expect_contains "$(removed)" "network boss-$P" "removed"
expect_true "volume survives down" volume_exists "${P}_data"
expect_exit 0 boss start --timeout 30
expect_eq "$(docker exec "$(cid db)" cat /data/file)" "kept" "data after down"
expect_exit 0 boss_text down --dry-run --volumes
expect_match "$OUT" "^remove +volume ${P}_data +named volume" "down --dry-run --volumes"
expect_true "a dry run keeps the volume" volume_exists "${P}_data"
expect_exit 0 boss down --volumes --timeout 1
expect_contains "$(removed)" "volume ${P}_data" "removed"
expect_true "down --volumes removes the volume" bash -c "! docker volume inspect ${P}_data >/dev/null 2>&1"
expect_eq "$(count_containers)" "0" "containers after down --volumes"

# ---- prune ----------------------------------------------------------------------------
new_project ops-prune
mkdir -p "$DIR/app"
printf 'FROM %s\nLABEL test=%s\n' "$BUSYBOX" "$P" >"$DIR/app/Dockerfile"
write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "app", $IDLE, image = "$P-app:dev", build_from_directory = "app" }
boss.Service:extend { name = "old", $IDLE, volumes = { "cache:/cache" } }
boss.Service:extend { name = "keeper", $IDLE, volumes = { "keep:/keep" } }
EOF
expect_exit 0 boss start --timeout 60
expect_outcome app up create
expect_exit 0 boss stop old --timeout 1
expect_state old exited
expect_exit 0 boss run --keep keeper true
write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "keeper", $IDLE, volumes = { "keep:/keep" } }
EOF

section "prune: exited orphans and one-offs only; running ones, images and volumes stay"
expect_exit 0 boss_text prune --dry-run
expect_match "$OUT" "^remove +container $P-old" "prune --dry-run"
expect_match "$OUT" "^remove +container $P-keeper-run-[0-9a-f]+ +one-off" "prune --dry-run"
expect_not_contains "$OUT" "$P-app" "prune --dry-run"
expect_state old exited
expect_exit 0 boss prune
expect_match "$(removed)" "^container $P-old$" "removed"
expect_match "$(removed)" "^container $P-keeper-run-[0-9a-f]+$" "removed"
expect_eq "$(removed | wc -l)" "2" "removed count"
expect_eq "$(docker ps -aq --filter "label=boss.project=$P" --filter label=boss.oneoff=1)" "" "one-offs after prune"
expect_no_container old
expect_state app running
expect_true "cache volume stays without --volumes" volume_exists "${P}_cache"
expect_true "the built image stays without --images" image_exists "$P-app:dev"

section "prune --volumes: the project's unused named volumes"
expect_exit 0 boss prune --volumes
expect_eq "$(removed)" "volume ${P}_cache" "removed"
expect_true "a volume in use stays" volume_exists "${P}_keep"

section "prune --images: images boss built that no container uses"
expect_exit 0 boss prune --images
expect_eq "$(removed)" "" "removed while the app still runs"
expect_true "an image in use stays" image_exists "$P-app:dev"
docker stop -t 0 "$(cid app)" >/dev/null
expect_exit 0 boss_text prune --dry-run --images
expect_match "$OUT" "^remove +container $P-app" "prune --dry-run --images"
expect_match "$OUT" "^remove +image $P-app:dev +built by boss" "prune --dry-run --images"
expect_exit 0 boss prune --images
expect_eq "$(removed | tr '\n' '|')" "container $P-app|image $P-app:dev|" "removed"
expect_true "the built image is gone" bash -c "! docker image inspect $P-app:dev >/dev/null 2>&1"
expect_true "the base image stays" image_exists "$BUSYBOX"
expect_state keeper running

finish
