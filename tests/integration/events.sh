#!/usr/bin/env bash
# What boss reports, on the real engine: one start with a build, pings, a post_start, a
# failing service and a skipped dependent, seen through every renderer (json lines that
# all parse and carry their fields; plain lines; the live tty display in a real terminal,
# and plain again in a pipe); `boss logs` merging three chatty services, each line once,
# following through a reload, --tail, --since, Ctrl-C; and Ctrl-C during a slow build.
source "$(dirname "$0")/lib.sh" "$@"

new_project events
mkdir -p "$DIR/app"
cat >"$DIR/app/Dockerfile" <<EOF
FROM $BUSYBOX
RUN echo built > /built.txt
CMD ["sleep", "100000"]
EOF
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
local Db = Base:extend { name = "db", ping_interval = 0.1 }
local pings = 0
function Db:ping() pings = pings + 1; return pings >= 3 end
function Db:post_start() boss.log("db seeded"); boss.context.seeded = true end
Base:extend {
  name = "app", image = "@P@/app:dev", build_from_directory = "app", dependencies = { "db" },
  ports = { [80] = 0 }, cmd = { "sh", "-c", "echo hello > /www/index.html; exec httpd -f -p 80 -h /www" },
}
Base:extend { name = "broken", cmd = { "sh", "-c", "echo broken-output; exit 4" } }
Base:extend { name = "after", dependencies = { "broken" } }
EOF

section "json: every event one parseable object with its fields, the summary last"
expect_exit 1 boss start
lines=$(grep -c . <<<"$OUT")
parsed=$(jq -c . <<<"$OUT" 2>/dev/null | grep -c .)
expect_eq "$parsed" "$lines" "json lines that parse (of $lines)"
expect_eq "$(jq -r 'select(.v != 1 or .time == null or .type == null) | .type' <<<"$OUT" | grep -c .)" 0 "lines without v, time or type"
expect_match "$(jq -r .time <<<"$OUT" | head -1)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]+Z$' "time (RFC 3339 with fractions)"
expect_eq "$(tail -1 <<<"$OUT" | jq -r .type)" summary "type of the last line"
expect_eq "$(phases db)" "creating starting waiting post_start up" "db's phases"
expect_eq "$(phases app)" "building creating starting waiting up" "app's phases"
expect_eq "$(phases broken)" "creating starting waiting failed" "broken's phases"
expect_eq "$(phases after)" "skipped" "after's phases"
expect_eq "$(jq -r 'select(.type == "service" and .service == "broken" and .state == "failed") | "\(.reason) | \(.exit_code)"' <<<"$OUT")" \
  "container exited with code 4 | 4" "broken's failure event"
expect_eq "$(jq -r 'select(.type == "service" and .service == "after") | .reason' <<<"$OUT")" \
  "dependency 'broken' failed" "after's skip reason"
expect_match "$(jq -r 'select(.type == "progress" and .service == "app") | .text' <<<"$OUT")" "^(Step 2/[0-9]+ :|STEP 2/[0-9]+:) RUN echo built" "build progress of app"
expect_eq "$(jq -r 'select(.type == "hook_output") | "\(.service) \(.text)"' <<<"$OUT")" "db db seeded" "hook output"
port=$(jq -r 'select(.type == "service" and .service == "app" and .state == "up") | .ports[0].host_port' <<<"$OUT")
expect_match "$port" '^[0-9]+$' "app's published port in its up event"
expect_contains "$(outcome broken logs)" "broken-output" "broken's log tail in the summary"
expect_eq "$(outcome after cause)" broken "after's cause in the summary"
expect_eq "$(tail -1 <<<"$OUT" | jq -r .exit_code)" 1 "the summary's exit code"

# (Build steps: Docker's builder writes "Step 2/4 : RUN", podman's (buildah) "STEP 2/4: RUN".)
section "plain: one line per change, the summary at the end"
boss stop --remove >/dev/null 2>&1
docker rmi -f "$P/app:dev" >/dev/null
expect_exit 1 boss_text start
expect_match "$OUT" '^db +waiting until ready' "plain output"
expect_match "$OUT" '^db +> db seeded' "plain output"
expect_match "$OUT" '^app +\| (Step 1/[0-9]+ :|STEP 1/[0-9]+:) FROM' "plain output (build progress)"
expect_match "$OUT" '^broken +failed: container exited with code 4' "plain output"
expect_match "$OUT" '^summary:' "plain output"
expect_match "$OUT" "localhost:$(docker port "$(cid app)" 80/tcp | head -1 | sed 's/.*://') -> 80/tcp" "plain summary: app's address"
expect_match "$OUT" '2 up, 1 failed, 1 skipped' "plain count line"
expect_not_contains "$OUT" $'\e[' "plain output (no escape sequences)"

