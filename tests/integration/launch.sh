#!/usr/bin/env bash
# boss proxy's launch API against the real engine, with curl: POST /_boss/launch makes a
# container of a template (201 with its name, url and host), its input arriving as
# /input.json or INPUT_JSON, its URL answering by path and by host; every refusal with its
# status and one line (400 bad bodies and names, 404 an unknown template, 409 a name taken
# or still starting, 413 an INPUT_JSON too large, 502 a failed start with its log tail);
# DELETE /_boss/containers/<name> (200, 404, 403 for a service's); input = "url": the
# container fetching its input (busybox wget) from the proxy on the project network's
# gateway, where only inputs answer, each with its token (403 without).
# Launched containers under boss proxy's lifecycle: --memory-budget evicting the least
# recently used one for a launch (503 for one that never fits), idle_timeout removing one;
# boss launch from the command line.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"
curl() { command curl --max-time 60 "$@"; }

new_project launch
# viz: serves its /input.json (after a moment's work, so a launch is seen under way);
# envviz: serves its INPUT_JSON; broken: exits at once, saying why; db: a service.
write_services <<'EOF'
local boss = require "boss"
local ping = function(self) return self:exec { "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/" } == 0 end
boss.Service:extend {
  name = "viz", image = "@IMG@", kind = "template", input = "file", http = { port = 8080 }, stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "sleep 0.5; mkdir -p /www; echo viz > /www/index.html; cp /input.json /www/input.json; exec httpd -f -p 8080 -h /www" },
  ping = ping,
}
boss.Service:extend {
  name = "envviz", image = "@IMG@", kind = "template", input = "env", http = { port = 8080 }, stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "mkdir -p /www; echo envviz > /www/index.html; printf %s \"$INPUT_JSON\" > /www/input.json; exec httpd -f -p 8080 -h /www" },
  ping = ping,
}
boss.Service:extend {
  name = "urlviz", image = "@IMG@", kind = "template", input = "url", http = { port = 8080 }, stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "mkdir -p /www; echo urlviz > /www/index.html; wget -q -O /www/input.json \"$INPUT_JSON_URL\" || echo 'fetch failed' > /www/input.json; exec httpd -f -p 8080 -h /www" },
  ping = ping,
}
boss.Service:extend {
  name = "broken", image = "@IMG@", kind = "template", http = { port = 8080 },
  cmd = { "sh", "-c", "echo 'cannot read the dataset'; exit 3" },
}
boss.Service:extend { name = "db", image = "@IMG@", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL" }
EOF
expect_exit 0 boss start
require_ok "the project must start"
source "$(dirname "$0")/proxy_lib.sh"
start_proxy api --timeout 10
L=http://127.0.0.1:$PORT
expect_contains "$(cat "$DIR/api.out")" "launching viz, envviz, urlviz, broken with POST /_boss/launch" "the proxy says so"

# launch BODY: POSTs it; $BODY the answer, $CODE its status.
launch() {
  local answer
  answer=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary "$1" "$L/_boss/launch")
  CODE=${answer##*$'\n'}
  BODY=${answer%$'\n'*}
}
expect_refusal() {  # expect_refusal STATUS BODY MESSAGE
  launch "$2"
  expect_eq "$CODE" "$1" "status of $2"
  expect_contains "$BODY" "$3" "answer to $2"
  expect_eq "$(printf '%s' "$BODY" | grep -c .)" 1 "lines of the answer to $2"
}

section "input = file: 201, the input as /input.json, the URL answering by path and host"
launch '{"template":"viz","name":"one","input":{"points":[1,2,3],"title":"a {braced} title"}}'
expect_eq "$CODE" 201 "status"
expect_eq "$(jq -r .name <<<"$BODY")" viz-one "name"
expect_eq "$(jq -r .template <<<"$BODY")" viz "template"
expect_eq "$(jq -r .container <<<"$BODY")" "$P-viz-one" "container"
expect_eq "$(jq -r .url <<<"$BODY")" "$L/viz-one/" "url"
expect_eq "$(jq -r .host <<<"$BODY")" viz-one.localhost "host"
expect_eq "$(state viz-one)" running "its container"
expect_eq "$(inspect viz-one '{{index .Config.Labels "boss.template"}}')" viz "its boss.template label"
expect_eq "$(curl -s "$L/viz-one/")" viz "its URL"
expect_eq "$(curl -s "$L/viz-one/input.json" | jq -c .)" '{"points":[1,2,3],"title":"a {braced} title"}' "its /input.json"
expect_eq "$(curl -s -H 'Host: viz-one.localhost' "$L/input.json" | jq -c .points)" '[1,2,3]' "by host"

section "no input: /input.json is {}; no name: a random id"
launch '{"template":"viz"}'
expect_eq "$CODE" 201 "status"
RANDOM_NAME=$(jq -r .name <<<"$BODY")
expect_match "$RANDOM_NAME" '^viz-[0-9a-f]{6}$' "the random name"
expect_eq "$(curl -s "$L/$RANDOM_NAME/input.json")" '{}' "its /input.json"

section "input = env: INPUT_JSON"
launch '{"template":"envviz","name":"e1","input":{"k":"v {x}"}}'
expect_eq "$CODE" 201 "status"
expect_eq "$(env_of envviz-e1 INPUT_JSON)" '{"k":"v {x}"}' "INPUT_JSON in the container"
expect_eq "$(curl -s "$L/envviz-e1/input.json")" '{"k":"v {x}"}' "served from INPUT_JSON"

section "input = url: INPUT_JSON_URL, served on the project network's gateway, with its token only"
INPUTS=$(sed -n 's|.*serving launch inputs on \(http://[0-9.]*:[0-9]*\).*|\1|p' "$DIR/api.out" | head -1)
GATEWAY=$(docker network inspect "boss-$P" --format '{{range .IPAM.Config}}{{.Gateway}} {{end}}' | awk '{print $1}')
expect_eq "${INPUTS%:*}" "http://$GATEWAY" "where inputs are served: the project network's gateway"
launch '{"template":"urlviz","name":"u1","input":{"rows":[{"id":1}]}}'
expect_eq "$CODE" 201 "status"
INPUT_URL=$(env_of urlviz-u1 INPUT_JSON_URL)
expect_match "$INPUT_URL" "^$INPUTS/_boss/inputs/urlviz-u1\?token=[0-9a-f]{32}\$" "INPUT_JSON_URL"
expect_eq "$(curl -s "$L/urlviz-u1/input.json")" '{"rows":[{"id":1}]}' "what the container fetched (busybox wget)"
expect_eq "$(curl -s "$INPUT_URL")" '{"rows":[{"id":1}]}' "the URL from the host"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect_eq "$(code "${INPUT_URL%%\?*}")" 403 "no token"
expect_eq "$(code "${INPUT_URL%%\?*}?token=0123")" 403 "a wrong token"
expect_contains "$(curl -s "${INPUT_URL%%\?*}?token=0123")" "wrong token for the input of 'urlviz-u1'" "its answer"
expect_eq "$(code "$INPUTS/_boss/inputs/urlviz-none?token=0123")" 404 "no such input"
expect_eq "$(code "$INPUTS/_boss/")" 404 "the admin pages on the inputs' address"
expect_contains "$(curl -s "$INPUTS/_boss/")" "only launch inputs (/_boss/inputs/<name>) are served on this address" "its answer"
expect_eq "$(code "$INPUTS/viz-one/")" 404 "a launched container on the inputs' address"
expect_eq "$(code -X POST -d '{"template":"viz"}' "$INPUTS/_boss/launch")" 404 "a launch on the inputs' address"

section "refusals: status and one line each"
expect_refusal 400 'not json' 'the body is not JSON'
expect_refusal 400 '[1,2]' 'the body must be a JSON object, not an array'
expect_refusal 400 '{"template":"viz","image":"evil:latest"}' "unknown field 'image' (the fields are template, name and input)"
expect_refusal 400 '{"template":7}' "field 'template' must be a string, not a number"
expect_refusal 400 '{"template":"viz","name":"Bad_Name"}' "field 'name': name 'Bad_Name' must start with a lowercase letter or a digit"
expect_refusal 404 '{"template":"vis"}' "unknown template 'vis' (did you mean 'viz'?)"
expect_refusal 404 '{"template":"db"}' "unknown template 'db'"
expect_refusal 409 '{"template":"viz","name":"one"}' "launched container 'viz-one' exists"
BIG=$(head -c 70000 /dev/zero | tr '\0' a)
expect_refusal 413 "{\"template\":\"envviz\",\"input\":\"$BIG\"}" "over the 65536 bytes INPUT_JSON may hold"
expect_eq "$(ids envviz-big | grep -c . || true)" 0 "nothing made for the 413"
launch '{"template":"broken","name":"b1"}'
expect_eq "$CODE" 502 "status of a failed start"
expect_contains "$(jq -r .error <<<"$BODY")" "launch 'broken-b1' failed" "its reason"
expect_contains "$(jq -r .logs <<<"$BODY")" "cannot read the dataset" "its log tail"

section "two launches of one name at once: one 201, the other 409"
for i in 1 2; do
  curl -s -o "$DIR/twin$i.out" -w '%{http_code}\n' --data-binary '{"template":"viz","name":"twin"}' "$L/_boss/launch" \
    >"$DIR/twin$i.code" &
done
wait_for 60 test -s "$DIR/twin1.code" -a -s "$DIR/twin2.code"
expect_eq "$(cat "$DIR/twin1.code" "$DIR/twin2.code" | sort | tr '\n' ' ')" "201 409 " "their statuses"
expect_contains "$(cat "$DIR/twin1.out" "$DIR/twin2.out")" "viz-twin" "the 409 names it"
expect_eq "$(ids viz-twin | grep -c . || true)" 1 "viz-twin's containers"

section "DELETE /_boss/containers/<name>: 200, then 404; 403 for a service's"
del() { curl -s -w '\n%{http_code}' -X DELETE "$L/_boss/containers/$1"; }
answer=$(del viz-one)
expect_eq "${answer##*$'\n'}" 200 "status"
expect_eq "$(jq -c . <<<"${answer%$'\n'*}")" '{"name":"viz-one","removed":true,"template":"viz"}' "answer"
expect_eq "$(ids viz-one | grep -c . || true)" 0 "viz-one's containers"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$L/viz-one/")" 503 "its URL once removed"
answer=$(del viz-one)
expect_eq "${answer##*$'\n'}" 404 "status of a second delete"
expect_contains "$answer" "no launched container 'viz-one'" "its answer"
answer=$(del db)
expect_eq "${answer##*$'\n'}" 403 "status of deleting a service's"
expect_contains "$answer" "'db' is a service, not a launched container" "its answer"
expect_eq "$(state db)" running "db"
answer=$(del urlviz-u1)
expect_eq "${answer##*$'\n'}" 200 "status of deleting urlviz-u1"
expect_eq "$(code "$INPUT_URL")" 404 "its input once it is removed"
answer=$(del broken-b1)
expect_eq "${answer##*$'\n'}" 200 "the failed launch's container is removed too"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$L/_boss/launch")" 405 "PUT /_boss/launch"

section "boss launch: the name printed, the input from a file or stdin; bad ones one line, exit 2"
printf '{"from":"file"}' >"$DIR/in.json"
expect_exit 0 boss_text launch viz --name cli1 --input "$DIR/in.json" --timeout 20
expect_eq "$(tail -1 <<<"$OUT")" viz-cli1 "what it prints last"
expect_eq "$(state viz-cli1)" running "its container"
expect_eq "$(curl -s "$L/viz-cli1/input.json")" '{"from":"file"}' "its /input.json, routed by the proxy"
run bash -c "echo '{\"from\":\"stdin\"}' | BOSS_TEST_PROGRESS=plain \"$BOSS_BIN\" -f \"$DIR/services.lua\" -p \"$P\" --progress plain launch envviz --name cli2 --input -"
expect_eq "$RC" 0 "exit code with --input -"
expect_eq "$(env_of envviz-cli2 INPUT_JSON)" '{"from":"stdin"}' "INPUT_JSON from stdin"
bad_launch() {  # bad_launch MESSAGE ARGS...
  local message=$1
  shift
  expect_exit 2 boss launch "$@"
  expect_contains "$ERR" "$message"
  expect_one_line_stderr
}
bad_launch "launch: unknown template 'vis' (did you mean 'viz'?)" vis
bad_launch "launch: launched container 'viz-cli1' exists" viz --name cli1
bad_launch "launch: name 'No' must start with a lowercase letter or a digit" viz --name No
printf 'not json' >"$DIR/bad.json"
bad_launch "--input: '$DIR/bad.json' is not JSON" viz --input "$DIR/bad.json"
bad_launch "--input: cannot read '$DIR/missing.json'" viz --input "$DIR/missing.json"
expect_exit 2 boss launch
expect_one_line_stderr
expect_exit 1 boss launch broken --name cli3
expect_contains "$ERR" "launch 'broken-cli3' failed"

section "boss down removes launched containers"
stop_proxy INT api
expect_exit 0 boss down
expect_eq "$(count_containers)" 0 "containers after boss down"

new_project launchidle
# lru: 64m each, no idle_timeout; brief: removed 2 s after its last request; huge: over
# the whole budget.
write_services <<'EOF'
local boss = require "boss"
local ping = function(self) return self:exec { "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/" } == 0 end
local cmd = { "sh", "-c", "mkdir -p /www; echo up > /www/index.html; exec httpd -f -p 8080 -h /www" }
boss.Service:extend { name = "lru", image = "@IMG@", kind = "template", http = { port = 8080 }, stop_signal = "SIGKILL",
  mem_limit = "64m", cmd = cmd, ping = ping }
boss.Service:extend { name = "brief", image = "@IMG@", kind = "template", http = { port = 8080 }, stop_signal = "SIGKILL",
  mem_limit = "32m", idle_timeout = "2s", cmd = cmd, ping = ping }
boss.Service:extend { name = "huge", image = "@IMG@", kind = "template", http = { port = 8080 }, mem_limit = "1g", cmd = cmd }
EOF

section "--memory-budget with a template without mem_limit: exit 2, one line"
sed 's/, mem_limit = "1g"//' "$DIR/services.lua" >"$DIR/nolimit.lua"
run "$BOSS_BIN" -f "$DIR/nolimit.lua" -p "$P" proxy --listen 127.0.0.1:0 --memory-budget 150m
expect_eq "$RC" 2 "exit code"
expect_contains "$ERR" "--memory-budget: template 'huge' has no mem_limit (the budget counts each launched container's mem_limit)"
expect_one_line_stderr

section "--memory-budget: the least recently used launched container gives way; one too big is 503"
start_proxy budget --memory-budget 150m --timeout 10
L=http://127.0.0.1:$PORT
expect_contains "$(cat "$DIR/budget.err")" "template 'huge' needs 1g, more than --memory-budget 150m: it will never launch" "the warning"
launch '{"template":"lru","name":"a"}'
expect_eq "$CODE" 201 "lru-a"
launch '{"template":"lru","name":"b"}'
expect_eq "$CODE" 201 "lru-b"
expect_eq "$(curl -s "$L/lru-a/")" up "a request to lru-a (so lru-b is the least recently used)"
launch '{"template":"lru","name":"c"}'
expect_eq "$CODE" 201 "lru-c, past the budget with a and b"
expect_eq "$(ids lru-b | grep -c . || true)" 0 "lru-b's containers: evicted and removed"
expect_eq "$(state lru-a)" running "lru-a"
expect_eq "$(state lru-c)" running "lru-c"
expect_contains "$(cat "$DIR/budget.out")" "stopping lru-b: least recently used, to make room in --memory-budget for lru-c" "the proxy says why"
expect_refusal 503 '{"template":"huge","name":"h"}' "launch 'huge-h' does not fit in --memory-budget"
expect_eq "$(ids huge-h | grep -c . || true)" 0 "nothing made for the 503"

section "idle_timeout: a launched container idle past it is stopped and removed"
for name in lru-a lru-c; do curl -s -o /dev/null -X DELETE "$L/_boss/containers/$name"; done
launch '{"template":"brief","name":"x"}'
expect_eq "$CODE" 201 "brief-x"
# Requests keep it: one every half second for 3 s, longer than its idle_timeout.
for _ in 1 2 3 4 5 6; do curl -s -o /dev/null "$L/brief-x/"; sleep 0.5; done
expect_eq "$(state brief-x)" running "brief-x while it is used"
gone() { [[ -z $(ids "$1") ]]; }
if wait_for 20 gone brief-x; then pass "brief-x removed once idle"; else fail "brief-x should be removed within 20 s of its last request"; fi
expect_contains "$(cat "$DIR/budget.out")" "stopping brief-x: no request for" "the proxy says why"
stop_proxy INT budget
expect_exit 0 boss down
finish
