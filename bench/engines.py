#!/usr/bin/env python3
"""Several engines in one project: wide-N cold start on two engines versus one.

    tests/engines/rig.sh up            (root; the rig's engines stand in for hosts)
    bench/engines.py                   wide-20, 5 rounds
    bench/engines.py --size 40 --reps 3 --boss build/boss

N independent busybox services (sleep, SIGKILL on stop) are started cold by `boss start`
on one rig engine (all on engine "two"), then split over two (half on "two", half on
"three", both reached over TCP with TLS), the two layouts interleaved round by round; each
round ends with `boss down`. Reports the median wall time of each layout and their ratio
(issue 10's target: two engines <= 0.6x one, the engines working in parallel).
Standard library only; see bench/README.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def rig_env():
    env = {}
    with open(os.environ.get("BOSS_RIG_DIR", "/run/boss-rig") + "/env") as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            env[key] = value
    return env


def services_lua(rig, size, split, image):
    certs = rig["RIG_CERTS"]
    tls = 'tls = { ca = "%s/ca.pem", cert = "%s/cert.pem", key = "%s/key.pem" }' % (certs, certs, certs)
    lines = ['local boss = require "boss"',
             'boss.engine "two" { host = "%s", %s }' % (rig["RIG_E2"], tls),
             'boss.engine "three" { host = "%s", %s }' % (rig["RIG_E3"], tls)]
    for i in range(size):
        engine = "three" if split and i % 2 else "two"
        lines.append('boss.Service:extend { name = "s%d", engine = "%s", image = "%s", cmd = { "sleep", "100000" }, '
                     'stop_signal = "SIGKILL" }' % (i, engine, image))
    return "\n".join(lines) + "\n"


def timed(argv):
    t0 = time.monotonic()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit("bench: %s failed: %s" % (" ".join(argv), done.stderr.strip()))
    return time.monotonic() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--boss", default=os.path.join(REPO, "build", "boss"))
    parser.add_argument("--image", default="boss-test/busybox:latest")
    args = parser.parse_args()
    rig = rig_env()
    work = tempfile.mkdtemp(prefix="bbench-engines-")
    layouts = {"one engine": False, "two engines": True}
    times = {name: [] for name in layouts}
    for rep in range(args.reps):
        for name, split in layouts.items():
            path = os.path.join(work, "split" if split else "one", "services.lua")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(services_lua(rig, args.size, split, args.image))
            boss = [args.boss, "-f", path, "-p", "bbench-engines", "--progress", "quiet"]
            times[name].append(timed(boss + ["start"]))
            timed(boss + ["down"])
            print("round %d %-12s %.2f s" % (rep + 1, name, times[name][-1]), file=sys.stderr)
    one = statistics.median(times["one engine"])
    two = statistics.median(times["two engines"])
    print("| layout | cold start of wide-%d (median of %d) |" % (args.size, args.reps))
    print("| --- | ---: |")
    print("| one engine | %.2f s |" % one)
    print("| two engines | %.2f s |" % two)
    print("two / one = %.2fx" % (two / one))


if __name__ == "__main__":
    main()
