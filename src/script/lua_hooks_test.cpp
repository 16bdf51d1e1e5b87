#include "script/lua_hooks.h"

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "core/context_store.h"
#include "core/errors.h"
#include "core/event_loop.h"
#include "core/engine.h"
#include "script/lua_host.h"
#include "script/script_test_support.h"
#include "testing/stub_engine.h"

using namespace boss;
using boss::testing_script::RecordingOutput;
using boss::testing_script::TempDir;
using Clock = std::chrono::steady_clock;

namespace {

// Just what self:exec and self:host_port need; everything else throws.
class ExecOnlyEngine : public boss::testing::StubEngine {
 public:
  std::string endpoint() const override { return "fake://"; }
  std::optional<ContainerState> inspect_container(const std::string& id) override {
    if (id != "cid-1") return std::nullopt;
    ContainerState state;
    state.id = id;
    state.running = true;
    state.ports = {{80, "tcp", "0.0.0.0", 32768}, {53, "udp", "0.0.0.0", 32769}};
    return state;
  }
  ExecResult exec(const std::string& id, const std::vector<std::string>& argv, const Cancel&) override {
    if (argv[0] == "fail") throw EngineError("exec in " + id + ": 409 conflict");
    std::string joined;
    for (const auto& a : argv) joined += (joined.empty() ? "" : " ") + a;
    return ExecResult{argv[0] == "false" ? 1 : 0, id + ": " + joined};
  }
};

struct Fixture {
  TempDir dir;
  EventLoop loop;
  ContextStore context;
  RecordingOutput reporter;
  ExecOnlyEngine engine;
  LuaHost host{loop, context, reporter};
  Project project;

  explicit Fixture(const std::string& text) {
    host.set_engine(&engine);
    project = host.load(dir.write("services.lua", text), "");
  }
  std::string file() const { return (dir.dir() / "services.lua").string(); }

  // Runs `jobs` on worker threads while the loop runs on this thread, until all are done.
  void run_workers(const std::vector<std::function<void()>>& jobs) {
    std::atomic<int> left{static_cast<int>(jobs.size())};
    std::vector<std::thread> threads;
    for (const auto& job : jobs)
      threads.emplace_back([&, job] {
        job();
        --left;
        loop.post([] {});  // wake the loop so that it sees we are done
      });
    loop.run_until([&] { return left.load() == 0; });
    for (auto& t : threads) t.join();
  }
  // Keeps the loop running for `seconds` (lets late timers and helper results arrive).
  void spin(double seconds) {
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(seconds));
    loop.post_at(until, [] {});
    loop.run_until([&] { return Clock::now() >= until; });
  }
  HookResult call(const std::string& service, Hook hook, double timeout = 10,
                  const Cancel* cancel = nullptr) {
    HookResult result;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(timeout));
    run_workers({[&] { result = host.hooks().call(service, hook, "cid-1", deadline, cancel ? *cancel : Cancel::never()); }});
    return result;
  }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("lua hooks: ping returns the truth of its first value") {
  Fixture f(R"(local boss = require "boss"
local S = boss.Service:extend { name = "db", image = "x" }
function S:ping()
  self._pings = (self._pings or 0) + 1
  return self._pings >= 2
end
local T = boss.Service:extend { name = "quiet", image = "x" }
function T:ping() end
)");
  CHECK(f.call("db", Hook::ping).value == false);
  HookResult second = f.call("db", Hook::ping);
  CHECK(second.status == HookResult::Status::ok);
  CHECK(second.value == true);
  CHECK(f.call("quiet", Hook::ping).value == false);
}

