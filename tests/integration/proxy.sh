#!/usr/bin/env bash
# boss proxy against a real busybox httpd: routing by path and by host, the prefix
# stripped and X-Forwarded-* set, refusals (404, 421, 400, 431) never forwarded,
# keep-alive, bodies streamed both ways without being held, a stopped service, bad
# options, and SIGINT/SIGTERM ending it with exit 0.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"
# Every request is bounded: a proxy that stops relaying fails its check, never the suite's time.
curl() { command curl --max-time 30 "$@"; }

new_project proxy
# /cgi-bin/env shows the request as the container got it; /cgi-bin/echo sends the body back.
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend {
  name = "web", image = "@IMG@", http = { port = 8080 }, stop_signal = "SIGKILL",
  cmd = { "sh", "-c", [[
mkdir -p /www/cgi-bin /www/sub
echo hi > /www/index.html
echo deep > /www/sub/page.txt
dd if=/dev/zero of=/www/big.bin bs=1048576 count=64 2>/dev/null
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nenv | sort\n' > /www/cgi-bin/env
printf '#!/bin/sh\nprintf "Content-Type: application/octet-stream\\r\\n\\r\\n"\ncat\n' > /www/cgi-bin/echo
chmod +x /www/cgi-bin/env /www/cgi-bin/echo
exec httpd -f -p 8080 -h /www
]] },
}
boss.Service:extend { name = "db", image = "@IMG@", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL" }
EOF

section "bad options: one line, exit 2"
expect_exit 2 boss proxy --listen nonsense
expect_contains "$ERR" "--listen: must be ADDR:PORT, [IPv6]:PORT or PORT, got 'nonsense'"
expect_one_line_stderr
expect_exit 2 boss proxy --domain 'a..b'
expect_contains "$ERR" "--domain: must be a host name"
expect_one_line_stderr

expect_exit 0 boss start
require_ok "the project must start"

source "$(dirname "$0")/proxy_lib.sh"

start_proxy first
URL=http://127.0.0.1:$PORT
expect_contains "$(cat "$DIR/first.out")" "routing web by path (/<service>/) and host (<service>.localhost)" "proxy output"
if wait_for 20 bash -c "curl -sf '$URL/web/index.html' | grep -q hi"; then pass "web answers through the proxy"; else
  fail "web should answer through the proxy within 20 s"; cat "$DIR/first.out" | indent; fi

section "by path: the prefix stripped, X-Forwarded-* set"
run curl -s -i "$URL/web/sub/page.txt"
expect_match "$OUT" '^HTTP/1.1 200' "status line"
expect_contains "$OUT" "deep" "body"
run curl -s -H 'X-Forwarded-For: 10.1.2.3' "$URL/web/cgi-bin/env?x=1&y=/z"
expect_contains "$OUT" "REQUEST_URI=/cgi-bin/env?x=1&y=/z" "the upstream's target"
expect_contains "$OUT" "HTTP_X_FORWARDED_PREFIX=/web" "CGI env"
expect_contains "$OUT" "HTTP_X_FORWARDED_FOR=10.1.2.3, 127.0.0.1" "CGI env"
expect_contains "$OUT" "HTTP_X_FORWARDED_PROTO=http" "CGI env"
expect_contains "$OUT" "HTTP_X_FORWARDED_HOST=127.0.0.1:$PORT" "CGI env"
run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/web"
expect_eq "$OUT" "308 $URL/web/" "/web redirects to /web/"

section "by host: web.localhost, the target as sent, no prefix"
run curl -s -H 'Host: web.localhost' "$URL/index.html"
expect_eq "$OUT" "hi" "body by host"
run curl -s -H "Host: WEB.localhost:$PORT" -H 'X-Forwarded-Prefix: /spoofed' "$URL/cgi-bin/env"
expect_contains "$OUT" "REQUEST_URI=/cgi-bin/env" "the upstream's target"
expect_not_contains "$OUT" "HTTP_X_FORWARDED_PREFIX" "CGI env (a client's own prefix is dropped)"

section "refused, never forwarded"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect_eq "$(code "$URL/nope/")" 404 "unknown service"
run curl -s "$URL/nope/"
expect_contains "$OUT" "no service 'nope' (http services: web)" "404 body"
expect_eq "$(code "$URL/db/")" 404 "service without http"
expect_eq "$(code -H 'Host: nope.localhost' "$URL/")" 404 "unknown service host"
expect_eq "$(code -H 'Host: evil.example' "$URL/web/")" 421 "a host not served here"
expect_eq "$(code --path-as-is "$URL/web/../_boss/")" 400 "path traversal"
expect_eq "$(code "$URL/web/%2e%2e/_boss/")" 400 "encoded path traversal"
expect_eq "$(code -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$URL/web/")" 431 "a header over 16 KiB"
many=()
for i in $(seq 1 120); do many+=(-H "X-Many-$i: $i"); done
expect_eq "$(code "${many[@]}" "$URL/web/")" 431 "more than 100 header fields"
# Both framings at once (request smuggling): refused, whatever the parser makes of it.
raw=$(exec 3<>"/dev/tcp/127.0.0.1/$PORT"
      printf 'POST /web/cgi-bin/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' >&3
      timeout 5 cat <&3)
