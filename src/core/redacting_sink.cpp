#include "core/redacting_sink.h"

#include <type_traits>

namespace boss {

namespace {

template <typename>
inline constexpr bool kAlwaysFalse = false;

void redact_outcome(ServiceOutcome& outcome, const SecretRedactor& secrets) {
  secrets.redact_in_place(outcome.reason);
  secrets.redact_in_place(outcome.cause);
  secrets.redact_in_place(outcome.logs);
}

}  // namespace

Event redacted(const Event& event, const SecretRedactor& secrets) {
  Event out = event;
  std::visit(
      [&](auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, ServiceEvent>) {
          secrets.redact_in_place(body.reason);
        } else if constexpr (std::is_same_v<Body, ProgressEvent>) {
          secrets.redact_in_place(body.progress.text);
          secrets.redact_in_place(body.progress.status);
        } else if constexpr (std::is_same_v<Body, StillWaitingEvent>) {
          secrets.redact_in_place(body.last_result);
        } else if constexpr (std::is_same_v<Body, HookOutputEvent> || std::is_same_v<Body, WarningEvent> ||
                             std::is_same_v<Body, TraceEvent> || std::is_same_v<Body, WatchEvent>) {
          secrets.redact_in_place(body.text);
        } else if constexpr (std::is_same_v<Body, SummaryEvent>) {
          for (auto& outcome : body.result.outcomes) redact_outcome(outcome, secrets);
          secrets.redact_in_place(body.result.error);
        } else if constexpr (std::is_same_v<Body, OperationEvent> || std::is_same_v<Body, ScheduleEvent>) {
          // A command, a project, service names and times: none of them secret.
        } else {
          static_assert(kAlwaysFalse<Body>, "a new event type: redact its texts here");
        }
      },
      out.body);
  return out;
}

void RedactingSink::emit(const Event& event) {
  if (m_secrets.empty()) return m_inner.emit(event);
  m_inner.emit(redacted(event, m_secrets));
}

void RedactingLogSink::line(const std::string& service, int instance, const LogLine& line) {
  if (m_secrets.empty()) return m_inner.line(service, instance, line);
  LogLine copy = line;
  m_secrets.redact_in_place(copy.text);
  m_inner.line(service, instance, copy);
}

}  // namespace boss
