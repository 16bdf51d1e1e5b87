#!/usr/bin/env bash
# boss proxy's admin pages (/_boss/) against the real engine, with curl: loopback peers
# without a token; with --admin-token (or BOSS_ADMIN_TOKEN) only the token, from any peer
# (401 without it, 403 with another); a peer that is not loopback refused without a token;
# the routing around it (/_boss redirected, traversal refused, 404 and 405 with Allow,
# 413 past 1 MiB); the listing as JSON and HTML (with each running container's memory in
# use); each container's request history (the proxy's own answers for it too); its
# logs, their tail and a follow that ends when the client leaves.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"
curl() { command curl --max-time 30 "$@"; }

new_project admin
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend {
  name = "web", image = "@IMG@", http = { port = 8080 }, stop_signal = "SIGKILL", mem_limit = "64m",
  cmd = { "sh", "-c", "mkdir -p /www; echo web > /www/index.html; echo hello-from-web; exec httpd -f -vv -p 8080 -h /www" },
  ping = function(self) return self:exec { "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/" } == 0 end,
}
boss.Service:extend { name = "lazy", image = "@IMG@", http = { port = 8080 }, on_demand = true, cmd = { "sleep", "100000" } }
EOF2
expect_exit 0 boss start
require_ok "the project must start"
source "$(dirname "$0")/proxy_lib.sh"

# On all addresses, so that a peer other than loopback can reach it (the host's address on
# the engine's bridge).
start_admin_proxy() { PROXY_ADDRESS=0.0.0.0 start_proxy "$@"; }
# An address of this host that is not loopback: the engine's bridge gateway.
OTHER=$(docker network inspect bridge --format '{{range .IPAM.Config}}{{.Gateway}}{{end}}' 2>/dev/null | head -1)
[[ -n $OTHER ]] || OTHER=$(hostname -I 2>/dev/null | awk '{print $1}')
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

section "no token: loopback peers only"
start_admin_proxy open
L=http://127.0.0.1:$PORT
expect_contains "$(cat "$DIR/open.out")" "admin pages at /_boss/ (loopback peers only)" "the proxy says so"
expect_eq "$(code "$L/_boss/")" 200 "loopback, no token"
if [[ -n $OTHER ]]; then
  run curl -s -w ' %{http_code}' "http://$OTHER:$PORT/_boss/"
  expect_match "$OUT" " 403$"
  expect_contains "$OUT" "the admin pages answer only on loopback" "the refusal"
  expect_eq "$(code "http://$OTHER:$PORT/web/")" 200 "the same peer reaches the services"
else
  log "no address other than loopback here: the non-loopback refusal is not checked"
fi
expect_contains "$(cat "$DIR/open.out")" "GET /_boss/ -> 403 the admin pages answer only on loopback" "the refusal logged"

section "routing: /_boss redirected, traversal refused, 404 and 405 with Allow, 413 past 1 MiB"
run curl -s -D - -o /dev/null "$L/_boss?format=json"
expect_contains "$OUT" "HTTP/1.1 308" "status"
expect_contains "$OUT" "Location: /_boss/?format=json" "location"
expect_eq "$(code --path-as-is "$L/web/../_boss/")" 400 "/web/../_boss/"
expect_eq "$(code --path-as-is "$L/web/%2e%2e/_boss/")" 400 "/web/%2e%2e/_boss/"
run curl -s -w ' %{http_code}' "$L/_boss/nope"
expect_contains "$OUT" "404 Not Found: no admin page /_boss/nope (GET /_boss/" "the answer"
expect_match "$OUT" " 404$"
run curl -s -D - -o /dev/null -X DELETE "$L/_boss/"
expect_contains "$OUT" "HTTP/1.1 405" "DELETE /_boss/"
expect_contains "$OUT" "Allow: GET, HEAD" "Allow"
head -c $((1024 * 1024 + 1)) /dev/zero >"$DIR/big.body"
expect_eq "$(code -X GET --data-binary @"$DIR/big.body" "$L/_boss/")" 413 "a body over 1 MiB"
run curl -s -I "$L/_boss/"
expect_contains "$OUT" "HTTP/1.1 200" "HEAD"
stop_proxy INT open

