# The core integration suites again, against podman's Docker-compatible API
# (`podman system service`, set up by tests/podman/podman.sh with the settings this
# machine needs). ctest starts the service once before the suites that need it (fixture
# podman_rig) and stops it after the last of them. Each suite is the same script as
# integration_<suite>, with DOCKER_HOST pointing at podman, so boss and the suites' own
# docker CLI checks both talk to podman. Run them with `ctest -L podman`.
find_program(BASH_PROGRAM bash REQUIRED)
set(BOSS_PODMAN_HOST unix:///tmp/boss-podman-rig/podman.sock)
add_test(NAME podman_rig_up COMMAND ${BASH_PROGRAM} ${CMAKE_CURRENT_LIST_DIR}/podman.sh up)
add_test(NAME podman_rig_down COMMAND ${BASH_PROGRAM} ${CMAKE_CURRENT_LIST_DIR}/podman.sh down)
set_tests_properties(podman_rig_up PROPERTIES FIXTURES_SETUP podman_rig LABELS "integration;podman" TIMEOUT 300)
set_tests_properties(podman_rig_down PROPERTIES FIXTURES_CLEANUP podman_rig LABELS "integration;podman" TIMEOUT 120)
set(BOSS_PODMAN_SUITES start hooks failures health stop correctness operations)
foreach(area IN LISTS BOSS_PODMAN_SUITES)
  add_test(NAME podman_${area}
           COMMAND ${BASH_PROGRAM} ${CMAKE_SOURCE_DIR}/tests/integration/${area}.sh $<TARGET_FILE:boss>
                   ${CMAKE_SOURCE_DIR})
  set_tests_properties(podman_${area} PROPERTIES FIXTURES_REQUIRED podman_rig LABELS "integration;podman"
                       ENVIRONMENT "DOCKER_HOST=${BOSS_PODMAN_HOST}" TIMEOUT 300)
endforeach()
