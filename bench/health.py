#!/usr/bin/env python3
"""boss benchmark for health checks as readiness: the health-gated hand-off.

    bench/health.py [--reps 25] [--boss build/boss] [--out FILE]

`gate` has a health check (`test -f /tmp/ready`, every 50 ms, a 30 s start period) and
creates /tmp/ready half a second after it starts; `after` depends on it. Each repetition runs
`boss -v --progress json start` from nothing and then reads the engine's own event stream.

- hand-off: from gate's `health_status: healthy` event (stamped by the engine, `timeNano`)
  to boss's next call for `after`: its create, or its start when its container was created
  ahead (README: created ahead), the moment the call was sent, from boss's `-v` trace of it
  (the trace line's time minus the call's duration, whole milliseconds). Both clocks are
  this machine's.
- to the event: from the same healthy event to after's `create` or `start` event, as the
  engine stamped it; it adds the engine's own time for that call, so it is an upper bound.

`stop --remove` between repetitions (not measured). Prints each repetition, then medians,
min and max; --out writes them as JSON. Target: hand-off median <= 20 ms. Standard library only. Needs a Docker engine, the busybox image
(tests/images/make-images.sh) and a built boss (--boss, default $BOSS, else build/boss).
"""

import argparse
import datetime
import json
import re
import shutil
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
IMAGE = "boss-test/busybox:latest"
PROJECT = "bbhealth"
TARGET_MS = 20.0

SERVICES = """local boss = require "boss"
boss.project "%(project)s"
boss.Service:extend {
  name = "gate", image = "%(image)s", stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "sleep 0.5; touch /tmp/ready; sleep 600" },
  healthcheck = { test = "test -f /tmp/ready", interval = "50ms", timeout = 1, retries = 3, start_period = "30s" },
}
boss.Service:extend {
  name = "after", image = "%(image)s", stop_signal = "SIGKILL", cmd = { "sleep", "600" },
  dependencies = { "gate" },
}
"""


def sh(*argv, check=True):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=check).stdout.strip()


