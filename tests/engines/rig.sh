#!/usr/bin/env bash
# Hosts on one machine for the engine tests (tests/engines/*.sh, bench/engines.py): three
# Docker engines, each in a network namespace of its own standing in for a host, a 3-node
# swarm among them, an sshd on the first, and a registry they all reach. Root only.
#
#   rig.sh up       sets it all up (idempotent; a few seconds) and writes $RIG/env
#   rig.sh down     takes it all down again: swarm, engines, sshd, registry, namespaces
#   rig.sh status   exit 0 when it is up
#
# What a test gets (source $RIG/env):
#   RIG_E1..RIG_E3        tcp://10.231.0.1N:2376 (TLS, client certificates required)
#   RIG_E1_SOCK..         unix:// sockets of the same engines (for setting up and checking)
#   RIG_CERTS             DOCKER_CERT_PATH for them: ca.pem, cert.pem, key.pem
#   RIG_WRONG_CA          the same client certificate with a CA that did not sign the engines'
#   RIG_SSH               ssh://bossrig@10.231.0.11, the first engine through its sshd (user
#                         bossrig, made here: /bin/sh, group docker, no shell start-up files)
#   RIG_BIN               put first in PATH: an `ssh` that knows the rig's key and host key
#   RIG_REGISTRY          10.231.0.1:5000, a plain-HTTP registry every engine may pull from
#   RIG_HOST_ADDR         10.231.0.1, the control host as the engines reach it
#
# The network: namespaces bossrig-e1..e3, linked to the host and to each other by veth
# pairs (a full mesh, one /32 address per namespace), so no packet between them crosses
# the host's bridges or firewall; the host side gets 10.231.0.1. Each engine has its own
# data and exec roots, socket, docker0 (--bip) and address pool (second-engine.sh), and
# the swarm's overlay pool is its own too. Nothing of the machine's own engine, docker0
# or its networks is touched; a swarm exists only on these engines.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIG=${BOSS_RIG_DIR:-/run/boss-rig}
ENGINE=$HERE/second-engine.sh
HOST_ADDR=10.231.0.1
NODES=(1 2 3)
addr() { echo "10.231.0.1$1"; }
ns() { echo "bossrig-e$1"; }
BUSYBOX=${BOSS_TEST_BUSYBOX_IMAGE:-boss-test/busybox:latest}

say() { printf 'rig: %s\n' "$*" >&2; }
die() { printf 'rig: error: %s\n' "$*" >&2; exit 1; }
in_ns() { local n=$1; shift; nsenter "--net=/run/netns/$(ns "$n")" "$@"; }
sock() { echo "unix:///run/boss-engines/rig$1/docker.sock"; }
on() { local n=$1; shift; DOCKER_HOST=$(sock "$n") docker "$@"; }

certificates() {
  local c=$RIG/certs
  [[ -f $c/done ]] && return 0
  rm -rf "$c" && mkdir -p "$c/ca" "$c/wrong-ca" "$c/client" "$c/wrong"
  local key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${key[@]}" -keyout "$c/ca/ca-key.pem" -out "$c/ca/ca.pem" -days 30 -subj /CN=boss-rig-ca 2>/dev/null
  openssl req -x509 "${key[@]}" -keyout "$c/wrong-ca/ca-key.pem" -out "$c/wrong-ca/ca.pem" -days 30 \
    -subj /CN=boss-rig-other-ca 2>/dev/null
  sign() {  # sign DIR NAME CN EXTENSIONS: DIR/NAME-key.pem, DIR/NAME-cert.pem by the rig's CA
    openssl req "${key[@]}" -keyout "$1/$2-key.pem" -out "$1/$2.csr" -subj "/CN=$3" 2>/dev/null
    openssl x509 -req -in "$1/$2.csr" -CA "$c/ca/ca.pem" -CAkey "$c/ca/ca-key.pem" -CAcreateserial \
      -out "$1/$2-cert.pem" -days 30 -extfile <(printf '%s\n' "$4") 2>/dev/null
    rm -f "$1/$2.csr"
  }
  for n in "${NODES[@]}"; do
    mkdir -p "$c/e$n"
    cp "$c/ca/ca.pem" "$c/e$n/ca.pem"
    sign "$c/e$n" server "rig$n" "subjectAltName=IP:$(addr "$n"),DNS:localhost
extendedKeyUsage=serverAuth"
  done
  sign "$c/client" client boss-rig-client "extendedKeyUsage=clientAuth"
  # DOCKER_CERT_PATH layout: ca.pem, cert.pem, key.pem.
  mv "$c/client/client-cert.pem" "$c/client/cert.pem"
  mv "$c/client/client-key.pem" "$c/client/key.pem"
  cp "$c/ca/ca.pem" "$c/client/ca.pem"
  cp "$c/client/cert.pem" "$c/client/key.pem" "$c/wrong/"
  cp "$c/wrong-ca/ca.pem" "$c/wrong/ca.pem"
  touch "$c/done"
}

