#include "core/job_run.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/container_watch.h"
#include "core/errors.h"
#include "core/readiness.h"
#include "core/run_log.h"
#include "core/service_failure.h"
#include "core/time_text.h"

namespace boss {
namespace {

using Clock = std::chrono::steady_clock;

// How one attempt ended: its exit code, and whether boss killed it for its timeout.
// `died_at`: the engine's stamp of its `die` event (RFC 3339) when that is how boss learnt
// of the end, and `started_at` its StartedAt as read while it ran; "" when the wait
// endpoint told (then an inspect after the end gives both).
struct AttemptEnd {
  int exit_code = 0;
  bool timed_out = false;
  std::string died_at = {};
  std::string started_at = {};
};

// "2026-12-07T08:16:15.594057123Z" from the engine's nanoseconds.
std::string rfc3339_of(std::int64_t time_nano) {
  const std::time_t seconds = static_cast<std::time_t>(time_nano / 1000000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%09lldZ", static_cast<long long>(time_nano % 1000000000));
  return text;
}

// Told of the container's `die` by a watch: the run's (which has followed it since its
// start), else one of its own (a running job boss did not start, or no run watch; a die
// before it subscribed is missed, and the wait endpoint tells). Docker sends `die` about
// 100 ms before its wait endpoint answers (the endpoint waits for the container's
// cleanup), and a job's dependents need not wait for that.
class DieWatch {
 public:
  DieWatch(Operation& op, const std::string& service, const std::string& id, Cancel& wake)
      : m_watch(op.watch), m_id(id) {
    if (!m_watch || !m_watch->run(id)) {
      m_own.emplace(op.engine, Labels{{kLabelProject, op.project.name}, {kLabelService, service}}, op.cancel,
                    &op.background, [&op](std::string line) { op.trace(std::move(line)); });
      m_own->starting(id);
      m_watch = &*m_own;
    }
    m_alarm.emplace(m_watch->alarm_on_die(id, wake));
  }

  std::optional<AttemptEnd> died() const {
    const auto run = m_watch->run(m_id);
    if (!run || !run->exit_code) return std::nullopt;
    return AttemptEnd{*run->exit_code, false, rfc3339_of(run->died_nano)};
  }

 private:
  std::optional<ContainerWatch> m_own;
  ContainerWatch* m_watch;
  std::string m_id;
  std::optional<ContainerWatch::Alarm> m_alarm;  // last: gone before the watch
};

// Waits until the container's process exits; past `timeout` (if any) kills it first.
AttemptEnd wait_for_exit(Operation& op, const ServiceSpec& spec, const std::string& id, std::optional<double> timeout) {
  Cancel waiting(&op.cancel);  // requested on its die event, or by the timeout
  DieWatch die(op, spec.name, id, waiting);
  // While it runs: an inspect once it died waits for the engine's cleanup of it (~100 ms).
  std::string started_at;
  try {
    if (const auto state = op.engine.inspect_container(id)) started_at = state->started_at;
  } catch (const EngineError&) {
    // Read after its end instead.
  }
  std::atomic<bool> timed_out{false};
  Cancel timer_done;
  std::thread timer;
  if (timeout) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*timeout));
    timer = std::thread([&, deadline] {
      if (timer_done.sleep_until(deadline)) return;
      timed_out = true;
      waiting.request();
    });
  }
  struct StopTimer {
    Cancel& done;
    std::thread& timer;
    ~StopTimer() {
      done.request();
      if (timer.joinable()) timer.join();
    }
  } stop_timer{timer_done, timer};
  try {
    return {op.engine.wait_container(id, waiting), false};
  } catch (const Interrupted&) {
    if (op.cancel.requested()) throw;
    if (!timed_out) {
      if (auto end = die.died()) {
        end->started_at = started_at;
        return *end;
      }
      throw;
    }
  } catch (const EngineError& e) {
    throw ServiceFailure{e.what(), id, std::nullopt};
  }
  // Killed at once: the timeout was its grace already.
  try {
    op.engine.stop_container(id, 0);
    return {op.engine.wait_container(id, op.cancel), true};
  } catch (const EngineError& e) {
    throw ServiceFailure{"timed out after " + seconds_phrase(*timeout) + ", and killing it failed: " + e.what(), id,
                         std::nullopt};
  }
}

