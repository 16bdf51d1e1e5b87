#include "engine/http_transport.h"

#include "platform/libcurl_api.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>

#include "core/cancel.h"
#include "engine/raw_http.h"
#include "platform/ssh_dialer.h"

namespace boss {

namespace {

// One multi handle and one easy handle, used by one request at a time. The connection
// cache lives in the multi handle, so the next request on them reuses its keep-alive
// connection; the multi interface lets a transfer be driven in slices, between which a
// Cancel is looked at.
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

// What an ssh connection a request opened was (SshDialer's id), for its error.
struct Dialed {
  SshDialer* dialer = nullptr;
  std::uint64_t id = 0;
  std::exception_ptr failure;  // dial() threw: the reason, rethrown after the transfer
};

// curl opens a "socket": over ssh, one the dialer gives, whose peer (once curl connects
// it to the dialer's anchor) is a `docker system dial-stdio` behind ssh.
curl_socket_t open_ssh_socket(void* user, curlsocktype, curl_sockaddr*) {
  auto* dialed = static_cast<Dialed*>(user);
  try {
    const auto connection = dialed->dialer->dial();
    dialed->id = connection.id;
    return connection.fd;
  } catch (...) {
    dialed->failure = std::current_exception();
    return CURL_SOCKET_BAD;
  }
}
int close_ssh_socket(void* user, curl_socket_t fd) {
  static_cast<SshDialer*>(user)->closed(fd);
  return 0;
}

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

// Idle handles, each with its connection. Taken and given back under the mutex.
struct HttpTransport::Pool {
  std::mutex mutex;
  std::vector<std::unique_ptr<Handles>> idle;

  std::unique_ptr<Handles> take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto handles = std::move(idle.back());
        idle.pop_back();
        return handles;
      }
    }
    return std::make_unique<Handles>();
  }
  void give_back(std::unique_ptr<Handles> handles) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(handles));
  }
};

namespace {

// Gives the handles back to the pool however the request ends.
class Borrowed {
 public:
  explicit Borrowed(HttpTransport::Pool& pool) : m_pool(pool), m_handles(pool.take()) {}
  ~Borrowed() { m_pool.give_back(std::move(m_handles)); }
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  Handles& operator*() { return *m_handles; }

 private:
  HttpTransport::Pool& m_pool;
  std::unique_ptr<Handles> m_handles;
};

bool is_tls_failure(CURLcode code) {
  return code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION ||
         code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CIPHER || code == CURLE_SSL_CACERT_BADFILE ||
         code == CURLE_SSL_ISSUER_ERROR || code == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
         code == CURLE_SSL_CRL_BADFILE || code == CURLE_SSL_INVALIDCERTSTATUS ||
         code == CURLE_SSL_CLIENTCERT;
}

// A connection that ended before any answer: over ssh, ssh's own exit says why.
bool is_broken_connection(CURLcode code) {
  return code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
         code == CURLE_PARTIAL_FILE;
}

}  // namespace

HttpTransport::HttpTransport(Endpoint endpoint) : m_endpoint(std::move(endpoint)), m_pool(std::make_unique<Pool>()) {
  switch (m_endpoint.kind) {
    case Endpoint::Kind::Unix: m_base_url = "http://localhost"; break;
    case Endpoint::Kind::Ssh:
      m_base_url = "http://localhost";
      m_ssh = std::make_unique<SshDialer>(
          SshTarget{m_endpoint.user, m_endpoint.host, m_endpoint.port, m_endpoint.display()});
      break;
    case Endpoint::Kind::Tcp: {
      const bool ipv6 = m_endpoint.host.find(':') != std::string::npos && m_endpoint.host.front() != '[';
      m_base_url = std::string(m_endpoint.tls ? "https://" : "http://") +
                   (ipv6 ? "[" + m_endpoint.host + "]" : m_endpoint.host) + ":" + std::to_string(m_endpoint.port);
      break;
    }
  }
}

HttpTransport::~HttpTransport() = default;

void HttpTransport::connect_options(void* handle_pointer, void* dialed) const {
  CURL* handle = static_cast<CURL*>(handle_pointer);
  if (m_endpoint.kind == Endpoint::Kind::Unix)
    libcurl().easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, m_endpoint.socket_path.c_str());
  if (m_endpoint.kind == Endpoint::Kind::Ssh) {
    // The remote engine's socket forwarded over the ssh master, when it can be had: a
    // plain unix socket then, with no ssh process per connection.
    if (const std::string forwarded = m_ssh->forwarded_socket(); !forwarded.empty()) {
      libcurl().easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, forwarded.c_str());
      return;  // no TLS over ssh
    }
    // Otherwise curl connects the dialer's socket to its anchor, where ssh takes the
    // other end.
    libcurl().easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, m_ssh->anchor_path().c_str());
    libcurl().easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, &open_ssh_socket);
    libcurl().easy_setopt(handle, CURLOPT_OPENSOCKETDATA, dialed);
    libcurl().easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, &close_ssh_socket);
    libcurl().easy_setopt(handle, CURLOPT_CLOSESOCKETDATA, m_ssh.get());
  }
  if (m_endpoint.tls) {
    const TlsFiles& tls = *m_endpoint.tls;
    libcurl().easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
    libcurl().easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
    if (!tls.ca.empty()) libcurl().easy_setopt(handle, CURLOPT_CAINFO, tls.ca.c_str());
    if (!tls.cert.empty()) libcurl().easy_setopt(handle, CURLOPT_SSLCERT, tls.cert.c_str());
    if (!tls.key.empty()) libcurl().easy_setopt(handle, CURLOPT_SSLKEY, tls.key.c_str());
  }
}

