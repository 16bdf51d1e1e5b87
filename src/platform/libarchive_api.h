// The libarchive functions boss uses to write build contexts, loaded on first use (see
// shared_library.h): only `start`/`reload` of a service that builds its image need them.
#pragma once

#include <archive.h>
#include <archive_entry.h>

namespace boss {

struct LibArchive {
  decltype(&::archive_write_new) write_new;
  decltype(&::archive_write_set_format_pax_restricted) write_set_format_pax_restricted;
  decltype(&::archive_write_set_bytes_in_last_block) write_set_bytes_in_last_block;
  decltype(&::archive_write_open) write_open;
  decltype(&::archive_write_header) write_header;
  decltype(&::archive_write_data) write_data;
  decltype(&::archive_write_close) write_close;
  decltype(&::archive_write_free) write_free;
  decltype(&::archive_error_string) error_string;
  decltype(&::archive_entry_new) entry_new;
  decltype(&::archive_entry_free) entry_free;
  decltype(&::archive_entry_copy_stat) entry_copy_stat;
  decltype(&::archive_entry_set_pathname) entry_set_pathname;
  decltype(&::archive_entry_set_size) entry_set_size;
  decltype(&::archive_entry_set_symlink) entry_set_symlink;
  decltype(&::archive_entry_set_uid) entry_set_uid;
  decltype(&::archive_entry_set_gid) entry_set_gid;
  decltype(&::archive_entry_set_nlink) entry_set_nlink;
  decltype(&::archive_entry_filetype) entry_filetype;
  decltype(&::archive_entry_set_mode) entry_set_mode;
};

// Loads libarchive once, thread-safely. Throws FatalError if it cannot be loaded.
const LibArchive& libarchive();

}  // namespace boss