section "with --admin-token: 401 without it, 403 with another, 200 with it, from any peer"
start_admin_proxy token --admin-token "s3cret-token"
L=http://127.0.0.1:$PORT
expect_contains "$(cat "$DIR/token.out")" "admin pages at /_boss/ (with the admin token, from any peer)" "the proxy says so"
run curl -s -D - "$L/_boss/"
expect_contains "$OUT" "HTTP/1.1 401" "loopback without the token"
expect_contains "$OUT" 'WWW-Authenticate: Bearer realm="boss"' "challenge"
expect_eq "$(code -H 'Authorization: Bearer wrong' "$L/_boss/")" 403 "a wrong token"
expect_eq "$(code -H 'Authorization: Basic czNjcmV0LXRva2Vu' "$L/_boss/")" 401 "another scheme"
expect_eq "$(code -H 'Authorization: Bearer s3cret-token' "$L/_boss/")" 200 "the token, on loopback"
if [[ -n $OTHER ]]; then
  expect_eq "$(code -H 'Authorization: Bearer s3cret-token' "http://$OTHER:$PORT/_boss/")" 200 "the token, from $OTHER"
  expect_eq "$(code "http://$OTHER:$PORT/_boss/")" 401 "no token, from $OTHER"
fi
expect_eq "$(code "$L/web/")" 200 "the services need no token"
stop_proxy INT token

section "BOSS_ADMIN_TOKEN works as --admin-token; a bad token is one line, exit 2"
BOSS_ADMIN_TOKEN=from-env start_admin_proxy envtoken
L=http://127.0.0.1:$PORT
expect_eq "$(code "$L/_boss/")" 401 "without it"
expect_eq "$(code -H 'Authorization: Bearer from-env' "$L/_boss/")" 200 "with it"
stop_proxy INT envtoken
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" proxy --listen 127.0.0.1:0 --admin-token "has blank"
expect_eq "$RC" 2 "exit code of a bad --admin-token"
expect_contains "$ERR" "--admin-token: the admin token may hold only visible ASCII characters (no blanks)" "error"
expect_one_line_stderr

section "the listing: JSON for programs, HTML for browsers"
start_proxy list
L=http://127.0.0.1:$PORT
expect_eq "$(curl -s "$L/web/")" web "a request to web"
run curl -s "$L/_boss/"
J=$OUT
jq_() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" <<<"$J"; }
expect_eq "$(jq_ 'd["project"]')" "$P" "project"
expect_eq "$(jq_ '[c["name"] for c in d["containers"]]')" "['web', 'lazy']" "rows"
expect_eq "$(jq_ '[c for c in d["containers"] if c["name"]=="web"][0]["state"]')" running "web's state"
expect_eq "$(jq_ '[c for c in d["containers"] if c["name"]=="web"][0]["requests"]')" 1 "web's requests"
expect_eq "$(jq_ '[c for c in d["containers"] if c["name"]=="web"][0]["mem_limit"]')" 67108864 "web's memory limit"
expect_match "$(jq_ '[c for c in d["containers"] if c["name"]=="web"][0]["last_request"]')" '^20[0-9-]+T[0-9:.]+Z$'
# What it uses (the engine's stats, less the page cache), not the limit: a positive number.
WEB_MEM=$(jq_ '[c for c in d["containers"] if c["name"]=="web"][0]["mem_usage"]')
if [[ $WEB_MEM =~ ^[0-9]+$ ]] && (( WEB_MEM > 0 && WEB_MEM < 67108864 )); then
  pass "web's memory in use is a positive number under its limit ($WEB_MEM bytes)"
else
  fail "web's memory in use should be a positive number under its limit, got '$WEB_MEM'"
fi
expect_eq "$(jq_ '[c for c in d["containers"] if c["name"]=="lazy"][0]["mem_usage"]')" None "lazy runs no container: no memory"
expect_eq "$(jq_ '[c for c in d["containers"] if c["name"]=="lazy"][0]["state"]')" none "lazy has no container"
expect_eq "$(jq_ '[c for c in d["containers"] if c["name"]=="lazy"][0]["demand"]')" stopped "lazy's on-demand state"
run curl -s -D - -H 'Accept: text/html' "$L/_boss/"
expect_contains "$OUT" "Content-Type: text/html" "HTML for a browser"
expect_contains "$OUT" '<a href="/web/">web</a>' "web's row links to it"
expect_match "$OUT" '<td>[0-9.]+[bkmg] / 64m</td>' "web's memory in use and limit"

