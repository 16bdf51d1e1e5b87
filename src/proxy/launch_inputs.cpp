#include "proxy/launch_inputs.h"

#include <cstdio>
#include <random>

namespace boss {

std::string random_token() {
  std::random_device source;
  std::string out;
  for (int i = 0; i < 4; ++i) {
    char text[9];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(source()));
    out += text;
  }
  return out;
}

std::string LaunchInputs::add(const std::string& name, const std::string& json) {
  std::string token = random_token();
  std::lock_guard lock(m_mutex);
  m_inputs[name] = Input{token, json};
  return token;
}

void LaunchInputs::forget(const std::string& name) {
  std::lock_guard lock(m_mutex);
  m_inputs.erase(name);
}

LaunchInputs::Found LaunchInputs::find(const std::string& name, const std::optional<std::string>& token) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_inputs.find(name);
  if (it == m_inputs.end()) return {404, "no launch input '" + name + "'"};
  if (!token) return {403, "the input of '" + name + "' needs its ?token="};
  if (!constant_time_equal(*token, it->second.token)) return {403, "wrong token for the input of '" + name + "'"};
  return {200, it->second.json};
}

void add_input_route(AdminRoutes& routes, const LaunchInputs& inputs) {
  routes.add_prefix(
      "GET", "/inputs/",
      [&inputs](const AdminRequest& request, AdminResponse& response) {
        const auto found = inputs.find(request.rest, request.param("token"));
        if (found.status != 200) return response.error(request, found.status, found.body);
        response.json(200, found.body);
      },
      /*deep=*/false, /*open=*/true);
}

}  // namespace boss
