#!/usr/bin/env bash
# Faults on the real engine, with figures: Ctrl-C at random moments of a start, commands
# racing on one project, an engine that fails, drops or dawdles (a relay in front of it), a
# full disk under the context file, and host processes of abandoned hooks.
#
#   BOSS_FAULT_MOMENTS=N   Ctrl-C moments tried (default 12; docs/reliability.md has a run of 100)
#   BOSS_FAULT_SEED=S      the random moments' seed (default: random, printed)
#   BOSS_FAULT_ENGINE=0    skip killing a second engine mid-start and restarting it (run as root)
source "$(dirname "$0")/lib.sh" "$@"

MOMENTS=${BOSS_FAULT_MOMENTS:-12}
SEED=${BOSS_FAULT_SEED:-$RANDOM}
RANDOM=$SEED
log "moments: $MOMENTS, seed: $SEED (BOSS_FAULT_SEED=$SEED reruns the same moments)"

# ---- a 10-service graph with hooks and a build ------------------------------------------
new_project fault
mkdir -p "$DIR/app"
cat >"$DIR/app/Dockerfile" <<EOF
FROM $BUSYBOX
RUN echo built > /built
EOF
write_services <<'EOF'
local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }
Base:extend {
  name = "db",
  ping_interval = 0.1,
  ping = function(self) return self:exec { "true" } == 0 end,
  post_start = function(self) boss.context.db_token = "tok-" .. self.name end,
}
Base:extend { name = "cache" }
Base:extend {
  name = "app", image = "@P@/app:dev", build_from_directory = "app",
  dependencies = { "db", "cache" }, env = { TOKEN = "{db_token}" },
  pre_start = function(self) boss.context.app_prepared = true end,
  post_start = function(self) boss.context.app_seeded = (boss.context.app_seeded or 0) + 1 end,
}
for i = 1, 4 do Base:extend { name = "worker" .. i, dependencies = { "app" } } end
Base:extend { name = "web", dependencies = { "app" }, ping = function(self) return true end }
Base:extend { name = "cron", dependencies = { "db" } }
Base:extend { name = "edge", dependencies = { "web" } }
EOF
SERVICES=(db cache app worker1 worker2 worker3 worker4 web cron edge)
EXTRA_IMAGES+=("$P/app:dev")

# converged WHAT: every service has exactly one container, running; nothing else is there;
# the context and journal files are valid JSON objects.
converged() {
  local what=$1 s n bad=""
  for s in "${SERVICES[@]}"; do
    n=$(ids "$s" | grep -c . || true)
    [[ $n == 1 && $(state "$s") == running ]] || bad+=" $s($n,$(state "$s"))"
  done
  n=$(count_containers)
  ((n == ${#SERVICES[@]})) || bad+=" containers=$n"
  local f
  for f in "$(ctx_file)" "$DIR/.boss/$P/journal.json"; do
    [[ ! -e $f ]] || jq -e 'type == "object"' "$f" >/dev/null 2>&1 || bad+=" invalid:$(basename "$f")"
  done
  if [[ -z $bad ]]; then return 0; fi
  fail "$what: not converged:$bad"
  return 1
}

section "a cold start, timed (the range the random moments are drawn from)"
t0=$(now_ns)
expect_exit 0 boss start --timeout 60
span_ms=$(ms $(($(now_ns) - t0)))
converged "the first start" && pass "a cold start converges in $span_ms ms"
require_ok "the graph does not start cleanly"

section "Ctrl-C at $MOMENTS random moments of a start (with a build), then a plain start"
interrupted=0 finished=0 converged_runs=0 exit_codes=""
for ((m = 1; m <= MOMENTS; m++)); do
  boss stop --remove >/dev/null 2>&1
  delay_ms=$((RANDOM % (span_ms + 1)))
  out=$DIR/moment.out
  env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start --build --timeout 60 \
    >"$out" 2>&1 &
  pid=$!
  BG_PIDS+=("$pid")
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -INT "$pid" 2>/dev/null
  waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < 200)); do sleep 0.05; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    fail "moment $m (${delay_ms} ms): boss still running 10 s after Ctrl-C"
    kill -9 "$pid"
  fi
  wait "$pid"
  rc=$?
  exit_codes+=" $rc"
  case $rc in
    130) interrupted=$((interrupted + 1)) ;;
    0) finished=$((finished + 1)) ;;  # the signal came after the start had finished
    *) fail "moment $m (${delay_ms} ms): exit code $rc (want 130, or 0 if it had finished)"
       indent <"$out" | tail -15 ;;
  esac
  if ! jq -e . "$out" >/dev/null 2>&1; then fail "moment $m: the json lines do not all parse"; fi
  if ! boss start --timeout 60 >"$DIR/converge.out" 2>&1; then
    fail "moment $m (${delay_ms} ms): the start after it failed"
    indent <"$DIR/converge.out" | tail -15
    continue
  fi
  converged "moment $m (${delay_ms} ms)" && converged_runs=$((converged_runs + 1))
