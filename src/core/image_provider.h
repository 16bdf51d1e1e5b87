// Images for an operation: each one is pulled or built at most once, however many
// services use it; a service whose image is still being fetched waits for it, and a
// failed fetch fails every service that needs the image with the same reason.
// Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/operation.h"
#include "core/service_progress.h"

namespace boss {

class ImageProvider {
 public:
  // `present`: image reference -> id as observed ("" = missing). `rebuild`: references
  // built anew even when present (start --build, reload).
  ImageProvider(Operation& op, const std::map<std::string, std::string>& present, std::set<std::string> rebuild);

  // The id of `spec`'s image, pulling or building it first when needed; `progress` gets
  // the pulling/building phase. Throws EngineError (the fetch failed) or Interrupted.
  std::string ensure(const ServiceSpec& spec, ServiceProgress& progress);
  // True if ensure() would have to fetch `spec`'s image.
  bool needs_fetch(const ServiceSpec& spec);
  // Ids of images that builds of this operation replaced (their tag moved to the new
  // build), so that they can be removed once nothing uses them.
  std::vector<std::string> replaced() const;

 private:
  struct Entry {
    std::mutex mutex;  // held while fetching: other users wait
    std::atomic<bool> fetching{false};
    std::string fetcher;  // the service it is being fetched for (set before `fetching`)
    std::string id;
    std::string error;
    bool interrupted = false;
    bool rebuild = false;
  };
  Entry& entry(const std::string& ref);
  void fetch(const ServiceSpec& spec, Entry& e, ServiceProgress& progress);

  Operation& m_op;
  mutable std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<Entry>> m_entries;
  std::vector<std::string> m_replaced;
};

// What building `spec`'s image asks of the engine: its build_from_directory, dockerfile
// and build_args, tagged as its image and labelled with the project.
BuildRequest build_request(const Project& project, const ServiceSpec& spec);

// Builds `spec`'s image from its build_from_directory, tagged as its image and labelled
// with the project, reporting each step. Throws EngineError naming the image, Interrupted.
void build_service_image(Operation& op, const ServiceSpec& spec, ServiceProgress& progress);

}  // namespace boss
