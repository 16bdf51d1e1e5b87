// Decorators that pass every event and log line on with the known secrets replaced by
// "***" (core/secrets.h): the CLI puts them in front of its renderers, so no renderer
// (tty, plain, json, the log printer) can show a secret, whatever text carries it.
#pragma once

#include "core/events.h"
#include "core/log_sink.h"
#include "core/secrets.h"

namespace boss {

// Every text of `event` redacted: reasons, hook output, warnings, traces, progress text,
// the summary's reasons, causes, log tails and error.
Event redacted(const Event& event, const SecretRedactor& secrets);

class RedactingSink : public EventSink {
 public:
  RedactingSink(EventSink& inner, const SecretRedactor& secrets) : m_inner(inner), m_secrets(secrets) {}
  void emit(const Event& event) override;

 private:
  EventSink& m_inner;
  const SecretRedactor& m_secrets;
};

class RedactingLogSink : public LogSink {
 public:
  RedactingLogSink(LogSink& inner, const SecretRedactor& secrets) : m_inner(inner), m_secrets(secrets) {}
  void line(const std::string& service, int instance, const LogLine& line) override;
  void idle() override { m_inner.idle(); }

 private:
  LogSink& m_inner;
  const SecretRedactor& m_secrets;
};

}  // namespace boss
