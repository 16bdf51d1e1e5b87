#!/usr/bin/env bash
# Every way to reach an engine, against the rig's engines (tests/engines/rig.sh): TCP with
# TLS (DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, -H), ssh:// through the host's docker CLI
# with connections reused, docker contexts (DOCKER_CONTEXT, currentContext, --context);
# and every way it fails is one line naming the endpoint and what failed.
source "$(dirname "$0")/../integration/lib.sh" "$@"
source "$SRC_DIR/tests/engines/lib_rig.sh"

new_project remote
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "db", image = "@IMG@", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL" }
local Web = boss.Service:extend { name = "web", image = "@IMG@", cmd = { "sleep", "100000" },
  dependencies = { "db" }, stop_signal = "SIGKILL" }
function Web:post_start()
  local code, out = self:exec { "echo", "exec over the engine" }
  assert(code == 0 and out:match("exec over the engine"), out)
end
EOF2
running_on() { on "$1" docker ps -q --filter "label=boss.project=$P" --filter status=running | grep -c . || true; }

section "TLS: good certificates"
export DOCKER_HOST=$RIG_E2 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$RIG_CERTS
expect_exit 0 boss start
expect_outcome db up create
expect_outcome web up create
expect_eq "$(running_on 2)" 2 "containers running on engine 2"
expect_eq "$(env -u DOCKER_HOST docker ps -q --filter "label=boss.project=$P" | grep -c . || true)" 0 "containers on the machine's own engine"
expect_exit 0 boss status --json
expect_eq "$(jq -r '[.services[] | select(.state == "running")] | length' <<<"$OUT")" 2 "status over TLS"
run bash -c "echo over-tls | '$BOSS_BIN' -f '$DIR/services.lua' -p '$P' exec -T db cat"
expect_eq "$OUT" "over-tls" "exec's streams over TLS (stdin, stdout, end of input)"

section "TLS: a CA that did not sign the engine's certificate"
expect_exit 1 env DOCKER_CERT_PATH="$RIG_WRONG_CA" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_one_line_stderr
expect_contains "$ERR" "boss: cannot reach the docker engine at $RIG_E2: TLS verification of the engine's certificate failed"

section "TLS: a certificate without its key"
mkdir -p "$DIR/nokey"
cp "$RIG_CERTS/ca.pem" "$RIG_CERTS/cert.pem" "$DIR/nokey/"
expect_exit 2 env DOCKER_CERT_PATH="$DIR/nokey" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" stop
expect_one_line_stderr
expect_eq "$ERR" "boss: cannot use $RIG_E2 (DOCKER_HOST): $DIR/nokey/key.pem is missing (the key of $DIR/nokey/cert.pem)" "the error"
expect_eq "$(running_on 2)" 2 "nothing was touched"

section "TLS: no client certificate at all, and no TLS to a TLS port"
mkdir -p "$DIR/anonymous"
cp "$RIG_CERTS/ca.pem" "$DIR/anonymous/"
expect_exit 1 env DOCKER_CERT_PATH="$DIR/anonymous" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_one_line_stderr
expect_contains "$ERR" "boss: cannot reach the docker engine at $RIG_E2: the engine refused the TLS connection"
expect_exit 1 env -u DOCKER_TLS_VERIFY "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_one_line_stderr
expect_contains "$ERR" "boss: cannot reach the docker engine at $RIG_E2: it wants TLS"
expect_exit 0 boss stop --remove
unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH

section "-H wins over DOCKER_HOST; a refused port is one line"
expect_exit 0 env DOCKER_HOST=unix:///nonexistent.sock DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$RIG_CERTS" \
  "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" -H "$RIG_E3" --progress json start
expect_eq "$(running_on 3)" 2 "containers running on engine 3"
expect_exit 0 env DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$RIG_CERTS" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" \
  -H "$RIG_E3" --progress json stop --remove
expect_exit 1 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" -H "tcp://$RIG_E3_ADDR:2999" status
expect_one_line_stderr
expect_contains "$ERR" "boss: cannot reach the docker engine at tcp://$RIG_E3_ADDR:2999: "
expect_contains "$ERR" "Couldn't connect to server"
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" -H "npipe:////./pipe/docker" status
expect_one_line_stderr
expect_contains "$ERR" "boss: unsupported -H 'npipe:////./pipe/docker'"

