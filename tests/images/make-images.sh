#!/usr/bin/env bash
# Makes the local images boss's tests, examples and benchmarks run on. No registry is
# needed: images are imported from a root folder made on this machine.
#
#   make-images.sh            busybox image only (seconds)
#   make-images.sh --postgres also the Debian+PostgreSQL image (about a minute, needs
#                             the Debian mirror that apt uses)
#   make-images.sh --check [--postgres]
#                             makes nothing: says which images are missing, foreign or
#                             stale, exit 1 if any is
#
# Each image carries the label boss.test.recipe=<n>, the version of the recipe below that
# made it (bump BUSYBOX_RECIPE / POSTGRES_RECIPE whenever a recipe changes). An image is
# made when it is missing, when it has another recipe version (stale), or when it has
# none (foreign: made another way, e.g. a `docker pull busybox` tagged with the name,
# which lacks /tmp and CMD and makes suites hang); the image it replaces is removed if
# nothing uses it. BOSS_REBUILD_IMAGES=1 makes them again regardless.
# Every image also carries the label boss.test=1 so it can be found and removed. (No
# STOPSIGNAL: Debian's docker 20.10 rejects it in `docker import -c`; services set
# stop_signal.)
set -euo pipefail

BUSYBOX_IMAGE=${BOSS_TEST_BUSYBOX_IMAGE:-boss-test/busybox:latest}
POSTGRES_IMAGE=${BOSS_TEST_POSTGRES_IMAGE:-boss-test/postgres:latest}
BUSYBOX_RECIPE=1
POSTGRES_RECIPE=1
want_postgres=0 check_only=0
for arg in "$@"; do
  case $arg in
    --postgres) want_postgres=1 ;;
    --check) check_only=1 ;;
    *) echo "make-images.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

# image_problem IMAGE RECIPE: nothing if IMAGE is there and made by recipe RECIPE, else
# why it has to be made ("missing", "foreign ...", "stale ...").
image_problem() {
  local recipe
  if ! recipe=$(docker image inspect -f '{{index .Config.Labels "boss.test.recipe"}}' "$1" 2>/dev/null); then
    echo "missing"
  elif [[ -z $recipe || $recipe == '<no value>' ]]; then
    echo "foreign (no boss.test.recipe label: made another way)"
  elif [[ $recipe != "$2" ]]; then
    echo "stale (recipe $recipe, this script makes $2)"
  elif [[ -n ${BOSS_REBUILD_IMAGES:-} ]]; then
    echo "BOSS_REBUILD_IMAGES is set"
  fi
}

# needs_making IMAGE RECIPE: true (and says why) if IMAGE must be made; remembers the id
# of the image it replaces in $replaced.
replaced=""
needs_making() {
  local problem
  problem=$(image_problem "$1" "$2")
  [[ -n $problem ]] || return 1
  replaced=$(docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true)
  echo "$1: $problem"
  return 0
}

# retire OLD_ID: removes the image a new one replaced, unless containers still use it.
retire() {
  [[ -n $1 ]] && docker rmi "$1" >/dev/null 2>&1 || true
}

if ((check_only)); then
  bad=0
  check_one() {
    local problem
    problem=$(BOSS_REBUILD_IMAGES='' image_problem "$1" "$2")
    if [[ -n $problem ]]; then echo "$1: $problem"; bad=1; else echo "$1: ok (recipe $2)"; fi
  }
  check_one "$BUSYBOX_IMAGE" "$BUSYBOX_RECIPE"
  ((want_postgres)) && check_one "$POSTGRES_IMAGE" "$POSTGRES_RECIPE"
  exit "$bad"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if needs_making "$BUSYBOX_IMAGE" "$BUSYBOX_RECIPE"; then
  busybox=$(command -v busybox || true)
  [[ -n $busybox ]] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
    busybox=/bin/busybox
  [[ -x $busybox ]] || { echo "make-images.sh: busybox-static is not installed" >&2; exit 1; }
  root=$work/busybox
  mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root,www}
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["/bin/sh"]' -c 'LABEL boss.test=1' \
    -c "LABEL boss.test.recipe=$BUSYBOX_RECIPE" - "$BUSYBOX_IMAGE" >/dev/null
  retire "$replaced"
  echo "made $BUSYBOX_IMAGE (recipe $BUSYBOX_RECIPE)"
fi

if ((want_postgres)) && needs_making "$POSTGRES_IMAGE" "$POSTGRES_RECIPE"; then
  command -v debootstrap >/dev/null || { echo "make-images.sh: debootstrap is not installed" >&2; exit 1; }
  mirror=${BOSS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  root=$work/postgres
  debootstrap --variant=minbase --include=postgresql bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; echo "make-images.sh: debootstrap failed" >&2; exit 1; }
  # A tiny entrypoint in the spirit of the official image: POSTGRES_USER, POSTGRES_PASSWORD
  # and POSTGRES_DB make a user and database on first start, then the server runs in front.
  cat >"$root/usr/local/bin/boss-postgres" <<'SCRIPT'
#!/bin/sh
set -e
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
data=/var/lib/postgresql/data
user=${POSTGRES_USER:-postgres}
if [ ! -s "$data/PG_VERSION" ]; then
  mkdir -p "$data" /run/postgresql && chown postgres:postgres "$data" /run/postgresql
  su postgres -c "$bin/initdb -D $data -U postgres --auth=trust" >/dev/null
  echo "listen_addresses='*'" >>"$data/postgresql.conf"
  echo "host all all 0.0.0.0/0 md5" >>"$data/pg_hba.conf"
  su postgres -c "$bin/pg_ctl -D $data -o '-c listen_addresses=' -w start" >/dev/null
  if [ "$user" != postgres ]; then
    su postgres -c "psql -q -c \"create user \\\"$user\\\" superuser password '${POSTGRES_PASSWORD:-}'\""
  else
    su postgres -c "psql -q -c \"alter user postgres password '${POSTGRES_PASSWORD:-}'\""
  fi
  [ -n "$POSTGRES_DB" ] && su postgres -c "createdb -O \"$user\" \"$POSTGRES_DB\""
  su postgres -c "$bin/pg_ctl -D $data -m fast -w stop" >/dev/null
fi
mkdir -p /run/postgresql && chown postgres:postgres /run/postgresql
exec su postgres -c "exec $bin/postgres -D $data"
SCRIPT
  chmod +x "$root/usr/local/bin/boss-postgres"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'ENV LANG=C.UTF-8' \
    -c 'CMD ["/usr/local/bin/boss-postgres"]' -c 'LABEL boss.test=1' \
    -c "LABEL boss.test.recipe=$POSTGRES_RECIPE" - "$POSTGRES_IMAGE" >/dev/null
  retire "$replaced"
  echo "made $POSTGRES_IMAGE (recipe $POSTGRES_RECIPE)"
fi
