#include "engine/http_transport.h"

#include "platform/libcurl_api.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <system_error>

#include "core/cancel.h"
#include "engine/raw_http.h"

namespace boss {

namespace {

constexpr const char* kDefaultDockerHost = "unix:///var/run/docker.sock";

// One multi handle and one easy handle. The connection cache lives in the multi handle,
// so requests that take the same Handles from the pool reuse its keep-alive connection;
// the multi interface lets a transfer be driven in slices, between which a Cancel is
// looked at.
struct Handles {
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  Handles() {
    multi = libcurl().multi_init();
    easy = libcurl().easy_init();
    if (!multi || !easy) throw FatalError("cannot initialise libcurl");
  }
  ~Handles() {
    if (easy) libcurl().easy_cleanup(easy);
    if (multi) libcurl().multi_cleanup(multi);
  }
  Handles(const Handles&) = delete;
  Handles& operator=(const Handles&) = delete;
};

// How many idle handles the pool keeps: the engine gate's calls in flight plus a few
// streams; beyond that a returned handle (and its connection) is closed.
constexpr std::size_t kMaxIdleHandles = 16;

}  // namespace

struct HttpTransport::HandlePool {
  std::mutex mutex;
  std::vector<std::unique_ptr<Handles>> idle;
};

namespace {

// One request's handles: an idle one from the pool (or a new one), back to it at the end.
class Borrowed {
 public:
  explicit Borrowed(HttpTransport::HandlePool& pool) : m_pool(pool) {
    {
      std::lock_guard lock(m_pool.mutex);
      if (!m_pool.idle.empty()) {
        m_handles = std::move(m_pool.idle.back());
        m_pool.idle.pop_back();
      }
    }
    if (!m_handles) m_handles = std::make_unique<Handles>();
  }
  ~Borrowed() {
    std::lock_guard lock(m_pool.mutex);
    if (m_pool.idle.size() < kMaxIdleHandles) m_pool.idle.push_back(std::move(m_handles));
  }
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  Handles& operator*() const { return *m_handles; }

 private:
  HttpTransport::HandlePool& m_pool;
  std::unique_ptr<Handles> m_handles;
};

struct Transfer {
  CURL* handle = nullptr;
  const HttpRequest* request = nullptr;
  std::string body;
  bool headers_done = false;
  std::exception_ptr failure;  // thrown by a callback; rethrown after the transfer
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  long status = 0;
  libcurl().easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
  if (transfer->request->on_chunk && status < 300) {
    try {
      transfer->request->on_chunk(std::string_view(data, bytes));
    } catch (...) {
      transfer->failure = std::current_exception();
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
  } else {
    transfer->body.append(data, bytes);
  }
  return bytes;
}

// Called per header line; the empty line ends a block of headers. 1xx blocks (which
// "Expect:" should prevent anyway) are not the response.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (transfer->headers_done || (line != "\r\n" && line != "\n")) return bytes;
  long status = 0;
  libcurl().easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200) return bytes;
  transfer->headers_done = true;
  try {
    transfer->request->on_headers(static_cast<int>(status));
  } catch (...) {
    transfer->failure = std::current_exception();
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  return bytes;
}

// Runs the transfer of `easy` on `multi` to its end and returns its result, or returns
// nullopt as soon as `cancel` is requested (the transfer is then left unfinished).
std::optional<CURLcode> run_transfer(CURLM* multi, CURL* easy, const Cancel* cancel) {
  // Without a Cancel nothing needs a look between slices: wait as long as curl lets us.
  const int slice_ms = cancel ? static_cast<int>(Cancel::kPollSlice.count()) : 1000;
  for (;;) {
    int running = 0;
    CURLMcode status = libcurl().multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = libcurl().multi_info_read(multi, &queued))
      if (message->msg == CURLMSG_DONE && message->easy_handle == easy) return message->data.result;
    if (status == CURLM_OK && cancel && cancel->requested()) return std::nullopt;
    if (status == CURLM_OK) status = libcurl().multi_poll(multi, nullptr, 0, slice_ms, nullptr);
    if (status != CURLM_OK && status != CURLM_CALL_MULTI_PERFORM)
      throw FatalError(std::string("libcurl: ") + libcurl().multi_strerror(status));
  }
}

// What the easy handle points at during one request (its header list and error
// buffer), unset and freed when the request ends, however it ends: the handle outlives it.
class RequestScope {
 public:
  explicit RequestScope(CURL* easy) : m_easy(easy) {
    libcurl().easy_setopt(m_easy, CURLOPT_ERRORBUFFER, m_error);
  }
  ~RequestScope() {
    libcurl().easy_setopt(m_easy, CURLOPT_HTTPHEADER, nullptr);
    libcurl().easy_setopt(m_easy, CURLOPT_ERRORBUFFER, nullptr);
    libcurl().slist_free_all(m_headers);
  }
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

