// A scripted HTTP/1.1 server on a unix socket: the engine client's unit tests talk to it
// instead of a Docker engine, so they can check the requests sent and answer with any
// bytes, split and timed as a test needs (a stream that stalls, breaks, or never answers).
//
// Each connection is served on its own thread: requests are read one after another
// (keep-alive) and handed to the handler, which answers through the Connection. The
// handler runs on that thread and may block; the server's destructor unblocks it by
// shutting the connections down.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace boss::testing {

class HttpTestServer {
 public:
  struct Request {
    std::string method;
    std::string target;  // path and query, as sent: "/v1.41/images/x"
    std::map<std::string, std::string> headers;  // names in lowercase
    std::string body;
  };

  class Connection {
   public:
    explicit Connection(int fd) : m_fd(fd) {}
    // Writes all of `bytes`; false once the client has gone.
    bool send(std::string_view bytes);
    // Waits until the client closes the connection; false if it is still open after `limit`.
    bool wait_closed(std::chrono::milliseconds limit);
    // Ends the connection after this request (no keep-alive).
    void close() { m_closing = true; }
    bool closing() const { return m_closing; }

   private:
    int m_fd;
    bool m_closing = false;
  };

  using Handler = std::function<void(const Request& request, Connection& connection)>;

  // Listens on a fresh socket in the temp folder and serves until destroyed.
  explicit HttpTestServer(Handler handler);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  // "unix:///tmp/...", as DOCKER_HOST would name it.
  std::string docker_host() const { return "unix://" + m_socket_path; }
  std::vector<Request> requests() const;
  int connections() const;

 private:
  void accept_loop();
  void serve(int fd);

  Handler m_handler;
  std::string m_socket_path;
  int m_listen_fd = -1;
  int m_stop_pipe[2] = {-1, -1};
  mutable std::mutex m_mutex;
  std::vector<Request> m_requests;
  std::vector<int> m_open_fds;
  std::vector<std::thread> m_threads;
  int m_connections = 0;
  std::thread m_acceptor;
};

// A whole response with a Content-Length.
std::string http_response(int status, std::string_view body,
                          std::string_view content_type = "application/json");
// The head of a chunked response; the body follows as http_chunk()s, ended by an empty one.
std::string http_chunked_head(int status, std::string_view content_type);
std::string http_chunk(std::string_view bytes);

}  // namespace boss::testing
