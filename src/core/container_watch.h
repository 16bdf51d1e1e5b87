// The engine's events about a project's containers, heard through one subscription
// (GET /events, filtered by label and type=container; an EngineSet streams each engine it
// uses) instead of asking the engine again and again. A start run keeps one for all its
// services (Operation::watch): readiness, health checks, jobs and sidecars wait on it.
//
// Per container it keeps what happened since `starting(id)` marked it: started, died
// (with the exit code), removed, the last health verdict. So a waiter that comes late
// still sees an event that came early, and a container not marked is not followed: its
// waiter asks the engine (inspect). When the stream breaks, one trace line says so and
// nothing is followed any more: every waiter falls back to inspecting, as without a watch.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/background.h"
#include "core/cancel.h"
#include "core/engine.h"

namespace boss {

class ContainerWatch {
 public:
  using Clock = std::chrono::steady_clock;
  using TraceFn = std::function<void(std::string)>;

  // What one container did since it was marked.
  struct Run {
    bool started = false;
    std::optional<int> exit_code;  // its `die` event's
    std::int64_t died_nano = 0;    // the engine's stamp of that event
    bool removed = false;          // `destroy`
    std::string health;            // the last verdict: "healthy", "unhealthy" ("" none yet)
    std::uint64_t events = 0;      // how many of its events came (wait()'s `after`)
  };

  // Subscribes at once, on a thread of its own, to `engine`'s events about containers
  // carrying every label of `filter`. `cancel` (the operation's) ends the stream too.
  // On destruction the stream is closed in `background` (null: joined here), so the
  // caller goes on at once. `trace` gets the one line about a stream that broke.
  ContainerWatch(Engine& engine, Labels filter, const Cancel& cancel, BackgroundThreads* background, TraceFn trace);
  ContainerWatch(const ContainerWatch&) = delete;
  ContainerWatch& operator=(const ContainerWatch&) = delete;
  ~ContainerWatch();

  // A run of container `id` begins now (call it before starting the container): what was
  // known of it is forgotten, its events from here on are its Run. Blocks until the
  // engine has accepted the subscription. Returns false when the stream broke (then the
  // container is not followed), or on Ctrl-C.
  bool starting(const std::string& id);

  // What `id` did since it was marked; nullopt when it is not followed (never marked, or
  // the stream broke): then only the engine can tell.
  std::optional<Run> run(const std::string& id) const;

  // Blocks until an event about `id` beyond its `after`-th comes, `until` passes, the
  // stream breaks or `cancel` is requested; returns run(id) as it is then.
  std::optional<Run> wait(const std::string& id, std::uint64_t after, Clock::time_point until) const;

  // While the returned handle lives, `alarm` is requested when `id` dies (at once when it
  // died already since it was marked). A stream that breaks rings no alarm: whoever
  // waits on one waits on the engine too (its wait endpoint).
  class Alarm {
   public:
    Alarm(ContainerWatch* watch, std::uint64_t key) : m_watch(watch), m_key(key) {}
    Alarm(Alarm&& other) noexcept : m_watch(other.m_watch), m_key(other.m_key) { other.m_watch = nullptr; }
    Alarm(const Alarm&) = delete;
    Alarm& operator=(const Alarm&) = delete;
    ~Alarm();

   private:
    ContainerWatch* m_watch;
    std::uint64_t m_key;
  };
  Alarm alarm_on_die(const std::string& id, Cancel& alarm);

 private:
  struct Shared;
  std::shared_ptr<Shared> m_shared;
  BackgroundThreads* m_background;
  std::thread m_thread;
};

}  // namespace boss
