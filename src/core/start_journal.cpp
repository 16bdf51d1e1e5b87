#include "core/start_journal.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace boss {

void StartJournal::set_file(std::filesystem::path file) {
  std::lock_guard lock(m_mutex);
  m_file = std::move(file);
  m_pending.clear();
}

void StartJournal::load() {
  std::lock_guard lock(m_mutex);
  m_pending.clear();
  if (m_file.empty()) return;
  std::ifstream in(m_file);
  if (!in) return;
  try {
    const auto doc = nlohmann::json::parse(in);
    for (const auto& [service, entry] : doc.at("pending").items())
      m_pending[service] = {entry.at("container").get<std::string>(), entry.at("needs").get<std::string>()};
  } catch (const nlohmann::json::exception&) {
    m_pending.clear();  // a damaged journal only costs a re-ping or a recreate; never fatal
  }
}

std::optional<PendingStart> StartJournal::pending(const std::string& service) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_pending.find(service);
  if (it == m_pending.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, PendingStart> StartJournal::snapshot() const {
  std::lock_guard lock(m_mutex);
  return m_pending;
}

void StartJournal::mark(const std::string& service, PendingStart pending) {
  std::lock_guard lock(m_mutex);
  m_pending[service] = std::move(pending);
  save_locked();
}

void StartJournal::clear(const std::string& service) {
  std::lock_guard lock(m_mutex);
  if (m_pending.erase(service) > 0) save_locked();
}

void StartJournal::remove_file() {
  std::lock_guard lock(m_mutex);
  m_pending.clear();
  save_locked();
}

void StartJournal::save_locked() {
  if (m_file.empty()) return;
  std::error_code ec;
  if (m_pending.empty()) {
    std::filesystem::remove(m_file, ec);
    return;
  }
  nlohmann::json pending = nlohmann::json::object();
  for (const auto& [service, p] : m_pending) pending[service] = {{"container", p.container_id}, {"needs", p.needs}};
  std::filesystem::create_directories(m_file.parent_path(), ec);
  const auto tmp = m_file.parent_path() / (m_file.filename().string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << nlohmann::json{{"version", 1}, {"pending", pending}}.dump(2) << '\n';
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      return;  // best effort: losing the journal only loses a re-ping
    }
  }
  std::filesystem::rename(tmp, m_file, ec);
}

}  // namespace boss
