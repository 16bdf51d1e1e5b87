#!/usr/bin/env bash
# boss serve against the real engine: the services come up, scheduled jobs (every) run when
# due and are recorded in history, overlap = "skip" leaves a due run out while the last one
# runs, Ctrl-C ends it with 0 (no run left running), and bad schedules are one line, exit 2.
source "$(dirname "$0")/lib.sh" "$@"

new_project serve
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend { name = "web", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
boss.Job:extend { name = "tick", image = "@IMG@", cmd = { "sh", "-c", "echo tick" }, every = "1s",
                  dependencies = { "web" } }
-- Each run takes 2.5 s, due every second: most due moments find it running.
boss.Job:extend { name = "slow", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "2.5" }, every = "1s",
                  overlap = "skip" }
EOF

section "plain start leaves the scheduled jobs out"
expect_exit 0 boss start
expect_outcome web up create
expect_eq "$(ids tick | grep -c .)" 0 "no container for tick"
expect_exit 0 boss stop --remove

section "boss serve: services up, each scheduled job run when due, recorded"
LOG=$DIR/serve.log
# env --default-signal: a background job of a script would otherwise ignore SIGINT.
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json serve >"$LOG" 2>"$DIR/serve.err" &
SERVE_PID=$!
BG_PIDS+=("$SERVE_PID")
# Four begun: at least three ended before the Ctrl-C below (the fourth may be cut short).
if wait_for 60 bash -c "(( \$(jq -r 'select(.type == \"schedule\" and .job == \"tick\" and .what == \"run\") | .due' '$LOG' 2>/dev/null | grep -c .) >= 4 ))"; then
  pass "tick ran four times"
else
  fail "tick did not run four times" "$(tail -20 "$LOG")"
fi
expect_state web running
wait_for 10 bash -c "(( \$(jq -r 'select(.type == \"schedule\" and .job == \"slow\" and .what == \"skip\") | .job' '$LOG' 2>/dev/null | grep -c .) >= 1 ))"
expect_true "slow: due moments during a run were skipped" test "$(jq -r 'select(.type == "schedule" and .job == "slow" and .what == "skip") | .job' "$LOG" | grep -c .)" -ge 1
late=$(jq -r 'select(.type == "schedule" and .what == "run") | .late' "$LOG" | sort -n | tail -1)
log "latest start after its due moment: ${late} s"
expect_true "every run began within $(slack_ms 1000) ms of its due moment (worst ${late} s)" \
  awk -v l="$late" -v s="$(slack_ms 1000)" 'BEGIN { exit !(l * 1000 <= s) }'

section "Ctrl-C: serve ends with 0, no run left going"
kill -INT "$SERVE_PID"
if wait_for "$(($(slack_ms 15)))" bash -c "! kill -0 $SERVE_PID 2>/dev/null"; then pass "serve ended"; else fail "serve still running"; fi
wait "$SERVE_PID"
expect_eq "$?" 0 "serve's exit code"
expect_ne "$(state tick)" running "tick is not left running"
expect_ne "$(state slow)" running "slow is not left running"
expect_exit 0 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" history tick --json
expect_true "tick's runs are in its history" test "$(jq '.runs | length' <<<"$OUT")" -ge 3
expect_eq "$(jq -r '[.runs[].exit_code] | unique | join(",")' <<<"$OUT")" "0" "every tick exited 0"
expect_true "a log per run" test "$(ls "$DIR/logs/tick/"*.log | wc -l)" -ge 3
expect_eq "$(cat "$(ls "$DIR/logs/tick/"*.log | head -1)")" "tick" "a run's output"
expect_exit 0 boss down

section "every = \"2s\" for ten seconds: four to six runs, never two at once; SIGTERM ends it with 0"
write_services <<'EOF'
local boss = require "boss"
boss.Job:extend { name = "two", image = "@IMG@", cmd = { "sh", "-c", "echo two" }, every = "2s" }
EOF
LOG=$DIR/serve2.log
"$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json serve >"$LOG" 2>"$DIR/serve2.err" &
SERVE_PID=$!
BG_PIDS+=("$SERVE_PID")
sleep 10
kill -TERM "$SERVE_PID"
if wait_for "$(slack_ms 15)" bash -c "! kill -0 $SERVE_PID 2>/dev/null"; then pass "serve ended on SIGTERM"; else fail "serve still running"; fi
wait "$SERVE_PID"
expect_eq "$?" 0 "serve's exit code after SIGTERM"
n=$(jq -r 'select(.type == "schedule" and .job == "two" and .what == "run") | .due' "$LOG" | grep -c . || true)
expect_true "four to six runs in ten seconds ($n)" test "$n" -ge 4 -a "$n" -le 6
expect_eq "$(jq -r 'select(.type == "schedule" and .what != "run" and .what != "next") | .what' "$LOG" | grep -c . || true)" 0 "none skipped, queued or replaced"
expect_ne "$(state two)" running "two is not left running"
expect_exit 0 boss down

section "bad schedules: one line naming the service and the field, exit 2, nothing made"
bad() {  # bad FIELDS EXPECTED
  write_services <<EOF
local boss = require "boss"
boss.Job:extend { name = "j", image = "@IMG@", $1 }
EOF
  expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" serve
  expect_one_line_stderr
  expect_contains "$ERR" "$2" "stderr"
  expect_eq "$(count_containers)" 0 "nothing made"
}
bad 'schedule = "* * * * * *"' "service 'j': field 'schedule'"
bad 'every = "soon"' "service 'j': field 'every'"
bad 'every = "1s", schedule = "@daily"' "service 'j'"
bad 'every = "1s", overlap = "never"' "service 'j': field 'overlap'"
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend { name = "s", image = "@IMG@", every = "1s" }
EOF
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" serve
expect_one_line_stderr
expect_contains "$ERR" "service 's': field 'every'" "stderr"

finish
