#include "core/schedule.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <vector>

#include "core/errors.h"

namespace boss {
namespace {

using namespace std::chrono;

[[noreturn]] void fail(const std::string& text) { throw DefinitionError(text); }

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(separator, start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// One of the five fields: its name in messages, its range, and names for its values.
struct FieldKind {
  const char* name;
  int min, max;
  std::vector<const char*> names;  // names[i] is min + i; empty: numbers only
};

const FieldKind kMinute{"minute", 0, 59, {}};
const FieldKind kHour{"hour", 0, 23, {}};
const FieldKind kDay{"day-of-month", 1, 31, {}};
const FieldKind kMonth{"month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
// 7 is Sunday too, as in every cron.
const FieldKind kWeekday{"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

int value_of(const FieldKind& kind, const std::string& field, const std::string& text) {
  const std::string where = std::string(kind.name) + " field '" + field + "': ";
  if (text.empty()) fail(where + "a value is missing");
  if (std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (text.size() > 4) fail(where + text + " is out of range " + std::to_string(kind.min) + "-" + std::to_string(kind.max));
    const int v = std::stoi(text);
    if (v < kind.min || v > kind.max)
      fail(where + text + " is out of range " + std::to_string(kind.min) + "-" + std::to_string(kind.max));
    return v;
  }
  const std::string name = lower(text);
  for (std::size_t i = 0; i < kind.names.size(); ++i)
    if (name == kind.names[i]) return kind.min + static_cast<int>(i);
  fail(where + "'" + text + "' is not a number" +
       (kind.names.empty() ? "" : std::string(" nor a name (") + kind.names.front() + ".." + kind.names.back() + ")"));
}

// The values a field allows, as bits kind.min..kind.max.
std::vector<bool> field_values(const FieldKind& kind, const std::string& field) {
  std::vector<bool> allowed(kind.max + 1, false);
  const std::string where = std::string(kind.name) + " field '" + field + "': ";
  for (const std::string& item : split(field, ',')) {
    if (item.empty()) fail(where + "an empty item in its list");
    const auto parts = split(item, '/');
    if (parts.size() > 2) fail(where + "'" + item + "' has more than one '/'");
    int step = 1;
    if (parts.size() == 2) {
      const std::string& s = parts[1];
      if (s.empty() || s.size() > 4 ||
          !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
          std::stoi(s) == 0)
        fail(where + "step '" + s + "' must be a positive number");
      step = std::stoi(s);
    }
    const std::string& base = parts[0];
    int from = kind.min, to = kind.max;
    if (base != "*") {
      const auto range = split(base, '-');
      if (range.size() > 2) fail(where + "'" + base + "' is not a value nor a range A-B");
      from = value_of(kind, field, range[0]);
      // "N/S": from N to the end, in steps of S.
      to = range.size() == 2 ? value_of(kind, field, range[1]) : parts.size() == 2 ? kind.max : from;
      if (to < from) fail(where + "range " + base + " goes backwards");
    }
    for (int v = from; v <= to; v += step) allowed[v] = true;
  }
  return allowed;
}

template <std::size_t N>
std::bitset<N> bits(const std::vector<bool>& allowed) {
  std::bitset<N> out;
  for (std::size_t v = 0; v < allowed.size() && v < N; ++v) out[v] = allowed[v];
  return out;
}

const char* shorthand(const std::string& name) {
  if (name == "@yearly" || name == "@annually") return "0 0 1 1 *";
  if (name == "@monthly") return "0 0 1 * *";
  if (name == "@weekly") return "0 0 * * 0";
  if (name == "@daily" || name == "@midnight") return "0 0 * * *";
  if (name == "@hourly") return "0 * * * *";
  return nullptr;
}

// The longest each month can be (February in a leap year).
constexpr int kMonthDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

bool day_matches(const CronExpr& cron, const year_month_day& ymd) {
  const bool dom = cron.days[static_cast<unsigned>(ymd.day())];
  const bool dow = cron.weekdays[weekday(local_days(ymd)).c_encoding()];
  if (cron.days_restricted && cron.weekdays_restricted) return dom || dow;
  return dom && dow;
}

}  // namespace

const char* overlap_name(Overlap overlap) {
  switch (overlap) {
    case Overlap::skip: return "skip";
    case Overlap::queue: return "queue";
    case Overlap::replace: return "replace";
  }
  return "skip";
}

std::optional<Overlap> parse_overlap(const std::string& text) {
  for (Overlap o : {Overlap::skip, Overlap::queue, Overlap::replace})
    if (text == overlap_name(o)) return o;
  return std::nullopt;
}

CronExpr parse_cron(const std::string& text) {
  auto fields = words(text);
  if (fields.size() == 1 && fields[0].front() == '@') {
    const char* expanded = shorthand(lower(fields[0]));
    if (!expanded)
      fail("'" + fields[0] + "' is not a schedule name (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)");
    fields = words(expanded);
  }
  if (fields.size() != 5)
    fail("has " + std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s") + " ('" + text +
         "'); a cron expression has 5: minute hour day-of-month month day-of-week" +
         (fields.size() == 6 ? " (boss has no seconds field: use every = \"10s\" for that)" : ""));
  CronExpr cron;
  cron.minutes = bits<60>(field_values(kMinute, fields[0]));
  cron.hours = bits<24>(field_values(kHour, fields[1]));
  cron.days = bits<32>(field_values(kDay, fields[2]));
  cron.months = bits<13>(field_values(kMonth, fields[3]));
  auto weekdays = field_values(kWeekday, fields[4]);
  if (weekdays[7]) weekdays[0] = true;
  cron.weekdays = bits<7>(weekdays);
  cron.days_restricted = fields[2].front() != '*';
  cron.weekdays_restricted = fields[4].front() != '*';
  // Only the day of the month decides: some month must have such a day.
  if (!(cron.days_restricted && cron.weekdays_restricted)) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; ++m)
      for (int d = 1; d <= kMonthDays[m] && !possible; ++d) possible = cron.months[m] && cron.days[d];
    if (!possible) fail("never fires ('" + text + "': no month has such a day)");
  }
  return cron;
}

LocalMinutes next_cron_minute(const CronExpr& cron, LocalSeconds after) {
  LocalMinutes t = floor<minutes>(after) + minutes(1);
  // Every schedule that parses fires within 8 years (February 29th skips 2100).
  const local_days limit = floor<days>(t) + days(366 * 9);
  while (floor<days>(t) < limit) {
    const local_days day = floor<days>(t);
    const year_month_day ymd(day);
    if (!cron.months[static_cast<unsigned>(ymd.month())]) {
      t = LocalMinutes(local_days(year_month_day(ymd.year() / ymd.month() / 1) + months(1)));
      continue;
    }
    if (day_matches(cron, ymd)) {
      const auto since_midnight = t - LocalMinutes(day);
      const int hour0 = static_cast<int>(since_midnight.count() / 60);
      const int minute0 = static_cast<int>(since_midnight.count() % 60);
      for (int h = hour0; h < 24; ++h) {
        if (!cron.hours[h]) continue;
        for (int m = h == hour0 ? minute0 : 0; m < 60; ++m)
          if (cron.minutes[m]) return LocalMinutes(day) + hours(h) + minutes(m);
      }
    }
    t = LocalMinutes(day + days(1));
  }
  return t;  // not reached for a schedule parse_cron accepted
}

LocalSeconds FixedOffsetZone::to_local(sys_seconds at) const {
  return LocalSeconds(at.time_since_epoch() + m_offset);
}

sys_seconds FixedOffsetZone::to_sys(LocalSeconds at) const { return sys_seconds(at.time_since_epoch() - m_offset); }

SystemTimeZone::SystemTimeZone() { tzset(); }

LocalSeconds SystemTimeZone::to_local(sys_seconds at) const {
  const std::time_t t = at.time_since_epoch().count();
  std::tm tm{};
  localtime_r(&t, &tm);
  const local_days day(year(tm.tm_year + 1900) / (tm.tm_mon + 1) / tm.tm_mday);
  return LocalSeconds(day) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
}

sys_seconds SystemTimeZone::to_sys(LocalSeconds at) const {
  const local_days day = floor<days>(at);
  const year_month_day ymd(day);
  const auto rest = at - LocalSeconds(day);
  std::tm tm{};
  tm.tm_year = static_cast<int>(ymd.year()) - 1900;
  tm.tm_mon = static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
  tm.tm_mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
  tm.tm_hour = static_cast<int>(rest.count() / 3600);
  tm.tm_min = static_cast<int>(rest.count() % 3600 / 60);
  tm.tm_sec = static_cast<int>(rest.count() % 60);
  tm.tm_isdst = -1;  // libc decides; in a gap it moves the time on by the gap
  return sys_seconds(seconds(std::mktime(&tm)));
}

system_clock::time_point next_due(const JobSchedule& schedule, const CronExpr* cron, system_clock::time_point anchor,
                                  system_clock::time_point after, const TimeZone& zone) {
  if (schedule.every) {
    const duration<double> every(*schedule.every);
    const double passed = duration<double>(after - anchor).count();
    const double k = passed < 0 ? 1 : std::floor(passed / every.count()) + 1;
    auto due = anchor + duration_cast<system_clock::duration>(every * k);
    // Rounding must never give a moment at or before `after`.
    while (due <= after) due += duration_cast<system_clock::duration>(every);
    return due;
  }
  LocalMinutes local = next_cron_minute(*cron, zone.to_local(floor<seconds>(after)));
  auto due = zone.to_sys(local);
  // A wall-clock hour that repeats (DST ends) must not give a moment already past.
  for (int guard = 0; due <= after && guard < 1000; ++guard) {
    local = next_cron_minute(*cron, local);
    due = zone.to_sys(local);
  }
  return due;
}

bool missed_run(const JobSchedule& schedule, const CronExpr* cron, std::optional<system_clock::time_point> last_run,
                system_clock::time_point now, const TimeZone& zone) {
  if (!last_run || !schedule.scheduled()) return false;
  if (schedule.every) return *last_run + duration_cast<system_clock::duration>(duration<double>(*schedule.every)) <= now;
  return next_due(schedule, cron, *last_run, *last_run, zone) <= now;
}

}  // namespace boss
