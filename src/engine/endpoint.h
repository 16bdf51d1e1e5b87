// Where an engine listens and how to reach it: a unix socket, TCP (plain or TLS), or an
// ssh host whose docker CLI relays the connection (`docker system dial-stdio`).
#pragma once

#include <optional>
#include <string>

namespace boss {

// The client side of a TLS connection to the engine, as DOCKER_CERT_PATH lays it out.
struct TlsFiles {
  std::string ca;    // the CA the engine's certificate must be signed by; "" with verify off
  std::string cert;  // our certificate ("" = none: an engine that wants one refuses us)
  std::string key;   // its key
  bool verify = true;  // check the engine's certificate and that it names the host
  bool operator==(const TlsFiles&) const = default;
};

struct Endpoint {
  enum class Kind { Unix, Tcp, Ssh };
  Kind kind = Kind::Unix;
  std::string socket_path;  // Kind::Unix
  std::string host;         // Kind::Tcp, Kind::Ssh
  int port = 0;             // Kind::Tcp; Kind::Ssh: 0 = ssh's own default
  std::string user;         // Kind::Ssh: "" = ssh's own default
  std::optional<TlsFiles> tls;  // Kind::Tcp with TLS
  // As the user would write it: "unix:///var/run/docker.sock", "tcp://host:2376",
  // "ssh://me@host:2222".
  std::string display() const;
  bool operator==(const Endpoint&) const = default;
};

// "" (unset) -> unix:///var/run/docker.sock; unix:///path, tcp://host[:port] (port
// default 2375, or 2376 when `tls`), ssh://[user@]host[:port]. Throws DefinitionError
// naming `origin` ("DOCKER_HOST", "-H") for anything else.
Endpoint parse_docker_host(const std::string& value, std::optional<TlsFiles> tls = std::nullopt,
                           const std::string& origin = "DOCKER_HOST");

// The host part of an endpoint other engines would use to reach it: its TCP or ssh host
// (without brackets), or "" for a unix socket (this machine).
std::string endpoint_host(const Endpoint& endpoint);

}  // namespace boss
