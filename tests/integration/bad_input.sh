#!/usr/bin/env bash
# Bad services files and bad invocations: exit 2, one clear line on stderr naming the
# thing, and nothing created. An unreachable engine: exit 1 naming the endpoint.
source "$(dirname "$0")/lib.sh" "$@"

new_project bad
HEAD='local boss = require "boss"
local Base = boss.Service:extend { image = "@IMG@", stop_signal = "SIGKILL", cmd = { "sleep", "100000" } }'

# bad CASE NEEDLE... : stdin is the body after HEAD; `boss start` must exit 2 with one
# stderr line containing every NEEDLE, and create nothing.
bad() {
  local what=$1
  shift
  section "$what"
  { printf '%s\n' "$HEAD"; cat; } | write_services
  expect_exit 2 boss start
  expect_one_line_stderr
  local needle
  for needle in "$@"; do expect_contains "$ERR" "$needle" "stderr"; done
  expect_nothing_created
}
line_of() { grep -n -F "$1" "$DIR/services.lua" | head -1 | cut -d: -f1; }

bad "Lua syntax error" "services.lua:4:" <<'EOF'
Base:extend { name = "a" }
Base:extend { name = "b" x = 1 }
EOF

bad "Lua runtime error" "services.lua:4:" "nil value" <<'EOF'
local t = nil
local y = t.field
Base:extend { name = "a" }
EOF

bad "error() at top level" "services.lua:3:" "custom failure" <<'EOF'
error("custom failure")
EOF

bad "missing image" "'a'" "image" <<'EOF'
boss.Service:extend { name = "a", cmd = { "true" } }
Base:extend { name = "b" }
EOF

bad "duplicate names" "duplicate" "'a'" <<'EOF'
Base:extend { name = "a" }
Base:extend { name = "a" }
EOF

bad "invalid service name" "my service" "service name" <<'EOF'
Base:extend { name = "my service" }
EOF

bad "name of the wrong type" "name" "string" <<'EOF'
Base:extend { name = 5 }
EOF

bad "unknown dependency" "'web'" "'dbb'" <<'EOF'
Base:extend { name = "db" }
Base:extend { name = "web", dependencies = { "dbb" } }
EOF

bad "dependency cycle" "cycle" "a -> b -> c -> a" <<'EOF'
Base:extend { name = "a", dependencies = { "b" } }
Base:extend { name = "b", dependencies = { "c" } }
Base:extend { name = "c", dependencies = { "a" } }
Base:extend { name = "d" }
EOF
# The cycle may be printed from any of its members; accept any rotation.
if [[ $ERR != *"a -> b -> c -> a"* ]]; then
  expect_match "$ERR" 'a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c' "stderr (cycle in some rotation)"
fi

bad "self dependency" "'a'" "itself" <<'EOF'
Base:extend { name = "a", dependencies = { "a" } }
EOF

bad "wrong field type: env" "'a'" "env" "table" <<'EOF'
Base:extend { name = "a", env = "X=1" }
EOF

bad "wrong field type: ports" "'a'" "ports" <<'EOF'
Base:extend { name = "a", ports = { [8080] = "x" } }
EOF

bad "wrong field type: dependencies" "'a'" "dependencies" <<'EOF'
Base:extend { name = "a", dependencies = "b" }
EOF

bad "wrong field type: ping" "'a'" "ping" "function" <<'EOF'
Base:extend { name = "a", ping = true }
EOF

bad "wrong field type: always_start_new" "'a'" "always_start_new" "boolean" <<'EOF'
Base:extend { name = "a", always_start_new = "yes" }
EOF

bad "unknown field with did-you-mean" "'a'" "unknown field 'dependecies'" "did you mean 'dependencies'" <<'EOF'
Base:extend { name = "a", dependecies = { } }
EOF

bad "unknown field: image misspelt" "unknown field 'imgae'" "did you mean 'image'" <<'EOF'
boss.Service:extend { name = "a", imgae = "@IMG@" }
EOF

bad "unknown stop signal" "'a'" "SIGFOO" <<'EOF'
Base:extend { name = "a", stop_signal = "SIGFOO" }
EOF

bad "bad template in env" "'a'" "env" <<'EOF'
Base:extend { name = "a", env = { X = "{unclosed" } }
EOF

bad "no services at all" "no services" <<'EOF'
EOF

