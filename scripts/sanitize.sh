#!/usr/bin/env bash
# Builds boss with sanitizers and runs the tests on that build, so the integration
# suites drive the sanitized binary (tests.cmake hands each suite build-*/boss):
#
#   address  ASan + UBSan (any undefined behaviour is fatal) into build-asan/; runs the
#            unit tests, the fuzz seed corpora and every integration suite.
#   thread   TSan into build-tsan/; runs the unit tests and the threaded integration
#            suites (start, hooks, interrupt, events).
#
#   scripts/sanitize.sh address|thread [CTEST_ARGS...]   (CTEST_ARGS replace the default
#                                                         selection, e.g. -R unit)
#   BOSS_TEST_JOBS=N    tests in parallel (default 2); BUILD_JOBS=N build jobs (default 2)
#
# Every sanitizer report of every process (the unit tests, each boss the suites start)
# is written to build-*/sanitizer-reports/; the script prints them and exits 1 if there
# is any, even when the test that caused it passed. Suppressions, each with its reason:
# scripts/sanitizers/*.supp. Needs the machine scripts/setup.sh prepares.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kind=${1:-}
shift || true
case $kind in
  address) build=$ROOT/build-asan default_args=(-E '^bench') ;;
  thread) build=$ROOT/build-tsan default_args=(-R '^(unit|integration_(start|hooks|interrupt|events))$') ;;
  *) echo "sanitize.sh: first argument must be address or thread, not '$kind'" >&2; exit 2 ;;
esac
args=("$@")
((${#args[@]})) || args=("${default_args[@]}")

# -O1 with line tables: what the sanitizers recommend for speed and stack traces, and about
# half the compile time of -O2 -g. The boss binary is built first: the integration suites
# need only it.
cmake -S "$ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DBOSS_SANITIZE="$kind" >/dev/null
nice cmake --build "$build" -j "${BUILD_JOBS:-2}" --target boss
nice cmake --build "$build" -j "${BUILD_JOBS:-2}"

reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
supp=$ROOT/scripts/sanitizers
# detect_leaks: LuaJIT allocates with its own mmap allocator, which LeakSanitizer does not
# see, so leak reports are about boss's own allocations. log_path: reports go to files,
# one per process, and cannot be mistaken for (or hidden by) a test's expected stderr.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$reports/asan:suppressions=$supp/asan.supp"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan:suppressions=$supp/ubsan.supp"
# Responsiveness bounds of the suites (lib.sh's slack_ms) for a binary this much slower.
if [[ $kind == thread ]]; then export BOSS_TEST_TIME_FACTOR=3; else export BOSS_TEST_TIME_FACTOR=2; fi
export TSAN_OPTIONS="second_deadlock_stack=1:log_path=$reports/tsan:suppressions=$supp/tsan.supp"

rc=0
start=$(date +%s)
ctest --test-dir "$build" --output-on-failure -j "${BOSS_TEST_JOBS:-2}" "${args[@]}" || rc=$?
echo "sanitize.sh $kind: ctest exit $rc after $(($(date +%s) - start)) s"

shopt -s nullglob
found=("$reports"/*)
if ((${#found[@]})); then
  echo "sanitize.sh $kind: ${#found[@]} sanitizer report(s) in $reports:"
  for f in "${found[@]}"; do
    echo "---- $f"
    head -60 "$f"
  done
  exit 1
fi
echo "sanitize.sh $kind: no sanitizer reports"
exit "$rc"
