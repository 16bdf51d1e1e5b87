// Where a published port listens on the host, as services.lua's `ports` values spell it:
// a port number, "ADDR:PORT", "[IPv6]:PORT", or "ADDR:" (any free port on ADDR).
#pragma once

#include <optional>
#include <string>

namespace boss {

struct HostBinding {
  std::string ip;  // "" = every address; an IPv4 or IPv6 address otherwise (no brackets)
  int port = 0;    // 0 = any free port, chosen by the engine
  bool operator==(const HostBinding&) const = default;
};

// The accepted forms, for messages.
inline constexpr const char* kHostBindingForms = "a port 0..65535, 'ADDR:PORT', '[IPv6]:PORT' or 'ADDR:'";

// Parses the text form: "5433", "127.0.0.1:5433", "[::1]:5433", "127.0.0.1:" (port 0).
// nullopt when the address is not a numeric IPv4 or bracketed IPv6 address, or the port
// is not a whole number 0..65535.
std::optional<HostBinding> parse_host_binding(const std::string& text);

// "5433", "127.0.0.1:5433", "[::1]:0": the binding as text that parses back to it.
std::string host_binding_text(const HostBinding& binding);

}  // namespace boss
