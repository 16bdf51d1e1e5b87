// Loading a system library on first use instead of at program start.
//
// Why: libcurl and libarchive pull in about 40 shared objects (TLS, Kerberos, LDAP, ICU,
// ...). Resolving their symbols at start-up costs ~9 ms and ~8 MiB before main() runs,
// which every command paid, even `boss --version` or a definition error. Loaded on first
// use, only the commands that talk to the engine (or build an image) pay, once.
#pragma once

#include <initializer_list>
#include <string>

namespace boss {

class SharedLibrary {
 public:
  // Opens the first of `sonames` that loads. Throws FatalError naming them all if none does.
  explicit SharedLibrary(std::initializer_list<const char*> sonames);
  // Looks `name` up; throws FatalError naming the library and symbol if it is missing.
  void* symbol(const char* name) const;
  const std::string& soname() const { return m_soname; }

  template <typename F>
  void bind(F& function_pointer, const char* name) const {
    function_pointer = reinterpret_cast<F>(symbol(name));
  }

 private:
  void* m_handle = nullptr;
  std::string m_soname;
};

}  // namespace boss
