#!/usr/bin/env bash
# Packages: `cmake --install` puts everything in place, and the .deb CPack makes installs
# in a clean Debian and works there.
#
# The clean Debian is a container of boss-test/postgres:latest (debootstrap minbase
# bookworm, tests/images/make-images.sh). It cannot reach a mirror, so `apt-get -f
# install` cannot fetch boss's dependencies; instead this test hands dpkg the .debs of
# every dependency the image lacks, taken from the host's apt cache
# (/var/cache/apt/archives, where installing the build packages left them; a package
# that came with the host's base system and has no .deb there is repacked from its
# installed files), found by following Depends from the .deb's own. `dpkg -i` of exactly those refuses when a
# dependency is missing from the closure, so a Depends that forgets a library boss needs
# fails either there or when boss runs: `ldd` shows no missing library, `boss --version`
# runs, and a small `boss start` against the host's engine (its socket mounted in) uses
# the dlopened libcurl too.
#
#   deb.sh BOSS_BINARY SOURCE_DIR   (the build folder is the binary's)
source "$(dirname "$0")/../integration/lib.sh" "$@"
BUILD_DIR=$(dirname "$BOSS_BIN")
CLEAN_IMAGE=${BOSS_TEST_CLEAN_IMAGE:-$POSTGRES}
ARCHIVES=${BOSS_TEST_APT_ARCHIVES:-/var/cache/apt/archives}
need_image "$CLEAN_IMAGE"
need_image "$BUSYBOX"

new_project pkg
CONTAINER=""
package_cleanup() {
  [[ -n $CONTAINER ]] && docker rm -f "$CONTAINER" >/dev/null 2>&1
  cleanup
}
trap package_cleanup EXIT

section "cmake --install"
expect_exit 0 cmake --install "$BUILD_DIR" --prefix "$DIR/root"
for file in bin/boss share/man/man1/boss.1.gz share/bash-completion/completions/boss \
  share/zsh/vendor-completions/_boss share/fish/vendor_completions.d/boss.fish share/boss/boss.d.lua; do
  expect_true "installed $file" test -s "$DIR/root/$file"
done
expect_exit 0 "$DIR/root/bin/boss" --version
expect_match "$OUT" '^boss [0-9]+\.[0-9]+\.[0-9]+ \((git [0-9a-f]{12}(, modified)?|not built from a git checkout)\)$' "--version"
if git -C "$SRC_DIR" rev-parse --show-toplevel >/dev/null 2>&1; then
  expect_contains "$OUT" "git $(git -C "$SRC_DIR" rev-parse --short=12 HEAD)" "--version names the checkout's commit"
fi
MANWIDTH=80 expect_exit 0 man --warnings -l "$DIR/root/share/man/man1/boss.1.gz"
expect_eq "$ERR" "" "the installed manual renders without warnings"
expect_true "the installed bash completion is the binary's" cmp -s "$DIR/root/share/bash-completion/completions/boss" \
  <("$BOSS_BIN" completion bash)

section "cpack -G DEB"
expect_exit 0 cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$DIR/cpack"
DEB=$(ls "$DIR"/cpack/boss_*.deb 2>/dev/null | head -1)
require_ok "cpack made no .deb"
expect_true "a .deb was made" test -s "$DEB"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
log "Depends: $DEPENDS"
for package in libc6 'libstdc\+\+6' libluajit-5.1-2 libyaml-cpp0.7 libcurl4 libarchive13; do
  expect_match "$DEPENDS" "(^|, )$package( |,|$)" "Depends"
done
expect_contains "$(dpkg-deb -c "$DEB")" "./usr/share/bash-completion/completions/boss" "the .deb's files"

section "the dependencies the clean image lacks, from $ARCHIVES"
mapfile -t INSTALLED < <(docker run --rm --entrypoint dpkg-query "$CLEAN_IMAGE" -W -f '${Package}\n')
declare -A have=()
for package in "${INSTALLED[@]}"; do have[$package]=1; done
debs=()
missing=()
# repack NAME: a .deb of package NAME as it is installed on this host (its files and its
# control fields), for a dependency whose .deb the apt cache no longer holds (packages that
# came with the host's base system); prints its path, or nothing when NAME is not installed.
repack() {
  local name=$1 root
  dpkg-query -W -f '${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' || return 0
  root="$DIR/repack/$name"
  mkdir -p "$root/DEBIAN"
  dpkg-query -s "$name" | grep -v -E '^(Status|Conffiles|Config-Version):' >"$root/DEBIAN/control"
  dpkg-query -L "$name" | while read -r path; do
    [[ -f $path && ! -d $path ]] || [[ -L $path ]] || continue
    mkdir -p "$root$(dirname "$path")"
    cp -a "$path" "$root$path"
  done
  dpkg-deb --root-owner-group -b "$root" "$DIR/repack/${name}_repacked.deb" >/dev/null && echo "$DIR/repack/${name}_repacked.deb"
}

