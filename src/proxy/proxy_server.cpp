#include "proxy/proxy_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include "core/thread_set.h"
#include "proxy/activity.h"
#include "proxy/admin.h"
#include "proxy/admin_exchange.h"
#include "proxy/demand_page.h"
#include "proxy/on_demand.h"
#include "proxy/route.h"
#include "proxy/tunnel.h"
#include "proxy/upgrade.h"

namespace boss {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kHeaderLimit = 16 * 1024;          // bytes of a request's header
constexpr std::size_t kUpstreamHeaderLimit = 64 * 1024;  // bytes of a response's header
constexpr std::size_t kMaxFields = 100;
// Bodies are streamed, never held, so no limit; not boost::none, which Beast 1.74
// compares as smaller than any length (every body would be "too large").
constexpr std::uint64_t kNoBodyLimit = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kChunk = 64 * 1024;                // bytes relayed per read
constexpr auto kIdleTimeout = std::chrono::seconds(60);  // for the next request's header
constexpr auto kConnectTimeout = std::chrono::seconds(5);
constexpr auto kIoTimeout = std::chrono::seconds(300);   // no progress either way for this long: given up
constexpr int kIoThreads = 2;
constexpr int kBlockingThreads = 8;                      // engine calls (upstreams.h) run here

std::string_view text(beast::string_view view) { return {view.data(), view.size()}; }

// Every value of `field`, comma-joined (a list field may come in several lines).
template <class Fields>
std::string joined(const Fields& fields, http::field field) {
  std::string all;
  const auto [first, last] = fields.equal_range(field);
  for (auto it = first; it != last; ++it) all += (all.empty() ? "" : ",") + std::string(text(it->value()));
  return all;
}

auto with(beast::error_code& ec) { return asio::redirect_error(use_awaitable, ec); }

struct Server {
  const ProxyOptions& options;
  const Project& project;
  UpstreamFinder& upstreams;
  OnDemandStarter* on_demand;  // null: no service is started on demand
  ServiceActivity& activity;
  asio::thread_pool& blocking;
  const AdminRoutes& admin;
  const Cancel& cancel;  // the proxy's: a parent of every admin handler's
  const ProxyLogFn& log_fn;
  std::mutex log_mutex;
  ThreadSet handlers;  // admin handlers, a thread each

  void log(const std::string& line) {
    std::lock_guard lock(log_mutex);
    log_fn(line);
  }
};

// The upstream's answer to find(), computed on the blocking pool and handed back on
// `executor` (the calling coroutine's): an engine call never holds up the connections'
// threads. Not a coroutine itself, and callers co_await a named awaitable: GCC 12
// destroys some temporaries of a co_await expression twice.
using FindResult = std::variant<Upstream, std::string>;

struct FindInitiation {
  Server* server;
  std::string service;
  asio::any_io_executor executor;

  template <class Handler>
  void operator()(Handler handler) {
    asio::post(server->blocking, [server = server, service = service, executor = executor,
                                  handler = std::move(handler)]() mutable {
      FindResult result;
      try {
        result = server->upstreams.find(service);
      } catch (const std::exception& e) {
        result = std::string(e.what());
      }
      asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
    });
  }
};

awaitable<FindResult> find_upstream(Server& server, const std::string& service, asio::any_io_executor executor) {
  return asio::async_initiate<decltype(use_awaitable), void(FindResult)>(FindInitiation{&server, service, executor},
                                                                         use_awaitable);
}

// Returns once `service` is neither queued nor starting (on_demand.h), or at `deadline`.
// The starter's callback only posts a cancel of the timer to this coroutine's strand,
// which runs after the wait began, whenever the callback comes.
awaitable<void> wait_settled(Server& server, const std::string& service, Clock::time_point deadline) {
  auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, deadline);
  server.on_demand->when_settled(service, [timer] { asio::post(timer->get_executor(), [timer] { timer->cancel(); }); });
  beast::error_code ec;
  co_await timer->async_wait(with(ec));
}

// Drops the hop-by-hop fields (RFC 9110 7.6.1), those the Connection field names too;
// never the ones that frame the message, whatever Connection says.
template <class Fields>
void drop_hop_by_hop(Fields& fields) {
  std::vector<std::string> named;
  const auto [first, last] = fields.equal_range(http::field::connection);
  for (auto field = first; field != last; ++field) {
    const std::string_view value = text(field->value());
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = value.find(',', start);
      if (comma == std::string_view::npos) comma = value.size();
      std::string token(value.substr(start, comma - start));
      token.erase(0, token.find_first_not_of(" \t"));
      token.erase(token.find_last_not_of(" \t") + 1);
      if (!token.empty()) named.push_back(token);
      start = comma + 1;
    }
  }
  for (const auto& name : named) {
    const http::field known = http::string_to_field(name);
    if (known == http::field::content_length || known == http::field::transfer_encoding || known == http::field::host)
      continue;
    fields.erase(name);
  }
  for (const http::field field : {http::field::connection, http::field::keep_alive, http::field::proxy_connection,
                                  http::field::te, http::field::trailer, http::field::upgrade,
                                  http::field::proxy_authorization, http::field::proxy_authenticate})
    fields.erase(field);
}

