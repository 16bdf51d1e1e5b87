// The inputs of launches whose template has input = "url" (core/launch.h): boss proxy
// keeps each launch's JSON and serves it to its container at
// GET /_boss/inputs/<name>?token=<token>, the URL its INPUT_JSON_URL holds.
//
// That route is open (admin.h): it takes no admin token and answers any peer, since the
// container is no loopback peer and has no admin token; the launch's own token, random
// (128 bits) and compared in constant time, is its key: missing or wrong, 403; a name
// with no input kept, 404. boss proxy serves it on the project network's gateway address
// (the only address containers use for it), where nothing else of /_boss/ answers.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "proxy/admin.h"

namespace boss {

class LaunchInputs {
 public:
  // Keeps `json` for launch `name` (replacing one kept before); returns its new token.
  std::string add(const std::string& name, const std::string& json);
  void forget(const std::string& name);

  struct Found {
    int status = 200;     // 200, 403 (no or wrong token), 404 (no such input)
    std::string body;     // the JSON (200) or why not, one line
  };
  Found find(const std::string& name, const std::optional<std::string>& token) const;

 private:
  struct Input {
    std::string token;
    std::string json;
  };
  mutable std::mutex m_mutex;
  std::map<std::string, Input> m_inputs;
};

// 32 lowercase hex digits from the system's random source.
std::string random_token();

// Adds GET /_boss/inputs/<name> (open); `inputs` must outlive it.
void add_input_route(AdminRoutes& routes, const LaunchInputs& inputs);

}  // namespace boss
