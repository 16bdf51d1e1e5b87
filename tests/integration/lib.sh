# Shared helpers of boss's integration tests (bash). Each test script does:
#
#   source "$(dirname "$0")/lib.sh" "$@"     # args: BOSS_BINARY SOURCE_DIR
#   new_project AREA                          # temp folder $DIR, project name $P, cleanup trap
#   write_services <<'EOF' ... EOF            # $DIR/services.lua ("@IMG@" etc. are replaced)
#   expect_exit 0 boss start                  # `boss` runs the binary with -f and -p
#   expect_contains "$OUT" "summary:"
#   ...
#   finish                                    # exit 1 if any check failed
#
# Checks do not stop the script: each failure prints what was expected and what came,
# and `finish` reports the count. `require` is for checks later ones cannot do without.
set -uo pipefail

BOSS_BIN=${1:?usage: test.sh BOSS_BINARY SOURCE_DIR}
SRC_DIR=${2:?usage: test.sh BOSS_BINARY SOURCE_DIR}
BOSS_BIN=$(cd "$(dirname "$BOSS_BIN")" && pwd)/$(basename "$BOSS_BIN")
BUSYBOX=${BOSS_TEST_BUSYBOX_IMAGE:-boss-test/busybox:latest}
POSTGRES=${BOSS_TEST_POSTGRES_IMAGE:-boss-test/postgres:latest}
TEST_NAME=$(basename "$0" .sh)

# 1 when DOCKER_HOST is podman's Docker-compatible API (tests/podman/): a few checks read
# the engine's own records differently there.
ENGINE_IS_PODMAN=0
docker version --format '{{range .Server.Components}}{{.Name}};{{end}}' 2>/dev/null | grep -q 'Podman Engine' &&
  ENGINE_IS_PODMAN=1

FAILURES=0
CHECKS=0
OUT="" ERR="" RC=0
P="" DIR=""
EXTRA_IMAGES=()
BG_PIDS=()

log() { printf '%s\n' "$*"; }
section() { printf '\n=== %s\n' "$*"; }

FAILED_CHECKS=()
fail() {
  FAILURES=$((FAILURES + 1))
  FAILED_CHECKS+=("$1 (at $(caller_line))")
  printf 'FAIL: %s\n' "$1"
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line"; done
  printf '  (at %s)\n' "$(caller_line)"
}
pass() { CHECKS=$((CHECKS + 1)); printf 'ok: %s\n' "$1"; }
caller_line() {
  local i
  for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
    if [[ ${BASH_SOURCE[$i]} != "${BASH_SOURCE[0]}" ]]; then
      printf '%s:%s' "$(basename "${BASH_SOURCE[$i]}")" "${BASH_LINENO[$((i - 1))]}"
      return
    fi
  done
}
indent() { sed 's/^/    | /'; }

# ---- project -------------------------------------------------------------------------

cleanup() {
  local pid
  for pid in "${BG_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  if [[ -n $P ]]; then
    local ids
    ids=$(docker ps -aq --filter "label=boss.project=$P"; docker ps -aq --filter "name=^/$P-")
    [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1
    ids=$(docker network ls -q --filter "label=boss.project=$P")
    [[ -n $ids ]] && docker network rm $ids >/dev/null 2>&1
    docker network rm "boss-$P" >/dev/null 2>&1
    ids=$(docker volume ls -q --filter "label=boss.project=$P")
    [[ -n $ids ]] && docker volume rm -f $ids >/dev/null 2>&1
  fi
  local image
  for image in "${EXTRA_IMAGES[@]}"; do docker rmi -f "$image" >/dev/null 2>&1; done
  # Images boss built for this project (labelled by it), tagged or left dangling.
  if [[ -n $P ]]; then
    local images
    images=$(docker images -q --filter "label=boss.project=$P" | sort -u)
    [[ -n $images ]] && docker rmi -f $images >/dev/null 2>&1
  fi
  [[ -n $DIR && -d $DIR ]] && rm -rf "$DIR"
  return 0
}

# new_project AREA: sets P (bosst-AREA-<random>) and DIR, installs the cleanup trap.
new_project() {
  # A second project in one script: clean the first one up now.
  [[ -n $P ]] && cleanup
  P="bosst-$1-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/$P.XXXX")
  trap cleanup EXIT
  trap 'cleanup; exit 130' INT TERM
  section "project $P in $DIR"
}

# write_services [FILE]: stdin -> $DIR/FILE (default services.lua), with @IMG@, @PG@,
# @DIR@ and @P@ replaced by the busybox image, the postgres image, $DIR and $P.
write_services() {
  local file=$DIR/${1:-services.lua}
  sed -e "s|@IMG@|$BUSYBOX|g" -e "s|@PG@|$POSTGRES|g" -e "s|@DIR@|$DIR|g" -e "s|@P@|$P|g" >"$file"
}

# The project's saved context (boss keeps it per project in .boss/<project>/).
ctx_file() { printf '%s' "$DIR/.boss/$P/context.json"; }

