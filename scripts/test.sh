#!/usr/bin/env bash
# Sets the machine up (scripts/setup.sh --postgres), then runs every test: unit tests,
# the fuzz seed corpora and the integration tests against the local Docker engine, then
# the same again on an ASan+UBSan build (scripts/sanitize.sh address, build-asan/). The
# output ends with the summaries; the exit code is non-zero if anything failed or a
# sanitizer reported anything.
#
#   scripts/test.sh [CTEST_ARGS...]     e.g. scripts/test.sh -L integration (a selection
#                                       runs on the normal build only)
#   BOSS_TEST_JOBS=N                    tests run in parallel (default 2)
#   BOSS_TEST_ASAN=0                    skip the sanitized pass
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BOSS_BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/setup.sh" --postgres
echo
rc=0
start=$(date +%s)
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "${BOSS_TEST_JOBS:-2}" "$@" || rc=$?
echo "test.sh: normal build's tests took $(($(date +%s) - start)) s (exit $rc)"
if [[ ${BOSS_TEST_ASAN:-1} != 0 && $# == 0 ]]; then
  echo
  start=$(date +%s)
  "$ROOT/scripts/sanitize.sh" address || rc=1
  echo "test.sh: ASan+UBSan build and tests took $(($(date +%s) - start)) s"
fi
exit "$rc"
