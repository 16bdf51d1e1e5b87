// The libcurl functions boss uses, loaded on first use (see shared_library.h). Call sites
// read `libcurl().easy_setopt(...)` where they would read `curl_easy_setopt(...)`.
#pragma once

#include <curl/curl.h>

namespace boss {

struct LibCurl {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  // A connection of its own (CURLOPT_CONNECT_ONLY): bytes through curl's TLS layer.
  decltype(&::curl_easy_send) easy_send;
  decltype(&::curl_easy_recv) easy_recv;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  // The multi interface drives a transfer in slices, so a caller can give up between two.
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_strerror) multi_strerror;
};

// Loads libcurl and runs curl_global_init, once, thread-safely. Throws FatalError if
// libcurl cannot be loaded.
const LibCurl& libcurl();

}  // namespace boss
