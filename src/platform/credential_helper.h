// Running a docker credential helper: `docker-credential-<name> get`, the server
// address on stdin, {"ServerURL", "Username", "Secret"} on stdout (the docker CLI's
// protocol). Blocking; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/registry_auth.h"

namespace boss {

// Asks helper `name` for `server`'s credentials: nullopt when it has none ("credentials
// not found"). Throws EngineError naming the helper and the server (never its output's
// secret) when it is missing from PATH, fails, answers with something other than the
// JSON above, or takes longer than `limit` (it is then killed). A Username of "<token>"
// makes Secret an identity token.
std::optional<RegistryAuth> credentials_from_helper(const std::string& name, const std::string& server,
                                                    std::chrono::milliseconds limit = std::chrono::seconds(30));

// The helper's stdout, read into credentials (the part above that needs no process).
std::optional<RegistryAuth> parse_helper_answer(const std::string& stdout_text);

}  // namespace boss
