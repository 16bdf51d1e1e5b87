#include "engine/raw_http.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_SUITE("engine") {

TEST_CASE("raw http: an upgrade request asks for the connection and carries its body") {
  CHECK(upgrade_request_text("POST", "/v1.41/exec/abc/start", "localhost", "application/json", "{\"Tty\":true}") ==
        "POST /v1.41/exec/abc/start HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
        "Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"Tty\":true}");
  CHECK(upgrade_request_text("POST", "/x", "h", "", "") ==
        "POST /x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("raw http: response heads") {
  const auto upgraded = parse_response_head(
      "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\n"
      "Upgrade: tcp\r\n\r\n");
  REQUIRE(upgraded);
  CHECK(upgraded->status == 101);
  CHECK_FALSE(upgraded->content_length);

  const auto missing = parse_response_head("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                                           "content-length:  31 \r\n\r\n");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->content_length == 31u);

  CHECK(parse_response_head("HTTP/1.0 200\n\n")->status == 200);
  CHECK_FALSE(parse_response_head("SSH-2.0-OpenSSH\r\n\r\n"));
  CHECK_FALSE(parse_response_head("HTTP/1.1 20x OK\r\n\r\n"));
  CHECK_FALSE(parse_response_head("HTTP/1.1 2000 OK\r\n\r\n"));
  CHECK_FALSE(parse_response_head("HTTP/1.1 404 x\r\nContent-Length: 1x\r\n\r\n")->content_length);
}

TEST_CASE("raw http: a head is complete at its empty line") {
  CHECK_FALSE(head_complete("HTTP/1.1 101 UPGRADED\r\n"));
  CHECK(head_complete("HTTP/1.1 101 UPGRADED\r\nA: b\r\n\r\n"));
  CHECK(head_complete("HTTP/1.1 101 UPGRADED\n\n"));
}

}
