// boss.context: the project-wide key/value map that hooks fill and templates read.
//
// Values are strings, numbers or booleans only (anything else is rejected at the
// assignment, so a bad value never reaches the file). The store also remembers which
// service's hook set each key, so a key that is missing later can be traced to the
// service that would set it. The file is per project (.boss/<project>/context.json):
//   {"version": 1, "values": {"user_id": 7}, "set_by": {"user_id": "db"}, "secret": ["db_password"]}
// A key set from a boss.secret value is secret: templates filled from it make secret env
// values (config.h), and its value is handed to the redactor (secrets.h) whenever it is
// set or loaded. The file itself holds the value (later starts fill templates from it):
// it is written readable by its owner only.
// A plain object of values (written by hand, or by boss before 0.2) is read too.
//
// The store is shared by the Lua side (loop thread) and the service workers, so every
// method is thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>

namespace boss {

class SecretRedactor;

using ContextValue = std::variant<std::string, double, bool>;

// How a value reads when filled into a template: numbers without a trailing ".0" when
// they are whole, booleans as true/false.
std::string context_value_text(const ContextValue& value);

class ContextStore {
 public:
  ContextStore() = default;  // in memory only until a file is set
  explicit ContextStore(std::filesystem::path file) : m_file(std::move(file)) {}

  // Which file load/save use; forgets what is in memory.
  void set_file(std::filesystem::path file);
  // Reads the JSON file if it exists. Throws DefinitionError naming the file on a
  // malformed file (it is never overwritten silently).
  void load();
  // Writes the JSON file atomically (temporary file + rename; its folder is made) if
  // anything changed since the last load/save. Returns true if it wrote. Throws
  // FatalError naming the file; the previous file is then left intact.
  bool save_if_dirty();
  // Removes the file (stop --remove) and forgets what is in memory.
  void remove_file();

  std::optional<ContextValue> get(const std::string& key) const;
  // `producer`: the service whose hook sets it ("" outside a service hook). `secret`:
  // the value came from boss.secret (the key stays secret until set without it).
  void set(const std::string& key, ContextValue value, const std::string& producer = "", bool secret = false);
  bool is_secret(const std::string& key) const;
  // `key`'s values are secret whoever sets them: services.lua fills it into a secret env
  // value. Lasts for the store's life (load and set_file keep it).
  void declare_secret(const std::string& key);
  // Keys whose values are secret.
  std::set<std::string> secret_keys() const;
  // Where secret values go as they become known (null: nowhere). Must outlive the store.
  void set_redactor(SecretRedactor* redactor);
  void erase(const std::string& key);
  // The service whose hook last set `key`, if known.
  std::optional<std::string> set_by(const std::string& key) const;
  std::map<std::string, ContextValue> snapshot() const;
  // The filled-in text of every value, for templates.
  std::map<std::string, std::string> text_snapshot() const;
  const std::filesystem::path& file() const { return m_file; }

 private:
  std::filesystem::path m_file;
  mutable std::mutex m_mutex;
  std::map<std::string, ContextValue> m_values;
  std::map<std::string, std::string> m_set_by;
  std::set<std::string> m_secret;    // set from a boss.secret value
  std::set<std::string> m_declared;  // declare_secret
  SecretRedactor* m_redactor = nullptr;
  bool m_dirty = false;
};

}  // namespace boss
