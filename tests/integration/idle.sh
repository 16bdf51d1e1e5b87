#!/usr/bin/env bash
# mem_limit and idle_timeout against the real engine: bad values refused (exit 2, one
# line naming the file:line, service and field), mem_limit reaching the engine as
# HostConfig.Memory; behind boss proxy: an idle on-demand service stopped after its
# idle_timeout and started again by the next request, an open slow download keeping it
# up, --memory-budget's LRU eviction among three services, and its 503s (busy services,
# a service over the whole budget).
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

expect_exit 0 boss down

section "boss proxy --memory-budget with an on-demand service without mem_limit: exit 2, one line"
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend { name = "web", image = "@IMG@", http = { port = 8080 }, on_demand = true }
EOF
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" proxy --listen 127.0.0.1:0 --memory-budget 1g
expect_eq "$RC" 2 "exit code"
expect_contains "$ERR" "--memory-budget: on-demand service 'web' has no mem_limit"
expect_one_line_stderr
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" proxy --listen 127.0.0.1:0 --memory-budget lots
expect_eq "$RC" 2 "exit code of a bad --memory-budget"
expect_contains "$ERR" "must be a size such as 512m or 2g, got 'lots'"

# Each serves a 40 MiB file, which a client at 4 MiB/s takes 10 s to read (more than the
# socket buffers between it and the proxy hold, so the proxy relays it all that time).
httpd_service() {  # NAME EXTRA_FIELDS
  cat <<EOF
boss.Service:extend {
  name = "$1", image = "@IMG@", http = { port = 8080 }, on_demand = true, stop_signal = "SIGKILL", $2
  cmd = { "sh", "-c", "mkdir -p /www; echo $1 > /www/index.html; dd if=/dev/zero of=/www/big.bin bs=1M count=40 2>/dev/null; exec httpd -f -p 8080 -h /www" },
  ping = function(self) return self:exec { "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/" } == 0 end,
}
EOF
}
{
  echo 'local boss = require "boss"'
  httpd_service web 'idle_timeout = "2s", mem_limit = "64m",'
  httpd_service a 'mem_limit = "64m",'
  httpd_service b 'mem_limit = "64m",'
  httpd_service c 'mem_limit = "64m",'
  httpd_service big 'mem_limit = "200m",'
} | write_services
source "$(dirname "$0")/proxy_lib.sh"
curl() { command curl --max-time 60 "$@"; }
stopped() { [[ $(state "$1") != running ]]; }

section "idle_timeout: stopped ~2 s after its last request, started again by the next"
start_proxy idle --timeout 30
URL=http://127.0.0.1:$PORT
run curl -s "$URL/web/index.html"
expect_eq "$OUT" web "first answer"
expect_eq "$(state web)" running "web after its first request"
if wait_for "$((12 * BOSS_TEST_TIME_FACTOR))" stopped web; then
  pass "web stopped once idle"
else
  fail "web should stop within 12 s of its last request (idle_timeout 2 s)"
fi
expect_contains "$(cat "$DIR/idle.out")" "boss proxy: stopping web: no request for" "the proxy's line"
expect_contains "$(cat "$DIR/idle.out")" "(idle_timeout 2 s)" "the proxy's line"
run curl -s -w ' %{http_code}' "$URL/web/index.html"
expect_eq "$OUT" "web
 200" "the next request starts it again"

section "an open slow download keeps it up past its idle_timeout"
command curl -s --max-time 60 --limit-rate 4M -o "$DIR/big.out" -w '%{http_code} %{size_download}' "$URL/web/big.bin" >"$DIR/big.code" &
DL=$!
BG_PIDS+=("$DL")
sleep 5
expect_eq "$(state web)" running "web 5 s into a 10 s download (idle_timeout 2 s)"
wait "$DL"
expect_eq "$(cat "$DIR/big.code")" "200 41943040" "the download, whole"
if wait_for "$((12 * BOSS_TEST_TIME_FACTOR))" stopped web; then
  pass "web stopped once the download ended and it was idle"
else
  fail "web should stop after the download ends"
fi
stop_proxy INT idle

section "--memory-budget 150m: the least recently used idle one is stopped to make room"
start_proxy budget --timeout 30 --memory-budget 150m
URL=http://127.0.0.1:$PORT
expect_contains "$(cat "$DIR/budget.err")" "on-demand service 'big' needs 200m, more than --memory-budget 150m" "warning"
expect_eq "$(curl -s "$URL/a/")" a "a"
expect_eq "$(curl -s "$URL/b/")" b "b"
expect_eq "$(curl -s "$URL/a/")" a "a again (b is now the least recently used)"
expect_eq "$(curl -s "$URL/c/")" c "c, in place of b"
expect_eq "$(state a)" running "a"
expect_true "b stopped" stopped b
expect_eq "$(state c)" running "c"
expect_contains "$(cat "$DIR/budget.out")" "stopping b: least recently used, to make room in --memory-budget for c" "the proxy's line"

section "no room while the others are busy: 503 saying why; a service over the whole budget: 503"
for s in a c; do
  command curl -s --max-time 60 --limit-rate 4M -o /dev/null "$URL/$s/big.bin" &
  BG_PIDS+=("$!")
done
sleep 1
run curl -s -D "$DIR/b.head" -w ' %{http_code}' "$URL/b/"
[[ $OUT == *" 503" ]] || cat "$DIR/budget.out" | tail -30 | indent
expect_contains "$OUT" "503 Service Unavailable: not starting service 'b': service 'b' needs 64m but only 22m of the --memory-budget 150m is free and the rest is in use by a (64m), c (64m)" "answer"
expect_match "$OUT" " 503$"
expect_contains "$(cat "$DIR/b.head")" "Retry-After: 5" "headers"
expect_true "b still stopped" stopped b
# A browser is not kept waiting: its starting page refreshes until it ends on the refusal.
browser_refused() { command curl -s --max-time 10 -H 'Accept: text/html' "$URL/b/" | grep -q "b cannot start now</h1>"; }
expect_true "the browser's page ends on the refusal" wait_for 10 browser_refused
run curl -s -w ' %{http_code}' "$URL/big/"
expect_contains "$OUT" "service 'big' needs 200m (mem_limit), more than the whole --memory-budget 150m" "answer"
expect_match "$OUT" " 503$"
expect_eq "$(ids big | grep -c . || true)" 0 "big containers"
stop_proxy INT budget

finish
