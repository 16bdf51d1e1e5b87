#include "compose/compose_ports.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/command_words.h"
#include "core/host_binding.h"

namespace boss::compose {
namespace {

struct Range {
  int first = 0;
  int last = 0;  // == first for a single port
  int size() const { return last - first + 1; }
};

// "80" or "9000-9001"; `allow_zero` for host ports ("0": any free port).
std::optional<Range> parse_range(const std::string& text, bool allow_zero) {
  auto number = [&](const std::string& part) -> std::optional<int> {
    if (part.empty() || part.size() > 5 || !std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c); }))
      return std::nullopt;
    const int n = std::stoi(part);
    if (n > 65535 || (n == 0 && !allow_zero)) return std::nullopt;
    return n;
  };
  const auto dash = text.find('-');
  const auto first = number(text.substr(0, dash));
  if (!first) return std::nullopt;
  if (dash == std::string::npos) return Range{*first, *first};
  const auto last = number(text.substr(dash + 1));
  if (!last || *last < *first) return std::nullopt;
  return Range{*first, *last};
}

class PortReader {
 public:
  PortReader(Context& context, const yaml::Node& item, const std::string& service)
      : m_context(context), m_item(item), m_prefix("service '" + service + "': ports: ") {}

  std::vector<PortBinding> read() {
    if (m_item.is_map()) return read_long();
    const std::string text = m_context.text(m_item, m_prefix + "item");
    return read_short(text);
  }

 private:
  [[noreturn]] void fail(const yaml::Node& node, const std::string& message) const {
    m_context.fail(node, m_prefix + message);
  }

  std::string checked_ip(const yaml::Node& node, const std::string& ip) const {
    if (ip.empty()) return ip;
    const std::string as_binding = (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":0";
    if (!parse_host_binding(as_binding))
      fail(node, "host address '" + ip + "' must be a numeric IPv4 or IPv6 address");
    return ip;
  }

  std::string checked_protocol(const yaml::Node& node, const std::string& protocol) const {
    if (protocol != "tcp" && protocol != "udp") fail(node, "protocol '" + protocol + "' is not tcp or udp");
    return protocol;
  }

  // Container ports with the host ports they are published on ("" = any free port).
  std::vector<PortBinding> pair(const yaml::Node& node, const std::string& container, const std::string& host,
                                const std::string& ip, const std::string& protocol) {
    const auto targets = parse_range(container, false);
    if (!targets) fail(node, "container port '" + container + "' must be a port 1..65535 or a range like 9000-9001");
    std::optional<Range> published;
    if (!host.empty()) {
      published = parse_range(host, true);
      if (!published) fail(node, "host port '" + host + "' must be a port 0..65535 or a range like 9000-9001");
    }
    if (published && published->size() != targets->size()) {
      if (targets->size() != 1) fail(node, "host range " + host + " and container range " + container + " differ in length");
      m_context.warn(node, m_prefix + "host port range " + host + " for one container port is not supported: " +
                               container + " is published on any free port instead");
      published.reset();
    }
    std::vector<PortBinding> out;
    for (int i = 0; i < targets->size(); ++i) {
      PortBinding binding;
      binding.container_port = targets->first + i;
      binding.protocol = protocol;
      binding.host_port = published ? published->first + i : 0;
      binding.host_ip = ip;
      out.push_back(binding);
    }
    return out;
  }

  std::vector<PortBinding> read_short(std::string text) {
    std::string protocol = "tcp";
    if (const auto slash = text.rfind('/'); slash != std::string::npos) {
      protocol = checked_protocol(m_item, text.substr(slash + 1));
      text.erase(slash);
    }
    std::string ip;
    if (!text.empty() && text[0] == '[') {
      const auto close = text.find(']');
      if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
        fail(m_item, "'" + text + "' must look like [IPv6]:HOST:CONTAINER");
      ip = text.substr(1, close - 1);
      text.erase(0, close + 2);
      if (text.find(':') == std::string::npos) text = ":" + text;  // "[::1]:80": any host port
    }
    std::vector<std::string> parts = split_at(text, ':');
    if (parts.size() == 3 && ip.empty()) {
      ip = parts[0];
      parts.erase(parts.begin());
    }
    if (parts.size() > 2)
      fail(m_item, "'" + text + "' must look like [HOST_IP:][HOST:]CONTAINER[/PROTOCOL] (an IPv6 address in [ ])");
    checked_ip(m_item, ip);
    return parts.size() == 1 ? pair(m_item, parts[0], "", ip, protocol) : pair(m_item, parts[1], parts[0], ip, protocol);
  }

  std::vector<PortBinding> read_long() {
    std::string target, published, ip, protocol = "tcp";
    const yaml::Node* target_node = nullptr;
    for (const auto& [key, value] : m_item.entries) {
      const std::string name = key.text;
      if (name == "target") {
        target = m_context.text(value, m_prefix + "'target'");
        target_node = &value;
      } else if (name == "published") {
        published = m_context.text(value, m_prefix + "'published'");
      } else if (name == "host_ip") {
        ip = checked_ip(value, m_context.text(value, m_prefix + "'host_ip'"));
      } else if (name == "protocol") {
        protocol = checked_protocol(value, m_context.text(value, m_prefix + "'protocol'"));
      } else if (name == "mode") {
        const std::string mode = m_context.text(value, m_prefix + "'mode'");
        if (mode != "host" && mode != "ingress") fail(value, "mode '" + mode + "' is not host or ingress");
      } else if (name == "name" || name == "app_protocol") {
        m_context.warn(key, m_prefix + "'" + name + "' is not supported by boss, ignored");
      } else {
        fail(key, "unknown key '" + name + "' (ports take target, published, host_ip, protocol, mode)");
      }
    }
    if (!target_node) fail(m_item, "'target' (the container port) is missing");
    return pair(*target_node, target, published, ip, protocol);
  }

  Context& m_context;
  const yaml::Node& m_item;
  std::string m_prefix;
};

}  // namespace

std::vector<PortBinding> read_port(Context& context, const yaml::Node& item, const std::string& service) {
  return PortReader(context, item, service).read();
}

}  // namespace boss::compose
