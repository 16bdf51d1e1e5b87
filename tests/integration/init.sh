#!/usr/bin/env bash
# boss init: in an empty folder it writes a starter services.lua and a .luarc.json; boss
# start brings the starter up on the real engine; a second boss init refuses (exit 2,
# one line) and leaves the files as they were.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"

new_project init
cd "$DIR" || exit 1
expect_exit 0 "$BOSS_BIN" init
expect_contains "$OUT" "wrote services.lua and .luarc.json" "stdout"
expect_true "services.lua written" test -s services.lua
expect_true ".luarc.json written" test -s .luarc.json
LIBRARY=$(jq -r '.workspace.library[0]' .luarc.json)
expect_true ".luarc.json's workspace.library holds boss.d.lua ($LIBRARY)" test -s "$LIBRARY/boss.d.lua"
expect_true "it is boss's definitions" cmp -s "$LIBRARY/boss.d.lua" "$SRC_DIR/lua/boss.d.lua"
expect_eq "$(jq -r '.runtime.version' .luarc.json)" "LuaJIT" ".luarc.json runtime.version"
# The starter names boss's test image; BOSS_TEST_BUSYBOX_IMAGE may name another.
sed -i "s|boss-test/busybox:latest|$BUSYBOX|" services.lua

section "boss start of the starter"
expect_exit 0 boss start
expect_outcome seed up
expect_outcome web up
expect_state web running
port=$(docker port "$(cid web)" 8080/tcp | head -1 | sed 's/.*://')
expect_match "$(wget -qO- "http://127.0.0.1:$port/" 2>&1)" "^hello from seed$" "web's page (the greeter from seed's hook)"
expect_exit 0 boss status
expect_exit 0 boss stop --remove
expect_no_container web

section "a second boss init refuses"
cp services.lua services.lua.before
cp .luarc.json luarc.before
expect_exit 2 "$BOSS_BIN" init
expect_one_line_stderr
expect_contains "$ERR" "services.lua already exists" "stderr"
expect_true "services.lua unchanged" cmp -s services.lua services.lua.before
expect_true ".luarc.json unchanged" cmp -s .luarc.json luarc.before
rm services.lua
expect_exit 2 "$BOSS_BIN" init
expect_contains "$ERR" ".luarc.json already exists" "stderr (only .luarc.json there)"
expect_true "and services.lua is not written" test ! -e services.lua
expect_exit 2 "$BOSS_BIN" -f compose.yaml init
expect_one_line_stderr
expect_contains "$ERR" "compose file" "stderr"

finish
