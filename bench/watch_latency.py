#!/usr/bin/env python3
"""boss benchmark for `boss watch` (issue 12): save -> new container ready, and sync.

    bench/watch_latency.py [--reps 10] [--boss build/boss] [--out FILE]

A project of two services from the local busybox image: `app` is built from a folder
(`COPY index.html`, busybox httpd, a ping that fetches the page, SIGKILL as its stop
signal) and `web` has a sync rule (`site` -> `/www`). `boss watch --progress json` runs in
the background; each repetition saves a new index.html, then a new site/page.txt.

- rebuild total: from the moment the file is written (this process's clock) to app's
  `up` event for its new container (boss's clock, the same machine's): the debounce, the
  build, stopping the old container, creating and starting the new one, its ping.
- build: from boss's own `rebuilding` line to the build's last progress line (the image
  tagged), the build time alone as boss sees it.
- overhead: total minus build (target <= 300 ms).
- sync: from the write to boss's `copied` line, which it emits once the engine's archive
  call has returned (the file is in the container) (target <= 100 ms).

--trace runs boss watch with -v and breaks each rebuild into phases from the engine
calls' trace lines (each names its call and its duration, stamped at its end): the
debounce (the write to boss's `rebuilding` line), the build, then each engine call
between the build's end and app's `up` (its milliseconds inside that span; what no call
covers is boss's own time), the calls made after `up` (off the path), and how many list
and inspect calls the path holds.

Prints each repetition, then medians, min and max; --out writes them as JSON. Standard
library only. Needs a Docker engine, the busybox image (tests/images/make-images.sh) and a
built boss (--boss, default $BOSS, else build/boss).
"""

import argparse
import datetime
import json
import os
import random
import re
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import time

BUSYBOX = os.environ.get("BOSS_TEST_BUSYBOX_IMAGE", "boss-test/busybox:latest")


def stamp(text):
    """An event's RFC 3339 time (microseconds, Z) as seconds since the epoch."""
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


