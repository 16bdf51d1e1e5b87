#!/usr/bin/env python3
"""Where a no-op start goes: boss's start-up, the engine's calls, boss after them.

    bench/noop_split.py [--scenario wide-500] [--reps 10] [--boss build/boss] [--against OTHER] [--out FILE]

Starts the scenario (run.py's: wide-N, layers-LxW, chain-N) once (not measured), then runs `boss -v --progress json start` --reps times
with everything running and unchanged, and splits each run's wall time (from before the
spawn to the process's exit, as this harness sees them) by boss's `-v` trace of its engine
calls (each line's time is the call's return; less its whole ms, its sending):
- before: spawn -> the first call sent (process start, services.lua, loading libcurl);
- engine: first call sent -> last call returned (the observe calls: the list of N
  containers, the networks, the image; they overlap);
- after: last call returned -> exit (boss's own work on what the engine said: decide,
  the walk, N `kept` events, the summary).
Also the list of containers' own duration. --against: a second boss binary (an older
build), run after the first in each repetition on the same containers, reported the same. Prints medians; removes the project at the end.
Standard library only; reuses run.py's scenario files and API client.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ping_handoff  # noqa: E402  (boss's event stamps)
import run  # noqa: E402  (scenarios, files, the API client)


def main(argv=None):
    p = argparse.ArgumentParser(description="a no-op start of wide-N, split (see bench/README.md)")
    p.add_argument("--boss", default=run.default_boss())
    p.add_argument("--image", default=os.environ.get("BOSS_TEST_BUSYBOX_IMAGE", "boss-test/busybox:latest"))
    p.add_argument("--scenario", default="wide-500")
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--work", default=os.path.join(HERE, "results", "work"))
    p.add_argument("--against", help="a second boss binary, interleaved with --boss")
    p.add_argument("--out")
    args = p.parse_args(argv)
    docker = run.Docker()
    project = "%s-boss-noop-%s" % (run.PREFIX, args.scenario)
    directory = os.path.join(args.work, "noop-" + args.scenario)
    path = run.write_boss_file(directory, project, run.make_scenario(args.scenario), args.image)
    label = "%s=%s" % (run.BOSS_LABEL, project)

    def clean():
        for c in docker.containers(label):
            docker.call("DELETE", "/containers/%s?force=1&v=1" % c["Id"], ok=(200, 204, 404, 409))
        for n in docker.networks(label):
            docker.call("DELETE", "/networks/" + n["Id"], ok=(200, 204, 403, 404))

    binaries = [args.boss] + ([args.against] if args.against else [])
    results = {b: {"wall": [], "before": [], "engine": [], "after": [], "list_containers": []} for b in binaries}
    clean()
    try:
        run.run_cmd([args.boss, "-f", path, "start"], cwd=directory, timeout=1800)
        for rep, boss in [(r, b) for r in range(args.reps) for b in binaries]:
            parts = results[boss]
            time.sleep(0.5)
            t0 = time.time_ns()
            proc = subprocess.run([boss, "-f", path, "-v", "--progress", "json", "start"], cwd=directory,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            t1 = time.time_ns()
            if proc.returncode != 0:
                raise run.BenchError("no-op start failed:\n" + proc.stdout[-2000:] + proc.stderr[-2000:])
            calls = []
            for line in proc.stdout.splitlines():
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if e.get("type") == "trace" and e.get("text", "").startswith("engine: "):
                    ms = int(e["text"].rsplit("(", 1)[1].split()[0])
                    returned = ping_handoff.stamp_ns(e["time"])
                    calls.append((returned - ms * 10**6, returned, ms, e["text"]))
            if not calls:
                raise run.BenchError("no engine trace lines in a -v run")
            if any("create_container" in c[3] or "start_container" in c[3] for c in calls):
                raise run.BenchError("not a no-op start: it created or started containers")
            sent = min(c[0] for c in calls)
            returned = max(c[1] for c in calls)
            parts["wall"].append((t1 - t0) / 1e6)
            parts["before"].append((sent - t0) / 1e6)
            parts["engine"].append((returned - sent) / 1e6)
            parts["after"].append((t1 - returned) / 1e6)
            parts["list_containers"].append(float(max((c[2] for c in calls if "list_containers" in c[3]), default=0)))
            print("%s rep %2d/%d: wall %.1f ms = before %.1f + engine %.1f + after %.1f (list_containers %d ms; %d calls)"
                  % (boss, rep + 1, args.reps, parts["wall"][-1], parts["before"][-1], parts["engine"][-1],
                     parts["after"][-1], parts["list_containers"][-1], len(calls)), flush=True)
    finally:
        subprocess.run([args.boss, "-f", path, "stop", "--remove", "--timeout", "0"], cwd=directory,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        clean()
    out = {"loadavg_end": list(os.getloadavg())}
    for boss, parts in results.items():
        result = {k: statistics.median(v) for k, v in parts.items()}
        result["samples_ms"] = parts
        out[boss] = result
        print("%s: %s no-op start, median of %d: wall %.1f ms = before %.1f + engine %.1f + after %.1f;"
              " list_containers %.0f ms" % (boss, args.scenario, args.reps, result["wall"], result["before"],
                                            result["engine"], result["after"], result["list_containers"]))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(out, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
