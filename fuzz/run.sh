#!/usr/bin/env bash
# Builds the libFuzzer targets into build-fuzz/ (clang, ASan+UBSan) and runs each one
# for SECONDS (default 60), one after another under nice. Each target starts from its
# seed corpus (fuzz/corpus/<target>/, never written) and keeps what it finds in
# build-fuzz/corpus/<target>/; crashes land in build-fuzz/artifacts/<target>/. Ends with
# a line per target: executions, coverage (cov, ft), corpus size, crashes.
#
#   fuzz/run.sh [SECONDS] [TARGET...]        e.g. fuzz/run.sh 180 template image_ref
#   FUZZ_JOBS=N                              build jobs (default 2)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BOSS_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${1:-60}
shift || true
[[ $SECONDS_EACH =~ ^[0-9]+$ ]] || { echo "run.sh: SECONDS must be a whole number, not '$SECONDS_EACH'" >&2; exit 2; }
all=$(sed -n '/^set(BOSS_FUZZ_TARGETS/,/)/p' "$ROOT/fuzz/fuzz.cmake" | sed 's/^set(BOSS_FUZZ_TARGETS//' | tr -d '()')
targets=("$@")
((${#targets[@]})) || read -r -a targets <<<"$(echo $all)"
for t in "${targets[@]}"; do
  [[ " $(echo $all) " == *" $t "* ]] || { echo "run.sh: unknown target '$t' (targets: $(echo $all))" >&2; exit 2; }
done

command -v clang++ >/dev/null || { echo "run.sh: clang++ is not installed (apt-get install clang)" >&2; exit 1; }
# -O1 and line tables only: the fuzzer wants speed and stack traces, the shared machine
# a short build.
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DBOSS_FUZZ=ON >/dev/null
nice cmake --build "$BUILD" -j "${FUZZ_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

summary=()
for t in "${targets[@]}"; do
  corpus=$BUILD/corpus/$t artifacts=$BUILD/artifacts/$t log=$BUILD/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  echo "fuzzing $t for ${SECONDS_EACH}s (log: $log)"
  # -rss_limit_mb / -timeout: a run over 2 GB or 10 s is a finding, not a hang.
  rc=0
  nice "$BUILD/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$ROOT/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p' <<<"$last")
  crashes=$(find "$artifacts" -type f | wc -l)
  line="$t: ${execs:-?} executions, ${cov:-no stats}, $crashes crash file(s) in $artifacts, exit $rc"
  echo "  $line"
  summary+=("$line")
done
echo
printf '%s\n' "${summary[@]}"
