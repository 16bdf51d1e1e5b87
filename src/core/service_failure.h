// Why one service failed, thrown inside the executor and caught per service: the summary
// shows the reason, and the tail of the container's logs when there is a container.
#pragma once

#include <optional>
#include <string>

namespace boss {

struct ServiceFailure {
  std::string reason;
  std::string container_id;      // for the log tail; "" when there is none
  std::optional<int> exit_code;  // when its container exited
  int attempts = 0;              // a job's: how many times it ran
  std::string log_file = {};     // a job's: its last run's output (core/run_log.h)
};

}  // namespace boss
