// Base64 (RFC 4648), with padding: the standard alphabet or the URL-safe one ('-' and
// '_' for '+' and '/'), as the Docker API and the docker CLI's config.json use them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace boss {

enum class Base64Alphabet { standard, url };

std::string base64_encode(std::string_view bytes, Base64Alphabet alphabet = Base64Alphabet::standard);
// Decodes either alphabet, padded or not, ignoring nothing else: nullopt for any other
// character or a length no encoding produces.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace boss
