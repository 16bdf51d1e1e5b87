// The two ends of an HTTP exchange that boss writes and reads by hand: a request whose
// connection the engine takes over afterwards (Docker's "hijack" of attach and exec
// start), where libcurl only opens the socket. Pure functions, tested without an engine.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace boss {

// The whole request: "POST <target> HTTP/1.1", Host, `Connection: Upgrade`,
// `Upgrade: tcp`, the content type when not empty, Content-Length, then the body.
std::string upgrade_request_text(std::string_view method, std::string_view target, std::string_view host,
                                 std::string_view content_type, std::string_view body);

// A response's status line and headers, up to and including the empty line.
struct ResponseHead {
  int status = 0;
  std::optional<std::size_t> content_length;
};
// Parses a head ending in "\r\n\r\n" (or "\n\n"); nullopt when the status line is not
// HTTP/1.x with a three-digit status.
std::optional<ResponseHead> parse_response_head(std::string_view head);
// True once `received` ends with the empty line that ends a head.
bool head_complete(std::string_view received);

}  // namespace boss
