# Integration tests: they need a running Docker engine and the images made by
# tests/images/make-images.sh. Run them with `ctest -L integration`.

# The engine layer against the real engine (boss_engine_live).
add_executable(boss_engine_live ${CMAKE_CURRENT_LIST_DIR}/engine_live_test.cpp)
target_link_libraries(boss_engine_live PRIVATE boss_lib doctest::doctest)
add_test(NAME engine_live COMMAND boss_engine_live)
set_tests_properties(engine_live PROPERTIES LABELS integration TIMEOUT 300)

# The boss binary against the real engine: one bash script per behaviour area, each with
# its own project (bosst-<area>-<random>), temp folder and cleanup, so they run in
# parallel (`ctest -j`). They need bash, docker and the images of tests/images/.
find_program(BASH_PROGRAM bash REQUIRED)
set(BOSS_INTEGRATION_SCRIPTS
  start hooks failures bad_input stop reload interrupt postgres quickstart correctness events
  images health replicas exec_run faults operations registry compose secrets names proxy on_demand shell init jobs copili browser
  sidecars idle watch websocket serve admin launch)
foreach(area IN LISTS BOSS_INTEGRATION_SCRIPTS)
  add_test(NAME integration_${area}
           COMMAND ${BASH_PROGRAM} ${CMAKE_CURRENT_LIST_DIR}/${area}.sh $<TARGET_FILE:boss> ${CMAKE_SOURCE_DIR})
  set_tests_properties(integration_${area} PROPERTIES LABELS integration TIMEOUT 300)
endforeach()
# faults: a dozen Ctrl-C moments, a race, relays and a tmpfs take a few minutes on 2 cores.
set_tests_properties(integration_faults PROPERTIES TIMEOUT 900)
