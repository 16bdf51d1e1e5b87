#include "core/context_store.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/secrets.h"

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

void ContextStore::set_file(std::filesystem::path file) {
  std::lock_guard lock(m_mutex);
  m_file = std::move(file);
  m_values.clear();
  m_set_by.clear();
  m_secret.clear();
  m_dirty = false;
}

void ContextStore::set_redactor(SecretRedactor* redactor) {
  std::lock_guard lock(m_mutex);
  m_redactor = redactor;
  if (!m_redactor) return;
  for (const auto& [key, value] : m_values)
    if (m_secret.count(key) || m_declared.count(key)) m_redactor->add(context_value_text(value));
}

void ContextStore::declare_secret(const std::string& key) {
  std::lock_guard lock(m_mutex);
  m_declared.insert(key);
  if (const auto it = m_values.find(key); it != m_values.end() && m_redactor)
    m_redactor->add(context_value_text(it->second));
}

namespace {

ContextValue read_value(const nlohmann::json& value, const std::string& key, const std::filesystem::path& file) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>();
  throw DefinitionError("context file '" + file.string() + "': value of '" + key +
                        "' must be a string, number or boolean (fix or delete the file)");
}

}  // namespace

void ContextStore::load() {
  std::lock_guard lock(m_mutex);
  m_values.clear();
  m_set_by.clear();
  m_secret.clear();
  m_dirty = false;
  if (m_file.empty()) return;
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
  const bool structured = doc.contains("values") && doc["values"].is_object();
  for (const auto& [key, value] : (structured ? doc["values"] : doc).items())
    m_values[key] = read_value(value, key, m_file);
  // Kept even for keys whose value is gone (erased, or edited out of the file): the
  // service that set it is what a later "not set" message names.
  if (structured && doc.contains("set_by") && doc["set_by"].is_object())
    for (const auto& [key, service] : doc["set_by"].items())
      if (service.is_string()) m_set_by[key] = service.get<std::string>();
  if (structured && doc.contains("secret") && doc["secret"].is_array())
    for (const auto& key : doc["secret"])
      if (key.is_string() && m_values.count(key.get<std::string>())) m_secret.insert(key.get<std::string>());
  if (m_redactor)
    for (const auto& [key, value] : m_values)
      if (m_secret.count(key) || m_declared.count(key)) m_redactor->add(context_value_text(value));
}

bool ContextStore::save_if_dirty() {
  std::lock_guard lock(m_mutex);
  if (!m_dirty || m_file.empty()) return false;
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [key, value] : m_values) {
    // Whole numbers are written as integers, so a stored id reads back as "42", not "42.0".
    if (const auto* d = std::get_if<double>(&value); d && *d == std::floor(*d) && std::fabs(*d) < 1e15)
      values[key] = static_cast<long long>(*d);
    else
      // An init-capture: clang 14 (the fuzz build) cannot capture a structured binding.
      std::visit([&values, &name = key](const auto& v) { values[name] = v; }, value);
  }
  nlohmann::json doc = {{"version", 1}, {"values", values}, {"set_by", m_set_by}};
  if (!m_secret.empty()) doc["secret"] = m_secret;
  std::error_code ec;
  std::filesystem::create_directories(m_file.parent_path(), ec);
  // Write beside the target then rename: a crash leaves either the old or the new file.
  const auto tmp = m_file.parent_path() / (m_file.filename().string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    // Values may be secrets (and always may be private to the project): owner only.
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
    out << doc.dump(2) << '\n';
    out.flush();
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      throw FatalError("cannot write context file '" + m_file.string() + "'" +
                       (ec ? "" : " (is the disk full?)"));
    }
  }
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
  if (!m_file.empty()) std::filesystem::remove(m_file, ec);
  m_values.clear();
  m_set_by.clear();
  m_secret.clear();
  m_dirty = false;
}

std::optional<ContextValue> ContextStore::get(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_values.find(key);
  if (it == m_values.end()) return std::nullopt;
  return it->second;
}

void ContextStore::set(const std::string& key, ContextValue value, const std::string& producer, bool secret) {
  std::lock_guard lock(m_mutex);
  if (!producer.empty() && m_set_by[key] != producer) {
    m_set_by[key] = producer;
    m_dirty = true;
  }
  if ((secret || m_declared.count(key)) && m_redactor) m_redactor->add(context_value_text(value));
  if (secret != (m_secret.count(key) > 0)) {
    if (secret) m_secret.insert(key);
    else m_secret.erase(key);
    m_dirty = true;
  }
  auto it = m_values.find(key);
  if (it != m_values.end() && it->second == value) return;
  m_values[key] = std::move(value);
  m_dirty = true;
}

void ContextStore::erase(const std::string& key) {
  std::lock_guard lock(m_mutex);
  m_secret.erase(key);
  if (m_values.erase(key) > 0) m_dirty = true;
}

bool ContextStore::is_secret(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  return m_secret.count(key) > 0 || m_declared.count(key) > 0;
}

std::set<std::string> ContextStore::secret_keys() const {
  std::lock_guard lock(m_mutex);
  std::set<std::string> out = m_secret;
  out.insert(m_declared.begin(), m_declared.end());
  return out;
}

std::optional<std::string> ContextStore::set_by(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_set_by.find(key);
  if (it == m_set_by.end() || it->second.empty()) return std::nullopt;
  return it->second;
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
