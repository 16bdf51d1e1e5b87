#!/usr/bin/env python3
"""boss benchmark for the events work: `boss logs -f` against `docker logs -f`, and what the
live terminal display costs.

    bench/events.py logs  [--lines 1000000] [--reps 3]   lines/s and CPU per line
    bench/events.py tty   [--services 100] [--reps 3]   CPU of `start` with --progress tty vs plain
    bench/events.py all   both; --out FILE writes the results as JSON

logs: one busybox container writes N lines (as fast as its shell can) and then sleeps. Each
reader is started with -f on it and timed until it has passed the N-th line on; its CPU time
(user + system, from /proc/PID/stat) at that moment, divided by N, is its CPU per line.
Readers run one at a time, interleaved over the repetitions, each against the same container.

tty: `boss start` of wide-N on a pseudo-terminal (python's pty), with --progress tty and with
--progress plain, each from nothing (stop --remove before). The difference in boss's CPU time
is what the live display costs; it is reported against the start's wall time.

Standard library only. Needs a Docker engine, the busybox image (tests/images/make-images.sh)
and a built boss (--boss, default build/boss).
"""

import argparse
import json
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
IMAGE = "boss-test/busybox:latest"
PREFIX = "bbevents"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of a running process, from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command: state is field 3, utime 14, stime 15 (1-based, whole line).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def sh(*argv, check=True):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=check).stdout.strip()


def cleanup(project):
    ids = sh("docker", "ps", "-aq", "--filter", "label=boss.project=" + project).split()
    if ids:
        sh("docker", "rm", "-f", *ids, check=False)
    nets = sh("docker", "network", "ls", "-q", "--filter", "label=boss.project=" + project).split()
    if nets:
        sh("docker", "network", "rm", *nets, check=False)


def read_until(argv, lines, timeout=600):
    """Starts argv, counts its output lines until `lines`; returns (seconds, cpu seconds)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    t0 = time.perf_counter()
    seen, cpu = 0, None
    fd = proc.stdout.fileno()
    try:
        while seen < lines:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise RuntimeError("%s: no output for %d s after %d lines" % (argv[0], timeout, seen))
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise RuntimeError("%s ended after %d of %d lines" % (argv[0], seen, lines))
            seen += chunk.count(b"\n")
        elapsed = time.perf_counter() - t0
        cpu = cpu_seconds(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    return elapsed, cpu


def bench_logs(boss, lines, reps):
    project = PREFIX + "-logs"
    work = tempfile.mkdtemp(prefix=project)
    services = os.path.join(work, "services.lua")
    with open(services, "w") as f:
        f.write(
            'local boss = require "boss"\n'
            "boss.project %s\n"
            "boss.Service:extend { name = \"chatty\", image = %s, stop_signal = \"SIGKILL\",\n"
            "  cmd = { \"sh\", \"-c\", \"i=0; while [ $i -lt %d ]; do echo \\\"line $i of the chatty service, "
            "with some text to make it look like a real log line\\\"; i=$((i+1)); done; exec sleep 100000\" } }\n"
            % (json.dumps(project), json.dumps(IMAGE), lines)
        )
    cleanup(project)
    try:
        subprocess.run([boss, "-f", services, "start", "-q"], check=True, stdout=subprocess.DEVNULL)
        cid = sh("docker", "ps", "-q", "--no-trunc", "--filter", "label=boss.project=" + project)
        # Wait until the container has written every line.
        deadline = time.time() + 600
        while time.time() < deadline:
            if int(sh("sh", "-c", "docker logs %s 2>&1 | wc -l" % cid)) >= lines:
                break
            time.sleep(1)
        readers = {
            "boss": [boss, "-f", services, "logs", "-f", "--no-color"],
            "docker": ["docker", "logs", "-f", cid],
        }
        results = {name: {"seconds": [], "cpu": []} for name in readers}
        for rep in range(reps):
            order = list(readers) if rep % 2 == 0 else list(reversed(readers))
            for name in order:
                seconds, cpu = read_until(readers[name], lines)
                results[name]["seconds"].append(seconds)
                results[name]["cpu"].append(cpu)
        out = {"lines": lines, "reps": reps}
        for name, r in results.items():
            s = statistics.median(r["seconds"])
            c = statistics.median(r["cpu"])
            out[name] = {
                "lines_per_second": lines / s,
                "cpu_us_per_line": c / lines * 1e6,
                "seconds": r["seconds"],
                "cpu_seconds": r["cpu"],
            }
        out["boss_vs_docker_lines_per_second"] = out["boss"]["lines_per_second"] / out["docker"]["lines_per_second"]
        return out
    finally:
        cleanup(project)
        shutil.rmtree(work, ignore_errors=True)


def run_on_pty(argv, env):
    """Runs argv on a pseudo-terminal (80x24), draining its output; returns (wall, cpu) of it."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    t0 = time.perf_counter()
    while True:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    os.close(fd)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("%s exited %d" % (" ".join(argv), os.waitstatus_to_exitcode(status)))
    return wall, usage.ru_utime + usage.ru_stime


