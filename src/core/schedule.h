// When a scheduled job runs under `boss serve`: `schedule = "*/10 * * * *"` (cron's five
// fields, or @hourly, @daily, ...) or `every = "10m"`, what a run due while the last one
// still runs does (`overlap`), and whether a run missed while boss was not running is
// made up for (`catch_up`). Pure: cron is matched on the local wall clock (civil time,
// no zone); a TimeZone turns it into moments, so the rules are tested without one.
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>

namespace boss {

// What `boss serve` does with a run that falls due while the job's last run still runs.
enum class Overlap {
  skip,     // nothing: the due run is left out (the default)
  queue,    // it runs right after the running one ends (one waits at most)
  replace,  // the running one is stopped (its stop_timeout) and the due one begins
};
const char* overlap_name(Overlap overlap);
std::optional<Overlap> parse_overlap(const std::string& text);

// A job's schedule as services.lua gives it; not scheduled when neither cron nor every is set.
struct JobSchedule {
  std::string cron;             // as written: "*/10 * * * *", "@daily"; "" = none
  std::optional<double> every;  // seconds between runs; nullopt = none
  Overlap overlap = Overlap::skip;
  bool catch_up = false;
  bool scheduled() const { return !cron.empty() || every.has_value(); }
  bool operator==(const JobSchedule&) const = default;
};

// The shortest `every`: shorter would only spin.
inline constexpr double kMinEvery = 0.1;

// A parsed 5-field cron expression: the values each field allows.
struct CronExpr {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;      // 1..31
  std::bitset<13> months;    // 1..12
  std::bitset<7> weekdays;   // 0 = Sunday .. 6 = Saturday (7 is read as 0)
  // cron's rule: when both day fields are restricted (neither is "*"), a day matches
  // either; otherwise it must match both.
  bool days_restricted = false;
  bool weekdays_restricted = false;
  bool operator==(const CronExpr&) const = default;
};

// "m h dom mon dow", each field "*", "N", "A-B", "*/S", "A-B/S", "N/S" or a list of them
// ("1,15,30-40/5"); months and weekdays also by name (JAN..DEC, SUN..SAT, any case); or
// one of @yearly (@annually), @monthly, @weekly, @daily (@midnight), @hourly. Throws
// DefinitionError with what follows "field 'schedule' " in a message: "has 6 fields
// ...", "minute field: 75 is out of range 0-59", "never fires (no February 30th)".
CronExpr parse_cron(const std::string& text);

using LocalMinutes = std::chrono::time_point<std::chrono::local_t, std::chrono::minutes>;
using LocalSeconds = std::chrono::local_seconds;

// The first wall-clock minute strictly after `after` that `cron` matches.
LocalMinutes next_cron_minute(const CronExpr& cron, LocalSeconds after);

// The local wall clock of a place: TZ (the process's, as libc reads it) or a fixed offset.
class TimeZone {
 public:
  virtual ~TimeZone() = default;
  virtual LocalSeconds to_local(std::chrono::sys_seconds at) const = 0;
  // A wall-clock time that does not exist (a DST gap) is the moment after the gap; one
  // that exists twice (a DST overlap) is the earlier moment.
  virtual std::chrono::sys_seconds to_sys(LocalSeconds at) const = 0;
};

// UTC plus a fixed offset (tests, and UTC itself).
class FixedOffsetZone : public TimeZone {
 public:
  explicit FixedOffsetZone(std::chrono::minutes offset = {}) : m_offset(offset) {}
  LocalSeconds to_local(std::chrono::sys_seconds at) const override;
  std::chrono::sys_seconds to_sys(LocalSeconds at) const override;

 private:
  std::chrono::minutes m_offset;
};

// The process's local time (localtime_r, mktime): the TZ environment variable, else
// /etc/localtime.
class SystemTimeZone : public TimeZone {
 public:
  SystemTimeZone();
  LocalSeconds to_local(std::chrono::sys_seconds at) const override;
  std::chrono::sys_seconds to_sys(LocalSeconds at) const override;
};

// When a run of `schedule` is due next, strictly after `after`. `every` schedules count
// from `anchor` (when boss serve began): anchor + k * every. Cron ones are the next
// matching minute on `zone`'s wall clock. `cron` is the parsed schedule.cron.
std::chrono::system_clock::time_point next_due(const JobSchedule& schedule, const CronExpr* cron,
                                               std::chrono::system_clock::time_point anchor,
                                               std::chrono::system_clock::time_point after, const TimeZone& zone);

// catch_up: whether a run was missed between the last run's start (`last_run`, nullopt:
// the job never ran, so nothing was missed) and `now`: for cron, a due minute after the
// last run and not after now; for every, a last run longer than `every` ago.
bool missed_run(const JobSchedule& schedule, const CronExpr* cron,
                std::optional<std::chrono::system_clock::time_point> last_run,
                std::chrono::system_clock::time_point now, const TimeZone& zone);

}  // namespace boss
