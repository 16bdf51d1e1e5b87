#include "core/service_progress.h"

namespace boss {

ServiceProgress::ServiceProgress(EventSink& events, std::string service, ActionKind action, int instance)
    : m_events(events), m_service(std::move(service)), m_action(action), m_instance(instance) {}

double ServiceProgress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_began).count();
}

void ServiceProgress::phase(Phase phase, std::string reason) { final(phase, std::move(reason)); }

void ServiceProgress::hook(const std::string& hook) {
  ServiceEvent event;
  event.service = m_service;
  event.instance = m_instance;
  event.phase = Phase::hook;
  event.action = m_action;
  event.hook = hook;
  event.container_id = m_container;
  event.job = m_job;
  event.sidecar_of = m_sidecar_of;
  event.elapsed = elapsed();
  m_events.emit_now(std::move(event));
}

void ServiceProgress::final(Phase phase, std::string reason, std::vector<PublishedPort> ports,
                            std::optional<int> exit_code, int attempts) {
  ServiceEvent event;
  event.service = m_service;
  event.instance = m_instance;
  event.phase = phase;
  event.action = m_action;
  event.reason = std::move(reason);
  event.container_id = m_container;
  event.job = m_job;
  event.sidecar_of = m_sidecar_of;
  event.ports = std::move(ports);
  event.exit_code = exit_code;
  event.attempts = attempts;
  event.elapsed = elapsed();
  m_events.emit_now(std::move(event));
}

}  // namespace boss
