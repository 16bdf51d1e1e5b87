#include "ui/format.h"

#include <algorithm>
#include <cstdio>

namespace boss {

std::string format_seconds(double seconds) {
  if (seconds < 0) seconds = 0;
  char text[32];
  if (seconds < 9.95)
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  else
    std::snprintf(text, sizeof text, "%.0f s", seconds);
  return text;
}

std::string format_bytes(std::int64_t bytes) {
  static const char* const kUnits[] = {"kB", "MB", "GB", "TB"};
  if (bytes < 1000) return std::to_string(bytes < 0 ? 0 : bytes) + " B";
  double value = static_cast<double>(bytes) / 1000;
  std::size_t unit = 0;
  while (value >= 999.95 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string service_label(const std::string& service, int instance) {
  return instance > 0 ? service + "-" + std::to_string(instance) : service;
}

std::string pad_right(const std::string& text, std::size_t width, std::size_t min_gap) {
  const std::size_t gap = text.size() < width ? width - text.size() : 0;
  return text + std::string(gap < min_gap ? min_gap : gap, ' ');
}

std::string render_columns(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return "";
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += i + 1 == row.size() ? row[i] : row[i] + std::string(widths[i] - row[i].size() + 2, ' ');
    out += line + "\n";
  }
  return out;
}

}  // namespace boss
