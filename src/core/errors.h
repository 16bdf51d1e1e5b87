// Error types shared by every layer. A user sees exactly one line per error, so each
// message must name the thing it is about (service, field, file:line) and be lowercase.
#pragma once

#include <stdexcept>
#include <string>

namespace boss {

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

// Any other failure that aborts a whole command (exit code 1).
class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace boss
