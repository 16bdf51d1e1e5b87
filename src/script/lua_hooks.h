// boss::Hooks on top of the Lua state: every hook call is a coroutine on the loop thread.
//
// call() and the group hooks are made from worker threads: they post the start of a
// coroutine to the EventLoop and block until it finishes, its deadline passes or it is
// cancelled. Inside the coroutine, a waiting helper (boss.sleep, self:exec, boss.run, ...)
// yields; its blocking part runs on a thread of its own (sleep: a loop timer) and the
// result is posted back to resume the coroutine, so many hooks make progress at once
// on the one Lua thread. A coroutine whose caller gave up (timeout, cancel) is dropped
// when its pending helper reports back.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/hooks.h"
#include "script/helper_request.h"
#include "core/thread_set.h"

struct lua_State;
struct lua_Debug;

namespace boss {

class EventLoop;
class LuaState;

class LuaHooks final : public Hooks {
 public:
  // How many boss.on_start/on_stop/on_reload functions services.lua registered.
  struct GroupCounts {
    int start = 0;
    int stop = 0;
    int reload = 0;
    int done = 0;
  };

  LuaHooks(LuaState& lua, EventLoop& loop);
  // Waits for running helper threads. Call on the loop thread, with the loop idle.
  ~LuaHooks() override;

  HookResult call(const std::string& service, Hook hook, const std::string& container_id,
                  std::chrono::steady_clock::time_point deadline,
                  const Cancel& cancel, int instance = 1, std::optional<int> exit_code = std::nullopt) override;
  HookResult on_start(const std::vector<std::string>& services) override;
  HookResult on_stop(const std::vector<std::string>& services) override;
  HookResult on_reload(const std::string& service) override;
  HookResult on_done(const std::vector<JobResult>& results) override;

  // --- for LuaHost and the primitives (loop thread) ---
  // Which hooks exist, so that calls to missing ones return at once without the loop.
  void set_definitions(const Project& project, GroupCounts groups);
  // The coroutine being resumed right now, or null (e.g. while services.lua loads).
  lua_State* running_thread() const;
  // Its service ("" for group hooks and outside hooks).
  std::string running_service() const;
  // The replica number of that hook's service as shown (0: a service of one instance).
  int running_instance() const;
  // The container hooks of `service` work on; nullopt outside hooks or if never given.
  std::optional<std::string> container_of(const std::string& service) const;

 private:
  struct Run;
  using RunPtr = std::shared_ptr<Run>;

  HookResult run_and_wait(const RunPtr& run, std::chrono::steady_clock::time_point deadline,
                          const Cancel& cancel);
  HookResult run_group(const char* kind, int count, const std::vector<std::string>* names,
                       const std::string* name);
  // Loop thread only, below.
  void start(const RunPtr& run);
  void resume(const RunPtr& run, int nargs);
  void on_yield(const RunPtr& run);
  void deliver(const RunPtr& run, const HelperResults& results);
  void finish(const RunPtr& run, HookResult result);
  void release(const RunPtr& run);
  // Installed on the state: stops a hook whose caller gave up (deadline, Ctrl-C) even
  // when it never calls a helper, e.g. `while true do end`.
  static void abandon_check(lua_State* L, lua_Debug* ar);
  static thread_local Run* s_resumed;  // the run being resumed on this (the loop) thread

  LuaState& m_lua;
  EventLoop& m_loop;
  mutable std::mutex m_mutex;  // guards m_defined, m_instances and m_groups
  std::set<std::pair<std::string, Hook>> m_defined;
  std::map<std::string, int> m_instances;  // service -> its `instances`
  GroupCounts m_groups;
  Run* m_running = nullptr;                         // loop thread only
  std::map<std::string, std::string> m_containers;  // loop thread only
  std::shared_ptr<int> m_alive = std::make_shared<int>(0);  // posted tasks check it
  ThreadSet m_threads;  // last member: joined first
};

}  // namespace boss
