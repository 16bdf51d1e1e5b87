// Launching a template (kind = "template"): one new container made from it per launch,
// `<project>-<template>-<id>`, labelled boss.template=<template>, whose boss.service is
// its own name `<template>-<id>`. It is started by Runtime::start on a project that holds
// it as one more service, so its dependencies come up first and its hooks (the
// template's: the Hooks it is given see the template's name) and ping run, exactly as a
// start's. `boss launch` and boss proxy's POST /_boss/launch come here.
//
// The input (a JSON text) reaches the container as its template's `input` says:
//   - env:  INPUT_JSON, at most kMaxEnvInput bytes (past it LaunchError 413);
//   - file: /input.json, put into the created container before it starts
//           (Engine::put_archive, a tar the caller's `make_tar` makes);
//   - url:  INPUT_JSON_URL, the address the caller's `input_url` gives for it (boss
//           proxy serves it); without one, LaunchError 503.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/context_store.h"
#include "core/engine.h"
#include "core/events.h"
#include "core/hooks.h"
#include "core/locker.h"
#include "core/outcome.h"
#include "core/project.h"
#include "core/runtime.h"

namespace boss {

inline constexpr std::size_t kMaxEnvInput = 65536;  // bytes of INPUT_JSON

// Why a launch (or a removal) did not happen, with the HTTP status that says so: 400 a bad
// name, 404 an unknown template or container, 403 not a launched container, 409 a name
// taken, 413 an input too large, 503 no server for its input (input = "url"), 502 its
// start failed (with the tail of the failed container's output, when there is one, in
// logs()).
class LaunchError : public std::runtime_error {
 public:
  LaunchError(int status, const std::string& message, std::string logs = {})
      : std::runtime_error(message), m_status(status), m_logs(std::move(logs)) {}
  int status() const { return m_status; }
  const std::string& logs() const { return m_logs; }

 private:
  int m_status;
  std::string m_logs;
};

struct LaunchRequest {
  std::string template_name;
  std::string id;                    // "": a random one (random_launch_id)
  std::optional<std::string> input;  // a JSON text; nullopt: none (file: "{}"; env/url: unset)
  double timeout = 300;              // seconds it (and each dependency) may take to be ready
};

struct Launched {
  std::string name;       // <template>-<id>: its service name, its path (/<name>/) and host
  std::string container;  // <project>-<name>
  std::string template_name;
  CommandResult result;   // the start's
};

// "" when `id` can name a launch of `template_name`; else why not, one line.
std::string launch_id_problem(const std::string& template_name, std::string_view id);
// Six lowercase hex digits.
std::string random_launch_id();
// The service a launch runs: the template's definition under `name`, labelled with its
// template, on demand (so its project's start of all never starts it), with the input's
// environment variable when its template's `input` wants one.
ServiceSpec launched_spec(const ServiceSpec& tmpl, const std::string& name, const std::optional<std::string>& input,
                          const std::string& input_url);
// The template a launch named `name` (<template>-<id>, a valid id) would be of; null
// when none (the longest template name wins). `by_host`: `name` is a host label, the
// template's part compared as its host name (validate.h's hostname_for, any case).
const ServiceSpec* template_of_launched(const Project& project, std::string_view name, bool by_host = false);

// `project` with `launched` as one more service.
Project launch_project(const Project& project, const ServiceSpec& launched);

class Launcher {
 public:
  // A tar holding one file `name` with `bytes` (the input of input = "file").
  using TarFn = std::function<std::string(const std::string& name, const std::string& bytes)>;
  // The URL INPUT_JSON_URL gives for launch `name`'s input `json` (input = "url"); ""
  // when none can be served.
  using InputUrlFn = std::function<std::string(const std::string& name, const std::string& json)>;

  // Each launch runs on a Runtime made with `base`'s project, engine, hooks, context,
  // events, locker, cancel and credentials; `base` must outlive the launcher.
  explicit Launcher(Runtime& base, TarFn make_tar, InputUrlFn input_url = {});

  // Throws LaunchError (and DefinitionError for what a start refuses).
  Launched launch(const LaunchRequest& request);
  // Stops and removes launched container `name` (<template>-<id>); throws LaunchError 404
  // when the project has no container of that name, 403 when it is not a launched one.
  // Returns its template.
  std::string remove(const std::string& name);

 private:
  Runtime& m_base;
  const Project& m_project;
  Engine& m_engine;
  TarFn m_make_tar;
  InputUrlFn m_input_url;
};

}  // namespace boss
