---@meta boss
-- LuaLS (lua-language-server) definitions of boss's Lua API: what `require "boss"` gives
-- services.lua. Editors read this file (it is never run): point `workspace.library` of a
-- .luarc.json at it (`boss init` writes one), and services.lua gets completion, hover
-- docs and type checks. Installed as share/boss/boss.d.lua.
--
-- src/script/definitions_test.cpp fails when the ---@field list of boss.Service and the
-- fields services.lua accepts (src/script/service_reader.cpp) differ, or a function of
-- the module is missing here.

---@class boss
local boss = {}

---A duration: seconds (`2.5`) or a string with units (`"500ms"`, `"1m"`, `"1m30s"`).
---@alias boss.Duration number|string

---A command: a list of words (`{ "sh", "-c", "echo hi" }`), or a string split as a shell
---would (quotes, no expansion). `{key}` is filled from `boss.context`.
---@alias boss.Command string[]|string

---A value of `env`: strings (numbers and booleans are converted); `{key}` is filled
---from `boss.context`; a `boss.secret` is masked in every output.
---@alias boss.EnvValue string|number|boolean|boss.SecretValue

---An opaque secret made by `boss.secret`: `tostring` gives `<secret>`, `..` with a string
---gives another secret, `boss.reveal` gives its text.
---@class boss.SecretValue