  void add_header(const std::string& header) {
    m_headers = libcurl().slist_append(m_headers, header.c_str());
    libcurl().easy_setopt(m_easy, CURLOPT_HTTPHEADER, m_headers);
  }
  const char* error() const { return m_error; }

 private:
  CURL* m_easy;
  curl_slist* m_headers = nullptr;
  char m_error[CURL_ERROR_SIZE] = {0};
};

// Takes the easy handle out of the multi handle again however request() ends: a finished
// transfer's connection goes back to the cache, an unfinished one is closed.
struct Attached {
  CURLM* multi;
  CURL* easy;
  Attached(CURLM* m, CURL* e) : multi(m), easy(e) {
    if (const CURLMcode status = libcurl().multi_add_handle(multi, easy); status != CURLM_OK)
      throw FatalError(std::string("libcurl: ") + libcurl().multi_strerror(status));
  }
  ~Attached() { libcurl().multi_remove_handle(multi, easy); }
  Attached(const Attached&) = delete;
  Attached& operator=(const Attached&) = delete;
};

bool is_unreachable(CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
         code == CURLE_COULDNT_RESOLVE_PROXY;
}

}  // namespace

std::string Endpoint::display() const {
  if (kind == Kind::Unix) return "unix://" + socket_path;
  return "tcp://" + host + ":" + std::to_string(port);
}

Endpoint parse_docker_host(const std::string& value) {
  const std::string text = value.empty() ? kDefaultDockerHost : value;
  auto unsupported = [&] {
    return FatalError("unsupported DOCKER_HOST '" + text + "': use unix:// or tcp://");
  };
  Endpoint endpoint;
  if (text.rfind("unix://", 0) == 0) {
    endpoint.kind = Endpoint::Kind::Unix;
    endpoint.socket_path = text.substr(7);
    if (endpoint.socket_path.empty() || endpoint.socket_path[0] != '/') throw unsupported();
    return endpoint;
  }
  if (text.rfind("tcp://", 0) == 0) {
    std::string rest = text.substr(6);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || rest.find('/') != std::string::npos)
      throw unsupported();
    const std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos)
      throw unsupported();
    endpoint.kind = Endpoint::Kind::Tcp;
    endpoint.host = rest.substr(0, colon);
    endpoint.port = std::stoi(port);
    if (endpoint.port <= 0 || endpoint.port > 65535) throw unsupported();
    return endpoint;
  }
  throw unsupported();
}

Endpoint endpoint_from_environment() {
  const char* value = std::getenv("DOCKER_HOST");
  return parse_docker_host(value ? value : "");
}

HttpTransport::HttpTransport(Endpoint endpoint)
    : m_endpoint(std::move(endpoint)), m_pool(std::make_shared<HandlePool>()) {
  if (m_endpoint.kind == Endpoint::Kind::Unix) {
    m_base_url = "http://localhost";
  } else {
    const bool ipv6 = m_endpoint.host.find(':') != std::string::npos &&
                      m_endpoint.host.front() != '[';
    m_base_url = "http://" + (ipv6 ? "[" + m_endpoint.host + "]" : m_endpoint.host) + ":" +
                 std::to_string(m_endpoint.port);
  }
}

