#!/usr/bin/env bash
# A real PostgreSQL: ping until it accepts connections, post_start creates a table and
# inserts a row, the id goes through boss.context into a dependent's env.
# PostgreSQL takes longer than busybox to come up the first time (initdb).
BOSS_TEST_START_TIMEOUT=${BOSS_TEST_START_TIMEOUT:-120}
source "$(dirname "$0")/lib.sh" "$@"
need_image "$POSTGRES" --postgres

new_project pg
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend {
  name = "db",
  image = "@PG@",
  stop_signal = "SIGKILL",
  env = { POSTGRES_USER = "app", POSTGRES_PASSWORD = "secret", POSTGRES_DB = "appdb" },
  ports = { [5432] = 0 },
  ping_interval = 0.5,
  ping = function(self)
    return (self:exec { "pg_isready", "-h", "127.0.0.1", "-U", "app", "-d", "appdb" }) == 0
  end,
  post_start = function(self)
    local code, out = self:exec { "psql", "-h", "127.0.0.1", "-U", "app", "-d", "appdb", "-qtA",
      "-v", "ON_ERROR_STOP=1", "-c", "create table users (id serial primary key, name text)",
      "-c", "insert into users (name) values ('ann'), ('bob') returning id" }
    if code ~= 0 then error("psql failed: " .. out) end
    local last
    for id in out:gmatch("%d+") do last = id end
    boss.context.user_id = tonumber(last)
    boss.log("created user " .. last)
  end,
}
boss.Service:extend {
  name = "app", dependencies = { "db" },
  image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" },
  env = { USER_ID = "{user_id}", DATABASE_URL = "postgres://app:secret@db:5432/appdb" },
}
EOF

section "start PostgreSQL and its dependent"
t0=$(now_ns)
expect_exit 0 boss start
log "start took $(ms $(($(now_ns) - t0))) ms"
require_ok "start failed"
expect_outcome db up create
expect_outcome app up create
expect_contains "$OUT" "created user 2" "start output"
expect_match "$(cat "$(ctx_file)")" '"user_id": 2' "the context file"
expect_eq "$(env_of app USER_ID)" "2" "app's USER_ID"
run docker exec "$(cid db)" psql -h 127.0.0.1 -U app -d appdb -qtAc "select name from users where id = 2"
expect_eq "$OUT" "bob" "row 2 in the database"
port=$(docker port "$(cid db)" 5432/tcp | head -1 | sed 's/.*://')
expect_match "$port" '^[0-9]+$' "PostgreSQL published on a host port"

section "re-run: kept, no hooks"
db_id=$(cid db)
expect_exit 0 boss start
expect_eq "$(cid db)" "$db_id" "db's container"
expect_not_contains "$OUT" "created user" "re-run output"

section "stop and start: restarted, pinged, data kept, no post_start"
expect_exit 0 boss stop
expect_state db exited
expect_exit 0 boss start
expect_outcome db up start
expect_not_contains "$OUT" "created user" "restart output"
run docker exec "$(cid db)" psql -h 127.0.0.1 -U app -d appdb -qtAc "select count(*) from users"
expect_eq "$OUT" "2" "rows after restart"

section "stop --remove"
expect_exit 0 boss stop --remove
expect_nothing_created

finish
