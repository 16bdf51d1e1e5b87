#!/usr/bin/env bash
# Sets up a Debian bookworm machine to build and test boss (run as root; idempotent):
#   - installs the Debian packages boss needs to build, and docker, busybox-static and
#     debootstrap for the test images (apt-get update only when something is missing);
#   - configures and builds boss into build/ (CMAKE_BUILD_TYPE, default RelWithDebInfo);
#   - starts dockerd in the background if `docker info` does not answer;
#   - makes the local test image boss-test/busybox:latest, and with --postgres also
#     boss-test/postgres:latest (tests/images/make-images.sh).
#
#   scripts/setup.sh [--postgres] [--no-build] [--no-images]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BOSS_BUILD_DIR:-$ROOT/build}
BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo}
want_postgres=0 want_build=1 want_images=1
for arg in "$@"; do
  case $arg in
    --postgres) want_postgres=1 ;;
    --no-build) want_build=0 ;;
    --no-images) want_images=0 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

SUDO=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || die "run as root (or install sudo)"
  SUDO=(sudo)
fi

# ---- packages ------------------------------------------------------------------------
PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  luajit libluajit-5.1-dev libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev
  doctest-dev libarchive-dev libyaml-cpp-dev libboost-dev
  # engine and test images
  docker.io iptables ca-certificates busybox-static debootstrap debian-archive-keyring gpgv
  # what the scripts and tests use (a registry with htpasswd auth for tests/integration/registry.sh)
  file procps jq coreutils util-linux tmux docker-registry apache2-utils curl
  # the engine rig (tests/engines/rig.sh): certificates, an ssh host, namespaces
  openssl openssh-server openssh-client iproute2
  # the core suites against podman's Docker-compatible API (tests/podman/)
  podman
  # the shells whose completions tests/integration/shell.sh loads; the manual's renderers;
  # dpkg-shlibdeps for the .deb's Depends (tests/package/deb.sh); git for --version's revision
  bash zsh fish man-db groff-base dpkg-dev git
  # benchmarks (bench/run.py) compare against docker-compose and read peak memory with time
  docker-compose python3 time
  # a real browser for tests/integration/browser.sh (headless, over the DevTools protocol)
  chromium
)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  # NEEDRESTART_SUSPEND: needrestart (recommended by docker.io) must not ask anything.
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -q "${missing[@]}" </dev/null
else
  say "packages: all installed"
fi

# ---- build ---------------------------------------------------------------------------
if ((want_build)); then
  say "building boss into $BUILD_DIR ($BUILD_TYPE)"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
  cmake --build "$BUILD_DIR"
fi

# ---- docker ----------------------------------------------------------------------------
# dockerd is started here when nothing answers. Its exec-root (/var/run/docker) is runtime
# state that a reboot wipes; on machines whose /run is not a tmpfs it survives a dockerd
# that ended with its machine, and containerd then spends its whole start-up grace
# (60 s) cleaning up the dead shims it lists, gives up and takes dockerd with it ("failed
# to start containerd: timeout waiting for containerd to start", seen on CI). With no
# dockerd or containerd running, that state is stale: remove it, as a reboot would.
docker_up() { docker info >/dev/null 2>&1; }
dockerd_running() { pgrep -x dockerd >/dev/null 2>&1; }
clear_stale_engine_state() {
  dockerd_running && return 0
  pgrep -x containerd >/dev/null 2>&1 && return 0
  local stale=(/var/run/docker/containerd /var/run/docker.pid /var/run/docker.sock)
  local path
  for path in "${stale[@]}"; do
    [[ -e $path ]] && { say "removing stale engine state $path"; "${SUDO[@]}" rm -rf "$path"; }
  done
  # A shim of a container that outlived its dockerd holds nothing boss's tests need.
  "${SUDO[@]}" pkill -9 -f containerd-shim-runc-v2 2>/dev/null || true
}
start_dockerd() {
  clear_stale_engine_state
  say "starting dockerd in the background (log: /var/log/boss-dockerd.log)"
  "${SUDO[@]}" bash -c 'setsid dockerd >>/var/log/boss-dockerd.log 2>&1 </dev/null &'
}
if ! docker_up; then
  if [[ -n ${DOCKER_HOST:-} ]]; then
    die "docker does not answer at DOCKER_HOST=$DOCKER_HOST (unset it to use a local dockerd)"
  fi
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    say "starting docker (systemctl)"
    "${SUDO[@]}" systemctl start docker || true
  fi
  docker_up || dockerd_running || start_dockerd
  # A dockerd with many containers on disk may take minutes; one that exited is started
  # once more (its first try cleared part of what slowed it).
  restarted=0
  for ((i = 0; i < 300; i++)); do
    docker_up && break
    if ! dockerd_running && ((!restarted)); then
      say "dockerd exited while starting; starting it again"
      restarted=1
      start_dockerd
    fi
    sleep 1
  done
  if ! docker_up; then
    echo "setup: dockerd did not answer within 300 s; last lines of /var/log/boss-dockerd.log:" >&2
    tail -20 /var/log/boss-dockerd.log >&2 2>/dev/null || true
    die "docker is not running (docker info fails)"
  fi
fi
say "docker: $(docker version --format 'server {{.Server.Version}}' 2>/dev/null || echo up)"

# ---- test images ---------------------------------------------------------------------
if ((want_images)); then
  if ((want_postgres)); then
    say "test images (busybox, postgres: a few minutes the first time)"
    "$ROOT/tests/images/make-images.sh" --postgres
  else
    say "test images (busybox)"
    "$ROOT/tests/images/make-images.sh"
  fi
fi
say "done"
