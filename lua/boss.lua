-- The Lua half of boss's API: what `require "boss"` returns to services.lua.
--
-- The C++ host (src/script/lua_host.cpp) runs this chunk with one argument, a table of
-- primitives `C`, and keeps the second return value (`internal`) for itself:
--   C.yield_mark             light userdata that tags a helper request yielded to the host
--   C.can_yield()            true inside a boss-managed hook coroutine (the running one)
--   C.call(op, ...)          runs a waiting helper right away, blocking: ok, results... | false, msg
--   C.container(service)     the container id hooks of `service` work on; nil outside hooks
--   C.context_get(key)       boss.context value or nil
--   C.context_set(key, v)    stores a string/number/boolean; nil erases
--   C.log(text)              Reporter::log, for the hook's service ("" outside hooks)
--   C.env(name)              the environment variable, else the .env files' value, else nil
--   C.secret(v)              a boss.secret value (userdata) holding v's text
--   C.reveal(v)              a secret's text; anything else as it is
--   C.is_secret(v)           whether v is a boss.secret value
-- Everything else (classes, type checks of arguments, the context proxy) lives here.
local C = ...

local boss = {}
local internal = {}

local registered = {}    -- classes that set `name` themselves, in declaration order
local class_info = {}    -- class -> { parent = class, defined_at = "file:line" }
local instances = {}     -- "service#instance" -> the object that instance's hooks get as `self`
local group_hooks = { start = {}, stop = {}, reload = {} }
local project_name = nil
local engines = {}       -- boss.engine declarations, in order

-- "file:line" of the function `level` frames above the caller of position().
local function position(level)
  local info = debug.getinfo(level + 2, "Sl")
  if not info then return "?" end
  return info.short_src .. ":" .. (info.currentline or 0)
end

local function check_type(fn_name, what, value, expected, level)
  if type(value) ~= expected then
    error(fn_name .. ": " .. what .. " must be a " .. expected .. ", got " .. type(value), level + 1)
  end
end

local function check_argv(fn_name, argv, level)
  if type(argv) ~= "table" then
    error(fn_name .. ": expected an argv table of strings, got " .. type(argv), level + 1)
  end
  if #argv == 0 then error(fn_name .. ": argv is empty", level + 1) end
  local copy = {}
  for i = 1, #argv do
    local arg = argv[i]
    if type(arg) == "number" then arg = tostring(arg) end
    if C.is_secret(arg) then arg = C.reveal(arg) end
    if type(arg) ~= "string" then
      error(fn_name .. ": argv[" .. i .. "] must be a string, got " .. type(arg), level + 1)
    end
    copy[i] = arg
  end
  return copy
end

-- Runs a waiting helper: inside a boss-managed hook coroutine it yields to the host's
-- event loop (other hooks go on meanwhile); anywhere else it blocks. A failure raises an
-- error at the line of user code that called the helper. (Inside a coroutine of the
-- user's own, even within a hook, it blocks the loop thread: only boss's may yield.) Helpers must call wait()
-- directly and not as a tail call, so that this line is three frames up.
local function wait(op, ...)
  local where = position(2)
  local function finish(ok, ...)
    if not ok then error(where .. ": " .. tostring((...)), 0) end
    return ...
  end
  if C.can_yield() then
    return finish(coroutine.yield(C.yield_mark, op, ...))
  end
  return finish(C.call(op, ...))
end

-- Services -------------------------------------------------------------------------

local Service = {}
boss.Service = Service
class_info[Service] = { parent = nil, defined_at = "boss" }

