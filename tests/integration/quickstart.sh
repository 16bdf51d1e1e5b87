#!/usr/bin/env bash
# The README's quickstart, as a user runs it: start, see the page, edit the app and
# reload it, status, stop --remove. Runs on a copy, so the repository is never changed.
source "$(dirname "$0")/lib.sh" "$@"

new_project quickstart
IMAGE="$P/app:dev"
EXTRA_IMAGES+=("$IMAGE")
cp -r "$SRC_DIR/examples/quickstart/." "$DIR/"
sed -i "s|image = \"quickstart-app:dev\"|image = \"$IMAGE\"|" "$DIR/services.lua"
expect_contains "$(cat "$DIR/services.lua")" "$IMAGE" "the copy uses this test's image tag"

section "start"
expect_exit 0 boss start
expect_contains "$(hook_output)" "store: seeded user 1" "hook output"
expect_outcome app up create
expect_eq "$(summary_count up)" 4 "services up"
port=$(docker port "$P-app" 8080/tcp | head -1 | sed 's/.*://')
expect_contains "$(wget -qO- "http://127.0.0.1:$port/")" "Hello, alice!" "the app serves the seeded user"
expect_eq "$(env_of app USER_ID)" "1" "USER_ID filled from the context"
expect_contains "$(cat "$(ctx_file)")" '"user_id": 1' "the context file holds the seeded id"

section "status"
expect_exit 0 boss_text status
expect_match "$OUT" "app +running +[0-9a-f]{12} +localhost:$port -> 8080/tcp" "status shows app's port"
expect_match "$OUT" "worker-2 +running" "status shows the workers"

section "reload after an edit"
sed -i 's/Hello/Welcome/' "$DIR/app/index.html"
expect_exit 0 boss reload app
expect_contains "$(phases app)" "building" "app's phases"
expect_contains "$OUT" '"state":"building","action":"recreate","reason":"'"$IMAGE" "the build names the image"
port=$(docker port "$P-app" 8080/tcp | head -1 | sed 's/.*://')
expect_contains "$(wget -qO- "http://127.0.0.1:$port/")" "Welcome, alice!" "the new page is served"
expect_eq "$(state worker-1)" "running" "workers restarted after the reload"

section "stop --remove"
expect_exit 0 boss stop --remove
expect_eq "$(count_containers)" "0" "no containers left"
expect_eq "$(count_networks)" "0" "no network left"
expect_true "no context file left" test ! -e "$(ctx_file)"

finish
