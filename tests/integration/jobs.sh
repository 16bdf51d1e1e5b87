#!/usr/bin/env bash
# Jobs (kind = "job", boss.Job): run-to-completion containers whose dependents begin only
# after they exited with success; failures skip the dependents; success_exit_codes,
# timeout, retries with backoff; a job runs once per definition (done jobs are kept,
# run-jobs runs them anew, did_run decides instead); and the definitions a job refuses.
source "$(dirname "$0")/lib.sh" "$@"

new_project jobs
write_services <<'EOF2'
local boss = require "boss"
boss.Job:extend { name = "migrate", image = "@IMG@", cmd = { "sh", "-c", "sleep 1; echo migrated; exit $EXIT_CODE" },
                  env = { EXIT_CODE = os.getenv("JOB_EXIT") or "0" }, success_exit_codes = { 4 } }
boss.Service:extend { name = "web", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" },
                      dependencies = { "migrate" } }
EOF2

section "a pipeline: the dependent is created only after the job exited 0"
expect_exit 0 boss start
expect_outcome migrate up create
expect_eq "$(outcome migrate exit_code)" 0 "job exit code"
expect_eq "$(outcome migrate attempts)" 1 "job attempts"
expect_outcome web up create
expect_eq "$(state migrate)" exited "job container state"
# A job's dependents are not created ahead (README): web is made once migrate exited 0.
finished=$(finished_ns migrate) created=$(created_ns web)
expect_true "web created ($created) after migrate finished ($finished)" test "$created" -ge "$finished"

section "run once: an unchanged job that exited 0 is done, not run again; its dependent goes on"
started=$(started_ns migrate) id=$(cid migrate)
expect_exit 0 boss start
expect_outcome migrate kept keep "done: exited 0 last time, unchanged"
expect_eq "$(outcome migrate exit_code)" 0 "done job's exit code"
expect_outcome web kept
expect_eq "$(started_ns migrate)" "$started" "the job was not started again"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress plain start
expect_match "$OUT" "migrate +done \(done: exited 0 last time, unchanged\)" "plain summary of a done job"
expect_match "$OUT" "1 up, 1 done" "plain count line"

section "run-jobs: runs the job anew in its container; its dependent is left as it is"
expect_exit 0 boss run-jobs
expect_outcome migrate up start "exited, unchanged: running it anew"
expect_eq "$(outcome migrate attempts)" 1 "run-jobs attempts"
expect_eq "$(cid migrate)" "$id" "the same container"
expect_true "started again" test "$(started_ns migrate)" -gt "$started"
expect_eq "$(outcome web)" "" "its dependent is not part of run-jobs"
expect_eq "$(state web)" running "its dependent left running"
run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress plain run-jobs migrate
expect_eq "$RC" 0 "run-jobs migrate"
expect_match "$OUT" "migrate +done \(exit 0, 1 attempt, [0-9.]+ ?m?s\)" "plain summary of a run"

section "a failing job: its dependent is not created, boss fails, the summary names it and its exit code"
docker rm -f "$(cid web)" >/dev/null
JOB_EXIT=3 expect_exit 1 boss start
expect_outcome migrate failed "" "exited with code 3"
expect_eq "$(outcome migrate exit_code)" 3 "failed job exit code"
expect_outcome web skipped "" "dependency 'migrate' failed"
expect_eq "$(ids web)" "" "no web container"
# The same definition again: its last run failed, so it runs again (an attempt is shown).
JOB_EXIT=3 run "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress plain start
expect_eq "$RC" 1 "plain exit code"
expect_match "$OUT" "migrate +failed: exited with code 3 \(exit 3, 1 attempt" "plain summary of the failure"
expect_match "$OUT" "web +skipped: dependency 'migrate' failed" "plain summary of the dependent"

section "success_exit_codes: exit 4 is a success"
JOB_EXIT=4 expect_exit 0 boss start
expect_outcome migrate up
expect_eq "$(outcome migrate exit_code)" 4 "job exit code"
expect_outcome web up

new_project jobs-timeout
write_services <<'EOF2'
local boss = require "boss"
boss.Job:extend { name = "slow", image = "@IMG@", cmd = { "sleep", "600" }, timeout = "1s" }
boss.Service:extend { name = "after", image = "@IMG@", cmd = { "sleep", "100000" }, dependencies = { "slow" } }
EOF2

