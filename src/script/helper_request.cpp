#include "script/helper_request.h"

#include <lua.hpp>

#include <chrono>
#include <exception>
#include <thread>

#include "core/cancel.h"
#include "core/engine.h"
#include "platform/host_helpers.h"

namespace boss {
namespace {

bool read_string(lua_State* L, int index, std::string& out) {
  if (lua_type(L, index) != LUA_TSTRING) return false;
  size_t len = 0;
  const char* s = lua_tolstring(L, index, &len);
  out.assign(s, len);
  return true;
}

bool read_number(lua_State* L, int index, double& out) {
  if (lua_type(L, index) != LUA_TNUMBER) return false;
  out = lua_tonumber(L, index);
  return true;
}

bool read_argv(lua_State* L, int index, std::vector<std::string>& out) {
  if (lua_type(L, index) != LUA_TTABLE) return false;
  const int n = static_cast<int>(lua_objlen(L, index));
  for (int i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, i);
    std::string arg;
    const bool ok = read_string(L, -1, arg);
    lua_pop(L, 1);
    if (!ok) return false;
    out.push_back(std::move(arg));
  }
  return !out.empty();
}

// Wraps a blocking call so that an exception becomes the helper's error.
template <typename Fn>
std::function<HelperResults(const Cancel&)> guarded(Fn fn) {
  return [fn = std::move(fn)](const Cancel& cancel) -> HelperResults {
    try {
      return fn(cancel);
    } catch (const std::exception& e) {
      return HelperResults{e.what(), {}};
    } catch (...) {
      return HelperResults{"unknown error", {}};
    }
  };
}

}  // namespace

ParsedHelper read_helper_request(lua_State* L, int first, Engine* engine) {
  ParsedHelper parsed;
  HelperRequest& r = parsed.request;
  if (!read_string(L, first, r.op)) {
    parsed.error = "malformed helper request";
    return parsed;
  }
  const int a = first + 1;  // first argument after op
  if (r.op == "sleep") {
    if (!read_number(L, a, r.sleep_seconds)) parsed.error = "boss.sleep: seconds must be a number";
    if (!(r.sleep_seconds >= 0)) r.sleep_seconds = 0;
  } else if (r.op == "exec") {
    std::string id;
    std::vector<std::string> argv;
    if (!read_string(L, a, id) || !read_argv(L, a + 1, argv)) {
      parsed.error = "self:exec: expected an argv table of strings";
    } else if (!engine) {
      parsed.error = "self:exec: no container engine";
    } else {
      r.work = guarded([engine, id, argv](const Cancel& cancel) {
        ExecResult result = engine->exec(id, argv, cancel);
        return HelperResults{"", {double(result.exit_code), result.output}};
      });
    }
  } else if (r.op == "host_port" || r.op == "address") {
    // address: "host:port" at which other engines reach the published port (the
    // engine's published_address; "" is this machine, 127.0.0.1).
    const std::string helper = "self:" + r.op;
    const bool address = r.op == "address";
    std::string id, protocol;
    double port = 0;
    if (!read_string(L, a, id) || !read_number(L, a + 1, port) || !read_string(L, a + 2, protocol)) {
      parsed.error = helper + ": expected a port number and a protocol";
    } else if (!engine) {
      parsed.error = helper + ": no container engine";
    } else {
      r.work = guarded([engine, id, port, protocol, address](const Cancel&) {
        HelperResults out{"", {std::monostate{}}};
        if (auto state = engine->inspect_container(id)) {
          for (const auto& p : state->ports) {
            if (p.container_port == port && p.protocol == protocol && p.host_port != 0) {
              if (!address) {
                out.values[0] = double(p.host_port);
                break;
              }
              std::string host = engine->published_address(id);
              if (host.empty()) host = "127.0.0.1";
              if (host.find(':') != std::string::npos) host = "[" + host + "]";
              out.values[0] = host + ":" + std::to_string(p.host_port);
              break;
            }
          }
        }
        return out;
      });
    }
  } else if (r.op == "tcp_open") {
    std::string host;
    double port = 0, timeout = 1;
    if (!read_string(L, a, host) || !read_number(L, a + 1, port) || !read_number(L, a + 2, timeout)) {
      parsed.error = "boss.tcp_open: expected host, port[, timeout]";
    } else {
      r.work = guarded([host, port, timeout](const Cancel&) {
        return HelperResults{"", {tcp_open(host, static_cast<int>(port), timeout)}};
      });
    }
  } else if (r.op == "http_get") {
    std::string url;
    double timeout = 5;
    if (!read_string(L, a, url) || !read_number(L, a + 1, timeout)) {
      parsed.error = "boss.http_get: expected url[, timeout]";
    } else {
      r.work = guarded([url, timeout](const Cancel& cancel) {
        HttpGetResult response = http_get(url, timeout, cancel);
        return HelperResults{"", {double(response.status), response.body}};
      });
    }
  } else if (r.op == "run") {
    std::vector<std::string> argv;
    if (!read_argv(L, a, argv)) {
      parsed.error = "boss.run: expected an argv table of strings";
    } else {
      r.work = guarded([argv](const Cancel& cancel) {
        HostCommandResult result = run_command(argv, cancel);
        return HelperResults{"", {double(result.exit_code), result.output}};
      });
    }
  } else {
    parsed.error = "unknown helper '" + r.op + "'";
  }
  return parsed;
}

HelperResults run_helper_now(const HelperRequest& request) {
  if (request.op == "sleep") {
    std::this_thread::sleep_for(std::chrono::duration<double>(request.sleep_seconds));
    return {};
  }
  return request.work(Cancel::never());
}

int push_helper_results(lua_State* L, const HelperResults& results) {
  lua_checkstack(L, static_cast<int>(results.values.size()) + 2);
  if (!results.error.empty()) {
    lua_pushboolean(L, 0);
    lua_pushlstring(L, results.error.data(), results.error.size());
    return 2;
  }
  lua_pushboolean(L, 1);
  for (const auto& value : results.values) {
    if (const auto* b = std::get_if<bool>(&value))
      lua_pushboolean(L, *b);
    else if (const auto* d = std::get_if<double>(&value))
      lua_pushnumber(L, *d);
    else if (const auto* s = std::get_if<std::string>(&value))
      lua_pushlstring(L, s->data(), s->size());
    else
      lua_pushnil(L);
  }
  return 1 + static_cast<int>(results.values.size());
}

}  // namespace boss
