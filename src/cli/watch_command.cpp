#include "cli/watch_command.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "cli/watch_handover.h"
#include "cli/watch_sync.h"
#include "core/errors.h"
#include "core/plan.h"
#include "core/selection.h"
#include "core/watch_changes.h"
#include "engine/build_context.h"
#include "platform/file_watcher.h"

namespace boss {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
// How long a burst of changes must have been quiet before it is acted on. An editor's
// save (write, rename, chmod) and a checkout's writes come microseconds to a few ms
// apart, so 20 ms still takes each as one batch; every ms of it is on the way from a
// save to ready (and a sync's 100 ms).
constexpr auto kQuiet = std::chrono::milliseconds(20);
// How often Ctrl-C is looked at while nothing happens.
constexpr auto kIdle = std::chrono::milliseconds(200);

std::string shown_path(const Project& project, const fs::path& path) {
  return path_within(project.dir, path) ? path.lexically_relative(project.dir).generic_string() : path.string();
}

// "src/app.py changed" or "src/app.py and 3 more changed".
std::string what_changed(const Project& project, const std::vector<fs::path>& paths) {
  if (paths.empty()) return "files changed";
  std::string text = shown_path(project, paths.front());
  if (paths.size() > 1) text += " and " + std::to_string(paths.size() - 1) + " more";
  return text + " changed";
}

// The changed paths under `dir`.
std::vector<fs::path> under(const fs::path& dir, const std::vector<fs::path>& paths) {
  std::vector<fs::path> out;
  for (const auto& p : paths)
    if (p == dir || path_within(dir, p)) out.push_back(p);
  return out;
}

DockerIgnore rule_ignores(const SyncRule& rule) {
  std::string text;
  for (const auto& pattern : rule.ignore) text += pattern + "\n";
  return DockerIgnore::parse(text);
}

// A folder is left unwatched only when nothing below it can count: excluded, and no '!'
// pattern could bring part of it back. `.git` never counts.
FileWatcher::SkipFn skip_for(DockerIgnore ignore) {
  return [ignore = std::move(ignore)](const fs::path& relative) {
    if (relative.filename() == ".git") return true;
    return !ignore.has_exceptions() && ignore.excluded(relative.generic_string());
  };
}

// Watches what `watched` services build from and sync; a sync path that does not exist
// is a mistake in services.lua.
void watch_folders(FileWatcher& watcher, const Project& project, const std::set<std::string>& watched) {
  for (const auto& spec : project.services) {
    if (!watched.count(spec.name)) continue;
    if (!spec.build_from_directory.empty())
      watcher.watch_tree(spec.build_from_directory, skip_for(DockerIgnore::load(spec.build_from_directory)));
    for (std::size_t r = 0; r < spec.watch.size(); ++r) {
      const SyncRule& rule = spec.watch[r];
      std::error_code error;
      if (!fs::exists(rule.path, error))
        throw DefinitionError(spec.defined_at + ": service '" + spec.name + "': field 'watch' rule " +
                              std::to_string(r + 1) + ": path '" + shown_path(project, rule.path) +
                              "' does not exist");
      watcher.watch_tree(rule.path, skip_for(rule_ignores(rule)));
    }
  }
  watcher.watch_file(project.file);
}

std::vector<std::string> running_ids(Engine& engine, const Project& project, const std::string& service) {
  std::vector<std::string> ids;
  const Observed observed = observe(engine, project, /*images=*/false);  // held: of() refers into it
  for (const auto& c : observed.of(service))
    if (c.running()) ids.push_back(c.id);
  return ids;
}

class Watch {
 public:
  Watch(const StartRequest& start, Runtime& runtime, Engine& engine, EventSink& events, const Cancel& cancel)
      : m_start(start), m_runtime(runtime), m_project(runtime.project()), m_engine(engine), m_events(events),
        m_cancel(cancel) {}

  // The services file changed and reads well: kWatchReread; else 0 or 130 at Ctrl-C.
  int run(const std::function<void()>& check_file) {
    // Taken first: nothing this process runs may inherit it.
    const std::optional<WatchHandover> handover = take_handover();
    const auto names = select_for_start(m_project, m_start.services, m_start.exclude, m_start.profiles);
    m_watched = {names.begin(), names.end()};
    std::optional<FileWatcher> watching;
    if (handover)
      watching.emplace(handover->fd);
    else
      watching.emplace();
    FileWatcher& watcher = *watching;
    watch_folders(watcher, m_project, m_watched);

    const CommandResult started = m_runtime.start(m_start);
    if (started.interrupted) return 130;
    if (started.any_failed()) say("", "the start failed; watching for changes that fix it");
    say("", "watching " + std::to_string(m_watched.size()) + " service" + (m_watched.size() == 1 ? "" : "s") +
                " and " + shown_path(m_project, m_project.file) + " (Ctrl-C to stop; the services stay up)");

    ChangeBatch batch(kQuiet);
    if (handover && !handover->pending.empty()) {
      say("", std::to_string(handover->pending.size()) + " change" + (handover->pending.size() == 1 ? "" : "s") +
                  " saved with " + shown_path(m_project, m_project.file) + ", acted on now");
      batch.add(handover->pending, Clock::now() - kQuiet);
    }
    while (!m_cancel.requested()) {
      const auto now = Clock::now();
      const auto timeout = batch.empty() ? kIdle : std::max(Clock::duration::zero(), batch.due() - now);
      batch.add(watcher.wait(std::chrono::ceil<std::chrono::milliseconds>(timeout)), Clock::now());
      if (!batch.ready(Clock::now())) continue;
      const auto changed = batch.take();
      rewatch_ignores(watcher, changed);
      const WatchWork work = decide_watch_work(m_project, m_watched, changed, ignores());
      if (work.reread) {
        say("", shown_path(m_project, m_project.file) + " changed: reading it again");
        try {
          check_file();
        } catch (const DefinitionError& e) {
          say("", std::string(e.what()) + "; still running the previous definition");
          continue;
        }
        say("", "re-planning from the new definition");
        // What else this batch held, and what is saved while the next process reads the
        // file and starts (queued in the descriptor), is acted on by that process.
        WatchHandover next;
        for (const auto& path : changed)
          if (path != m_project.file) next.pending.push_back(path);
        next.fd = watcher.release();
        pass_on(next);
        return kWatchReread;
      }
      for (const SyncCopy& copy : work.sync)
        if (!sync(copy)) return 130;
      if (!work.rebuild.empty() && !rebuild(work.rebuild, changed)) return 130;
    }
    say("", "stopped watching; the services stay up (boss stop stops them)");
    return 0;
  }

