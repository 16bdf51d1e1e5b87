#!/usr/bin/env bash
# Replicas (instances = N): a container per instance with its own name, DNS round-robin
# on the service's name and a name per instance, hooks per instance, dependents after all
# instances, scaling up and down that leaves the survivors alone, status and logs per
# instance, stop/reload of all of them, and a bad `instances` touching nothing.
source "$(dirname "$0")/lib.sh" "$@"

new_project replicas
write_services <<'EOF2'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }

Base:extend {
  name = "web",
  instances = 3,
  ports = { [8080] = 0 },
  cmd = { "sh", "-c", "echo hello from $(hostname); mkdir -p /www; hostname > /www/index.html; exec httpd -f -p 8080 -h /www" },
  ping = function(self)
    -- Instances become ready at different times: the dependent must wait for the last.
    boss.sleep(0.2 * self.instance)
    local port = self:host_port(8080)
    return port ~= nil and boss.http_get("http://127.0.0.1:" .. port .. "/") == 200
  end,
  post_start = function(self)
    local port = self:host_port(8080)
    local _, body = boss.http_get("http://127.0.0.1:" .. port .. "/")
    boss.run { "sh", "-c", "echo " .. self.instance .. " " .. self.hostname .. " " .. self.name .. " " ..
      (body:gsub("%s+$", "")) .. " > @DIR@/hook-" .. self.instance }
    boss.log("ready on " .. port)
  end,
}

-- Starts only after every instance of web passed post_start.
Base:extend {
  name = "client",
  dependencies = { "web" },
  pre_start = function(self)
    boss.run { "sh", "-c", "ls @DIR@ | grep -c '^hook-' > @DIR@/client-saw" }
  end,
}
EOF2

edit() { sed -i "$1" "$DIR/services.lua"; }
# inst_id N: the id of web's instance N (label boss.instance=N).
inst_id() {
  docker ps -aq --no-trunc --filter "label=boss.project=$P" --filter "label=boss.service=web" \
    --filter "label=boss.instance=$1"
}
web_count() { ids web | grep -c . || true; }

section "dry-run lists each instance"
expect_exit 0 boss_text start --dry-run
for i in 1 2 3; do expect_match "$OUT" "^create +web-$i +no container" "dry-run plan"; done
expect_match "$OUT" '^create +client +no container' "dry-run plan"
expect_nothing_created

section "start: three instances, each with its name, hooks per instance, then the dependent"
expect_exit 0 boss start --timeout 60
require_ok "start failed"
expect_eq "$(web_count)" 3 "containers of web"
for i in 1 2 3; do
  expect_eq "$(docker inspect -f '{{.Name}}' "$(inst_id $i)")" "/$P-web-$i" "name of instance $i"
  expect_eq "$(docker inspect -f '{{.Config.Hostname}}' "$(inst_id $i)")" "web-$i" "hostname of instance $i"
  expect_eq "$(cat "$DIR/hook-$i" 2>/dev/null)" "$i web-$i web web-$i" "post_start of instance $i (self.instance, self.hostname, self.name, its own port)"
done
expect_eq "$(jq -r 'select(.type == "summary") | [.services[] | select(.service == "web") | .instance] | join(",")' <<<"$OUT")" \
  "1,2,3" "instances in the summary"
expect_eq "$(jq -r 'select(.type == "summary") | [.services[] | select(.service == "web") | .state] | join(",")' <<<"$OUT")" \
  "up,up,up" "states in the summary"
expect_outcome client up create
expect_eq "$(jq -r 'select(.type == "hook_output") | "\(.service) \(.instance)"' <<<"$OUT" | sort | tr '\n' ,)" \
  "web 1,web 2,web 3," "each instance's boss.log carries its instance"
expect_eq "$(cat "$DIR/client-saw" 2>/dev/null)" 3 "post_start files when the dependent's pre_start ran"
expect_eq "$(docker inspect -f '{{.Name}}' "$(cid client)")" "/$P-client" "a single container keeps its plain name"

