#include "platform/libcurl_api.h"

#include "platform/shared_library.h"

namespace boss {

const LibCurl& libcurl() {
  // A function-local static: initialised once, thread-safely; a failure is retried (and
  // reported again) by the next caller.
  static const LibCurl api = [] {
    static const SharedLibrary library({"libcurl.so.4", "libcurl-gnutls.so.4"});
    LibCurl c{};
    library.bind(c.global_init, "curl_global_init");
    library.bind(c.easy_init, "curl_easy_init");
    library.bind(c.easy_setopt, "curl_easy_setopt");
    library.bind(c.easy_perform, "curl_easy_perform");
    library.bind(c.easy_getinfo, "curl_easy_getinfo");
    library.bind(c.easy_reset, "curl_easy_reset");
    library.bind(c.easy_cleanup, "curl_easy_cleanup");
    library.bind(c.easy_strerror, "curl_easy_strerror");
    library.bind(c.easy_send, "curl_easy_send");
    library.bind(c.easy_recv, "curl_easy_recv");
    library.bind(c.slist_append, "curl_slist_append");
    library.bind(c.slist_free_all, "curl_slist_free_all");
    library.bind(c.multi_init, "curl_multi_init");
    library.bind(c.multi_cleanup, "curl_multi_cleanup");
    library.bind(c.multi_add_handle, "curl_multi_add_handle");
    library.bind(c.multi_remove_handle, "curl_multi_remove_handle");
    library.bind(c.multi_perform, "curl_multi_perform");
    library.bind(c.multi_poll, "curl_multi_poll");  // libcurl >= 7.66
    library.bind(c.multi_info_read, "curl_multi_info_read");
    library.bind(c.multi_strerror, "curl_multi_strerror");
    // curl_global_init is not thread-safe on every build: done here, exactly once.
    c.global_init(CURL_GLOBAL_DEFAULT);
    return c;
  }();
  return api;
}

}  // namespace boss
