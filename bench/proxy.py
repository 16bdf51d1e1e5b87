#!/usr/bin/env python3
"""boss proxy vs nginx as a reverse proxy vs the container directly, with wrk.

One busybox httpd container (a boss project, `http = { port = 8080 }`) serves a small
file; wrk (Debian's) requests it for --duration seconds at --connections connections:

  direct   http://<container address>:8080/index.html
  nginx    http://127.0.0.1:<port>/web/index.html   (Debian's nginx, proxy_pass, HTTP/1.1)
  boss     http://127.0.0.1:<port>/web/index.html   (boss proxy)

Both proxies reach the container at its address on the project network. busybox httpd
closes its connection after every answer, so both proxies open one upstream connection
per request: the numbers compare proxies doing the same work, not a best case. Runs are
interleaved (--reps rounds of direct, nginx, boss). Prints a table and writes JSON
(--out). Standard library only; needs docker, wrk, nginx and tests/images' busybox image.
"""
import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

SERVICES = """local boss = require "boss"
boss.Service:extend {
  name = "web", image = "%s", http = { port = 8080 }, stop_signal = "SIGKILL",
  cmd = { "sh", "-c", "mkdir -p /www && head -c 1024 /dev/zero | tr '\\\\0' x > /www/index.html && exec httpd -f -p 8080 -h /www" },
}
"""

NGINX = """daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx-body;
  proxy_temp_path {work}/nginx-proxy;
  fastcgi_temp_path {work}/nginx-fastcgi;
  uwsgi_temp_path {work}/nginx-uwsgi;
  scgi_temp_path {work}/nginx-scgi;
  server {{
    listen 127.0.0.1:{port};
    location /web/ {{
      proxy_pass http://{address}:8080/;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Prefix /web;
    }}
  }}
}}
"""


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if subprocess.run(["curl", "-sf", "-o", "/dev/null", url]).returncode == 0:
            return
        time.sleep(0.1)
    sys.exit(f"bench/proxy.py: {url} does not answer")


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, connections, duration, threads):
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--boss", default=os.environ.get("BOSS", "build/boss"))
    parser.add_argument("--image", default="boss-test/busybox:latest")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", default="bench/results/proxy.json")
    args = parser.parse_args()
    for tool in ("docker", "wrk", "nginx", "curl"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            sys.exit(f"bench/proxy.py: needs {tool}")
    boss_bin = os.path.abspath(args.boss)
    project = "bbproxy-" + secrets.token_hex(4)
    work = tempfile.mkdtemp(prefix=project + ".")
    with open(os.path.join(work, "services.lua"), "w") as f:
        f.write(SERVICES % args.image)
    base = [boss_bin, "-f", os.path.join(work, "services.lua"), "-p", project, "--progress", "quiet"]
    procs = []
    try:
        subprocess.run(base + ["start"], check=True)
        address = subprocess.run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                                  f"{project}-web"], capture_output=True, text=True, check=True).stdout.strip()
        nginx_port = free_port()
        with open(os.path.join(work, "nginx.conf"), "w") as f:
            f.write(NGINX.format(work=work, port=nginx_port, address=address))
        procs.append(subprocess.Popen(["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work]))
        boss_out = open(os.path.join(work, "proxy.out"), "w+")
        procs.append(subprocess.Popen(base + ["proxy", "--listen", "127.0.0.1:0"], stdout=boss_out))
        deadline = time.time() + 20
        boss_port = None
        while boss_port is None and time.time() < deadline:
            boss_out.seek(0)
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", boss_out.read())
            boss_port = found and int(found.group(1))
            time.sleep(0.1)
        if not boss_port:
            sys.exit("bench/proxy.py: boss proxy does not listen")
        urls = {"direct": f"http://{address}:8080/index.html",
                "nginx": f"http://127.0.0.1:{nginx_port}/web/index.html",
                "boss": f"http://127.0.0.1:{boss_port}/web/index.html"}
        for url in urls.values():
            wait_http(url)
        runs = {name: [] for name in urls}
        for rep in range(args.reps):
            for name, url in urls.items():
                runs[name].append(wrk(url, args.connections, args.duration, args.threads))
        result = {"connections": args.connections, "duration_s": args.duration, "threads": args.threads,
                  "reps": args.reps, "nproc": os.cpu_count(), "runs": runs, "median": {}}
        print(f"{'target':8} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}   (median of {args.reps} x {args.duration} s, "
              f"{args.connections} connections, wrk -t{args.threads}, {os.cpu_count()} cores)")
        for name, rs in runs.items():
            median = {key: statistics.median(r[key] for r in rs) for key in ("rps", "p50_ms", "p99_ms")}
            median["non_2xx"] = sum(r["non_2xx"] for r in rs)
            result["median"][name] = median
            print(f"{name:8} {median['rps']:10.0f} {median['p50_ms']:8.2f} {median['p99_ms']:8.2f}"
                  + (f"   non-2xx: {median['non_2xx']}" if median["non_2xx"] else ""))
        m = result["median"]
        result["boss_vs_nginx_rps"] = m["boss"]["rps"] / m["nginx"]["rps"]
        result["boss_added_p99_ms"] = m["boss"]["p99_ms"] - m["direct"]["p99_ms"]
        result["nginx_added_p99_ms"] = m["nginx"]["p99_ms"] - m["direct"]["p99_ms"]
        print(f"boss / nginx requests/s: {result['boss_vs_nginx_rps']:.2f}; added p99: boss "
              f"{result['boss_added_p99_ms']:.2f} ms, nginx {result['nginx_added_p99_ms']:.2f} ms")
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        subprocess.run(base + ["down"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