section "tty: a live display in a real terminal, plain in a pipe"
boss stop --remove >/dev/null 2>&1
session="bosst-$P"
tmux kill-session -t "$session" 2>/dev/null
tmux new-session -d -s "$session" -x 120 -y 40 "env -u NO_COLOR TERM=xterm-256color $BOSS_BIN -f $DIR/services.lua -p $P start; echo EXIT=\$?; sleep 600"
saw_live=0
for _ in $(seq 1 150); do
  pane=$(tmux capture-pane -p -t "$session")
  if grep -qE '^ *[^ ]+ db +[0-9.]+s +(waiting|running post_start)' <<<"$pane" && ! grep -q 'summary:' <<<"$pane"; then
    saw_live=1
    log "$(printf '%s\n' "$pane" | indent)"
    break
  fi
  sleep 0.1
done
expect_eq "$saw_live" 1 "the display showed db in progress before the summary"
wait_for 60 bash -c "tmux capture-pane -p -t '$session' | grep -q EXIT=" || fail "boss in tmux should end"
pane=$(tmux capture-pane -p -t "$session" -S -100)
tmux kill-session -t "$session"
log "$(printf '%s\n' "$pane" | indent)"
expect_contains "$pane" "EXIT=1" "exit code in the terminal"
expect_match "$pane" '^summary:' "the pane after the run"
expect_match "$pane" 'broken +failed: container exited with code 4' "the pane after the run"
# Each service's row was redrawn in place: the final block names each service once.
block=$(sed -n '1,/^summary:/p' <<<"$pane")
for s in db app broken after; do
  expect_eq "$(grep -cE "^ *[^ ]+ $s " <<<"$block")" 1 "rows of $s in the final block"
done
boss stop --remove >/dev/null 2>&1
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" start
expect_not_contains "$OUT" $'\e[' "output in a pipe (auto: plain, no escape sequences)"
expect_match "$OUT" '^db +up' "output in a pipe"
run env TERM=dumb "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress tty status
expect_eq "$RC" 0 "status with TERM=dumb"

section "logs: three chatty services merged, each line once, through a reload"
boss stop --remove >/dev/null 2>&1
write_services <<'EOF'
local boss = require "boss"
local Chatty = boss.Service:extend {
  image = "@IMG@", stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "i=0; while [ $i -lt 100000 ]; do echo \"$NAME $i\"; i=$((i+1)); sleep 0.01; done; sleep 100000" },
}
for _, n in ipairs { "alpha", "beta", "gamma" } do Chatty:extend { name = n, env = { NAME = n } } end
EOF
expect_exit 0 boss start
logs_out=$DIR/logs.out
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" logs -f --no-color >"$logs_out" 2>"$DIR/logs.err" &
logs_pid=$!
BG_PIDS+=("$logs_pid")
sleep 3
old_beta=$(cid beta)
expect_exit 0 boss reload beta
wait_for 30 bash -c "docker logs $(cid beta) 2>&1 | grep -q 'beta 100$'" || fail "the new beta should write 100 lines"
sleep 1
t0=$(now_ns)
kill -INT "$logs_pid"
wait "$logs_pid"
logs_rc=$?
took=$(ms $(($(now_ns) - t0)))
expect_eq "$logs_rc" 0 "exit code of logs -f after Ctrl-C"
expect_true "logs -f ended ${took} ms after Ctrl-C (< $(slack_ms 1000))" test "$took" -lt "$(slack_ms 1000)"
for s in alpha gamma; do
  # Every line of the container, once, in order, each with its name.
  expected=$(docker logs "$(cid $s)" 2>&1 | head -n "$(grep -c "^$s " "$logs_out")")
  got=$(sed -n "s/^$s *| //p" "$logs_out")
  expect_eq "$(md5sum <<<"$got")" "$(md5sum <<<"$expected")" "$s's lines in logs -f (all, once, in order)"
