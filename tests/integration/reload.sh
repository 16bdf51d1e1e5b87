#!/usr/bin/env bash
# boss reload: rebuild from build_from_directory, restart the service and its dependents
# in order with hooks and the context; a failed build leaves everything running.
source "$(dirname "$0")/lib.sh" "$@"

new_project reload
IMAGE="$P/app:dev"
EXTRA_IMAGES+=("$IMAGE")
mkdir -p "$DIR/app"
cat >"$DIR/app/Dockerfile" <<EOF
FROM $BUSYBOX
COPY index.html /www/index.html
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
EOF
echo "version-1" >"$DIR/app/index.html"

write_services <<EOF
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
Base:extend { name = "db", post_start = function(self) boss.log("hook post_start db") end }
Base:extend {
  name = "app", dependencies = { "db" },
  image = "$IMAGE", build_from_directory = "app",
  cmd = { "httpd", "-f", "-p", "8080", "-h", "/www" },
  ping_interval = 0.1,
  ping = function(self) return (self:exec { "wget", "-qO-", "http://127.0.0.1:8080/" }) == 0 end,
  post_start = function(self)
    local _, body = self:exec { "cat", "/www/index.html" }
    boss.context.app_content = (body:gsub("%s+\$", ""))
    boss.context.app_starts = (boss.context.app_starts or 0) + 1
    boss.log("hook post_start app " .. boss.context.app_content)
  end,
}
Base:extend {
  name = "client", dependencies = { "app" },
  env = { APP_CONTENT = "{app_content}" },
  ping = function(self) return (self:exec { "wget", "-qO-", "http://app:8080/" }) == 0 end,
  post_start = function(self) boss.log("hook post_start client " .. tostring(boss.context.app_content)) end,
}
Base:extend {
  name = "client2", dependencies = { "client" },
  post_start = function(self) boss.log("hook post_start client2") end,
}
Base:extend { name = "bystander", post_start = function(self) boss.log("hook post_start bystander") end }
boss.on_reload(function(service) boss.log("group on_reload " .. service) end)
EOF

section "first start builds the image"
expect_exit 0 boss start
require_ok "start failed"
expect_contains "$OUT" '"state":"building","action":"create","reason":"'"$IMAGE" "start output"
expect_true "image $IMAGE exists" docker image inspect "$IMAGE" >/dev/null
expect_eq "$(docker exec "$(cid client)" wget -qO- http://app:8080/ 2>&1)" "version-1" "content served by app"
expect_eq "$(env_of client APP_CONTENT)" "version-1" "client's APP_CONTENT"
declare -A before
for s in db app client client2 bystander; do before[$s]=$(cid $s); done

section "re-run start: the image is not rebuilt"
expect_exit 0 boss start
expect_not_contains "$(phases app)" "building" "re-run phases of app"
expect_eq "$(cid app)" "${before[app]}" "app's container"

section "reload after changing the file"
echo "version-2" >"$DIR/app/index.html"
client2_started=$(started_ns client2)
expect_exit 0 boss reload app
require_ok "reload failed"
expect_contains "$OUT" '"state":"building","action":"recreate","reason":"'"$IMAGE" "reload output"
expect_ne "$(cid app)" "${before[app]}" "app's container after reload"
expect_one_container app
expect_state app running
expect_eq "$(docker exec "$(cid client)" wget -qO- http://app:8080/ 2>&1)" "version-2" "content served by the new app"
expect_contains "$(hook_output)" "hook post_start app version-2" "reload output (app's hooks ran)"
expect_match "$(cat "$(ctx_file)")" '"app_content": "version-2"' "the context file"
expect_match "$(cat "$(ctx_file)")" '"app_starts": 2' "the context file"
# Dependents were stopped and started again after app, with the new context.
for s in client client2; do expect_state $s running; done
expect_eq "$(env_of client APP_CONTENT)" "version-2" "client's APP_CONTENT after reload (context)"
expect_true "client started after app" test "$(started_ns client)" -gt "$(started_ns app)"
expect_true "client2 started after client" test "$(started_ns client2)" -gt "$(started_ns client)"
expect_true "client2 was restarted by the reload" test "$(started_ns client2)" -gt "$client2_started"
# The dependency and the unrelated service were not touched.
expect_eq "$(cid db)" "${before[db]}" "db's container"
expect_eq "$(cid bystander)" "${before[bystander]}" "bystander's container"
expect_not_contains "$(hook_output)" "hook post_start db" "reload output"
expect_not_contains "$(hook_output)" "hook post_start bystander" "reload output"
expect_contains "$OUT" "group on_reload app" "reload output"
expect_exit 0 boss start
expect_not_contains "$(hook_output)" "hook post_start" "start after reload is a no-op"

