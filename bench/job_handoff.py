#!/usr/bin/env python3
"""boss benchmark for jobs: the hand-off from a job's exit to its dependent's create.

    bench/job_handoff.py [--reps 25] [--boss build/boss] [--out FILE]

`first` is a job (`sleep 0.3; echo done`, exit 0); `after` depends on it. Each repetition
runs `boss -v --progress json start` from nothing and then reads the engine's own event
stream.

- hand-off: from first's `die` event (its exit, stamped by the engine, `timeNano`) to boss's
  create call for `after`: the moment the call was sent, from boss's `-v` trace of it (the
  trace line's time minus the call's duration, whole milliseconds). It includes what boss
  does at a job's end: the wait endpoint's answer, the run's record (an inspect, the run's
  output read and written to logs/first/), the journal entry cleared, the dependent's
  decision. Both clocks are this machine's.
- to the create event: from the same die event to after's `create` event, as the engine
  stamped it; it adds the engine's own create time, so it is an upper bound.

Containers are removed between repetitions (not measured). Prints each repetition, then
medians, min and max; --out writes them as JSON. Target: hand-off median <= 20 ms.
Standard library only (the event and trace readers are bench/health.py's). Needs a Docker
engine, the busybox image (tests/images/make-images.sh) and a built boss (--boss, default
$BOSS, else build/boss).
"""

import argparse
import os

import health

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PROJECT = "bbjobhandoff"

SERVICES = """local boss = require "boss"
boss.project "%(project)s"
boss.Job:extend {
  name = "first", image = "%(image)s", cmd = { "sh", "-c", "sleep 0.3; echo done" },
}
boss.Service:extend {
  name = "after", image = "%(image)s", stop_signal = "SIGKILL", cmd = { "sleep", "600" },
  dependencies = { "first" },
}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=25)
    parser.add_argument("--boss", default=os.environ.get("BOSS", os.path.join(REPO, "build", "boss")))
    parser.add_argument("--image", default=health.IMAGE)
    parser.add_argument("--out")
    args = parser.parse_args()
    health.PROJECT = PROJECT  # health's event reader and cleanup work on this project

    def measure(stdout, events):
        died = health.stamp(events, "die", "first")
        return (health.create_call_ns(stdout, "after") - died) / 1e6, (health.stamp(events, "create", "after") - died) / 1e6

    handoff, to_event = health.repeat(args.boss, SERVICES % {"project": PROJECT, "image": args.image}, args.reps,
                                      "exit", measure)
    health.report("job hand-off", "exit", ("exit_to_create_call_ms", "exit_to_create_event_ms"), handoff, to_event,
                  args.out)

if __name__ == "__main__":
    main()
