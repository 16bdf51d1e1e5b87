// What the live display needs from a terminal: its size, a few ANSI sequences, and lines
// cut to a number of columns without splitting a UTF-8 character.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace boss {

struct TerminalSize {
  int columns = 80;
  int rows = 24;
};
// The size of the terminal `stream` writes to (TIOCGWINSZ); 80x24 when it is not one or
// does not say.
TerminalSize terminal_size(std::FILE* stream);

namespace ansi {
inline constexpr std::string_view clear_line = "\x1b[2K";    // the whole line the cursor is on
inline constexpr std::string_view clear_below = "\x1b[J";    // from the cursor to the end of the screen
inline constexpr std::string_view reset = "\x1b[0m";
inline constexpr std::string_view dim = "\x1b[2m";
inline constexpr std::string_view red = "\x1b[31m";
inline constexpr std::string_view green = "\x1b[32m";
inline constexpr std::string_view yellow = "\x1b[33m";
inline constexpr std::string_view blue = "\x1b[34m";
inline constexpr std::string_view cyan = "\x1b[36m";
// "\r\x1b[<n>A": to the first column, n lines up.
std::string cursor_up(int lines);
}  // namespace ansi

// Builds one line of at most `columns` visible characters (a UTF-8 sequence counts as
// one), colouring pieces when colours are on. Text past the budget is dropped.
class ClippedLine {
 public:
  ClippedLine(std::string& out, int columns, bool color) : m_out(out), m_left(columns), m_color(color) {}
  // Appends `text`, within `sgr` ... reset when colours are on and `sgr` is not empty.
  void add(std::string_view text, std::string_view sgr = {});
  int columns_left() const { return m_left; }

 private:
  std::string& m_out;
  int m_left;
  bool m_color;
};

}  // namespace boss
