// `$NAME` and `${...}` in text, as docker compose (and its `.env` files) expand them.
//
//   $NAME, ${NAME}        the value, "" when unset
//   ${NAME:-default}      default when unset or empty      ${NAME-default}   when unset
//   ${NAME:+alt}          alt when set and not empty        ${NAME+alt}       when set
//   ${NAME:?message}      an error when unset or empty      ${NAME?message}   when unset
// Defaults, alternatives and messages are expanded themselves (${A:-${B}}).
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace boss {

// Looks a name up (the environment, a file's values); nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// What else is special besides the forms above.
struct InterpolationRules {
  // "$$" is one literal '$' (compose files). Without it, "$$" is two.
  bool dollar_escape = false;
  // A '$' followed by neither a name, '{' nor (with dollar_escape) '$' is an error, as
  // compose has it; without it such a '$' is literal (.env files).
  bool strict = false;
  // \n \r \t \" \\ \$ are escapes (double-quoted .env values); any other backslash stays.
  bool backslash_escapes = false;
};

// A mistake in the text, or a ${NAME:?message} whose NAME is unset; what() is the one-line
// reason without a place ("unterminated '${' in value", "DB_PASSWORD: must be set").
class InterpolationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws InterpolationError.
std::string interpolate(const std::string& text, const EnvLookup& lookup, const InterpolationRules& rules = {});

}  // namespace boss
