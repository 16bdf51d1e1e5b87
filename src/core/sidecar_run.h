// The sidecars of one job's run (sidecars.h), from their images to their removal: made
// and readied before the job's container starts, so the job reaches them by name from its
// first moment; stopped and removed when the job ends, however it ends (success, failure,
// timeout, Ctrl-C). Their progress goes out as ServiceEvents of the sidecar with
// `sidecar_of` naming the job.
#pragma once

#include <string>
#include <vector>

#include "core/engine_gate.h"
#include "core/image_provider.h"
#include "core/operation.h"

namespace boss {

class SidecarRun {
 public:
  // `job`: a job with sidecars, of op.project. `ping_timeout`: how long each sidecar may
  // take to be ready (from its start), as a service's.
  SidecarRun(Operation& op, const ServiceSpec& job, ImageProvider& images, EngineGate& gate, double ping_timeout);
  SidecarRun(const SidecarRun&) = delete;
  SidecarRun& operator=(const SidecarRun&) = delete;
  ~SidecarRun();  // remove()

  // Removes the job's sidecar containers an earlier boss left (killed before it could),
  // then for each sidecar in the job's order: its image, its container, its start, and
  // readiness as a service's (its healthcheck, its ping hook, else the settle time).
  // Throws ServiceFailure ("sidecar 'redis': container exited with code 1") or
  // Interrupted; what it made is removed by remove() all the same.
  void start();

  // The job's run is already going (its running container is waited for): its sidecars
  // are the earlier run's, left as they are; remove() removes them once it ends.
  void adopt() { m_begun = true; }

  // Stops (with the sidecar's stop_timeout) and removes every sidecar container of the
  // job, those start() made and any an earlier run left. Never throws: what cannot be
  // removed is a warning (`down` removes it later). Once per run; later calls do nothing.
  void remove() noexcept;

 private:
  struct Made {
    const ServiceSpec* spec;
    std::string id;
  };
  void start_one(const ServiceSpec& sidecar);

  Operation& m_op;
  const ServiceSpec& m_job;
  ImageProvider& m_images;
  EngineGate& m_gate;
  double m_ping_timeout;
  std::vector<Made> m_made;
  bool m_begun = false;
  bool m_removed = false;
};

}  // namespace boss