HttpResponse HttpTransport::request(const HttpRequest& request) const {
  auto interrupted = [&] { return Interrupted(request.method + " " + request.path + " cancelled"); };
  if (request.cancel && request.cancel->requested()) throw interrupted();
  // A request made from a callback of a transfer (an on_line that inspects the
  // container) borrows other handles: the transfer's are not in the pool while it runs.
  const Borrowed borrowed(*m_pool);
  Handles& handles = *borrowed;
  CURL* handle = handles.easy;
  libcurl().easy_reset(handle);

  Transfer transfer;
  transfer.handle = handle;
  transfer.request = &request;
  RequestScope scope(handle);

  const std::string url = m_base_url + kDockerApiPrefix + request.path;
  libcurl().easy_setopt(handle, CURLOPT_URL, url.c_str());
  if (m_endpoint.kind == Endpoint::Kind::Unix)
    libcurl().easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, m_endpoint.socket_path.c_str());
  libcurl().easy_setopt(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  libcurl().easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") libcurl().easy_setopt(handle, CURLOPT_NOBODY, 1L);
  libcurl().easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // required for multi-threaded use
  libcurl().easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  libcurl().easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  libcurl().easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_write);
  libcurl().easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  if (request.on_headers) {
    libcurl().easy_setopt(handle, CURLOPT_HEADERFUNCTION, &on_header);
    libcurl().easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
  }
  // Plain API answers are a few KB; the 16 KB default buffer, once per worker thread,
  // was most of boss's heap at 100 services. Streams (pull, build, exec, logs) keep it.
  if (!request.on_chunk) libcurl().easy_setopt(handle, CURLOPT_BUFFERSIZE, 4096L);

  // "Expect:" stops curl from waiting for 100-continue before large bodies (build tars).
  scope.add_header("Expect:");
  if (!request.content_type.empty()) scope.add_header("Content-Type: " + request.content_type);
  for (const auto& header : request.headers) scope.add_header(header);
  if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
    libcurl().easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    libcurl().easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  std::optional<CURLcode> result;
  {
    const Attached attached(handles.multi, handle);
    result = run_transfer(handles.multi, handle, request.cancel);
  }
  long status = 0;
  libcurl().easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);

  if (transfer.failure) std::rethrow_exception(transfer.failure);
  if (!result) throw interrupted();
  const CURLcode code = *result;
  if (code != CURLE_OK) {
    std::string reason = scope.error()[0] ? scope.error() : libcurl().easy_strerror(code);
    if (is_unreachable(code) && m_endpoint.kind == Endpoint::Kind::Unix) {
      // curl's text names "localhost port 80", which means nothing for a socket.
      long os_errno = 0;
      libcurl().easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno);
      reason = libcurl().easy_strerror(code);
      if (os_errno != 0)
        reason += " (" + std::generic_category().message(static_cast<int>(os_errno)) + ")";
    }
    if (is_unreachable(code))
      throw EngineError("cannot reach the docker engine at " + m_endpoint.display() + ": " +
                            reason,
                        0);
    throw TransportFailure(request.method + " " + request.path + " at " +
                               m_endpoint.display() + ": " + reason,
                           0);
  }
  return HttpResponse{static_cast<int>(status), std::move(transfer.body)};
}

RawConnection::~RawConnection() {
  // curl owns the socket: cleaning the handle up closes it.
  libcurl().easy_cleanup(static_cast<CURL*>(m_handle));
}

std::size_t RawConnection::read_some(char* buffer, std::size_t size) {
  for (;;) {
    const ssize_t got = ::recv(m_fd, buffer, size, 0);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {  // curl leaves its sockets non-blocking
      pollfd readable{m_fd, POLLIN, 0};
      ::poll(&readable, 1, -1);
      continue;
    }
    if (errno == ECONNRESET) return 0;
    throw TransportFailure(std::string("read from the engine: ") + std::strerror(errno), 0);
  }
}

void RawConnection::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd writable{m_fd, POLLOUT, 0};
      ::poll(&writable, 1, -1);
      continue;
    }
    throw TransportFailure(std::string("write to the engine: ") + std::strerror(errno), 0);
  }
}

