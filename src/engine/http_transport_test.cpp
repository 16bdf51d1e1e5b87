#include "engine/http_transport.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/cancel.h"
#include "testing/http_test_server.h"

using namespace boss;
using boss::testing::HttpTestServer;
using namespace std::chrono_literals;

namespace {

HttpRequest get(const std::string& path) {
  HttpRequest request;
  request.path = path;
  return request;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: url and path encoding") {
  CHECK(url_encode("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(url_encode("{\"label\":[\"k=v\"]}") == "%7B%22label%22%3A%5B%22k%3Dv%22%5D%7D");
  CHECK(url_encode("a b/c") == "a%20b%2Fc");
  CHECK(path_encode("host:5000/team/app@sha256:ab") == "host:5000/team/app@sha256:ab");
  CHECK(path_encode("a b") == "a%20b");
}

TEST_CASE("engine: an unreachable socket is an EngineError naming the endpoint") {
  HttpTransport transport(parse_docker_host("unix:///nonexistent/boss-test.sock"));
  HttpRequest request;
  request.path = "/_ping";
  try {
    transport.request(request);
    FAIL("request to a missing socket succeeded");
  } catch (const TransportFailure&) {
    FAIL("unreachable engine reported as a transport failure");
  } catch (const EngineError& error) {
    CHECK(error.status() == 0);
    CHECK(std::string(error.what())
              .rfind("cannot reach the docker engine at unix:///nonexistent/boss-test.sock: ", 0) ==
          0);
  }
}

TEST_CASE("engine: requests from one thread share one keep-alive connection") {
  HttpTestServer server([](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    connection.send(boss::testing::http_response(200, "{\"path\":\"" + request.target + "\"}"));
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  Cancel cancel;
  HttpRequest cancellable = get("/b");
  cancellable.cancel = &cancel;
  CHECK(transport.request(get("/a")).body == R"({"path":"/v1.41/a"})");
  CHECK(transport.request(cancellable).status == 200);
  CHECK(transport.request(get("/c")).status == 200);
  CHECK(server.connections() == 1);
  REQUIRE(server.requests().size() == 3);
  CHECK(server.requests()[1].target == "/v1.41/b");
}

TEST_CASE("engine: threads one after another reuse the pool's keep-alive connection") {
  // A worker thread per service must not mean a connection per service.
  HttpTestServer server([](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(boss::testing::http_response(200, "{}"));
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  for (int i = 0; i < 5; ++i) {
    std::thread worker([&] { CHECK(transport.request(get("/x")).status == 200); });
    worker.join();
  }
  CHECK(server.connections() == 1);
  CHECK(server.requests().size() == 5);
}

TEST_CASE("engine: concurrent requests use a connection each, and no more once they are idle") {
  std::atomic<int> inside{0};
  std::atomic<bool> release{false};
  HttpTestServer server([&](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    if (request.target == "/v1.41/slow") {
      ++inside;
      while (!release) std::this_thread::sleep_for(1ms);
    }
    connection.send(boss::testing::http_response(200, "{}"));
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  std::vector<std::thread> workers;
  for (int i = 0; i < 3; ++i) workers.emplace_back([&] { CHECK(transport.request(get("/slow")).status == 200); });
  while (inside < 3) std::this_thread::sleep_for(1ms);
  release = true;
  for (auto& w : workers) w.join();
  CHECK(server.connections() == 3);
  for (int i = 0; i < 6; ++i) CHECK(transport.request(get("/fast")).status == 200);
  CHECK(server.connections() == 3);
}

TEST_CASE("engine: a request from inside a callback of the same thread's transfer works") {
  HttpTestServer server([](const HttpTestServer::Request& request, HttpTestServer::Connection& connection) {
    if (request.target == "/v1.41/stream") {
      connection.send(boss::testing::http_chunked_head(200, "application/json"));
      connection.send(boss::testing::http_chunk("one"));
      connection.send(boss::testing::http_chunk("two"));
      connection.send(boss::testing::http_chunk(""));
    } else {
      connection.send(boss::testing::http_response(200, "inner"));
    }
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  std::vector<std::string> seen;
  HttpRequest stream = get("/stream");
  stream.on_chunk = [&](std::string_view chunk) {
    seen.emplace_back(chunk);
    seen.push_back(transport.request(get("/inner")).body);
  };
  transport.request(stream);
  CHECK(seen == std::vector<std::string>{"one", "inner", "two", "inner"});
  CHECK(transport.request(get("/after")).body == "inner");  // the thread's own handle is free again
}

TEST_CASE("engine: a cancelled request stops at once though no byte moves, and closes its connection") {
  std::atomic<bool> closed{false};
  HttpTestServer server([&](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    // Never answers: like a build step that sleeps, or a registry that does not reply.
    closed = connection.wait_closed(10s);
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  Cancel cancel;
  HttpRequest request = get("/build");
  request.method = "POST";
  request.cancel = &cancel;
  request.timeout = 0ms;
  std::chrono::steady_clock::time_point requested_at;
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    requested_at = std::chrono::steady_clock::now();
    cancel.request();
  });
  CHECK_THROWS_WITH_AS(transport.request(request), "POST /build cancelled", Interrupted);
  const auto returned_at = std::chrono::steady_clock::now();
  canceller.join();
  const double latency = std::chrono::duration<double, std::milli>(returned_at - requested_at).count();
  MESSAGE("cancel latency of an idle request: " << latency << " ms");
  CHECK(latency < 1000);
  for (int i = 0; i < 100 && !closed; ++i) std::this_thread::sleep_for(10ms);
  CHECK(closed);

  // A request whose Cancel is already requested is not sent at all.
  CHECK_THROWS_AS(transport.request(request), Interrupted);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("engine: a Cancel's parent cancels the request too") {
  HttpTestServer server([&](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(boss::testing::http_chunked_head(200, "application/json"));
    connection.wait_closed(10s);
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  Cancel process;
  Cancel operation(&process);
  HttpRequest request = get("/events");
  request.cancel = &operation;
  request.on_chunk = [](std::string_view) {};
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);
    process.request();
  });
  CHECK_THROWS_AS(transport.request(request), Interrupted);
  canceller.join();
}

TEST_CASE("engine: on_headers comes before the body, once, with the status") {
  HttpTestServer server([&](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(boss::testing::http_chunked_head(200, "application/json"));
    std::this_thread::sleep_for(50ms);
    connection.send(boss::testing::http_chunk("first"));
    connection.send(boss::testing::http_chunk("second"));
    connection.send(boss::testing::http_chunk(""));
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  std::vector<std::string> seen;
  HttpRequest request = get("/events");
  request.on_headers = [&](int status) { seen.push_back("headers " + std::to_string(status)); };
  request.on_chunk = [&](std::string_view chunk) {
    if (seen.size() == 1) seen.emplace_back();
    seen.back() += chunk;
  };
  const HttpResponse response = transport.request(request);
  CHECK(response.status == 200);
  CHECK(response.body.empty());
  CHECK(seen == std::vector<std::string>{"headers 200", "firstsecond"});
}

TEST_CASE("engine: an error status's body is collected, and on_headers sees the status") {
  HttpTestServer server([&](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(boss::testing::http_response(404, R"({"message":"No such container: x"})"));
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  int headers_status = 0;
  HttpRequest request = get("/containers/x/logs");
  request.on_headers = [&](int status) { headers_status = status; };
  request.on_chunk = [](std::string_view) { FAIL("an error body went to on_chunk"); };
  const HttpResponse response = transport.request(request);
  CHECK(response.status == 404);
  CHECK(headers_status == 404);
  CHECK(response.body == R"({"message":"No such container: x"})");
}

TEST_CASE("engine: an exception from a callback aborts the transfer and comes out of request()") {
  HttpTestServer server([&](const HttpTestServer::Request&, HttpTestServer::Connection& connection) {
    connection.send(boss::testing::http_chunked_head(200, "application/json"));
    connection.send(boss::testing::http_chunk("data"));
    connection.wait_closed(10s);
  });
  const HttpTransport transport(parse_docker_host(server.docker_host()));
  HttpRequest request = get("/stream");
  request.on_chunk = [](std::string_view) { throw std::runtime_error("consumer gave up"); };
  CHECK_THROWS_WITH(transport.request(request), "consumer gave up");
  request.on_chunk = [](std::string_view) {};
  request.on_headers = [](int) { throw std::runtime_error("subscriber gave up"); };
  CHECK_THROWS_WITH(transport.request(request), "subscriber gave up");
}

}  // TEST_SUITE
