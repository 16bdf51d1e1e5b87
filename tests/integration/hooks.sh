#!/usr/bin/env bash
# Hooks and helpers: ping polling and timeouts, hook errors, boss.context and templates,
# self:host_port, boss.tcp_open, boss.http_get, boss.run, group hooks, concurrency of pings.
source "$(dirname "$0")/lib.sh" "$@"

new_project hooks
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }

-- ping is polled until true: the file appears after ~3 s.
Base:extend {
  name = "slow",
  ping_interval = 0.1,
  cmd = { "sh", "-c", "sleep 3; touch /tmp/ready; exec sleep 100000" },
  ping = function(self)
    boss.context.slow_polls = (boss.context.slow_polls or 0) + 1
    return (self:exec { "test", "-f", "/tmp/ready" }) == 0
  end,
  post_start = function(self)
    boss.context.x = "from-slow"
    boss.context.n = 42
  end,
}

-- Independent of `slow`: must not wait for slow's ping.
Base:extend { name = "fast" }
Base:extend { name = "fast2", dependencies = { "fast" } }

-- A dependent of slow gets the context values set by slow's post_start.
Base:extend {
  name = "user", dependencies = { "slow" },
  env = { X = "{x}", N = "{n}", LITERAL = "{{x}}", MIXED = "a{x}b{{c}}" },
  cmd = { "sh", "-c", "echo {x} > /tmp/arg; exec sleep 100000" },
}

-- An httpd published on host port 0: host_port, tcp_open, http_get against it.
Base:extend {
  name = "http",
  ports = { [8080] = 0 },
  ping_interval = 0.1,
  cmd = { "sh", "-c", "echo served-body > /www/index.html; exec httpd -f -p 8080 -h /www" },
  ping = function(self)
    -- Not tcp_open: docker's userland proxy accepts before the server listens.
    local port = self:host_port(8080)
    return port ~= nil and boss.http_get("http://127.0.0.1:" .. port .. "/") == 200
  end,
  post_start = function(self)
    local port = self:host_port(8080)
    boss.context.http_port = port
    boss.context.http_udp_port = self:host_port(8080, "udp") or "none"
    local status, body = boss.http_get("http://127.0.0.1:" .. port .. "/index.html")
    boss.context.http_status = status
    boss.context.http_body = (body:gsub("%s+$", ""))
    local missing = boss.http_get("http://127.0.0.1:" .. port .. "/nope.html")
    boss.context.http_missing = missing
    boss.context.closed_port_open = boss.tcp_open("127.0.0.1", 1, 0.5)
    boss.context.open_port_open = boss.tcp_open("127.0.0.1", port)
    boss.context.http_closed = boss.http_get("http://127.0.0.1:1/", 1)
    local code, out = boss.run { "sh", "-c", "echo run-output; exit 3" }
    boss.context.run_code = code
    boss.context.run_out = (out:gsub("%s+$", ""))
    local ecode, eout = self:exec { "cat", "/www/index.html" }
    boss.context.exec_code = ecode
    boss.context.exec_out = (eout:gsub("%s+$", ""))
    boss.run { "touch", "@DIR@/ran-on-host" }
  end,
}

boss.on_start(function(services)
  boss.log("group on_start: " .. table.concat(services, ","))
end)
boss.on_stop(function(services)
  boss.log("group on_stop: " .. table.concat(services, ","))
end)
EOF

section "start: ping polling, context, helpers"
expect_exit 0 boss start
require_ok "start failed"
ctx=$(cat "$(ctx_file)")
log "context: $ctx"
polls=$(jq -r .values.slow_polls <<<"$ctx" 2>/dev/null || sed -n 's/.*"slow_polls": *\([0-9]*\).*/\1/p' <<<"$ctx")
expect_true "slow's ping was polled several times (${polls})" test "${polls:-0}" -ge 3
expect_match "$ctx" '"x": "from-slow"' "the context file"
expect_match "$ctx" '"n": 42' "the context file"
expect_eq "$(env_of user X)" "from-slow" "env X of user (from the context)"
expect_eq "$(env_of user N)" "42" "env N of user (a number from the context)"
expect_eq "$(env_of user LITERAL)" "{x}" "env LITERAL ({{x}} is literal braces)"
expect_eq "$(env_of user MIXED)" "afrom-slowb{c}" "env MIXED"
expect_eq "$(docker exec "$(cid user)" cat /tmp/arg 2>&1)" "from-slow" "cmd filled from the context"
port=$(docker port "$(cid http)" 8080/tcp | head -1 | sed 's/.*://')
expect_match "$ctx" "\"http_port\": $port" "the context file (self:host_port = published port $port)"
expect_match "$ctx" '"http_udp_port": "none"' "the context file (host_port of an unpublished udp port is nil)"
expect_match "$ctx" '"http_status": 200' "the context file (boss.http_get status)"
expect_match "$ctx" '"http_body": "served-body"' "the context file (boss.http_get body)"
expect_match "$ctx" '"http_missing": 404' "the context file (boss.http_get of a missing page)"
expect_match "$ctx" '"closed_port_open": false' "the context file (boss.tcp_open on a closed port)"
expect_match "$ctx" '"open_port_open": true' "the context file (boss.tcp_open on the published port)"
expect_match "$ctx" '"http_closed": 0' "the context file (boss.http_get on a closed port: status 0)"
expect_match "$ctx" '"run_code": 3' "the context file (boss.run exit code)"
expect_match "$ctx" '"run_out": "run-output"' "the context file (boss.run output)"
expect_match "$ctx" '"exec_code": 0' "the context file (self:exec exit code)"
expect_match "$ctx" '"exec_out": "served-body"' "the context file (self:exec output)"
expect_true "boss.run ran on the host" test -f "$DIR/ran-on-host"
expect_match "$(hook_output)" 'group on_start: ' "start output"
on_start_line=$(grep 'group on_start' <<<"$OUT")
for s in slow fast fast2 user http; do expect_contains "$on_start_line" "$s" "on_start's list"; done