-- Returns a new class inheriting from `self`. A class that sets `name` itself is a
-- service; one that does not is a base for others.
function Service:extend(definition)
  if class_info[self] == nil then
    error("Service.extend: call it with a colon: Service:extend { ... }", 2)
  end
  if definition == nil then definition = {} end
  if type(definition) ~= "table" or getmetatable(definition) ~= nil then
    error("Service:extend: expected a table of fields, got " .. type(definition), 2)
  end
  class_info[definition] = { parent = self, defined_at = position(1) }
  setmetatable(definition, { __index = self })
  if rawget(definition, "name") ~= nil then registered[#registered + 1] = definition end
  return definition
end

-- self:exec { argv }: runs argv in the service's container -> exit code, output.
function Service:exec(argv)
  local copy = check_argv("self:exec", argv, 2)
  local container = C.container(self.name)
  if not container then error("self:exec is only available inside hooks", 2) end
  local code, output = wait("exec", container, copy)
  return code, output
end

-- A published port of the instance's container, as helper `op` ("host_port", "address")
-- gives it. Called from a method: errors point at that method's caller.
local function published(op, self, port, protocol)
  local what = "self:" .. op
  check_type(what, "port", port, "number", 3)
  protocol = protocol or "tcp"
  check_type(what, "protocol", protocol, "string", 3)
  local container = C.container(self.name)
  if not container then error(what .. " is only available inside hooks", 3) end
  local value = wait(op, container, port, protocol)
  return value
end

-- self:host_port(container_port[, "udp"]): the host port it is published on, or nil.
function Service:host_port(port, protocol)
  local host_port = published("host_port", self, port, protocol)
  return host_port
end

-- self:address(container_port[, "udp"]): "host:port" at which other engines (and their
-- containers) reach the port it publishes: its engine's address, or nil when unpublished.
function Service:address(port, protocol)
  local address = published("address", self, port, protocol)
  return address
end

-- Jobs: services that run to completion (kind = "job"): boss.Job:extend { name = ..., ... }.
local Job = Service:extend { kind = "job" }
boss.Job = Job
class_info[Job].defined_at = "boss.Job"

-- Engines: boss.engine "edge" { host = "tcp://10.0.0.5:2376", tls = { ca = ..., cert = ...,
-- key = ... }, address = "10.0.0.5" } declares an engine that services place themselves
-- on with `engine = "edge"`. Only the shapes are checked here; the host's form and the
-- files are checked by the host, naming this declaration's line.
local engine_fields = { host = "string", tls = "table", address = "string" }
local tls_fields = { ca = "string", cert = "string", key = "string", verify = "boolean" }

local function check_fields(what, t, known, level)
  local names = {}
  for key in pairs(known) do names[#names + 1] = key end
  table.sort(names)
  for key, value in pairs(t) do
    local expected = known[key]
    if expected == nil then
      error(what .. ": unknown field '" .. tostring(key) .. "' (known: " .. table.concat(names, ", ") .. ")", level + 1)
    end
    if type(value) ~= expected then
      error(what .. ": field '" .. key .. "' must be a " .. expected .. ", got " .. type(value), level + 1)
    end
  end
end

function boss.engine(name)
  check_type("boss.engine", "the engine name", name, "string", 2)
  if not name:match("^[%w][%w_.-]*$") then
    error("boss.engine: invalid engine name '" .. name .. "' (letters, digits, '_', '.' and '-')", 2)
  end
  local at = position(1)
  return function(definition)
    local what = "boss.engine '" .. name .. "'"
    if type(definition) ~= "table" then
      error(what .. ": expected a table of fields { host = ... }, got " .. type(definition), 2)
    end
    check_fields(what, definition, engine_fields, 2)
    if definition.host == nil then
      error(what .. ": field 'host' is missing (tcp://host[:port], ssh://[user@]host[:port] or unix:///path)", 2)
    end
    local t = definition.tls
    if t ~= nil then
      check_fields(what .. ": field 'tls'", t, tls_fields, 2)
      if t.verify ~= false and t.ca == nil then
        error(what .. ": field 'tls': ca is missing (the CA that signed the engine's certificate; verify = false skips the check)", 2)
      end
      if (t.cert == nil) ~= (t.key == nil) then
        error(what .. ": field 'tls': cert and key go together (the client certificate and its key)", 2)
      end
    end
    for _, e in ipairs(engines) do
      if e.name == name then error(what .. ": declared twice (first at " .. e.defined_at .. ")", 2) end
    end
    local tls = nil
    if definition.tls ~= nil then
      tls = { ca = definition.tls.ca, cert = definition.tls.cert, key = definition.tls.key,
              verify = definition.tls.verify ~= false }
    end
    engines[#engines + 1] = { name = name, host = definition.host, tls = tls, address = definition.address,
                              defined_at = at }
  end
end

function boss.project(name)
  check_type("boss.project", "the project name", name, "string", 2)
  project_name = name
end

-- Context ---------------------------------------------------------------------------

boss.context = setmetatable({}, {
  __index = function(_, key)
    if type(key) ~= "string" then return nil end
    return C.context_get(key)
  end,
  __newindex = function(_, key, value)
    if type(key) ~= "string" then
      error("boss.context: keys must be strings, got " .. type(key), 2)
    end
    local kind = type(value)
    if C.is_secret(value) then kind = "secret" end
    if kind ~= "nil" and kind ~= "string" and kind ~= "number" and kind ~= "boolean" and kind ~= "secret" then
      error("boss.context." .. key .. ": value must be a string, number or boolean, got " .. kind, 2)
    end
    if kind == "number" and (value ~= value or value == math.huge or value == -math.huge) then
      error("boss.context." .. key .. ": value must be a finite number, got " .. tostring(value), 2)
    end
    C.context_set(key, value)
  end,
  __metatable = false,
})

-- Group hooks -----------------------------------------------------------------------

local function group_registrar(kind)
  return function(fn)
    check_type("boss.on_" .. kind, "the hook", fn, "function", 2)
    local list = group_hooks[kind]
    list[#list + 1] = fn
  end
end
boss.on_start = group_registrar("start")
boss.on_stop = group_registrar("stop")
boss.on_reload = group_registrar("reload")

-- Helpers ---------------------------------------------------------------------------

function boss.sleep(seconds)
  check_type("boss.sleep", "seconds", seconds, "number", 2)
  if seconds < 0 then seconds = 0 end
  wait("sleep", seconds)
end

function boss.tcp_open(host, port, timeout)
  check_type("boss.tcp_open", "host", host, "string", 2)
  check_type("boss.tcp_open", "port", port, "number", 2)
  timeout = timeout or 1
  check_type("boss.tcp_open", "timeout", timeout, "number", 2)
  local open = wait("tcp_open", host, port, timeout)
  return open
end

function boss.http_get(url, timeout)
  check_type("boss.http_get", "url", url, "string", 2)
  timeout = timeout or 5
  check_type("boss.http_get", "timeout", timeout, "number", 2)
  local status, body = wait("http_get", url, timeout)
  return status, body
end

function boss.run(argv)
  local copy = check_argv("boss.run", argv, 2)
  local code, output = wait("run", copy)
  return code, output
end

function boss.log(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  C.log(table.concat(parts, "\t"))
end

function boss.env(name)
  check_type("boss.env", "name", name, "string", 2)
  return C.env(name)
end

-- Secrets ----------------------------------------------------------------------------

-- boss.secret(value): the same value, marked secret: boss never shows it (tostring gives
-- "<secret>", and its text is masked as "***" in everything boss prints). Use it as an
-- env value, a registry_auth password, a boss.context value, or in a self:exec/boss.run
-- argv; `..` with strings gives another secret.
function boss.secret(value)
  local kind = type(value)
  if kind ~= "string" and kind ~= "number" and kind ~= "boolean" and not C.is_secret(value) then
    error("boss.secret: value must be a string, number or boolean, got " .. kind ..
          (kind == "nil" and " (is the environment variable it reads set?)" or ""), 2)
  end
  return C.secret(value)
end

-- boss.reveal(value): a secret's text, for code that must have it; other values as they are.
boss.reveal = function(value) return C.reveal(value) end

function boss.is_secret(value)
  return C.is_secret(value)
end

-- For the host ----------------------------------------------------------------------

function internal.project_name()
  return project_name
end

-- Every boss.engine declaration as { name, host, tls = { ca, cert, key, verify } | nil,
-- address | nil, defined_at = "file:line" }, in order.
function internal.engines()
  return engines
end

-- Every registered service as { fields = {...}, origins = { key = "file:line" },
-- defined_at = "file:line" }: fields flattened along the inheritance chain, the
-- nearest class winning, and where each field was set.
function internal.services()
  local out = {}
  for i, cls in ipairs(registered) do
    local chain = {}
    local c = cls
    while c ~= nil do
      table.insert(chain, 1, c)
      c = class_info[c].parent
    end
    local fields, origins = {}, {}
    for _, k in ipairs(chain) do
      for key, value in pairs(k) do
        fields[key] = value
        origins[key] = class_info[k].defined_at
      end
    end
    out[i] = { fields = fields, origins = origins, defined_at = class_info[cls].defined_at }
  end
  return out
end

-- Each instance of a service (`instances = N`) has a `self` of its own, which knows
-- its number (self.instance, 1-based), its service (self.service, as self.name) and
-- the name it answers to on the project network (self.hostname: "web-2", or "web"
-- for a single container).
local function instance(service, number, hostname)
  local key = service .. "#" .. number
  local obj = instances[key]
  if obj then return obj end
  for _, cls in ipairs(registered) do
    if rawget(cls, "name") == service then
      obj = setmetatable({ instance = number, service = service, hostname = hostname }, { __index = cls })
      instances[key] = obj
      return obj
    end
  end
  return nil
end

-- Body of a hook coroutine. A hook that is not defined succeeds.
function internal.call_hook(service, hook, number, hostname)
  local obj = instance(service, number or 1, hostname or service)
  if obj == nil then error("no service named '" .. tostring(service) .. "'", 0) end
  local fn = obj[hook]
  if fn == nil then return true end
  return fn(obj)
end

-- Body of a group hook coroutine: every function registered for `kind`, in order.
function internal.call_group(kind, argument)
  for _, fn in ipairs(group_hooks[kind]) do
    local copy = argument
    if type(argument) == "table" then copy = { unpack(argument) } end
    fn(copy)
  end
  return true
end

function internal.group_count(kind)
  return #group_hooks[kind]
end

return boss, internal