 private:
  void say(const std::string& service, const std::string& text) { m_events.emit_now(WatchEvent{service, text}); }

  // An edited .dockerignore changes which folders of its build context count: the tree
  // is walked again, so newly un-ignored folders are watched and ignored ones no more.
  void rewatch_ignores(FileWatcher& watcher, const std::vector<fs::path>& changed) {
    for (const auto& spec : m_project.services) {
      if (!m_watched.count(spec.name) || spec.build_from_directory.empty()) continue;
      const fs::path ignore_file = (fs::path(spec.build_from_directory) / ".dockerignore").lexically_normal();
      if (std::find(changed.begin(), changed.end(), ignore_file) == changed.end()) continue;
      watcher.rewatch_tree(spec.build_from_directory, skip_for(DockerIgnore::load(spec.build_from_directory)));
    }
  }

  // .dockerignore files are read per batch: an edit of one counts from the next save on.
  WatchIgnores ignores() {
    auto contexts = std::make_shared<std::map<std::string, DockerIgnore>>();
    WatchIgnores out;
    out.build = [contexts](const ServiceSpec& spec, const std::string& relative) {
      auto it = contexts->find(spec.build_from_directory);
      if (it == contexts->end())
        it = contexts->emplace(spec.build_from_directory, DockerIgnore::load(spec.build_from_directory)).first;
      return it->second.excluded(relative);
    };
    out.sync = [](const SyncRule& rule, const std::string& relative) { return rule_ignores(rule).excluded(relative); };
    return out;
  }

  // False when interrupted.
  bool sync(const SyncCopy& copy) {
    const ServiceSpec& spec = *m_project.find(copy.service);
    const SyncRule& rule = spec.watch[copy.rule];
    const auto ids = running_ids(m_engine, m_project, spec.name);
    const std::string what = what_changed(m_project, copy.paths);
    if (ids.empty()) {
      say(spec.name, what + ": not running, nothing to copy into");
      return true;
    }
    try {
      const SyncResult done = sync_into(m_engine, ids, rule, copy.paths, m_cancel);
      std::string text = what + ": copied " + std::to_string(done.copied) + " into " + rule.target;
      if (done.deleted) text += ", deleted " + std::to_string(done.deleted);
      say(spec.name, text + (rule.restart ? "; restarting" : ""));
    } catch (const Interrupted&) {
      return false;
    } catch (const EngineError& e) {
      say(spec.name, what + ": copy failed: " + e.what());
      return true;
    }
    if (!rule.restart) return true;
    RestartRequest request;
    request.services = {spec.name};
    request.timeout = m_start.timeout;
    request.parallel = m_start.parallel;
    request.profiles = m_start.profiles;
    return !m_runtime.restart(request).interrupted;
  }

  // False when interrupted.
  bool rebuild(const std::vector<std::string>& services, const std::vector<fs::path>& changed) {
    for (const auto& name : services)
      say(name, what_changed(m_project, under(m_project.find(name)->build_from_directory, changed)) +
                    ": rebuilding, then replacing it and restarting its dependents");
    ReloadRequest request;
    request.services = services;
    request.profiles = m_start.profiles;
    request.timeout = m_start.timeout;
    request.parallel = m_start.parallel;
    // The reload tells which failures left the running container as it was: no list of
    // the containers before and after on the way from a save to ready.
    const CommandResult result = m_runtime.reload(request);
    if (result.interrupted) return false;
    for (const auto& o : result.outcomes) {
      if (o.status != Phase::failed) continue;
      say(o.service, (o.left_running ? "not replaced, the running container is left as it was: " : "failed: ") +
                         first_line(o.reason));
    }
    return true;
  }

  const StartRequest& m_start;
  Runtime& m_runtime;
  const Project& m_project;
  Engine& m_engine;
  EventSink& m_events;
  const Cancel& m_cancel;
  std::set<std::string> m_watched;
};

}  // namespace

int watch_command(const Options&, const StartRequest& start, Runtime& runtime, Engine& engine, EventSink& events,
                  const std::function<void()>& check_file, const Cancel& cancel) {
  return Watch(start, runtime, engine, events, cancel).run(check_file);
}

}  // namespace boss
