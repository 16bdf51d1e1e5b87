// serve_proxy on loopback against a FakeEngine, spoken to with plain sockets: what it
// records of the answers it gives itself for a container's route.
#include "proxy/proxy_server.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "proxy/history.h"
#include "testing/fake_engine.h"
#include "testing/temp_path.h"

using namespace boss;
using boss::testing::FakeEngine;

namespace {

Project demo() {
  Project p;
  p.name = "demo";
  for (const char* name : {"web", "api"}) {
    ServiceSpec s;
    s.name = name;
    s.image = "img";
    s.http = HttpEndpoint{8080};
    p.services.push_back(s);
  }
  return p;
}

// serve_proxy on 127.0.0.1, an any free port, on a thread of its own until destroyed.
class RunningProxy {
 public:
  RunningProxy(const Project& project, UpstreamFinder& upstreams, ServiceActivity& activity)
      : m_thread([&, this] {
          ProxyOptions options;
          options.listen_port = 0;
          serve_proxy(options, project, upstreams, nullptr, activity, m_admin, m_cancel, [this](const std::string& line) {
            const auto at = line.rfind(':');
            if (line.rfind("listening on ", 0) != 0 || at == std::string::npos) return;
            std::lock_guard lock(m_mutex);
            m_port = std::stoi(line.substr(at + 1));
            m_listening.notify_all();
          });
        }) {
    std::unique_lock lock(m_mutex);
    m_listening.wait(lock, [this] { return m_port != 0; });
  }
  ~RunningProxy() {
    m_cancel.request();
    m_thread.join();
  }
  int port() const { return m_port; }

 private:
  AdminRoutes m_admin;
  Cancel m_cancel;
  std::mutex m_mutex;
  std::condition_variable m_listening;
  int m_port = 0;
  std::thread m_thread;
};

// GET `target` on a connection of its own; the whole answer.
std::string get(int port, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string answer;
  char buffer[4096];
  for (ssize_t got; (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, got);
  ::close(fd);
  return answer;
}

// A loopback port nothing listens on (bound, then closed).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("proxy server: its own answers for a container's route are in that container's history") {
  const auto dir = boss::testing::unique_temp_path("boss-proxy-history-");
  const Project project = demo();
  FakeEngine engine;
  // api runs, published on a loopback port where nothing answers: a 502.
  ContainerSpec api;
  api.name = "demo-api-7f";  // the container's own name, whatever the service's is
  api.image = "img";
  api.labels = {{kLabelProject, "demo"}, {kLabelService, "api"}};
  api.ports = {{8080, "tcp", closed_port(), "127.0.0.1"}};
  engine.add_image("img", "sha256:img");
  engine.start_container(engine.create_container(api));
  UpstreamFinder upstreams(engine, project);
  {
    RequestHistory history(dir);
    ServiceActivity activity(nullptr, &history);
    RunningProxy proxy(project, upstreams, activity);
    // web has no container: a 503, in the history of the container boss would make.
    CHECK(get(proxy.port(), "/web/page?x=1").rfind("HTTP/1.1 503", 0) == 0);
    CHECK(get(proxy.port(), "/api/items").rfind("HTTP/1.1 502", 0) == 0);
    // Refused before any route: no container's.
    CHECK(get(proxy.port(), "/nope/").rfind("HTTP/1.1 404", 0) == 0);
  }
  RequestHistory history(dir);
  const auto web = history.read("demo-web");
  REQUIRE(web.size() == 1);
  CHECK(web[0].method == "GET");
  CHECK(web[0].path == "/web/page?x=1");
  CHECK(web[0].status == 503);
  CHECK(web[0].duration_ms >= 0);
  const auto api_records = history.read("demo-api-7f");
  REQUIRE(api_records.size() == 1);
  CHECK(api_records[0].path == "/api/items");
  CHECK(api_records[0].status == 502);
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 2);
  std::filesystem::remove_all(dir);
}
