// Fuzz target: copili pipeline files (copili/pipeline_reader on yaml/yaml_tree), and what
// `boss convert` makes of them (script/services_writer), read back by the services.lua
// reader. Any text is either one DefinitionError whose message starts with the file's
// name ("pipeline.yaml:3:7: ..."), or a project that validates or is refused by
// validate_project with a DefinitionError; a valid project written as services.lua must
// load back into the same services (names, images, jobs, dependencies, environment,
// commands). Anything else (a crash, another exception, a convert that does not read
// back or reads back different) is a finding.
//
// The file is placed in a folder that does not exist, so relative volume paths find
// nothing; the environment is a small fixed one, ENV=PROD for exlude_in_env.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "copili/pipeline_reader.h"
#include "core/context_store.h"
#include "core/errors.h"
#include "core/event_loop.h"
#include "core/events.h"
#include "core/validate.h"
#include "fuzz_input.h"
#include "script/lua_host.h"
#include "script/services_writer.h"

namespace {

const char* const kFile = "/nonexistent-boss-fuzz/pipeline.yaml";

const std::filesystem::path& converted_file() {
  static const boss::fuzz::ScratchDir scratch("boss-fuzz-copili");
  static const std::filesystem::path file = scratch.dir / "services.lua";
  return file;
}

// The written services.lua, loaded as `boss start` would, must give back `read`'s services.
void check_round_trip(const boss::Project& read) {
  const std::string lua = boss::write_services_lua(read, "pipeline.yaml");
  std::ofstream(converted_file(), std::ios::binary | std::ios::trunc) << lua;
  boss::EventLoop loop;
  boss::ContextStore context;
  boss::NullSink events;
  boss::LuaHost host(loop, context, events);
  boss::Project back;
  try {
    back = host.load(converted_file());
  } catch (const boss::DefinitionError&) {
    __builtin_trap();  // convert wrote a services.lua boss refuses
  }
  if (back.services.size() != read.services.size()) __builtin_trap();
  for (const auto& want : read.services) {
    const boss::ServiceSpec* got = back.find(want.name);
    if (!got) __builtin_trap();
    if (got->image != want.image || got->is_job != want.is_job || got->env != want.env ||
        got->cmd != want.cmd)
      __builtin_trap();
    if (std::set<std::string>(got->dependencies.begin(), got->dependencies.end()) !=
        std::set<std::string>(want.dependencies.begin(), want.dependencies.end()))
      __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(boss::fuzz::as_text(data, size));
  boss::PipelineInput input;
  input.environment = [](const std::string& name) -> std::optional<std::string> {
    if (name == "ENV") return std::string("PROD");
    if (name == "SET") return std::string("value");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  input.dotenv = {{"TAG", "1.2"}, {"PORT", "8080"}};
  boss::PipelineProject read;
  try {
    read = boss::read_pipeline_text(text, kFile, input);
  } catch (const boss::DefinitionError& e) {
    if (std::string(e.what()).rfind(kFile, 0) != 0) __builtin_trap();
    return 0;
  }
  for (const auto& service : read.project.services)
    if (service.name.empty()) __builtin_trap();
  try {
    boss::validate_project(read.project);
  } catch (const boss::DefinitionError&) {
    return 0;  // what `boss start` refuses with its one line; not converted
  }
  check_round_trip(read.project);
  return 0;
}