done
log "figure: $MOMENTS moments (seed $SEED, 0-$span_ms ms): $interrupted interrupted, $finished finished first;" \
  "$converged_runs of $MOMENTS converged on the next start; exit codes:$exit_codes"
expect_eq "$converged_runs" "$MOMENTS" "starts that converged after a Ctrl-C"

section "5 concurrent commands on one project: serialized, never a duplicate"
boss stop --remove >/dev/null 2>&1
pids=() names=("start" "start" "reload app" "stop web" "start")
for cmd in "${names[@]}"; do
  # shellcheck disable=SC2086
  boss $cmd --timeout 60 >"$DIR/race-${#pids[@]}.out" 2>&1 &
  pids+=($!)
done
BG_PIDS+=("${pids[@]}")
codes=""
for i in "${!pids[@]}"; do
  wait "${pids[$i]}"
  rc=$?
  codes+=" ${names[$i]}=$rc"
  if [[ $rc != 0 ]]; then
    fail "concurrent '${names[$i]}' exited $rc"
    indent <"$DIR/race-$i.out" | tail -10
  fi
done
log "exit codes:$codes"
dup=""
for s in "${SERVICES[@]}"; do
  n=$(ids "$s" | grep -c . || true)
  ((n <= 1)) || dup+=" $s($n)"
done
expect_eq "$dup" "" "services with more than one container after the race"
waits=$(cat "$DIR"/race-*.out | jq -r 'select(.type == "warning" or .type == "operation") | .text // empty' 2>/dev/null |
  grep -c "waiting for" || true)
log "commands that waited for the project lock: $waits"
expect_exit 0 boss start --timeout 60
converged "after the race" && pass "a start after the race converges"

# start_relay SOCKET RULE...: the fault-injecting relay in front of the real engine.
start_relay() {
  local socket=$1
  shift
  rm -f "$socket"
  python3 "$SRC_DIR/tests/integration/fault_relay.py" "$socket" "$@" &
  BG_PIDS+=($!)
  wait_for 10 test -S "$socket" || fail "the relay did not come up"
}

section "an engine that answers 500 to one create: that service fails, its dependents are skipped"
boss stop --remove >/dev/null 2>&1
relay=$DIR/relay.sock
start_relay "$relay" --log "$DIR/relay.log" \
  "fail:POST /[^ ]*containers/create\?name=$P-app( |&):500"