# veth pair A (in namespace NA, or the host for "") <-> B (in NB), one /32 each side.
link() {  # link NAME_A NS_A ADDR_A NAME_B NS_B ADDR_B
  local tmp_a="bra$RANDOM" tmp_b="brb$RANDOM"
  ip link add "$tmp_a" type veth peer name "$tmp_b"
  for side in a b; do
    local tmp name space local_addr peer_addr
    if [[ $side == a ]]; then tmp=$tmp_a name=$1 space=$2 local_addr=$3 peer_addr=$6
    else tmp=$tmp_b name=$4 space=$5 local_addr=$6 peer_addr=$3; fi
    if [[ -n $space ]]; then
      ip link set "$tmp" netns "$space"
      ip -n "$space" link set "$tmp" name "$name"
      ip -n "$space" addr add "$local_addr/32" dev "$name"
      ip -n "$space" link set "$name" up
      ip -n "$space" route add "$peer_addr/32" dev "$name" src "$local_addr"
    else
      ip link set "$tmp" name "$name"
      ip addr add "$local_addr/32" dev "$name"
      ip link set "$name" up
      ip route add "$peer_addr/32" dev "$name" src "$local_addr"
    fi
  done
}

network() {
  ip netns list | grep -q "^$(ns 1)\b" && return 0
  for n in "${NODES[@]}"; do
    ip netns add "$(ns "$n")"
    ip -n "$(ns "$n")" link set lo up
  done
  for n in "${NODES[@]}"; do
    link "bossrig-h$n" "" "$HOST_ADDR" eth-host "$(ns "$n")" "$(addr "$n")"
    for m in "${NODES[@]}"; do
      if ((m > n)); then link "eth-e$m" "$(ns "$n")" "$(addr "$n")" "eth-e$n" "$(ns "$m")" "$(addr "$m")"; fi
    done
  done
}

registry() {
  [[ -f $RIG/registry/pid ]] && kill -0 "$(cat "$RIG/registry/pid")" 2>/dev/null && return 0
  mkdir -p "$RIG/registry/data"
  cat >"$RIG/registry/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $RIG/registry/data
  delete:
    enabled: true
http:
  addr: $HOST_ADDR:5000
  secret: boss-rig
EOF
  setsid docker-registry serve "$RIG/registry/config.yml" >"$RIG/registry/log" 2>&1 </dev/null &
  echo $! >"$RIG/registry/pid"
  for ((i = 0; i < 100; i++)); do
    curl -sf -o /dev/null "http://$HOST_ADDR:5000/v2/" && return 0
    sleep 0.1
  done
  die "the registry did not start: $(cat "$RIG/registry/log")"
}

engines() {
  local pids=() n
  for n in "${NODES[@]}"; do
    "$ENGINE" start "rig$n" --netns "$(ns "$n")" --address "$(addr "$n")" --tls "$RIG/certs/e$n" \
      --bip "10.23$((1 + n)).1.1/24" --pool "10.24$n.0.0/16" --insecure-registry "$HOST_ADDR:5000" >/dev/null &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "an engine did not start (see /run/boss-engines/rig*/dockerd.log)"; done
}

swarm() {
  [[ $(on 1 info --format '{{.Swarm.LocalNodeState}}') == active ]] && return 0
  on 1 swarm init --advertise-addr "$(addr 1)" --default-addr-pool 10.250.0.0/16 >/dev/null
  local token
  token=$(on 1 swarm join-token -q worker)
  for n in 2 3; do
    [[ $(on "$n" info --format '{{.Swarm.LocalNodeState}}') == active ]] && continue
    on "$n" swarm join --advertise-addr "$(addr "$n")" --token "$token" "$(addr 1):2377" >/dev/null
  done
}

