// boss.context: the project-wide key/value map that hooks fill and templates read.
//
// Values are strings, numbers or booleans only (anything else is rejected at the
// assignment, so a bad value never reaches the file). The store is shared by the Lua
// side (loop thread) and the service workers, so every method is thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace boss {

using ContextValue = std::variant<std::string, double, bool>;

// How a value reads when filled into a template: numbers without a trailing ".0" when
// they are whole, booleans as true/false.
std::string context_value_text(const ContextValue& value);

class ContextStore {
 public:
  ContextStore() = default;
  explicit ContextStore(std::filesystem::path file) : m_file(std::move(file)) {}

  // Reads the JSON file if it exists. Throws DefinitionError naming the file on a
  // malformed file (it is never overwritten silently).
  void load();
  // Writes the JSON file atomically (temporary file + rename) if anything changed since
  // the last load/save. Returns true if it wrote.
  bool save_if_dirty();
  // Removes the file (stop --remove).
  void remove_file();

  std::optional<ContextValue> get(const std::string& key) const;
  void set(const std::string& key, ContextValue value);
  void erase(const std::string& key);
  std::map<std::string, ContextValue> snapshot() const;
  // The filled-in text of every value, for templates.
  std::map<std::string, std::string> text_snapshot() const;
  const std::filesystem::path& file() const { return m_file; }

 private:
  std::filesystem::path m_file;
  mutable std::mutex m_mutex;
  std::map<std::string, ContextValue> m_values;
  bool m_dirty = false;
};

}  // namespace boss
