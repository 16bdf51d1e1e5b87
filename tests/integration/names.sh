#!/usr/bin/env bash
# Service names as compose and copili write them (dataloader_01, api.v2): accepted, reachable
# by that name on the project network (Docker's DNS), with a hostname derived from it.
source "$(dirname "$0")/lib.sh" "$@"

new_project names
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
Base:extend { name = "dataloader_01" }
Base:extend {
  name = "api.v2", dependencies = { "dataloader_01" }, ping_interval = 0.1,
  ping = function(self) return (self:exec { "ping", "-c", "1", "-W", "1", "dataloader_01" }) == 0 end,
}
EOF

section "names with '_' and '.' start, reach each other by name"
expect_exit 0 boss start
expect_outcome dataloader_01 up
expect_outcome api.v2 up
expect_eq "$(inspect dataloader_01 '{{.Name}}')" "/$P-dataloader_01" "container name"
expect_eq "$(inspect dataloader_01 '{{.Config.Hostname}}')" dataloader-01 "derived hostname"
expect_eq "$(inspect api.v2 '{{.Config.Hostname}}')" api-v2 "derived hostname"
expect_true "dataloader_01 reaches api.v2 by its name" \
  docker exec "$(cid dataloader_01)" ping -c 1 -W 1 api.v2

section "a second start keeps both"
expect_exit 0 boss start
expect_outcome api.v2 kept keep
expect_one_container dataloader_01

section "boss stop, logs and status take the name as written"
expect_exit 0 boss logs dataloader_01
expect_exit 0 boss status
expect_contains "$OUT" dataloader_01 "status"
expect_exit 0 boss stop dataloader_01
expect_outcome dataloader_01 stopped
expect_outcome api.v2 stopped
expect_state dataloader_01 exited
expect_exit 0 boss start dataloader_01
expect_state dataloader_01 running

section "names Docker refuses: one line naming services.lua:line, exit 2, nothing made"
expect_exit 0 boss down
refused() {  # refused NAME
  write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "ok_1", image = "@IMG@", cmd = { "true" } }
boss.Service:extend { name = "$1", image = "@IMG@", cmd = { "true" } }
EOF
  expect_exit 2 boss start
  expect_one_line_stderr
  expect_contains "$ERR" "services.lua:3" "stderr"
  expect_contains "$ERR" "service name" "stderr"
  expect_nothing_created
}
for name in _lead .dot -dash "a/b" "a b" "a:b" "$(printf 'caf\303\251')" "$(printf 'a%.0s' {1..64})"; do refused "$name"; done

finish