section "timeout: the job is killed after it and fails"
t0=$(date +%s%N)
expect_exit 1 boss start
t1=$(date +%s%N)
expect_outcome slow failed "" "timed out after 1 s and was killed"
expect_outcome after skipped
expect_eq "$(state slow)" exited "killed job's state"
expect_true "it ended within 10 s, not after sleep 600 ($(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000000 )) -lt 10

new_project jobs-retry
write_services <<'EOF2'
local boss = require "boss"
-- Fails with 75 twice (a file in a volume counts the runs), then succeeds.
boss.Job:extend { name = "flaky", image = "@IMG@", volumes = { "@DIR@/state:/state" },
  cmd = { "sh", "-c", "n=$(cat /state/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /state/n; cut -d\" \" -f1 /proc/uptime >> /state/times; [ $n -ge 3 ] || exit 75" },
  retries = { limit = 3, delay = 0.5, backoff = 2, max_delay = 30, on_exit = { 75 } } }
boss.Job:extend { name = "never", image = "@IMG@", cmd = { "sh", "-c", "exit 1" },
  retries = { limit = 3, delay = 0.1, on_exit = { 75 } } }
EOF2
mkdir -p "$DIR/state"

section "retries with backoff: attempt count and spacing"
expect_exit 1 boss start
expect_outcome flaky up
expect_eq "$(outcome flaky attempts)" 3 "flaky attempts"
mapfile -t times <"$DIR/state/times"
expect_eq "${#times[@]}" 3 "runs recorded"
# The kernel's uptime (centiseconds; the same clock in every container) at each run's start.
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
gap1=$(ms_between "${times[0]}" "${times[1]}") gap2=$(ms_between "${times[1]}" "${times[2]}")
expect_true "first rerun after >= 500 ms (${gap1} ms)" test "$gap1" -ge 500
expect_true "second rerun after >= 1000 ms, the delay doubled (${gap2} ms)" test "$gap2" -ge 1000
# (Not gap2 > gap1: each gap also holds a container restart, which on a loaded machine
# varies by more than the 500 ms the delays differ by.)
expect_outcome never failed "" "exited with code 1"
expect_eq "$(outcome never attempts)" 1 "a code not in on_exit is not retried"

new_project jobs-didrun
write_services <<'EOF2'
local boss = require "boss"
-- did_run says it ran when the marker exists; each run appends a line to runs.
boss.Job:extend { name = "seed", image = "@IMG@", volumes = { "@DIR@/state:/state" },
  cmd = { "sh", "-c", "echo run >> /state/runs" },
  did_run = function(self) return boss.run({ "test", "-e", "@DIR@/state/seeded" }) == 0 end }
boss.Service:extend { name = "app", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" },
                      dependencies = { "seed" } }
EOF2
mkdir -p "$DIR/state"
runs() { grep -c . "$DIR/state/runs" 2>/dev/null || echo 0; }

section "did_run decides instead of the last exit"
expect_exit 0 boss start
expect_outcome seed up create
expect_eq "$(runs)" 1 "did_run false: it ran"
expect_exit 0 boss start
expect_outcome seed up start "did_run returned false: running it again"
expect_eq "$(runs)" 2 "still false, though it exited 0: it ran again"
touch "$DIR/state/seeded"
expect_exit 0 boss start
expect_outcome seed kept keep "did_run returned true"
expect_outcome app kept
expect_eq "$(runs)" 2 "did_run true: not run"
expect_exit 0 boss run-jobs seed
expect_outcome seed up start "running it anew"
expect_eq "$(runs)" 3 "run-jobs runs it whatever did_run says"

section "a did_run that raises fails the job in one line naming it; the dependent is skipped"
sed -i 's|did_run = function(self) return|did_run = function(self) error("no marker dir") return|' "$DIR/services.lua"
expect_exit 1 boss start
expect_outcome seed failed "" "did_run failed: "
expect_outcome seed failed "" "no marker dir"
expect_outcome app skipped

new_project jobs-hooks
write_services <<'EOF2'
local boss = require "boss"
-- Fails with 75 once (a file in a volume counts the runs), then succeeds.
boss.Job:extend { name = "flaky", image = "@IMG@", volumes = { "@DIR@/state:/state" },
  cmd = { "sh", "-c", "n=$(cat /state/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /state/n; [ $n -ge 2 ] || exit 75" },
  retries = { limit = 2, delay = 0.1, on_exit = { 75 } },
  pre_start = function(self) boss.log("pre_start") end,
  post_run = function(self, code) boss.log("post_run " .. code) end }
