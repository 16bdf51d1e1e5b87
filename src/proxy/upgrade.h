// Whether a request asks to switch protocols (RFC 9110 7.8), which `boss proxy` passes
// through: the one upgrade it forwards is WebSocket's. Pure and Boost-free.
#pragma once

#include <string>
#include <string_view>

namespace boss {

// The protocol a request asks for, lowercase ("websocket"), when its Connection field
// (all of its values, comma-joined) names the token `upgrade` and its Upgrade field is
// websocket (a version after a '/' allowed); "" otherwise: the request is forwarded as
// any other, its Upgrade dropped as hop-by-hop.
std::string requested_upgrade(std::string_view connection, std::string_view upgrade);

// Whether `connection` (a Connection field's value) names `token`, without regard to case.
bool names_token(std::string_view connection, std::string_view token);

}  // namespace boss
