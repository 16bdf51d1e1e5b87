#include "cli/launch_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/launch.h"
#include "engine/build_context.h"

namespace boss {
namespace {

// The JSON text of --input (a file, or - for stdin), as it is; one line when it is none.
std::string read_input(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DefinitionError("--input: cannot read '" + path + "'");
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  const std::string shown = path == "-" ? "stdin" : "'" + path + "'";
  if (!nlohmann::json::accept(text)) throw DefinitionError("--input: " + shown + " is not JSON");
  return text;
}

}  // namespace

int launch_command(const Options& opt, Runtime& runtime, bool json) {
  LaunchRequest request;
  request.template_name = opt.services.front();
  request.id = opt.launch_name;
  request.timeout = opt.timeout.value_or(300);
  if (!opt.launch_input.empty()) request.input = read_input(opt.launch_input);
  Launcher launcher(runtime, make_bytes_tar);
  try {
    const Launched launched = launcher.launch(request);
    if (!json) std::printf("%s\n", launched.name.c_str());
    std::fflush(stdout);
    return 0;
  } catch (const LaunchError& e) {
    if (e.status() < 500) throw DefinitionError(std::string("launch: ") + e.what());
    throw;
  }
}

}  // namespace boss
