// Reports one service's way through an operation as ServiceEvents: every phase change
// carries the service, the action, the time since its work began and what is known of
// its container. Used by one worker at a time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/events.h"

namespace boss {

class ServiceProgress {
 public:
  ServiceProgress(EventSink& events, std::string service, ActionKind action);

  void set_action(ActionKind action) { m_action = action; }
  void set_container(std::string id) { m_container = std::move(id); }
  const std::string& container() const { return m_container; }
  const std::string& service() const { return m_service; }
  double elapsed() const;

  void phase(Phase phase, std::string reason = "");
  void hook(const std::string& hook);
  // A final phase with everything the summary shows.
  void final(Phase phase, std::string reason, std::vector<PublishedPort> ports = {},
             std::optional<int> exit_code = std::nullopt);

 private:
  EventSink& m_events;
  std::string m_service;
  ActionKind m_action;
  std::string m_container;
  std::chrono::steady_clock::time_point m_began = std::chrono::steady_clock::now();
};

}  // namespace boss
