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
                  std::chrono::steady_clock::time_point, const Cancel& cancel, int instance = 1) override {
    Handler handler;
    {
      std::lock_guard lock(m_mutex);
      m_calls.push_back(service + (instance > 1 ? "#" + std::to_string(instance) : "") + "." + hook_name(hook));
      const auto it = m_handlers.find({service, hook});
      if (it != m_handlers.end()) handler = it->second;
    }
    if (cancel.requested()) return {HookResult::Status::cancelled, false, "", ""};
    return handler ? handler(container_id) : HookResult{};
  }
  HookResult on_start(const std::vector<std::string>& services) override { return group("on_start", services); }
  HookResult on_stop(const std::vector<std::string>& services) override { return group("on_stop", services); }
  HookResult on_reload(const std::string& service) override { return group("on_reload", {service}); }

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
};

}  // namespace boss::testing
