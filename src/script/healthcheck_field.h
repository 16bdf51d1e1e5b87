// The values of the `healthcheck` and `stop_timeout` fields of a service, read from the
// Lua stack. Each throws DefinitionError with the text that follows "field 'NAME' " in
// the one-line message service_reader makes of it ("has unknown key 'intervl' (did you
// mean 'interval'?)"). They leave the stack as they found it.
#pragma once

#include <optional>
#include <string>

#include "core/healthcheck.h"

struct lua_State;

namespace boss {

// A number of seconds, or a duration string ("500ms", "1m", "1.5s"); nullopt for
// anything else (the caller says what it wanted).
std::optional<double> seconds_at(lua_State* L, int index);

// A value for a message: 'text' quoted, a number as Lua writes it, else its type name.
std::string shown_at(lua_State* L, int index);

// stop_timeout: seconds (0 or more) as a number or duration string.
double read_stop_timeout(lua_State* L, int index);

// healthcheck: false (the image's check is off), or { test = "shell command" |
// { "CMD", argv... } | { "CMD-SHELL", "command" }, interval, timeout, retries,
// start_period, start_interval }; `test` is required, the others have defaults.
HealthCheck read_healthcheck(lua_State* L, int index);

}  // namespace boss
