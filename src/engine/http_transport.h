// HTTP/1.1 to the container engine over libcurl: a unix socket or plain tcp.
//
// Contract:
//  - request() may be called from any number of threads at once; each request takes an
//    idle curl handle (with its keep-alive connection) from the transport's pool and puts
//    it back when it ends, so connections are reused across threads (a worker per service
//    does not open a connection per service) and there are never more than the requests
//    in flight; a request made from one of the callbacks below gets a handle of its own;
//  - every path is sent with the API version prefix (/v1.41);
//  - an engine that cannot be reached throws EngineError("cannot reach the docker
//    engine at <endpoint>: <reason>", 0); any other transport failure (timeout, broken
//    connection) throws TransportFailure; HTTP error statuses are returned, not thrown;
//  - a request with a Cancel is abandoned within Cancel::kPollSlice (plus the time a
//    callback takes) of the Cancel being requested, even while no byte moves: its
//    connection is closed, so the engine sees the client go, and request() throws
//    Interrupted.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"

namespace boss {

class Cancel;

inline constexpr const char* kDockerApiPrefix = "/v1.41";

// Where the engine listens, parsed from DOCKER_HOST.
struct Endpoint {
  enum class Kind { Unix, Tcp };
  Kind kind = Kind::Unix;
  std::string socket_path;  // Kind::Unix
  std::string host;         // Kind::Tcp
  int port = 0;             // Kind::Tcp
  // As the user would write it: "unix:///var/run/docker.sock", "tcp://host:2375".
  std::string display() const;
};

// "" (unset) -> unix:///var/run/docker.sock. Throws FatalError for other schemes,
// an empty socket path, or a tcp address without a valid port.
Endpoint parse_docker_host(const std::string& value);
// parse_docker_host(getenv("DOCKER_HOST") or "").
Endpoint endpoint_from_environment();

// A transport failure after the engine was reached (timeout, connection reset).
// Callers prefix it with what they were doing.
class TransportFailure : public EngineError {
 public:
  using EngineError::EngineError;
};

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // path and query, without the version prefix: "/containers/json?all=1"
  std::string body;
  std::string content_type;  // sent only when non-empty
  std::vector<std::string> headers;  // more header lines, "Name: value"
  // When set, a successful (< 300) response body is handed over in chunks as it arrives
  // instead of being collected into HttpResponse::body. Error bodies are always collected.
  // An exception thrown here aborts the transfer and propagates out of request().
  std::function<void(std::string_view)> on_chunk;
  // When set, called once with the status as soon as the response's headers have all
  // arrived, before any body chunk (a stream's subscription is in place from then on).
  // An exception thrown here aborts the transfer and propagates out of request().
  std::function<void(int status)> on_headers;
  // When set, the request is abandoned once it is requested (see the contract above).
  const Cancel* cancel = nullptr;
  // Whole-request limit; zero means none (pulls, builds, exec).
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// A connection the engine took over after answering an upgrade request: its socket now
// carries raw bytes both ways (a process's streams). Owns the curl handle that opened it;
// destroying it closes the connection. Used from one thread at a time.
class RawConnection {
 public:
  RawConnection(void* curl_handle, int fd) : m_handle(curl_handle), m_fd(fd) {}
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  int fd() const { return m_fd; }
  // Up to `size` bytes as they arrive (blocks until some do); 0 once the peer has closed
  // its end. Throws TransportFailure.
  std::size_t read_some(char* buffer, std::size_t size);
  // Writes all of `bytes`. Throws TransportFailure (the peer has gone).
  void write_all(std::string_view bytes);
  // Closes our write half: the peer reads the end, and can still write to us.
  void shutdown_write();

 private:
  void* m_handle;
  int m_fd;
};

// What an upgrade request got: the connection (status 101, or 200 from engines that take
// the connection over without saying so), or the error status and its body.
struct UpgradeResponse {
  int status = 0;
  std::string body;
  std::unique_ptr<RawConnection> connection;
};

class HttpTransport {
 public:
  explicit HttpTransport(Endpoint endpoint);
  const Endpoint& endpoint() const { return m_endpoint; }
  HttpResponse request(const HttpRequest& request) const;
  // Sends `request` (method, path, body, content type; on_chunk/on_headers are not used)
  // on a connection of its own with `Connection: Upgrade` / `Upgrade: tcp`, reads the
  // response head, and hands the connection over. Errors as request(); `request.cancel`
  // and `request.timeout` bound the wait for the head.
  UpgradeResponse upgrade(const HttpRequest& request) const;

 private:
  Endpoint m_endpoint;
  std::string m_base_url;  // "http://localhost" for unix sockets, "http://host:port" for tcp

 public:
  // Idle curl handles, each with its connection cache (http_transport.cpp's Handles).
  struct HandlePool;

 private:
  std::shared_ptr<HandlePool> m_pool;
};

// Percent-encodes everything but RFC 3986 unreserved characters, for query values.
std::string url_encode(std::string_view value);
// As url_encode, but keeps '/', ':' and '@' so an image reference can be a path part
// ("/images/host:5000/team/app:1.0/json"), as the engine's router expects.
std::string path_encode(std::string_view value);

}  // namespace boss