section "a slow ping does not delay an independent service"
# slow answers ping ~3 s after it started; fast -> fast2 must not wait for that, so
# fast2 starts before user (which does wait for slow).
log "fast2 started $(ms $(($(started_ns fast2) - $(started_ns slow)))) ms after slow"
expect_true "fast2 (after fast) started before user (after slow)" test "$(started_ns fast2)" -lt "$(started_ns user)"
gap=$(ms $(($(started_ns user) - $(started_ns slow))))
expect_true "user (after slow) started ${gap} ms after slow: >= 2900 ms" test "$gap" -ge 2900

section "re-run: no hooks, on_start runs for the services that are up"
expect_exit 0 boss start
expect_eq "$(jq -r .values.slow_polls "$(ctx_file)" 2>/dev/null || echo "$polls")" "$polls" "slow's ping not called on re-run"

section "group on_stop"
expect_exit 0 boss stop
expect_match "$(hook_output)" 'group on_stop: ' "stop output"
for s in slow fast fast2 user http; do expect_contains "$(grep 'group on_stop' <<<"$OUT")" "$s" "on_stop's list"; done

# ---------------------------------------------------------------------------------------
new_project hookfail
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
Base:extend {
  name = "never",
  cmd = { "sh", "-c", "echo never-ready-log-line; exec sleep 100000" },
  ping_interval = 0.2,
  ping = function(self) return false end,
}
Base:extend { name = "after-never", dependencies = { "never" } }
Base:extend {
  name = "raiser",
  post_start = function(self)
    error("boom")
  end,
}
Base:extend {
  name = "bad-ping",
  ping = function(self) local t = nil; return t.field end,
}
Base:extend {
  name = "no-key",
  env = { A = "{missing_key}" },
}
Base:extend {
  name = "pre-raiser",
  pre_start = function(self) error("pre-boom") end,
}
Base:extend { name = "ok" }
EOF

section "ping timeout, hook errors, missing context key"
line_of() { grep -n -F "$1" "$DIR/services.lua" | head -1 | cut -d: -f1; }
t0=$(now_ns)
expect_exit 1 boss start --timeout 1
elapsed=$(ms $(($(now_ns) - t0)))
expect_true "ping timeout honoured (${elapsed} ms < 10 s)" test "$elapsed" -lt 10000
expect_outcome never failed "" "ping timed out"
expect_contains "$OUT" "never-ready-log-line" "summary (tail of never's logs)"
expect_outcome after-never skipped
expect_no_container after-never
expect_outcome raiser failed "" "post_start failed: $DIR/services.lua:$(line_of 'error("boom")'): boom"
expect_outcome bad-ping failed "" "ping failed: $DIR/services.lua:$(line_of "return t.field"): attempt to index"
expect_outcome no-key failed "" "missing_key"
expect_no_container no-key
expect_outcome pre-raiser failed "" "pre_start failed: $DIR/services.lua:$(line_of 'error("pre-boom")'): pre-boom"
expect_no_container pre-raiser
expect_outcome ok up
expect_state ok running

section "a re-run does not take services that failed as up"
# never's container runs but never answered ping; raiser's post_start failed. Neither
# ever came up, so a re-run must not report them up without pinging / post_start.
expect_exit 1 boss start --timeout 1
expect_outcome never failed "" "ping timed out"
expect_outcome raiser failed "" "post_start failed"
expect_outcome after-never skipped

finish
