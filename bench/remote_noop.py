#!/usr/bin/env python3
"""A remote engine: the no-op start over ssh versus over TCP with TLS.

    tests/engines/rig.sh up            (root; its first engine has an sshd beside it)
    bench/remote_noop.py               wide-10, 15 rounds
    bench/remote_noop.py --size 20 --reps 30 --boss build/boss

N independent busybox services are started once on the rig's first engine; then `boss
start` with nothing to do is timed against that same engine reached two ways, round by
round interleaved, three ways: `-H ssh://bossrig@10.231.0.11` as boss does it (the remote
engine's socket forwarded over one persisted ssh master), the same with
BOSS_SSH_DIAL_STDIO=1 (`ssh ... docker system dial-stdio` per connection, as the docker CLI
does), and `-H tcp://10.231.0.11:2376` with TLS client certificates. Reports the median wall time of each and their ratio (issue 10's target:
ssh <= 1.5x tcp), and, with --calls, how many engine calls the no-op makes (from -v).
Standard library only; see bench/README.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from engines import REPO, rig_env  # bench/engines.py: the rig's $RIG/env


def services_lua(size, image):
    lines = ['local boss = require "boss"']
    for i in range(size):
        lines.append('boss.Service:extend { name = "s%d", image = "%s", cmd = { "sleep", "100000" }, '
                     'stop_signal = "SIGKILL" }' % (i, image))
    return "\n".join(lines) + "\n"


def run(argv, env, check=True):
    t0 = time.monotonic()
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - t0
    if check and done.returncode != 0:
        sys.exit("bench: %s failed: %s" % (" ".join(argv), done.stderr.strip()))
    return elapsed, done


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--boss", default=os.path.join(REPO, "build", "boss"))
    parser.add_argument("--image", default="boss-test/busybox:latest")
    args = parser.parse_args()
    rig = rig_env()
    work = tempfile.mkdtemp(prefix="bbench-remote-")
    path = os.path.join(work, "services.lua")
    with open(path, "w") as f:
        f.write(services_lua(args.size, args.image))
    env = dict(os.environ)
    env["PATH"] = rig["RIG_BIN"] + ":" + env["PATH"]  # the ssh that knows the rig's host
    for key in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        env.pop(key, None)
    tcp_env = dict(env, DOCKER_TLS_VERIFY="1", DOCKER_CERT_PATH=rig["RIG_CERTS"])
    ways = {"ssh": (["-H", rig["RIG_SSH"]], env),
            "ssh-stdio": (["-H", rig["RIG_SSH"]], dict(env, BOSS_SSH_DIAL_STDIO="1")),
            "tcp": (["-H", rig["RIG_E1"]], tcp_env)}
    base = [args.boss, "-f", path, "-p", "bbench-remote", "--progress", "quiet"]

    run(base + ["-H", rig["RIG_E1_SOCK"], "start"], env)  # cold, once: both then find it all running
    try:
        times = {name: [] for name in ways}
        for way, (host, way_env) in ways.items():  # a warm-up each, not counted
            run(base + host + ["start"], way_env)
        for rep in range(args.reps):
            for way, (host, way_env) in ways.items():
                elapsed, _ = run(base + host + ["start"], way_env)
                times[way].append(elapsed)
            print("round %d " % (rep + 1) + " ".join("%s %.3f s" % (way, times[way][-1]) for way in ways),
                  file=sys.stderr)
        calls = {}
        for way, (host, way_env) in ways.items():
            _, done = run([args.boss, "-f", path, "-p", "bbench-remote", "--progress", "plain", "-v"] + host +
                          ["start"], way_env)
            calls[way] = sum(1 for line in (done.stdout + done.stderr).splitlines() if "engine: " in line)
    finally:
        run(base + ["-H", rig["RIG_E1_SOCK"], "down"], env, check=False)
    median = {way: statistics.median(times[way]) for way in ways}
    names = {"tcp": "tcp (TLS)", "ssh": "ssh (socket forwarded over the master)",
             "ssh-stdio": "ssh (dial-stdio per connection)"}
    print("| engine reached over | no-op start of wide-%d (median of %d) | engine calls | / tcp |" %
          (args.size, args.reps))
    print("| --- | ---: | ---: | ---: |")
    for way in ("tcp", "ssh", "ssh-stdio"):
        print("| %s | %.0f ms | %d | %.2fx |" % (names[way], median[way] * 1000, calls[way], median[way] / median["tcp"]))
    print("ssh / tcp = %.2fx" % (median["ssh"] / median["tcp"]))

if __name__ == "__main__":
    main()
