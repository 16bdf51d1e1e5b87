#!/usr/bin/env python3
"""First request to a stopped on-demand service, through boss proxy, until its 200 —
against `boss start web` of the same service (its own start + ping), on busybox httpd.

    bench/on_demand.py [--boss build/boss] [--reps 10] [--image boss-test/busybox:latest]

Each repetition stops the service (its container stays, stopped), waits 1.2 s (the
proxy trusts what the engine said for a second), then times one curl-like GET that
waits (not a browser: no starting page). The same is done with `boss start web` instead
of the request. Both starts run the same ping (an exec of wget in the container). Prints
the median, min and max of each, and what the proxy adds. Standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

SERVICES = """local boss = require "boss"
boss.Service:extend {
  name = "web", image = "%s", http = { port = 8080 }, on_demand = true, stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "mkdir -p /www; echo hi > /www/index.html; exec httpd -f -p 8080 -h /www" },
  ping = function(self) return self:exec { "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/" } == 0 end,
}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boss", default=os.environ.get("BOSS", "build/boss"))
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--image", default="boss-test/busybox:latest")
    args = ap.parse_args()
    boss = os.path.abspath(args.boss)
    work = tempfile.mkdtemp(prefix="boss-bench-ondemand-")
    project = "bossbench-ondemand-%d" % os.getpid()
    with open(os.path.join(work, "services.lua"), "w") as f:
        f.write(SERVICES % args.image)
    base = [boss, "-f", os.path.join(work, "services.lua"), "-p", project]

    def run(*words):
        subprocess.run(base + list(words), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    proxy = subprocess.Popen(base + ["proxy", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    try:
        port = None
        for line in proxy.stdout:
            if "listening on http://127.0.0.1:" in line:
                port = int(line.rsplit(":", 1)[1])
                break
        # Drain the proxy's output so it never blocks on a full pipe.
        import threading
        threading.Thread(target=lambda: [None for _ in proxy.stdout], daemon=True).start()
        url = "http://127.0.0.1:%d/web/index.html" % port
        run("start", "web")  # the image and container exist: what is measured is a start of a stopped one
        through_proxy, direct = [], []
        for _ in range(args.reps):
            run("stop", "web")
            time.sleep(1.2)
            t0 = time.perf_counter()
            with urllib.request.urlopen(url, timeout=60) as r:
                assert r.status == 200 and r.read() == b"hi\n"
            through_proxy.append(time.perf_counter() - t0)
            run("stop", "web")
            t0 = time.perf_counter()
            run("start", "web")
            direct.append(time.perf_counter() - t0)
        def show(name, xs):
            print("%-34s median %6.1f ms  min %6.1f  max %6.1f  (n=%d)" %
                  (name, 1000 * statistics.median(xs), 1000 * min(xs), 1000 * max(xs), len(xs)))
        show("first request -> 200 (boss proxy)", through_proxy)
        show("boss start web (start + ping)", direct)
        print("added by the proxy (median): %.1f ms" % (1000 * (statistics.median(through_proxy) - statistics.median(direct))))
    finally:
        proxy.terminate()
        proxy.wait(timeout=20)
        subprocess.run(base + ["down"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
