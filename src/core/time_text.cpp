#include "core/time_text.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace boss {
namespace {

bool read_int(const std::string& text, std::size_t& pos, std::size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  pos += digits;
  return true;
}

bool expect(const std::string& text, std::size_t& pos, char c) {
  if (pos >= text.size() || (text[pos] != c && std::toupper(static_cast<unsigned char>(text[pos])) != c)) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  std::size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!read_int(text, pos, 4, year) || !expect(text, pos, '-') || !read_int(text, pos, 2, month) ||
      !expect(text, pos, '-') || !read_int(text, pos, 2, day) || !expect(text, pos, 'T') ||
      !read_int(text, pos, 2, hour) || !expect(text, pos, ':') || !read_int(text, pos, 2, minute) ||
      !expect(text, pos, ':') || !read_int(text, pos, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  long long nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  long offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!read_int(text, pos, 2, oh) || !expect(text, pos, ':') || !read_int(text, pos, 2, om)) return std::nullopt;
    offset_seconds = sign * (oh * 3600L + om * 60L);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t seconds = timegm(&tm) - offset_seconds;
  // A time_point counts nanoseconds in 64 bits (years 1678 to 2261): a year outside that
  // overflowed into undefined behaviour (found by fuzz/time_text: "6212-02-02T10:52:47Z").
  constexpr std::time_t limit =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max()).count() - 1;
  if (seconds >= limit || seconds <= -limit) return std::nullopt;
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::seconds(seconds) +
                                                                      std::chrono::nanoseconds(nanos)));
}

std::optional<double> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  // A plain number is seconds.
  {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end && *end == '\0' && std::isfinite(value)) return value >= 0 ? std::optional<double>(value) : std::nullopt;
  }
  double total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
    if (pos == start) return std::nullopt;
    char* end = nullptr;
    const std::string number = text.substr(start, pos - start);
    const double value = std::strtod(number.c_str(), &end);
    if (!end || *end != '\0') return std::nullopt;
    std::size_t unit_end = pos;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) ++unit_end;
    const std::string unit = text.substr(pos, unit_end - pos);
    pos = unit_end;
    if (unit == "ms")
      total += value / 1000;
    else if (unit == "s")
      total += value;
    else if (unit == "m")
      total += value * 60;
    else if (unit == "h")
      total += value * 3600;
    else if (unit == "d")
      total += value * 86400;
    else
      return std::nullopt;
  }
  // Hundreds of digits add up to infinity, which no caller can turn into a wait.
  if (!std::isfinite(total)) return std::nullopt;
  return total;
}

std::optional<std::string> since_to_unix(const std::string& text, std::chrono::system_clock::time_point now) {
  double unix_seconds;
  if (const auto moment = parse_rfc3339(text)) {
    // Exact to the nanosecond (a double is not, at today's UNIX times): `--since` with a
    // line's own stamp must include that line.
    const long long nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(moment->time_since_epoch()).count();
    if (nanos < 0) return std::string("0.000000000");
    char exact[48];
    std::snprintf(exact, sizeof exact, "%lld.%09lld", nanos / 1000000000, nanos % 1000000000);
    return std::string(exact);
  } else {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    const bool plain_number = !text.empty() && end && *end == '\0' && std::isfinite(value);
    // A plain number that is a plausible UNIX time (after 2001) is one; otherwise a
    // duration before now.
    if (plain_number && value >= 1e9) {
      unix_seconds = value;
    } else if (const auto ago = parse_duration(text)) {
      unix_seconds = std::chrono::duration<double>(now.time_since_epoch()).count() - *ago;
    } else {
      return std::nullopt;
    }
  }
  if (unix_seconds < 0) unix_seconds = 0;
  char buffer[48];
  const double whole = std::floor(unix_seconds);
  std::snprintf(buffer, sizeof buffer, "%.0f.%09.0f", whole, std::floor((unix_seconds - whole) * 1e9));
  return std::string(buffer);
}

}  // namespace boss