---@class boss.Healthcheck
---@field test string|string[] `"pg_isready -U app"` (runs in the container's shell) or `{ "CMD", "pg_isready", "-U", "app" }` / `{ "CMD-SHELL", "..." }`
---@field interval? boss.Duration between two checks (default 1 s)
---@field timeout? boss.Duration a check taking longer fails (default 2 s)
---@field retries? integer failures in a row that make the container unhealthy (default 3)
---@field start_period? boss.Duration failures during it do not count (default 0)
---@field start_interval? boss.Duration between checks during start_period (default 0.2 s; engines with API 1.44+)

---@class boss.Http
---@field port integer the container port (no published port needed)

---A sync rule of `boss watch`: a file saved under `path` is copied into the running
---container at the same place under `target` (no rebuild); a file deleted there is
---deleted in the container.
---@class boss.WatchRule
---@field path string a file or folder, relative to services.lua, inside the project's folder
---@field target string the absolute path in the container that `path` corresponds to
---@field restart? boolean restart the container after each copy (default false)
---@field ignore? string[] `.dockerignore` patterns, relative to `path`, of files not to copy

---@class boss.RegistryAuth
---@field username string|boss.SecretValue
---@field password string|boss.SecretValue

---@class boss.VolumeMount
---@field bind string the path inside the container
---@field mode? "ro"|"rw" default "rw"

---How a failed job is run again: at most `limit` more runs, waiting `delay` before the
---first rerun and `backoff` times longer before each next one, at most `max_delay`.
---@class boss.Retries
---@field limit? integer reruns after the first run, 0 to 1000 (default 0)
---@field delay? boss.Duration before the first rerun (default 1 s)
---@field backoff? number each wait is this many times the last, at least 1 (default 2)
---@field max_delay? boss.Duration no wait is longer (default 30 s)
---@field on_exit? integer[] only runs that exited with one of these codes are run again (a timed-out run is not)

---A dependency list: service names; `optional = true` leaves out dependencies whose
---profiles are inactive or that are excluded, instead of an error.
---@class boss.Dependencies: string[]
---@field optional? boolean

---A service, or a base class of services (one without a `name`). Make one with
---`boss.Service:extend { ... }`; define hooks as methods: `function Db:ping() ... end`.
---A hook (or a helper it calls) that raises an error fails the service, except `pre_stop`.
---@class boss.Service
---@field name? string the service's unique name: 1-63 of `[a-zA-Z0-9._-]`, starting with a letter or digit; other services reach it by this name. A class without one is a base for others
---@field image? string the image reference; pulled if missing, or built when `build_from_directory` is set
---@field dependencies? boss.Dependencies|string[] services started (pinged and post_started) before this one
---@field profiles? string[] started only when one of these profiles is active (`--profile`, `BOSS_PROFILES`) or the service is named on the command line
---@field env? table<string, boss.EnvValue> the environment; `{key}` is filled from the context
---@field secret_env? string[] env keys whose values are secrets (masked everywhere)
---@field ports? table<integer|string, integer|string> `{ [8080] = 8080 }`: container port = host port (0: any free port); `"53/udp"` keys; `"127.0.0.1:5433"`, `"[::1]:5433"`, `"127.0.0.1:"` values bind one address
---@field volumes? string[]|table<string, boss.VolumeMount> `{ "./data:/data:ro", "cache:/cache" }` or `{ ["./data"] = { bind = "/data", mode = "ro" } }`; a bare name is a named volume of the project
---@field cmd? boss.Command overrides the image's command
---@field entrypoint? boss.Command overrides the image's entrypoint
---@field user? string user (and group) the process runs as
---@field working_dir? string the working directory of the container's process (absolute)
---@field init? boolean run the engine's init process (tini) as PID 1
---@field labels? table<string, string> labels of your own on the container (not `boss.*`)
---@field always_start_new? boolean a new container on every start
---@field stop_signal? "SIGINT"|"SIGTERM"|"SIGKILL"|"SIGQUIT"|"SIGHUP"|"SIGUSR1"|"SIGUSR2" the signal that stops the container
---@field stop_timeout? boss.Duration grace between the stop signal and SIGKILL (default 10 s)
---@field restart? "no"|"always"|"unless-stopped"|"on-failure"|string the engine's restart policy (`"on-failure:N"`: at most N restarts)
---@field build_from_directory? string build context, relative to services.lua; the image is tagged as `image`
---@field dockerfile? string the Dockerfile inside the build context (default `Dockerfile`)
---@field build_args? table<string, string|number|boolean> values of the Dockerfile's `ARG`s
---@field ping_interval? number seconds between two pings (default 0.1)
---@field healthcheck? boss.Healthcheck|false a health check the engine runs; the service is up once healthy. `false` turns off the image's own
---@field instances? integer replicas: how many containers run from this definition, 1 to 1000 (default 1)
---@field kind? "service"|"job"|"template" `"job"`: it runs to completion, and its dependents begin only after it exited with success (what `boss.Job` sets); `"template"`: never started, only launched (`boss launch`, POST /_boss/launch), each launch a container `<project>-<template>-<id>`
---@field input? "file"|"env"|"url" templates only: how a launch's input reaches its container: `/input.json` (the default), `INPUT_JSON`, or `INPUT_JSON_URL` served by boss proxy
---@field success_exit_codes? integer[] a job's exit codes that count as success besides 0
---@field timeout? boss.Duration a job's run still going after it is killed and fails
---@field retries? boss.Retries|integer how a failed job is run again (a number: the limit alone)
---@field schedule? string a job run by `boss serve` on a cron schedule: five fields (`"*/10 * * * *"`, names such as `MON` and `JAN`) or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`; local time (TZ). Left out of `boss start` of all services
---@field every? boss.Duration a job run by `boss serve` this often (`"10m"`, `"2s"`, `"200ms"`; at least 100 ms), counted from when serve began. Left out of `boss start` of all services
---@field overlap? "skip"|"queue"|"replace" what `boss serve` does with a run due while the last still runs: leave it out (default), run it after, or stop the running one first
---@field catch_up? boolean `boss serve` runs the job once at its start when a due run was missed since its last recorded run
---@field log_dir? string where a job's run logs go, relative to services.lua (default `logs`): `<log_dir>/<job>/<UTC start>-<attempt>.log` and `.json`
---@field sidecars? (boss.Service|string)[] jobs only: services (classes, or their names) started beside every run of the job on the project network, reached by their names, pinged like services, stopped and removed when the run ends; a service named here is never started on its own
---@field http? boss.Http the container port `boss proxy` forwards this service's HTTP requests to
---@field engine? string the engine it runs on: a name declared with `boss.engine` (default: the usual one, from -H, DOCKER_HOST or the docker context)
---@field on_demand? boolean left out of `boss start` of all services (unless a started one depends on it); `boss proxy` starts it on its first request
---@field mem_limit? string|integer the container's memory limit ("512m", "2g", powers of 1024; a number is bytes); what `boss proxy --memory-budget` counts
---@field idle_timeout? boss.Duration on_demand services only: `boss proxy` stops it after this long with no request and no open proxied connection
---@field watch? boss.WatchRule[] `boss watch`'s sync rules: `{ { path = "src", target = "/app/src" } }` copies saved files into the running container instead of rebuilding
---@field registry_auth? boss.RegistryAuth credentials for pulling and pushing `image`, instead of the docker CLI's
---@field did_run? fun(self: boss.Instance): boolean? jobs only: asked on each start; a true value means the job already ran (done, not run again), false that it runs; instead of its last exit code (not asked by `boss run-jobs`)
---@field pre_pull? fun(self: boss.Instance) hook: before boss pulls the image (not when it is present or built); an error fails the service
---@field pre_start? fun(self: boss.Instance) hook: before a new container is created (not when one is reused); a job's before every run of it (not before waiting for a run already going)
---@field ping? fun(self: boss.Instance): boolean? hook: polled every `ping_interval` after the container starts until it returns a true value (`start --timeout` bounds it)
---@field post_start? fun(self: boss.Instance) hook: once, after a new container passed ping; dependents start only after it
---@field post_run? fun(self: boss.Instance, exit_code: integer) jobs only: after every run (attempt) of the job, with its exit code, before boss judges it; an error fails the job
---@field pre_stop? fun(self: boss.Instance) hook: before boss stops or replaces a running container; an error is a warning
boss.Service = {}

---A job: a service that runs to completion (`kind = "job"`). Its dependents begin only
---after it exited with success; a failure skips them. No `instances`, `ping`,
---`post_start`, `healthcheck` or `restart`. Make one with `boss.Job:extend { ... }`.
---@class boss.Job: boss.Service
boss.Job = {}

---What a hook gets as `self`: the service, for one instance (replica) of it.
---@class boss.Instance: boss.Service
---@field instance integer the instance's number, from 1
---@field hostname string the instance's hostname (`web-2`; `web` for a single container)
---@field service string the service's name (the same as `name`)

---A new class inheriting from this one: a service when `definition` sets `name`, else a
---base for others. Fields and methods are inherited.
---@param definition boss.Service
---@return boss.Service
function boss.Service:extend(definition) end

---Runs `argv` inside this instance's container (only inside hooks) and waits for it.
---@param argv string[] the command and its arguments, no shell
---@return integer code the exit code
---@return string output stdout and stderr
function boss.Service:exec(argv) end

---The host port a container port is published on, for this instance (only inside hooks).
---@param port integer the container port
---@param protocol? "tcp"|"udp" default "tcp"
---@return integer? host_port nil when it is not published
function boss.Service:host_port(port, protocol) end

---`"host:port"` at which other engines (and their containers) reach a port this instance
---publishes: its engine's address (`boss.engine`'s `address`, else the host of its `host`;
---127.0.0.1 for an engine on this machine) and the host port (only inside hooks).
---@param port integer the container port
---@param protocol? "tcp"|"udp" default "tcp"
---@return string? address nil when it is not published
function boss.Service:address(port, protocol) end

---Values shared by all services, kept in `.boss/<project>/context.json`: `{key}` in `env`,
---`cmd` and `entrypoint` is filled from it when a service starts, so a dependency's
---`post_start` can feed its dependents. Values are strings, numbers, booleans or secrets.
---@type table<string, string|number|boolean|boss.SecretValue>
boss.context = {}

---TLS files of an engine (relative paths: from the folder of services.lua).
---@class boss.EngineTls
---@field ca? string the CA that signed the engine's certificate (required unless `verify = false`)
---@field cert? string the client certificate (with `key`)
---@field key? string its key
---@field verify? boolean check the engine's certificate and that it names the host (default true)

---An engine services run on with `engine = "NAME"`.
---@class boss.EngineDefinition
---@field host string `tcp://host[:port]`, `ssh://[user@]host[:port]` or `unix:///path`
---@field tls? boss.EngineTls TLS for a tcp:// host
---@field address? string where other engines reach the ports it publishes (default: the host of `host`)

---Declares an engine: `boss.engine "edge" { host = "tcp://10.0.0.5:2376", tls = { ... } }`.
---@param name string letters, digits, `_`, `.` and `-`
---@return fun(definition: boss.EngineDefinition)
function boss.engine(name) end

---Names the project (default: the slugified name of the folder of services.lua).
---@param name string
function boss.project(name) end

---A group hook: after a start, with the names of the services that came up.
---@param hook fun(services: string[])
function boss.on_start(hook) end

---What `boss.on_done` gets for one job: its name, `status` ("done": it ran now, or was
---done before; "failed", "skipped", "interrupted"), its last run's `exit_code` (nil when
---it did not run), `attempts` (runs now), `duration` (seconds) and `log_file` (its last
---run's output, when it ran).
---@class boss.JobResult
---@field name string
---@field status "done"|"failed"|"skipped"|"interrupted"
---@field exit_code? integer
---@field attempts integer
---@field duration number
---@field log_file? string

---A group hook: after a start or `boss run-jobs` with jobs in it, failed or not (not
---after Ctrl-C), with each job's result by name: `results.migrate.exit_code`.
---@param hook fun(results: table<string, boss.JobResult>)
function boss.on_done(hook) end

---A group hook: after a stop, with the names of the services that stopped.
---@param hook fun(services: string[])
function boss.on_stop(hook) end

---A group hook: after a reload, with the name of the reloaded service.
---@param hook fun(service: string)
function boss.on_reload(hook) end

---Waits (other services' hooks go on meanwhile).
---@param seconds number
function boss.sleep(seconds) end

---Whether a TCP connection to host:port can be made. (Docker's port proxy accepts
---connections before the server inside listens: prefer `http_get` or `self:exec`.)
---@param host string
---@param port integer
---@param timeout? number seconds (default 1)
---@return boolean open
function boss.tcp_open(host, port, timeout) end

---An HTTP GET from the host.
---@param url string
---@param timeout? number seconds (default 5)
---@return integer status 0 when no connection could be made
---@return string body
function boss.http_get(url, timeout) end

---Runs a command on the host, no shell, and waits for it.
---@param argv string[]
---@return integer code the exit code
---@return string output stdout and stderr
function boss.run(argv) end

---Prints a line attributed to the service whose hook calls it.
---@param ... any joined with tabs
function boss.log(...) end

---The host environment variable, else the value the `.env` files give it, else nil.
---@param name string
---@return string?
function boss.env(name) end

---A secret holding `value`: prints as `<secret>` and is masked as `***` in every output.
---Use it as an env value, a registry_auth field, a context value or in an argv.
---@param value string|number|boolean|boss.SecretValue
---@return boss.SecretValue
function boss.secret(value) end

---A secret's text, for a hook that must pass it on; a plain value as it is.
---@generic T
---@param value boss.SecretValue|T
---@return string|T
function boss.reveal(value) end

---Whether `value` is a `boss.secret` value.
---@param value any
---@return boolean
function boss.is_secret(value) end

return boss
