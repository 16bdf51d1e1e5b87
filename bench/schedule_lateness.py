#!/usr/bin/env python3
"""boss benchmark for schedules: how late `boss serve` begins a scheduled run.

    bench/schedule_lateness.py [--seconds 30] [--every 1s] [--boss build/boss] [--out FILE]

One job (`echo tick`, `every` = --every) under `boss -v --progress json serve` for
--seconds, then Ctrl-C. Two figures per run, both this machine's clock:
- late: the `late` of each `schedule` event of kind `run`: from the due moment to the
  moment boss began the run (its Runtime::start of the job), as boss measures it;
- to the start call: from the due moment to boss's `start_container` call of the job's
  container, from its -v trace (the trace line's time minus the call's duration, whole
  ms); it adds the run's own start (lock, observe, decision), so it is an upper bound.
The first run also creates the container; it is left out of the second figure.
Target: median late <= 50 ms. Standard library only. Needs a Docker engine, the busybox
image (tests/images/make-images.sh) and a built boss.
"""

import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import health  # its reader of boss's -v trace

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT = "bbench-schedule"
IMAGE = os.environ.get("BOSS_TEST_BUSYBOX_IMAGE", "boss-test/busybox:latest")
TARGET_MS = 50

SERVICES = """local boss = require "boss"
boss.Job:extend { name = "tick", image = "%(image)s", cmd = { "sh", "-c", "echo tick" }, every = "%(every)s" }
"""


def parse_time(text):
    when = datetime.datetime.strptime(text.rstrip("Z")[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc)
    return int(when.timestamp()) * 10**9 + when.microsecond * 1000


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--every", default="1s")
    parser.add_argument("--boss", default=os.environ.get("BOSS", os.path.join(REPO, "build", "boss")))
    parser.add_argument("--image", default=IMAGE)
    parser.add_argument("--out")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="bbschedule.")
    path = os.path.join(work, "services.lua")
    with open(path, "w") as f:
        f.write(SERVICES % {"image": args.image, "every": args.every})
    base = [args.boss, "-f", path, "-p", PROJECT]
    proc = subprocess.Popen(base + ["-v", "--progress", "json", "serve"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    time.sleep(args.seconds)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    subprocess.run(base + ["down"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["rm", "-rf", work])
    if proc.returncode != 0:
        sys.exit("boss serve exited %d" % proc.returncode)

    late, dues = [], []
    for line in out.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") == "schedule" and event.get("what") == "run":
            late.append(event["late"] * 1000)
            dues.append(parse_time(event["due"]))
    # Each start call's due moment: the latest one at or before it was sent; the first
    # run also creates its container, so it is left out.
    to_call = []
    for sent, text in health._trace_calls(out):
        if not text.startswith("start_container "):
            continue
        due = max((d for d in dues if d <= sent), default=None)
        if due is not None and due != dues[0]:
            to_call.append((sent - due) / 1e6)
    if not late:
        sys.exit("no run began in %.0f s" % args.seconds)
    result = {"every": args.every, "runs": len(late), "target_ms": TARGET_MS, "late_ms": summary(late)}
    if to_call:
        result["due_to_start_call_ms"] = summary(to_call)
    l = result["late_ms"]
    print("schedule lateness over %d runs (every %s): late median %.1f ms (min %.1f, max %.1f)%s; target <= %d ms: %s"
          % (len(late), args.every, l["median"], l["min"], l["max"],
             "; due -> start call median %.1f ms (max %.1f)" % (statistics.median(to_call), max(to_call))
             if to_call else "", TARGET_MS, "met" if l["median"] <= TARGET_MS else "NOT met"))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
