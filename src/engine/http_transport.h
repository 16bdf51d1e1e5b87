// HTTP/1.1 to the container engine over libcurl: a unix socket, TCP (plain or TLS), or
// an ssh host's `docker system dial-stdio` (platform/ssh_dialer.h).
//
// Contract:
//  - request() may be called from any number of threads at once; each request takes an
//    idle curl handle (with its keep-alive connection) from the transport's pool, or a
//    new one, and gives it back when it ends: connections are reused across threads, so
//    there are as many as requests run at once, not as threads ever made one (over ssh
//    each is a session, over TLS a handshake); a request made from one of the callbacks
//    below gets a handle of its own;
//  - every path is sent with the API version prefix (/v1.41);
//  - an engine that cannot be reached throws EngineError("cannot reach the docker
//    engine at <endpoint>: <reason>", 0), the reason naming what failed: the connection
//    (refused, no route), TLS (the engine's certificate did not verify, the engine
//    refused ours) or ssh (its exit status and last line); any other transport failure (timeout, broken
//    connection) throws TransportFailure; HTTP error statuses are returned, not thrown;
//  - a request with a Cancel is abandoned within Cancel::kPollSlice (plus the time a
//    callback takes) of the Cancel being requested, even while no byte moves: its
//    connection is closed, so the engine sees the client go, and request() throws
//    Interrupted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "engine/endpoint.h"

namespace boss {

class Cancel;

inline constexpr const char* kDockerApiPrefix = "/v1.41";

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
  // `tls`: the bytes go through curl's TLS layer (curl_easy_send/recv), not the socket.
  RawConnection(void* curl_handle, int fd, bool tls = false) : m_handle(curl_handle), m_fd(fd), m_tls(tls) {}
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  int fd() const { return m_fd; }
  // Up to `size` bytes as they arrive (blocks until some do); 0 once the peer has closed
  // its end. Throws TransportFailure.
  std::size_t read_some(char* buffer, std::size_t size);
  // As read_some, but nullopt at once when nothing is there to read yet.
  std::optional<std::size_t> read_available(char* buffer, std::size_t size);
  // Writes all of `bytes`. Throws TransportFailure (the peer has gone).
  void write_all(std::string_view bytes);
  // Closes our write half: the peer reads the end, and can still write to us.
  void shutdown_write();

 private:
  void* m_handle;
  int m_fd;
  bool m_tls;
};

// What an upgrade request got: the connection (status 101, or 200 from engines that take
// the connection over without saying so), or the error status and its body.
struct UpgradeResponse {
  int status = 0;
  std::string body;
  std::unique_ptr<RawConnection> connection;
};

class SshDialer;

class HttpTransport {
 public:
  struct Pool;  // idle curl handles (http_transport.cpp)

  explicit HttpTransport(Endpoint endpoint);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;
  const Endpoint& endpoint() const { return m_endpoint; }
  HttpResponse request(const HttpRequest& request) const;
  // Sends `request` (method, path, body, content type; on_chunk/on_headers are not used)
  // on a connection of its own with `Connection: Upgrade` / `Upgrade: tcp`, reads the
  // response head, and hands the connection over. Errors as request(); `request.cancel`
  // and `request.timeout` bound the wait for the head.
  UpgradeResponse upgrade(const HttpRequest& request) const;

 private:
  // Sets what every request on `handle` needs to reach the engine: the socket (or ssh's
  // callbacks, `dialed` records the connection a request makes) and TLS.
  void connect_options(void* handle, void* dialed) const;
  // A failed transfer's error, naming the endpoint and what failed.
  [[noreturn]] void throw_failure(const HttpRequest& request, int code, const std::string& curl_text,
                                  long os_errno, std::uint64_t dialed) const;

  Endpoint m_endpoint;
  std::string m_base_url;  // "http://localhost" for unix sockets and ssh, "http(s)://host:port" for tcp
  std::unique_ptr<SshDialer> m_ssh;  // Kind::Ssh; declared before the pool, so it outlives its connections
  std::unique_ptr<Pool> m_pool;
};

// Percent-encodes everything but RFC 3986 unreserved characters, for query values.
std::string url_encode(std::string_view value);
// As url_encode, but keeps '/', ':' and '@' so an image reference can be a path part
// ("/images/host:5000/team/app:1.0/json"), as the engine's router expects.
std::string path_encode(std::string_view value);

}  // namespace boss
