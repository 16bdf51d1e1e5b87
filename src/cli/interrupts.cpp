#include "cli/interrupts.h"

#include <csignal>
#include <pthread.h>
#include <thread>
#include <unistd.h>

#include "platform/raw_terminal.h"

namespace boss {
namespace {

sigset_t interrupt_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_signals() {
  const sigset_t set = interrupt_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void watch_interrupts(Cancel& cancel, std::function<void()> on_first) {
  std::thread([&cancel, on_first = std::move(on_first)] {
    const sigset_t set = interrupt_set();
    int signal = 0;
    if (sigwait(&set, &signal) != 0) return;
    cancel.request();
    if (on_first) on_first();
    if (sigwait(&set, &signal) != 0) return;
    restore_raw_terminal();  // an interactive session's terminal, left as it was found
    _exit(130);
  }).detach();
}

}  // namespace boss
