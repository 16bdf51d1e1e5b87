#include "ui/ports_text.h"

#include <algorithm>

namespace boss {

namespace {

std::string host_text(const std::string& ip) {
  if (ip.empty() || ip == "0.0.0.0" || ip == "::") return "localhost";
  if (ip.find(':') != std::string::npos) return "[" + ip + "]";
  return ip;
}

}  // namespace

std::vector<std::string> port_addresses(const std::vector<PublishedPort>& ports) {
  std::vector<std::string> shown;
  for (const auto& p : ports) {
    std::string text = host_text(p.host_ip) + ":" + std::to_string(p.host_port) + " -> " +
                       std::to_string(p.container_port) + "/" + p.protocol;
    if (std::find(shown.begin(), shown.end(), text) == shown.end()) shown.push_back(std::move(text));
  }
  return shown;
}

std::string format_ports(const std::vector<PublishedPort>& ports) {
  std::string out;
  for (const auto& address : port_addresses(ports)) out += (out.empty() ? "" : ", ") + address;
  return out;
}

}  // namespace boss