void RawConnection::shutdown_write() { ::shutdown(m_fd, SHUT_WR); }

UpgradeResponse HttpTransport::upgrade(const HttpRequest& request) const {
  auto interrupted = [&] { return Interrupted(request.method + " " + request.path + " cancelled"); };
  if (request.cancel && request.cancel->requested()) throw interrupted();
  auto failure = [&](const std::string& reason) {
    return TransportFailure(request.method + " " + request.path + " at " + m_endpoint.display() + ": " + reason, 0);
  };
  // A handle of its own: the connection leaves with the RawConnection, never to a cache.
  struct HandleCleanup {
    void operator()(CURL* handle) const { libcurl().easy_cleanup(handle); }
  };
  std::unique_ptr<CURL, HandleCleanup> owned(libcurl().easy_init());
  CURL* handle = owned.get();
  if (!handle) throw FatalError("cannot initialise libcurl");
  char error[CURL_ERROR_SIZE] = {0};
  libcurl().easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  libcurl().easy_setopt(handle, CURLOPT_URL, m_base_url.c_str());
  if (m_endpoint.kind == Endpoint::Kind::Unix)
    libcurl().easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, m_endpoint.socket_path.c_str());
  libcurl().easy_setopt(handle, CURLOPT_CONNECT_ONLY, 1L);
  libcurl().easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  libcurl().easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  const CURLcode code = libcurl().easy_perform(handle);
  libcurl().easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    const std::string reason = error[0] ? error : libcurl().easy_strerror(code);
    if (is_unreachable(code))
      throw EngineError("cannot reach the docker engine at " + m_endpoint.display() + ": " +
                            libcurl().easy_strerror(code),
                        0);
    throw failure(reason);
  }
  curl_socket_t fd = CURL_SOCKET_BAD;
  libcurl().easy_getinfo(handle, CURLINFO_ACTIVESOCKET, &fd);
  if (fd == CURL_SOCKET_BAD) throw failure("no socket after connecting");
  auto connection = std::make_unique<RawConnection>(owned.release(), fd);

  const std::string host = m_endpoint.kind == Endpoint::Kind::Unix ? "localhost" : m_base_url.substr(7);
  connection->write_all(upgrade_request_text(request.method, kDockerApiPrefix + request.path, host,
                                             request.content_type, request.body));

  // The head, a byte at a time: whatever follows it is the process's, and stays unread.
  const auto limit = request.timeout.count() > 0 ? request.timeout : std::chrono::milliseconds(60000);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string head;
  auto wait_readable = [&] {
    for (;;) {
      if (request.cancel && request.cancel->requested()) throw interrupted();
      if (std::chrono::steady_clock::now() > deadline) throw failure("no answer in time");
      pollfd readable{fd, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(Cancel::kPollSlice.count())) > 0) return;
    }
  };
  while (!head_complete(head)) {
    if (head.size() > 65536) throw failure("the answer's head is too long");
    wait_readable();
    char byte = 0;
    if (connection->read_some(&byte, 1) == 0) throw failure("the engine closed the connection");
    head += byte;
  }
  const auto parsed = parse_response_head(head);
  if (!parsed) throw failure("not an HTTP answer: " + head.substr(0, head.find('\n')));
  UpgradeResponse response;
  response.status = parsed->status;
  if (parsed->status == 101 || parsed->status == 200) {
    response.connection = std::move(connection);
    return response;
  }
  // An error: its body says why.
  char buffer[4096];
  while (!parsed->content_length || response.body.size() < *parsed->content_length) {
    wait_readable();
    const std::size_t got = connection->read_some(buffer, sizeof buffer);
    if (got == 0) break;
    response.body.append(buffer, got);
  }
  return response;
}

namespace {

std::string percent_encode(std::string_view value, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == '~' || keep.find(static_cast<char>(c)) != keep.npos;
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string url_encode(std::string_view value) { return percent_encode(value, ""); }
std::string path_encode(std::string_view value) { return percent_encode(value, "/:@"); }

}  // namespace boss