# boss ARGS...: the binary on this test's project (stdout/stderr not captured). Progress
# comes as JSON lines (--progress json), so checks read typed events, not wording; set
# BOSS_TEST_PROGRESS=plain to see the plain output instead.
#
# `boss start` without a --timeout of its own gets --timeout $BOSS_TEST_START_TIMEOUT
# (default 30 s; postgres.sh sets more): a service whose ping can never succeed (say, an
# image without what the ping needs) fails in seconds with its reason instead of waiting
# boss's 300 s until ctest kills the whole suite without one.
BOSS_TEST_START_TIMEOUT=${BOSS_TEST_START_TIMEOUT:-30}
boss() {
  local args=("$@")
  if [[ ${1:-} == start && " $* " != *" --timeout "* && " $*" != *" --timeout="* ]]; then
    args=(start --timeout "$BOSS_TEST_START_TIMEOUT" "${@:2}")
  fi
  "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" --progress "${BOSS_TEST_PROGRESS:-json}" "${args[@]}"
}

# ---- events (the JSON lines of the last `run`/`expect_exit`, in $OUT) ------------------

# outcome SERVICE [FIELD]: FIELD (default state) of SERVICE in the summary line of $OUT.
outcome() {
  jq -r --arg s "$1" --arg f "${2:-state}" \
    'select(.type == "summary") | .services[] | select(.service == $s) | .[$f] // "" | tostring' <<<"$OUT" 2>/dev/null
}

# expect_outcome SERVICE STATE [ACTION [REASON_PART]]: SERVICE ended in STATE (up, kept,
# failed, skipped, stopped, removed, interrupted), by ACTION, with REASON_PART in its reason.
expect_outcome() {
  local service=$1 state=$2 action=${3:-} reason=${4:-} got
  got="$(outcome "$service") $(outcome "$service" action)"
  if [[ $(outcome "$service") == "$state" && ( -z $action || $(outcome "$service" action) == "$action" ) &&
        $(outcome "$service" reason) == *"$reason"* ]]; then
    pass "$service: $state${action:+ ($action)}${reason:+: ...$reason...}"
  else
    fail "outcome of $service" "expected: $state ${action:-*} '${reason:-*}'" \
      "got:      $got '$(outcome "$service" reason)'"
  fi
}

# phases SERVICE: the states SERVICE went through in $OUT, hooks by name: "creating starting waiting post_start up".
phases() {
  jq -r --arg s "$1" 'select(.type == "service" and .service == $s) | if .state == "hook" then .hook else .state end' \
    <<<"$OUT" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}

# hook_output: every boss.log line in $OUT, as "service: text" ("boss: text" outside hooks).
hook_output() {
  jq -r 'select(.type == "hook_output") | "\(.service // "boss"): \(.text)"' <<<"$OUT" 2>/dev/null
}

# summary_count STATE: how many services of the summary ended in STATE.
summary_count() {
  jq -r --arg st "$1" 'select(.type == "summary") | [.services[] | select(.state == $st)] | length' <<<"$OUT" 2>/dev/null
}

# run CMD...: runs CMD, keeps stdout in $OUT, stderr in $ERR, exit code in $RC.
run() {
  local o e
  o=$(mktemp) e=$(mktemp)
  "$@" >"$o" 2>"$e"
  RC=$?
  OUT=$(cat "$o") ERR=$(cat "$e")
  rm -f "$o" "$e"
}

show_output() {
  printf '  stdout:\n'; printf '%s\n' "$OUT" | indent
  printf '  stderr:\n'; printf '%s\n' "$ERR" | indent
}

# expect_exit CODE CMD...: runs CMD (see run) and checks its exit code.
expect_exit() {
  local want=$1
  shift
  run "$@"
  if [[ $RC == "$want" ]]; then
    pass "exit $want: $*"
  else
    fail "exit code of: $*" "expected: $want" "got:      $RC"
    show_output
  fi
}

# expect_contains TEXT NEEDLE [WHAT]
expect_contains() {
  if [[ $1 == *"$2"* ]]; then
    pass "${3:-output} contains '$2'"
  else
    fail "${3:-output} should contain '$2'" "got:"
    printf '%s\n' "$1" | indent
  fi
}

expect_not_contains() {
  if [[ $1 != *"$2"* ]]; then
    pass "${3:-output} does not contain '$2'"
  else
    fail "${3:-output} should not contain '$2'" "got:"
    printf '%s\n' "$1" | indent
  fi
}

# expect_match TEXT EXTENDED_REGEX [WHAT]
expect_match() {
  # A here-string, not a pipe: grep -q exiting early would SIGPIPE printf (pipefail).
  if grep -E -- "$2" <<<"$1" >/dev/null; then
    pass "${3:-output} matches /$2/"
  else
    fail "${3:-output} should match /$2/" "got:"
    printf '%s\n' "$1" | indent
  fi
}

expect_eq() {  # expect_eq GOT WANT WHAT
  if [[ $1 == "$2" ]]; then
    pass "$3 = '$2'"
  else
    fail "$3" "expected: '$2'" "got:      '$1'"
  fi
}