def cleanup(boss, path):
    subprocess.run([boss, "-f", path, "stop", "--remove", "--timeout", "0"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    ids = sh("docker", "ps", "-aq", "--filter", "label=boss.project=" + PROJECT).split()
    if ids:
        sh("docker", "rm", "-f", *ids, check=False)


def engine_events(since_ns, until_ns):
    """The project's container events between the two moments, as the engine stamped them."""
    out = sh("docker", "events", "--since", "%.9f" % (since_ns / 1e9), "--until", "%.9f" % (until_ns / 1e9),
             "--filter", "label=boss.project=" + PROJECT, "--filter", "type=container", "--format", "{{json .}}")
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def stamp(events, action, service):
    for e in events:
        if e.get("Action") == action and e.get("Actor", {}).get("Attributes", {}).get("boss.service") == service:
            return e["timeNano"]
    raise RuntimeError("no '%s' event of %s among %d events" % (action, service, len(events)))


def _trace_calls(json_lines):
    """(sent ns, text) of each engine call in boss's -v trace: the trace is emitted when the
    call returns, with the call's duration in whole milliseconds."""
    pattern = re.compile(r"^engine: (.*) \((\d+) ms\)$")
    for line in json_lines.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") != "trace":
            continue
        match = pattern.search(event.get("text", ""))
        if not match:
            continue
        when = datetime.datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        micros = int(when.timestamp()) * 1000000 + when.microsecond
        yield micros * 1000 - int(match.group(2)) * 1000000, match.group(1)


def dependent_call_ns(json_lines, service, after_ns):
    """When boss sent the first call that brings `service` up after `after_ns`: its create,
    or its start when its container was created ahead (before `after_ns`). Returns
    (ns, "create" or "start")."""
    create = re.compile(r"^create_container \S*-%s -> (\w+)$" % re.escape(service))
    container = None
    for sent, text in _trace_calls(json_lines):
        match = create.match(text)
        if match:
            container = match.group(1)
            if sent >= after_ns:
                return sent, "create"
        elif container and text.startswith("start_container %s " % container) and sent >= after_ns:
            return sent, "start"
    raise RuntimeError("no create_container or start_container trace of %s after the hand-off began" % service)


def first_event_after(events, actions, service, after_ns):
    """The engine's stamp of the first of `actions` of `service` at or after `after_ns`."""
    for e in events:
        if (e.get("Action") in actions and e["timeNano"] >= after_ns
                and e.get("Actor", {}).get("Attributes", {}).get("boss.service") == service):
            return e["timeNano"]
    raise RuntimeError("no %s event of %s after the hand-off began" % ("/".join(actions), service))


def summary(values):
    p90 = statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]
    return {"median": statistics.median(values), "p90": p90, "min": min(values), "max": max(values)}


def report(title, start, keys, calls, events, out):
    """Prints the medians of `calls` (to the create call) and `events` (to the create
    event), measured from `start` ("healthy", "exit"), against TARGET_MS; writes them to
    `out` (a path, or None) as JSON under `keys` (the two summaries' names)."""
    result = {"reps": len(calls), "target_ms": TARGET_MS, keys[0]: summary(calls), keys[1]: summary(events),
              "samples_ms": {"create_call": calls, "create_event": events}}
    h, e = result[keys[0]], result[keys[1]]
    print("%s over %d runs: %s -> create call median %.1f ms (p90 %.1f, min %.1f, max %.1f); "
          "-> create event median %.1f ms (p90 %.1f, min %.1f, max %.1f); target <= %.0f ms: %s"
          % (title, len(calls), start, h["median"], h["p90"], h["min"], h["max"], e["median"], e["p90"], e["min"],
             e["max"], TARGET_MS,
             "met" if h["median"] <= TARGET_MS else "NOT met"))
    if out:
        with open(out, "w") as f:
            json.dump(result, f, indent=2)


def repeat(boss, services, reps, start, measure):
    """Runs `boss -v --progress json start` of `services` (a services.lua text) `reps` times
    from nothing, removing the containers between (not measured); `measure(stdout, events)`
    gives each run's (to the create call, to the create event) in ms from `start`. Returns
    both lists."""
    work = tempfile.mkdtemp(prefix="bb%s." % PROJECT)
    path = os.path.join(work, "services.lua")
    with open(path, "w") as f:
        f.write(services)
    calls, events_ms = [], []
    try:
        cleanup(boss, path)
        for rep in range(reps):
            since = time.time_ns()
            run = subprocess.run([boss, "-f", path, "-v", "--progress", "json", "start", "--timeout", "60"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if run.returncode != 0:
                sys.exit("boss start failed:\n" + run.stdout + run.stderr)
            call, event = measure(run.stdout, engine_events(since, time.time_ns()))
            calls.append(call)
            events_ms.append(event)
            print("rep %2d/%d: %s -> create call %.1f ms, -> create event %.1f ms" % (rep + 1, reps, start, call, event),
                  flush=True)
            cleanup(boss, path)
    finally:
        cleanup(boss, path)
        shutil.rmtree(work, ignore_errors=True)
    return calls, events_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=25)
    parser.add_argument("--boss", default=os.environ.get("BOSS", os.path.join(REPO, "build", "boss")))
    parser.add_argument("--image", default=IMAGE)
    parser.add_argument("--out")
    args = parser.parse_args()

    def measure(stdout, events):
        healthy = stamp(events, "health_status: healthy", "gate")
        call, _ = dependent_call_ns(stdout, "after", healthy)
        return (call - healthy) / 1e6, (first_event_after(events, ("create", "start"), "after", healthy) - healthy) / 1e6

    handoff, to_event = repeat(args.boss, SERVICES % {"project": PROJECT, "image": args.image}, args.reps, "healthy",
                               measure)
    report("health-gated hand-off", "healthy", ("healthy_to_create_call_ms", "healthy_to_create_event_ms"), handoff,
           to_event, args.out)

if __name__ == "__main__":
    main()
