// Where a service's HTTP requests go: its running containers, found by the project's
// labels (boss.project and boss.service; one-off containers never), at the address each
// has on the project network, else at the host port that publishes its http port. Never
// a host or address taken from a request: route.h names a service, this names its
// containers. Boost-free; the server (proxy_server.cpp) asks it from a worker thread.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/engine.h"
#include "core/project.h"

namespace boss {

struct Upstream {
  std::string address;    // an IP literal, IPv6 without brackets
  int port = 0;
  std::string container;  // its name, for messages
  bool operator==(const Upstream&) const = default;
};

// Where `container` answers on its container port `port`: its address on `network`,
// else a host port that publishes it (an unspecified host address as loopback). nullopt
// when it does not run or is reachable by neither.
std::optional<Upstream> upstream_of(const ContainerInfo& container, const std::string& network, int port);

class UpstreamFinder {
 public:
  // What the engine said is trusted for `ttl`: a request does not cost an engine call.
  UpstreamFinder(Engine& engine, const Project& project,
                 std::chrono::milliseconds ttl = std::chrono::milliseconds(1000));

  // Where the next request for `service` (an http service of the project) goes: its
  // running containers in turn. Else one line saying why none can take it.
  std::variant<Upstream, std::string> find(const std::string& service);
  // Forgets what is known of `service`: the next find() asks the engine again (after a
  // connection to it failed, or it was started).
  void forget(const std::string& service);
  // Whose request history an answer of the proxy's own for `service` goes in (a starting
  // page, a failed start): its first container as last listed, running or not, else the
  // name boss gives the container it would make. No engine call.
  std::string container_of(const std::string& service);

 private:
  struct Known {
    std::vector<Upstream> upstreams;
    std::string problem;  // why there are none
    std::string first;    // its first instance's container, running or not; "" for none
    std::chrono::steady_clock::time_point at;
    std::size_t next = 0;
  };
  Known look_up(const std::string& name, int port);

  Engine& m_engine;
  const Project& m_project;
  const std::chrono::milliseconds m_ttl;
  std::mutex m_mutex;
  std::map<std::string, Known> m_known;
};

}  // namespace boss