via_relay() { DOCKER_HOST=unix://$relay boss "$@"; }
run via_relay start --timeout 60
expect_eq "$RC" 1 "exit code"
expect_outcome app failed
expect_contains "$(outcome app reason)" "injected failure" "app's reason (the engine's message)"
log "app: $(outcome app reason)"
for s in worker1 web edge; do expect_outcome "$s" skipped; done
expect_outcome db up
expect_no_container app
grep -q "fail POST" "$DIR/relay.log" && pass "the relay injected the failure" || fail "the relay never fired"

section "an engine that drops the connection on a start: a clear error, no hang"
kill "${BG_PIDS[-1]}" 2>/dev/null
boss stop --remove >/dev/null 2>&1
start_relay "$relay" --log "$DIR/relay.log" \
  "drop:POST /[^ ]*containers/$P-cache/start|POST /[^ ]*containers/[0-9a-f]+/start@1"
t0=$(now_ns)
run via_relay start cache --timeout 30
took=$(ms $(($(now_ns) - t0)))
expect_eq "$RC" 1 "exit code"
expect_outcome cache failed
log "cache: $(outcome cache reason)"
expect_ne "$(outcome cache reason)" "" "cache's reason"
((took < 30000)) && pass "answered in $took ms (no hang)" || fail "took $took ms"
kill "${BG_PIDS[-1]}" 2>/dev/null
expect_exit 0 boss start cache --timeout 60
expect_eq "$(ids cache | grep -c .)" 1 "cache's containers after the next start"
expect_state cache running

section "an engine that answers slowly (300 ms per call): slower, still right"
boss stop --remove >/dev/null 2>&1
start_relay "$relay" --log "$DIR/relay.log" "slow:.:300"
t0=$(now_ns)
run via_relay start --timeout 120
expect_eq "$RC" 0 "exit code through the slow relay"
log "a cold start through the slow relay took $(ms $(($(now_ns) - t0))) ms"
converged "through the slow relay" && pass "converged through the slow relay"
kill "${BG_PIDS[-1]}" 2>/dev/null

section "the engine killed in the middle of a start, then restarted"
# As root (CI is), a second engine of its own is killed mid-start and restarted;
# BOSS_FAULT_ENGINE=0 skips it. (Its restart once failed every other time: the killed
# containerd stayed a zombie that the next dockerd took for a live one; second-engine.sh's
# kill now removes the pid files, docs/reliability.md.)
if ((EUID != 0)) || [[ ${BOSS_FAULT_ENGINE:-1} == 0 ]]; then
  log "skipped: needs root (BOSS_FAULT_ENGINE=0 skips it as root too) to kill and restart a second engine"
else
  boss stop --remove >/dev/null 2>&1
  # In a network namespace of its own: a dockerd restarted in the host's namespace deletes
  # the host's docker0 (seen here: every later build and default-network container fails).
  ip netns del bossfault 2>/dev/null || true
  ip netns add bossfault
  ip -n bossfault link set lo up
  engine2=$("$SRC_DIR/tests/engines/second-engine.sh" start fault --netns bossfault)
  ENGINE2_UP=1
  trap '[[ -n ${ENGINE2_UP:-} ]] && "$SRC_DIR/tests/engines/second-engine.sh" stop fault; ip netns del bossfault 2>/dev/null; cleanup' EXIT
  out=$DIR/killed.out
  DOCKER_HOST=$engine2 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start --timeout 60 >"$out" 2>"$DIR/killed.err" &
  pid=$!
  BG_PIDS+=("$pid")
  wait_for 30 grep -q '"state":"starting"' "$out" || fail "nothing started on the second engine"
  "$SRC_DIR/tests/engines/second-engine.sh" kill fault
  t0=$(now_ns)
  waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < 600)); do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then fail "boss still runs 60 s after the engine died"; kill -9 "$pid"; fi
  wait "$pid"
  rc=$?
  expect_eq "$rc" 1 "exit code when the engine dies mid-start"
  log "boss ended $(ms $(($(now_ns) - t0))) ms after the engine was killed"
  OUT=$(cat "$out") ERR=$(cat "$DIR/killed.err")
  log "failed: $(jq -r 'select(.type == "summary") | .services[] | select(.state == "failed") | .service + ": " + .reason' <<<"$OUT")"
  error=$(jq -r 'select(.type == "summary") | .error // ""' <<<"$OUT")
  log "the summary's error: $error"
  expect_contains "$error" "the engine stopped answering during the start" "the summary's one-line cause"
  expect_contains "$error" "$engine2" "the cause names the engine"
  expect_eq "$(grep -c . <<<"$error")" 1 "lines in the cause"
  t0=$(now_ns)
  "$SRC_DIR/tests/engines/second-engine.sh" start fault --netns bossfault >/dev/null
  log "the engine answered again $(ms $(($(now_ns) - t0))) ms after its restart began"
  DOCKER_HOST=$engine2 expect_exit 0 boss start --timeout 60
  dup=""
  for s in "${SERVICES[@]}"; do
    n=$(DOCKER_HOST=$engine2 docker ps -q --filter "label=boss.project=$P" --filter "label=boss.service=$s" | grep -c . || true)
    [[ $n == 1 ]] || dup+=" $s($n)"
  done
  expect_eq "$dup" "" "services not running exactly once on the restarted engine"
  DOCKER_HOST=$engine2 boss stop --remove >/dev/null 2>&1
  "$SRC_DIR/tests/engines/second-engine.sh" stop fault
  ip netns del bossfault 2>/dev/null || true
  ENGINE2_UP=""
