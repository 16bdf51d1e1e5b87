// A service's `ports` in compose's two syntaxes, as boss's PortBindings:
//   short: "80", "8080:80", "127.0.0.1:8080:80", "127.0.0.1::80", "[::1]:8080:80",
//          "9000-9001:9000-9001", "53:53/udp", or a number;
//   long:  { target: 80, published: "8080", host_ip: "127.0.0.1", protocol: tcp, mode: host }.
// A range gives one binding per port. A host port range for a single container port
// (compose picks one of them) is published on any free port, with a warning.
#pragma once

#include <vector>

#include "compose/compose_context.h"
#include "core/project.h"

namespace boss::compose {

// One item of `ports`. Throws DefinitionError at the item (or its key) for a malformed one.
std::vector<PortBinding> read_port(Context& context, const yaml::Node& item, const std::string& service);

}  // namespace boss::compose
