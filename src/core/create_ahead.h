// Creating ahead: a container boss makes for the first time, whose definition cannot
// change before its turn, is created while its dependencies are still coming up; when
// they are ready its turn only starts it (the engine's create is off the critical path).
//
// can_create_ahead() is the pure rule, shared by the plan (`--dry-run` says which
// containers are created ahead) and the executor. AheadCreates does the creating on a
// few worker threads, through the engine gate, and hands each container to its service's
// task; a container no task took (a dependency failed, Ctrl-C) is removed by finish(), so
// nothing is left half-made. An ahead create that fails is not an error of its own: the
// service's turn creates its container as usual and reports what goes wrong then.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/engine_gate.h"
#include "core/image_provider.h"
#include "core/operation.h"
#include "core/plan.h"

namespace boss {

// A decision may be created ahead when it creates a container where there is none, its
// service has no pre_start (which may change what the container needs) and no did_run,
// its definition reads no context key (a dependency's hook may set or change it), and it
// waits in this plan for a dependency that is not simply kept (otherwise its turn comes
// at once and there is nothing to gain).
bool can_create_ahead(const ServiceSpec& spec, const Decision& decision, bool waits_for_work);

// Sets Decision::create_ahead on a start plan's decisions by the rule above, except for
// a job's dependents, which are created only once the job succeeded.
void mark_create_ahead(Plan& plan, const Project& project);

class AheadCreates {
 public:
  // `gates`: one per engine (Operation::engine's engine_index). Nothing begins before start().
  AheadCreates(Operation& op, ImageProvider& images, const std::vector<EngineGate*>& gates);
  ~AheadCreates();  // waits for the workers; finish() should have been called
  AheadCreates(const AheadCreates&) = delete;
  AheadCreates& operator=(const AheadCreates&) = delete;

  // Begins creating the plan's create_ahead decisions, in plan order (dependencies first).
  void start(const Plan& plan);
  // The container created ahead for instance `instance` of `service`, waiting for its
  // create to end; nullopt when it was not created ahead, its create failed, or it was made
  // from another config than `config_hash` (then it is removed). Each is taken at most once.
  std::optional<std::string> take(const std::string& service, int instance, const std::string& config_hash);
  // Waits for the workers, then removes every container created ahead and not taken.
  void finish();

 private:
  enum class State { queued, creating, created, failed, taken };
  struct Item {
    const Decision* decision;
    State state = State::queued;
    std::string container_id;
    std::string config_hash;
  };
  void work();
  void create(Item& item);
  void remove_unused(const std::string& service, int instance, const std::string& id);

  Operation& m_op;
  ImageProvider& m_images;
  std::vector<EngineGate*> m_gates;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<Item> m_items;
  std::size_t m_next = 0;  // the next queued item a worker takes
  std::vector<std::thread> m_workers;
};

}  // namespace boss