// An answer of the proxy's own; returns whether the connection can serve another request.
awaitable<bool> send_reply(beast::tcp_stream& client, const ProxyReply& reply, unsigned version, bool keep_alive,
                           bool head) {
  const auto status = static_cast<http::status>(reply.status);
  http::response<http::string_body> res{status, version};
  res.set(http::field::server, "boss");
  res.set(http::field::content_type, reply.body.empty() ? "text/plain; charset=utf-8" : reply.content_type);
  if (!reply.location.empty()) res.set(http::field::location, reply.location);
  for (const auto& [name, value] : reply.headers) res.set(name, value);
  if (reply.retry_after > 0) res.set(http::field::retry_after, std::to_string(reply.retry_after));
  if (!reply.body.empty()) res.set(http::field::cache_control, "no-store");
  res.body() = !reply.body.empty() ? reply.body
                                   : std::to_string(reply.status) + " " +
                                         std::string(text(http::obsolete_reason(status))) + ": " + reply.reason + "\n";
  res.keep_alive(keep_alive);
  res.prepare_payload();
  if (head) res.body().clear();  // Content-Length stays that of the body a GET would get
  beast::error_code ec;
  client.expires_after(kIoTimeout);
  http::response_serializer<http::string_body> serializer{res};
  if (head) {
    co_await http::async_write_header(client, serializer, with(ec));
  } else {
    co_await http::async_write(client, serializer, with(ec));
  }
  co_return !ec && keep_alive;
}

enum class RelayFailure { none, reading, writing };

// Sends the message `parser` has read the header of to `to`: its header at once, then the
// body as it arrives, kChunk bytes at most at a time (chunked again when it came chunked).
template <bool isRequest>
awaitable<RelayFailure> relay(beast::tcp_stream& from, beast::flat_buffer& from_buffer,
                              http::parser<isRequest, http::buffer_body>& parser, beast::tcp_stream& to,
                              std::vector<char>& chunk) {
  http::serializer<isRequest, http::buffer_body> serializer{parser.get()};
  beast::error_code ec;
  to.expires_after(kIoTimeout);
  co_await http::async_write_header(to, serializer, with(ec));
  if (ec) co_return RelayFailure::writing;
  while (!serializer.is_done()) {
    auto& body = parser.get().body();
    if (!parser.is_done()) {
      body.data = chunk.data();
      body.size = chunk.size();
      from.expires_after(kIoTimeout);
      co_await http::async_read_some(from, from_buffer, parser, with(ec));
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return RelayFailure::reading;
      const std::size_t got = chunk.size() - body.size;
      if (got == 0 && !parser.is_done()) continue;  // framing only, no body bytes yet
      body.data = got ? chunk.data() : nullptr;
      body.size = got;
      body.more = !parser.is_done();
    } else {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
    }
    to.expires_after(kIoTimeout);
    co_await http::async_write(to, serializer, with(ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return RelayFailure::writing;
  }
  co_return RelayFailure::none;
}

// The client connection's link to one container, kept between requests that go there.
struct UpstreamLink {
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  Upstream to;

  void close() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().close(ignored);
    }
    stream.reset();
    buffer.clear();
  }
};

