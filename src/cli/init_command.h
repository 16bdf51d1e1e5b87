// `boss init`: a starter services.lua (commented, runnable with the local busybox test
// image) and a .luarc.json beside it whose workspace.library is the folder of the
// installed boss.d.lua, so an editor with lua-language-server completes and checks
// services.lua with no setup. Refuses to overwrite either file: nothing is written then.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace boss {

// The folder holding boss.d.lua for a binary at `exe`: <exe's folder>/../share/boss when
// installed (any prefix), else <exe's folder>/share/boss (the build folder's copy); the
// first that holds it, else the installed one.
std::filesystem::path definitions_dir(const std::filesystem::path& exe);

// The starter files' texts.
std::string starter_services_lua();
std::string luarc_json(const std::filesystem::path& library_dir);

// Writes `services_file` and .luarc.json beside it. Throws DefinitionError (one line,
// naming the file) when either exists or cannot be written; writes nothing then.
// Returns the paths written.
std::vector<std::filesystem::path> write_starter_files(const std::filesystem::path& services_file,
                                                       const std::filesystem::path& library_dir);

}  // namespace boss
