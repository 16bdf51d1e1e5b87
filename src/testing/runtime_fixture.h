// A project on a FakeEngine with FakeHooks, for the unit tests of operations (runtime,
// readiness, restart): every operation gets a fresh Runtime, as a long-running boss
// would run operation after operation on one.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/runtime.h"
#include "core/start_journal.h"
#include "testing/fake_engine.h"
#include "testing/fake_hooks.h"
#include "testing/recording_sink.h"
#include "testing/temp_path.h"

namespace boss::testing {

inline ServiceSpec svc(const std::string& name, std::vector<std::string> deps = {}, const std::string& image = "busybox") {
  ServiceSpec s;
  s.name = name;
  s.image = image;
  s.dependencies = std::move(deps);
  return s;
}

// A project on a fake engine with scripted hooks; every operation gets a fresh Runtime
// (as a long-running boss would run operation after operation on one).
struct Fixture {
  FakeEngine engine;
  FakeHooks hooks;
  ContextStore context;
  RecordingSink events;
  NoLocker locker;
  std::unique_ptr<Cancel> cancel = std::make_unique<Cancel>();
  Project project;
  std::filesystem::path dir;

  Fixture() {
    dir = unique_temp_path("boss-runtime-");
    project.name = "demo";
    project.dir = dir;
    project.file = dir / "services.lua";
    engine.add_image("busybox", "sha256:bb");
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  // A build folder with a Dockerfile, in the project's folder.
  std::string build_dir(const std::string& name) {
    std::filesystem::create_directories(dir / name);
    std::ofstream(dir / name / "Dockerfile") << "FROM busybox\n";
    return (dir / name).string();
  }

  Runtime runtime() { return Runtime(project, engine, hooks, context, events, locker, *cancel); }
  void reset_cancel() { cancel = std::make_unique<Cancel>(); }
  CommandResult start(std::vector<std::string> exclude = {}, double timeout = 5) {
    StartRequest request;
    request.exclude = std::move(exclude);
    request.timeout = timeout;
    return runtime().start(request);
  }
  CommandResult stop(bool remove = false, std::vector<std::string> services = {}) {
    StopRequest request;
    request.remove = remove;
    request.services = std::move(services);
    request.timeout = 1;
    return runtime().stop(request);
  }
  CommandResult reload(std::vector<std::string> services) {
    ReloadRequest request;
    request.services = std::move(services);
    request.timeout = 5;
    request.stop_timeout = 1;
    return runtime().reload(request);
  }
  const ServiceOutcome& outcome(const CommandResult& r, const std::string& name) {
    const auto it = std::find_if(r.outcomes.begin(), r.outcomes.end(), [&](const auto& o) { return o.service == name; });
    REQUIRE(it != r.outcomes.end());
    return *it;
  }
  std::size_t index_of(const std::vector<std::string>& calls, const std::string& call) {
    return std::find(calls.begin(), calls.end(), call) - calls.begin();
  }
  PendingStart pending(const std::string& service) {
    StartJournal journal(project.journal_file());
    journal.load();
    return journal.pending(service).value_or(PendingStart{});
  }
};

inline HookResult ping_value(bool value) { return {HookResult::Status::ok, value, "", ""}; }


}  // namespace boss::testing
