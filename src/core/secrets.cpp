#include "core/secrets.h"

#include <algorithm>

#include "core/config.h"

namespace boss {

std::string secret_digest(const std::string& key, const std::string& value) {
  // Keyed by the name so two keys holding the same secret do not show it.
  return "secret:" + fnv1a_hex("boss.secret\n" + key + "\n" + value);
}

void SecretRedactor::add(const std::string& secret) {
  if (secret.size() < kMinRedactedLength) return;
  std::lock_guard lock(m_mutex);
  if (std::find(m_secrets.begin(), m_secrets.end(), secret) != m_secrets.end()) return;
  const auto at = std::find_if(m_secrets.begin(), m_secrets.end(),
                               [&](const std::string& known) { return known.size() < secret.size(); });
  m_secrets.insert(at, secret);
  m_any = true;
}

bool SecretRedactor::empty() const { return !m_any; }

std::string SecretRedactor::redact(std::string_view text) const {
  std::string out(text);
  redact_in_place(out);
  return out;
}

void SecretRedactor::redact_in_place(std::string& text) const {
  if (!m_any || text.empty()) return;
  std::lock_guard lock(m_mutex);
  // Longest first: a secret that contains another is replaced whole.
  for (const auto& secret : m_secrets) {
    if (text.size() < secret.size()) continue;
    std::size_t at = text.find(secret);
    while (at != std::string::npos) {
      text.replace(at, secret.size(), kRedacted);
      at = text.find(secret, at + kRedacted.size());
    }
  }
}

}  // namespace boss