section "ssh: through the host's docker CLI, connections reused"
export DOCKER_HOST=$RIG_SSH
sessions() { grep -c "session opened" "$RIG/ssh/sshd.log" 2>/dev/null || true; }
logins() { grep -c "Accepted publickey" "$RIG/ssh/sshd.log" 2>/dev/null || true; }
before_logins=$(logins)
expect_exit 0 boss start
expect_outcome db up create
expect_outcome web up create
expect_eq "$(running_on 1)" 2 "containers running on engine 1 (the ssh host)"
run bash -c "echo over-ssh | '$BOSS_BIN' -f '$DIR/services.lua' -p '$P' exec -T db cat"
expect_eq "$OUT" "over-ssh" "exec's streams over ssh"
expect_exit 0 boss logs
expect_exit 0 boss stop --remove
expect_eq "$(running_on 1)" 0 "stopped over ssh"
# Two commands, a start's parallel work: at most one login (the master persists, and may
# already have been there), never one per request.
got_logins=$(($(logins) - before_logins))
expect_true "one ssh login at most for all of it (got $got_logins)" test "$got_logins" -le 1

section "ssh: the engine's socket forwarded over the master: a warm start runs no ssh"
# An ssh in front of the rig's that writes down each time it is run.
mkdir -p "$DIR/ssh-log-bin"
printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$DIR/ssh-runs" "$RIG_BIN/ssh" >"$DIR/ssh-log-bin/ssh"
chmod +x "$DIR/ssh-log-bin/ssh"
ssh_runs() { wc -l <"$DIR/ssh-runs" 2>/dev/null || echo 0; }
: >"$DIR/ssh-runs"
expect_exit 0 env PATH="$DIR/ssh-log-bin:$PATH" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start
expect_exit 0 env PATH="$DIR/ssh-log-bin:$PATH" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start
expect_exit 0 env PATH="$DIR/ssh-log-bin:$PATH" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_eq "$(ssh_runs)" 0 "ssh runs of a start, a no-op start and a status while the forward is up"
run bash -c "echo forwarded | '$BOSS_BIN' -f '$DIR/services.lua' -p '$P' exec -T db cat"
expect_eq "$OUT" "forwarded" "exec's streams through the forwarded socket"
# dial-stdio, as the docker CLI does it, when asked: every connection an ssh of its own.
expect_exit 0 env BOSS_SSH_DIAL_STDIO=1 PATH="$DIR/ssh-log-bin:$PATH" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_true "BOSS_SSH_DIAL_STDIO=1 runs docker system dial-stdio" grep -q "docker system dial-stdio" "$DIR/ssh-runs"
run bash -c "echo over-stdio | BOSS_SSH_DIAL_STDIO=1 '$BOSS_BIN' -f '$DIR/services.lua' -p '$P' exec -T db cat"
expect_eq "$OUT" "over-stdio" "exec's streams over dial-stdio"
expect_exit 0 boss stop --remove
expect_eq "$(running_on 1)" 0 "stopped over ssh"

section "ssh: failures are one line with ssh's exit status and what it said"
expect_exit 1 env DOCKER_HOST="ssh://nobody-here@$RIG_E1_ADDR" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_one_line_stderr
expect_contains "$ERR" "boss: cannot reach the docker engine at ssh://nobody-here@$RIG_E1_ADDR: ssh exited with status 255: "
expect_contains "$ERR" "Permission denied"
expect_exit 1 env DOCKER_HOST="ssh://bossrig@$RIG_E2_ADDR" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_one_line_stderr
expect_contains "$ERR" "ssh exited with status 255: ssh: connect to host $RIG_E2_ADDR port 22: Connection refused"
unset DOCKER_HOST

section "contexts: DOCKER_CONTEXT, currentContext, --context"
export DOCKER_CONFIG=$DIR/docker-config
docker context create "$P-tls" --docker "host=$RIG_E2,ca=$RIG_CERTS/ca.pem,cert=$RIG_CERTS/cert.pem,key=$RIG_CERTS/key.pem" >/dev/null 2>&1
docker context create "$P-ssh" --docker "host=$RIG_SSH" >/dev/null 2>&1
expect_exit 0 env DOCKER_CONTEXT="$P-tls" "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start
expect_eq "$(running_on 2)" 2 "DOCKER_CONTEXT's engine"
docker context use "$P-tls" >/dev/null 2>&1
expect_exit 0 boss status --json
expect_eq "$(jq -r '[.services[] | select(.state == "running")] | length' <<<"$OUT")" 2 "currentContext's engine"
expect_exit 0 boss stop --remove
expect_eq "$(running_on 2)" 0 "stopped through currentContext"
expect_exit 0 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --context "$P-ssh" --progress json start
expect_eq "$(running_on 1)" 2 "--context's engine (ssh)"
expect_exit 0 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --context "$P-ssh" --progress json down
expect_eq "$(running_on 1)" 0 "down through --context"
expect_exit 2 env DOCKER_CONTEXT=missing "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_one_line_stderr
expect_contains "$ERR" "boss: docker context 'missing' (DOCKER_CONTEXT) does not exist in $DOCKER_CONFIG/contexts"
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --context "$P-tls" -H "$RIG_E1" status
expect_one_line_stderr
unset DOCKER_CONFIG

finish
