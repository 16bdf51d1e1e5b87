# CPack: `cpack -G DEB` in the build folder makes boss_<version>_<arch>.deb of what
# `cmake --install` puts in place (tests/package/deb.sh installs it in a clean Debian).
#
# Depends: dpkg-shlibdeps finds the libraries boss links (LuaJIT, yaml-cpp, libstdc++,
# libc). libcurl and libarchive are loaded with dlopen on first use (ARCHITECTURE.md),
# so no tool sees them: the packages that hold the sonames boss opens are added here,
# looked up with dpkg on the build machine.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME boss)
set(CPACK_PACKAGE_VENDOR "boss")
set(CPACK_PACKAGE_CONTACT "boss maintainers <boss@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "brings up dependent Docker containers described in services.lua")
set(CPACK_PACKAGE_DESCRIPTION "boss starts a set of dependent Docker containers, defined in a Lua file or a
docker compose file, in dependency order and in parallel, with readiness checks and
hooks written in Lua, and keeps them in the state the file describes.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "docker.io | docker-ce")
set(CPACK_STRIP_FILES ON)

# The Debian package holding SONAME (a library boss dlopens), or nothing.
function(boss_package_of soname out)
  set(${out} "" PARENT_SCOPE)
  find_program(DPKG_QUERY dpkg-query)
  if(NOT DPKG_QUERY)
    return()
  endif()
  execute_process(COMMAND ${DPKG_QUERY} -S "*/${soname}" OUTPUT_VARIABLE found ERROR_QUIET
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  # "libcurl4:amd64: /usr/lib/x86_64-linux-gnu/libcurl.so.4" (the first holder).
  if(found MATCHES "^([^:,\n]+)")
    set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
  endif()
endfunction()

set(boss_dlopened "")
foreach(soname libcurl.so.4 libarchive.so.13)
  boss_package_of(${soname} package)
  if(package)
    list(APPEND boss_dlopened ${package})
  else()
    message(WARNING "no Debian package holds ${soname}: the .deb will not depend on it")
  endif()
endforeach()
list(JOIN boss_dlopened ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
include(CPack)