TEST_CASE("lua hooks: each instance has a self of its own, with its number and hostname") {
  Fixture f(R"(local boss = require "boss"
local S = boss.Service:extend { name = "web", image = "x", instances = 3 }
function S:ping()
  self._pings = (self._pings or 0) + 1
  boss.context["seen_" .. self.instance] = self.hostname .. " " .. self.name .. " " .. self.service .. " " ..
    self._pings
  return true
end
local T = boss.Service:extend { name = "db", image = "x" }
function T:ping()
  boss.context.db = self.instance .. " " .. self.hostname
  return true
end
)");
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  auto ping = [&](const std::string& service, int instance) {
    return f.host.hooks().call(service, Hook::ping, "cid-1", deadline, Cancel::never(), instance);
  };
  f.run_workers({[&] { ping("web", 2); }, [&] { ping("web", 3); }});
  f.run_workers({[&] { ping("web", 2); }, [&] { ping("db", 1); }});
  CHECK(f.context.get("seen_2") == ContextValue(std::string("web-2 web web 2")));
  CHECK(f.context.get("seen_3") == ContextValue(std::string("web-3 web web 1")));
  CHECK_FALSE(f.context.get("seen_1"));
  CHECK(f.context.get("db") == ContextValue(std::string("1 db")));
}

TEST_CASE("lua hooks: a hook the service does not define succeeds at once, without the loop") {
  Fixture f("local boss = require 'boss'\nboss.Service:extend { name = 'a', image = 'x' }\n");
  HookResult r = f.host.hooks().call("a", Hook::pre_start, "cid-1", Clock::now() + std::chrono::seconds(1), Cancel::never());
  CHECK(r.status == HookResult::Status::ok);
  CHECK(r.value);
  CHECK(f.host.hooks().on_start({"a"}).status == HookResult::Status::ok);
}

TEST_CASE("lua hooks: an error carries file:line and a traceback") {
  Fixture f(R"(local boss = require "boss"
local S = boss.Service:extend { name = "web", image = "x" }
function S:post_start()
  error("boom")
end
)");
  HookResult r = f.call("web", Hook::post_start);
  CHECK(r.status == HookResult::Status::error);
  CHECK(r.error == f.file() + ":4: boom");
  CHECK(r.traceback.find("stack traceback:") != std::string::npos);
  CHECK(r.traceback.find("services.lua:4: in function") != std::string::npos);
}

TEST_CASE("lua hooks: two sleeping hooks run concurrently") {
  Fixture f(R"(local boss = require "boss"
for _, n in ipairs { "a", "b" } do
  local S = boss.Service:extend { name = n, image = "x" }
  function S:ping() boss.sleep(0.3); return true end
end
)");
  HookResult ra, rb;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  const auto start = Clock::now();
  f.run_workers({[&] { ra = f.host.hooks().call("a", Hook::ping, "c", deadline, Cancel::never()); },
                 [&] { rb = f.host.hooks().call("b", Hook::ping, "c", deadline, Cancel::never()); }});
  const double took = seconds_since(start);
  CHECK(ra.value);
  CHECK(rb.value);
  CHECK(took >= 0.29);
  CHECK(took < 0.55);
}

TEST_CASE("lua hooks: timeout abandons the coroutine and drops its late result") {
  Fixture f(R"(local boss = require "boss"
local S = boss.Service:extend { name = "slow", image = "x" }
function S:ping()
  boss.sleep(0.3)
  boss.context.after_sleep = true
  return true
end
)");
  const auto start = Clock::now();
  HookResult r = f.call("slow", Hook::ping, 0.1);
  CHECK(r.status == HookResult::Status::timed_out);
  CHECK(seconds_since(start) < 0.25);
  f.spin(0.4);  // the sleep ends while nobody waits any more
  CHECK_FALSE(f.context.get("after_sleep").has_value());
  // The state is still usable afterwards.
  HookResult again = f.call("slow", Hook::ping, 0.1);
  CHECK(again.status == HookResult::Status::timed_out);
}

TEST_CASE("lua hooks: cancel is noticed while a helper waits on another thread") {
  Fixture f(R"(local boss = require "boss"
local S = boss.Service:extend { name = "slow", image = "x" }
function S:pre_start() boss.run { "sleep", "0.4" } end
)");
  Cancel cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.request();
  });
  const auto start = Clock::now();
  HookResult r = f.call("slow", Hook::pre_start, 10, &cancel);
  canceller.join();
  CHECK(r.status == HookResult::Status::cancelled);
  CHECK(seconds_since(start) < 0.3);
  f.spin(0.5);  // the command finishes; its result is dropped
}

