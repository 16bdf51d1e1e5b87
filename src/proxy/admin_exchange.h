// The handoff between an admin handler (admin.h), which runs on a thread of its own, and
// the connection that carries its answer, on the server's IO threads. Boost-free: the
// connection is woken through `wake` (it posts to its strand) and takes what is ready.
//
// Contract:
//   - The handler answers once: send() (a whole response) or begin() then write()s; a
//     second answer is ignored, and write() before begin() begins a 200 text/plain.
//   - write() blocks while more than `window` bytes wait to be taken (a slow client slows
//     the handler, never fills memory), and returns false once cancelled.
//   - cancel() (the client went away; or the parent Cancel, the proxy stopping) requests
//     cancelled() and unblocks write(); nothing written after it is kept.
//   - finish() says the handler returned; one that never answered gets a 500.
//   - After disconnect() `wake` is never called again (the connection is gone).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "proxy/admin.h"

namespace boss {

class AdminExchange : public AdminResponse {
 public:
  struct Head {
    int status = 200;
    std::string content_type;
    AdminHeaders headers;
    bool whole = false;  // send(): `body` is all of it
    std::string body;
  };
  struct Taken {
    std::optional<Head> head;  // once, first
    std::string bytes;         // of a streamed body, since the last take
    bool ended = false;        // the handler returned: nothing follows `bytes`
  };

  AdminExchange(const Cancel* parent, std::function<void()> wake, std::size_t window = 256 * 1024);

  // The handler's side.
  void send(int status, std::string content_type, std::string body, AdminHeaders headers = {}) override;
  void begin(int status, std::string content_type, AdminHeaders headers = {}) override;
  bool write(std::string_view bytes) override;
  const Cancel& cancelled() const override { return m_cancel; }
  // The handler returned (or threw: `error` says why, answered as a 500 if nothing was).
  void finish(const std::string& error = {});

  // The connection's side.
  Taken take();
  void cancel();
  void disconnect();

 private:
  void wake_locked(std::unique_lock<std::mutex>& lock);
  Cancel m_cancel;
  std::function<void()> m_wake;
  const std::size_t m_window;
  std::mutex m_mutex;
  std::condition_variable m_taken;
  bool m_answered = false;
  bool m_whole = false;  // send(): write() keeps nothing
  std::optional<Head> m_head;  // not taken yet
  std::string m_bytes;         // not taken yet
  bool m_ended = false;
  bool m_cancelled = false;
};

}  // namespace boss
