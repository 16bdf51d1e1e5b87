// Where core code sends everything a user may see. Core never prints; ui/ renders.
// Every method is thread-safe and may be called from any thread.
#pragma once

#include <string>

namespace boss {

class Reporter {
 public:
  virtual ~Reporter() = default;
  // A service changed state: "pulling image busybox", "created", "up (0.4 s)".
  virtual void service_event(const std::string& service, const std::string& text) = 0;
  // A line of pull/build progress for a service (shown unless quiet).
  virtual void progress(const std::string& service, const std::string& line) = 0;
  // boss.log(...) from a hook; `service` is empty outside a service hook.
  virtual void log(const std::string& service, const std::string& text) = 0;
  // A problem that does not stop the command.
  virtual void warning(const std::string& text) = 0;
  // Details shown only with -v: engine calls, Lua tracebacks.
  virtual void verbose(const std::string& text) = 0;
};

// Discards everything; for tests and for --quiet building blocks.
class NullReporter : public Reporter {
 public:
  void service_event(const std::string&, const std::string&) override {}
  void progress(const std::string&, const std::string&) override {}
  void log(const std::string&, const std::string&) override {}
  void warning(const std::string&) override {}
  void verbose(const std::string&) override {}
};

}  // namespace boss