TEST_CASE("lua hooks: self:exec, self:host_port and boss.log inside hooks") {
  Fixture f(R"(local boss = require "boss"
local S = boss.Service:extend { name = "db", image = "x", ports = { [80] = 0 } }
function S:post_start()
  local code, out = self:exec { "psql", "-tAc", "select 1" }
  boss.context.exec_out = out
  boss.context.exec_code = code
  boss.context.bad_code = (self:exec { "false" })
  boss.context.port = self:host_port(80)
  boss.context.udp = self:host_port(53, "udp")
  boss.context.none = tostring(self:host_port(9999))
  local code2, out2 = boss.run { "echo", "from host" }
  boss.context.run_out = out2
  boss.log("done", code)
end
function S:pre_start()
  self:exec { "fail" }
end
)");
  HookResult r = f.call("db", Hook::post_start);
  REQUIRE_MESSAGE(r.status == HookResult::Status::ok, r.error);
  CHECK(f.context.get("exec_out") == ContextValue{std::string("cid-1: psql -tAc select 1")});
  CHECK(f.context.get("exec_code") == ContextValue{0.0});
  CHECK(f.context.get("bad_code") == ContextValue{1.0});
  CHECK(f.context.get("port") == ContextValue{32768.0});
  CHECK(f.context.get("udp") == ContextValue{32769.0});
  CHECK(f.context.get("none") == ContextValue{std::string("nil")});
  CHECK(f.context.get("run_out") == ContextValue{std::string("from host\n")});
  CHECK(f.reporter.logs() == std::vector<std::pair<std::string, std::string>>{{"db", "done\t0"}});

  HookResult failed = f.call("db", Hook::pre_start);
  CHECK(failed.status == HookResult::Status::error);
  CHECK(failed.error == f.file() + ":16: exec in cid-1: 409 conflict");
}

TEST_CASE("lua hooks: group hooks get the names, in registration order") {
  Fixture f(R"(local boss = require "boss"
boss.Service:extend { name = "a", image = "x" }
boss.on_start(function(names) boss.context.first = table.concat(names, ",") end)
boss.on_start(function(names)
  boss.sleep(0.01)
  boss.context.second = #names .. ":" .. (boss.context.first or "")
  boss.log("started")
end)
boss.on_stop(function(names) boss.context.stopped = table.concat(names, ",") end)
boss.on_reload(function(name) boss.context.reloaded = name end)
)");
  HookResult r;
  f.run_workers({[&] { r = f.host.hooks().on_start({"a", "b"}); }});
  CHECK(r.status == HookResult::Status::ok);
  CHECK(f.context.get("first") == ContextValue{std::string("a,b")});
  CHECK(f.context.get("second") == ContextValue{std::string("2:a,b")});
  CHECK(f.reporter.logs() == std::vector<std::pair<std::string, std::string>>{{"", "started"}});
  f.run_workers({[&] { r = f.host.hooks().on_stop({"b", "a"}); }});
  CHECK(f.context.get("stopped") == ContextValue{std::string("b,a")});
  f.run_workers({[&] { r = f.host.hooks().on_reload("a"); }});
  CHECK(f.context.get("reloaded") == ContextValue{std::string("a")});
}

TEST_CASE("lua hooks: a group hook error is reported") {
  Fixture f("local boss = require 'boss'\nboss.on_stop(function() error('nope') end)\n");
  HookResult r;
  f.run_workers({[&] { r = f.host.hooks().on_stop({}); }});
  CHECK(r.status == HookResult::Status::error);
  CHECK(r.error == f.file() + ":2: nope");
}

TEST_CASE("lua hooks: a hook spinning in pure Lua is stopped once its caller gives up") {
  Fixture f(R"(local boss = require "boss"
local S = boss.Service:extend { name = "spin", image = "x" }
function S:ping() while true do end end
local T = boss.Service:extend { name = "fine", image = "x" }
function T:ping() return true end
)");
  const auto start = Clock::now();
  HookResult r = f.call("spin", Hook::ping, 0.2);
  CHECK(r.status == HookResult::Status::timed_out);
  CHECK(seconds_since(start) < 5);  // the loop thread came back: the spin was stopped
  HookResult fine = f.call("fine", Hook::ping, 2);
  CHECK(fine.status == HookResult::Status::ok);
  CHECK(fine.value);
}
