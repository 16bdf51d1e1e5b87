#!/usr/bin/env bash
# on_demand = true behind boss proxy, against a real busybox httpd: left out of `boss
# start`, started by the first request (20 at once create one container), a browser's
# 503 starting page while it starts, other clients waiting for the 200, a failed start's
# 502 with the reason and the log tail, --wait-timeout's 504, and a bad field value.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"
curl() { command curl --max-time 30 "$@"; }

new_project ondemand

section "a bad on_demand value: exit 2, one line naming file:line"
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend { name = "web", image = "@IMG@", on_demand = "yes" }
EOF
expect_exit 2 boss start
expect_contains "$ERR" "services.lua:2: service 'web': field 'on_demand' must be a boolean, got string"
expect_one_line_stderr

# web: httpd after a moment's work (so a start is seen under way), ready once it answers; bad: exits at once,
# saying why; slow: never ready within the ping's patience; db: an ordinary service.
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend {
  name = "web", image = "@IMG@", http = { port = 8080 }, on_demand = true, stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "sleep 0.3; mkdir -p /www; echo hi > /www/index.html; exec httpd -f -p 8080 -h /www" },
  ping = function(self) return self:exec { "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/" } == 0 end,
}
boss.Service:extend {
  name = "bad", image = "@IMG@", http = { port = 8080 }, on_demand = true,
  cmd = { "sh", "-c", "echo 'config file missing: /etc/app.conf'; exit 3" },
}
boss.Service:extend {
  name = "slow", image = "@IMG@", http = { port = 8080 }, on_demand = true, stop_signal = "SIGKILL",
  cmd = { "sleep", "100000" },
  ping = function(self) return false end,
}
boss.Service:extend { name = "db", image = "@IMG@", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL" }
EOF

section "boss start leaves on-demand services out; the plan says so"
expect_exit 0 boss start --dry-run
expect_contains "$OUT" '"on_demand":["web","bad","slow"]' "the plan"
expect_exit 0 boss start
expect_eq "$(ids web | grep -c . || true)" 0 "web containers after boss start"
expect_eq "$(ids bad | grep -c . || true)" 0 "bad containers after boss start"
expect_eq "$(state db)" running "db"

source "$(dirname "$0")/proxy_lib.sh"
start_proxy first --wait-timeout 30 --timeout 3
URL=http://127.0.0.1:$PORT
expect_contains "$(cat "$DIR/first.out")" "starting web, bad, slow on demand" "proxy output"

section "20 concurrent first requests: one container, every one answered 200"
# The engine's create events, subscribed to before the requests (its history does not
# survive an engine restart by another suite).
docker events --filter "label=boss.project=$P" --filter "label=boss.service=web" --filter event=create \
  --format '{{.Actor.ID}}' >"$DIR/events.txt" &
EVENTS_PID=$!
BG_PIDS+=("$EVENTS_PID")
sleep 0.5
for i in $(seq 1 20); do
  (curl -s -o "$DIR/c$i.body" -w '%{http_code}' "$URL/web/index.html" >"$DIR/c$i.code") &
done
wait_for 40 bash -c "ls $DIR/c*.code 2>/dev/null | wc -l | grep -qx 20 && ! pgrep -f 'curl --max-time 30 -s -o $DIR/c' >/dev/null"
sleep 0.5
codes=$(awk 1 "$DIR"/c*.code | sort | uniq -c | sed 's/^ *//')
expect_eq "$codes" "20 200" "status codes of the 20 requests"
expect_eq "$(cat "$DIR"/c*.body | sort -u)" "hi" "bodies"
expect_eq "$(ids web | grep -c .)" 1 "web containers"
kill "$EVENTS_PID" 2>/dev/null; wait "$EVENTS_PID" 2>/dev/null
created=$(grep -c . "$DIR/events.txt" || true)
expect_eq "$created" 1 "create events for web"
expect_contains "$(cat "$DIR/first.out")" "summary:" "boss's own output shows the start"

section "a browser gets the starting page while it starts; curl waits and gets 200"
expect_exit 0 boss stop web
sleep 1.2  # the proxy trusts what the engine said for a second
run curl -s -D "$DIR/h.head" -H 'Accept: text/html,application/xhtml+xml' -w '%{http_code}' -o "$DIR/h.body" "$URL/web/"
expect_eq "$OUT" 503 "browser's status while starting"
expect_contains "$(cat "$DIR/h.head")" "Retry-After: 1" "starting page headers"
expect_contains "$(cat "$DIR/h.body")" '<meta http-equiv="refresh" content="1">' "starting page"
expect_contains "$(cat "$DIR/h.body")" "Starting web" "starting page"
run curl -s -w ' %{http_code}' "$URL/web/index.html"
expect_eq "$OUT" "hi
 200" "a waiting client's answer"
run curl -s -H 'Accept: text/html' -w ' %{http_code}' "$URL/web/index.html"
expect_eq "$OUT" "hi
 200" "the browser's next load, once up"

section "a failed start: 502 with the reason and the log tail"
run curl -s -w '%{http_code}' "$URL/bad/"
expect_contains "$OUT" "502 Bad Gateway: service 'bad' failed to start:" "answer"
expect_contains "$OUT" "config file missing: /etc/app.conf" "the log tail"
expect_match "$OUT" "502$"
run curl -s -H 'Accept: text/html' -w '%{http_code}' "$URL/bad/"
expect_contains "$OUT" "bad failed to start</h1>" "the browser's page"
expect_contains "$OUT" "config file missing: /etc/app.conf" "the browser's page"
expect_not_contains "$OUT" "refresh" "the failure page"
expect_contains "$(cat "$DIR/first.out")" "  bad  failed: container exited with code 3" "boss's own summary"
expect_contains "$(cat "$DIR/first.out")" "| config file missing: /etc/app.conf" "boss's own summary"

section "a start longer than --wait-timeout: 504 for a waiting client"
stop_proxy INT first
start_proxy second --wait-timeout 1 --timeout 20
URL=http://127.0.0.1:$PORT
run curl -s -w ' %{http_code}' "$URL/slow/"
expect_contains "$OUT" "504 Gateway Timeout: service 'slow' did not start within 1 s (--wait-timeout)" "answer"
stop_proxy INT second

finish
