// A waiting helper call (sleep, exec, host_port, tcp_open, http_get, run) taken off the
// Lua stack as plain data, so that its blocking part can run on any thread.
//
// The Lua side (lua/boss.lua) passes `op, args...` either to the C primitive C.call (run
// now, blocking) or through coroutine.yield to the hook driver (run elsewhere, resume
// later). Both read the request here and push its results with push_helper_results.
#pragma once

#include <functional>
#include <string>
#include <variant>
#include <vector>

struct lua_State;

namespace boss {

class Cancel;
class Engine;

using HelperValue = std::variant<std::monostate, bool, double, std::string>;

struct HelperResults {
  std::string error;                // non-empty: the helper failed with this message
  std::vector<HelperValue> values;  // otherwise: what the helper returns to Lua
};

struct HelperRequest {
  std::string op;
  double sleep_seconds = 0;  // op == "sleep": no work, just a delay
  // Every other op: the blocking part. Runs on any thread, never throws, touches no Lua;
  // once the Cancel is requested (the hook was given up on) it stops what it started
  // (a host command is killed, an exec stops waiting) and returns soon.
  std::function<HelperResults(const Cancel&)> work;
};

// Reads `op, args...` from stack slots first..top of L. Never raises a Lua error (the
// caller may be outside any protected call): a malformed request yields `error`.
struct ParsedHelper {
  HelperRequest request;
  std::string error;
};
ParsedHelper read_helper_request(lua_State* L, int first, Engine* engine);

// Runs a request on the calling thread (sleep included).
HelperResults run_helper_now(const HelperRequest& request);

// Pushes `ok` (true unless results.error) followed by the values or the message.
// Returns the number of values pushed.
int push_helper_results(lua_State* L, const HelperResults& results);

}  // namespace boss