boss.Job:extend { name = "broken", image = "@IMG@", cmd = { "sh", "-c", "exit 3" } }
boss.Job:extend { name = "after", image = "@IMG@", cmd = { "true" }, dependencies = { "broken" } }
boss.on_done(function(results)
  local names = {}
  for name in pairs(results) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local r = results[name]
    boss.log(name .. " " .. r.status .. " exit=" .. tostring(r.exit_code) .. " attempts=" .. r.attempts ..
             " timed=" .. tostring(r.duration >= 0))
  end
end)
EOF2
mkdir -p "$DIR/state"

section "callbacks: pre_start before the run, post_run after every attempt with its code, on_done with every job"
expect_exit 1 boss start
expect_outcome flaky up
expect_eq "$(hook_output | grep '^flaky:' | tr '\n' '|')" "flaky: pre_start|flaky: post_run 75|flaky: post_run 0|" "flaky's hooks in order"
expect_eq "$(hook_output | grep -c '^boss: ')" 3 "on_done logged one line per job"
expect_contains "$(hook_output)" "boss: flaky done exit=0 attempts=2 timed=true" "on_done: flaky"
expect_contains "$(hook_output)" "boss: broken failed exit=3 attempts=1" "on_done: broken"
expect_contains "$(hook_output)" "boss: after skipped exit=nil attempts=0" "on_done: after"

section "on_done after a start where every job is done before; pre_start does not run for a done job"
sed -i 's|cmd = { "sh", "-c", "exit 3" }|cmd = { "true" }|' "$DIR/services.lua"
expect_exit 0 boss start
expect_exit 0 boss start
expect_outcome flaky kept
expect_eq "$(hook_output | grep -c '^flaky: pre_start')" 0 "no pre_start for a done job"
expect_contains "$(hook_output)" "boss: flaky done exit=0 attempts=0" "on_done: done before"

section "hook errors: post_run and on_done raise: one line naming the job and the hook"
sed -i 's|post_run = function(self, code) boss.log("post_run " .. code) end|post_run = function(self, code) error("report failed") end|' "$DIR/services.lua"
expect_exit 1 boss run-jobs flaky
expect_outcome flaky failed "" "post_run failed: "
expect_outcome flaky failed "" "report failed"
write_services <<'EOF2'
local boss = require "boss"
boss.Job:extend { name = "j", image = "@IMG@", cmd = { "true" } }
boss.on_done(function(results) error("cannot notify") end)
EOF2
expect_exit 1 boss start
expect_contains "$(jq -r 'select(.type == "summary") | .error' <<<"$OUT")" "on_done hook failed: " "the summary's error"
expect_contains "$(jq -r 'select(.type == "summary") | .error' <<<"$OUT")" "cannot notify" "the summary's error"
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "s", image = "@IMG@", post_run = function(self, code) end }
EOF2
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "service 's': field 'post_run' is only for jobs"
write_services <<'EOF2'
local boss = require "boss"
boss.on_done("not a function")
boss.Job:extend { name = "j", image = "@IMG@", cmd = { "true" } }
EOF2
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "boss.on_done" "stderr"

new_project jobs-prepull
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "web", image = "boss-test/not-there-@P@:1", cmd = { "true" },
  pre_pull = function(self) error("registry login failed") end }
EOF2
section "pre_pull runs before a pull; its error fails the service in one line naming the hook"
expect_exit 1 boss start
expect_outcome web failed "" "pre_pull failed: "
expect_outcome web failed "" "registry login failed"

new_project jobs-logs
write_services <<'EOF2'
local boss = require "boss"
-- Fails with 75 once, then succeeds; each run writes a line to stdout, then one to stderr.
boss.Job:extend { name = "flaky", image = "@IMG@", volumes = { "@DIR@/state:/state" },
  cmd = { "sh", "-c", "n=$(cat /state/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /state/n; echo out $n; sleep 0.2; echo err $n >&2; [ $n -ge 2 ] || exit 75" },
  retries = { limit = 2, delay = 0.1, on_exit = { 75 } } }