section "history: each request the container answered, in a bounded file"
expect_eq "$(curl -s "$L/web/index.html?x=1")" web "a second request"
expect_eq "$(code "$L/web/missing")" 404 "a third, answered 404 by web"
run curl -s "$L/_boss/history/web"
J=$OUT
expect_eq "$(jq_ 'd["container"]')" "$P-web" "the container"
# The earlier proxies' requests to web are in it too: the file outlives a proxy.
expect_eq "$(jq_ '[(r["method"], r["path"], r["status"]) for r in d["requests"]][-3:]')" \
  "[('GET', '/web/', 200), ('GET', '/web/index.html?x=1', 200), ('GET', '/web/missing', 404)]" "the requests, oldest first"
expect_match "$(jq_ 'd["requests"][0]["time"]')" '^20[0-9-]+T[0-9:.]+Z$'
expect_match "$(jq_ 'd["requests"][0]["duration_ms"]')" '^[0-9.]+$'
expect_eq "$(wc -l <"$DIR/.boss/$P/history/$P-web.jsonl")" "$(jq_ 'len(d["requests"])')" "lines in .boss/<project>/history/<container>.jsonl"
run curl -s -w ' %{http_code}' "$L/_boss/history/nope"
expect_contains "$OUT" "no container 'nope' in project $P (containers: web)" "an unknown name"
expect_match "$OUT" " 404$"

section "logs: the tail, and ?follow=1 streaming until the client goes away"
run curl -s "$L/_boss/logs/web?tail=all"
expect_contains "$OUT" "hello-from-web" "the container's first line"
run curl -s -w ' %{http_code}' "$L/_boss/logs/web?tail=x"
expect_contains "$OUT" "?tail: must be a number of lines or 'all', got 'x'" "a bad tail"
command curl -s -N --max-time 60 "$L/_boss/logs/web?follow=1&tail=0" >"$DIR/follow.out" 2>&1 &
FOLLOW=$!
BG_PIDS+=("$FOLLOW")
sleep 1
expect_eq "$(code "$L/web/followed-page")" 404 "a request while following"
if wait_for 15 grep -q "followed-page" "$DIR/follow.out"; then
  pass "the followed log shows the line the container wrote after the follow began"
else
  fail "the followed log should show the new request's line"; cat "$DIR/follow.out" | indent
fi
kill "$FOLLOW"
wait "$FOLLOW" 2>/dev/null
if wait_for 10 grep -q "GET /_boss/logs/web?follow=1&tail=0 -> admin 200 .*until the client left" "$DIR/list.out"; then
  pass "the stream ended when the client went away"
else
  fail "the proxy should end the stream once its client left"; grep _boss/logs "$DIR/list.out" | indent
fi

section "history: the proxy's own answers for a container (its starting page, a 502) are in it too"
# lazy is on demand and has no container: a browser gets the starting page at once.
expect_eq "$(code -H 'Accept: text/html' "$L/lazy/first")" 503 "the starting page"
lazy_runs() {
  command curl -s "$L/_boss/" |
    python3 -c 'import json,sys; sys.exit(0 if any(c["name"] == "lazy" and c["state"] == "running" and c.get("demand") == "up" for c in json.load(sys.stdin)["containers"]) else 1)'
}
if wait_for 30 lazy_runs; then
  pass "lazy was started on demand"
else
  fail "lazy should run after its first request"; command curl -s "$L/_boss/" | indent
fi
# It runs, yet nothing listens on its http port: the proxy answers 502 itself.
expect_eq "$(code "$L/lazy/second")" 502 "an answer of the proxy's own for a running container"
run curl -s "$L/_boss/history/lazy"
J=$OUT
expect_eq "$(jq_ 'd["container"]')" "$P-lazy" "lazy's container"
expect_eq "$(jq_ '[(r["method"], r["path"], r["status"]) for r in d["requests"]]')" \
  "[('GET', '/lazy/first', 503), ('GET', '/lazy/second', 502)]" "both answers, in its history"
expect_match "$(jq_ 'd["requests"][1]["duration_ms"]')" '^[0-9.]+$'
stop_proxy INT list

finish
