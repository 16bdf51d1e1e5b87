// An in-memory FILE* for tests of code that writes to a stream (open_memstream).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace boss {

class MemFile {
 public:
  MemFile() : m_file(open_memstream(&m_data, &m_size)) {}
  ~MemFile() {
    std::fclose(m_file);
    std::free(m_data);
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  std::FILE* get() const { return m_file; }
  // Everything written so far.
  std::string text() {
    std::fflush(m_file);
    return std::string(m_data, m_size);
  }

 private:
  char* m_data = nullptr;
  std::size_t m_size = 0;
  std::FILE* m_file;
};

}  // namespace boss