class Log:
    """The JSON lines boss watch has written so far."""

    def __init__(self, path):
        self.path = path
        self.seen = 0

    def events(self):
        with open(self.path) as f:
            lines = f.read().splitlines()
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def wait_new(self, match, timeout=120):
        """The first event after the last one waited for that `match` accepts."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            events = self.events()
            for i in range(self.seen, len(events)):
                if match(events[i]):
                    self.seen = i + 1
                    return events[i], events
            time.sleep(0.01)
        sys.exit("timed out waiting in " + self.path)


TRACE = re.compile(r"^engine: (\w+)(?: (.*?))? -> (.*) \((\d+) ms\)$")


def calls_between(events, begin, end):
    """The engine calls of the trace lines in `events` that overlap [begin, end] (epoch
    seconds): (name, args, start, stop) each, in the order they ended."""
    out = []
    for e in events:
        if e.get("type") != "trace":
            continue
        m = TRACE.match(e.get("text", ""))
        if not m:
            continue
        stop = stamp(e["time"])
        start = stop - int(m.group(4)) / 1000
        if stop >= begin and start <= end:
            out.append((m.group(1), m.group(2) or "", start, stop))
    return out


def phases(events, saved, began, build_end, up):
    """The rebuild's time after the build, per engine call and boss's own; see --trace."""
    on_path = calls_between(events, build_end, up)
    by_call = {}
    covered = []
    for name, args, start, stop in on_path:
        if name in ("build_image", "watch_events"):  # the build itself; the event stream, open throughout
            continue
        clipped = (max(start, build_end), min(stop, up))
        by_call[name] = by_call.get(name, 0) + (clipped[1] - clipped[0]) * 1000
        covered.append(clipped)
    covered.sort()
    union = 0.0
    reach = build_end
    for a, b in covered:
        if b > reach:
            union += b - max(a, reach)
            reach = b
    after = [e for e in events if stamp(e["time"]) > up]
    later = [(n, round((b - a) * 1000)) for n, _, a, b in calls_between(after, up, float("inf"))]
    lookups = sum(1 for n, *_ in on_path if n.startswith("list_") or n.startswith("inspect_"))
    return {"debounce_ms": (began - saved) * 1000, "calls_ms": by_call, "boss_ms": ((up - build_end) - union) * 1000,
            "lookups": lookups, "order": [n for n, *_ in on_path if n not in ("build_image", "watch_events")],
            "after_up": later}


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--boss", default=os.environ.get("BOSS", "build/boss"))
    parser.add_argument("--out")
    parser.add_argument("--trace", action="store_true", help="boss -v: the phases after the build (see above)")
    args = parser.parse_args()
    boss = os.path.abspath(args.boss)
    project = "bossb-watch-" + "".join(random.choice(string.ascii_lowercase) for _ in range(6))
    folder = tempfile.mkdtemp(prefix=project + ".")
    os.makedirs(os.path.join(folder, "app"))
    os.makedirs(os.path.join(folder, "site"))
    write(os.path.join(folder, "app", "Dockerfile"),
          f'FROM {BUSYBOX}\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n')
    write(os.path.join(folder, "app", "index.html"), "0\n")
    write(os.path.join(folder, "site", "page.txt"), "0\n")
    write(os.path.join(folder, "services.lua"), f'''local boss = require "boss"
boss.Service:extend {{
  name = "app", image = "{project}/app:dev", build_from_directory = "app", stop_signal = "SIGKILL",
  ping_interval = 0.02,
  ping = function(self) return (self:exec {{ "wget", "-qO-", "http://127.0.0.1:8080/" }}) == 0 end,
}}
boss.Service:extend {{
  name = "web", image = "{BUSYBOX}", stop_signal = "SIGKILL", cmd = {{ "sleep", "100000" }},
  watch = {{ {{ path = "site", target = "/www" }} }},
}}
''')
    log_path = os.path.join(folder, "watch.log")
    out = open(log_path, "w")
    verbose = ["-v"] if args.trace else []
    watch = subprocess.Popen([boss] + verbose + ["-f", os.path.join(folder, "services.lua"), "-p", project, "--progress", "json",
                              "watch"], stdout=out, stderr=subprocess.STDOUT,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    log = Log(log_path)
    rows = []
    try:
        log.wait_new(lambda e: e.get("type") == "watch" and e["text"].startswith("watching"))
        for rep in range(1, args.reps + 1):
            time.sleep(0.3)
            saved = time.time()
            write(os.path.join(folder, "app", "index.html"), f"{rep}\n")
            began, _ = log.wait_new(lambda e: e.get("type") == "watch" and "rebuilding" in e["text"])
            up, events = log.wait_new(lambda e: e.get("type") == "service" and e.get("service") == "app"
                                      and e.get("state") in ("up", "failed"))
            if up["state"] != "up":
                sys.exit("app failed: " + up.get("reason", ""))
            built = [e for e in events if e.get("type") == "progress" and e.get("service") == "app"
                     and e.get("kind") == "build" and stamp(e["time"]) >= stamp(began["time"])]
            build = stamp(built[-1]["time"]) - stamp(began["time"])
            total = stamp(up["time"]) - saved
            time.sleep(0.3)
            saved = time.time()
            write(os.path.join(folder, "site", "page.txt"), f"{rep}\n")
            copied, _ = log.wait_new(lambda e: e.get("type") == "watch" and "copied" in e["text"])
            sync = stamp(copied["time"]) - saved
            row = {"total_ms": total * 1000, "build_ms": build * 1000, "overhead_ms": (total - build) * 1000,
                   "sync_ms": sync * 1000}
            rows.append(row)
            print(f"rep {rep:2}: total {row['total_ms']:7.1f} ms  build {row['build_ms']:7.1f} ms  "
                  f"overhead {row['overhead_ms']:6.1f} ms  sync {row['sync_ms']:5.1f} ms", flush=True)
            if args.trace:
                # The rebuild's saved time is the one written down before the index.html write.
                row["phases"] = phases(log.events(), stamp(up["time"]) - total, stamp(began["time"]),
                                       stamp(built[-1]["time"]), stamp(up["time"]))
                p = row["phases"]
                calls = "  ".join(f"{k} {v:.0f}" for k, v in p["calls_ms"].items())
                print(f"        debounce {p['debounce_ms']:.0f}  after the build: {calls}  boss {p['boss_ms']:.0f}  "
                      f"(lists+inspects {p['lookups']}; after up: "
                      + ", ".join(f"{n} {ms}" for n, ms in p["after_up"]) + ")", flush=True)
    finally:
        watch.send_signal(signal.SIGINT)
        watch.wait(timeout=30)
        subprocess.run([boss, "-f", os.path.join(folder, "services.lua"), "-p", project, "-q", "down"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["docker", "rmi", "-f", f"{project}/app:dev"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", folder])
    summary = {}
    for key in ("total_ms", "build_ms", "overhead_ms", "sync_ms"):
        values = [r[key] for r in rows]
        summary[key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
        print(f"{key:12} median {summary[key]['median']:7.1f}  min {summary[key]['min']:7.1f}  "
              f"max {summary[key]['max']:7.1f}")
    if args.trace and rows:
        names = sorted({k for r in rows for k in r["phases"]["calls_ms"]})
        print("after the build, median ms per rep: " + "  ".join(
            f"{k} {statistics.median(r['phases']['calls_ms'].get(k, 0) for r in rows):.0f}" for k in names)
            + f"  boss {statistics.median(r['phases']['boss_ms'] for r in rows):.0f}"
            + f"  debounce {statistics.median(r['phases']['debounce_ms'] for r in rows):.0f}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"reps": rows, "summary": summary}, f, indent=2)


if __name__ == "__main__":
    main()