std::string describe(const Upstream& upstream) {
  const bool v6 = upstream.address.find(':') != std::string::npos;
  return upstream.container + " at " + (v6 ? "[" + upstream.address + "]" : upstream.address) + ":" +
         std::to_string(upstream.port);
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

class Connection {
 public:
  // `inputs_only`: accepted on ProxyOptions::inputs_address, where only launch inputs are served.
  Connection(Server& server, tcp::socket socket, bool inputs_only)
      : m_server(server), m_client(std::move(socket)), m_inputs_only(inputs_only), m_chunk(kChunk), m_body_chunk(kChunk) {
    beast::error_code ec;
    // A header and its body go out as separate writes: with Nagle's algorithm the second
    // would wait for the peer's delayed ACK (40 ms) on every request.
    m_client.socket().set_option(tcp::no_delay(true), ec);
    const auto peer = m_client.socket().remote_endpoint(ec);
    m_peer = ec ? "?" : peer.address().to_string();
  }

  awaitable<void> serve() {
    try {
      while (co_await serve_one()) {
      }
    } catch (const std::exception& e) {
      m_server.log(m_peer + " connection ended: " + e.what());
    }
    m_link.close();
    beast::error_code ec;
    m_client.socket().shutdown(tcp::socket::shutdown_send, ec);
    // A lingering close: what the client still sends (the body of a refused request) is
    // read and dropped until it closes too, for 2 s and 1 MiB at most. Closing with unread
    // bytes would make the kernel reset the connection, and a reset can reach the client
    // before it has read the answer (a 400 it then never sees).
    if (!ec) {
      m_client.expires_after(std::chrono::seconds(2));
      std::size_t drained = 0;
      while (drained < 1024 * 1024) {
        const std::size_t got = co_await m_client.async_read_some(asio::buffer(m_chunk), with(ec));
        if (ec) break;
        drained += got;
      }
    }
    m_client.close();
  }

 private:
  // One request, answered; whether the connection serves another.
  awaitable<bool> serve_one() {
    http::request_parser<http::buffer_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kNoBodyLimit);  // streamed, never held
    beast::error_code ec;
    m_client.expires_after(kIdleTimeout);
    co_await http::async_read_header(m_client, m_buffer, parser, with(ec));
    if (ec == http::error::header_limit) {
      prepare(ProxyReply{431, "request header larger than 16 KiB"}, kUnread, kUnread);
      co_await answer(11, false, false);
      co_return false;
    }
    if (is_parse_error(ec)) {
      prepare(ProxyReply{400, "malformed request (" + ec.message() + ")"}, kUnread, kUnread);
      co_await answer(11, false, false);
      co_return false;
    }
    if (ec) co_return false;  // closed, reset or idle: nothing to answer

    auto& req = parser.get();
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    const std::string method(text(req.method_string()));
    const std::string target(text(req.target()));
    // A refusal keeps the connection only when no body of the request is left unread.
    const bool reusable = keep_alive && parser.is_done();
    const bool head = req.method() == http::verb::head;
    if (const auto refused = check_header(req)) {
      prepare(*refused, method, target);
      co_return co_await answer(version, false, head);
    }

    const std::string host(text(req[http::field::host]));
    const RouteDecision decision = route_request(m_server.project, m_server.options.domain, host, target);
    if (m_inputs_only) {
      const auto* admin = std::get_if<AdminTarget>(&decision);
      if (!admin || admin->path.rfind("/inputs/", 0) != 0) {
        prepare(ProxyReply{404, "only launch inputs (/_boss/inputs/<name>) are served on this address"}, method, target);
        co_return co_await answer(version, reusable, head);
      }
    }
    if (const auto* reply = std::get_if<ProxyReply>(&decision)) {
      prepare(*reply, method, target);
      co_return co_await answer(version, reusable, head);
    }
    if (const auto* admin = std::get_if<AdminTarget>(&decision)) {
      auto serving = serve_admin(parser, *admin, method, target, host);
      co_return co_await std::move(serving);
    }
    const ProxyRoute& route = std::get<ProxyRoute>(decision);
    const auto started = Clock::now();
    const auto arrived = std::chrono::system_clock::now();
    // Open (activity.h) from here to the end of its answer or of its tunnel: counted once,
    // there, for the admin pages and for the on-demand starter's idle clock, so an
    // on-demand service is never stopped for idleness or the budget under it (on_demand.h).
    const ServiceActivity::Open open = m_server.activity.open(route.service);
    const ServiceSpec* spec = m_server.project.find(route.service);  // null: a launched container
    const bool on_demand = m_server.on_demand && spec && spec->on_demand;
    // The proxy's own answers to it go in the history of the container it is for, as that
    // container's answers do (answer_routed); `asked` is their record but for the outcome.
    const RequestRecord asked{arrived, method, target, 0, 0};

    auto finding = find_upstream(m_server, route.service, co_await asio::this_coro::executor);
    FindResult found = co_await std::move(finding);
    // An on-demand service is asked for when it does not run, and also while its start (or
    // stop) is under way: its container runs before its ping passes, and a request sent to
    // it then would be refused (a 502 that a browser's starting page would end on).
    const auto not_ready = [&] {
      return std::holds_alternative<std::string>(found) ||
             (on_demand && is_settling(m_server.on_demand->status(route.service).state));
    };
    // The second pass: it came up just before this request asked, yet does not run now
    // (stopped meanwhile), so it is started again.
    for (int pass = 0; pass < 2 && on_demand && not_ready(); ++pass) {
      auto starting = start_on_demand(route.service, accepts_html(text(req[http::field::accept])), pass > 0);
      if (auto reply = co_await std::move(starting)) {
        prepare(std::move(*reply), method, target);
        const std::string container = m_server.upstreams.container_of(route.service);
        co_return co_await answer_routed(container, asked, started, version, reusable, head);
      }
      m_server.upstreams.forget(route.service);  // it was started: ask the engine again
      auto refinding = find_upstream(m_server, route.service, co_await asio::this_coro::executor);
      found = co_await std::move(refinding);
    }
    if (const auto* problem = std::get_if<std::string>(&found)) {
      prepare(ProxyReply{503, *problem}, method, target);
      const std::string container = m_server.upstreams.container_of(route.service);
      co_return co_await answer_routed(container, asked, started, version, reusable, head);
    }
    const Upstream& upstream = std::get<Upstream>(found);

    // The request as the upstream gets it.
    const bool expects_continue = beast::iequals(req[http::field::expect], "100-continue");
    const std::string upgrade = requested_upgrade(joined(req, http::field::connection), text(req[http::field::upgrade]));
    const std::string upgrade_value(text(req[http::field::upgrade]));
    drop_hop_by_hop(req);
    if (!upgrade.empty()) {  // the one hop-by-hop request the upstream gets as sent
      req.set(http::field::connection, "Upgrade");
      req.set(http::field::upgrade, upgrade_value);
    }
    req.erase(http::field::expect);
    req.target(route.target);
    req.version(11);
    const std::string forwarded_for(text(req["X-Forwarded-For"]));
    req.set("X-Forwarded-For", forwarded_for.empty() ? m_peer : forwarded_for + ", " + m_peer);
    req.set("X-Forwarded-Proto", "http");
    req.set("X-Forwarded-Host", host);
    if (route.prefix.empty()) req.erase("X-Forwarded-Prefix");
    else req.set("X-Forwarded-Prefix", route.prefix);

    // A kept connection the upstream closed meanwhile fails before it answers anything:
    // a request without a body is then sent again once, on a new connection. A request
    // with a body is sent while its answer is read (see start_body_send), and never again.
    const bool replayable = parser.is_done();
    bool fresh = false;
    for (int attempt = 0;; ++attempt) {
      if (!m_link.stream || !(m_link.to == upstream)) {
        if (auto failure = co_await connect(upstream)) {
          m_server.upstreams.forget(route.service);
          prepare(ProxyReply{502, "cannot reach service '" + route.service + "' (" + describe(upstream) + "): " + *failure},
                  method, target);
          co_return co_await answer_routed(upstream.container, asked, started, version, reusable, head);
        }
        fresh = true;
      }
      if (expects_continue && attempt == 0) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        m_client.expires_after(kIoTimeout);
        co_await asio::async_write(m_client, asio::buffer(kContinue.data(), kContinue.size()), with(ec));
        if (ec) co_return false;
      }
      RelayFailure sent = RelayFailure::none;
      std::optional<beast::error_code> failure;
      if (replayable) {
        sent = co_await relay<true>(m_client, m_buffer, parser, *m_link.stream, m_chunk);
        if (sent == RelayFailure::reading) co_return false;  // the client went away
        if (sent == RelayFailure::none) failure = co_await read_response_header(head);
      } else {
        start_body_send(parser, co_await asio::this_coro::executor);
        failure = co_await read_response_header(head);
        if (failure) {
          sent = co_await finish_body_send(true);
          if (sent == RelayFailure::reading) co_return false;  // the client went away mid-body
        }
      }
      if (sent == RelayFailure::none && !failure) break;
      if (sent == RelayFailure::none) {
        if (fresh || !replayable || attempt > 0) {
          m_link.close();
          const bool timed_out = *failure == beast::error::timeout;
          prepare(ProxyReply{timed_out ? 504 : 502,
                             "service '" + route.service + "' (" + describe(upstream) + ") " +
                                 (timed_out ? "did not answer in time" : "gave no answer: " + failure->message())},
                  method, target);
          co_return co_await answer_routed(upstream.container, asked, started, version, false, head);
        }
      } else if (fresh || !replayable) {
        m_link.close();
        prepare(ProxyReply{502, "cannot send the request to service '" + route.service + "' (" + describe(upstream) + ")"},
                method, target);
        co_return co_await answer_routed(upstream.container, asked, started, version, false, head);
      }
      m_link.close();  // stale: once more on a new connection
    }

    // The response as the client gets it.
    auto& res = m_response->get();
    const unsigned code = res.result_int();
    if (code == 101) {
      auto switching = switch_protocols(route.service, upstream, !upgrade.empty(), asked, started);
      co_return co_await std::move(switching);
    }
    const bool upstream_keeps = m_response->keep_alive();
    drop_hop_by_hop(res);
    bool client_keeps = keep_alive;
    const bool bodiless = head || code / 100 == 1 || code == 204 || code == 304;
    if (!bodiless && !res.has_content_length() && !res.chunked()) {
      if (version >= 11) res.chunked(true);  // delimited by the upstream's close: chunked keeps the client's connection
      else client_keeps = false;
    } else if (res.chunked() && version < 11) {
      res.chunked(false);  // an HTTP/1.0 client reads to the end of the connection
      client_keeps = false;
    }
    res.version(version);
    res.keep_alive(client_keeps);
    const RelayFailure relayed = co_await relay<false>(*m_link.stream, m_link.buffer, *m_response, m_client, m_chunk);
    // A body the upstream answered before taking all of: the rest is not sent, and neither
    // connection can carry another request (the client's holds the unread rest).
    const RelayFailure body_sent = replayable ? RelayFailure::none : co_await finish_body_send(true);
    if (body_sent != RelayFailure::none) client_keeps = false;
    const bool upstream_done = relayed == RelayFailure::none && body_sent == RelayFailure::none && upstream_keeps &&
                               m_response->is_done() && !m_response->get().need_eof();
    m_response.reset();
    if (!upstream_done) m_link.close();
    const auto ms = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count() / 1000.0;
    char took[32];
    std::snprintf(took, sizeof took, "%.1f ms", ms);
    m_server.log(m_peer + " " + method + " " + target + " -> " + route.service + " " + std::to_string(code) + " " +
                 took + (relayed == RelayFailure::none ? "" : " (relay cut short)"));
    m_server.activity.answered(upstream.container, RequestRecord{arrived, method, target, static_cast<int>(code), ms});
    co_return relayed == RelayFailure::none && client_keeps;
  }

  // A request for the admin pages (admin.h): checked, its body read, its handler run on a
  // thread of its own and its answer written as the handler gives it.
  awaitable<bool> serve_admin(http::request_parser<http::buffer_body>& parser, const AdminTarget& at,
                              const std::string& method, const std::string& target, const std::string& host) {
    auto& req = parser.get();
    const unsigned version = req.version() < 10 ? 11 : req.version();
    const bool head = req.method() == http::verb::head;
    const bool reusable = req.keep_alive() && parser.is_done();
    const auto started = Clock::now();
    const auto path = decode_admin_path(at.path);
    const AdminRoutes::Found found = path ? m_server.admin.find(method, *path) : AdminRoutes::Found{};
    if (!(found.handler && found.open))  // an open route's handler checks its own credential
      if (auto refused = check_admin_access(m_server.options.admin_token, m_peer, text(req[http::field::authorization]))) {
        prepare(std::move(*refused), method, target);
        co_return co_await answer(version, reusable, head);
      }
    if (!path) {
      prepare(ProxyReply{400, "malformed percent-escape in the path"}, method, target);
      co_return co_await answer(version, reusable, head);
    }
    if (!found.handler) {
      prepare(found.refusal, method, target);
      co_return co_await answer(version, reusable, head);
    }
    AdminRequest request;
    request.method = method;
    request.path = *path;
    request.query = at.query;
    request.rest = found.rest;
    request.accept = std::string(text(req[http::field::accept]));
    request.content_type = std::string(text(req[http::field::content_type]));
    request.peer = m_peer;
    request.base_url = "http://" + host;
    beast::error_code ec;
    if (!parser.is_done()) {
      const auto length = parser.content_length();
      if (length && *length > kAdminBodyLimit) {
        prepare(ProxyReply{413, "the body is larger than 1 MiB"}, method, target);
        co_return co_await answer(version, false, head);
      }
      if (beast::iequals(req[http::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        m_client.expires_after(kIoTimeout);
        co_await asio::async_write(m_client, asio::buffer(kContinue.data(), kContinue.size()), with(ec));
        if (ec) co_return false;
      }
      while (!parser.is_done()) {
        auto& body = req.body();
        body.data = m_chunk.data();
        body.size = m_chunk.size();
        m_client.expires_after(kIoTimeout);
        co_await http::async_read_some(m_client, m_buffer, parser, with(ec));
        if (ec == http::error::need_buffer) ec = {};
        if (ec) co_return false;
        request.body.append(m_chunk.data(), m_chunk.size() - body.size);
        if (request.body.size() > kAdminBodyLimit) {
          prepare(ProxyReply{413, "the body is larger than 1 MiB"}, method, target);
          co_return co_await answer(version, false, head);
        }
      }
    }

    const auto executor = co_await asio::this_coro::executor;
    auto wakeup = std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
    auto exchange = std::make_shared<AdminExchange>(
        &m_server.cancel, [wakeup] { asio::post(wakeup->get_executor(), [wakeup] { wakeup->cancel(); }); });
    // However this ends, the handler is told to stop and never wakes this connection again.
    struct Release {
      std::shared_ptr<AdminExchange> exchange;
      ~Release() {
        exchange->cancel();
        exchange->disconnect();
      }
    } release{exchange};
    m_server.handlers.start([exchange, handler = found.handler, request = std::move(request)] {
      std::string error;
      try {
        (*handler)(request, *exchange);
      } catch (const std::exception& e) {
        error = e.what();
      }
      exchange->finish(error);
    });

    AdminExchange::Taken taken = exchange->take();
    while (!taken.head) {
      co_await wakeup->async_wait(with(ec));
      taken = exchange->take();
    }
    const AdminExchange::Head answered = std::move(*taken.head);
    const auto status = static_cast<http::status>(answered.status);
    const auto log_answer = [&](const std::string& more) {
      const auto ms = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count() / 1000.0;
      char took[32];
      std::snprintf(took, sizeof took, "%.1f ms", ms);
      m_server.log(m_peer + " " + method + " " + target + " -> admin " + std::to_string(answered.status) + " " + took +
                   more);
    };
    if (answered.whole) {
      http::response<http::string_body> res{status, version};
      res.set(http::field::server, "boss");
      if (!answered.content_type.empty()) res.set(http::field::content_type, answered.content_type);
      res.set(http::field::cache_control, "no-store");
      for (const auto& [name, value] : answered.headers) res.set(name, value);
      res.body() = answered.body;
      res.keep_alive(reusable);
      res.prepare_payload();
      if (head) res.body().clear();
      http::response_serializer<http::string_body> serializer{res};
      m_client.expires_after(kIoTimeout);
      if (head) co_await http::async_write_header(m_client, serializer, with(ec));
      else co_await http::async_write(m_client, serializer, with(ec));
      log_answer("");
      co_return !ec && reusable;
    }

    // Streamed: chunked (an HTTP/1.0 client reads to the end), and the connection ends with it.
    const bool chunked = version >= 11;
    http::response<http::empty_body> res{status, version};
    res.set(http::field::server, "boss");
    if (!answered.content_type.empty()) res.set(http::field::content_type, answered.content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : answered.headers) res.set(name, value);
    if (chunked) res.chunked(true);
    res.keep_alive(false);
    http::response_serializer<http::empty_body> serializer{res};
    m_client.expires_after(kIoTimeout);
    co_await http::async_write_header(m_client, serializer, with(ec));
    if (ec || head) co_return false;

    // The client is watched while it streams: its end (or an error) cancels the handler.
    struct Watch {
      asio::steady_timer done;
      bool finished = false;
    };
    auto watch = std::make_shared<Watch>(Watch{asio::steady_timer(executor, asio::steady_timer::time_point::max())});
    asio::co_spawn(executor, watch_client(), [watch, exchange, wakeup](std::exception_ptr) {
      watch->finished = true;
      exchange->cancel();
      wakeup->cancel();
      watch->done.cancel();
    });
    std::string pending = std::move(taken.bytes);
    bool ended = taken.ended;
    std::uint64_t sent = 0;
    for (;;) {
      if (!pending.empty()) {
        m_client.expires_after(kIoTimeout);
        if (chunked) co_await asio::async_write(m_client, http::make_chunk(asio::buffer(pending)), with(ec));
        else co_await asio::async_write(m_client, asio::buffer(pending), with(ec));
        if (ec) break;
        sent += pending.size();
      }
      if (ended) {
        if (chunked) co_await asio::async_write(m_client, http::make_chunk_last(), with(ec));
        break;
      }
      if (watch->finished) break;
      taken = exchange->take();
      if (taken.bytes.empty() && !taken.ended) {
        co_await wakeup->async_wait(with(ec));
        taken = exchange->take();
      }
      pending = std::move(taken.bytes);
      ended = taken.ended;
    }
    const bool client_left = watch->finished && !ended;
    if (!watch->finished) {
      beast::error_code ignored;
      m_client.socket().cancel(ignored);
      while (!watch->finished) co_await watch->done.async_wait(with(ec));
    }
    log_answer(", streamed " + std::to_string(sent) + " bytes" + (client_left ? ", until the client left" : ""));
    co_return false;
  }

  // Reads (and drops) what the client sends until it closes or fails: how a streamed
  // answer learns that nobody reads it any more. On the raw socket, so no timeout.
  awaitable<void> watch_client() {
    std::vector<char> scratch(4096);
    beast::error_code ec;
    while (!ec) co_await m_client.socket().async_read_some(asio::buffer(scratch), with(ec));
  }

  // The upstream switched protocols (101): its answer goes to the client with Connection
  // and Upgrade as sent, then the bytes both ways (tunnel.h) until both sides close. Only
  // when the request asked to (`upgrading`); else a 502, the upstream's answer dropped.
  // Never leaves a connection that can carry another request.
  awaitable<bool> switch_protocols(const std::string& service, const Upstream& upstream, bool upgrading,
                                   const RequestRecord& asked, Clock::time_point started) {
    const std::string& method = asked.method;
    const std::string& target = asked.path;
    auto& res = m_response->get();
    if (!upgrading) {
      m_response.reset();
      m_link.close();
      prepare(ProxyReply{502, "service '" + service + "' (" + describe(upstream) +
                                  ") switched protocols (101) for a request that asked no upgrade"},
              method, target);
      co_return co_await answer_routed(upstream.container, asked, started, 11, false, false);
    }
    const std::string upgrade(text(res[http::field::upgrade]));
    drop_hop_by_hop(res);
    res.set(http::field::connection, "Upgrade");
    if (!upgrade.empty()) res.set(http::field::upgrade, upgrade);
    res.version(11);
    const RelayFailure sent = co_await relay<false>(*m_link.stream, m_link.buffer, *m_response, m_client, m_chunk);
    m_response.reset();
    if (sent != RelayFailure::none) {
      m_link.close();
      co_return false;
    }
    m_server.log(m_peer + " " + method + " " + target + " -> " + service + " 101 (tunnel open)");
    auto relaying = tunnel::relay_both_ways(m_client.socket(), m_buffer, m_link.stream->socket(), m_link.buffer, kChunk);
    const tunnel::Relayed relayed = co_await std::move(relaying);
    m_link.close();
    const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();
    char took[32];
    std::snprintf(took, sizeof took, "%.1f s", seconds);
    m_server.log(m_peer + " " + method + " " + target + " -> " + service + " tunnel closed after " + took + ", " +
                 std::to_string(relayed.to_upstream) + " bytes up, " + std::to_string(relayed.to_client) +
                 " bytes down");
    m_server.activity.answered(upstream.container, RequestRecord{asked.time, method, target, 101, seconds * 1000});
    co_return false;
  }

  // `service` is on demand and not running: its start is asked for (one for all who ask,
  // on_demand.h). A browser gets the starting page at once; anyone else waits until the
  // start ends, --wait-timeout at most. nullopt: it is up now; else the answer to give.
  awaitable<std::optional<ProxyReply>> start_on_demand(const std::string& service, bool html, bool again) {
    OnDemandStarter& starter = *m_server.on_demand;
    DemandStatus status = starter.demand(service, again);
    const auto asked = Clock::now();
    if (is_settling(status.state) && !html) {
      auto waiting = wait_settled(m_server, service, asked + m_server.options.wait_timeout);
      co_await std::move(waiting);
      status = starter.status(service);
    }
    switch (status.state) {
      case DemandState::up: co_return std::nullopt;
      case DemandState::failed:
        if (status.over_budget) co_return over_budget_reply(service, status, html);
        co_return failed_reply(service, status, html);
      case DemandState::queued:
      case DemandState::starting:
      case DemandState::stopping:
        if (html) co_return starting_reply(service, status, true);
        co_return start_timeout_reply(service, status,
                                      std::chrono::duration<double>(m_server.options.wait_timeout).count());
      case DemandState::stopped: break;
    }
    co_return ProxyReply{503, "service '" + service + "' is not running (boss proxy is stopping)"};
  }

  // nullopt when connected; else why not.
  awaitable<std::optional<std::string>> connect(const Upstream& upstream) {
    m_link.close();
    beast::error_code ec;
    const auto address = asio::ip::make_address(upstream.address, ec);
    if (ec) co_return "bad address '" + upstream.address + "'";
    m_link.stream.emplace(co_await asio::this_coro::executor);
    m_link.stream->expires_after(kConnectTimeout);
    co_await m_link.stream->async_connect(tcp::endpoint(address, static_cast<unsigned short>(upstream.port)), with(ec));
    if (ec) {
      m_link.close();
      co_return ec == beast::error::timeout ? std::string("connection timed out") : ec.message();
    }
    m_link.stream->socket().set_option(tcp::no_delay(true), ec);  // see Connection's constructor
    m_link.to = upstream;
    co_return std::nullopt;
  }

  // Starts sending the request's body (and its header) to the upstream, alongside the
  // caller, who reads the answer meanwhile: an upstream that answers while it reads (an
  // echo, an early 413) would otherwise fill the buffers both ways and wait forever.
  // Every start is followed by finish_body_send before `parser` or the link go away.
  void start_body_send(http::request_parser<http::buffer_body>& parser, const asio::any_io_executor& executor) {
    m_send.finished = false;
    m_send.stopped = false;
    m_send.result = RelayFailure::none;
    m_send.done.emplace(executor, asio::steady_timer::time_point::max());
    // Runs on the connection's strand, as this coroutine does: no locking.
    asio::co_spawn(executor, relay<true>(m_client, m_buffer, parser, *m_link.stream, m_body_chunk),
                   [this](std::exception_ptr error, RelayFailure result) {
                     m_send.result = error ? RelayFailure::writing : result;
                     m_send.finished = true;
                     m_send.done->cancel();
                     // The client went away mid-body: its answer is not waited for.
                     if (m_send.result == RelayFailure::reading && !m_send.stopped && m_link.stream)
                       m_link.stream->cancel();
                   });
  }

  // Waits for the body send to end and returns how it did; with `stop`, one still going
  // is cut off first (what the upstream did not take is not wanted), and reported as a
  // failed write, never as the client gone.
  awaitable<RelayFailure> finish_body_send(bool stop) {
    if (!m_send.finished && stop) {
      m_send.stopped = true;
      m_client.cancel();
      if (m_link.stream) m_link.stream->cancel();
    }
    beast::error_code ec;
    while (!m_send.finished) co_await m_send.done->async_wait(with(ec));
    if (m_send.stopped && m_send.result != RelayFailure::none) co_return RelayFailure::writing;
    co_return m_send.result;
  }

  // Reads the final response's header into m_response (interim 1xx answers are dropped:
  // the proxy answered Expect itself; a 101 is final, switch_protocols takes it). nullopt
  // when read.
  awaitable<std::optional<beast::error_code>> read_response_header(bool head) {
    beast::error_code ec;
    for (;;) {
      m_response.emplace();
      m_response->header_limit(kUpstreamHeaderLimit);
      m_response->body_limit(kNoBodyLimit);
      if (head) m_response->skip(true);
      m_link.stream->expires_after(kIoTimeout);
      co_await http::async_read_header(*m_link.stream, m_link.buffer, *m_response, with(ec));
      if (ec) {
        m_response.reset();
        co_return ec;
      }
      const unsigned code = m_response->get().result_int();
      if (code / 100 != 1 || code == 101) co_return std::nullopt;
    }
  }

  // What the request's header alone makes the proxy refuse.
  static std::optional<ProxyReply> check_header(const http::request<http::buffer_body>& req) {
    if (static_cast<std::size_t>(std::distance(req.begin(), req.end())) > kMaxFields)
      return ProxyReply{431, "more than 100 header fields"};
    if (req.count(http::field::content_length) && req.count(http::field::transfer_encoding))
      return ProxyReply{400, "both Content-Length and Transfer-Encoding"};
    if (req.count(http::field::host) > 1) return ProxyReply{400, "more than one Host header"};
    return std::nullopt;
  }

  // Logs `reply` and keeps it for answer(). (Two steps, so that no co_await expression
  // holds a temporary: see find_upstream.)
  void prepare(ProxyReply reply, const std::string& method, const std::string& target) {
    m_server.log(m_peer + " " + method + " " + target + " -> " + std::to_string(reply.status) + " " + reply.reason);
    m_reply = std::move(reply);
  }

  // Sends the prepared reply; whether the connection serves another request.
  awaitable<bool> answer(unsigned version, bool keep_alive, bool head) {
    co_return co_await send_reply(m_client, m_reply, version < 10 ? 11 : version, keep_alive, head);
  }

  // answer() for a request routed to `container` that the proxy answers itself (the
  // starting page, a failed start, a wait past --wait-timeout, a full budget, an upstream
  // it cannot reach): the answer goes in that container's history, as the container's own
  // do, with its status and how long it took from the request's arrival to its end.
  awaitable<bool> answer_routed(const std::string& container, const RequestRecord& asked, Clock::time_point started,
                                unsigned version, bool keep_alive, bool head) {
    const bool kept = co_await send_reply(m_client, m_reply, version < 10 ? 11 : version, keep_alive, head);
    RequestRecord record = asked;
    record.status = m_reply.status;
    record.duration_ms =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count() / 1000.0;
    m_server.activity.answered(container, record);
    co_return kept;
  }

  inline static const std::string kUnread = "-";  // a request whose header could not be read

  Server& m_server;
  beast::tcp_stream m_client;
  beast::flat_buffer m_buffer;
  std::string m_peer;
  bool m_inputs_only;  // only launch inputs answered (ProxyOptions::inputs_address)
  UpstreamLink m_link;
  std::optional<http::response_parser<http::buffer_body>> m_response;
  std::vector<char> m_chunk;       // the answer's body, relayed
  std::vector<char> m_body_chunk;  // the request's body, relayed at the same time
  struct BodySend {
    std::optional<asio::steady_timer> done;  // cancelled when it ends
    bool finished = true;
    bool stopped = false;
    RelayFailure result = RelayFailure::none;
  } m_send;
  ProxyReply m_reply;
};

awaitable<void> serve_connection(Server& server, tcp::socket socket, bool inputs_only) {
  Connection connection(server, std::move(socket), inputs_only);
  co_await connection.serve();
}

awaitable<void> accept_loop(Server& server, tcp::acceptor& acceptor, asio::io_context& io, bool inputs_only) {
  for (;;) {
    tcp::socket socket(asio::make_strand(io));
    beast::error_code ec;
    co_await acceptor.async_accept(socket, with(ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {
      server.log("accept failed: " + ec.message());
      asio::steady_timer pause(io, std::chrono::milliseconds(100));  // out of descriptors: let some close
      co_await pause.async_wait(with(ec));
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve_connection(server, std::move(socket), inputs_only), asio::detached);
  }
}

}  // namespace

void serve_proxy(const ProxyOptions& options, const Project& project, UpstreamFinder& upstreams,
                 OnDemandStarter* on_demand, ServiceActivity& activity, const AdminRoutes& admin, const Cancel& cancel,
                 const ProxyLogFn& log) {
  asio::thread_pool blocking(kBlockingThreads);
  Server server{options, project, upstreams, on_demand, activity, blocking, admin, cancel, log, {}, {}};
  {
    asio::io_context io(kIoThreads);
    tcp::acceptor acceptor(io);
    beast::error_code ec;
    const auto address = asio::ip::make_address(options.listen_address, ec);
    if (ec) throw std::runtime_error("--listen: '" + options.listen_address + "' is not an IP address");
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(options.listen_port));
    const std::string shown = (address.is_v6() ? "[" + options.listen_address + "]" : options.listen_address);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error("cannot listen on " + shown + ":" + std::to_string(options.listen_port) + ": " +
                               ec.message());
    const auto port = acceptor.local_endpoint().port();
    server.log("listening on http://" + shown + ":" + std::to_string(port));
    asio::co_spawn(io, accept_loop(server, acceptor, io, false), asio::detached);
    // Launch inputs, on the address containers reach (not fatal when it cannot be had).
    tcp::acceptor inputs(io);
    if (!options.inputs_address.empty()) {
      const auto inputs_ip = asio::ip::make_address(options.inputs_address, ec);
      const tcp::endpoint inputs_endpoint(inputs_ip, 0);
      if (!ec) inputs.open(inputs_endpoint.protocol(), ec);
      if (!ec) inputs.bind(inputs_endpoint, ec);
      if (!ec) inputs.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        server.log("cannot serve launch inputs on " + options.inputs_address + ": " + ec.message());
      } else {
        server.log("serving launch inputs on http://" + options.inputs_address + ":" +
                   std::to_string(inputs.local_endpoint().port()));
        asio::co_spawn(io, accept_loop(server, inputs, io, true), asio::detached);
      }
    }
    std::vector<std::thread> threads;
    for (int i = 0; i < kIoThreads; ++i) threads.emplace_back([&io] { io.run(); });
    while (!cancel.sleep_for(std::chrono::hours(1))) {
    }
    io.stop();
    for (auto& thread : threads) thread.join();
    if (on_demand) on_demand->close();  // its callbacks post to `io`
    server.handlers.join_all();         // cancelled with `cancel`; their wakes post to `io`
    blocking.stop();
    blocking.join();
    acceptor.close(ec);
    inputs.close(ec);
  }  // the connections' frames go with the io_context, before the server they point to
}

}  // namespace boss
