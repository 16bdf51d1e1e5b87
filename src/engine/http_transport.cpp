#include "engine/http_transport.h"

#include "platform/libcurl_api.h"

#include <cstdlib>
#include <exception>
#include <mutex>
#include <system_error>

namespace boss {

namespace {

constexpr const char* kDefaultDockerHost = "unix:///var/run/docker.sock";

// One easy handle per thread: curl_easy_reset keeps its connection cache, so
// consecutive requests from a thread reuse the same keep-alive connection.
struct ThreadHandle {
  CURL* handle = nullptr;
  ThreadHandle() {
    handle = libcurl().easy_init();
  }
  ~ThreadHandle() {
    if (handle) libcurl().easy_cleanup(handle);
  }
  ThreadHandle(const ThreadHandle&) = delete;
  ThreadHandle& operator=(const ThreadHandle&) = delete;
};

CURL* thread_handle() {
  thread_local ThreadHandle local;
  if (!local.handle) throw FatalError("cannot initialise libcurl");
  return local.handle;
}

struct Transfer {
  CURL* handle = nullptr;
  const HttpRequest* request = nullptr;
  std::string body;
  std::exception_ptr failure;  // thrown by on_chunk; rethrown after the transfer
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

HttpTransport::HttpTransport(Endpoint endpoint) : m_endpoint(std::move(endpoint)) {
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
  CURL* handle = thread_handle();
  libcurl().easy_reset(handle);

  Transfer transfer;
  transfer.handle = handle;
  transfer.request = &request;
  char error_buffer[CURL_ERROR_SIZE] = {0};

  const std::string url = m_base_url + kDockerApiPrefix + request.path;
  libcurl().easy_setopt(handle, CURLOPT_URL, url.c_str());
  if (m_endpoint.kind == Endpoint::Kind::Unix)
    libcurl().easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, m_endpoint.socket_path.c_str());
  libcurl().easy_setopt(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  libcurl().easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") libcurl().easy_setopt(handle, CURLOPT_NOBODY, 1L);
  libcurl().easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // required for multi-threaded use
  libcurl().easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  libcurl().easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  libcurl().easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  libcurl().easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_write);
  libcurl().easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  // Plain API answers are a few KB; the 16 KB default buffer, once per worker thread,
  // was most of boss's heap at 100 services. Streams (pull, build, exec, logs) keep it.
  if (!request.on_chunk) libcurl().easy_setopt(handle, CURLOPT_BUFFERSIZE, 4096L);

  // "Expect:" stops curl from waiting for 100-continue before large bodies (build tars).
  curl_slist* headers = libcurl().slist_append(nullptr, "Expect:");
  if (!request.content_type.empty())
    headers = libcurl().slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  libcurl().easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
    libcurl().easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    libcurl().easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode code = libcurl().easy_perform(handle);
  long status = 0;
  libcurl().easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  libcurl().slist_free_all(headers);
  // The handle outlives this call; do not leave it pointing at our stack.
  libcurl().easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);

  if (transfer.failure) std::rethrow_exception(transfer.failure);
  if (code != CURLE_OK) {
    std::string reason = error_buffer[0] ? error_buffer : libcurl().easy_strerror(code);
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
