// Fuzz target: the services.lua reader (script/lua_host + service_reader + lua/boss.lua).
// Each input is a services.lua, loaded by a fresh LuaHost (a fresh Lua state) from a
// folder of this process. Loading either gives a Project or a DefinitionError.
//
// The input runs behind a sandbox prelude on its first line (line numbers stay those of
// the input): at most ~1e6 Lua instructions and 256 MiB of Lua memory, errors raised
// again after pcall once a limit was hit, strings built by rep capped, and nothing that
// touches the machine (os.execute, io, ffi, boss.run, ...) or waits (boss.sleep), and no
// bytecode loaded from Lua (LuaJIT does not check bytecode). An input that starts with
// ESC goes in without the prelude: it must be refused as bytecode before anything runs.
#include <filesystem>
#include <fstream>
#include <string>

#include "core/context_store.h"
#include "core/errors.h"
#include "core/event_loop.h"
#include "core/events.h"
#include "fuzz_input.h"
#include "script/lua_host.h"

namespace {

const char* const kPrelude =
    "do local hit, n, gc, pc, xpc, rep, ls, hook, err, un = false, 0, collectgarbage, pcall, xpcall, "
    "string.rep, loadstring, debug.sethook, error, unpack "
    "local function stop() hit = true err('fuzz: limit', 0) end "
    "hook(function() n = n + 1 if hit or n > 100 or gc('count') > 262144 then stop() end end, '', 10000) "
    "local function again(...) if hit then err('fuzz: limit', 0) end return ... end "
    "pcall = function(...) return again(pc(...)) end "
    "xpcall = function(...) return again(xpc(...)) end "
    "string.rep = function(s, k, ...) if type(k) == 'number' and k * #tostring(s) > 1e6 then stop() end "
    "return rep(s, k, ...) end "
    "loadstring = function(s, ...) if type(s) ~= 'string' or s:byte(1) == 27 then return nil, 'fuzz: text only' end "
    "return ls(s, ...) end load = loadstring "
    "os.execute, os.remove, os.rename, os.exit, os.tmpname = nil "
    "io, dofile, loadfile, string.dump, debug.sethook = nil "
    "package.preload.ffi, package.loaded.ffi, package.loadlib, package.cpath = nil, nil, nil, '' "
    "package.loaders[3], package.loaders[4] = nil "
    "local b = require 'boss' b.run, b.http_get, b.tcp_open, b.sleep = nil end ";

std::filesystem::path services_file() {
  static const boss::fuzz::ScratchDir scratch("boss-fuzz");
  return scratch.dir / "services.lua";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = services_file();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    // An input that starts like bytecode goes in as it is: boss must refuse it unrun.
    const bool bytecode_like = size > 0 && data[0] == 0x1b;
    out << (bytecode_like ? "" : kPrelude) << boss::fuzz::as_text(data, size);
  }
  boss::EventLoop loop;
  boss::ContextStore context;
  boss::NullSink events;
  try {
    boss::LuaHost host(loop, context, events);
    host.load(file);
  } catch (const boss::DefinitionError&) {
  }
  return 0;
}
