// The fields of a job (`kind = "job"`, core/job.h) read from the Lua stack: `kind`,
// `success_exit_codes`, `timeout`, `retries`, and
// when `boss serve` runs it: `schedule`, `every`, `overlap`, `catch_up`. Each throws DefinitionError with the text
// that follows "field 'NAME' " in service_reader's one-line message ("has unknown key
// 'limt' (did you mean 'limit'?)"). They leave the stack as they found it.
#pragma once

#include <vector>

#include "core/job.h"

struct lua_State;

namespace boss {

// kind: "job" (true) or "service" (false).
bool read_kind(lua_State* L, int index);

// success_exit_codes, and retries' on_exit: an array of exit codes (integers 0-255).
std::vector<int> read_exit_codes(lua_State* L, int index);

// timeout: a positive duration (seconds, or "30s", "2m").
double read_job_timeout(lua_State* L, int index);

// retries: { limit = N, delay = D, backoff = B, max_delay = M, on_exit = { ... } }, every
// key optional; or a number, the limit alone.
RetryPolicy read_retries(lua_State* L, int index);

// schedule: a cron expression (core/schedule.h: parse_cron), returned as written.
std::string read_schedule(lua_State* L, int index);
// every: a duration of at least kMinEvery ("10m", "2s", "200ms", or seconds).
double read_every(lua_State* L, int index);
// overlap: "skip", "queue" or "replace".
Overlap read_overlap(lua_State* L, int index);
// catch_up: a boolean.
bool read_catch_up(lua_State* L, int index);

}  // namespace boss
