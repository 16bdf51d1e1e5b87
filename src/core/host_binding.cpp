#include "core/host_binding.h"

#include <arpa/inet.h>

namespace boss {

namespace {

bool parse_port(const std::string& text, int& port) {
  if (text.empty() || text.size() > 5) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  port = std::stoi(text);
  return port <= 65535;
}

bool is_ip(int family, const std::string& text) {
  unsigned char buffer[sizeof(struct in6_addr)];
  return inet_pton(family, text.c_str(), buffer) == 1;
}

}  // namespace

std::optional<HostBinding> parse_host_binding(const std::string& text) {
  HostBinding binding;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    binding.ip = text.substr(1, close - 1);
    if (!is_ip(AF_INET6, binding.ip)) return std::nullopt;
    port_text = text.substr(close + 2);
  } else if (const auto colon = text.find(':'); colon != std::string::npos) {
    binding.ip = text.substr(0, colon);
    if (!is_ip(AF_INET, binding.ip)) return std::nullopt;  // IPv6 goes in brackets
    port_text = text.substr(colon + 1);
  } else {
    port_text = text;
    if (port_text.empty()) return std::nullopt;
  }
  if (port_text.empty()) return binding;  // "ADDR:": any free port on that address
  if (!parse_port(port_text, binding.port)) return std::nullopt;
  return binding;
}

std::string host_binding_text(const HostBinding& binding) {
  const std::string port = std::to_string(binding.port);
  if (binding.ip.empty()) return port;
  if (binding.ip.find(':') != std::string::npos) return "[" + binding.ip + "]:" + port;
  return binding.ip + ":" + port;
}

}  // namespace boss
