#include "proxy/upstreams.h"

#include <algorithm>

#include "core/errors.h"
#include "core/instances.h"
#include "core/launch.h"
#include "core/one_off.h"

namespace boss {

std::optional<Upstream> upstream_of(const ContainerInfo& container, const std::string& network, int port) {
  if (!container.running()) return std::nullopt;
  if (const auto it = container.addresses.find(network); it != container.addresses.end() && !it->second.empty())
    return Upstream{it->second, port, container.name};
  for (const auto& published : container.ports) {
    if (published.container_port != port || published.protocol != "tcp") continue;
    std::string address = published.host_ip;
    if (address.empty() || address == "0.0.0.0") address = "127.0.0.1";
    if (address == "::") address = "::1";
    return Upstream{address, published.host_port, container.name};
  }
  return std::nullopt;
}

UpstreamFinder::UpstreamFinder(Engine& engine, const Project& project, std::chrono::milliseconds ttl)
    : m_engine(engine), m_project(project), m_ttl(ttl) {}

UpstreamFinder::Known UpstreamFinder::look_up(const std::string& name, int port) {
  Known known;
  known.at = std::chrono::steady_clock::now();
  std::vector<std::pair<int, Upstream>> found;
  bool any_running = false;
  int first = 0;
  try {
    for (const auto& c : m_engine.list_containers({{kLabelProject, m_project.name}, {kLabelService, name}})) {
      if (c.labels.count(kLabelOneOff)) continue;
      any_running = any_running || c.running();
      if (known.first.empty() || instance_of(c.labels) < first) {
        known.first = c.name;
        first = instance_of(c.labels);
      }
      if (auto upstream = upstream_of(c, m_project.network_name(), port))
        found.emplace_back(instance_of(c.labels), std::move(*upstream));
    }
  } catch (const EngineError& e) {
    known.problem = "cannot list service '" + name + "''s containers: " + first_line(e.what());
    known.at = {};  // ask again next time
    return known;
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [number, upstream] : found) known.upstreams.push_back(std::move(upstream));
  if (known.upstreams.empty())
    known.problem = any_running ? "service '" + name + "' runs on no address boss can reach (not on network " +
                                      m_project.network_name() + ", port " + std::to_string(port) +
                                      " not published)"
                                : "service '" + name + "' is not running (boss start " + name + ")";
  return known;
}

std::variant<Upstream, std::string> UpstreamFinder::find(const std::string& name) {
  const ServiceSpec* service = m_project.find(name);
  if (!service) service = template_of_launched(m_project, name);  // a launched container (core/launch.h)
  if (!service || !service->http) return "service '" + name + "' has no http field";
  {
    std::lock_guard lock(m_mutex);
    const auto it = m_known.find(name);
    if (it != m_known.end() && std::chrono::steady_clock::now() - it->second.at < m_ttl) {
      Known& known = it->second;
      if (known.upstreams.empty()) return known.problem;
      return known.upstreams[known.next++ % known.upstreams.size()];
    }
  }
  Known fresh = look_up(name, service->http->port);  // the engine call, outside the lock
  std::lock_guard lock(m_mutex);
  Known& known = m_known[name] = std::move(fresh);
  if (known.upstreams.empty()) return known.problem;
  return known.upstreams[known.next++ % known.upstreams.size()];
}

std::string UpstreamFinder::container_of(const std::string& name) {
  {
    std::lock_guard lock(m_mutex);
    const auto it = m_known.find(name);
    if (it != m_known.end() && !it->second.first.empty()) return it->second.first;
  }
  const ServiceSpec* service = m_project.find(name);
  if (!service) service = template_of_launched(m_project, name);
  return m_project.container_name(instance_host(name, service ? shown_instance(*service, 1) : 0));
}

void UpstreamFinder::forget(const std::string& service) {
  std::lock_guard lock(m_mutex);
  m_known.erase(service);
}

}  // namespace boss
