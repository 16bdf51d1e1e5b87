#!/usr/bin/env bash
# mem_limit and idle_timeout against the real engine: bad values refused (exit 2, one
# line naming the file:line, service and field), mem_limit reaching the engine as
# HostConfig.Memory.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"

new_project idle

section "bad mem_limit and idle_timeout values: exit 2, one line, nothing made"
bad() {  # bad FIELDS MESSAGE
  write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "web", image = "@IMG@", cmd = { "sleep", "1000" }, $1 }
EOF
  expect_exit 2 boss start
  expect_contains "$ERR" "services.lua:2: service 'web': field $2"
  expect_one_line_stderr
  expect_nothing_created
}
bad "mem_limit = 'lots'" "'mem_limit' must be a size such as \"512m\" or \"2g\" (or a number of bytes), got 'lots'"
bad "mem_limit = '1m'" "'mem_limit' must be at least 6m (the engine's minimum), got 1m"
bad "on_demand = true, idle_timeout = 'soon'" "'idle_timeout' must be a positive duration such as \"5m\", \"30s\" or 90, got 'soon'"
bad "idle_timeout = '5m'" "'idle_timeout' is only for on_demand services (on_demand = true)"

section "compose: a bad mem_limit names file:line:column"
cat >"$DIR/compose.yaml" <<EOF
services:
  web:
    image: $BUSYBOX
    mem_limit: lots
EOF
run "$BOSS_BIN" -f "$DIR/compose.yaml" -p "$P" start
expect_eq "$RC" 2 "exit code"
expect_contains "$ERR" "compose.yaml:4:16: service 'web': 'mem_limit' must be a size such as 512m or 2g, got 'lots'"
expect_one_line_stderr

section "mem_limit reaches the engine as HostConfig.Memory"
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend { name = "web", image = "@IMG@", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL", mem_limit = "64m" }
boss.Service:extend { name = "free", image = "@IMG@", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL" }
EOF
expect_exit 0 boss start
expect_eq "$(inspect web '{{.HostConfig.Memory}}')" 67108864 "web's HostConfig.Memory"
expect_eq "$(inspect free '{{.HostConfig.Memory}}')" 0 "free's HostConfig.Memory (no limit)"
first=$(cid web)
section "a changed mem_limit recreates the container"
sed -i 's/mem_limit = "64m"/mem_limit = "96m"/' "$DIR/services.lua"
expect_exit 0 boss start
expect_ne "$(cid web)" "$first" "web's container after the change"
expect_eq "$(inspect web '{{.HostConfig.Memory}}')" 100663296 "web's HostConfig.Memory after the change"
expect_outcome free kept

finish
