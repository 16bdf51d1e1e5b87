// What `boss --version` says: the version and the git revision boss was built from
// ("boss 0.1.0 (git 1650d48c0a1b)"; "(not built from a git checkout)" from a tarball),
// filled in by CMake at build time (cmake/revision.cmake).
#pragma once

#include <string>

namespace boss {

std::string version_text();

}  // namespace boss
