#!/usr/bin/env bash
# Registries: a real one (Debian's docker-registry with htpasswd auth on 127.0.0.1, which
# the engine may reach over plain HTTP), started and stopped here. boss push sends a
# built image there with the docker CLI's credentials ($DOCKER_CONFIG/config.json auths);
# boss start pulls it back; a wrong password fails with one line naming the registry;
# registry_auth in services.lua (from boss.env) and a credHelpers helper work too; the
# password never shows in any output (text, json, -v), label, plan or status.
source "$(dirname "$0")/lib.sh" "$@"

for tool in docker-registry htpasswd curl; do
  command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/setup.sh installs it)"; finish; }
done

new_project registry
REG_USER="bossuser"
REG_PASS="Pw-$(tr -dc 'a-z0-9' </dev/urandom | head -c 12)-zq"
REG_DIR="$DIR/registry"
mkdir -p "$REG_DIR/data" "$DIR/bin" "$DIR/app"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
REG="127.0.0.1:$PORT"
IMAGE="$REG/$P-app:1"
EXTRA_IMAGES+=("$IMAGE")

htpasswd -Bbn "$REG_USER" "$REG_PASS" >"$REG_DIR/htpasswd"
cat >"$REG_DIR/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
http:
  addr: $REG
  secret: boss-test-secret
auth:
  htpasswd:
    realm: boss-test
    path: $REG_DIR/htpasswd
EOF
docker-registry serve "$REG_DIR/config.yml" >"$REG_DIR/log" 2>&1 &
disown
BG_PIDS+=($!)
for ((i = 0; i < 100; i++)); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$REG/v2/") == 401 ]] && break
  sleep 0.1
done
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://$REG/v2/")" "401" "the registry wants credentials"
require_ok "the registry did not start: $(cat "$REG_DIR/log")"

# Every output of every run, for the password check at the end.
ALL=""
keep() { ALL+="$OUT"$'\n'"$ERR"$'\n'; }
# docker_config JSON: a fresh DOCKER_CONFIG holding config.json.
docker_config() {
  export DOCKER_CONFIG="$DIR/docker-config-$((++CONFIGS))"
  mkdir -p "$DOCKER_CONFIG"
  printf '%s\n' "$1" >"$DOCKER_CONFIG/config.json"
}
CONFIGS=0
in_registry() { curl -s -u "$REG_USER:$REG_PASS" "http://$REG/v2/$P-app/tags/list"; }
refusal="pull of $IMAGE failed: $REG: unauthorized (check the credentials for $REG)"

echo "built for $P" >"$DIR/app/built.txt"
cat >"$DIR/app/Dockerfile" <<EOF
FROM $BUSYBOX
COPY built.txt /built.txt
CMD ["sleep", "100000"]
EOF
# The project that builds the image, and one that only uses it (and so pulls it).
builder() {
  write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "app", image = "$IMAGE", build_from_directory = "app", stop_signal = "SIGKILL" $1 }
boss.Service:extend { name = "side", image = "@IMG@", cmd = { "sleep", "100000" } }
boss.Service:extend { name = "local", image = "$P-local:dev", build_from_directory = "app" }
EOF
}
user() {
  write_services <<EOF
local boss = require "boss"
boss.Service:extend { name = "app", image = "$IMAGE", stop_signal = "SIGKILL" $1 }
EOF
}
forget_image() { docker rmi -f "$IMAGE" >/dev/null 2>&1; boss stop --remove >/dev/null 2>&1; }

section "push: bad requests are one line, exit 2, nothing pushed"
builder ""
expect_exit 2 boss push ap
expect_one_line_stderr
expect_contains "$ERR" "push: unknown service 'ap' (did you mean 'app'?)"
expect_exit 2 boss push side
expect_contains "$ERR" "push: service 'side' is not built from a directory"
expect_exit 2 boss push local
expect_contains "$ERR" "service 'local': image '$P-local:dev' names no registry to push to"
expect_eq "$(in_registry)" '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"'"$P-app"'"}}]}' "registry before any push"

