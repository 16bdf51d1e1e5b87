#!/usr/bin/env bash
# A podman engine for the test suites: `podman system service` on a socket of its own,
# with its own storage, network subnets and containers.conf, and the local test images
# copied into it from the Docker engine.
#
#   tests/podman/podman.sh up      starts it (idempotent) and prints its DOCKER_HOST
#   tests/podman/podman.sh down    stops it and removes its containers, networks, storage
#   tests/podman/podman.sh env     prints `export DOCKER_HOST=...` for a shell to eval
#
# Why the settings (this sandbox, podman 4.3 from Debian):
#   - runtime runc: crun refuses the hybrid cgroup hierarchy here;
#   - default_ulimits: podman's default rlimits are refused by the kernel here;
#   - subnets 10.231.0.0/16 (podman's default network) and 10.232.0.0/16 (the pool for
#     the networks boss creates) so nothing collides with Docker's bridges or the engine rig;
#   - events in a file (no journald here) that podman would rotate at 1 MB, ending every
#     open event stream then (boss's health waits among them): 1 GB instead;
#   - its own graphroot/runroot under $RIG: nothing is shared with a podman the machine
#     may already use, and `down` removes everything.
set -euo pipefail

RIG=${BOSS_PODMAN_RIG:-/tmp/boss-podman-rig}
SOCKET=$RIG/podman.sock
IMAGES=(boss-test/busybox:latest)

say() { printf 'podman-rig: %s\n' "$*" >&2; }
die() { printf 'podman-rig: error: %s\n' "$*" >&2; exit 1; }

podman_env() {
  export CONTAINERS_CONF=$RIG/containers.conf
  export CONTAINERS_STORAGE_CONF=$RIG/storage.conf
  export XDG_RUNTIME_DIR=$RIG/xdg
}

write_config() {
  mkdir -p "$RIG/xdg" "$RIG/storage" "$RIG/run" "$RIG/networks"
  cat >"$RIG/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$RIG/events.log"
events_logfile_max_size = "1g"
tmp_dir = "$RIG/run/tmp"

[network]
network_backend = "netavark"
network_config_dir = "$RIG/networks"
default_subnet = "10.231.0.0/16"
default_subnet_pools = [{"base" = "10.232.0.0/16", "size" = 24}]
CONF
  cat >"$RIG/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$RIG/storage"
runroot = "$RIG/run"
CONF
}

answering() { curl -fsS --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1; }

up() {
  command -v podman >/dev/null || die "podman is not installed (apt-get install podman)"
  podman_env
  if answering; then echo "unix://$SOCKET"; return; fi
  write_config
  rm -f "$SOCKET"
  say "starting podman system service on $SOCKET"
  setsid podman system service --time 0 "unix://$SOCKET" >"$RIG/service.log" 2>&1 </dev/null &
  echo $! >"$RIG/service.pid"
  for _ in $(seq 100); do answering && break; sleep 0.1; done
  answering || { tail -20 "$RIG/service.log" >&2; die "podman did not answer on $SOCKET"; }
  for image in "${IMAGES[@]}"; do
    if podman image exists "$image" 2>/dev/null && [[ $(podman image inspect -f '{{.Id}}' "$image") == \
      "$(docker image inspect -f '{{.Id}}' "$image" | sed 's/^sha256://')" ]]; then
      continue
    fi
    say "copying $image from the Docker engine"
    docker image inspect "$image" >/dev/null 2>&1 || die "$image is not on the Docker engine (scripts/setup.sh makes it)"
    docker save "$image" | podman load -q >/dev/null || die "podman load of $image failed"
  done
  echo "unix://$SOCKET"
}

down() {
  podman_env
  if [[ -f $RIG/service.pid ]]; then
    if answering; then
      podman rm -af -t 0 >/dev/null 2>&1 || true
      podman network prune -f >/dev/null 2>&1 || true
      podman volume prune -f >/dev/null 2>&1 || true
    fi
    kill "$(cat "$RIG/service.pid")" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$(cat "$RIG/service.pid")" 2>/dev/null || break; sleep 0.1; done
  fi
  # Overlay mounts of its storage would keep the files busy.
  { grep -o " $RIG/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$RIG"
  say "down"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  env) echo "export DOCKER_HOST=unix://$SOCKET" ;;
  *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
