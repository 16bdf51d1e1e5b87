#!/usr/bin/env python3
"""boss benchmark for readiness by push: the hand-off from "ready" to the dependent's turn.

    bench/ping_handoff.py [--reps 25] [--boss build/boss] [--only ping|healthy] [--out FILE]

Two projects, each `gate` and `after` (depends on gate); each repetition is a
`boss -v --progress json start` from nothing, then `stop --remove` (not measured).

- ping: gate's `ping` (every 50 ms) returns true on its fourth call, and just before it
  does it says `boss.log("ready")`: boss's own hook_output event, stamped by boss (µs) as
  the ping is about to return. The hand-off is measured from that stamp.
- healthy: gate has a health check (bench/health.py's project); the hand-off is measured
  from the engine's `health_status: healthy` event (`timeNano`).

To three ends, each the first after the ready moment:
- turn: after's first service event (its `creating`: "created ahead" when it was made
  while gate came up, else its create; boss's stamp, µs): when boss began its turn.
- call: when boss sent after's next engine call (create, or start when created ahead),
  from the `-v` trace line (its time minus the call's duration in whole ms: up to 1 ms
  late).
- event: after's `create` or `start` event as the engine stamped it; adds the engine's
  own time for that call (an upper bound).

Both clocks are this machine's. Prints each repetition, then median, p90, min and max;
--out writes them as JSON. Targets (issue 13): ping -> turn median <= 5 ms, healthy ->
turn median <= 10 ms. Standard library only (the event and trace readers are
bench/health.py's). Needs a Docker engine, the busybox image
(tests/images/make-images.sh) and a built boss (--boss, default $BOSS, else build/boss).
"""

import argparse
import datetime
import json
import os
import statistics
import sys

import health

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TARGETS_MS = {"ping": 5.0, "healthy": 10.0}

PING_SERVICES = """local boss = require "boss"
boss.project "%(project)s"
local pings = 0
boss.Service:extend {
  name = "gate", image = "%(image)s", stop_signal = "SIGKILL", cmd = { "sleep", "600" },
  ping_interval = 0.05,
  ping = function(self)
    pings = pings + 1
    if pings < 4 then return false end
    boss.log("ready")
    return true
  end,
}
boss.Service:extend {
  name = "after", image = "%(image)s", stop_signal = "SIGKILL", cmd = { "sleep", "600" },
  dependencies = { "gate" },
}
"""


def stamp_ns(text):
    when = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return (int(when.timestamp()) * 1000000 + when.microsecond) * 1000


def boss_events(stdout):
    for line in stdout.splitlines():
        try:
            yield json.loads(line)
        except ValueError:
            continue


def ping_ready_ns(stdout):
    """boss's stamp of gate's `boss.log("ready")`, said as its ping returns true."""
    for e in boss_events(stdout):
        if e.get("type") == "hook_output" and e.get("service") == "gate" and e.get("text", "").strip() == "ready":
            return stamp_ns(e["time"])
    raise RuntimeError("no 'ready' hook output of gate in boss's events")


def turn_ns(stdout, service, after_ns):
    """boss's stamp of `service`'s first creating/starting event at or after `after_ns`."""
    for e in boss_events(stdout):
        if (e.get("type") == "service" and e.get("service") == service
                and e.get("state") in ("creating", "starting") and stamp_ns(e["time"]) >= after_ns):
            return stamp_ns(e["time"])
    raise RuntimeError("no creating/starting event of %s after the hand-off began" % service)


def summary(values):
    values = sorted(values)
    p90 = statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]
    return {"median": statistics.median(values), "p90": p90, "min": values[0], "max": values[-1]}


def run_case(boss, name, services, project, reps, ready):
    health.PROJECT = project  # health's event reader and cleanup work on this project
    samples = {"turn": [], "call": [], "event": []}

    def measure(stdout, events):
        t0 = ready(stdout, events)
        samples["turn"].append((turn_ns(stdout, "after", t0) - t0) / 1e6)
        call, _ = health.dependent_call_ns(stdout, "after", t0)
        return (call - t0) / 1e6, (health.first_event_after(events, ("create", "start"), "after", t0) - t0) / 1e6

    samples["call"], samples["event"] = health.repeat(boss, services, reps, name, measure)
    result = {k: summary(v) for k, v in samples.items()}
    result["samples_ms"] = samples
    result["target_ms"] = TARGETS_MS[name]
    t = result["turn"]
    print("%s -> after's turn over %d runs: median %.2f ms, p90 %.2f (min %.2f, max %.2f); target <= %.0f ms: %s"
          % (name, reps, t["median"], t["p90"], t["min"], t["max"], TARGETS_MS[name],
             "met" if t["median"] <= TARGETS_MS[name] else "NOT met"))
    for key in ("call", "event"):
        s = result[key]
        print("%s -> after's %s: median %.1f ms, p90 %.1f (min %.1f, max %.1f)"
              % (name, key, s["median"], s["p90"], s["min"], s["max"]))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=25)
    parser.add_argument("--boss", default=os.environ.get("BOSS", os.path.join(REPO, "build", "boss")))
    parser.add_argument("--image", default=health.IMAGE)
    parser.add_argument("--only", choices=("ping", "healthy"))
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.reps < 1:
        sys.exit("--reps must be at least 1")
    results = {"loadavg_start": list(os.getloadavg())}
    if args.only in (None, "ping"):
        results["ping"] = run_case(args.boss, "ping", PING_SERVICES % {"project": "bbpinghandoff", "image": args.image},
                                   "bbpinghandoff", args.reps, lambda stdout, events: ping_ready_ns(stdout))
    if args.only in (None, "healthy"):
        results["healthy"] = run_case(
            args.boss, "healthy", health.SERVICES % {"project": "bbhealthhandoff", "image": args.image},
            "bbhealthhandoff", args.reps, lambda stdout, events: health.stamp(events, "health_status: healthy", "gate"))
    results["loadavg_end"] = list(os.getloadavg())
    print("load average at start %s, at end %s" % tuple(
        "/".join("%.1f" % x for x in results[k]) for k in ("loadavg_start", "loadavg_end")))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
