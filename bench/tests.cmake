# The benchmark harness's smoke run, so that bench/run.py cannot rot. Include it from the
# top-level CMakeLists.txt (after the boss target exists), e.g. next to the integration tests:
#   include(${CMAKE_SOURCE_DIR}/bench/tests.cmake OPTIONAL)
#
# Like the integration tests it needs a running Docker engine and the busybox image made by
# tests/images/make-images.sh; it also needs docker-compose and python3 (standard library
# only). It runs tiny scenarios (wide-2, layers-2x2, chain-2) once with boss, docker-compose
# and the engine floor, the readiness hand-off once, `boss --version` 5 times and peak memory
# at 4 services (about a minute), then checks the JSON: every scenario, tool and metric is
# present with numbers > 0. Timings are never judged. Projects are named bbsmoke-*.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  set(BOSS_BENCH_SMOKE_DIR ${CMAKE_BINARY_DIR}/bench-smoke)
  set(BOSS_BENCH_SMOKE_SCENARIOS wide-2,layers-2x2,chain-2)
  add_test(NAME bench_smoke
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run.py --smoke
                   --boss $<TARGET_FILE:boss> --scenarios ${BOSS_BENCH_SMOKE_SCENARIOS}
                   --work ${BOSS_BENCH_SMOKE_DIR}/work --out ${BOSS_BENCH_SMOKE_DIR}/results.json)
  set_tests_properties(bench_smoke PROPERTIES LABELS "integration;bench" TIMEOUT 900
                       FIXTURES_SETUP bench_smoke_results)
  # The same check on the file as written, independent of the run that wrote it.
  add_test(NAME bench_smoke_check
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run.py
                   --check ${BOSS_BENCH_SMOKE_DIR}/results.json
                   --scenarios ${BOSS_BENCH_SMOKE_SCENARIOS} --tools boss,compose,floor)
  set_tests_properties(bench_smoke_check PROPERTIES LABELS "integration;bench" TIMEOUT 60
                       FIXTURES_REQUIRED bench_smoke_results)
else()
  message(STATUS "python3 not found: the bench_smoke test is not added")
endif()