# ---- hooks misspelt: a method that would silently never run --------------------------
HOOK_HINT="name helper methods with a leading '_' to keep them"
bad "a method named like a hook: pign" "services.lua:4: service 'a': 'pign' looks like hook 'ping' (did you mean 'ping'?); $HOOK_HINT" <<'EOF'
local A = Base:extend { name = "a" }
function A:pign() return true end
EOF

bad "a method named like a hook: poststart" "services.lua:5: service 'a': 'poststart' looks like hook 'post_start'" <<'EOF'
local A = Base:extend { name = "a" }
function A:ping() return true end
function A:poststart() end
EOF

bad "a method named like a hook: Ping" "services.lua:4: service 'a': 'Ping' looks like hook 'ping' (did you mean 'ping'?)" <<'EOF'
local A = Base:extend { name = "a" }
function A:Ping() return true end
EOF

bad "a field named like a hook: post_strat" "services.lua:4: service 'a': 'post_strat' looks like hook 'post_start'" <<'EOF'
Base:extend { name = "a",
  post_strat = function() end,
}
EOF

section "helpers with a leading '_' or unlike any hook are kept"
{ printf '%s\n' "$HEAD"; cat <<'EOF'; } | write_services
local A = Base:extend { name = "a" }
function A:_pign() return false end
function A:seed_users() end
function A:ping() return not self:_pign() end
EOF
expect_exit 0 boss start --dry-run
expect_contains "$OUT" "create" "plan"

bad "did you mean only when close: no suggestion for 'cpu'" "unknown field 'cpu'" <<'EOF'
Base:extend { name = "a", cpu = 1 }
EOF
expect_not_contains "$ERR" "did you mean" "stderr"

bad "restart: an unknown policy" "service 'a': field 'restart': unknown policy 'sometimes' (use no, always, unless-stopped, on-failure or on-failure:N)" <<'EOF'
Base:extend { name = "a", restart = "sometimes" }
EOF

bad "restart: on-failure with a bad count" "field 'restart'" "'on-failure:x'" <<'EOF'
Base:extend { name = "a", restart = "on-failure:x" }
EOF

bad "ports: a host name instead of an address" "service 'a': field 'ports' key '5432'" "'localhost:5433'" "ADDR:PORT" <<'EOF'
Base:extend { name = "a", ports = { [5432] = "localhost:5433" } }
EOF

bad "ports: a host port out of range" "service 'a': field 'ports' key '5432'" "'127.0.0.1:70000'" <<'EOF'
Base:extend { name = "a", ports = { [5432] = "127.0.0.1:70000" } }
EOF

bad "ports: IPv6 without brackets" "service 'a': field 'ports' key '80'" "'::1:8080'" "[IPv6]:PORT" <<'EOF'
Base:extend { name = "a", ports = { [80] = "::1:8080" } }
EOF

bad "ports: one address and port twice" "service 'b': field 'ports': host port 127.0.0.1:5433/tcp is already published by service 'a'" <<'EOF'
Base:extend { name = "a", ports = { [5432] = "127.0.0.1:5433" } }
Base:extend { name = "b", ports = { [5432] = "127.0.0.1:5433" } }
EOF

# ---- build folders: checked before anything is touched, but only by what starts -------
bad "build_from_directory that does not exist" "service 'a': field 'build_from_directory': folder $DIR/nope does not exist" <<'EOF'
Base:extend { name = "a", image = "bosst-never/a:dev", build_from_directory = "nope" }
EOF
expect_exit 2 boss start --dry-run
expect_one_line_stderr
expect_contains "$ERR" "$DIR/nope does not exist" "stderr of start --dry-run"
expect_exit 2 boss reload a
expect_one_line_stderr
expect_contains "$ERR" "$DIR/nope does not exist" "stderr of reload"
expect_nothing_created
section "stop, status and logs still work with that file"
expect_exit 0 boss stop
expect_exit 0 boss status
expect_exit 0 boss logs
expect_nothing_created

mkdir -p "$DIR/ctx"
bad "a dockerfile missing in its build folder" "service 'a': field 'dockerfile': file $DIR/ctx/Dockerfile.dev does not exist" <<'EOF'
Base:extend { name = "a", image = "bosst-never/a:dev", build_from_directory = "ctx", dockerfile = "Dockerfile.dev" }
EOF

bad "a build folder without a Dockerfile" "service 'a': field 'build_from_directory': folder $DIR/ctx has no Dockerfile" <<'EOF'
Base:extend { name = "a", image = "bosst-never/a:dev", build_from_directory = "ctx" }
EOF

