#!/usr/bin/env bash
# Ctrl-C during start: exit 130, a summary, started containers stay, the context is
# saved, and the next start picks up cleanly.
source "$(dirname "$0")/lib.sh" "$@"

new_project int
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
Base:extend {
  name = "first",
  post_start = function(self) boss.context.first_token = "tok-1" end,
}
-- Answers ping only once the file @DIR@/go exists on the host.
Base:extend {
  name = "second", dependencies = { "first" },
  env = { TOKEN = "{first_token}" },
  ping_interval = 0.2,
  ping = function(self) return (boss.run { "test", "-f", "@DIR@/go" }) == 0 end,
  post_start = function(self) boss.context.second_done = true; boss.log("hook post_start second") end,
}
Base:extend { name = "third", dependencies = { "second" } }
EOF

section "SIGINT while second is being pinged"
out=$DIR/boss.out err=$DIR/boss.err
# env --default-signal: a background job of a script would otherwise ignore SIGINT.
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start >"$out" 2>"$err" &
pid=$!
BG_PIDS+=("$pid")
if wait_for 30 grep -q '"service":"second","state":"waiting"' "$out"; then
  pass "second reached its ping"
else
  fail "second should reach its ping within 30 s"
  cat "$out" "$err" | indent
fi
kill -INT "$pid"
waited=0
while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do sleep 0.1; waited=$((waited + 1)); done
if kill -0 "$pid" 2>/dev/null; then fail "boss should exit within 10 s of SIGINT"; kill -9 "$pid"; fi
wait "$pid"
RC=$? OUT=$(cat "$out") ERR=$(cat "$err")
expect_eq "$RC" 130 "exit code after SIGINT"
expect_contains "$OUT" '"type":"summary"' "output"
expect_outcome first up
expect_outcome second interrupted
expect_outcome third interrupted
expect_eq "$(jq -r 'select(.type == "summary") | .interrupted' <<<"$OUT")" true "the summary says interrupted"
expect_contains "$(jq -r 'select(.type == "warning") | .text' <<<"$OUT")" "interrupted" "the warning"
expect_state first running
expect_no_container third
expect_true "the context file saved" test -f "$(ctx_file)"
expect_match "$(cat "$(ctx_file)" 2>/dev/null)" '"first_token": "tok-1"' "the context file"
first_id=$(cid first)

section "the next start picks up cleanly"
touch "$DIR/go"
expect_exit 0 boss start
expect_eq "$(cid first)" "$first_id" "first's container (kept)"
for s in first second third; do expect_state $s running; done
expect_one_container second
expect_eq "$(env_of second TOKEN)" "tok-1" "second's TOKEN from the saved context"
# second never finished starting (no ping success, no post_start): its start must be
# completed now, not taken as up.
expect_match "$(cat "$(ctx_file)")" '"second_done": true' "the context file (second's post_start ran)"
expect_contains "$(hook_output)" "hook post_start second" "output of the next start"

section "SIGTERM is handled like SIGINT"
rm -f "$DIR/go"
sed -i 's/name = "third", dependencies = { "second" }/name = "third", dependencies = { "second" }, always_start_new = true, ping = function(self) return (boss.run { "test", "-f", "@DIR@\/go" }) == 0 end/' "$DIR/services.lua"
sed -i "s|@DIR@|$DIR|g" "$DIR/services.lua"
"$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start >"$out" 2>"$err" &
pid=$!
BG_PIDS+=("$pid")
wait_for 30 grep -q '"service":"third","state":"waiting"' "$out" || { fail "third should reach its ping"; cat "$out" "$err" | indent; }
kill -TERM "$pid"
waited=0
while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do sleep 0.1; waited=$((waited + 1)); done
kill -0 "$pid" 2>/dev/null && { fail "boss should exit within 10 s of SIGTERM"; kill -9 "$pid"; }
wait "$pid"
expect_eq "$?" 130 "exit code after SIGTERM"
expect_contains "$(cat "$out")" '"type":"summary"' "output"
expect_state second running

finish