boss.Job:extend { name = "other", image = "@IMG@", cmd = { "sh", "-c", "echo other" }, log_dir = "runs" }
boss.Service:extend { name = "web", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
EOF2
mkdir -p "$DIR/state"

section "per-run logs: each run's output in order to logs/<job>/<UTC start>-<attempt>.log, a JSON record beside it"
expect_exit 0 boss start
mapfile -t flaky_logs < <(ls "$DIR/logs/flaky/"*.log 2>/dev/null)
expect_eq "${#flaky_logs[@]}" 2 "two runs of flaky logged"
expect_match "$(basename "${flaky_logs[0]:-none}")" '^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-1\.log$' "first run's name"
expect_match "$(basename "${flaky_logs[1]:-none}")" '^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-2\.log$' "second run's name"
expect_eq "$(cat "${flaky_logs[0]:-/dev/null}" | tr '\n' '|')" "out 1|err 1|" "first run's output, stdout and stderr in order"
expect_eq "$(cat "${flaky_logs[1]:-/dev/null}" | tr '\n' '|')" "out 2|err 2|" "second run's output only"
record=${flaky_logs[0]%.log}.json
expect_eq "$(jq -r '.exit_code' "$record")" 75 "record: exit code"
expect_eq "$(jq -r '.attempt' "$record")" 1 "record: attempt"
expect_eq "$(jq -r '.container' "$record")" "$(cid flaky)" "record: container id"
expect_true "record: start and end" jq -e '(.started | length > 0) and (.ended | length > 0)' "$record"
expect_eq "$(outcome flaky log_file)" "${flaky_logs[1]:-}" "the summary names the last run's log"
expect_eq "$(cat "$DIR/runs/other/"*-1.log 2>/dev/null)" "other" "log_dir moves a job's logs"
expect_eq "$(ls "$DIR/logs" | tr '\n' ' ')" "flaky " "no log folder for services"

section "history: every run, oldest first, as text and JSON"
expect_exit 0 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" history --json
expect_eq "$(jq -r '[.runs[] | "\(.job):\(.attempt):\(.exit_code)"] | sort | join(" ")' <<<"$OUT")" "flaky:1:75 flaky:2:0 other:1:0" "history --json"
expect_eq "$(jq -r '[.runs[] | select(.job == "flaky") | .attempt] | join(" ")' <<<"$OUT")" "1 2" "oldest first"
expect_exit 0 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" history flaky
expect_match "$(head -1 <<<"$OUT")" "^JOB +STARTED +TOOK +EXIT +ATTEMPT +LOG$" "history header"
expect_eq "$(grep -c '^flaky ' <<<"$OUT")" 2 "two rows for flaky"
expect_match "$(sed -n 2p <<<"$OUT")" "^flaky +[0-9-]+T[0-9:.]+Z +[0-9.]+ ?m?s +75 +1 +$DIR/logs/flaky/" "a row"

section "--keep-runs N keeps the newest N runs of each job"
expect_exit 0 boss run-jobs flaky --keep-runs 2
expect_eq "$(ls "$DIR/logs/flaky/"*.log | wc -l)" 2 "two logs kept"
expect_eq "$(ls "$DIR/logs/flaky/"*.json | wc -l)" 2 "two records kept"
expect_exit 0 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" history flaky --json
expect_eq "$(jq -r '[.runs[] | "\(.attempt):\(.exit_code)"] | join(" ")' <<<"$OUT")" "2:0 1:0" "the newest two runs"
expect_eq "$(cat "$(ls "$DIR/logs/flaky/"*.log | tail -1)" | tr '\n' '|')" "out 3|err 3|" "the new run's output"

section "bad inputs: one line, exit 2"
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" history web
expect_one_line_stderr
expect_contains "$ERR" "history: 'web' is a service, not a job" "stderr"
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" history flakey
expect_one_line_stderr
expect_contains "$ERR" "history: unknown service 'flakey' (did you mean 'flaky'?)" "stderr"
expect_exit 2 boss run-jobs --keep-runs 0
expect_one_line_stderr
expect_contains "$ERR" "--keep-runs" "stderr"
write_services <<'EOF2'
local boss = require "boss"
boss.Job:extend { name = "j", image = "@IMG@", log_dir = 5 }
EOF2
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "service 'j': field 'log_dir' must be a string" "stderr"
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "s", image = "@IMG@", log_dir = "runs" }
EOF2
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "service 's': field 'log_dir' is only for jobs" "stderr"

new_project jobs-bad
section "run-jobs: a service, an unknown name, a project without jobs: one line, exit 2"
write_services <<'EOF2'
local boss = require "boss"
boss.Job:extend { name = "migrate", image = "@IMG@", cmd = { "true" } }
boss.Service:extend { name = "web", image = "@IMG@", cmd = { "sleep", "100000" } }
EOF2
expect_exit 2 boss run-jobs web
expect_one_line_stderr
expect_contains "$ERR" "run-jobs: 'web' is a service, not a job" "stderr"
expect_exit 2 boss run-jobs migrat
expect_one_line_stderr
expect_contains "$ERR" "run-jobs: unknown service 'migrat' (did you mean 'migrate'?)" "stderr"
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "web", image = "@IMG@", cmd = { "sleep", "100000" } }
EOF2
expect_exit 2 boss run-jobs
expect_one_line_stderr
expect_contains "$ERR" "run-jobs: the project has no jobs" "stderr"
expect_eq "$(count_containers)" 0 "nothing made"

