#!/usr/bin/env bash
# boss exec (a command in a service's running container) and boss run (a one-off
# container of a service): exit codes, streams, stdin, errors, the interactive TTY in
# tmux, dependencies, --keep/-e/--publish, and one-offs never taken for the service.
source "$(dirname "$0")/lib.sh" "$@"

new_project execrun
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend {
  image = "@IMG@",
  cmd = { "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done" },
}
Base:extend { name = "db" }
Base:extend { name = "web", dependencies = { "db" }, env = { GREETING = "hello" }, ports = { [8080] = 0 } }
Base:extend { name = "job", cmd = { "sh", "-c", "echo job-default" }, always_start_new = true }
EOF

# one_offs [STATE]: ids of this project's one-off containers (in STATE when given).
one_offs() {
  docker ps -aq --filter "label=boss.project=$P" --filter "label=boss.oneoff" ${1:+--filter "status=$1"}
}
count_one_offs() { one_offs "$@" | grep -c . || true; }
# own_ids SERVICE: the service's own containers (not one-offs).
own_ids() { comm -23 <(ids "$1" | cut -c1-12 | sort) <(one_offs | cut -c1-12 | sort); }

# expect_interrupted PID WHAT: sends SIGINT to the background boss PID; it must exit with
# 130 within 10 s.
expect_interrupted() {
  local pid=$1 waited=0 code
  kill -INT "$pid"
  while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then fail "$2 should exit within 10 s of SIGINT"; kill -9 "$pid"; fi
  wait "$pid"
  code=$?
  expect_eq "$code" 130 "exit code of $2 after SIGINT"
}

section "exec: bad invocations and a service that is not running"
expect_exit 1 boss exec -T db true
expect_contains "$ERR" "service 'db' is not running (boss start db)" "stderr"
expect_one_line_stderr
expect_exit 2 boss exec -T dbb true
expect_contains "$ERR" "unknown service 'dbb' (did you mean 'db'?)" "stderr"
expect_one_line_stderr
expect_exit 2 boss exec db
expect_contains "$ERR" "no command given" "stderr"
expect_one_line_stderr
expect_exit 2 boss exec --instance 2 db true
expect_contains "$ERR" "--instance 2 does not exist" "stderr"
expect_nothing_created

section "exec: exit code, streams apart, stdin"
expect_exit 0 boss start
require_ok "start failed"
expect_exit 7 boss exec -T db sh -c 'exit 7'
expect_exit 0 boss exec db sh -c 'echo to-out; echo to-err >&2'
expect_eq "$OUT" "to-out" "stdout of exec"
expect_eq "$ERR" "to-err" "stderr of exec"
expect_exit 0 boss exec --instance 1 db sh -c 'test -t 0 && echo tty || echo plain'
expect_eq "$OUT" "plain" "exec without a terminal"
run boss exec -T db cat <<<"hi"
expect_eq "$RC/$OUT" "0/hi" "stdin piped through exec"
big=$DIR/big.txt
head -c 3000000 /dev/urandom | base64 >"$big"
run boss exec -T db md5sum <"$big"
expect_eq "${OUT%% *}" "$(md5sum <"$big" | cut -d' ' -f1)" "md5 of 4 MB sent through exec's stdin"
expect_exit 0 boss exec -T web sh -c 'echo "$GREETING"'
expect_eq "$OUT" "hello" "exec sees the service's environment"
expect_exit 0 boss exec -T db sh -c 'echo "$@"' sh -v --help -x
expect_eq "$OUT" "-v --help -x" "options after the service belong to the command"

section "exec: interactive TTY in tmux"
# in_tmux NAME COLUMNS ROWS ARGS...: runs `boss ARGS...` in a tmux pane of that size, types
# `echo $((6*7)); stty size`, resizes the pane to 70x15, types `stty size` again and
# `exit CODE` (CODE: $EXIT_WITH); the pane is in $PANE.
in_tmux() {
  local session="$P-$1" columns=$2 rows=$3
  shift 3
  rm -f "$DIR/stty.before" "$DIR/stty.after"
  tmux kill-session -t "$session" 2>/dev/null
  tmux new-session -d -s "$session" -x "$columns" -y "$rows" "bash --norc --noprofile"
  tmux set -t "$session" status off >/dev/null
  tmux send-keys -t "$session" "stty -g >$DIR/stty.before; $BOSS_BIN -f $DIR/services.lua -p $P $*; echo EXIT=\$?; stty -g >$DIR/stty.after" Enter
  tmux send-keys -t "$session" 'echo $((6*7)); stty size' Enter
  # Resized only once the first size is on screen (typed keys wait in the terminal meanwhile).
  wait_for 20 bash -c "tmux capture-pane -p -t '$session' | grep -q '^$rows $columns\$'"
  tmux resize-window -t "$session" -x 70 -y 15
  tmux send-keys -t "$session" 'echo resized; stty size' Enter
  tmux send-keys -t "$session" "exit $EXIT_WITH" Enter
  if wait_for 20 test -s "$DIR/stty.after"; then pass "boss $* in tmux ended"; else fail "boss $* in tmux should end"; fi
  PANE=$(tmux capture-pane -p -t "$session" -S -100)
  tmux kill-session -t "$session"
  expect_match "$PANE" '^42' "pane"
  expect_match "$PANE" "^$rows $columns" "stty size inside (the pane's size)"
  expect_match "$PANE" "^15 70" "stty size inside after the pane was resized"
  expect_contains "$PANE" "EXIT=$EXIT_WITH" "pane"
  expect_eq "$(cat "$DIR/stty.after")" "$(cat "$DIR/stty.before")" "terminal settings after the session"
}
EXIT_WITH=3 in_tmux exec 100 30 exec web sh