void HttpTransport::throw_failure(const HttpRequest& request, int code_number, const std::string& curl_text,
                                  long os_errno, std::uint64_t dialed) const {
  const auto code = static_cast<CURLcode>(code_number);
  const std::string where = m_endpoint.display();
  auto unreachable = [&](const std::string& reason) {
    return EngineError("cannot reach the docker engine at " + where + ": " + reason, 0);
  };
  if (m_ssh && dialed && (is_broken_connection(code) || code == CURLE_COULDNT_CONNECT)) {
    // ssh ended: what it said is the reason (no docker there, a refused login).
    if (const auto exit = m_ssh->exit_of(dialed, std::chrono::seconds(2)); exit && exit->status != 0)
      throw unreachable("ssh exited with status " + std::to_string(exit->status) +
                        (exit->message.empty() ? "" : ": " + exit->message));
  }
  if (m_ssh && !dialed && is_broken_connection(code))
    // Through the forward of the engine's socket: the far end refused the channel.
    throw unreachable("the engine's socket, forwarded over ssh, closed the connection without an answer "
                      "(is the engine on " + m_endpoint.host + " running?)");
  if (is_unreachable(code)) {
    std::string reason = curl_text;
    if (m_endpoint.kind != Endpoint::Kind::Tcp) {
      // curl's text names "localhost port 80", which means nothing for a socket.
      reason = libcurl().easy_strerror(code);
      if (os_errno != 0) reason += " (" + std::generic_category().message(static_cast<int>(os_errno)) + ")";
    }
    throw unreachable(reason);
  }
  if (m_endpoint.tls && is_tls_failure(code)) {
    const bool verification = code == CURLE_PEER_FAILED_VERIFICATION;
    throw unreachable(std::string(verification ? "TLS verification of the engine's certificate failed: "
                                               : "TLS handshake failed: ") + curl_text);
  }
  if (m_endpoint.tls && code == CURLE_RECV_ERROR && curl_text.find("alert") != std::string::npos)
    throw unreachable("the engine refused the TLS connection (does it accept the client certificate of " +
                      (m_endpoint.tls->cert.empty() ? std::string("none given") : m_endpoint.tls->cert) +
                      "?): " + curl_text);
  throw TransportFailure(request.method + " " + request.path + " at " + where + ": " + curl_text, 0);
}

HttpResponse HttpTransport::request(const HttpRequest& request) const {
  auto interrupted = [&] { return Interrupted(request.method + " " + request.path + " cancelled"); };
  // A master that refused a new ssh session took nothing to the engine: the request goes
  // again on another (SshDialer::master_full), a few times at most.
  for (int attempt = 0;; ++attempt) {
    if (request.cancel && request.cancel->requested()) throw interrupted();
    Borrowed borrowed(*m_pool);
    Handles& handles = *borrowed;
    CURL* handle = handles.easy;
    libcurl().easy_reset(handle);

    Transfer transfer;
    transfer.handle = handle;
    transfer.request = &request;
    RequestScope scope(handle);
    Dialed dialed;
    dialed.dialer = m_ssh.get();

    const std::string url = m_base_url + kDockerApiPrefix + request.path;
    libcurl().easy_setopt(handle, CURLOPT_URL, url.c_str());
    connect_options(handle, &dialed);
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
    // Plain API answers are a few KB; the 16 KB default buffer, once per handle, was most
    // of boss's heap at 100 services. Streams (pull, build, exec, logs) keep it.
    if (!request.on_chunk) libcurl().easy_setopt(handle, CURLOPT_BUFFERSIZE, 4096L);

    // "Expect:" stops curl from waiting for 100-continue before large bodies (build tars).
    scope.add_header("Expect:");
    if (!request.content_type.empty()) scope.add_header("Content-Type: " + request.content_type);
    for (const auto& header : request.headers) scope.add_header(header);
    if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
      libcurl().easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
      libcurl().easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }

    std::optional<CURLcode> result;
    {
      const Attached attached(handles.multi, handle);
      result = run_transfer(handles.multi, handle, request.cancel);
    }
    long status = 0;
    libcurl().easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);

    if (transfer.failure) std::rethrow_exception(transfer.failure);
    if (dialed.failure) std::rethrow_exception(dialed.failure);
    if (!result) throw interrupted();
    const CURLcode code = *result;
    if (code == CURLE_OK) {
      // Go's TLS listener answers plain HTTP so: the engine wants TLS.
      if (status == 400 && !m_endpoint.tls && m_endpoint.kind == Endpoint::Kind::Tcp &&
          transfer.body.find("HTTP request to an HTTPS server") != std::string::npos)
        throw EngineError("cannot reach the docker engine at " + m_endpoint.display() +
                              ": it wants TLS (set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use a context with TLS)",
                          0);
      return HttpResponse{static_cast<int>(status), std::move(transfer.body)};
    }
    if (m_ssh && dialed.id && status == 0 && attempt < 3 && is_broken_connection(code)) {
      const auto exit = m_ssh->exit_of(dialed.id, std::chrono::seconds(2));
      if (exit && exit->session_refused) {
        m_ssh->master_full(dialed.id);
        continue;
      }
    }
    long os_errno = 0;
    libcurl().easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno);
    throw_failure(request, code, scope.error()[0] ? scope.error() : libcurl().easy_strerror(code), os_errno,
                  dialed.id);
  }
}

