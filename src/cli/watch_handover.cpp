#include "cli/watch_handover.h"

#include <fcntl.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace boss {

namespace {

DefinitionError bad(const std::string& why) {
  return DefinitionError(std::string(kWatchHandoverVariable) + ": " + why + " (it is boss watch's own; unset it)");
}

}  // namespace

std::string handover_text(const WatchHandover& handover) {
  nlohmann::json pending = nlohmann::json::array();
  for (const auto& p : handover.pending) pending.push_back(p.string());
  return nlohmann::json{{"fd", handover.fd}, {"pending", pending}}.dump();
}

WatchHandover parse_handover(const std::string& text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw bad("not JSON");
  }
  if (!doc.is_object() || !doc.contains("fd") || !doc["fd"].is_number_integer() || doc["fd"].get<long long>() < 0 ||
      doc["fd"].get<long long>() > 1 << 20)
    throw bad("no descriptor number 'fd'");
  WatchHandover out;
  out.fd = doc["fd"].get<int>();
  if (doc.contains("pending")) {
    if (!doc["pending"].is_array()) throw bad("'pending' is not a list of paths");
    for (const auto& p : doc["pending"]) {
      if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>()[0] != '/')
        throw bad("'pending' holds something other than an absolute path");
      out.pending.emplace_back(p.get<std::string>());
    }
  }
  return out;
}

void pass_on(const WatchHandover& handover) {
  const int flags = ::fcntl(handover.fd, F_GETFD);
  if (flags >= 0) ::fcntl(handover.fd, F_SETFD, flags & ~FD_CLOEXEC);
  ::setenv(kWatchHandoverVariable, handover_text(handover).c_str(), 1);
}

std::optional<WatchHandover> take_handover() {
  const char* value = std::getenv(kWatchHandoverVariable);
  if (!value) return std::nullopt;
  const std::string text = value;
  ::unsetenv(kWatchHandoverVariable);
  WatchHandover handover = parse_handover(text);
  const int flags = ::fcntl(handover.fd, F_GETFD);
  if (flags < 0) throw bad("descriptor " + std::to_string(handover.fd) + " is not open");
  // Not inherited by what this process runs (hooks' commands); pass_on opens it again.
  ::fcntl(handover.fd, F_SETFD, flags | FD_CLOEXEC);
  return handover;
}

}  // namespace boss
