#include "cli/init_command.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace boss {

namespace fs = std::filesystem;

fs::path definitions_dir(const fs::path& exe) {
  const fs::path bin = exe.parent_path();
  const fs::path installed = (bin / ".." / "share" / "boss").lexically_normal();
  const fs::path build_copy = bin / "share" / "boss";
  std::error_code ec;
  for (const auto& dir : {installed, build_copy})
    if (fs::exists(dir / "boss.d.lua", ec)) return dir;
  return installed;
}

std::string starter_services_lua() {
  return R"(-- services.lua: the services of this project, for boss (`man boss`, `boss --help`).
--
--   boss start            bring them up, dependencies first
--   boss status           containers, state and published ports
--   boss logs -f          follow their output (Ctrl-C ends)
--   boss stop --remove    stop them and remove the containers
--
-- Editors with lua-language-server complete and check this file: .luarc.json beside it
-- points at boss's definitions (boss.d.lua).
local boss = require "boss"

-- A base class: shared defaults. It has no name, so it is not a service itself.
-- boss-test/busybox:latest is the small local image boss's scripts/setup.sh makes;
-- put your own images here.
local Base = boss.Service:extend {
  image = "boss-test/busybox:latest",
  stop_signal = "SIGKILL", -- busybox tools ignore SIGTERM when they run as PID 1
}

-- A web server serving /www on a free host port (`boss status` shows which).
local Web = Base:extend {
  name = "web",
  cmd = { "sh", "-c", "mkdir -p /www && echo \"hello from $GREETER\" > /www/index.html && exec httpd -f -p 8080 -h /www" },
  ports = { [8080] = 0 }, -- container port 8080 on any free host port
  env = { GREETER = "{greeter}" }, -- filled from boss.context when web starts
  dependencies = { "seed" },
}

-- ping: polled until it returns true; web is up (and its dependents may start) then.
function Web:ping()
  return self:exec { "wget", "-q", "-O", "-", "http://127.0.0.1:8080/" } == 0
end

-- A service web depends on: it starts first, and its post_start hook (once, after a
-- new container is ready) shares a value with web through boss.context.
local Seed = Base:extend {
  name = "seed",
  cmd = { "sleep", "1000000" },
}

function Seed:post_start()
  local code, out = self:exec { "hostname" }
  assert(code == 0, "hostname failed: " .. out)
  boss.context.greeter = out:gsub("%s+$", "")
  boss.log("greeter is " .. boss.context.greeter)
end
)";
}

std::string luarc_json(const fs::path& library_dir) {
  nlohmann::ordered_json config;
  config["runtime"]["version"] = "LuaJIT";
  config["workspace"]["library"] = nlohmann::json::array({library_dir.string()});
  config["workspace"]["checkThirdParty"] = false;
  return config.dump(2) + "\n";
}

std::vector<fs::path> write_starter_files(const fs::path& services_file, const fs::path& library_dir) {
  const fs::path luarc = services_file.parent_path() / ".luarc.json";
  const std::vector<std::pair<fs::path, std::string>> files = {{services_file, starter_services_lua()},
                                                               {luarc, luarc_json(library_dir)}};
  std::error_code ec;
  for (const auto& [path, text] : files)
    if (fs::exists(fs::symlink_status(path, ec)))
      throw DefinitionError("init: " + path.string() + " already exists; boss init writes only new files");
  std::vector<fs::path> written;
  for (const auto& [path, text] : files) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
      for (const auto& done : written) fs::remove(done, ec);
      fs::remove(path, ec);
      throw DefinitionError("init: cannot write " + path.string());
    }
    written.push_back(path);
  }
  return written;
}

}  // namespace boss