done
# beta: the old container's lines from 0, then the new one's from 0, each once and in order.
# The reload is new-first (the new beta runs while the old one is still there), so from
# the new one's first line on, its lines and the old one's last few interleave.
beta_lines=$(sed -n 's/^beta *| //p' "$logs_out")
new_first=$(grep -n '^beta 0$' <<<"$beta_lines" | tail -1 | cut -d: -f1)
expect_true "the new beta's first line comes after the old beta's lines (line $new_first)" test "${new_first:-0}" -gt 1
in_sequence() { awk '{ if ($0 != "beta " NR - 1) exit 1 }'; }
expect_true "the old beta's lines, each once, in order" in_sequence <<<"$(head -n $((new_first - 1)) <<<"$beta_lines")"
# Each line is the next of the new one's (from 0) or the next of the old one's.
merged_in_sequence() { awk -v old="$1" '{ n = $2 + 0; if ($0 == "beta " new + 0) new++; else if (n == old) old++; else exit 1 }'; }
expect_true "the new beta's lines, each once, in order (the old one's last ones between them)" \
  merged_in_sequence "$((new_first - 1))" <<<"$(tail -n +"$new_first" <<<"$beta_lines")"
expect_true "beta followed into its replacement: its 100th line shown" grep -q '^beta *| beta 100$' "$logs_out"

section "logs --tail, --since, --timestamps, json, unknown services"
expect_exit 0 boss_text logs --tail 3 alpha
expect_eq "$(grep -c '^alpha *| alpha [0-9]*$' <<<"$OUT")" 3 "lines of logs --tail 3 alpha"
expect_exit 0 boss_text logs --tail 3 -t gamma
since=$(head -1 <<<"$OUT" | sed 's/^gamma *| \([^ ]*\) .*/\1/') first=$(head -1 <<<"$OUT" | sed 's/^gamma *| [^ ]* //')
expect_exit 0 boss_text logs --since "$since" gamma
if ((ENGINE_IS_PODMAN)); then
  # podman stamps log lines to the second only: --since a stamp starts with that second's
  # first line, which may be before the one it came from.
  expect_exit 0 boss_text logs --since "$since" -t gamma
  expect_eq "$(head -1 <<<"$OUT" | sed 's/^gamma *| \([^ ]*\) .*/\1/')" "$since" "first stamp of logs --since <a stamp> (podman)"
  expect_true "the line of that stamp is there (podman)" grep -qF "$since $first" <<<"$OUT"
else
  expect_eq "$(head -1 <<<"$OUT" | sed 's/^gamma *| //')" "$first" "first line of logs --since <its stamp>"
fi
expect_exit 0 boss_text logs --since 10m gamma
expect_eq "$(head -1 <<<"$OUT" | sed 's/^gamma *| //')" "gamma 0" "first line of logs --since 10m"
expect_exit 0 boss_text logs --since 2000-01-01T00:00:00Z --tail 1 gamma
expect_eq "$(grep -c . <<<"$OUT")" 1 "lines of --since long ago --tail 1"
expect_exit 0 boss_text logs --tail 1 -t alpha
expect_match "$OUT" '^alpha *\| [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z alpha [0-9]+$' "logs -t"
expect_exit 0 boss logs --tail 2 beta
expect_eq "$(jq -r '"\(.type) \(.service) \(.stream)"' <<<"$OUT" | sort -u)" "log beta stdout" "logs as json lines"
expect_exit 2 boss logs alpah
expect_eq "$ERR" "boss: logs: unknown service 'alpah' (did you mean 'alpha'?)" "stderr"
expect_exit 2 boss logs --tail many
expect_one_line_stderr
expect_exit 2 boss logs --since yesterday
expect_one_line_stderr

section "Ctrl-C during a slow image build: back within a second, exit 130, nothing made"
boss stop --remove >/dev/null 2>&1
mkdir -p "$DIR/slow"
cat >"$DIR/slow/Dockerfile" <<EOF
FROM $BUSYBOX
RUN sleep 60
EOF
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend { name = "slow", image = "@P@/slow:dev", build_from_directory = "slow", cmd = { "sleep", "1000" } }
EOF
out=$DIR/build.out
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start >"$out" 2>&1 &
pid=$!
BG_PIDS+=("$pid")
wait_for 60 grep -q 'RUN sleep 60' "$out" || fail "the build should reach its slow step"
sleep 1
t0=$(now_ns)
kill -INT "$pid"
wait "$pid"
RC=$?
took=$(ms $(($(now_ns) - t0)))
OUT=$(grep '^{' "$out")
expect_eq "$RC" 130 "exit code after Ctrl-C during the build"
expect_true "boss returned ${took} ms after Ctrl-C (< $(slack_ms 1000))" test "$took" -lt "$(slack_ms 1000)"
expect_outcome slow interrupted "" "no container was made"
expect_no_container slow
expect_false_image() { ! docker image inspect "$P/slow:dev" >/dev/null 2>&1; }
expect_true "no image tagged by the interrupted build" expect_false_image

finish
