#include "proxy/admin_exchange.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace boss;

TEST_CASE("admin exchange: a whole answer, once, and a wake for it") {
  std::atomic<int> wakes{0};
  AdminExchange exchange(nullptr, [&] { ++wakes; });
  exchange.send(201, "application/json", "{}", {{"Location", "/x"}});
  exchange.send(500, "text/plain", "ignored");
  exchange.finish();
  const auto taken = exchange.take();
  REQUIRE(taken.head);
  CHECK(taken.head->status == 201);
  CHECK(taken.head->whole);
  CHECK(taken.head->body == "{}");
  CHECK(taken.head->headers.at(0).second == "/x");
  CHECK(taken.ended);
  CHECK(wakes >= 1);
  CHECK_FALSE(exchange.take().head);  // once
}

TEST_CASE("admin exchange: a handler that gives no answer is a 500") {
  AdminExchange exchange(nullptr, [] {});
  exchange.finish("engine unreachable");
  const auto taken = exchange.take();
  REQUIRE(taken.head);
  CHECK(taken.head->status == 500);
  CHECK(taken.head->body == "engine unreachable\n");
}

TEST_CASE("admin exchange: streamed pieces in order, a bounded window, cancel unblocks") {
  AdminExchange exchange(nullptr, [] {}, 8);
  exchange.begin(200, "text/plain");
  CHECK(exchange.write("0123456789"));  // over the window, but nothing waited
  std::atomic<bool> second_written{false};
  std::thread writer([&] {
    exchange.write("abc");  // waits: 10 bytes are not taken yet
    second_written = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(second_written);
  auto taken = exchange.take();
  REQUIRE(taken.head);
  CHECK_FALSE(taken.head->whole);
  CHECK(taken.bytes == "0123456789");
  writer.join();
  CHECK(exchange.take().bytes == "abc");

  CHECK(exchange.write(std::string(20, 'x')));
  std::atomic<bool> result{true};
  std::thread blocked([&] { result = exchange.write("y"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  exchange.cancel();
  blocked.join();
  CHECK_FALSE(result);
  CHECK(exchange.cancelled().requested());
  CHECK_FALSE(exchange.write("z"));
}

TEST_CASE("admin exchange: the proxy's Cancel stops a handler; no wake after disconnect") {
  Cancel proxy;
  std::atomic<int> wakes{0};
  AdminExchange exchange(&proxy, [&] { ++wakes; }, 1);
  exchange.begin(200, "text/plain");
  CHECK(exchange.write("ab"));
  std::atomic<bool> result{true};
  std::thread blocked([&] { result = exchange.write("c"); });
  proxy.request();
  blocked.join();
  CHECK_FALSE(result);
  CHECK(exchange.cancelled().requested());
  exchange.disconnect();
  const int before = wakes;
  exchange.finish();
  CHECK(wakes == before);
}