# add_depends "A (>= 1), B | C": every dependency not yet satisfied, from the archives.
add_depends() {
  local dep alternatives alt name found
  IFS=',' read -ra alternatives_list <<<"$1"
  for dep in "${alternatives_list[@]}"; do
    [[ $dep == *[a-z0-9]* ]] || continue  # an empty field
    IFS='|' read -ra alternatives <<<"$dep"
    found=""
    for alt in "${alternatives[@]}"; do
      name=$(awk '{print $1}' <<<"$alt")
      name=${name%%:*}
      [[ -n ${have[$name]:-} ]] && { found=1; break; }
    done
    [[ -n $found ]] && continue
    for alt in "${alternatives[@]}"; do
      name=$(awk '{print $1}' <<<"$alt")
      name=${name%%:*}
      local deb
      deb=$(ls "$ARCHIVES/${name}_"*_{amd64,all}.deb 2>/dev/null | sort -V | tail -1)
      [[ -n $deb ]] || deb=$(repack "$name")
      if [[ -n $deb ]]; then
        have[$name]=1
        debs+=("$deb")
        add_depends "$(dpkg-deb -f "$deb" Pre-Depends), $(dpkg-deb -f "$deb" Depends)"
        found=1
        break
      fi
    done
    [[ -n $found ]] || missing+=("$dep")
  done
}
add_depends "$DEPENDS"
log "from the host's apt cache: $(printf '%s\n' "${debs[@]##*/}" | tr '\n' ' ')"
expect_eq "${missing[*]}" "" "every dependency is in the image or the apt cache"
mkdir -p "$DIR/debs"
cp "${debs[@]}" "$DEB" "$DIR/debs/"

section "dpkg -i in a clean Debian, boss --version, boss start"
CONTAINER="$P-debian"
# (Not labelled as the project's: boss down would remove it.)
expect_exit 0 docker run -d --name "$CONTAINER" --entrypoint sleep \
  -v /var/run/docker.sock:/var/run/docker.sock -v "$DIR/debs:/debs:ro" "$CLEAN_IMAGE" infinity
in_debian() { docker exec "$CONTAINER" "$@"; }
run in_debian boss --version
expect_ne "$RC" 0 "boss --version before the .deb is installed: exit code"
deps=("${debs[@]##*/}")
expect_exit 0 in_debian dpkg -i "${deps[@]/#//debs/}" "/debs/${DEB##*/}"
[[ $RC == 0 ]] || show_output
expect_exit 0 in_debian sh -c 'dpkg -s boss | grep "^Status:"'
expect_contains "$OUT" "install ok installed" "dpkg -s boss"
expect_exit 0 in_debian ldd /usr/bin/boss
expect_not_contains "$OUT" "not found" "ldd /usr/bin/boss"
expect_exit 0 in_debian boss --version
expect_match "$OUT" '^boss [0-9]+\.[0-9]+\.[0-9]+ \(' "boss --version in the clean Debian"
for file in /usr/share/man/man1/boss.1.gz /usr/share/bash-completion/completions/boss \
  /usr/share/zsh/vendor-completions/_boss /usr/share/fish/vendor_completions.d/boss.fish /usr/share/boss/boss.d.lua; do
  expect_exit 0 in_debian test -s "$file"
done
docker exec -i "$CONTAINER" sh -c "mkdir -p /srv/app && cat > /srv/app/services.lua" <<EOF2
local boss = require "boss"
boss.Service:extend { name = "hello", image = "$BUSYBOX", cmd = { "sleep", "100000" }, stop_signal = "SIGKILL" }
EOF2
expect_exit 0 in_debian sh -c "cd /srv/app && boss -p $P --progress plain start --timeout 30"
expect_contains "$OUT" "hello" "boss start in the clean Debian"
expect_state hello running
expect_exit 0 in_debian sh -c "cd /srv/app && boss -p $P --progress plain down"
expect_exit 0 in_debian sh -c "mkdir -p /srv/init && cd /srv/init && boss init >/dev/null && cat .luarc.json"
expect_contains "$OUT" '"/usr/share/boss"' "boss init's .luarc.json in the clean Debian names the installed definitions"
expect_no_container hello

finish
