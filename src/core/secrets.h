// Values a user marked secret (a service's `secret_env`, `boss.secret(value)`, a context
// key set from one) and how boss keeps them out of everything it writes.
//
// Two rules, one per kind of output:
//  - structure: what boss derives from a definition (the boss.config label, the config
//    hash, plans, reasons) carries a secret's name and a digest of it, never its text
//    (DesiredConfig::to_json, secret_digest);
//  - free text: whatever else reaches a person or a file (events of every kind, -v
//    traces, hook output, container log tails, `boss logs`, error lines) passes through
//    a SecretRedactor, which replaces each known secret with "***".
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace boss {

// What a secret is replaced with in free text.
inline constexpr std::string_view kRedacted = "***";
// Secrets shorter than this are kept out of labels and plans, but not searched for in
// free text: masking every "1" or "ab" of a log would make it unreadable (the README says
// so). Shorter ones are still secret in every structured place.
inline constexpr std::size_t kMinRedactedLength = 4;

// "secret:<16 hex digits>": what the boss.config label holds instead of the value of
// secret env key `key`. Changes when the value does, so a changed secret still replaces
// the container ("env DB_PASSWORD changed"); it names neither key nor value.
std::string secret_digest(const std::string& key, const std::string& value);

// The secrets known so far, for replacing them in text. Secrets are added as they
// become known (services.lua read, a hook's boss.secret, the context loaded), from any
// thread; redact() is called from any thread too.
class SecretRedactor {
 public:
  void add(const std::string& secret);
  bool empty() const;
  // `text` with every known secret (of kMinRedactedLength or more) replaced by "***";
  // overlapping ones as one, the longest first.
  std::string redact(std::string_view text) const;
  void redact_in_place(std::string& text) const;

 private:
  mutable std::mutex m_mutex;
  std::vector<std::string> m_secrets;  // longest first, no duplicates
  std::atomic<bool> m_any{false};      // lock-free fast path for projects with none
};

}  // namespace boss
