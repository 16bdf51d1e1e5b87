#include "core/context_store.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace boss {

std::string context_value_text(const ContextValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  const double d = std::get<double>(value);
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<long long>(d));
  }
  std::ostringstream out;
  out.precision(14);
  out << d;
  return out.str();
}

void ContextStore::load() {
  std::lock_guard lock(m_mutex);
  m_values.clear();
  m_dirty = false;
  std::ifstream in(m_file);
  if (!in) return;  // no file yet: an empty context
  nlohmann::json doc;
  try {
    in >> doc;
  } catch (const nlohmann::json::exception& e) {
    throw DefinitionError("context file '" + m_file.string() + "' is not valid JSON: " + e.what() +
                          " (fix or delete it)");
  }
  if (!doc.is_object())
    throw DefinitionError("context file '" + m_file.string() + "' must hold a JSON object (fix or delete it)");
  for (const auto& [key, value] : doc.items()) {
    if (value.is_string())
      m_values[key] = value.get<std::string>();
    else if (value.is_boolean())
      m_values[key] = value.get<bool>();
    else if (value.is_number())
      m_values[key] = value.get<double>();
    else
      throw DefinitionError("context file '" + m_file.string() + "': value of '" + key +
                            "' must be a string, number or boolean");
  }
}

bool ContextStore::save_if_dirty() {
  std::lock_guard lock(m_mutex);
  if (!m_dirty || m_file.empty()) return false;
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [key, value] : m_values) {
    // Whole numbers are written as integers, so a stored id reads back as "42", not "42.0".
    if (const auto* d = std::get_if<double>(&value); d && *d == std::floor(*d) && std::fabs(*d) < 1e15)
      doc[key] = static_cast<long long>(*d);
    else
      std::visit([&](const auto& v) { doc[key] = v; }, value);
  }
  // Write beside the target then rename: a crash leaves either the old or the new file.
  const auto tmp = m_file.parent_path() / (m_file.filename().string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << doc.dump(2) << '\n';
    out.flush();
    if (!out) throw FatalError("cannot write context file '" + tmp.string() + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, m_file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw FatalError("cannot write context file '" + m_file.string() + "': " + ec.message());
  }
  m_dirty = false;
  return true;
}

void ContextStore::remove_file() {
  std::lock_guard lock(m_mutex);
  std::error_code ec;
  std::filesystem::remove(m_file, ec);
  m_dirty = false;
}

std::optional<ContextValue> ContextStore::get(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_values.find(key);
  if (it == m_values.end()) return std::nullopt;
  return it->second;
}

void ContextStore::set(const std::string& key, ContextValue value) {
  std::lock_guard lock(m_mutex);
  auto it = m_values.find(key);
  if (it != m_values.end() && it->second == value) return;
  m_values[key] = std::move(value);
  m_dirty = true;
}

void ContextStore::erase(const std::string& key) {
  std::lock_guard lock(m_mutex);
  if (m_values.erase(key) > 0) m_dirty = true;
}

std::map<std::string, ContextValue> ContextStore::snapshot() const {
  std::lock_guard lock(m_mutex);
  return m_values;
}

std::map<std::string, std::string> ContextStore::text_snapshot() const {
  std::lock_guard lock(m_mutex);
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : m_values) out[key] = context_value_text(value);
  return out;
}

}  // namespace boss
