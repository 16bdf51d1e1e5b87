// Scripted Hooks for unit tests: each (service, hook) may have a handler; every call is
// recorded as "service.hook" ("service#2.hook" for instance 2 and above). Handlers run on the calling worker thread. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/hooks.h"

namespace boss::testing {

class FakeHooks : public Hooks {
 public:
  using Handler = std::function<HookResult(const std::string& container_id)>;
  void on(const std::string& service, Hook hook, Handler handler) {
    std::lock_guard lock(m_mutex);
    m_handlers[{service, hook}] = std::move(handler);
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(m_mutex);
    return m_calls;
  }

  HookResult call(const std::string& service, Hook hook, const std::string& container_id,
                  std::chrono::steady_clock::time_point, const Cancel& cancel, int instance = 1,
                  std::optional<int> exit_code = std::nullopt) override {
    Handler handler;
    {
      std::lock_guard lock(m_mutex);
      m_calls.push_back(service + (instance > 1 ? "#" + std::to_string(instance) : "") + "." + hook_name(hook) +
                        (exit_code ? "(" + std::to_string(*exit_code) + ")" : ""));
      const auto it = m_handlers.find({service, hook});
      if (it != m_handlers.end()) handler = it->second;
    }
    if (cancel.requested()) return {HookResult::Status::cancelled, false, "", ""};
    return handler ? handler(container_id) : HookResult{};
  }
  HookResult on_start(const std::vector<std::string>& services) override { return group("on_start", services); }
  HookResult on_stop(const std::vector<std::string>& services) override { return group("on_stop", services); }
  HookResult on_reload(const std::string& service) override { return group("on_reload", {service}); }
  // Recorded as "on_done(migrate:done:0,web-seed:skipped:-)", the results kept whole.
  HookResult on_done(const std::vector<JobResult>& results) override {
    std::vector<std::string> parts;
    for (const auto& r : results)
      parts.push_back(r.name + ":" + r.status + ":" + (r.exit_code ? std::to_string(*r.exit_code) : "-"));
    {
      std::lock_guard lock(m_mutex);
      m_done.push_back(results);
    }
    return group("on_done", parts);
  }
  std::vector<std::vector<JobResult>> done_results() const {
    std::lock_guard lock(m_mutex);
    return m_done;
  }

 private:
  HookResult group(const std::string& name, const std::vector<std::string>& services) {
    std::lock_guard lock(m_mutex);
    std::string call = name + "(";
    for (std::size_t i = 0; i < services.size(); ++i) call += (i ? "," : "") + services[i];
    m_calls.push_back(call + ")");
    return {};
  }

  mutable std::mutex m_mutex;
  std::map<std::pair<std::string, Hook>, Handler> m_handlers;
  std::vector<std::string> m_calls;
  std::vector<std::vector<JobResult>> m_done;
};

}  // namespace boss::testing
