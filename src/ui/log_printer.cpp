#include "ui/log_printer.h"

#include <chrono>

#include "ui/format.h"
#include "ui/json_escape.h"
#include "ui/json_fields.h"
#include "ui/terminal.h"

namespace boss {

std::string_view log_color(const std::string& label) {
  // No red or green: those mean failed and up elsewhere in boss.
  static constexpr std::string_view kPalette[] = {"\x1b[36m", "\x1b[33m", "\x1b[35m", "\x1b[34m",
                                                  "\x1b[96m", "\x1b[93m", "\x1b[95m", "\x1b[94m"};
  std::uint32_t hash = 2166136261u;  // FNV-1a: stable across runs and platforms
  for (unsigned char c : label) hash = (hash ^ c) * 16777619u;
  return kPalette[hash % std::size(kPalette)];
}

LogPrinter::LogPrinter(Options options) : m_options(std::move(options)) {
  for (const auto& label : m_options.labels) m_width = std::max(m_width, label.size());
  m_buffer.reserve(m_options.flush_bytes + 4096);
}

LogPrinter::~LogPrinter() { flush(); }

const std::string& LogPrinter::prefix(const std::string& service, int instance) {
  auto it = m_prefixes.find(service);
  const auto slot = static_cast<std::size_t>(instance < 0 ? 0 : instance);
  if (it != m_prefixes.end() && slot < it->second.size() && !it->second[slot].empty()) return it->second[slot];

  const std::string label = service_label(service, instance);
  if (m_options.format == Format::text && label.size() > m_width) {
    m_width = label.size();
    m_prefixes.clear();  // every cached prefix has the old width
    it = m_prefixes.end();
  }
  if (it == m_prefixes.end()) it = m_prefixes.emplace(service, std::vector<std::string>{}).first;
  auto& slots = it->second;
  if (slots.size() <= slot) slots.resize(slot + 1);
  std::string& text = slots[slot];
  if (m_options.format == Format::json) {
    text = "{\"v\":" + std::to_string(kJsonSchemaVersion) + ",\"type\":\"log\",\"service\":";
    append_json_string(text, service);
    if (instance != 0) text += ",\"instance\":" + std::to_string(instance);
    text += ",\"stream\":\"";
  } else {
    if (m_options.color) {
      text += log_color(label);
      text += label;
      text += ansi::reset;
    } else {
      text += label;
    }
    text += std::string(m_width - label.size(), ' ') + " | ";
  }
  return text;
}

void LogPrinter::line(const std::string& service, int instance, const LogLine& line) {
  std::lock_guard lock(m_mutex);
  m_buffer += prefix(service, instance);
  if (m_options.format == Format::json) {
    m_buffer += line.stream == LogLine::Stream::err ? "stderr\",\"time\":" : "stdout\",\"time\":";
    if (!line.timestamp.empty())
      append_json_string(m_buffer, line.timestamp);
    else
      append_json_string(m_buffer, rfc3339_utc(std::chrono::system_clock::now()));
    m_buffer += ",\"text\":";
    append_json_string(m_buffer, line.text);
    m_buffer += "}\n";
  } else {
    if (m_options.timestamps && !line.timestamp.empty()) (m_buffer += line.timestamp) += ' ';
    (m_buffer += line.text) += '\n';
  }
  if (m_buffer.size() >= m_options.flush_bytes) write_buffer();
}

void LogPrinter::write_buffer() {
  if (m_buffer.empty()) return;
  std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_options.out);
  m_buffer.clear();
}

void LogPrinter::flush() {
  std::lock_guard lock(m_mutex);
  write_buffer();
  std::fflush(m_options.out);
}

}  // namespace boss
