#include "platform/shared_library.h"

#include <dlfcn.h>

#include "core/errors.h"

namespace boss {

SharedLibrary::SharedLibrary(std::initializer_list<const char*> sonames) {
  std::string tried;
  for (const char* soname : sonames) {
    // Never closed: the library lives as long as the process, like a linked one.
    m_handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (m_handle) {
      m_soname = soname;
      return;
    }
    const char* error = dlerror();
    tried += (tried.empty() ? "" : "; ") + std::string(error ? error : soname);
  }
  throw FatalError("cannot load a required library: " + tried);
}

void* SharedLibrary::symbol(const char* name) const {
  dlerror();
  void* address = dlsym(m_handle, name);
  if (!address) throw FatalError("library " + m_soname + " has no symbol " + name);
  return address;
}

}  // namespace boss