def bench_tty(boss, services_count, reps):
    project = PREFIX + "-tty"
    work = tempfile.mkdtemp(prefix=project)
    services = os.path.join(work, "services.lua")
    with open(services, "w") as f:
        f.write('local boss = require "boss"\nboss.project %s\n' % json.dumps(project))
        f.write("local Base = boss.Service:extend { image = %s, cmd = { \"sleep\", \"infinity\" }, "
                "stop_signal = \"SIGKILL\" }\n" % json.dumps(IMAGE))
        for i in range(services_count):
            f.write("Base:extend { name = \"s%d\" }\n" % (i + 1))
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    results = {"tty": [], "plain": []}
    try:
        for rep in range(reps):
            for mode in (["tty", "plain"] if rep % 2 == 0 else ["plain", "tty"]):
                subprocess.run([boss, "-f", services, "stop", "--remove", "-q"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                wall, cpu = run_on_pty([boss, "-f", services, "--progress", mode, "start"], env)
                results[mode].append({"wall": wall, "cpu": cpu})
    finally:
        subprocess.run([boss, "-f", services, "stop", "--remove", "-q"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        cleanup(project)
        shutil.rmtree(work, ignore_errors=True)
    out = {"services": services_count, "reps": reps}
    for mode, runs in results.items():
        out[mode] = {
            "wall_seconds": statistics.median(r["wall"] for r in runs),
            "cpu_seconds": statistics.median(r["cpu"] for r in runs),
            "runs": runs,
        }
    extra = out["tty"]["cpu_seconds"] - out["plain"]["cpu_seconds"]
    out["tty_extra_cpu_seconds"] = extra
    out["tty_extra_cpu_share_of_wall"] = extra / out["tty"]["wall_seconds"]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["logs", "tty", "all"])
    parser.add_argument("--boss", default=os.environ.get("BOSS", os.path.join(REPO, "build", "boss")))
    parser.add_argument("--lines", type=int, default=1000000)
    parser.add_argument("--services", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args()
    results = {"boss": args.boss, "machine": os.uname().nodename, "cpus": os.cpu_count()}
    if args.what in ("logs", "all"):
        r = results["logs"] = bench_logs(args.boss, args.lines, args.reps)
        print("logs -f of %d lines: boss %.0f lines/s, %.2f us CPU/line; docker %.0f lines/s, %.2f us CPU/line; "
              "boss/docker %.2f" % (r["lines"], r["boss"]["lines_per_second"], r["boss"]["cpu_us_per_line"],
                                   r["docker"]["lines_per_second"], r["docker"]["cpu_us_per_line"],
                                   r["boss_vs_docker_lines_per_second"]))
    if args.what in ("tty", "all"):
        r = results["tty"] = bench_tty(args.boss, args.services, args.reps)
        print("start of wide-%d on a terminal: tty %.2f s wall, %.3f s CPU; plain %.2f s wall, %.3f s CPU; "
              "the live display costs %.3f s CPU = %.2f %% of the wall time" % (
                  r["services"], r["tty"]["wall_seconds"], r["tty"]["cpu_seconds"], r["plain"]["wall_seconds"],
                  r["plain"]["cpu_seconds"], r["tty_extra_cpu_seconds"], 100 * r["tty_extra_cpu_share_of_wall"]))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
