-- boss quickstart: a store, an app built from ./app, and two workers, all on the local
-- busybox image that scripts/setup.sh makes (no registry needed).
--
--   build/boss -f examples/quickstart/services.lua start     bring it all up
--   build/boss -f examples/quickstart/services.lua status    see containers and ports
--   build/boss -f examples/quickstart/services.lua reload app   rebuild app after editing app/
--   build/boss -f examples/quickstart/services.lua stop --remove
local boss = require "boss"

boss.project "quickstart"

-- A base class: shared defaults. It has no name, so it is not a service itself.
local Base = boss.Service:extend {
  image = "boss-test/busybox:latest",
  stop_signal = "SIGKILL", -- busybox tools ignore SIGTERM when they run as PID 1
}

-- A tiny key/value store: files under /www/kv served by busybox httpd. It takes a
-- moment to come up, which is what ping is for.
local Store = Base:extend {
  name = "store",
  cmd = { "sh", "-c", "mkdir -p /www/kv && sleep 1 && exec httpd -f -p 8000 -h /www" },
  ports = { [8000] = 0 }, -- host port 0: any free port
}

-- ping runs on the host, polled every ping_interval until it returns true. (An HTTP
-- request, not boss.tcp_open: Docker's port proxy accepts connections on the host port
-- before the server inside is listening.)
function Store:ping()
  return boss.http_get("http://127.0.0.1:" .. self:host_port(8000) .. "/") ~= 0
end

-- post_start runs once, after a new container passed ping: seed it, and share what the
-- seed produced through the context.
function Store:post_start()
  local code, out = self:exec { "sh", "-c", "echo alice > /www/kv/user-1 && echo 1" }
  assert(code == 0, "seeding failed: " .. out)
  boss.context.user_id = tonumber(out:match("%d+"))
  boss.log("seeded user " .. boss.context.user_id)
end

-- The app is built from ./app (its Dockerfile starts FROM the busybox image) the first
-- time, and again on `boss reload app`. "{user_id}" is filled in from the context when
-- the app starts, after store's post_start has set it.
local App = Base:extend {
  name = "app",
  image = "quickstart-app:dev",
  build_from_directory = "app",
  dependencies = { "store" },
  env = { STORE_URL = "http://store:8000", USER_ID = "{user_id}" },
  ports = { [8080] = 0 },
}

function App:ping()
  local status = boss.http_get("http://127.0.0.1:" .. self:host_port(8080) .. "/health")
  return status == 200
end

-- Two workers from a loop: definitions are code.
for i = 1, 2 do
  Base:extend {
    name = "worker-" .. i,
    dependencies = { "app" },
    cmd = { "sh", "-c", "while true; do wget -qO- http://app:8080/ >/dev/null; sleep 5; done" },
  }
end

boss.on_start(function(names)
  boss.log("up: " .. table.concat(names, ", "))
end)