RawConnection::~RawConnection() {
  // curl owns the socket: cleaning the handle up closes it.
  libcurl().easy_cleanup(static_cast<CURL*>(m_handle));
}

std::size_t RawConnection::read_some(char* buffer, std::size_t size) {
  for (;;) {
    if (const auto got = read_available(buffer, size)) return *got;
    pollfd readable{m_fd, POLLIN, 0};
    ::poll(&readable, 1, -1);
  }
}

std::optional<std::size_t> RawConnection::read_available(char* buffer, std::size_t size) {
  for (;;) {
    if (m_tls) {
      std::size_t got = 0;
      const CURLcode code = libcurl().easy_recv(static_cast<CURL*>(m_handle), buffer, size, &got);
      if (code == CURLE_OK) return got;
      if (code == CURLE_AGAIN) return std::nullopt;
      if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_GOT_NOTHING) return 0;
      throw TransportFailure(std::string("read from the engine: ") + libcurl().easy_strerror(code), 0);
    }
    const ssize_t got = ::recv(m_fd, buffer, size, MSG_DONTWAIT);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
    if (errno == ECONNRESET) return 0;
    throw TransportFailure(std::string("read from the engine: ") + std::strerror(errno), 0);
  }
}

void RawConnection::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    if (m_tls) {
      std::size_t sent = 0;
      const CURLcode code = libcurl().easy_send(static_cast<CURL*>(m_handle), bytes.data(), bytes.size(), &sent);
      if (code == CURLE_OK) {
        bytes.remove_prefix(sent);
        continue;
      }
      if (code == CURLE_AGAIN) {
        pollfd writable{m_fd, POLLOUT, 0};
        ::poll(&writable, 1, -1);
        continue;
      }
      throw TransportFailure(std::string("write to the engine: ") + libcurl().easy_strerror(code), 0);
    }
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

// Over TLS too: the engine's reader sees the socket end (as for a client that sends no
// close_notify) and closes the process's stdin; its output still comes back.
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
  Dialed dialed;
  dialed.dialer = m_ssh.get();
  libcurl().easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  libcurl().easy_setopt(handle, CURLOPT_URL, m_base_url.c_str());
  connect_options(handle, &dialed);
  libcurl().easy_setopt(handle, CURLOPT_CONNECT_ONLY, 1L);
  libcurl().easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  libcurl().easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  const CURLcode code = libcurl().easy_perform(handle);
  libcurl().easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
  libcurl().easy_setopt(handle, CURLOPT_OPENSOCKETDATA, nullptr);
  if (dialed.failure) std::rethrow_exception(dialed.failure);
  if (code != CURLE_OK) {
    long os_errno = 0;
    libcurl().easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno);
    throw_failure(request, code, error[0] ? error : libcurl().easy_strerror(code), os_errno, dialed.id);
  }
  curl_socket_t fd = CURL_SOCKET_BAD;
  libcurl().easy_getinfo(handle, CURLINFO_ACTIVESOCKET, &fd);
  if (fd == CURL_SOCKET_BAD) throw failure("no socket after connecting");
  auto connection = std::make_unique<RawConnection>(owned.release(), fd, m_endpoint.tls.has_value());

  const std::string host =
      m_endpoint.kind == Endpoint::Kind::Tcp ? m_base_url.substr(m_base_url.find("://") + 3) : "localhost";
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
  // Waits for the socket only when nothing is at hand: over TLS the rest of a record is
  // already decrypted, and the socket would not wake for it.
  auto read_now = [&](char* buffer, std::size_t size) {
    for (;;) {
      if (const auto got = connection->read_available(buffer, size)) return *got;
      wait_readable();
    }
  };
  while (!head_complete(head)) {
    if (head.size() > 65536) throw failure("the answer's head is too long");
    char byte = 0;
    if (read_now(&byte, 1) == 0) throw failure("the engine closed the connection");
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
    const std::size_t got = read_now(buffer, sizeof buffer);
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
