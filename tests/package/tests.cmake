# The .deb: built by CPack, installed in a clean Debian container, run there (deb.sh
# says what it proves). Needs docker, the local test images and dpkg-deb; label package.
add_test(NAME package_deb
         COMMAND ${BASH_PROGRAM} ${CMAKE_CURRENT_LIST_DIR}/deb.sh $<TARGET_FILE:boss> ${CMAKE_SOURCE_DIR})
set_tests_properties(package_deb PROPERTIES LABELS package TIMEOUT 600)
# The revision `boss --version` names, from a checkout and from a tarball without .git.
add_test(NAME package_revision
         COMMAND ${BASH_PROGRAM} ${CMAKE_CURRENT_LIST_DIR}/revision.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(package_revision PROPERTIES LABELS package TIMEOUT 120)