fi

section "a hook's host process is gone after the hook is abandoned (deadline, Ctrl-C)"
new_project fork
write_services <<'EOF'
local boss = require "boss"
boss.Service:extend {
  name = "stuck", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" },
  ping_interval = 0.1,
  ping = function(self)
    boss.run { "sh", "-c", "sleep 1000 & echo $! > @DIR@/child.pid; sleep 1000" }
    return true
  end,
}
EOF
run boss start --timeout 2
expect_eq "$RC" 1 "exit code after the ping's deadline"
expect_outcome stuck failed
wait_for 5 test -s "$DIR/child.pid" || fail "the hook's child never wrote its pid"
child=$(cat "$DIR/child.pid" 2>/dev/null)
if [[ -n $child ]] && wait_for 5 bash -c "! kill -0 $child"; then pass "the deadline's orphan ($child) is gone"; else
  fail "process $child forked by the abandoned ping still runs"; kill -9 "$child" 2>/dev/null; fi
rm -f "$DIR/child.pid"
boss stop --remove >/dev/null 2>&1
env --default-signal=INT "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress json start --timeout 60 >"$DIR/int.out" 2>&1 &
pid=$!
BG_PIDS+=("$pid")
wait_for 20 test -s "$DIR/child.pid" || fail "the hook's child never wrote its pid"
kill -INT "$pid"
wait "$pid"
expect_eq "$?" 130 "exit code after Ctrl-C in the hook"
child=$(cat "$DIR/child.pid" 2>/dev/null)
if [[ -n $child ]] && wait_for 5 bash -c "! kill -0 $child"; then pass "Ctrl-C's orphan ($child) is gone"; else
  fail "process $child forked by the interrupted ping still runs"; kill -9 "$child" 2>/dev/null; fi

section "the context file on a full disk: a warning, the previous file intact"
if ((EUID != 0)); then
  log "skipped: mounting a tmpfs needs root"
else
  new_project full
  write_services <<'EOF'
local boss = require "boss"
boss.Service:extend {
  name = "db", image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" },
  post_start = function(self) boss.context.stamp = boss.env("STAMP") .. string.rep("x", 4000) end,
}
EOF
  mkdir -p "$DIR/.boss"
  mount -t tmpfs -o size=64k tmpfs "$DIR/.boss"
  trap 'umount "$DIR/.boss" 2>/dev/null; cleanup' EXIT
  STAMP=first expect_exit 0 boss start --timeout 60
  before=$(cat "$(ctx_file)")
  before_sum=$(md5sum <"$(ctx_file)")
  expect_contains "$before" '"stamp": "firstx' "the context after the first start"
  dd if=/dev/zero of="$DIR/.boss/fill" bs=1k count=200 >/dev/null 2>&1
  STAMP=second run boss reload db --timeout 60
  expect_eq "$RC" 0 "exit code of the reload on a full disk"
  expect_contains "$(jq -r 'select(.type == "warning") | .text' <<<"$OUT")" "cannot write context file" "the warning"
  expect_eq "$(md5sum <"$(ctx_file)")" "$before_sum" "the context file's checksum (the previous file, intact)"
  expect_true "no temporary file left" test ! -e "$(ctx_file).tmp"
  rm -f "$DIR/.boss/fill"
  STAMP=third expect_exit 0 boss reload db --timeout 60
  expect_contains "$(cat "$(ctx_file)")" '"stamp": "thirdx' "the context once there is room again"
  boss stop --remove >/dev/null 2>&1
  umount "$DIR/.boss"
fi

finish