// Writes the attempt that just ended to the job's run log: the engine's start and end of
// it, and its output since that start. Returns the log file, "" when it could not be
// written (a warning: the run itself is judged all the same).
// `after`: the previous run's end (engine time), "" for none; the run's output is every
// line stamped after it, in the engine's time order. Updated to this run's end.
std::string record_run(Operation& op, const ServiceSpec& spec, const std::string& id, int attempt,
                       const AttemptEnd& end, const RunLogging& logging, std::string& after) {
  const auto dir = run_log_dir(op.project, spec);
  try {
    RunRecord record;
    record.job = spec.name;
    record.attempt = attempt;
    record.exit_code = end.exit_code;
    record.timed_out = end.timed_out;
    record.container_id = id;
    if (!end.died_at.empty() && !end.started_at.empty()) {
      // Told by the die event: no inspect, which would wait for the engine's cleanup.
      record.started = end.started_at;
      record.ended = end.died_at;
    } else if (const auto state = op.engine.inspect_container(id)) {
      record.started = state->started_at;
      record.ended = state->finished_at.empty() ? end.died_at : state->finished_at;
    }
    // The engine's StartedAt may come after a run's first lines; the previous run's
    // FinishedAt never does.
    const auto lower = parse_rfc3339(after);
    std::vector<std::pair<std::chrono::system_clock::time_point, LogLine>> stamped;
    op.engine.follow_logs(id, LogRequest{}, [&](const LogLine& line) {
      const auto at = parse_rfc3339(line.timestamp).value_or(std::chrono::system_clock::time_point{});
      if (!lower || at > *lower) stamped.emplace_back(at, line);
    }, op.cancel);
    std::stable_sort(stamped.begin(), stamped.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<LogLine> lines;
    for (auto& [at, line] : stamped) lines.push_back(std::move(line));
    after = record.ended;
    const auto saved = save_run(dir, std::move(record), lines);
    if (logging.keep_runs > 0) keep_newest_runs(dir, logging.keep_runs);
    return saved.log_file;
  } catch (const EngineError& e) {
    op.warn("job '" + spec.name + "': run " + std::to_string(attempt) + " not logged: " + e.what());
  } catch (const std::runtime_error& e) {
    op.warn("job '" + spec.name + "': run " + std::to_string(attempt) + " not logged: " + e.what());
  }
  return "";
}

}  // namespace

JobRun run_job(Operation& op, const ServiceSpec& spec, const std::string& id, ServiceProgress& progress,
               const AfterRun& after_run, const RunLogging& logging) {
  std::string previous_end = logging.previous_end;
  for (int attempt = 1;; ++attempt) {
    progress.phase(Phase::waiting, attempt == 1 ? "running" : "running, attempt " + std::to_string(attempt));
    const AttemptEnd end = wait_for_exit(op, spec, id, spec.job.timeout);
    const auto started = parse_rfc3339(end.started_at);
    if (!after_run && !end.died_at.empty() && started && !end.timed_out && is_success(spec.job, end.exit_code)) {
      // The last run, told by its die event: its output is read and written off the
      // dependents' path (reading a container's logs waits for the engine's cleanup of
      // it, ~100 ms), before the operation ends. Its file's name is known now.
      const std::string log_file = (run_log_dir(op.project, spec) / (run_file_stem(*started, attempt) + ".log")).string();
      op.background.adopt(std::thread([&op, &spec, id, attempt, end, logging, previous_end]() mutable {
        record_run(op, spec, id, attempt, end, logging, previous_end);
      }));
      return {end.exit_code, attempt, log_file};
    }
    const std::string log_file = record_run(op, spec, id, attempt, end, logging, previous_end);
    if (after_run) {
      try {
        after_run(end.exit_code);
      } catch (ServiceFailure& failure) {
        failure.container_id = id;
        failure.exit_code = end.exit_code;
        failure.attempts = attempt;
        failure.log_file = log_file;
        throw;
      }
    }
    if (!end.timed_out && is_success(spec.job, end.exit_code)) return {end.exit_code, attempt, log_file};
    const std::optional<int> judged = end.timed_out ? std::nullopt : std::optional<int>(end.exit_code);
    std::string why = end.timed_out ? "timed out after " + seconds_phrase(*spec.job.timeout) + " and was killed"
                                    : "exited with code " + std::to_string(end.exit_code);
    if (!should_retry(spec.job, attempt, judged)) {
      ServiceFailure failure{why, id, end.exit_code};
      failure.attempts = attempt;
      failure.log_file = log_file;
      throw failure;
    }
    const double delay = retry_delay(spec.job.retries, attempt);
    progress.phase(Phase::waiting, why + "; running again in " + seconds_phrase(delay));
    if (op.cancel.sleep_for(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay))))
      throw Interrupted("interrupted");
    progress.phase(Phase::starting, "attempt " + std::to_string(attempt + 1));
    try {
      // Told by the die event, the engine may still be cleaning the container up: a start
      // before it has stopped would do nothing.
      if (!end.died_at.empty()) op.engine.wait_container(id, op.cancel);
      if (op.watch) op.watch->starting(id);  // this attempt's die, not the last one's
      op.engine.start_container(id);
    } catch (const EngineError& e) {
      ServiceFailure failure{e.what(), id, std::nullopt};
      failure.attempts = attempt;
      throw failure;
    }
  }
}

}  // namespace boss
