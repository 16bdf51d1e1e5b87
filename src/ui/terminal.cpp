#include "ui/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace boss {

TerminalSize terminal_size(std::FILE* stream) {
  TerminalSize size;
  winsize ws{};
  const int fd = stream ? fileno(stream) : -1;
  if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0) {
    if (ws.ws_col > 0) size.columns = ws.ws_col;
    if (ws.ws_row > 0) size.rows = ws.ws_row;
  }
  return size;
}

std::string ansi::cursor_up(int lines) { return "\r\x1b[" + std::to_string(lines) + "A"; }

void ClippedLine::add(std::string_view text, std::string_view sgr) {
  if (m_left <= 0 || text.empty()) return;
  // Take whole characters while columns remain: a byte that is not a UTF-8 continuation
  // (10xxxxxx) begins a character.
  std::size_t end = 0;
  while (end < text.size()) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80) {
      if (m_left == 0) break;
      --m_left;
    }
    ++end;
  }
  const bool colored = m_color && !sgr.empty();
  if (colored) m_out += sgr;
  m_out += text.substr(0, end);
  if (colored) m_out += ansi::reset;
}

}  // namespace boss
