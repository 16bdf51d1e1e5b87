// Small text helpers shared by every renderer and view: how boss writes a duration, a
// size, a service's name, and a padded column. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace boss {

// "0.4 s", "9.9 s", "12 s", "300 s": one decimal below ten seconds, whole seconds above.
std::string format_seconds(double seconds);
// "812 B", "12.3 kB", "45.6 MB", "1.2 GB" (decimal units, as docker prints pulls).
std::string format_bytes(std::int64_t bytes);
// What a user calls one container of a service: "web", or "web-2" for replica 2.
std::string service_label(const std::string& service, int instance);
// `text` followed by spaces up to `width` characters (at least `min_gap` spaces).
std::string pad_right(const std::string& text, std::size_t width, std::size_t min_gap = 0);
// `rows` as aligned columns, two spaces apart, one line each ("\n"-ended); the last
// column is not padded. Every row has the same number of cells.
std::string render_columns(const std::vector<std::vector<std::string>>& rows);

}  // namespace boss
