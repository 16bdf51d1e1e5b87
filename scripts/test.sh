#!/usr/bin/env bash
# Sets the machine up (scripts/setup.sh --postgres), then runs every test: unit tests and
# the integration tests against the local Docker engine. The output ends with ctest's
# summary; the exit code is non-zero if anything failed.
#
#   scripts/test.sh [CTEST_ARGS...]     e.g. scripts/test.sh -L integration
#   BOSS_TEST_JOBS=N                    tests run in parallel (default 2)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BOSS_BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/setup.sh" --postgres
echo
exec ctest --test-dir "$BUILD_DIR" --output-on-failure -j "${BOSS_TEST_JOBS:-2}" "$@"