section "run: --no-deps leaves the dependency alone; the one-off is removed"
expect_exit 0 boss stop
expect_state db exited
expect_exit 0 boss run --no-deps web sh -c 'echo "$GREETING"; echo run-err >&2'
expect_eq "$OUT" "hello" "stdout of run"
expect_contains "$ERR" "run-err" "stderr of run"
expect_state db exited
expect_eq "$(count_one_offs)" 0 "one-off containers left"

section "run: dependencies started first, exit code, -e, stdin"
expect_exit 5 boss run web sh -c 'exit 5'
expect_state db running
expect_state web exited
expect_exit 0 boss run -e GREETING=bye -e EXTRA=1 web sh -c 'echo "$GREETING $EXTRA"'
expect_eq "$OUT" "bye 1" "-e in run"
run boss run --no-deps -T web cat <<<"piped"
expect_eq "$RC/$OUT" "0/piped" "stdin piped through run"
expect_exit 2 boss run -e NOEQUALS web true
expect_contains "$ERR" "-e: must be KEY=VALUE, got 'NOEQUALS'" "stderr"
expect_exit 2 boss run wbe true
expect_contains "$ERR" "run: unknown service 'wbe' (did you mean 'web'?)" "stderr"
expect_eq "$(count_one_offs)" 0 "one-off containers left"

section "run: the service's cmd by default, --keep, --publish"
expect_exit 0 boss run --no-deps job
expect_eq "$OUT" "job-default" "run without a command"
expect_exit 0 boss run --no-deps --keep web true
expect_eq "$(count_one_offs exited)" 1 "kept one-offs"
kept=$(one_offs | head -1)
expect_match "$(docker inspect -f '{{.Name}}' "$kept")" "^/$P-web-run-[0-9a-f]{6}\$" "one-off's name"
expect_eq "$(docker inspect -f '{{len .HostConfig.PortBindings}}' "$kept")" 0 "ports of a one-off"
docker rm -f "$kept" >/dev/null
expect_exit 0 boss run --no-deps --keep --publish web true
kept=$(one_offs | head -1)
expect_eq "$(docker inspect -f '{{len .HostConfig.PortBindings}}' "$kept")" 1 "ports of a one-off with --publish"
docker rm -f "$kept" >/dev/null

section "exec: Ctrl-C with plain streams ends boss with 130"
expect_exit 0 boss start db
out=$DIR/exec.out
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" exec -T db \
  sh -c 'echo begun; sleep 30' </dev/null >"$out" 2>&1 &
pid=$!
BG_PIDS+=("$pid")
if wait_for 30 grep -q begun "$out"; then pass "exec began"; else fail "exec should begin"; cat "$out" | indent; fi
expect_interrupted "$pid" exec

section "run: a running one-off is not the service for status, stop or start; Ctrl-C removes it"
expect_exit 0 boss start
own_web=$(own_ids web)
out=$DIR/run.out err=$DIR/run.err
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" run --no-deps -T web \
  sh -c 'echo started; while :; do sleep 0.1; done' </dev/null >"$out" 2>"$err" &
pid=$!
BG_PIDS+=("$pid")
if wait_for 30 grep -q started "$out"; then pass "one-off started"; else fail "one-off should start"; cat "$err" | indent; fi
expect_eq "$(count_one_offs running)" 1 "running one-offs"
expect_exit 0 boss status --json
expect_eq "$(jq -r '[.services[] | select(.service == "web")] | length' <<<"$OUT")" 1 "web's rows in status"
expect_eq "$(jq -r '[.services[] | select(.orphan)] | length' <<<"$OUT")" 0 "orphans in status"
expect_eq "$(jq -r '.services[] | select(.service == "web") | .container_id' <<<"$OUT" | cut -c1-12)" "$own_web" "web's container in status"
expect_exit 0 boss start
expect_outcome web kept
expect_exit 0 boss stop
expect_outcome web stopped
expect_eq "$(count_one_offs running)" 1 "running one-offs after stop"
expect_interrupted "$pid" run
expect_eq "$(count_one_offs)" 0 "one-offs after Ctrl-C"

section "run: interactive TTY in tmux"
EXIT_WITH=4 in_tmux run 90 25 run --no-deps web sh
expect_eq "$(count_one_offs)" 0 "one-offs after the interactive run"

section "run: a dependency that fails is the run's failure; no one-off is made"
new_project execrun2
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend { name = "broken", image = "@IMG@", cmd = { "sh", "-c", "exit 3" } }
boss.Service:extend { name = "tool", image = "@IMG@", dependencies = { "broken" } }
EOF
expect_exit 1 boss run tool echo never
expect_not_contains "$OUT" "never" "stdout"
expect_contains "$ERR" '"service":"broken","state":"failed"' "stderr (the dependencies' progress)"
expect_eq "$(count_one_offs)" 0 "one-offs after a failed dependency"

finish
