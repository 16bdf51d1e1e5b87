#include "ui/label_column.h"

#include "ui/format.h"

namespace boss {

void LabelColumn::reserve(const std::vector<std::string>& labels) {
  for (const auto& label : labels)
    if (label.size() > m_width) m_width = label.size();
}

std::string LabelColumn::padded(const std::string& label) {
  if (label.size() > m_width) m_width = label.size();
  return pad_right(label, m_width);
}

}  // namespace boss
