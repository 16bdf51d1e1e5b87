#include "compose/compose_context.h"

#include <algorithm>
#include <tuple>

namespace boss::compose {

std::vector<std::string> Context::take_warnings() {
  std::stable_sort(m_warnings.begin(), m_warnings.end(), [](const Warning& a, const Warning& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::vector<std::string> out;
  for (auto& warning : m_warnings) out.push_back(std::move(warning.text));
  m_warnings.clear();
  return out;
}

std::string Context::text(const yaml::Node& node, const std::string& what) const {
  const std::string raw = m_doc.scalar(node, what);
  InterpolationRules rules;
  rules.dollar_escape = true;
  rules.strict = true;
  try {
    return interpolate(raw, m_variables, rules);
  } catch (const InterpolationError& e) {
    fail(node, what + ": " + e.what());
  }
}

yaml::Node Context::interpolated(const yaml::Node& node, const std::string& what) const {
  yaml::Node copy = node;
  if (copy.is_scalar()) copy.text = text(node, what);
  return copy;
}

bool Context::boolean(const yaml::Node& node, const std::string& what) const {
  return m_doc.boolean(interpolated(node, what), what);
}

long long Context::integer(const yaml::Node& node, const std::string& what) const {
  return m_doc.integer(interpolated(node, what), what);
}

}  // namespace boss::compose