expect_match "$raw" '^HTTP/1.1 400' "Content-Length with Transfer-Encoding"
log_text=$(cat "$DIR/first.out")
expect_contains "$log_text" "/web/../_boss/ -> 400 path traversal ('..' segment) refused" "proxy log"
expect_contains "$log_text" "GET /nope/ -> 404 no service 'nope'" "proxy log"

section "keep-alive: two requests on one connection"
run curl -sv "$URL/web/index.html" "$URL/web/sub/page.txt"
expect_contains "$ERR" "Re-using existing connection" "curl's trace"
expect_eq "$(printf '%s' "$OUT" | tr -d '\n')" "hideep" "both bodies"
# The CGI's answer ends when its connection does: chunked to the client, which keeps it.
run curl -sv "$URL/web/cgi-bin/env" "$URL/web/index.html"
expect_contains "$ERR" "Re-using existing connection" "curl's trace after an EOF-delimited answer"
expect_match "$ERR" "< Transfer-Encoding: chunked" "curl's trace"

section "HEAD and HTTP/1.0 clients"
run curl -s -I "$URL/web/sub/page.txt"
expect_match "$OUT" '^HTTP/1.1 200' "HEAD status line"
expect_match "$OUT" 'Content-Length: 5' "HEAD keeps the length of the body it does not send"
run curl -s -0 -i "$URL/web/cgi-bin/env"
expect_match "$OUT" '^HTTP/1.0 200' "an HTTP/1.0 client's status line"
expect_not_contains "$OUT" "Transfer-Encoding" "an HTTP/1.0 answer (never chunked)"
expect_contains "$OUT" "REQUEST_URI=/cgi-bin/env" "an HTTP/1.0 answer's body, to the end of the connection"

section "bodies streamed both ways, never held whole"
# 32 MB: more than the sockets and pipes between here and the CGI hold, so an echo only
# completes when the answer is relayed while the body is still being sent.
head -c 32000000 /dev/urandom >"$DIR/upload.bin"
run curl -s --data-binary @"$DIR/upload.bin" -H 'Content-Type: application/octet-stream' -o "$DIR/echoed.bin" "$URL/web/cgi-bin/echo"
expect_eq "$(sha256sum <"$DIR/echoed.bin")" "$(sha256sum <"$DIR/upload.bin")" "the echoed 32 MB body"
run curl -s -o /dev/null -w '%{size_download}' "$URL/web/big.bin"
expect_eq "$OUT" 67108864 "bytes of a 64 MiB download"
hwm_kb=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PROXY_PID/status")
if ((hwm_kb < 48 * 1024)); then pass "the proxy's peak memory after 64 MiB is $((hwm_kb / 1024)) MiB (< 48)"; else
  fail "the proxy should not hold a whole body" "peak memory: $((hwm_kb / 1024)) MiB"; fi

section "a stopped service: 503 with the reason"
expect_exit 0 boss stop web
sleep 1.2  # what the engine said is trusted for a second
run curl -s -w '%{http_code}' "$URL/web/index.html"
expect_eq "$OUT" "503 Service Unavailable: service 'web' is not running (boss start web)
503" "answer and status"
expect_exit 0 boss start web

section "SIGTERM ends it with exit 0"
stop_proxy TERM first

section "a port in use: exit 1, one line"
start_proxy second
expect_exit 1 boss proxy --listen "127.0.0.1:$PORT"
expect_contains "$ERR" "cannot listen on 127.0.0.1:$PORT:" "stderr"
expect_one_line_stderr
section "SIGINT ends it with exit 0"
stop_proxy INT second

finish
