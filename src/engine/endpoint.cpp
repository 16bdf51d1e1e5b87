#include "engine/endpoint.h"

#include "core/errors.h"

namespace boss {

namespace {

constexpr const char* kDefaultDockerHost = "unix:///var/run/docker.sock";

bool all_digits(const std::string& text) {
  return !text.empty() && text.size() <= 5 && text.find_first_not_of("0123456789") == std::string::npos;
}

// "host", "host:port", "[v6]", "[v6]:port" -> host (no brackets) and port (0 = none).
bool split_host_port(std::string rest, std::string& host, int& port) {
  port = 0;
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos) return false;
  std::string port_text;
  if (rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos || close == 1) return false;
    host = rest.substr(1, close - 1);
    const std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return false;
      port_text = after.substr(1);
      if (port_text.empty()) return false;
    }
  } else {
    const auto colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find(':') != colon) {
      host = rest;  // a bare IPv6 address
    } else if (colon != std::string::npos) {
      host = rest.substr(0, colon);
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) return false;
    } else {
      host = rest;
    }
  }
  if (host.empty()) return false;
  if (!port_text.empty()) {
    if (!all_digits(port_text)) return false;
    port = std::stoi(port_text);
    if (port <= 0 || port > 65535) return false;
  }
  return true;
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

std::string Endpoint::display() const {
  switch (kind) {
    case Kind::Unix: return "unix://" + socket_path;
    case Kind::Tcp: return "tcp://" + bracketed(host) + ":" + std::to_string(port);
    case Kind::Ssh:
      return "ssh://" + (user.empty() ? "" : user + "@") + bracketed(host) +
             (port ? ":" + std::to_string(port) : "");
  }
  return "";
}

Endpoint parse_docker_host(const std::string& value, std::optional<TlsFiles> tls, const std::string& origin) {
  const std::string text = value.empty() ? kDefaultDockerHost : value;
  auto unsupported = [&](const std::string& why) {
    return DefinitionError("unsupported " + origin + " '" + text + "': " + why);
  };
  const std::string forms = "use unix:///path, tcp://host[:port] or ssh://[user@]host[:port]";
  Endpoint endpoint;
  if (text.rfind("unix://", 0) == 0) {
    endpoint.kind = Endpoint::Kind::Unix;
    endpoint.socket_path = text.substr(7);
    if (endpoint.socket_path.empty() || endpoint.socket_path[0] != '/') throw unsupported(forms);
    return endpoint;
  }
  if (text.rfind("tcp://", 0) == 0) {
    endpoint.kind = Endpoint::Kind::Tcp;
    if (!split_host_port(text.substr(6), endpoint.host, endpoint.port)) throw unsupported(forms);
    if (endpoint.port == 0) endpoint.port = tls ? 2376 : 2375;
    endpoint.tls = std::move(tls);
    return endpoint;
  }
  if (text.rfind("ssh://", 0) == 0) {
    endpoint.kind = Endpoint::Kind::Ssh;
    std::string rest = text.substr(6);
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
      endpoint.user = rest.substr(0, at);
      rest = rest.substr(at + 1);
      if (endpoint.user.empty()) throw unsupported(forms);
    }
    if (!split_host_port(rest, endpoint.host, endpoint.port))
      throw unsupported("ssh:// takes [user@]host[:port] and no path");
    // The host and user go to ssh as arguments: nothing that ssh would read as an option.
    if (endpoint.host[0] == '-' || (!endpoint.user.empty() && endpoint.user[0] == '-'))
      throw unsupported(forms);
    return endpoint;
  }
  throw unsupported(forms);
}

std::string endpoint_host(const Endpoint& endpoint) {
  return endpoint.kind == Endpoint::Kind::Unix ? "" : endpoint.host;
}

}  // namespace boss
