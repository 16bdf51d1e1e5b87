# Writes OUT, a header defining BOSS_REVISION: "git <commit>" (", modified" when tracked
# files differ from it) when SOURCE_DIR is the top of a git checkout, else "not built from
# a git checkout" (a release tarball; a tarball unpacked inside some other repository
# counts as one too). Run at every build (cmake -P); OUT is only rewritten when the text
# changes, so an unchanged revision recompiles nothing.
#   cmake -DSOURCE_DIR=... -DOUT=... [-DGIT=/usr/bin/git] -P revision.cmake
set(revision "not built from a git checkout")
if(GIT)
  execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} rev-parse --show-toplevel
                  OUTPUT_VARIABLE top RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT failed)
    file(REAL_PATH "${top}" top)
    file(REAL_PATH "${SOURCE_DIR}" source)
  endif()
  if(NOT failed AND top STREQUAL source)
    execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} rev-parse --short=12 HEAD
                    OUTPUT_VARIABLE commit RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(NOT failed)
      set(revision "git ${commit}")
      execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} status --porcelain --untracked-files=no
                      OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(changes)
        string(APPEND revision ", modified")
      endif()
    endif()
  endif()
endif()
file(WRITE ${OUT}.new "// Made by cmake/revision.cmake at build time.\n#define BOSS_REVISION \"${revision}\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.new ${OUT})
file(REMOVE ${OUT}.new)
