#include "core/schedule.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "core/errors.h"
#include "core/time_text.h"

using namespace boss;
using namespace std::chrono;

namespace {

// "2026-12-07T10:15:30" as a wall-clock time.
LocalSeconds local(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return LocalSeconds(local_days(year(y) / mo / d)) + hours(h) + minutes(mi) + seconds(s);
}

LocalSeconds next(const std::string& cron, LocalSeconds after) {
  return LocalSeconds(next_cron_minute(parse_cron(cron), after));
}

system_clock::time_point utc(const std::string& text) { return *parse_rfc3339(text); }

std::string error_of(const std::string& cron) {
  try {
    parse_cron(cron);
  } catch (const DefinitionError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("schedule: steps, ranges and lists pick the next matching minute") {
  const auto at = local(2026, 12, 7, 10, 15, 30);  // a Monday
  CHECK(next("*/10 * * * *", at) == local(2026, 12, 7, 10, 20));
  CHECK(next("* * * * *", at) == local(2026, 12, 7, 10, 16));
  CHECK(next("15 * * * *", at) == local(2026, 12, 7, 11, 15));  // strictly after
  CHECK(next("0,30 9-17 * * *", at) == local(2026, 12, 7, 10, 30));
  CHECK(next("5-20/5 * * * *", at) == local(2026, 12, 7, 10, 20));
  CHECK(next("40/10 * * * *", at) == local(2026, 12, 7, 10, 40));  // N/S: N to the end
  CHECK(next("0 8 * * *", at) == local(2026, 12, 8, 8, 0));        // tomorrow
  CHECK(next("59 23 31 12 *", at) == local(2026, 12, 31, 23, 59));
  CHECK(next("0 0 1 1 *", at) == local(2027, 1, 1));  // over the year's end
}

TEST_CASE("schedule: names of months and weekdays, and 7 as Sunday") {
  const auto at = local(2026, 12, 7, 10, 15);  // Monday
  CHECK(next("0 9 * * MON", at) == local(2026, 12, 14, 9));
  CHECK(next("0 9 * * mon-fri", at) == local(2026, 12, 8, 9));
  CHECK(next("0 9 * * SUN", at) == local(2026, 12, 13, 9));
  CHECK(next("0 9 * * 7", at) == local(2026, 12, 13, 9));
  CHECK(next("0 0 1 JAN,jul *", at) == local(2027, 1, 1));
  CHECK(next("0 0 * FEB *", at) == local(2027, 2, 1));
}

TEST_CASE("schedule: both day fields restricted match either; one restricted must match") {
  const auto at = local(2026, 12, 7, 10, 15);  // Monday the 7th
  // The 15th or any Friday (the 11th comes first).
  CHECK(next("0 0 15 * FRI", at) == local(2026, 12, 11));
  // Only the 15th: any weekday.
  CHECK(next("0 0 15 * *", at) == local(2026, 12, 15));
  // Only Fridays.
  CHECK(next("0 0 * * 5", at) == local(2026, 12, 11));
}

TEST_CASE("schedule: February 29th waits for a leap year; the 31st skips short months") {
  CHECK(next("0 0 29 2 *", local(2026, 12, 7)) == local(2028, 2, 29));
  CHECK(next("0 0 31 * *", local(2027, 4, 1)) == local(2027, 5, 31));
  CHECK(next("0 12 30 * *", local(2027, 1, 30, 13)) == local(2027, 3, 30, 12));  // no February 30th
}

TEST_CASE("schedule: the @ names") {
  const auto at = local(2026, 12, 7, 10, 15);
  CHECK(next("@hourly", at) == local(2026, 12, 7, 11));
  CHECK(next("@daily", at) == local(2026, 12, 8));
  CHECK(next("@midnight", at) == local(2026, 12, 8));
  CHECK(next("@weekly", at) == local(2026, 12, 13));  // Sunday
  CHECK(next("@monthly", at) == local(2027, 1, 1));
  CHECK(next("@yearly", at) == local(2027, 1, 1));
  CHECK(next("@annually", at) == local(2027, 1, 1));
  CHECK(next("@DAILY", at) == local(2026, 12, 8));
  CHECK(parse_cron("@daily") == parse_cron("0 0 * * *"));
}

TEST_CASE("schedule: malformed cron expressions say what is wrong") {
  CHECK(error_of("0 */10 * * * *") ==
        "has 6 fields ('0 */10 * * * *'); a cron expression has 5: minute hour day-of-month month day-of-week "
        "(boss has no seconds field: use every = \"10s\" for that)");
  CHECK(error_of("* * * *").rfind("has 4 fields", 0) == 0);
  CHECK(error_of("") .rfind("has 0 fields", 0) == 0);
  CHECK(error_of("75 * * * *") == "minute field '75': 75 is out of range 0-59");
  CHECK(error_of("* 24 * * *") == "hour field '24': 24 is out of range 0-23");
  CHECK(error_of("* * 0 * *") == "day-of-month field '0': 0 is out of range 1-31");
  CHECK(error_of("* * * 13 *") == "month field '13': 13 is out of range 1-12");
  CHECK(error_of("* * * * 8") == "day-of-week field '8': 8 is out of range 0-7");
  CHECK(error_of("* * * FOO *") == "month field 'FOO': 'FOO' is not a number nor a name (jan..dec)");
  CHECK(error_of("*/0 * * * *") == "minute field '*/0': step '0' must be a positive number");
  CHECK(error_of("30-10 * * * *") == "minute field '30-10': range 30-10 goes backwards");
  CHECK(error_of("1,,2 * * * *") == "minute field '1,,2': an empty item in its list");
  CHECK(error_of("x * * * *") == "minute field 'x': 'x' is not a number");
  CHECK(error_of("@sometimes") ==
        "'@sometimes' is not a schedule name (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)");
  CHECK(error_of("0 0 30 2 *") == "never fires ('0 0 30 2 *': no month has such a day)");
  CHECK(error_of("0 0 30 2 MON").empty());  // Mondays in February do come
}

TEST_CASE("schedule: every counts from the anchor, strictly after") {
  JobSchedule every;
  every.every = 2;
  const FixedOffsetZone utc0;
  const auto anchor = utc("2026-12-07T10:00:00Z");
  CHECK(next_due(every, nullptr, anchor, anchor, utc0) == utc("2026-12-07T10:00:02Z"));
  CHECK(next_due(every, nullptr, anchor, utc("2026-12-07T10:00:01.999Z"), utc0) == utc("2026-12-07T10:00:02Z"));
  CHECK(next_due(every, nullptr, anchor, utc("2026-12-07T10:00:02Z"), utc0) == utc("2026-12-07T10:00:04Z"));
  // Missed dues are not run late: the next one is on the grid.
  CHECK(next_due(every, nullptr, anchor, utc("2026-12-07T10:00:09.5Z"), utc0) == utc("2026-12-07T10:00:10Z"));
  every.every = 0.2;
  CHECK(next_due(every, nullptr, anchor, utc("2026-12-07T10:00:00.3Z"), utc0) == utc("2026-12-07T10:00:00.4Z"));
}

TEST_CASE("schedule: cron is read on the zone's wall clock") {
  JobSchedule daily;
  daily.cron = "0 0 * * *";
  const CronExpr cron = parse_cron(daily.cron);
  const auto after = utc("2026-12-07T10:15:00Z");
  CHECK(next_due(daily, &cron, after, after, FixedOffsetZone()) == utc("2026-12-08T00:00:00Z"));
  // UTC+2: local midnight is 22:00 UTC the day before it.
  CHECK(next_due(daily, &cron, after, after, FixedOffsetZone(minutes(120))) == utc("2026-12-07T22:00:00Z"));
  // UTC-5: local 05:15 now, midnight at 05:00 UTC the next day.
  CHECK(next_due(daily, &cron, after, after, FixedOffsetZone(minutes(-300))) == utc("2026-12-08T05:00:00Z"));
  // Sub-second `after` on the due minute itself: the next one.
  JobSchedule minutely;
  minutely.cron = "* * * * *";
  const CronExpr each = parse_cron(minutely.cron);
  CHECK(next_due(minutely, &each, after, utc("2026-12-07T10:15:00.001Z"), FixedOffsetZone()) ==
        utc("2026-12-07T10:16:00Z"));
}

TEST_CASE("schedule: the system zone follows TZ") {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  setenv("TZ", "UTC+3", 1);  // POSIX: 3 hours west of UTC, no DST
  {
    const SystemTimeZone zone;
    JobSchedule daily;
    daily.cron = "@daily";
    const CronExpr cron = parse_cron(daily.cron);
    const auto after = utc("2026-12-07T10:15:00Z");
    CHECK(next_due(daily, &cron, after, after, zone) == utc("2026-12-08T03:00:00Z"));
    const auto at = floor<seconds>(after);
    CHECK(zone.to_sys(zone.to_local(at)) == at);
  }
  if (old) setenv("TZ", saved.c_str(), 1);
  else unsetenv("TZ");
  tzset();
}

TEST_CASE("schedule: catch_up sees a run missed since the last one began") {
  const FixedOffsetZone utc0;
  JobSchedule daily;
  daily.cron = "0 0 * * *";
  const CronExpr cron = parse_cron(daily.cron);
  const auto now = utc("2026-12-07T10:00:00Z");
  CHECK_FALSE(missed_run(daily, &cron, std::nullopt, now, utc0));  // never ran: nothing missed
  CHECK(missed_run(daily, &cron, utc("2026-12-06T00:00:01Z"), now, utc0));   // today's midnight passed
  CHECK_FALSE(missed_run(daily, &cron, utc("2026-12-07T00:00:00Z"), now, utc0));  // it ran at midnight
  JobSchedule every;
  every.every = 600;
  CHECK(missed_run(every, nullptr, utc("2026-12-07T09:49:59Z"), now, utc0));
  CHECK_FALSE(missed_run(every, nullptr, utc("2026-12-07T09:55:00Z"), now, utc0));
}

TEST_CASE("schedule: overlap names") {
  CHECK(parse_overlap("skip") == Overlap::skip);
  CHECK(parse_overlap("queue") == Overlap::queue);
  CHECK(parse_overlap("replace") == Overlap::replace);
  CHECK_FALSE(parse_overlap("Skip"));
  CHECK(std::string(overlap_name(Overlap::replace)) == "replace");
}
