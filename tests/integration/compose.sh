#!/usr/bin/env bash
# docker compose files on the real engine: every key boss reads, compared container by
# container with what Debian's docker-compose (1.29) makes of the same file; the file
# lookup order, .env and COMPOSE_* variables, warnings and errors at file:line:column,
# and `boss convert`, whose services.lua makes the same containers.
source "$(dirname "$0")/lib.sh" "$@"

new_project compose
DC_PROJECT="$P-dc"  # docker-compose's containers are <project>_<service>_<n>: cleaned by the $P- prefix
EXTRA_IMAGES+=("${DC_PROJECT}_web" "$P-web")
compose_down() { [[ -f $DIR/docker-compose.yml ]] && (cd "$DIR" && docker-compose -p "$DC_PROJECT" -f docker-compose.yml down -v >/dev/null 2>&1); }
trap 'compose_down; cleanup' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)

mkdir -p "$DIR/web" "$DIR/data"
echo "from the host" >"$DIR/data/hello.txt"
cat >"$DIR/web/Dockerfile" <<EOF
FROM $BUSYBOX
ARG VERSION=none
RUN echo "\$VERSION" > /version
CMD ["sh", "-c", "while :; do sleep 0.2; done"]
EOF
cat >"$DIR/.env" <<'EOF'
TAG=from-dotenv
DB_NAME=shop
COMPOSE_PROFILES=extra
EOF
cat >"$DIR/db.env" <<'EOF'
FROM_FILE=yes
OVERRIDDEN=by-file
EOF
write_services compose.yaml <<EOF
x-idle: &idle
  image: @IMG@
  command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.2; done"]
services:
  db:
    <<: *idle
    environment:
      OVERRIDDEN: by-environment
      DB_NAME: \${DB_NAME}
      PRICE: \$\$5
      BRACES: "{not a key}"
    env_file: db.env
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready || touch /tmp/ready"]
      interval: 300ms
      timeout: 2s
      retries: 5
    labels:
      com.example.tier: data
    user: "0:0"
    working_dir: /tmp
    stop_signal: SIGTERM
    stop_grace_period: 4s
    restart: on-failure:2
    volumes:
      - ./data:/data:ro
      - cache:/cache
      - type: volume
        source: cache
        target: /cache2
        read_only: true
  web:
    build:
      context: ./web
      args:
        VERSION: "\${TAG:-none}"
    entrypoint: /bin/sh -c
    command: ["while :; do sleep 0.2; done"]
    init: true
    depends_on:
      db:
        condition: service_healthy
      extra:
        condition: service_started
        required: false
    ports:
      - "127.0.0.1:$PORT:80"
      - target: 81
        protocol: tcp
    labels: ["com.example.team=web"]
  worker:
    <<: *idle
    scale: 2
  extra:
    <<: *idle
    profiles: [extra]
    deploy:
      replicas: 2
  never:
    <<: *idle
    profiles: [other]
volumes:
  cache:
EOF

