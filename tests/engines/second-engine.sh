#!/usr/bin/env bash
# A second Docker engine beside the machine's own, for tests that need an engine of their
# own (killed and restarted mid-start, several engines, a swarm). Root only.
#
#   second-engine.sh start NAME    engine NAME: socket /run/boss-engines/NAME/docker.sock,
#                                  its own data/exec roots, pidfile, bridge and address pool;
#                                  waits until it answers; loads the test busybox image into it
#   second-engine.sh stop NAME     stops it (SIGTERM, then SIGKILL after 10 s) and removes its
#                                  bridge; its data root is removed too
#   second-engine.sh kill NAME     SIGKILL, nothing else (a crash); `start NAME` again restarts
#                                  it on the same data root
#
# Never `--bridge none` in the shared namespace (it deletes docker0): the engine gets its own
# bridge `bossb-NAME` (10.209.N.1/24) and pool 10.210.0.0/16 split into /24s; iptables are
# left alone (--iptables=false), so its containers publish no ports to the host.
set -euo pipefail

cmd=${1:?usage: second-engine.sh start|stop|kill NAME}
name=${2:?usage: second-engine.sh start|stop|kill NAME}
[[ $name =~ ^[a-z0-9]{1,8}$ ]] || { echo "second-engine.sh: NAME must be 1-8 of [a-z0-9]" >&2; exit 2; }
root=/run/boss-engines/$name
data=/var/lib/boss-engines/$name
bridge=bossb-$name
socket=$root/docker.sock
# A /24 per engine name, stable across restarts.
octet=$(( $(cksum <<<"$name" | cut -d' ' -f1) % 200 + 20 ))
BUSYBOX=${BOSS_TEST_BUSYBOX_IMAGE:-boss-test/busybox:latest}

answers() { DOCKER_HOST=unix://$socket docker info >/dev/null 2>&1; }

case $cmd in
  start)
    mkdir -p "$root" "$data"
    if ! ip link show "$bridge" >/dev/null 2>&1; then
      ip link add name "$bridge" type bridge
      ip addr add "10.209.$octet.1/24" dev "$bridge"
      ip link set "$bridge" up
    fi
    if ! answers; then
      setsid dockerd --data-root "$data" --exec-root "$root/exec" --pidfile "$root/docker.pid" \
        -H "unix://$socket" --bridge "$bridge" --iptables=false --ip-masq=false \
        --default-address-pool "base=10.210.0.0/16,size=24" \
        --containerd-namespace "boss-$name" --containerd-plugins-namespace "boss-$name-plugins" \
        >"$root/dockerd.log" 2>&1 </dev/null &
      for ((i = 0; i < 100; i++)); do answers && break; sleep 0.2; done
      answers || { tail -20 "$root/dockerd.log" >&2; echo "second-engine.sh: engine $name did not answer" >&2; exit 1; }
    fi
    if ! DOCKER_HOST=unix://$socket docker image inspect "$BUSYBOX" >/dev/null 2>&1; then
      docker save "$BUSYBOX" | DOCKER_HOST=unix://$socket docker load >/dev/null
    fi
    echo "unix://$socket"
    ;;
  kill)
    [[ -f $root/docker.pid ]] && kill -9 "$(cat "$root/docker.pid")" 2>/dev/null || true
    rm -f "$root/docker.pid"
    ;;
  stop)
    if [[ -f $root/docker.pid ]]; then
      pid=$(cat "$root/docker.pid")
      kill "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    ip link del "$bridge" 2>/dev/null || true
    rm -rf "$root" "$data"
    ;;
  *) echo "second-engine.sh: unknown command '$cmd'" >&2; exit 2 ;;
esac
