#include "cli/proxy_command.h"

#include <cstdio>
#include <string>

#include "core/host_binding.h"
#include "proxy/proxy_server.h"
#include "proxy/upstreams.h"

namespace boss {

int proxy_command(const Options& opt, const Project& project, Engine& engine, const Cancel& cancel) {
  const auto listen = parse_host_binding(opt.listen);  // checked by parse_command_line
  ProxyOptions options;
  options.listen_address = listen && !listen->ip.empty() ? listen->ip : "127.0.0.1";
  options.listen_port = listen ? listen->port : 8000;
  options.domain = opt.domain;
  UpstreamFinder upstreams(engine, project);
  std::string routes;
  for (const auto& s : project.services)
    if (s.http) routes += (routes.empty() ? "" : ", ") + s.name;
  if (routes.empty())
    std::fprintf(stderr, "boss: warning: no service has an http field: every request will be refused\n");
  serve_proxy(options, project, upstreams, cancel, [&](const std::string& line) {
    std::printf("boss proxy: %s\n", line.c_str());
    if (line.rfind("listening on ", 0) == 0 && !routes.empty())
      std::printf("boss proxy: routing %s by path (/<service>/) and host (<service>.%s)\n", routes.c_str(),
                  options.domain.c_str());
    std::fflush(stdout);
  });
  std::printf("boss proxy: stopped\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace boss
