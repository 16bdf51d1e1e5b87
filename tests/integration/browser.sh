#!/usr/bin/env bash
# A real browser against boss proxy: headless Chromium (browser_cdp.py, over the DevTools
# protocol) opens the URL of a stopped on-demand service once, is shown the 503 starting
# page, and without any reload of ours ends on the app's own page (the starting page
# refreshes itself). Screenshots of both pages are kept in the build folder
# (test-artifacts/browser/) and named in the output.
source "$(dirname "$0")/lib.sh" "$@"
need_image "$BUSYBOX"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $CHROMIUM ]]; then
  echo "browser.sh: chromium is not installed (scripts/setup.sh installs it; apt-get install chromium)" >&2
  exit 1
fi
ARTIFACTS=$(cd "$(dirname "$BOSS_BIN")" && pwd)/test-artifacts/browser
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

new_project browser
# web: takes 2 s before it serves (so the starting page is shown, refreshing, a few times),
# ready once it answers.
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend {
  name = "web", image = "@IMG@", http = { port = 8080 }, on_demand = true, stop_signal = "SIGKILL",
  cmd = { "sh", "-c", [[sleep 2; mkdir -p /www
    echo '<!doctype html><title>boss browser app</title><h1>hello from the app</h1>' > /www/index.html
    exec httpd -f -p 8080 -h /www]] },
  ping = function(self) return self:exec { "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/" } == 0 end,
}
EOF2

expect_exit 0 boss start
expect_no_container web
source "$(dirname "$0")/proxy_lib.sh"
start_proxy browser --wait-timeout 60

section "Chromium opens the stopped service's URL once and ends on the app's page"
rc=0
RESULT=$(python3 "$(dirname "$0")/browser_cdp.py" "$CHROMIUM" "http://127.0.0.1:$PORT/web/" "$ARTIFACTS" \
  "hello from the app" 60 2>"$DIR/cdp.err") || rc=$?
expect_eq "$rc" 0 "browser_cdp.py exit code (0: the app's text was reached)"
[[ $rc == 0 ]] || { cat "$DIR/cdp.err" | indent; echo "$RESULT" | indent; }
log "browser: $RESULT"
expect_contains "$(jq -r .first_title <<<"$RESULT")" "Starting web" "the first page's title"
expect_contains "$(jq -r .first_text <<<"$RESULT")" "boss is starting this service and this page reloads itself" "the first page's text"
expect_eq "$(jq -r .final_title <<<"$RESULT")" "boss browser app" "the final page's title"
expect_contains "$(jq -r .final_text <<<"$RESULT")" "hello from the app" "the final page's text"
loads=$(jq -r .loads <<<"$RESULT")
if ((loads >= 2)); then pass "the page loaded $loads times by itself (its refresh)"; else fail "the page should reload itself" "loads: $loads"; fi
expect_one_container web
expect_state web running

section "the screenshots"
for shot in first final; do
  f=$ARTIFACTS/$shot.png
  expect_match "$(file -b "$f" 2>&1)" '^PNG image data, 900 x 600' "$shot.png"
  log "screenshot: $f ($(stat -c %s "$f") bytes)"
done
expect_ne "$(md5sum <"$ARTIFACTS/first.png")" "$(md5sum <"$ARTIFACTS/final.png")" "the two screenshots"

stop_proxy INT browser
finish
