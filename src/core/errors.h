// Error types shared by every layer. A user sees exactly one line per error, so each
// message must name the thing it is about (service, field, file:line) and be lowercase.
#pragma once

#include <stdexcept>
#include <string>

namespace boss {

// The first line of `text`, with " (more with -v)" when lines were dropped: users see one
// line per error; the whole text goes to the verbose output.
inline std::string first_line(const std::string& text) {
  auto end = text.find('\n');
  if (end != std::string::npos && end + 1 == text.size()) return text.substr(0, end);
  if (end == std::string::npos) return text;
  return text.substr(0, end) + " (more with -v)";
}

// Bad services.lua or bad command line: nothing has been touched yet. Exit code 2.
class DefinitionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The engine refused or failed a request (HTTP error, unreachable socket, bad JSON).
// `status` is the HTTP status, 0 when the engine could not be reached at all.
class EngineError : public std::runtime_error {
 public:
  EngineError(const std::string& message, int status = 0)
      : std::runtime_error(message), m_status(status) {}
  int status() const { return m_status; }

 private:
  int m_status;
};

// Work stopped because its Cancel was requested (Ctrl-C, a deadline): not a failure of
// the work itself, so callers report it as interrupted, never as failed.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Any other failure that aborts a whole command (exit code 1).
class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace boss
