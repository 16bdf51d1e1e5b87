// Published ports as addresses a user can open: "127.0.0.1:32768 -> 80/tcp".
#pragma once

#include <string>
#include <vector>

#include "core/engine.h"

namespace boss {

// One address per published port, in the order given. A binding to every address
// (0.0.0.0, ::, or none) is shown as "localhost"; an IPv6 address is bracketed
// ("[::1]:8080 -> 80/tcp"); the IPv4 and IPv6 bindings of one port are shown once.
std::vector<std::string> port_addresses(const std::vector<PublishedPort>& ports);
// port_addresses() joined with ", ".
std::string format_ports(const std::vector<PublishedPort>& ports);

}  // namespace boss
