#include "engine/log_lines.h"

#include <cstring>

namespace boss {

void LogLineAssembler::feed(LogLine::Stream stream, std::string_view bytes, bool message_start) {
  Pending& pending = m_pending[static_cast<int>(stream)];
  if (message_start) pending.in_timestamp = true;
  while (!bytes.empty()) {
    if (!pending.open) {
      pending.open = true;
      pending.order = m_opened++;
      pending.line.stream = stream;
    }
    if (pending.in_timestamp) {
      const std::size_t space = bytes.find(' ');
      if (!pending.has_timestamp) pending.line.timestamp.append(bytes.substr(0, space));
      if (space == std::string_view::npos) return;
      pending.in_timestamp = false;
      pending.has_timestamp = true;
      bytes.remove_prefix(space + 1);
      continue;
    }
    const auto* newline = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    if (!newline) {
      pending.line.text.append(bytes);
      return;
    }
    const std::size_t length = static_cast<std::size_t>(newline - bytes.data());
    pending.line.text.append(bytes.data(), length);
    deliver(pending);
    bytes.remove_prefix(length + 1);
  }
}

void LogLineAssembler::finish() {
  Pending& out = m_pending[static_cast<int>(LogLine::Stream::out)];
  Pending& err = m_pending[static_cast<int>(LogLine::Stream::err)];
  Pending* first = &out;
  Pending* second = &err;
  if (err.open && (!out.open || err.order < out.order)) std::swap(first, second);
  if (first->open) deliver(*first);
  if (second->open) deliver(*second);
}

void LogLineAssembler::deliver(Pending& pending) {
  std::string& text = pending.line.text;
  if (!text.empty() && text.back() == '\r') text.pop_back();
  m_on_line(pending.line);
  // clear() keeps the buffers' capacity for the next line.
  text.clear();
  pending.line.timestamp.clear();
  pending.in_timestamp = true;
  pending.has_timestamp = false;
  pending.open = false;
}

}  // namespace boss