section "push with a wrong password: one line naming the registry, exit 1"
docker_config '{"auths": {"'"$REG"'": {"auth": "'"$(printf '%s' "$REG_USER:wrong-$REG_PASS" | base64 -w0)"'"}}}'
expect_exit 1 boss push app
keep
expect_outcome app failed push "push of $IMAGE failed: $REG: unauthorized (check the credentials for $REG)"

section "push with the docker CLI's credentials (auths): built first, each layer reported"
docker_config '{"auths": {"http://'"$REG"'/v2/": {"auth": "'"$(printf '%s' "$REG_USER:$REG_PASS" | base64 -w0)"'"}}}'
docker rmi -f "$IMAGE" >/dev/null 2>&1
expect_exit 0 boss push app
keep
expect_outcome app pushed push "$IMAGE"
expect_eq "$(phases app)" "building pushing pushed" "phases of app"
expect_match "$OUT" '"type":"progress","service":"app","kind":"push","layer":"[0-9a-f]+","status":"Pushed"'
expect_contains "$(in_registry)" '"tags":["1"]' "the registry's tags"
BOSS_TEST_PROGRESS=plain expect_exit 0 boss push -v app
keep
expect_contains "$OUT" "app  pushed $IMAGE" "plain summary"
expect_contains "$OUT$ERR" "engine: push_image $IMAGE (with credentials) -> ok" "-v trace"

section "round trip: the image gone, start pulls it back with the credentials"
user ""
forget_image
expect_exit 0 boss start
keep
expect_outcome app up create
expect_eq "$(phases app)" "pulling creating starting waiting up" "phases of app"
expect_match "$OUT" '"type":"progress","service":"app","kind":"pull"'
expect_eq "$(docker exec "$(cid app)" cat /built.txt)" "built for $P" "the pulled image is the pushed one"

section "a wrong password: one line naming the registry, exit 1, no container"
forget_image
docker_config '{"auths": {"'"$REG"'": {"username": "'"$REG_USER"'", "password": "not-'"$REG_PASS"'"}}}'
expect_exit 1 boss start
keep
expect_outcome app failed create "$refusal"
expect_no_container app
BOSS_TEST_PROGRESS=plain expect_exit 1 boss start -v
keep
expect_contains "$OUT" "app  failed: $refusal" "plain summary"
docker_config '{}'
expect_exit 1 boss start
expect_outcome app failed create "$refusal"

section "registry_auth in services.lua, from boss.env"
forget_image
docker_config '{}'
user ', registry_auth = { username = boss.env("BOSST_REG_USER"), password = boss.env("BOSST_REG_PASS") }'
BOSST_REG_USER=$REG_USER BOSST_REG_PASS=$REG_PASS expect_exit 0 boss start
keep
expect_outcome app up create
BOSST_REG_USER=$REG_USER BOSST_REG_PASS=$REG_PASS expect_exit 0 boss start --dry-run --json
keep
BOSST_REG_USER=$REG_USER BOSST_REG_PASS=$REG_PASS expect_exit 0 boss status --json
keep
ALL+="$(docker inspect "$(cid app)")"$'\n'
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "service 'app': field 'registry_auth' key 'username' must be a string, got nil (is the environment variable it reads set?)"
user ', registry_auth = { usrname = "x", password = "y" }'
expect_exit 2 boss start
expect_contains "$ERR" "field 'registry_auth' has an unknown key 'usrname' (did you mean 'username'?)"

section "credHelpers: a helper on PATH answers for the registry"
forget_image
user ""
cat >"$DIR/bin/docker-credential-bosstest" <<EOF
#!/bin/sh
read server
echo "\$1 \$server" >>"$DIR/helper.log"
if [ "\$server" = "$REG" ]; then
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "\$server" "$REG_USER" "$REG_PASS"
else
  echo "credentials not found in native keychain"; exit 1
fi
EOF
chmod +x "$DIR/bin/docker-credential-bosstest"
docker_config '{"credHelpers": {"'"$REG"'": "bosstest"}}'
PATH="$DIR/bin:$PATH" expect_exit 0 boss start
keep
expect_outcome app up create
expect_eq "$(cat "$DIR/helper.log")" "get $REG" "what the helper was asked"

section "the password is in no output"
expect_not_contains "$ALL" "$REG_PASS" "every output, label, plan and status"
expect_contains "$ALL" "$REG" "the outputs (which do name the registry)"

finish
