// `boss proxy`'s server: HTTP/1.1 on one address, each request routed (route.h) to one of
// the project's containers (upstreams.h) and relayed both ways as it arrives, never
// holding a whole body. Boost.Beast on Asio lives in proxy_server.cpp alone (it is slow to
// compile); this header is Boost-free.
//
// Per request: keep-alive to the client and to the upstream (one upstream connection per
// client connection, reused while requests go to the same container); hop-by-hop headers
// dropped (but for a WebSocket upgrade: Connection and Upgrade go as sent, and after the
// upstream's 101 the bytes are relayed both ways until both sides close, tunnel.h);
// X-Forwarded-For (appended), X-Forwarded-Proto, X-Forwarded-Host and, for path
// routes, X-Forwarded-Prefix set (a client's own Prefix is dropped); `Expect:
// 100-continue` answered by the proxy. Refused, never forwarded: a header over 16 KiB or
// over 100 fields (431), a malformed request, both Content-Length and Transfer-Encoding,
// two Host headers (400), and what route.h refuses.
//
// `/_boss/...` (route.h's AdminTarget) is answered by the proxy itself: access checked
// (admin.h; not for an open route: launch_inputs.h), the body read (1 MiB at most, else
// 413), and the handler `admin` names run on a thread of its own, its answer relayed as
// it comes (admin_exchange.h); a streamed answer ends the connection, and its handler is
// cancelled when the client goes away.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/cancel.h"
#include "core/project.h"
#include "proxy/activity.h"
#include "proxy/admin.h"
#include "proxy/on_demand.h"
#include "proxy/upstreams.h"

namespace boss {

struct ProxyOptions {
  std::string listen_address = "127.0.0.1";  // an IP literal (IPv6 without brackets)
  int listen_port = 8000;                    // 0: any free port (the listening line says which)
  std::string domain = "localhost";          // normalized (route.h)
  // How long a request that is not a browser's waits for an on-demand service to start.
  std::chrono::milliseconds wait_timeout{60000};
  // "": /_boss/ answers loopback peers only; else any peer with `Authorization: Bearer <it>`.
  std::string admin_token;
  // "": none; else an IP literal where, on any free port, only launch inputs
  // (/_boss/inputs/<name>, launch_inputs.h) are served: the project network's gateway,
  // the address containers reach the host at ("serving launch inputs on http://ADDR:PORT").
  std::string inputs_address;
};

// Receives one line per request and one when the server listens ("listening on
// http://ADDR:PORT"; then "serving launch inputs on http://ADDR:PORT", or "cannot serve
// launch inputs on ADDR: why"); called from the server's threads, one call at a time.
using ProxyLogFn = std::function<void(const std::string&)>;

// Serves until `cancel` is requested, then closes every connection and returns. Throws
// std::runtime_error when it cannot listen. A request for an `on_demand` service that
// does not run has `on_demand` start it (null: it is refused as not running, 503). Each
// request routed to a service is open in `activity` until it is answered (a tunnel until
// it closes). `admin` answers /_boss/ (its handlers' threads are joined before this
// returns: they must end soon once cancelled()).
void serve_proxy(const ProxyOptions& options, const Project& project, UpstreamFinder& upstreams,
                 OnDemandStarter* on_demand, ServiceActivity& activity, const AdminRoutes& admin, const Cancel& cancel,
                 const ProxyLogFn& log);

}  // namespace boss