# snapshot PROJECT_LABEL_FILTER: one JSON line per container, sorted: what both tools
# should have made alike (names, ids, the tools' own labels and network set aside; the
# engine's defaults where docker-compose sends nothing).
snapshot() {
  local ids
  ids=$(docker ps -aq --filter "label=$1" | sort)
  [[ -z $ids ]] && return
  docker inspect $ids | jq -c '.[] | {
    service: ((.Config.Labels["boss.service"] // .Config.Labels["com.docker.compose.service"])),
    env: ([.Config.Env[] | select(startswith("PATH=") | not)] | sort),
    labels: (.Config.Labels | with_entries(select((.key | startswith("boss.") or startswith("com.docker.compose.")) | not))),
    cmd: .Config.Cmd, entrypoint: .Config.Entrypoint, user: .Config.User, workdir: .Config.WorkingDir,
    stop_signal: .Config.StopSignal, stop_timeout: .Config.StopTimeout,
    init: (.HostConfig.Init // false), restart: .HostConfig.RestartPolicy,
    health: (if .Config.Healthcheck then {test: .Config.Healthcheck.Test,
             interval: (.Config.Healthcheck.Interval // 0), retries: (.Config.Healthcheck.Retries // 3),
             timeout: (if (.Config.Healthcheck.Timeout // 0) == 0 then 30000000000 else .Config.Healthcheck.Timeout end)}
             else null end),
    mounts: ([.Mounts[] | {type: .Type, to: .Destination, rw: .RW,
              from: (if .Type == "volume" then (.Name | sub("^.*[_-]"; "")) else .Source end)}] | sort_by(.to)),
    ports: ([.HostConfig.PortBindings // {} | to_entries[] | {port: .key, ip: .value[0].HostIp,
             host: (if .value[0].HostPort == "" then "any" else .value[0].HostPort end)}] | sort_by(.port))
  }' | sort
}

section "boss reads compose.yaml when there is no services.lua, and starts what it describes"
run bash -c "cd '$DIR' && '$BOSS_BIN' -p '$P' --progress json start --timeout 60"
if [[ $RC != 0 ]]; then fail "boss start from compose.yaml" "exit $RC"; show_output; fi
expect_outcome db up create
expect_outcome web up create
expect_eq "$(outcome never)" "" "a service of an inactive profile"
expect_eq "$(ids worker | grep -c .)" "2" "scale: 2 worker containers"
expect_eq "$(ids extra | grep -c .)" "2" "deploy.replicas: 2 extra containers, of a profile COMPOSE_PROFILES in .env activates"
expect_eq "$(inspect db '{{.State.Health.Status}}')" "healthy" "db is healthy before web starts"
web1=$(ids web | head -1)
expect_eq "$(docker exec "$web1" cat /version)" "from-dotenv" "the build arg, interpolated from .env"
expect_eq "$(docker exec "$(cid db)" cat /data/hello.txt)" "from the host" "the bind mount, relative to compose.yaml"
expect_eq "$(env_of db BRACES)" "{not a key}" "braces in a compose value are no boss template"
expect_eq "$(env_of db PRICE)" '$5' "\$\$ is a literal dollar"
expect_eq "$(env_of db OVERRIDDEN)" "by-environment" "environment wins over env_file"
expect_eq "$(env_of db FROM_FILE)" "yes" "env_file"
expect_true "host port $PORT answers to web's published port" \
  bash -c "docker port '$web1' 80/tcp | grep -q '127.0.0.1:$PORT'"
BOSS_SNAPSHOT=$(snapshot "boss.project=$P")
expect_exit 0 bash -c "cd '$DIR' && '$BOSS_BIN' -p '$P' status"
expect_match "$OUT" '^db +running.*healthy' "status of a compose project"

section "warnings name file:line:column; errors do too, and touch nothing"
mkdir "$DIR/other"  # away from the .env above
printf 'services:\n  web:\n    image: %s\n    networks: [front]\nnetworks:\n  front:\n' "$BUSYBOX" >"$DIR/other/with-warnings.yaml"
expect_exit 0 "$BOSS_BIN" -f "$DIR/other/with-warnings.yaml" -p "$P" start --dry-run
expect_contains "$ERR" "with-warnings.yaml:4:5: service 'web': 'networks' is not supported by boss, ignored" "stderr"
expect_contains "$ERR" "with-warnings.yaml:5:1: 'networks' is not supported by boss, ignored" "stderr"
printf 'services:\n  web:\n    image: %s\n    imgae: typo\n' "$BUSYBOX" >"$DIR/bad.yaml"
before=$(count_containers)
expect_exit 2 "$BOSS_BIN" -f "$DIR/bad.yaml" -p "$P" start
expect_eq "$ERR" "boss: $DIR/bad.yaml:4:5: service 'web': unknown key 'imgae' (did you mean 'image'?)" "stderr"
printf 'services:\n  web:\n    image: ${NO_SUCH_TAG:?set NO_SUCH_TAG}\n' >"$DIR/bad.yaml"
expect_exit 2 "$BOSS_BIN" -f "$DIR/bad.yaml" -p "$P" start
expect_eq "$ERR" "boss: $DIR/bad.yaml:3:12: service 'web': 'image': NO_SUCH_TAG: set NO_SUCH_TAG" "stderr"
expect_eq "$(count_containers)" "$before" "containers after bad files"

section "the shell's variables win over .env"
expect_exit 0 env TAG=from-shell "$BOSS_BIN" -f "$DIR/compose.yaml" -p "$P" --progress json start --build --timeout 60
expect_eq "$(docker exec "$(ids web | head -1)" cat /version)" "from-shell" "the build arg from the shell"

section "stop and down work on a compose project"
expect_exit 0 "$BOSS_BIN" -f "$DIR/compose.yaml" -p "$P" --progress json down --volumes
expect_eq "$(count_containers)" "0" "containers after down"

section "docker-compose 1.29 makes the same containers of the same file"
# 1.29 knows no depends_on 'required' (it only matters when 'extra' is left out).
grep -v 'required: false' "$DIR/compose.yaml" >"$DIR/docker-compose.yml"
run bash -c "cd '$DIR' && docker-compose -p '$DC_PROJECT' -f docker-compose.yml up -d"
if [[ $RC != 0 ]]; then fail "docker-compose up" "exit $RC"; show_output; fi
DC_SNAPSHOT=$(snapshot "com.docker.compose.project=$DC_PROJECT")
compose_down
if [[ -n $BOSS_SNAPSHOT && "$BOSS_SNAPSHOT" == "$DC_SNAPSHOT" ]]; then
  pass "boss's containers match docker-compose's ($(grep -c . <<<"$BOSS_SNAPSHOT") containers)"
else
  fail "boss's containers differ from docker-compose's" "diff (< boss, > docker-compose):"
  diff <(jq -S . <<<"$BOSS_SNAPSHOT") <(jq -S . <<<"$DC_SNAPSHOT") | indent
fi

section "boss convert prints a services.lua that makes the same containers"
expect_exit 0 "$BOSS_BIN" -p "$P" convert "$DIR/compose.yaml"
printf '%s\n' "$OUT" >"$DIR/services.lua"
expect_contains "$OUT" 'boss.Service:extend {' "convert's output"
# COMPOSE_PROFILES is compose's: for services.lua the profile is asked for by --profile.
expect_exit 0 boss start --profile extra --timeout 60
expect_outcome web up create
CONVERTED_SNAPSHOT=$(snapshot "boss.project=$P")
if [[ -n $BOSS_SNAPSHOT && "$CONVERTED_SNAPSHOT" == "$BOSS_SNAPSHOT" ]]; then
  pass "services.lua from boss convert makes the same containers as compose.yaml"
else
  fail "convert's services.lua makes other containers" "diff (< compose.yaml, > services.lua):"
  diff <(jq -S . <<<"$BOSS_SNAPSHOT") <(jq -S . <<<"$CONVERTED_SNAPSHOT") | indent
fi
# The containers services.lua made are what compose.yaml describes: a start from it keeps them all.
expect_exit 0 "$BOSS_BIN" -f "$DIR/compose.yaml" -p "$P" start --dry-run
expect_match "$OUT" '^keep +web ' "compose.yaml's plan for the containers of convert's services.lua"
expect_not_contains "$OUT" "recreate" "compose.yaml's plan for the containers of convert's services.lua"
expect_exit 2 "$BOSS_BIN" convert "$DIR/services.lua"
expect_contains "$ERR" "is not a compose file" "convert of services.lua"
expect_exit 0 boss down --volumes

finish
