// The host's own address on a local Docker engine's user-defined bridge network: the
// interface `br-<the network id's first 12 characters>` the engine makes for it, whose
// address is the network's gateway, the one address of the host that every container on
// that network reaches. boss proxy serves launch inputs there (input = "url").
#pragma once

#include <string>

namespace boss {

// The interface's IPv4 address ("172.18.0.1"), or "" when this host has no such interface
// (a remote engine, podman, another network driver).
std::string bridge_address(const std::string& network_id);

}  // namespace boss
