#include "core/byte_size.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace boss {

std::optional<std::int64_t> parse_byte_size(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  const std::string number = text.substr(0, i);
  if (number.empty() || number.front() == '.' || number.back() == '.' ||
      number.find('.') != number.rfind('.'))
    return std::nullopt;
  std::string unit;
  for (std::size_t j = i; j < text.size(); ++j) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[j])));
  int power = 0;
  if (!unit.empty() && unit != "b") {
    const char* units = "kmgt";
    const char* found = std::char_traits<char>::find(units, 4, unit[0]);
    if (!found) return std::nullopt;
    const std::string rest = unit.substr(1);
    if (!rest.empty() && rest != "b" && rest != "ib") return std::nullopt;
    power = static_cast<int>(found - units) + 1;
  }
  const double value = std::stod(number) * std::pow(1024.0, power);
  if (!(value >= 1) || value > std::ldexp(1.0, 62) || value != std::floor(value)) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

std::string byte_size_text(std::int64_t bytes) {
  static const char* const kUnits[] = {"t", "g", "m", "k"};
  for (int i = 0; i < 4; ++i) {
    const double unit = std::pow(1024.0, 4 - i);
    if (bytes >= unit) {
      const double value = bytes / unit;
      char out[32];
      if (value == std::floor(value)) std::snprintf(out, sizeof out, "%.0f%s", value, kUnits[i]);
      else std::snprintf(out, sizeof out, "%.3g%s", value, kUnits[i]);
      return out;
    }
  }
  return std::to_string(bytes) + "b";
}

}  // namespace boss
