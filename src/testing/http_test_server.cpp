#include "testing/http_test_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace boss::testing {

namespace {

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

// Reads one request from `fd` into `request`, keeping what follows it in `buffer`.
// False when the client closed the connection (or it broke) first.
bool read_request(int fd, std::string& buffer, HttpTestServer::Request& request) {
  auto fill = [&] {
    char data[4096];
    const ssize_t got = ::recv(fd, data, sizeof data, 0);
    if (got <= 0) return false;
    buffer.append(data, static_cast<size_t>(got));
    return true;
  };
  size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos)
    if (!fill()) return false;
  const std::string head = buffer.substr(0, head_end);
  buffer.erase(0, head_end + 4);

  size_t line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  const size_t first_space = request_line.find(' ');
  const size_t second_space = request_line.find(' ', first_space + 1);
  request.method = request_line.substr(0, first_space);
  request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
  request.headers.clear();
  while (line_end != std::string::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t value_start = line.find_first_not_of(' ', colon + 1);
    request.headers[lowercase(line.substr(0, colon))] =
        value_start == std::string::npos ? std::string() : line.substr(value_start);
  }

  size_t length = 0;
  if (const auto it = request.headers.find("content-length"); it != request.headers.end())
    length = std::stoul(it->second);
  while (buffer.size() < length)
    if (!fill()) return false;
  request.body = buffer.substr(0, length);
  buffer.erase(0, length);
  return true;
}

}  // namespace

bool HttpTestServer::Connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

bool HttpTestServer::Connection::wait_closed(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd entry{m_fd, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) continue;
    char data[4096];
    const ssize_t got = ::recv(m_fd, data, sizeof data, MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) return true;
  }
}

HttpTestServer::HttpTestServer(Handler handler) : m_handler(std::move(handler)) {
  static std::atomic<int> counter{0};
  m_socket_path = (std::filesystem::temp_directory_path() /
                   ("boss-http-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".sock"))
                      .string();
  ::unlink(m_socket_path.c_str());
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (m_socket_path.size() >= sizeof address.sun_path) throw std::runtime_error("socket path too long");
  std::strcpy(address.sun_path, m_socket_path.c_str());
  m_listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_listen_fd < 0 || ::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(m_listen_fd, 16) != 0 || ::pipe(m_stop_pipe) != 0)
    throw std::runtime_error("cannot listen on " + m_socket_path + ": " + std::strerror(errno));
  m_acceptor = std::thread([this] { accept_loop(); });
}

HttpTestServer::~HttpTestServer() {
  (void)!::write(m_stop_pipe[1], "x", 1);
  m_acceptor.join();
  {
    std::lock_guard lock(m_mutex);
    for (const int fd : m_open_fds) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& thread : m_threads) thread.join();  // no new ones: the acceptor has ended
  ::close(m_listen_fd);
  ::close(m_stop_pipe[0]);
  ::close(m_stop_pipe[1]);
  ::unlink(m_socket_path.c_str());
}

void HttpTestServer::accept_loop() {
  for (;;) {
    pollfd entries[2] = {{m_listen_fd, POLLIN, 0}, {m_stop_pipe[0], POLLIN, 0}};
    if (::poll(entries, 2, -1) < 0) continue;
    if (entries[1].revents) return;
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(m_mutex);
    ++m_connections;
    m_open_fds.push_back(fd);
    m_threads.emplace_back([this, fd] { serve(fd); });
  }
}

void HttpTestServer::serve(int fd) {
  std::string buffer;
  Request request;
  Connection connection(fd);
  while (!connection.closing() && read_request(fd, buffer, request)) {
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
    }
    m_handler(request, connection);
  }
  std::lock_guard lock(m_mutex);
  m_open_fds.erase(std::find(m_open_fds.begin(), m_open_fds.end(), fd));
  ::close(fd);
}

std::vector<HttpTestServer::Request> HttpTestServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

int HttpTestServer::connections() const {
  std::lock_guard lock(m_mutex);
  return m_connections;
}

std::string http_response(int status, std::string_view body, std::string_view content_type) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\nContent-Type: " +
         std::string(content_type) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

std::string http_chunked_head(int status, std::string_view content_type) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\nContent-Type: " +
         std::string(content_type) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
}

std::string http_chunk(std::string_view bytes) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return size + std::string(bytes) + "\r\n";
}

}  // namespace boss::testing
