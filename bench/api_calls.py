#!/usr/bin/env python3
"""Engine API calls per service, from boss's own -v trace (one "engine: <call> ..." line
per call through TracingEngine).

    bench/api_calls.py [--sizes 20,100] [--boss build/boss] [--out FILE]

For wide-N of every size: cold start, no-op start, stop, stop --remove, each one
`boss -v` run; prints the calls of each operation by kind, in total and per service.
Not timed: counts only. Standard library only; reuses run.py's scenario files.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402  (bench/run.py: scenarios, files, the API client)

OPERATIONS = [("cold_start", ["start"]), ("noop_start", ["start"]), ("stop", ["stop"]),
              ("stop_remove", ["stop", "--remove"])]
TRACE = re.compile(r"engine: ([a-z_]+)")


def count_calls(boss, path, directory, args):
    proc = subprocess.run([boss, "-v", "--progress", "plain", "-f", path] + args, cwd=directory,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
    text = proc.stdout.decode(errors="replace")
    if proc.returncode != 0:
        raise run.BenchError("boss %s failed:\n%s" % (" ".join(args), text[-3000:]))
    return collections.Counter(m.group(1) for m in TRACE.finditer(text))


def main(argv=None):
    p = argparse.ArgumentParser(description="engine API calls per service (see bench/README.md)")
    p.add_argument("--boss", default=run.default_boss())
    p.add_argument("--image", default=os.environ.get("BOSS_TEST_BUSYBOX_IMAGE", "boss-test/busybox:latest"))
    p.add_argument("--sizes", default="20,100")
    p.add_argument("--work", default=os.path.join(HERE, "results", "work"))
    p.add_argument("--out", default=os.path.join(HERE, "results", "api_calls.json"))
    args = p.parse_args(argv)
    docker = run.Docker()
    results = {}
    for size in [int(x) for x in args.sizes.split(",")]:
        scn = run.make_scenario("wide-%d" % size)
        project = "%s-boss-calls-%d" % (run.PREFIX, size)
        directory = os.path.join(args.work, "calls-%d" % size)
        path = run.write_boss_file(directory, project, scn, args.image)
        label = "%s=%s" % (run.BOSS_LABEL, project)

        def clean():
            for c in docker.containers(label):
                docker.call("DELETE", "/containers/%s?force=1&v=1" % c["Id"], ok=(200, 204, 404, 409))
            for n in docker.networks(label):
                docker.call("DELETE", "/networks/" + n["Id"], ok=(200, 204, 404))

        clean()
        try:
            per_size = {}
            for name, op_args in OPERATIONS:
                if name == "stop_remove":
                    count_calls(args.boss, path, directory, ["start"])  # running again, not counted
                calls = count_calls(args.boss, path, directory, op_args)
                total = sum(calls.values())
                per_size[name] = {"total": total, "per_service": total / size, "by_call": dict(sorted(calls.items()))}
                print("wide-%-4d %-12s %6d calls, %5.2f per service: %s" % (
                    size, name, total, total / size, ", ".join("%s %d" % kv for kv in sorted(calls.items()))))
            results["wide-%d" % size] = per_size
        finally:
            clean()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
