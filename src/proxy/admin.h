// `boss proxy`'s own pages under /_boss/ (route.h's AdminTarget): who may use them, which
// handler answers a request, and the two sides of a handler's answer. Boost-free; the
// server (proxy_server.cpp) reads the request, checks access, finds the handler, and runs
// it on a thread of its own through an AdminExchange (admin_exchange.h), so a handler may
// block (an engine call, a log that follows) without holding up any connection.
//
// Access (check_admin_access):
//   - no token set: loopback peers only (127.0.0.0/8, ::1, ::ffff:127.x); others 403;
//   - a token set (--admin-token, BOSS_ADMIN_TOKEN): from any peer, loopback included,
//     only `Authorization: Bearer <token>`: 401 without one (WWW-Authenticate: Bearer),
//     403 with another; compared in constant time.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/cancel.h"
#include "proxy/route.h"

namespace boss {

constexpr std::size_t kAdminBodyLimit = 1024 * 1024;  // bytes of a request's body; past it 413

// Whether `peer` (an IP address as text) is a loopback address.
bool is_loopback_peer(std::string_view peer);
// "" when `token` can be an admin token (1 to 4096 visible ASCII characters, no blank, as
// a Bearer token is sent); else why not.
std::string admin_token_problem(std::string_view token);
// Equal texts, in a time that depends on their lengths only.
bool constant_time_equal(std::string_view a, std::string_view b);
// nullopt: allowed; else the refusal (401 or 403), with its reason for the log.
std::optional<ProxyReply> check_admin_access(std::string_view token, std::string_view peer,
                                             std::string_view authorization);

using AdminHeaders = std::vector<std::pair<std::string, std::string>>;

struct AdminRequest {
  std::string method;         // "GET", "POST", ...
  std::string path;           // after /_boss, percent-decoded: "/", "/logs/web"
  std::string query;          // after '?', as sent
  std::string rest;           // what a prefix route's prefix is followed by ("web"); "" for an exact one
  std::string accept;         // the Accept header
  std::string content_type;   // the Content-Type header
  std::string body;           // kAdminBodyLimit bytes at most
  std::string peer;           // the client's address
  std::string base_url;       // "http://<Host as sent>", for URLs in answers

  // A query parameter's value, percent-decoded ('+' as a space); nullopt when absent.
  std::optional<std::string> param(std::string_view name) const;
  // Whether the answer is JSON: ?format=json (or html), else unless Accept names HTML (a
  // browser's does; curl's */* does not).
  bool wants_json() const;
};

// How a handler answers: send() a whole response, or begin() and write() pieces of one
// (chunked, for as long as it likes). Either, once. cancelled() is requested when the
// client went away or the proxy stops: a streaming handler returns soon after.
class AdminResponse {
 public:
  virtual ~AdminResponse() = default;
  virtual void send(int status, std::string content_type, std::string body, AdminHeaders headers = {}) = 0;
  virtual void begin(int status, std::string content_type, AdminHeaders headers = {}) = 0;
  // false: the client is gone (nothing more will reach it).
  virtual bool write(std::string_view bytes) = 0;
  virtual const Cancel& cancelled() const = 0;

  // Conveniences over send().
  void json(int status, std::string body) { send(status, "application/json", std::move(body)); }
  void html(int status, std::string body) { send(status, "text/html; charset=utf-8", std::move(body)); }
  // A one-line error: {"error": ...} for JSON clients, else text.
  void error(const AdminRequest& request, int status, const std::string& message);
};

using AdminHandler = std::function<void(const AdminRequest&, AdminResponse&)>;

// Which handler answers a method and path. Exact paths ("/") and prefixes ("/logs/":
// the rest of the path is AdminRequest::rest, never empty, never holding a '/'; unless
// added with `deep`, when it may). A prefix added `open` is answered without the access
// check (check_admin_access): its handler checks a credential of its own (launch inputs'
// tokens, launch_inputs.h).
class AdminRoutes {
 public:
  void add(std::string method, std::string path, AdminHandler handler);
  void add_prefix(std::string method, std::string prefix, AdminHandler handler, bool deep = false, bool open = false);

  struct Found {
    const AdminHandler* handler = nullptr;  // null: `refusal` says why (404, or 405 with Allow)
    std::string rest;
    ProxyReply refusal;
    bool open = false;  // the handler's route was added open: no access check
  };
  // `path` is decoded (AdminRequest::path). HEAD finds GET's handler.
  Found find(std::string_view method, std::string_view path) const;
  // The known paths and prefixes, "GET /", "GET /logs/<name>", in the order added.
  std::vector<std::string> listing() const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix = false;
    bool deep = false;
    bool open = false;
    AdminHandler handler;
  };
  std::vector<Route> m_routes;
};

// The path of an AdminTarget, percent-decoded; nullopt when an escape is malformed.
std::optional<std::string> decode_admin_path(std::string_view path);

}  // namespace boss
