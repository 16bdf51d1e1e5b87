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
  // `instance`: the instance shown (instances.h), 0 for a single container.
  ServiceProgress(EventSink& events, std::string service, ActionKind action, int instance = 0);

  void set_action(ActionKind action) { m_action = action; }
  void set_container(std::string id) { m_container = std::move(id); }
  void set_job(bool job) { m_job = job; }
  // A sidecar's progress: every event names the job it runs beside (ServiceEvent::sidecar_of).
  void set_sidecar_of(std::string job) { m_sidecar_of = std::move(job); }
  const std::string& container() const { return m_container; }
  const std::string& service() const { return m_service; }
  int instance() const { return m_instance; }
  double elapsed() const;

  void phase(Phase phase, std::string reason = "");
  void hook(const std::string& hook);
  // A final phase with everything the summary shows.
  void final(Phase phase, std::string reason, std::vector<PublishedPort> ports = {},
             std::optional<int> exit_code = std::nullopt, int attempts = 0);

 private:
  EventSink& m_events;
  std::string m_service;
  ActionKind m_action;
  int m_instance;
  std::string m_container;
  bool m_job = false;
  std::string m_sidecar_of;
  std::chrono::steady_clock::time_point m_began = std::chrono::steady_clock::now();
};

}  // namespace boss
