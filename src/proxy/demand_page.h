// What `boss proxy` answers for an on-demand service (on_demand.h) that is not up: pure
// text, no sockets. A browser (Accept names text/html) gets a small HTML page, anyone
// else one plain line (and the log tail):
//   - starting: 503 with Retry-After, the page refreshing itself every second and showing
//     each service of the start with its phase, so the browser ends on the app's own
//     page without a manual reload;
//   - failed: 502 with the reason and the failed container's log tail, not refreshing;
//   - no room in --memory-budget: 503 with Retry-After and the reason;
//   - not started in time (--wait-timeout, clients that wait): 504 saying where it was.
#pragma once

#include <string>
#include <string_view>

#include "proxy/on_demand.h"
#include "proxy/route.h"

namespace boss {

// Whether an Accept header asks for HTML (text/html or application/xhtml+xml, any case).
bool accepts_html(std::string_view accept);

ProxyReply starting_reply(const std::string& service, const DemandStatus& status, bool html);
ProxyReply failed_reply(const std::string& service, const DemandStatus& status, bool html);
// --memory-budget has no room for it: 503 with Retry-After and why, not refreshing.
ProxyReply over_budget_reply(const std::string& service, const DemandStatus& status, bool html);
ProxyReply start_timeout_reply(const std::string& service, const DemandStatus& status, double waited_seconds);

// `text` with &, <, >, " and ' as character references.
std::string html_escape(std::string_view text);

}  // namespace boss
