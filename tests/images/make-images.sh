#!/usr/bin/env bash
# Makes the local images boss's tests, examples and benchmarks run on. No registry is
# needed: images are imported from a root folder made on this machine.
#
#   make-images.sh            busybox image only (seconds)
#   make-images.sh --postgres also the Debian+PostgreSQL image (about a minute, needs
#                             the Debian mirror that apt uses)
#
# Images are only made when missing; set BOSS_REBUILD_IMAGES=1 to make them again.
# Every image carries the label boss.test=1 so it can be found and removed. (No STOPSIGNAL:
# Debian's docker 20.10 rejects it in `docker import -c`; services set stop_signal.)
set -euo pipefail

BUSYBOX_IMAGE=${BOSS_TEST_BUSYBOX_IMAGE:-boss-test/busybox:latest}
POSTGRES_IMAGE=${BOSS_TEST_POSTGRES_IMAGE:-boss-test/postgres:latest}
want_postgres=0
for arg in "$@"; do
  case $arg in
    --postgres) want_postgres=1 ;;
    *) echo "make-images.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

have_image() { [[ -z ${BOSS_REBUILD_IMAGES:-} ]] && docker image inspect "$1" >/dev/null 2>&1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! have_image "$BUSYBOX_IMAGE"; then
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
    - "$BUSYBOX_IMAGE" >/dev/null
  echo "made $BUSYBOX_IMAGE"
fi

if ((want_postgres)) && ! have_image "$POSTGRES_IMAGE"; then
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
    - "$POSTGRES_IMAGE" >/dev/null
  echo "made $POSTGRES_IMAGE"
fi
