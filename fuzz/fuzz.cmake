# Fuzz targets (fuzz/<target>.cpp, one per parser) and their seed corpora
# (fuzz/corpus/<target>/).
#
# Always: fuzz_seeds_<target>, the target with seed_main.cpp and the normal compiler,
# replaying its seed corpus as the ctest test fuzz_seeds_<target> (label fuzz).
# With -DBOSS_FUZZ=ON (clang; fuzz/run.sh configures it): fuzz_<target>, the libFuzzer
# binary, built with -fsanitize=fuzzer,address,undefined against boss_fuzz_lib: the
# parsers' sources and what they use, not all of boss_lib (a fuzz build then compiles a
# fifth of boss).
set(BOSS_FUZZ_TARGETS template json_stream stream_demux dockerignore image_ref time_text
    command_line services_lua env_file compose proxy_request copili)

foreach(target IN LISTS BOSS_FUZZ_TARGETS)
  add_executable(fuzz_seeds_${target} ${CMAKE_CURRENT_LIST_DIR}/${target}.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/seed_main.cpp)
  target_link_libraries(fuzz_seeds_${target} PRIVATE boss_lib)
  add_test(NAME fuzz_seeds_${target}
           COMMAND fuzz_seeds_${target} ${CMAKE_CURRENT_LIST_DIR}/corpus/${target})
  set_tests_properties(fuzz_seeds_${target} PROPERTIES LABELS fuzz TIMEOUT 120)
endforeach()

if(BOSS_FUZZ)
  set(BOSS_FUZZ_SOURCES
    core/template.cpp core/time_text.cpp core/validate.cpp core/event_loop.cpp
    core/context_store.cpp core/cancel.cpp core/project.cpp core/graph.cpp
    engine/json_stream.cpp engine/stream_demux.cpp engine/build_context.cpp engine/image_ref.cpp
    platform/host_helpers.cpp platform/libcurl_api.cpp platform/libarchive_api.cpp
    platform/shared_library.cpp
    script/helper_request.cpp script/lua_hooks.cpp script/lua_host.cpp script/lua_state.cpp
    script/service_reader.cpp script/thread_set.cpp
    core/env_file.cpp core/interpolate.cpp
    compose/compose_reader.cpp compose/compose_context.cpp compose/compose_ports.cpp yaml/yaml_tree.cpp
    proxy/route.cpp core/restart_policy.cpp core/host_binding.cpp core/command_words.cpp
    core/healthcheck.cpp
    copili/pipeline_reader.cpp script/services_writer.cpp core/instances.cpp core/secrets.cpp
    script/secret_value.cpp script/engine_reader.cpp script/job_fields.cpp script/healthcheck_field.cpp
    core/config.cpp)
  list(TRANSFORM BOSS_FUZZ_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/src/)
  add_library(boss_fuzz_lib STATIC ${BOSS_FUZZ_SOURCES})
  add_dependencies(boss_fuzz_lib boss_lua_bytecode)
  foreach(property INCLUDE_DIRECTORIES COMPILE_DEFINITIONS LINK_LIBRARIES)
    set_property(TARGET boss_fuzz_lib PROPERTY ${property} $<TARGET_PROPERTY:boss_lib,INTERFACE_${property}>)
    set_property(TARGET boss_fuzz_lib PROPERTY INTERFACE_${property} $<TARGET_PROPERTY:boss_lib,INTERFACE_${property}>)
  endforeach()
  foreach(target IN LISTS BOSS_FUZZ_TARGETS)
    add_executable(fuzz_${target} ${CMAKE_CURRENT_LIST_DIR}/${target}.cpp)
    target_link_libraries(fuzz_${target} PRIVATE boss_fuzz_lib)
    target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
  endforeach()
endif()