section "bad inputs: one line naming the service and the field, exit 2, nothing made"
bad() {  # bad FIELDS EXPECTED_PART
  write_services <<EOF2
local boss = require "boss"
boss.Job:extend { name = "j", image = "@IMG@", $1 }
EOF2
  expect_exit 2 boss start
  expect_one_line_stderr
  expect_contains "$ERR" "$2" "stderr"
}
bad "instances = 2" "service 'j': field 'instances': a job runs one container at a time"
bad "ping = function(self) return true end" "service 'j': field 'ping'"
bad "restart = 'always'" "service 'j': field 'restart'"
bad "timeout = 'soon'" "service 'j': field 'timeout' must be a positive duration"
bad "retries = { limt = 2 }" "field 'retries' has unknown key 'limt' (did you mean 'limit'?)"
bad "success_exit_codes = { 300 }" "field 'success_exit_codes' item 1 must be an exit code from 0 to 255"
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "s", image = "@IMG@", retries = 2 }
EOF2
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "service 's': field 'retries' is only for jobs"
write_services <<'EOF2'
local boss = require "boss"
boss.Service:extend { name = "s", image = "@IMG@", did_run = function(self) return true end }
EOF2
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "service 's': field 'did_run' is only for jobs"
expect_eq "$(count_containers)" 0 "no container made"

new_project jobs-running
write_services <<'EOF2'
local boss = require "boss"
boss.Job:extend { name = "long", image = "@IMG@", cmd = { "sleep", "6" },
  pre_start = function(self) boss.log("pre_start ran") end }
EOF2

section "a job already running (its boss was killed) is waited for: its pre_start does not run again"
expect_exit 0 boss start
# run-jobs runs it again in its container; its boss is killed while it runs.
out=$DIR/boss.out
"$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json run-jobs >"$out" 2>&1 &
pid=$!
BG_PIDS+=("$pid")
if wait_for 30 grep -q '"service":"long","state":"waiting"' "$out"; then pass "long is running"; else fail "long should run"; fi
kill -9 "$pid"
wait "$pid" 2>/dev/null
expect_contains "$(cat "$out")" "pre_start ran" "the interrupted run's pre_start ran"
expect_eq "$(state long)" running "the job runs on without its boss"
expect_exit 0 boss start
expect_outcome long up start "running: waiting for it to end"
expect_not_contains "$(hook_output)" "pre_start ran" "no pre_start before waiting"
expect_eq "$(state long)" exited "waited for its end"
expect_exit 0 boss run-jobs long
expect_contains "$(hook_output)" "long: pre_start ran" "a new run of it has its pre_start"


new_project jobs-parallel
write_services <<'EOF2'
local boss = require "boss"
for i = 1, 5 do
  -- 2 s each: long enough that runs meant to overlap do, on a loaded machine too.
  boss.Job:extend { name = "j" .. i, image = "@IMG@", cmd = { "sleep", "2" } }
end
EOF2

section "--parallel N: at most N jobs run at once (from the engine's start and end of each run)"
# max_overlap: the most runs going at one moment, from the run records' started/ended.
max_overlap() {
  local f
  for f in "$DIR"/logs/j*/*.json; do
    jq -r '"\(.started) 1\n\(.ended) -1"' "$f"
  done | while read -r at delta; do printf '%s %s\n' "$(to_ns "$at")" "$delta"; done |
    sort -n -k1,1 -k2,2n | awk '{ n += $2; if (n > max) max = n } END { print max + 0 }'
}
expect_exit 0 boss start --parallel 2
expect_eq "$(summary_count up)" 5 "every job ran"
expect_eq "$(ls "$DIR"/logs/j*/*.json | wc -l)" 5 "five run records"
expect_eq "$(max_overlap)" 2 "at most 2 runs at once, and 2 did overlap"
rm -rf "$DIR/logs"
expect_exit 0 boss run-jobs --parallel 1
expect_eq "$(max_overlap)" 1 "run-jobs --parallel 1: one run at a time"
rm -rf "$DIR/logs"
expect_exit 0 boss run-jobs
expect_eq "$(max_overlap)" 5 "without --parallel, independent jobs run together"

finish
