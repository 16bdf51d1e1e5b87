#include "script/lua_hooks.h"

#include <lua.hpp>

#include "script/lua_error_text.h"

#include <chrono>
#include <condition_variable>
#include <functional>

#include "core/event_loop.h"
#include "core/instances.h"
#include "script/lua_state.h"

namespace boss {

// One hook call, shared by the waiting caller and the loop thread.
struct LuaHooks::Run {
  // Set before posting, then read-only.
  std::string service;    // "" for group hooks
  int instance = 0;       // the replica number shown (0: a service of one instance)
  std::string container;  // for self:exec / self:host_port
  std::function<int(lua_State*)> push_body;  // pushes the coroutine's function and arguments

  // Requested when the caller gave up (deadline, Ctrl-C): the coroutine is dropped at
  // the next chance, and the helper it waits on (a host command, an exec) is stopped.
  Cancel abandoned;

  // Guarded by `mutex`.
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  HookResult result;

  // Loop thread only.
  lua_State* thread = nullptr;
  int ref = LUA_NOREF;

  bool is_abandoned() const { return abandoned.requested(); }
};

namespace {

constexpr auto kCancelPoll = std::chrono::milliseconds(50);

}  // namespace

LuaHooks::LuaHooks(LuaState& lua, EventLoop& loop) : m_lua(lua), m_loop(loop) {}

LuaHooks::~LuaHooks() = default;

void LuaHooks::set_definitions(const Project& project, GroupCounts groups) {
  std::lock_guard lock(m_mutex);
  m_defined.clear();
  m_instances.clear();
  for (const auto& service : project.services) m_instances[service.name] = service.instances;
  // A sidecar's hooks (its ping) run like a service's, under its name; a template's for
  // each container launched from it, under the template's (core/launch.h).
  for (const auto* list : {&project.services, &project.sidecars, &project.templates})
    for (const auto& service : *list)
      for (Hook hook : kHooks)
        if (service.has_hook(hook)) m_defined.emplace(service.name, hook);
  m_groups = groups;
}

lua_State* LuaHooks::running_thread() const { return m_running ? m_running->thread : nullptr; }

std::string LuaHooks::running_service() const { return m_running ? m_running->service : ""; }

int LuaHooks::running_instance() const { return m_running ? m_running->instance : 0; }

std::optional<std::string> LuaHooks::container_of(const std::string& service) const {
  if (!m_running) return std::nullopt;
  if (!service.empty() && service == m_running->service) return m_running->container;
  auto it = m_containers.find(service);
  if (it == m_containers.end()) return std::nullopt;
  return it->second;
}

HookResult LuaHooks::call(const std::string& service, Hook hook, const std::string& container_id,
                          std::chrono::steady_clock::time_point deadline,
                          const Cancel& cancel, int instance, std::optional<int> exit_code) {
  int shown = 0;
  {
    std::lock_guard lock(m_mutex);
    if (!m_defined.count({service, hook})) return HookResult{};
    const auto it = m_instances.find(service);
    shown = shown_instance(it == m_instances.end() ? 1 : it->second, instance);
  }
  auto run = std::make_shared<Run>();
  run->service = service;
  run->instance = shown;
  run->container = container_id;
  const std::string name = hook_name(hook);
  const std::string host = instance_host(service, shown);
  run->push_body = [this, service, name, instance, host, exit_code](lua_State* co) {
    m_lua.push_internal(co, "call_hook");
    lua_pushlstring(co, service.data(), service.size());
    lua_pushlstring(co, name.data(), name.size());
    lua_pushinteger(co, instance);
    lua_pushlstring(co, host.data(), host.size());
    if (!exit_code) return 4;
    lua_pushinteger(co, *exit_code);
    return 5;
  };
  return run_and_wait(run, deadline, cancel);
}

HookResult LuaHooks::on_start(const std::vector<std::string>& services) {
  int count;
  {
    std::lock_guard lock(m_mutex);
    count = m_groups.start;
  }
  return run_group("start", count, &services, nullptr);
}

HookResult LuaHooks::on_stop(const std::vector<std::string>& services) {
  int count;
  {
    std::lock_guard lock(m_mutex);
    count = m_groups.stop;
  }
  return run_group("stop", count, &services, nullptr);
}

HookResult LuaHooks::on_reload(const std::string& service) {
  int count;
  {
    std::lock_guard lock(m_mutex);
    count = m_groups.reload;
  }
  return run_group("reload", count, nullptr, &service);
}

HookResult LuaHooks::on_done(const std::vector<JobResult>& results) {
  {
    std::lock_guard lock(m_mutex);
    if (m_groups.done == 0) return HookResult{};
  }
  auto run = std::make_shared<Run>();
  run->push_body = [this, results](lua_State* co) {
    m_lua.push_internal(co, "call_group");
    lua_pushstring(co, "done");
    // { [name] = { name =, status =, exit_code =, attempts =, duration =, log_file = } }
    lua_createtable(co, 0, static_cast<int>(results.size()));
    for (const auto& r : results) {
      lua_createtable(co, 0, 6);
      lua_pushlstring(co, r.name.data(), r.name.size());
      lua_setfield(co, -2, "name");
      lua_pushlstring(co, r.status.data(), r.status.size());
      lua_setfield(co, -2, "status");
      if (r.exit_code) {
        lua_pushinteger(co, *r.exit_code);
        lua_setfield(co, -2, "exit_code");
      }
      lua_pushinteger(co, r.attempts);
      lua_setfield(co, -2, "attempts");
      lua_pushnumber(co, r.seconds);
      lua_setfield(co, -2, "duration");
      if (!r.log_file.empty()) {
        lua_pushlstring(co, r.log_file.data(), r.log_file.size());
        lua_setfield(co, -2, "log_file");
      }
      lua_setfield(co, -2, r.name.c_str());
    }
    return 2;
  };
  return run_and_wait(run, std::chrono::steady_clock::time_point::max(), Cancel::never());
}

HookResult LuaHooks::run_group(const char* kind, int count, const std::vector<std::string>* names,
                               const std::string* name) {
  if (count == 0) return HookResult{};
  auto run = std::make_shared<Run>();
  std::vector<std::string> list = names ? *names : std::vector<std::string>{};
  std::string single = name ? *name : "";
  const bool is_list = names != nullptr;
  run->push_body = [this, kind, list, single, is_list](lua_State* co) {
    m_lua.push_internal(co, "call_group");
    lua_pushstring(co, kind);
    if (is_list) {
      lua_createtable(co, static_cast<int>(list.size()), 0);
      for (std::size_t i = 0; i < list.size(); ++i) {
        lua_pushlstring(co, list[i].data(), list[i].size());
        lua_rawseti(co, -2, static_cast<int>(i + 1));
      }
    } else {
      lua_pushlstring(co, single.data(), single.size());
    }
    return 2;
  };
  return run_and_wait(run, std::chrono::steady_clock::time_point::max(), Cancel::never());
}

HookResult LuaHooks::run_and_wait(const RunPtr& run, std::chrono::steady_clock::time_point deadline,
                                  const Cancel& cancel) {
  std::weak_ptr<int> alive = m_alive;
  m_loop.post([this, alive, run] {
    if (alive.lock()) start(run);
  });
  std::unique_lock lock(run->mutex);
  for (;;) {
    if (run->finished) return run->result;
    HookResult gave_up;
    gave_up.value = false;
    if (cancel.requested()) {
      run->abandoned.request();
      gave_up.status = HookResult::Status::cancelled;
      return gave_up;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      run->abandoned.request();
      gave_up.status = HookResult::Status::timed_out;
      return gave_up;
    }
    run->done.wait_until(lock, deadline - now < kCancelPoll ? deadline : now + kCancelPoll);
  }
}

thread_local LuaHooks::Run* LuaHooks::s_resumed = nullptr;

void LuaHooks::abandon_check(lua_State* L, lua_Debug*) {
  if (s_resumed && s_resumed->is_abandoned())
    luaL_error(L, "stopped: boss gave up on this hook (deadline passed or interrupted)");
}

void LuaHooks::start(const RunPtr& run) {
  if (run->is_abandoned()) return;
  lua_State* L = m_lua.get();
  run->thread = lua_newthread(L);
  run->ref = luaL_ref(L, LUA_REGISTRYINDEX);  // keeps the coroutine alive, pops it
  if (!run->service.empty()) m_containers[run->service] = run->container;
  const int nargs = run->push_body(run->thread);
  resume(run, nargs);
}

void LuaHooks::resume(const RunPtr& run, int nargs) {
  lua_State* co = run->thread;
  Run* outer = m_running;
  m_running = run.get();
  s_resumed = run.get();
  lua_sethook(m_lua.get(), &LuaHooks::abandon_check, LUA_MASKCOUNT, 10000);
  const int status = lua_resume(co, nargs);
  s_resumed = outer;
  m_running = outer;

  if (status == LUA_YIELD) {
    on_yield(run);
    return;
  }
  HookResult result;
  if (status == 0) {
    result.value = lua_gettop(co) >= 1 && lua_toboolean(co, 1);
  } else {
    result.status = HookResult::Status::error;
    result.value = false;
    result.error = lua_error_text(co, -1);
    lua_State* L = m_lua.get();
    luaL_traceback(L, co, result.error.c_str(), 0);
    result.traceback = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  finish(run, std::move(result));
}

void LuaHooks::on_yield(const RunPtr& run) {
  lua_State* co = run->thread;
  if (lua_gettop(co) < 1 || lua_touserdata(co, 1) != LuaState::yield_mark()) {
    HookResult result;
    result.status = HookResult::Status::error;
    result.value = false;
    result.error = "hook yielded outside a boss helper (coroutine.yield in a hook is not supported)";
    finish(run, std::move(result));
    return;
  }
  ParsedHelper parsed = read_helper_request(co, 2, m_lua.engine());
  lua_settop(co, 0);
  if (!parsed.error.empty()) {
    deliver(run, HelperResults{parsed.error, {}});
    return;
  }
  std::weak_ptr<int> alive = m_alive;
  if (parsed.request.op == "sleep") {
    const auto when = std::chrono::steady_clock::now() +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(parsed.request.sleep_seconds));
    m_loop.post_at(when, [this, alive, run] {
      if (alive.lock()) deliver(run, HelperResults{});
    });
    return;
  }
  m_threads.start([this, alive, run, work = std::move(parsed.request.work)] {
    HelperResults results = work(run->abandoned);
    m_loop.post([this, alive, run, results = std::move(results)] {
      if (alive.lock()) deliver(run, results);
    });
  });
}

void LuaHooks::deliver(const RunPtr& run, const HelperResults& results) {
  if (run->is_abandoned()) {
    release(run);
    return;
  }
  const int n = push_helper_results(run->thread, results);
  resume(run, n);
}

void LuaHooks::finish(const RunPtr& run, HookResult result) {
  release(run);
  {
    std::lock_guard lock(run->mutex);
    run->result = std::move(result);
    run->finished = true;
  }
  run->done.notify_all();
}

void LuaHooks::release(const RunPtr& run) {
  if (run->ref != LUA_NOREF) luaL_unref(m_lua.get(), LUA_REGISTRYINDEX, run->ref);
  run->ref = LUA_NOREF;
  run->thread = nullptr;
}

}  // namespace boss