sshd() {
  local d=$RIG/ssh
  [[ -f $d/sshd.pid ]] && kill -0 "$(cat "$d/sshd.pid")" 2>/dev/null && return 0
  mkdir -p "$d" "$RIG/bin" /run/sshd
  # The ssh user: a plain /bin/sh (root's own shell may source slow start-up files for
  # every session), allowed to the engines' sockets by group docker.
  getent group docker >/dev/null || groupadd -r docker
  id bossrig >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /bin/sh -G docker bossrig
  usermod -p "*" bossrig  # no password, yet not locked (sshd refuses locked accounts)
  [[ -f $d/host_key ]] || ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
  [[ -f $d/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -f "$d/id_ed25519"
  cp "$d/id_ed25519.pub" "$d/authorized_keys"
  cat >"$d/sshd_config" <<EOF
ListenAddress $(addr 1)
Port 22
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin no
AllowUsers bossrig
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
# What a session's docker CLI talks to: the engine of this "host".
SetEnv DOCKER_HOST=$(sock 1)
EOF
  echo "$(addr 1) $(cut -d' ' -f1-2 "$d/host_key.pub")" >"$d/known_hosts"
  cat >"$d/config" <<EOF
Host $(addr 1)
  IdentityFile $d/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  StrictHostKeyChecking yes
EOF
  # The ssh a user would have set up for the host, found first in PATH.
  printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$d/config" >"$RIG/bin/ssh"
  chmod +x "$RIG/bin/ssh"
  in_ns 1 /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
  for ((i = 0; i < 50; i++)); do
    "$RIG/bin/ssh" -o BatchMode=yes "bossrig@$(addr 1)" true 2>/dev/null && return 0
    sleep 0.1
  done
  die "sshd does not let the rig's key in: $(tail -5 "$d/sshd.log")"
}

images() {
  # The test image on every engine (second-engine.sh loaded it) and in the registry.
  local ref="$HOST_ADDR:5000/boss-test/busybox:latest"
  curl -sf "http://$HOST_ADDR:5000/v2/boss-test/busybox/tags/list" | grep -q latest && return 0
  on 1 tag "$BUSYBOX" "$ref"
  on 1 push "$ref" >/dev/null
}

write_env() {
  {
    for n in "${NODES[@]}"; do
      echo "RIG_E$n=tcp://$(addr "$n"):2376"
      echo "RIG_E${n}_SOCK=$(sock "$n")"
      echo "RIG_E${n}_ADDR=$(addr "$n")"
    done
    echo "RIG_CERTS=$RIG/certs/client"
    echo "RIG_WRONG_CA=$RIG/certs/wrong"
    echo "RIG_SSH=ssh://bossrig@$(addr 1)"
    echo "RIG_BIN=$RIG/bin"
    echo "RIG_REGISTRY=$HOST_ADDR:5000"
    echo "RIG_HOST_ADDR=$HOST_ADDR"
  } >"$RIG/env.tmp"
  mv "$RIG/env.tmp" "$RIG/env"
}

up() {
  ((EUID == 0)) || die "root only"
  for tool in nsenter openssl docker-registry curl /usr/sbin/sshd; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh installs it)"
  done
  mkdir -p "$RIG"
  local t0=$SECONDS
  certificates
  network
  registry
  engines
  swarm
  sshd
  images
  write_env
  say "up in $((SECONDS - t0)) s: $RIG/env"
}

down() {
  local n
  rm -f "$RIG/env"
  for n in "${NODES[@]}"; do
    if [[ -S /run/boss-engines/rig$n/docker.sock ]]; then
      on "$n" swarm leave --force >/dev/null 2>&1 || true
    fi
  done
  [[ -f $RIG/ssh/sshd.pid ]] && kill "$(cat "$RIG/ssh/sshd.pid")" 2>/dev/null || true
  [[ -f $RIG/registry/pid ]] && kill -- "-$(cat "$RIG/registry/pid")" 2>/dev/null || true
  local pids=()
  for n in "${NODES[@]}"; do "$ENGINE" stop "rig$n" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  for n in "${NODES[@]}"; do ip netns del "$(ns "$n")" 2>/dev/null || true; done
  for n in "${NODES[@]}"; do ip link del "bossrig-h$n" 2>/dev/null || true; done
  rm -rf "$RIG"
}

status() {
  [[ -f $RIG/env ]] || return 1
  for n in "${NODES[@]}"; do on "$n" info >/dev/null 2>&1 || return 1; done
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: rig.sh up|down|status" >&2; exit 2 ;;
esac
