# The engine suites: remote engines (TLS, ssh, contexts), several engines in one project,
# Docker Swarm and podman, against the hosts tests/engines/rig.sh stands up in network
# namespaces (root only; a few seconds). ctest sets the rig up once before the suites that
# need it (fixture engine_rig) and takes it down after the last of them, whatever their
# outcome. Run them with `ctest -L engines`.
find_program(BASH_PROGRAM bash REQUIRED)
add_test(NAME engines_rig_up COMMAND ${BASH_PROGRAM} ${CMAKE_CURRENT_LIST_DIR}/rig.sh up)
add_test(NAME engines_rig_down COMMAND ${BASH_PROGRAM} ${CMAKE_CURRENT_LIST_DIR}/rig.sh down)
set_tests_properties(engines_rig_up PROPERTIES FIXTURES_SETUP engine_rig LABELS "integration;engines" TIMEOUT 300)
set_tests_properties(engines_rig_down PROPERTIES FIXTURES_CLEANUP engine_rig LABELS "integration;engines" TIMEOUT 120)
set(BOSS_ENGINE_SCRIPTS remote multi deploy)
foreach(area IN LISTS BOSS_ENGINE_SCRIPTS)
  add_test(NAME engines_${area}
           COMMAND ${BASH_PROGRAM} ${CMAKE_CURRENT_LIST_DIR}/${area}.sh $<TARGET_FILE:boss> ${CMAKE_SOURCE_DIR})
  set_tests_properties(engines_${area} PROPERTIES FIXTURES_REQUIRED engine_rig LABELS "integration;engines"
                       TIMEOUT 300)
endforeach()
