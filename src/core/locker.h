// One operation at a time per project: two concurrent starts of one project would race
// to create the same network and containers. The Runtime takes the lock per operation
// (not per process), so a long-running boss (proxy, serve) lets others in between.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/cancel.h"

namespace boss {

class ProjectLocker {
 public:
  class Held {
   public:
    virtual ~Held() = default;
  };
  virtual ~ProjectLocker() = default;
  // Blocks until the lock is held; calls `on_wait` once first if someone else holds it.
  // Throws Interrupted if `cancel` is requested while waiting. The lock is released when
  // the returned object goes.
  virtual std::unique_ptr<Held> lock(const std::string& project, const std::function<void()>& on_wait,
                                     const Cancel& cancel) = 0;
};

// For tests and single-process tools: nothing to lock against.
class NoLocker : public ProjectLocker {
 public:
  std::unique_ptr<Held> lock(const std::string&, const std::function<void()>&, const Cancel&) override {
    return std::make_unique<Held>();
  }
};

}  // namespace boss