# ---- invocations -----------------------------------------------------------------------
{ printf '%s\n' "$HEAD"; cat <<'EOF'; } | write_services
Base:extend { name = "db" }
Base:extend { name = "web", dependencies = { "db" } }
Base:extend { name = "app", build_from_directory = "app", image = "bosst-never/app:dev" }
EOF

section "--exclude an unknown service"
expect_exit 2 boss start --exclude nope
expect_one_line_stderr
expect_contains "$ERR" "'nope'" "stderr"
expect_nothing_created

section "start with a build folder that is missing (app's): exit 2 naming it"
expect_exit 2 boss start
expect_one_line_stderr
expect_contains "$ERR" "service 'app': field 'build_from_directory': folder $DIR/app does not exist" "stderr"
expect_nothing_created

section "--exclude a misspelt service: did you mean"
expect_exit 2 boss start --exclude wev
expect_contains "$ERR" "did you mean 'web'" "stderr"
expect_nothing_created

section "--exclude a needed dependency"
expect_exit 2 boss start --exclude db
expect_one_line_stderr
expect_contains "$ERR" "'db'" "stderr"
expect_contains "$ERR" "'web'" "stderr"
expect_nothing_created

section "stop --exclude a dependent of a stopped service"
expect_exit 2 boss stop --exclude web
expect_one_line_stderr
expect_contains "$ERR" "'db'" "stderr"
expect_contains "$ERR" "'web'" "stderr"

section "reload of an unknown service"
expect_exit 2 boss reload nope
expect_one_line_stderr
expect_contains "$ERR" "'nope'" "stderr"
expect_nothing_created

section "missing services file"
expect_exit 2 "$BOSS_BIN" -f "$DIR/nothere.lua" -p "$P" start
expect_one_line_stderr
expect_contains "$ERR" "nothere.lua" "stderr"
expect_nothing_created

section "a compiled (bytecode) services.lua, whole or damaged, is refused unrun"
printf 'local boss = require "boss"\nboss.Service:extend { name = "a", image = "@IMG@" }\n' | write_services source.lua
luajit -b "$DIR/source.lua" "$DIR/compiled.lua"
expect_exit 2 "$BOSS_BIN" -f "$DIR/compiled.lua" -p "$P" start
expect_one_line_stderr
expect_contains "$ERR" "compiled.lua: compiled Lua bytecode" "stderr"
expect_nothing_created
# Bytes flipped after the header: LuaJIT, which does not verify bytecode, crashed on this.
cp "$DIR/compiled.lua" "$DIR/damaged.lua"
printf '\xff\x00\xff' | dd of="$DIR/damaged.lua" bs=1 seek=9 conv=notrunc status=none
expect_exit 2 "$BOSS_BIN" -f "$DIR/damaged.lua" -p "$P" start
expect_contains "$ERR" "damaged.lua: compiled Lua bytecode" "stderr"
expect_nothing_created

section "missing services.lua in the current folder"
mkdir -p "$DIR/empty"
expect_exit 2 bash -c "cd '$DIR/empty' && '$BOSS_BIN' -p '$P' start"
expect_one_line_stderr
expect_contains "$ERR" "services.lua" "stderr"
expect_nothing_created

section "bad command line"
expect_exit 2 boss start --no-such-option
expect_nothing_created
expect_exit 2 boss frobnicate
expect_exit 2 boss start --timeout -5
expect_exit 2 boss reload
expect_exit 2 "$BOSS_BIN" -f "$DIR/services.lua" -p "Bad Name!" start
expect_contains "$ERR" "Bad Name!" "stderr"

section "unreachable engine: exit 1, one line naming the endpoint"
# (Not app: its build folder is missing, a definition error found before the engine is asked.)
expect_exit 1 env DOCKER_HOST=unix:///nonexistent.sock "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" start web
expect_one_line_stderr
expect_contains "$ERR" "/nonexistent.sock" "stderr"
expect_exit 1 env DOCKER_HOST=unix:///nonexistent.sock "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" status
expect_contains "$ERR" "/nonexistent.sock" "stderr"
expect_exit 1 env DOCKER_HOST=tcp://127.0.0.1:1 "$BOSS_BIN" -f "$DIR/services.lua" -p "$P" stop
expect_one_line_stderr
expect_contains "$ERR" "127.0.0.1:1" "stderr"
expect_nothing_created

section "--version and --help"
expect_exit 0 "$BOSS_BIN" --version
expect_contains "$OUT" "boss" "--version"
expect_exit 0 "$BOSS_BIN" --help
expect_contains "$OUT" "start" "--help"

finish