section "reload of a dependent only: its dependency is left alone"
app_id=$(cid app) client_old=$(cid client) since=$(date +%s)
expect_exit 0 boss reload client
expect_eq "$(cid app)" "$app_id" "app's container after reload client"
expect_contains "$(hook_output)" "hook post_start client version-2" "reload client output"

section "reload is new-first: the new one is up once ready, takes its name, and only then does the old one go"
expect_contains "$OUT" '"state":"creating","action":"recreate","reason":"reload; beside the running one"' "reload output"
old_events() {  # old_events EVENT FORMAT: what the engine told of client's old container
  docker events --since "$since" --until "$(date +%s.%N)" --filter "container=$client_old" --filter "event=$1" \
    --format "$2" | head -1
}
client_up=$(jq -r 'select(.type == "service" and .service == "client" and .state == "up") | .time' <<<"$OUT" | head -1)
expect_eq "$(old_events rename '{{index .Actor.Attributes "name"}}')" "$P-client-old" "the old client's name once stepped aside"
old_died=$(old_events die '{{.TimeNano}}')
expect_true "client said up ($client_up) before its old container stopped ($old_died)" \
  test "$(to_ns "$client_up")" -lt "${old_died:-0}"
expect_eq "$(inspect client '{{.Name}}')" "/$P-client" "client's container name"
expect_eq "$(docker ps -aq --filter "name=^$P-client-old\$" | wc -l)" "0" "containers named $P-client-old"
expect_eq "$(ids app | wc -l)" "1" "app's containers after reload"
expect_eq "$(inspect app '{{.Name}}')" "/$P-app" "app's container name"
expect_eq "$(docker ps -aq --filter "name=^$P-app-next\$" | wc -l)" "0" "containers named $P-app-next"

section "a replacement that never gets ready: the running container is kept, its dependents untouched"
app_id=$(cid app) client_id=$(cid client)
app_started=$(inspect app '{{.State.StartedAt}}') client_started=$(inspect client '{{.State.StartedAt}}')
sed -i 's|/www/index.html|/www/elsewhere.html|' "$DIR/app/Dockerfile"
expect_exit 1 boss reload app --timeout 2
expect_outcome app failed
expect_contains "$ERR$OUT" "; the running container was kept" "reload output"
expect_eq "$(cid app)" "$app_id" "app's container after a replacement that was not ready"
expect_eq "$(inspect app '{{.State.StartedAt}}')" "$app_started" "app not restarted"
expect_eq "$(ids app | wc -l)" "1" "app's containers (the unready one removed)"
expect_eq "$(cid client)" "$client_id" "client's container"
expect_eq "$(inspect client '{{.State.StartedAt}}')" "$client_started" "client not restarted"
expect_eq "$(docker exec "$(cid client)" wget -qO- http://app:8080/ 2>&1)" "version-2" "old content still served"
sed -i 's|/www/elsewhere.html|/www/index.html|' "$DIR/app/Dockerfile"

section "a failed build leaves the running containers untouched"
app_id=$(cid app) client_id=$(cid client)
app_started=$(inspect app '{{.State.StartedAt}}')
echo "version-3" >"$DIR/app/index.html"
echo "RUN /bin/false-no-such-command" >>"$DIR/app/Dockerfile"
expect_exit 1 boss reload app
expect_outcome app failed
expect_eq "$(cid app)" "$app_id" "app's container after a failed build"
expect_eq "$(inspect app '{{.State.StartedAt}}')" "$app_started" "app not restarted"
expect_state app running
expect_eq "$(cid client)" "$client_id" "client's container after a failed build"
expect_state client running
expect_eq "$(docker exec "$(cid client)" wget -qO- http://app:8080/ 2>&1)" "version-2" "old content still served"

section "reload --remove of a stopped project"
sed -i '$d' "$DIR/app/Dockerfile"
expect_exit 0 boss stop
client2_id=$(cid client2)
expect_exit 0 boss reload app --remove
expect_ne "$(cid client2)" "$client2_id" "client2's container after reload --remove"
expect_contains "$(hook_output)" "hook post_start client2" "reload --remove output"
expect_state app running
expect_state client running
expect_eq "$(docker exec "$(cid client)" wget -qO- http://app:8080/ 2>&1)" "version-3" "content after reload of a stopped project"

finish
