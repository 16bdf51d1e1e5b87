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
#                                  it on the same data root (only with --netns: a restart in the
#                                  host's namespace deletes the host's docker0)
#
# start takes more options for an engine that stands in for another host (tests/engines/rig.sh):
#   --netns NS        run dockerd in network namespace NS (made by the caller): its own docker0
#                     (--bip below), its own iptables, so its containers publish ports on the
#                     namespace's address; nothing of the host's network is touched
#   --address IP      with --tls: also listen on tcp://IP:2376 with TLS, client certificates required
#   --tls DIR         DIR/ca.pem, DIR/server-cert.pem, DIR/server-key.pem
#   --bip CIDR        the default bridge's address (--netns only; default 10.209.N.1/24)
#   --pool CIDR       the address pool networks are carved from (default 10.210.0.0/16)
#   --insecure-registry HOST:PORT   a plain-HTTP registry this engine may pull from
#
# Never `--bridge none` in the shared namespace (it deletes docker0): the engine gets its own
# bridge `bossb-NAME` (10.209.N.1/24) and pool 10.210.0.0/16 split into /24s; iptables are
# left alone (--iptables=false), so its containers publish no ports to the host.
set -euo pipefail

cmd=${1:?usage: second-engine.sh start|stop|kill NAME}
name=${2:?usage: second-engine.sh start|stop|kill NAME}
shift 2
netns="" address="" tls="" bip="" pool="10.210.0.0/16" registry=""
while (($#)); do
  case $1 in
    --netns) netns=$2 ;;
    --address) address=$2 ;;
    --tls) tls=$2 ;;
    --bip) bip=$2 ;;
    --pool) pool=$2 ;;
    --insecure-registry) registry=$2 ;;
    *) echo "second-engine.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift 2
done
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
    args=(--data-root "$data" --exec-root "$root/exec" --pidfile "$root/docker.pid" -H "unix://$socket"
      --default-address-pool "base=$pool,size=24"
      --containerd-namespace "boss-$name" --containerd-plugins-namespace "boss-$name-plugins")
    [[ -n $registry ]] && args+=(--insecure-registry "$registry")
    if [[ -n $netns ]]; then
      # Its own namespace: its own docker0 and iptables, which touch nothing of the host's.
      args+=(--bip "${bip:-10.209.$octet.1/24}")
      if [[ -n $tls ]]; then
        args+=(-H "tcp://$address:2376" --tlsverify --tlscacert "$tls/ca.pem"
          --tlscert "$tls/server-cert.pem" --tlskey "$tls/server-key.pem")
      fi
      # and its own hostname (the swarm's node names), in a UTS namespace of its own.
      run=(nsenter "--net=/run/netns/$netns" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$name")
    else
      if ! ip link show "$bridge" >/dev/null 2>&1; then
        ip link add name "$bridge" type bridge
        ip addr add "10.209.$octet.1/24" dev "$bridge"
        ip link set "$bridge" up
      fi
      args+=(--bridge "$bridge" --iptables=false --ip-masq=false)
      run=()
    fi
    # A dockerd restarted on its old data root in the host's namespace deletes the host's
    # docker0 (seen with dockerd 20.10): only a namespaced engine may be restarted.
    if [[ -z $netns && -e $data/network ]] && ! answers; then
      echo "second-engine.sh: restarting engine $name in the host's network namespace would delete docker0; start it with --netns" >&2
      exit 2
    fi
    if ! answers; then
      setsid "${run[@]}" dockerd "${args[@]}" >"$root/dockerd.log" 2>&1 </dev/null &
      for ((i = 0; i < 300; i++)); do answers && break; sleep 0.2; done
      answers || { tail -20 "$root/dockerd.log" >&2; echo "second-engine.sh: engine $name did not answer" >&2; exit 1; }
    fi
    if ! DOCKER_HOST=unix://$socket docker image inspect "$BUSYBOX" >/dev/null 2>&1; then
      docker save "$BUSYBOX" | DOCKER_HOST=unix://$socket docker load >/dev/null
    fi
    echo "unix://$socket"
    ;;
  kill)
    # The whole engine crashes: dockerd and the containerd it started (its process group,
    # from setsid); a containerd left behind would make the next dockerd wait for it.
    if [[ -f $root/docker.pid ]]; then
      kill -9 -- "-$(cat "$root/docker.pid")" 2>/dev/null || kill -9 "$(cat "$root/docker.pid")" 2>/dev/null || true
    fi
    pkill -9 -f "containerd --config $root/exec/containerd" 2>/dev/null || true
    # The pid files go too. A crashed machine's would name nothing, but here the killed
    # processes can stay zombies (a container's init that reaps no orphans): the next
    # dockerd would take containerd's zombie for a containerd "still running", wait for
    # its socket and give up after 60 s ("timeout waiting for containerd to start").
    rm -f "$root/docker.pid" "$root/exec/containerd/containerd.pid"
    ;;
  stop)
    if [[ -f $root/docker.pid ]]; then
      pid=$(cat "$root/docker.pid")
      kill "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    pkill -9 -f "containerd --config $root/exec/containerd" 2>/dev/null || true
    pkill -9 -f "containerd-shim-runc-v2 -namespace boss-$name " 2>/dev/null || true
    ip link del "$bridge" 2>/dev/null || true
    # Mounts the engine left (overlay layers of containers it never stopped), deepest first.
    awk -v a="$data" -v b="$root" 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts |
      sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$root" "$data"
    ;;
  *) echo "second-engine.sh: unknown command '$cmd'" >&2; exit 2 ;;
esac
