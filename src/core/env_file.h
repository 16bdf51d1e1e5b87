// Reading `.env` files, with docker compose's grammar, into name -> value pairs that
// boss.env() sees (behind the real environment, which always wins).
//
// One assignment per line:
//   KEY=value            unquoted: leading and trailing blanks dropped; ` # comment`
//                        (a '#' after a blank) ends the value; interpolated
//   export KEY=value     the same ("export " is ignored)
//   KEY='literal'        single quotes: nothing inside is special; may span lines
//   KEY="text"           double quotes: \n \r \t \" \\ \$ escapes, interpolated; may span lines
//   # comment, blank lines
// Blanks around '=' are allowed; after a closing quote only blanks and a # comment.
// KEY: a letter or '_', then letters, digits, '_', '.', '-'.
// Interpolation (unquoted and double-quoted values): $NAME, ${NAME}, ${NAME:-default}
// (unset or empty), ${NAME-default} (unset), ${NAME:+alt}, ${NAME+alt}, ${NAME:?message},
// ${NAME?message} (an error when unset/empty); defaults may themselves hold ${...}. A
// name is looked up as boss.env() would see it: the environment first, then the lines
// above (later lines win over earlier ones), then the files read before. A '$' not followed by '{' or a name is
// literal.
//
// Every error is a DefinitionError "FILE:LINE: what", one line.
#pragma once

#include "core/interpolate.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace boss {

// Parses `text`, read from `label` (used in messages), giving the assignments in order.
// Interpolation looks a name up in `environment`, then in the lines above, then in
// `earlier` (the files read before this one; may be empty).
std::vector<std::pair<std::string, std::string>> parse_env_file(const std::string& text, const std::string& label,
                                                                 const EnvLookup& environment,
                                                                 const EnvLookup& earlier = {});

// The values of `files` in order (later files win), each interpolated against the
// environment and what the files before it set. A file that cannot be read is an error
// naming it.
std::map<std::string, std::string> read_env_files(const std::vector<std::string>& files,
                                                   const EnvLookup& environment);

// The process environment, as an EnvLookup.
std::optional<std::string> process_env(const std::string& name);

// `shell` first, then `dotenv` (compose's rule: the shell wins over .env). Both are held
// by reference: they must outlive the lookup.
EnvLookup shell_then_dotenv(const EnvLookup& shell, const std::map<std::string, std::string>& dotenv);

}  // namespace boss