section "DNS: the service's name answers with every instance, and each instance by its own name"
client=$(cid client)
run docker exec "$client" nslookup web
web_addresses=$(grep -A20 '^Name:' <<<"$OUT" | grep -Eo 'Address:? *[0-9.]+' | grep -Eo '[0-9.]+$' | sort -u)
expect_eq "$(grep -c . <<<"$web_addresses")" 3 "addresses of 'web' (nslookup from client)"
expected=$(for i in 1 2 3; do
  docker inspect -f "{{(index .NetworkSettings.Networks \"boss-$P\").IPAddress}}" "$(inst_id $i)"
done | sort -u)
expect_eq "$web_addresses" "$expected" "the addresses of 'web' are those of its instances"
run docker exec "$client" nslookup web-2
expect_contains "$OUT" "$(docker inspect -f "{{(index .NetworkSettings.Networks \"boss-$P\").IPAddress}}" "$(inst_id 2)")" \
  "nslookup web-2"
run docker exec "$client" wget -qO- http://web-3:8080/
expect_eq "$OUT" "web-3" "http://web-3:8080/ from client"

section "status and logs show each instance"
expect_exit 0 boss_text status
for i in 1 2 3; do expect_match "$OUT" "^web-$i +running +$(inst_id $i | cut -c1-12)" "status"; done
expect_match "$OUT" "^client +running" "status"
expect_exit 0 boss status --json
expect_eq "$(jq -r '[.services[] | select(.service == "web") | .instance] | join(",")' <<<"$OUT")" "1,2,3" \
  "instances in status --json"
expect_exit 0 boss_text logs web --no-color
for i in 1 2 3; do expect_match "$OUT" "^web-$i +\\| hello from web-$i\$" "logs"; done
expect_exit 0 boss logs web
expect_eq "$(jq -r 'select(.type == "log") | .instance' <<<"$OUT" | sort -u | tr '\n' ' ')" "1 2 3 " \
  "instances of the json log lines"

section "exec --instance N runs in that replica"
expect_exit 0 boss exec -T --instance 2 web hostname
expect_eq "$OUT" "web-2" "boss exec --instance 2 web hostname"
expect_exit 0 boss exec -T web hostname
expect_eq "$OUT" "web-1" "boss exec web hostname (instance 1 by default)"
expect_exit 2 boss exec -T --instance 4 web hostname
expect_contains "$ERR" "service 'web' has 3 instances; --instance 4 does not exist" "exec --instance 4"

section "a second start keeps every instance"
before="$(inst_id 1) $(inst_id 2) $(inst_id 3)"
expect_exit 0 boss start --timeout 60
expect_eq "$(jq -r 'select(.type == "summary") | [.services[] | select(.service == "web") | .state] | join(",")' <<<"$OUT")" \
  "kept,kept,kept" "states in the summary"
expect_eq "$(inst_id 1) $(inst_id 2) $(inst_id 3)" "$before" "ids after a second start"

section "scale up 3 -> 5: the three stay as they are, two are added"
one=$(inst_id 1) two=$(inst_id 2) three=$(inst_id 3)
edit 's/instances = 3/instances = 5/'
expect_exit 0 boss_text start --dry-run
for i in 1 2 3; do expect_match "$OUT" "^keep +web-$i +running, unchanged" "dry-run plan"; done
for i in 4 5; do expect_match "$OUT" "^create +web-$i +no container" "dry-run plan"; done
expect_exit 0 boss start --timeout 60
expect_eq "$(web_count)" 5 "containers of web"
expect_eq "$(inst_id 1) $(inst_id 2) $(inst_id 3)" "$one $two $three" "ids of instances 1-3"
expect_eq "$(cat "$DIR/hook-5" 2>/dev/null)" "5 web-5 web web-5" "post_start of instance 5"
run docker exec "$client" nslookup web
expect_eq "$(grep -A20 '^Name:' <<<"$OUT" | grep -Eo 'Address:? *[0-9.]+' | sort -u | grep -c .)" 5 "addresses of 'web'"

section "scale down 5 -> 2: the highest go, the others stay"
four=$(inst_id 4) five=$(inst_id 5)
edit 's/instances = 5/instances = 2/'
expect_exit 0 boss_text start --dry-run
expect_match "$OUT" '^remove +web-5 +instances = 2: scaled down' "dry-run plan"
expect_match "$OUT" '^remove +web-3 +instances = 2: scaled down' "dry-run plan"
expect_exit 0 boss start --timeout 60
expect_eq "$(web_count)" 2 "containers of web"
expect_eq "$(inst_id 1) $(inst_id 2)" "$one $two" "ids of instances 1-2"
for gone in "$three" "$four" "$five"; do
  expect_true "a scaled-down container is gone" bash -c "! docker inspect $gone >/dev/null 2>&1"
done
expect_eq "$(jq -r 'select(.type == "service" and .service == "web" and .state == "removed") | .instance' <<<"$OUT" | tr '\n' ' ')" \
  "5 4 3 " "removed instances, in order"
expect_outcome client kept

section "reload web replaces every instance; stop web stops them all"
expect_exit 0 boss reload web --timeout 60
expect_eq "$(web_count)" 2 "containers of web"
expect_ne "$(inst_id 1)" "$one" "instance 1 after reload"
expect_ne "$(inst_id 2)" "$two" "instance 2 after reload"
expect_exit 0 boss stop web
for i in 1 2; do expect_eq "$(docker inspect -f '{{.State.Status}}' "$(inst_id $i)")" exited "instance $i after stop web"; done
expect_exit 0 boss start --timeout 60

section "without services.lua: status, logs and stop know the instances"
mv "$DIR/services.lua" "$DIR/services.lua.bak"
expect_exit 0 boss_text status
for i in 1 2; do expect_match "$OUT" "^web-$i +running" "status without services.lua"; done
expect_exit 0 boss_text logs web --no-color
expect_match "$OUT" "^web-2 +\\| hello from web-2\$" "logs without services.lua"
expect_exit 0 boss stop
for i in 1 2; do expect_eq "$(docker inspect -f '{{.State.Status}}' "$(inst_id $i)")" exited "instance $i after stop"; done
mv "$DIR/services.lua.bak" "$DIR/services.lua"

section "instances = 0 is an error naming the service and the field; nothing is touched"
expect_exit 0 boss start --timeout 60
before=$(docker ps -aq --no-trunc --filter "label=boss.project=$P" | sort)
for bad in 0 -1 1.5 '"2"'; do
  cp "$DIR/services.lua" "$DIR/services.lua.bak"
  edit "s/instances = 2/instances = $bad/"
  expect_exit 2 boss start --timeout 60
  expect_one_line_stderr
  expect_contains "$ERR" "service 'web': field 'instances' must be an integer from 1 to 1000" "stderr"
  mv "$DIR/services.lua.bak" "$DIR/services.lua"
done
expect_eq "$(docker ps -aq --no-trunc --filter "label=boss.project=$P" | sort)" "$before" "containers after the bad starts"
for i in 1 2; do expect_eq "$(docker inspect -f '{{.State.Status}}' "$(inst_id $i)")" running "instance $i"; done

finish