expect_ne() {  # expect_ne GOT NOT_WANTED WHAT
  if [[ $1 != "$2" ]]; then
    pass "$3 != '$2'"
  else
    fail "$3 should differ from '$2'" "got: '$1'"
  fi
}

expect_true() {  # expect_true WHAT CMD...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what" "command failed: $*"; fi
}

# Exactly one line on stderr (a clear one-line message).
expect_one_line_stderr() {
  local n
  n=$(printf '%s' "$ERR" | grep -c '' || true)
  if [[ $n == 1 ]]; then
    pass "stderr is one line"
  else
    fail "stderr should be exactly one line" "got $n lines:"
    printf '%s\n' "$ERR" | indent
  fi
}

# require CONDITION_RESULT MESSAGE: stop the script when a check that later ones need failed.
require_ok() {
  if ((FAILURES > 0)); then
    log "stopping early: $1"
    finish
  fi
}

finish() {
  echo
  if ((FAILURES > 0)); then
    # Repeated last: a log cut to its head and tail (CI's) still shows what failed.
    local failed
    for failed in "${FAILED_CHECKS[@]}"; do printf 'FAILED: %s\n' "$failed"; done
    echo "$TEST_NAME: $FAILURES check(s) FAILED, $CHECKS passed"
    exit 1
  fi
  echo "$TEST_NAME: all $CHECKS checks passed"
  exit 0
}

# ---- containers ----------------------------------------------------------------------

# ids SERVICE: ids (full) of every container of SERVICE in this project, one per line.
ids() { docker ps -aq --no-trunc --filter "label=boss.project=$P" --filter "label=boss.service=$1"; }
cid() { ids "$1" | head -1; }
count_containers() { docker ps -aq --filter "label=boss.project=$P" | grep -c . || true; }
count_networks() { docker network ls -q --filter "label=boss.project=$P" | grep -c . || true; }
inspect() {  # inspect SERVICE FORMAT
  local id
  id=$(cid "$1")
  [[ -n $id ]] || { echo "<no container>"; return 1; }
  docker inspect -f "$2" "$id" 2>/dev/null
}
state() { inspect "$1" '{{.State.Status}}' || true; }
container_env() { inspect "$1" '{{range .Config.Env}}{{println .}}{{end}}'; }
# env_of SERVICE NAME: value of NAME in the container's environment.
env_of() { container_env "$1" | sed -n "s/^$2=//p" | head -1; }
# Timestamps of docker inspect (RFC 3339 with ns) as nanoseconds since the epoch.
to_ns() { date -d "$1" +%s%N; }
created_ns() { to_ns "$(inspect "$1" '{{.Created}}')"; }
started_ns() { to_ns "$(inspect "$1" '{{.State.StartedAt}}')"; }
finished_ns() { to_ns "$(inspect "$1" '{{.State.FinishedAt}}')"; }
now_ns() { date +%s%N; }
ms() { echo $(($1 / 1000000)); }
# slack_ms MS: a responsiveness bound (Ctrl-C answered within MS) times
# BOSS_TEST_TIME_FACTOR, which scripts/sanitize.sh raises: a sanitized boss is several
# times slower, and a bound it misses by a few ms says nothing about boss.
BOSS_TEST_TIME_FACTOR=${BOSS_TEST_TIME_FACTOR:-1}
slack_ms() { echo $(($1 * BOSS_TEST_TIME_FACTOR)); }

expect_state() {  # expect_state SERVICE STATE
  local s
  s=$(state "$1")
  if [[ $s == "$2" ]]; then pass "$1 is $2"; else fail "state of $1" "expected: $2" "got:      $s"; fi
}
expect_no_container() {
  local n
  n=$(ids "$1" | grep -c . || true)
  if [[ $n == 0 ]]; then pass "$1 has no container"; else fail "$1 should have no container" "got $n: $(ids "$1" | tr '\n' ' ')"; fi
}
expect_one_container() {
  local n
  n=$(ids "$1" | grep -c . || true)
  if [[ $n == 1 ]]; then pass "$1 has one container"; else fail "$1 should have exactly one container" "got $n"; fi
}
# Nothing at all with this project's label: no container, no network.
expect_nothing_created() {
  local c n
  c=$(count_containers) n=$(count_networks)
  if [[ $c == 0 && $n == 0 ]] && ! docker network inspect "boss-$P" >/dev/null 2>&1; then
    pass "nothing created (no container, no network)"
  else
    fail "nothing should have been created" "containers: $c, networks: $n"
    docker ps -a --filter "label=boss.project=$P" | indent
  fi
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds; 1 on timeout.
wait_for() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    (($(date +%s) >= deadline)) && return 1
    sleep 0.1
  done
}
is_running() { [[ $(state "$1") == running ]]; }

# Make sure the images tests need are there.
need_image() {
  if ! docker image inspect "$1" >/dev/null 2>&1; then
    echo "missing image $1: run tests/images/make-images.sh${2:+ $2}" >&2
    exit 1
  fi
}
need_image "$BUSYBOX"

# boss_text ARGS...: boss with plain text output (plans and status as a user reads them).
boss_text() { BOSS_TEST_PROGRESS=plain boss "$@"; }
