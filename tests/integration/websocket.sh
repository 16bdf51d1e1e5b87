#!/usr/bin/env bash
# WebSocket upgrade passthrough through boss proxy, against a real container: a busybox
# `nc -ll -e` backend that reads the request header, answers 101 and echoes. The upgrade
# reaches it with Connection and Upgrade as sent, the 101 reaches the client with them,
# bytes flow both ways (a line, then 1 MiB), a half-close ends the tunnel, the proxy logs
# the tunnel's bytes, and a 101 to a request that asked no upgrade is a 502; an open
# tunnel keeps an on-demand service up past its idle_timeout, and it stops once closed.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"
curl() { command curl --max-time 30 "$@"; }

new_project websocket
write_services <<'EOF2'
local boss = require "boss"
local backend = { "sh", "-c", [[
cat > /ws.sh <<'X'
#!/bin/sh
while IFS= read -r line; do
  line=$(printf %s "$line" | tr -d '\r')
  [ -z "$line" ] && break
  case $line in [Uu]pgrade:*) up=$line ;; [Cc]onnection:*) conn=$line ;; esac
done
printf 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
echo "saw $up; $conn"
exec cat
X
chmod +x /ws.sh
exec nc -ll -p 8080 -e /ws.sh
]] }
boss.Service:extend { name = "ws", image = "@IMG@", http = { port = 8080 }, stop_signal = "SIGKILL", cmd = backend }
-- The same backend on demand, stopped after 2 s without a request and nothing open to it.
boss.Service:extend {
  name = "wsidle", image = "@IMG@", http = { port = 8080 }, stop_signal = "SIGKILL", cmd = backend,
  on_demand = true, idle_timeout = "2s",
}
EOF2
expect_exit 0 boss start
require_ok "the project must start"
source "$(dirname "$0")/proxy_lib.sh"
start_proxy ws

section "an upgrade goes through, bytes both ways"
client() { python3 "$(dirname "$0")/ws_client.py" 127.0.0.1 "$PORT" "$@"; }
if wait_for 20 bash -c "python3 '$(dirname "$0")/ws_client.py' 127.0.0.1 $PORT /ws/ 10 0 >/dev/null 2>&1"; then
  pass "the backend answers an upgrade through the proxy"
else
  fail "the backend should answer an upgrade within 20 s"
fi
run client /ws/chat 1048576 0
expect_eq "$RC" 0 "client exit"
expect_contains "$OUT" "status: HTTP/1.1 101 Switching Protocols" "the 101 relayed"
expect_contains "$OUT" "response upgrade: websocket" "Upgrade kept in the 101"
expect_contains "$OUT" "response connection: Upgrade" "Connection kept in the 101"
expect_contains "$OUT" "backend said: saw Upgrade: websocket; Connection: Upgrade" "the upgrade as the backend got it"
expect_contains "$OUT" "echo: ping through boss" "a line there and back"
expect_contains "$OUT" "bulk echoed intact: yes" "1 MiB there and back"
expect_contains "$OUT" "end of stream after half-close: yes" "a half-close ends the tunnel"
log "$(grep 'bulk round trip' <<<"$OUT")"
if wait_for 10 grep -q 'GET /ws/chat -> ws tunnel closed after .*, 1048594 bytes up, 1048638 bytes down' "$DIR/ws.out"; then
  pass "the tunnel's end logged with its bytes"
else
  fail "the proxy should log the tunnel's end with its bytes"; grep tunnel "$DIR/ws.out" | indent
fi

section "a 101 for a request that asked no upgrade: 502, not relayed"
run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/ws/plain"
expect_eq "$OUT" 502 "status"
expect_contains "$(cat "$DIR/ws.out")" "switched protocols (101) for a request that asked no upgrade" "proxy log"

section "an open WebSocket keeps an on-demand service up past its idle_timeout"
# The upgrade starts it (a client that waits), then the tunnel stays open 8 s: four
# idle_timeouts with no request, one open connection.
python3 "$(dirname "$0")/ws_client.py" 127.0.0.1 "$PORT" /wsidle/ 10 8 >"$DIR/wsidle.client" 2>&1 &
WS=$!
BG_PIDS+=("$WS")
if wait_for 20 grep -q "echo: ping through boss" "$DIR/wsidle.client"; then
  pass "the upgrade started wsidle and its tunnel carries bytes"
else
  fail "the upgrade should start wsidle and go through within 20 s"; cat "$DIR/wsidle.client" | indent
fi
sleep 6
expect_eq "$(state wsidle)" running "wsidle 6 s into an open tunnel (idle_timeout 2 s)"
expect_not_contains "$(cat "$DIR/ws.out")" "stopping wsidle" "the proxy's output while the tunnel is open"
wait "$WS"
expect_eq "$?" 0 "the client's exit"
expect_contains "$(cat "$DIR/wsidle.client")" "end of stream after half-close: yes" "the tunnel ended as the client closed it"
wsidle_stopped() { [[ $(state wsidle) != running ]]; }
if wait_for "$((12 * BOSS_TEST_TIME_FACTOR))" wsidle_stopped; then
  pass "wsidle stopped once the tunnel closed and it was idle"
else
  fail "wsidle should stop within 12 s of its tunnel's end"
fi
expect_contains "$(cat "$DIR/ws.out")" "boss proxy: stopping wsidle: no request for" "the proxy's line"

stop_proxy INT ws
finish
