// The name column of line-oriented output: every service's label padded to the longest
// seen so far, so the text after it lines up. Not thread-safe (its owner locks).
#pragma once

#include <string>
#include <vector>

namespace boss {

class LabelColumn {
 public:
  // Widens the column for names known in advance (an operation's services).
  void reserve(const std::vector<std::string>& labels);
  // `label` padded to the column (the column widens for a longer one).
  std::string padded(const std::string& label);

 private:
  std::size_t m_width = 0;
};

}  // namespace boss
