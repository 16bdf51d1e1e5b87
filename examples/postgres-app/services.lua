-- PostgreSQL plus an app built from ./todo, for machines that can pull postgres:16.
-- (Offline? examples/quickstart needs no registry.)
local boss = require "boss"

boss.project "todo"

local Database = boss.Service:extend {
  name  = "appdb",
  image = "postgres:16",
  env   = { POSTGRES_PASSWORD = "dbpwd", POSTGRES_USER = "dbuser", POSTGRES_DB = "appdb" },
  ports = { [5432] = 5433 },
}

-- Polled until the server accepts connections (or `start --timeout` passes).
function Database:ping()
  return self:exec { "pg_isready", "-U", "dbuser", "-d", "appdb" } == 0
end

-- Runs once, after a NEW container passed ping: create the schema and a first user, and
-- hand its id to the services that depend on the database.
function Database:post_start()
  local code, out = self:exec { "psql", "-U", "dbuser", "-d", "appdb", "-tAc",
    "create table if not exists users(id serial primary key, name text);" ..
    "insert into users(name) values('a') returning id" }
  assert(code == 0, out)
  boss.context.user_id = out:match("%d+")
end

boss.Service:extend {
  name  = "todo",
  image = "todo:dev",
  build_from_directory = "todo/", -- relative to this file
  dockerfile = "Dockerfile",
  env   = { DB_URI = "postgresql://dbuser:dbpwd@appdb:5432/appdb", USER_ID = "{user_id}" },
  dependencies = { "appdb" },
  ports = { [8080] = 8080 },
  stop_signal = "SIGINT",
}
