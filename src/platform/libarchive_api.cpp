#include "platform/libarchive_api.h"

#include "platform/shared_library.h"

namespace boss {

const LibArchive& libarchive() {
  static const LibArchive api = [] {
    static const SharedLibrary library({"libarchive.so.13"});
    LibArchive a{};
    library.bind(a.write_new, "archive_write_new");
    library.bind(a.write_set_format_pax_restricted, "archive_write_set_format_pax_restricted");
    library.bind(a.write_set_bytes_in_last_block, "archive_write_set_bytes_in_last_block");
    library.bind(a.write_open, "archive_write_open");
    library.bind(a.write_header, "archive_write_header");
    library.bind(a.write_data, "archive_write_data");
    library.bind(a.write_close, "archive_write_close");
    library.bind(a.write_free, "archive_write_free");
    library.bind(a.error_string, "archive_error_string");
    library.bind(a.entry_new, "archive_entry_new");
    library.bind(a.entry_free, "archive_entry_free");
    library.bind(a.entry_copy_stat, "archive_entry_copy_stat");
    library.bind(a.entry_set_pathname, "archive_entry_set_pathname");
    library.bind(a.entry_set_size, "archive_entry_set_size");
    library.bind(a.entry_set_symlink, "archive_entry_set_symlink");
    library.bind(a.entry_set_uid, "archive_entry_set_uid");
    library.bind(a.entry_set_gid, "archive_entry_set_gid");
    library.bind(a.entry_set_nlink, "archive_entry_set_nlink");
    library.bind(a.entry_filetype, "archive_entry_filetype");
    library.bind(a.entry_set_mode, "archive_entry_set_mode");
    return a;
  }();
  return api;
}

}  // namespace boss
