#!/usr/bin/env python3
"""boss benchmark: boss vs docker-compose vs the engine's own floor, on one Docker engine.

    bench/run.py                       full default run (wide-20, layers-4x5, chain-10, 5 reps)
    bench/run.py --size 100 --reps 3   scale run: wide-100, layers-4x25, chain-50
    bench/run.py --smoke --out F       tiny sizes, one repetition, then checks F (the test suite)
    bench/run.py --check F             only checks that results file F is complete

Standard library only (python3 >= 3.9). See bench/README.md for what is measured and how.
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PREFIX = "bbench"  # every project this harness makes starts with it (see sweep())
API = "/v1.41"

TOOLS = ["boss", "compose", "floor"]
METRICS = ["cold_start", "noop_start", "stop", "down"]
METRIC_TITLES = {
    "cold_start": "cold start",
    "noop_start": "no-op start",
    "stop": "stop",
    "down": "stop+remove",
}
FLOOR_LABEL = "bench.project"  # the floor's containers and networks carry it
COMPOSE_LABEL = "com.docker.compose.project"
BOSS_LABEL = "boss.project"


class BenchError(Exception):
    pass


# --- Docker Engine API over the unix socket ------------------------------------------------


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class Docker:
    """A minimal client: one keep-alive connection per thread."""

    def __init__(self):
        host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        if not host.startswith("unix://"):
            raise BenchError("DOCKER_HOST must be a unix:// socket for the harness, got " + host)
        self.path = host[len("unix://"):]
        self._local = threading.local()

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _UnixConnection(self.path, timeout=300)
            self._local.conn = conn
        return conn

    def call(self, method, path, body=None, ok=(200, 201, 204, 304)):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        for attempt in (0, 1):
            conn = self._conn()
            try:
                conn.request(method, API + path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
        if resp.status not in ok:
            raise BenchError("%s %s -> %d %s" % (method, path, resp.status, raw[:300].decode(errors="replace")))
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode(errors="replace")

    @staticmethod
    def filters(**kw):
        return urllib.parse.quote(json.dumps({k: v for k, v in kw.items()}))

    def containers(self, label, all_=True):
        return self.call("GET", "/containers/json?all=%d&filters=%s" % (int(all_), self.filters(label=[label])))

    def networks(self, label):
        return self.call("GET", "/networks?filters=%s" % self.filters(label=[label]))

    def events(self, since_ns, until_ns, **filters):
        def stamp(ns):
            return "%d.%09d" % (ns // 10**9, ns % 10**9)

        path = "/events?since=%s&until=%s&filters=%s" % (stamp(since_ns), stamp(until_ns), self.filters(**filters))
        # A fresh connection: the engine closes the stream when `until` is reached.
        conn = _UnixConnection(self.path, timeout=60)
        try:
            conn.request("GET", API + path)
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise BenchError("GET /events -> %d %s" % (resp.status, raw[:300]))
        dec = json.JSONDecoder()
        text, pos, out = raw.decode(), 0, []
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                return out
            obj, pos = dec.raw_decode(text, pos)
            out.append(obj)


class EventRecorder:
    """The engine's events, heard live from a stream opened before the work begins: a
    `GET /events?since=` asked afterwards gets only the engine's last 256 events, too few
    at 500 containers (bench/README.md). Use as a context manager; `events` after it."""

    def __init__(self, docker, **filters):
        self._conn = _UnixConnection(docker.path, timeout=None)
        self._conn.request("GET", API + "/events?filters=" + docker.filters(**filters))
        self._resp = self._conn.getresponse()
        if self._resp.status != 200:
            raise BenchError("GET /events -> %d" % self._resp.status)
        self.events = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        try:
            for line in iter(self._resp.readline, b""):
                if line.strip():
                    self.events.append(json.loads(line))
        except (OSError, ValueError, http.client.HTTPException):
            pass  # the stream was closed by close()

    def close(self):
        time.sleep(0.2)  # the last events of the work are on their way
        try:
            self._conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._thread.join(timeout=10)
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --- Scenarios ------------------------------------------------------------------------------


class Scenario:
    """Services as a list of layers; every service depends on every service of the layer below."""

    def __init__(self, name, layers):
        self.name = name
        self.layers = layers  # [[service, ...], ...]
        self.deps = {}
        for i, layer in enumerate(layers):
            for s in layer:
                self.deps[s] = list(layers[i - 1]) if i else []

    @property
    def services(self):
        return [s for layer in self.layers for s in layer]

    def project(self, tool):
        return "%s-%s-%s" % (PREFIX, tool, self.name)


def make_scenario(spec):
    m = re.fullmatch(r"wide-(\d+)", spec)
    if m:
        n = int(m.group(1))
        return Scenario(spec, [["s%d" % i for i in range(1, n + 1)]])
    m = re.fullmatch(r"chain-(\d+)", spec)
    if m:
        n = int(m.group(1))
        return Scenario(spec, [["s%d" % i] for i in range(1, n + 1)])
    m = re.fullmatch(r"layers-(\d+)x(\d+)", spec)
    if m:
        nl, w = int(m.group(1)), int(m.group(2))
        return Scenario(spec, [["l%d-s%d" % (l, i) for i in range(1, w + 1)] for l in range(1, nl + 1)])
    raise BenchError("unknown scenario '%s' (wide-N, layers-LxW, chain-N)" % spec)


def scenarios_for_size(size):
    if size < 2:
        raise BenchError("--size must be at least 2")
    return ["wide-%d" % size, "layers-4x%d" % max(1, size // 4), "chain-%d" % max(1, size // 2)]


def lua_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_boss_file(directory, project, scn, image, extra=""):
    os.makedirs(directory, exist_ok=True)
    lines = [
        "-- generated by bench/run.py",
        'local boss = require "boss"',
        "boss.project %s" % lua_str(project),
        "local Base = boss.Service:extend {",
        "  image = %s," % lua_str(image),
        '  cmd = { "sleep", "infinity" },',
        '  stop_signal = "SIGKILL",',
        "}",
    ]
    for s in scn.services:
        deps = ", ".join(lua_str(d) for d in scn.deps[s])
        lines.append("Base:extend { name = %s, dependencies = { %s } }" % (lua_str(s), deps))
    path = os.path.join(directory, "services.lua")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n" + extra)
    return path


def write_compose_file(directory, scn, image):
    os.makedirs(directory, exist_ok=True)
    lines = ["# generated by bench/run.py", 'version: "2.4"', "services:"]
    for s in scn.services:
        lines += [
            "  %s:" % s,
            "    image: %s" % json.dumps(image),
            '    command: ["sleep", "infinity"]',
            "    stop_signal: SIGKILL",
            "    hostname: %s" % s,
        ]
        if scn.deps[s]:
            lines.append("    depends_on: [%s]" % ", ".join(scn.deps[s]))
    path = os.path.join(directory, "docker-compose.yml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


# --- The three ways to do the work ------------------------------------------------------------


def run_cmd(argv, cwd=None, timeout=900, env=None):
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, env=env)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise BenchError("%s exited %d:\n%s" % (" ".join(argv), proc.returncode, proc.stdout.decode(errors="replace")[-3000:]))
    return elapsed


class BossTool:
    name = "boss"

    def __init__(self, bench, scn):
        self.bench, self.scn = bench, scn
        self.project = scn.project("boss")
        self.dir = os.path.join(bench.work, scn.name, "boss")
        self.file = write_boss_file(self.dir, self.project, scn, bench.image)
        self.label = "%s=%s" % (BOSS_LABEL, self.project)

    def _boss(self, *args):
        return run_cmd([self.bench.boss, "-f", self.file] + list(args), cwd=self.dir)

    def cold_start(self):
        return self._boss("start")

    noop_start = cold_start
    restart = cold_start

    def stop(self):
        return self._boss("stop")

    def down(self):
        return self._boss("stop", "--remove")

    def cleanup(self):
        self.bench.remove_labelled(self.label)
        shutil.rmtree(os.path.join(self.dir, ".boss"), ignore_errors=True)


class ComposeTool:
    name = "compose"

    def __init__(self, bench, scn):
        self.bench, self.scn = bench, scn
        self.project = scn.project("compose")
        self.dir = os.path.join(bench.work, scn.name, "compose")
        self.file = write_compose_file(self.dir, scn, bench.image)
        self.label = "%s=%s" % (COMPOSE_LABEL, self.project)

    def _compose(self, *args):
        return run_cmd(self.bench.compose + ["--ansi", "never", "-p", self.project, "-f", self.file] + list(args), cwd=self.dir)

    def cold_start(self):
        return self._compose("up", "-d")

    noop_start = cold_start

    def restart(self):
        return self._compose("start")

    def stop(self):
        return self._compose("stop")

    def down(self):
        return self._compose("down")

    def cleanup(self):
        self.bench.remove_labelled(self.label)


class FloorTool:
    """The same containers straight through the API: no tool logic, maximum parallelism per layer."""

    name = "floor"

    def __init__(self, bench, scn):
        self.bench, self.scn = bench, scn
        self.project = scn.project("floor")
        self.label = "%s=%s" % (FLOOR_LABEL, self.project)
        self.network = self.project
        width = max(len(layer) for layer in scn.layers)
        self.pool = ThreadPoolExecutor(max_workers=width)
        self.docker = bench.docker

    def cname(self, s):
        return "%s-%s" % (self.project, s)

    def body(self, s):
        return {
            "Image": self.bench.image,
            "Cmd": ["sleep", "infinity"],
            "StopSignal": "SIGKILL",
            "Hostname": s,
            "Env": [],
            "Labels": {FLOOR_LABEL: self.project, "bench.service": s},
            "HostConfig": {"NetworkMode": self.network},
            "NetworkingConfig": {"EndpointsConfig": {self.network: {"Aliases": [s]}}},
        }

    def _per_layer(self, layers, fn):
        for layer in layers:
            for f in [self.pool.submit(fn, s) for s in layer]:
                f.result()

    def _create_start(self, s):
        self.docker.call("POST", "/containers/create?name=" + self.cname(s), self.body(s))
        self.docker.call("POST", "/containers/%s/start" % self.cname(s))

    def _start(self, s):
        self.docker.call("POST", "/containers/%s/start" % self.cname(s))

    def _stop(self, s):
        self.docker.call("POST", "/containers/%s/stop?t=10" % self.cname(s))

    def _stop_remove(self, s):
        self._stop(s)
        self.docker.call("DELETE", "/containers/%s?v=1" % self.cname(s))

    def cold_start(self):
        t0 = time.perf_counter()
        self.docker.call("POST", "/networks/create", {"Name": self.network, "Driver": "bridge", "CheckDuplicate": True,
                                                       "Labels": {FLOOR_LABEL: self.project}})
        self._per_layer(self.scn.layers, self._create_start)
        return time.perf_counter() - t0

    def noop_start(self):
        # The least a tool can do to learn that nothing is to be done: list the project's containers.
        t0 = time.perf_counter()
        listed = self.docker.containers(self.label)
        elapsed = time.perf_counter() - t0
        if sum(1 for c in listed if c["State"] == "running") != len(self.scn.services):
            raise BenchError("floor: not every container is running")
        return elapsed

    def restart(self):
        t0 = time.perf_counter()
        self._per_layer(self.scn.layers, self._start)
        return time.perf_counter() - t0

    def stop(self):
        t0 = time.perf_counter()
        self._per_layer(reversed(self.scn.layers), self._stop)
        return time.perf_counter() - t0

    def down(self):
        t0 = time.perf_counter()
        self._per_layer(reversed(self.scn.layers), self._stop_remove)
        self.docker.call("DELETE", "/networks/" + self.network, ok=(204, 404))
        return time.perf_counter() - t0

    def cleanup(self):
        self.bench.remove_labelled(self.label)


TOOL_CLASSES = {"boss": BossTool, "compose": ComposeTool, "floor": FloorTool}


# --- The harness ----------------------------------------------------------------------------


def summary(samples):
    return {
        "samples": samples,
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
    }


class Bench:
    def __init__(self, args):
        self.args = args
        self.boss = args.boss
        self.compose = args.compose.split()
        self.image = args.image
        self.work = os.path.abspath(args.work)
        self.docker = Docker()
        self.settle = args.settle

    def log(self, *parts):
        print(*parts, file=sys.stderr, flush=True)

    # Cleanup ----------------------------------------------------------------------------

    def remove_labelled(self, label):
        for c in self.docker.containers(label):
            self.docker.call("DELETE", "/containers/%s?force=1&v=1" % c["Id"], ok=(200, 204, 404, 409))
        for n in self.docker.networks(label):
            self.delete_network(n)

    def delete_network(self, network):
        # 403 "has active endpoints" with no container left: Docker 20.10 under load can keep
        # a removed container's endpoint in its network store, and only a restart of the
        # engine clears it. Said, not fatal: names are per run, so it is in nobody's way.
        reply = self.docker.call("DELETE", "/networks/" + network["Id"], ok=(200, 204, 403, 404))
        if isinstance(reply, dict) and "active endpoints" in reply.get("message", ""):
            self.log("  network %s is left: the engine holds a stale endpoint in it (%s)"
                     % (network.get("Name"), reply["message"]))

    def sweep(self):
        """Removes whatever an earlier, interrupted run of this harness left behind."""
        for key in (BOSS_LABEL, COMPOSE_LABEL, FLOOR_LABEL):
            for c in self.docker.containers(key):
                if c.get("Labels", {}).get(key, "").startswith(PREFIX + "-"):
                    self.docker.call("DELETE", "/containers/%s?force=1&v=1" % c["Id"], ok=(200, 204, 404, 409))
            for n in self.docker.networks(key):
                if (n.get("Labels") or {}).get(key, "").startswith(PREFIX + "-"):
                    self.delete_network(n)

    def expect(self, tool, running, total, networks=None):
        self.expect_label(tool.label, "%s/%s" % (tool.name, tool.scn.name), running, total, networks)

    def expect_label(self, label, what, running, total, networks=None):
        listed = self.docker.containers(label)
        got_running = sum(1 for c in listed if c["State"] == "running")
        if got_running != running or len(listed) != total:
            raise BenchError("%s: expected %d running of %d containers, found %d of %d"
                             % (what, running, total, got_running, len(listed)))
        if networks is not None and len(self.docker.networks(label)) != networks:
            left = self.docker.networks(label)
            if networks == 0 and all(self.stale(n) for n in left):
                return  # the engine's, not the tool's (delete_network); said by stale()
            raise BenchError("%s: expected %d networks" % (what, networks))

    def stale(self, network):
        """True when `network` has no container and the engine refuses to delete it for an
        endpoint it still holds (delete_network)."""
        detail = self.docker.call("GET", "/networks/" + network["Id"], ok=(200, 404))
        if not isinstance(detail, dict) or detail.get("Containers"):
            return False
        reply = self.docker.call("DELETE", "/networks/" + network["Id"], ok=(200, 204, 403, 404))
        if isinstance(reply, dict) and "active endpoints" in reply.get("message", ""):
            self.log("  network %s is left with no container: the engine holds a stale endpoint in it"
                     % network.get("Name"))
            return True
        return reply is None or "not found" in str(reply)  # deleted now, or gone already

    # Start/stop scenarios ----------------------------------------------------------------------

    def one_round(self, tool, record):
        n = len(tool.scn.services)
        tool.cleanup()
        self.expect(tool, 0, 0, networks=0)
        time.sleep(self.settle)
        with EventRecorder(self.docker, type=["container"], event=["create", "start"], label=[tool.label]) as rec:
            t0 = time.time_ns()
            record["cold_start"].append(tool.cold_start())
            t1 = time.time_ns()
        self.expect(tool, n, n)
        self.cold_start_phases(tool, t0, t1, rec.events, record)
        time.sleep(self.settle)
        record["noop_start"].append(tool.noop_start())
        self.expect(tool, n, n)
        time.sleep(self.settle)
        record["stop"].append(tool.stop())
        self.expect(tool, 0, n)
        time.sleep(self.settle)
        tool.restart()  # not measured: back to "everything running" for stop+remove
        self.expect(tool, n, n)
        time.sleep(self.settle)
        record["down"].append(tool.down())
        self.expect(tool, 0, 0, networks=0)

    def cold_start_phases(self, tool, t0, t1, events, record):
        """Splits a cold start with the engine's event stamps (heard live: EventRecorder):
        before the first container create (tool start-up, its requests, the network), first
        create -> last start (the engine doing the containers), last start -> exit. And the
        created-ahead split: how many containers were created before their dependencies had
        all started (made ahead, as boss does), and the part of the containers phase with
        no create left (last create -> last start: starts only)."""
        events = [e for e in events if t0 <= e["timeNano"] <= t1]
        creates = sorted(e["timeNano"] for e in events if e.get("Action") == "create")
        starts = sorted(e["timeNano"] for e in events if e.get("Action") == "start")
        if not creates or not starts:
            raise BenchError("%s/%s: no create/start events seen" % (tool.name, tool.scn.name))
        record.setdefault("phases", {"before_first_create": [], "containers": [], "after_last_start": [],
                                     "created_ahead": [], "starts_only": []})
        record["phases"]["before_first_create"].append((creates[0] - t0) / 1e6)
        record["phases"]["containers"].append((starts[-1] - creates[0]) / 1e6)
        record["phases"]["after_last_start"].append((t1 - starts[-1]) / 1e6)
        record["phases"]["created_ahead"].append(self.created_ahead(tool, events))
        record["phases"]["starts_only"].append((starts[-1] - creates[-1]) / 1e6)

    @staticmethod
    def created_ahead(tool, events):
        """How many of the scenario's containers were created before the last start of
        their dependencies (0 for services without any)."""
        key = {"boss": "boss.service", "compose": "com.docker.compose.service", "floor": "bench.service"}[tool.name]
        first = {}
        for e in events:
            service = e.get("Actor", {}).get("Attributes", {}).get(key)
            first.setdefault((service, e.get("Action")), e["timeNano"])
        ahead = 0
        for service, deps in tool.scn.deps.items():
            created = first.get((service, "create"))
            dep_starts = [first.get((d, "start")) for d in deps]
            if deps and created is not None and all(dep_starts) and created < max(dep_starts):
                ahead += 1
        return ahead

    def run_scenario(self, scn):
        tools = [TOOL_CLASSES[t](self, scn) for t in self.args.tools]
        records = {t.name: {m: [] for m in METRICS} for t in tools}
        try:
            for rep in range(self.args.reps):
                # Interleaved, and the order rotates so no tool always runs first.
                order = tools[rep % len(tools):] + tools[:rep % len(tools)]
                for tool in order:
                    self.log("  %s rep %d/%d: %s" % (scn.name, rep + 1, self.args.reps, tool.name))
                    self.one_round(tool, records[tool.name])
                    last = {m: "%.0f" % (records[tool.name][m][-1] * 1000) for m in METRICS}
                    self.log("    ms: " + ", ".join("%s %s" % (METRIC_TITLES[m], last[m]) for m in METRICS))
        finally:
            for t in tools:
                try:
                    t.cleanup()
                except BenchError as e:  # said, so it does not hide what ended the scenario
                    self.log("  cleanup of %s/%s: %s" % (t.name, scn.name, e))
                if isinstance(t, FloorTool):
                    t.pool.shutdown()
        out = {"services": len(scn.services), "layers": len(scn.layers),
               "dependents": sum(1 for d in scn.deps.values() if d), "metrics": {}, "ratios": {}}
        for m in METRICS:
            out["metrics"][m] = {t: summary(records[t][m]) for t in records}
            ratios = {}
            if "boss" in records:
                for other in ("compose", "floor"):
                    if other in records:
                        ratios["boss/" + other] = out["metrics"][m]["boss"]["median"] / out["metrics"][m][other]["median"]
            out["ratios"][m] = ratios
        out["cold_start_phases_ms"] = {t: {p: summary(v) for p, v in records[t]["phases"].items()} for t in records}
        return out

    # Readiness hand-off ----------------------------------------------------------------------

    def handoff(self):
        interval = self.args.ping_interval
        project = "%s-boss-handoff" % PREFIX
        directory = os.path.join(self.work, "handoff", "boss")
        marker = os.path.join(directory, "ready.marker")
        extra = "\n".join([
            "-- gate's ping turns true when the harness creates a host file at a moment it records",
            "local Gate = Base:extend { name = \"gate\", ping_interval = %r }" % interval,
            "function Gate:ping() return boss.run { \"test\", \"-f\", %s } == 0 end" % lua_str(marker),
            "Base:extend { name = \"after\", dependencies = { \"gate\" } }",
            "",
        ])
        # No generated services (an empty scenario): only Base, then gate and after from `extra`.
        path = write_boss_file(directory, project, Scenario("handoff", [[]]), self.image, extra)
        label = "%s=%s" % (BOSS_LABEL, project)
        gate_name = "%s-gate" % project
        delays, engine_create = [], []
        try:
            for rep in range(self.args.handoff_reps):
                self.remove_labelled(label)
                if os.path.exists(marker):
                    os.remove(marker)
                time.sleep(self.settle)
                since = time.time_ns()
                proc = subprocess.Popen([self.boss, "-f", path, "start"], cwd=directory,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                deadline = time.monotonic() + 60
                while True:  # wait until gate's container runs: boss is then polling its ping
                    state = self.docker.call("GET", "/containers/%s/json" % gate_name, ok=(200, 404))
                    if isinstance(state, dict) and state.get("State", {}).get("Running"):
                        break
                    if time.monotonic() > deadline or proc.poll() is not None:
                        proc.kill()
                        raise BenchError("handoff: gate never ran:\n" + proc.communicate()[0].decode(errors="replace"))
                    time.sleep(0.01)
                # A random phase against boss's polling, well inside its steady polling.
                time.sleep(0.5 + random.uniform(0, interval))
                with open(marker, "w"):
                    pass
                ready_ns = time.time_ns()
                out, _ = proc.communicate(timeout=120)
                if proc.returncode != 0:
                    raise BenchError("handoff: boss start failed:\n" + out.decode(errors="replace"))
                # after's first create or start after ready: its start when it was created ahead.
                events = self.docker.events(since, time.time_ns(), type=["container"], event=["create", "start"],
                                            label=[label])
                begun = [e for e in events if e.get("Actor", {}).get("Attributes", {}).get("boss.service") == "after"
                         and e["timeNano"] >= ready_ns]
                if not begun:
                    raise BenchError("handoff: no create or start event of 'after' after ready")
                action = begun[0]["Action"]
                delays.append((begun[0]["timeNano"] - ready_ns) / 1e6)
                engine_create.append(self.engine_create_latency(label, action))
                self.log("  handoff rep %d/%d: ready -> dependent %s %.1f ms (the engine's %s alone %.1f ms)"
                         % (rep + 1, self.args.handoff_reps, action, delays[-1], action, engine_create[-1]))
                run_cmd([self.boss, "-f", path, "stop", "--remove"], cwd=directory)
        finally:
            self.remove_labelled(label)
            self.remove_labelled("%s=%s-floor-handoff" % (FLOOR_LABEL, PREFIX))
        return {
            "ping_interval_ms": interval * 1000,
            "ready_to_dependent_create_ms": summary(delays),
            "engine_create_latency_ms": summary(engine_create),
        }

    def engine_create_latency(self, boss_label, action="create"):
        """The engine's share of the hand-off: a bare `action` ("create", or "start" of a
        container created before) request, issued at a known moment, until its event (the
        same kind of container on the same network)."""
        project = "%s-floor-handoff" % PREFIX
        network = self.docker.networks(boss_label)[0]["Name"]
        name = "%s-probe" % project
        self.docker.call("DELETE", "/containers/%s?force=1" % name, ok=(204, 404))
        body = {"Image": self.image, "Cmd": ["sleep", "infinity"], "StopSignal": "SIGKILL", "Hostname": "probe",
                "Labels": {FLOOR_LABEL: project}, "HostConfig": {"NetworkMode": network},
                "NetworkingConfig": {"EndpointsConfig": {network: {"Aliases": ["probe"]}}}}
        t0 = time.time_ns()
        self.docker.call("POST", "/containers/create?name=" + name, body)
        if action == "start":
            t0 = time.time_ns()
            self.docker.call("POST", "/containers/%s/start" % name, None, ok=(204,))
        events = self.docker.events(t0 - 10**9, time.time_ns(), type=["container"], event=[action],
                                    label=["%s=%s" % (FLOOR_LABEL, project)])
        self.docker.call("DELETE", "/containers/%s?force=1" % name, ok=(204, 404))
        stamps = [e["timeNano"] for e in events if e["timeNano"] >= t0]
        if not stamps:
            raise BenchError("probe create event not seen")
        return (stamps[0] - t0) / 1e6

    # boss alone --------------------------------------------------------------------------------

    def version(self):
        def timed(argv, n):
            out = []
            for _ in range(n):
                t0 = time.perf_counter()
                subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                out.append((time.perf_counter() - t0) * 1000)
            return out

        true = shutil.which("true") or "/bin/true"
        timed([self.boss, "--version"], 5)  # warm the page cache
        boss = timed([self.boss, "--version"], self.args.version_runs)
        base = timed([true], self.args.version_runs)
        return {"runs": self.args.version_runs, "boss_version_ms": summary(boss), "spawn_baseline_ms": summary(base),
                "baseline_command": true}

    def memory(self):
        size = self.args.memory_size
        scn = make_scenario("wide-%d" % size)
        project = "%s-boss-mem-%d" % (PREFIX, size)
        directory = os.path.join(self.work, "memory-%d" % size, "boss")
        path = write_boss_file(directory, project, scn, self.image)
        label = "%s=%s" % (BOSS_LABEL, project)
        gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
        self.remove_labelled(label)
        try:
            argv = [self.boss, "-f", path, "start"]
            if gnu_time:
                proc = subprocess.run([gnu_time, "-v"] + argv, cwd=directory, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, timeout=900)
                text = proc.stderr.decode(errors="replace")
                m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
                if proc.returncode != 0 or not m:
                    raise BenchError("boss start under /usr/bin/time failed:\n" + text[-3000:])
                kib, method = int(m.group(1)), "/usr/bin/time -v"
            else:  # the same number, from the kernel's rusage of the child
                p = subprocess.Popen(argv, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _, status, usage = os.wait4(p.pid, 0)
                p.returncode = os.waitstatus_to_exitcode(status)
                if p.returncode != 0:
                    raise BenchError("boss start failed")
                kib, method = usage.ru_maxrss, "wait4 rusage (no /usr/bin/time)"
            self.expect_label(label, "boss/wide-%d" % size, size, size)
            run_cmd([self.boss, "-f", path, "stop", "--remove"], cwd=directory)
        finally:
            self.remove_labelled(label)
        return {"services": size, "max_rss_kib": kib, "max_rss_mib": kib / 1024, "method": method}


# --- Machine, table, targets, checks -----------------------------------------------------------


def machine_info(docker):
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "kernel": platform.release(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "loadavg_start": list(os.getloadavg())}
    try:
        with open("/proc/meminfo") as f:
            info["mem_total_mib"] = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1)) // 1024
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            info["cpu"] = m.group(1).strip() if m else "?"
    except OSError:
        pass
    v = docker.call("GET", "/version")
    info["engine"] = "%s (API %s)" % (v.get("Version"), v.get("ApiVersion"))
    d = docker.call("GET", "/info")
    info["storage_driver"] = d.get("Driver")
    return info


def tool_version(argv):
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60).stdout.decode().strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def per_service_costs(res):
    """{metric: {N: boss's median ms / N}} over the wide-N scenarios run, when more than one
    size was (issue 13: flat within 20 % from 20 to 500 services; a cost per service that
    falls with N, a fixed cost shared out, counts as flat)."""
    sizes = {s["services"]: s for name, s in res["scenarios"].items()
             if name.startswith("wide-") and "boss" in s["metrics"]["cold_start"]}
    if len(sizes) < 2:
        return {}
    return {m: {n: s["metrics"][m]["boss"]["median"] * 1000 / n for n, s in sizes.items()} for m in METRICS}


def evaluate_targets(res):
    targets = []

    def add(name, value, limit, unit=""):
        if value is not None:
            targets.append({"target": name, "value": value, "limit": limit, "unit": unit, "met": value <= limit})

    for name, s in res["scenarios"].items():
        r = s["ratios"]
        if name.startswith("wide-") or name.startswith("layers-"):
            add("cold start %s: boss/floor" % name, r["cold_start"].get("boss/floor"), 1.10, "x")
            add("cold start %s: boss/compose" % name, r["cold_start"].get("boss/compose"), 0.8, "x")
        if name.startswith("wide-"):
            add("no-op start %s: boss/compose" % name, r["noop_start"].get("boss/compose"), 0.1, "x")
            add("stop %s: boss/compose" % name, r["stop"].get("boss/compose"), 1.0, "x")
    for metric, sizes in per_service_costs(res).items():
        if metric == "down":
            continue  # issue 13 names cold start, no-op start and stop
        base = sizes[min(sizes)]
        for n, v in sorted(sizes.items()):
            if n != min(sizes):
                # Growth only: a cost per service that falls with N is a fixed cost shared out.
                add("%s per service, wide-%d against wide-%d, growth" % (METRIC_TITLES[metric], n, min(sizes)),
                    v / base - 1, 0.2, "")
    h = res.get("handoff")
    if h:
        # Less the engine's own time for the call: created ahead, the dependent's next event is
        # its start's, which takes the engine 200-400 ms here (bench/ping_handoff.py measures
        # the hand-off itself, from boss's events).
        add("readiness hand-off median, less the engine's own latency for the call",
            h["ready_to_dependent_create_ms"]["median"] - h["engine_create_latency_ms"]["median"],
            h["ping_interval_ms"] + 10, "ms")
    v = res.get("version")
    if v:
        add("boss --version median", v["boss_version_ms"]["median"], 5.0, "ms")
    m = res.get("memory")
    if m:
        add("peak RSS, boss start of wide-%d" % m["services"], m["max_rss_mib"], 20.0, "MiB")
    return targets


def fmt_ms(seconds):
    return "%.0f" % (seconds * 1000) if seconds >= 0.0995 else "%.1f" % (seconds * 1000)


def render_table(res):
    lines = []
    m = res["machine"]
    lines.append("machine: %s cores (%s), %s MiB RAM, engine %s, %s; %s; boss %s; %s; %s"
                 % (m.get("nproc"), m.get("cpu", "?"), m.get("mem_total_mib", "?"), m.get("engine"),
                    m.get("storage_driver"), m.get("kernel"), res["config"]["boss_version"],
                    res["config"]["compose_version"], m.get("date")))
    if "loadavg_start" in m:
        lines.append("load average (1/5/15 min) at start %s, at end %s" % (
            "/".join("%.1f" % x for x in m["loadavg_start"]), "/".join("%.1f" % x for x in m.get("loadavg_end", []))))
    lines.append("times in ms: median [min-max] of %d repetitions" % res["config"]["reps"])
    lines.append("")
    tools = res["config"]["tools"]
    header = ["scenario", "operation"] + tools + [("boss/" + t) for t in ("compose", "floor") if t in tools and "boss" in tools]
    rows = [header]
    for name, s in res["scenarios"].items():
        for metric in METRICS:
            row = [name, METRIC_TITLES[metric]]
            for t in tools:
                x = s["metrics"][metric][t]
                row.append("%s [%s-%s]" % (fmt_ms(x["median"]), fmt_ms(x["min"]), fmt_ms(x["max"])))
            for key in header[2 + len(tools):]:
                row.append("%.2f" % s["ratios"][metric][key])
            rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for i, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(widths[j]) for j, c in enumerate(r)) + " |")
        if i == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines.append("")
    if any(s.get("cold_start_phases_ms") for s in res["scenarios"].values()):
        lines.append("cold start split by the engine's event stamps, ms (median): before the first container create"
                     " | first create -> last start | last start -> exit | containers created ahead (before their"
                     " dependencies had started), of those with dependencies | last create -> last start")
    for name, s in res["scenarios"].items():
        dependents = s.get("dependents", 0)
        for t, ph in s.get("cold_start_phases_ms", {}).items():
            ahead = ph.get("created_ahead", {}).get("median")
            lines.append("  %-12s %-8s %8.0f | %8.0f | %6.0f | ahead %s of %d | %8.0f" % (
                name, t, ph["before_first_create"]["median"], ph["containers"]["median"],
                ph["after_last_start"]["median"], "?" if ahead is None else "%.0f" % ahead, dependents,
                ph.get("starts_only", {}).get("median", 0)))
    if any(s.get("cold_start_phases_ms") for s in res["scenarios"].values()):
        lines.append("")
    per = per_service_costs(res)
    if per:
        lines.append("per-service cost of wide-N, ms per service (median / N), and against the smallest N:")
        for metric, sizes in per.items():
            base = sizes[min(sizes)]
            lines.append("  %-12s " % METRIC_TITLES[metric] + "  ".join(
                "N=%d: %.2f (%.2fx)" % (n, v, v / base) for n, v in sorted(sizes.items())))
        lines.append("")
    h = res.get("handoff")
    if h:
        d, e = h["ready_to_dependent_create_ms"], h["engine_create_latency_ms"]
        lines.append("readiness hand-off (ping_interval %.0f ms, %d reps): ready -> dependent created (or, created ahead, started) %.1f ms [%.1f-%.1f];"
                     " the engine's own latency for that call %.1f ms [%.1f-%.1f]"
                     % (h["ping_interval_ms"], len(d["samples"]), d["median"], d["min"], d["max"], e["median"], e["min"], e["max"]))
    v = res.get("version")
    if v:
        b, t = v["boss_version_ms"], v["spawn_baseline_ms"]
        lines.append("boss --version: %.2f ms median [%.2f-%.2f] over %d runs (spawning `true` the same way: %.2f ms)"
                     % (b["median"], b["min"], b["max"], v["runs"], t["median"]))
    mem = res.get("memory")
    if mem:
        lines.append("peak RSS of `boss start` of wide-%d: %d KiB = %.1f MiB (%s)"
                     % (mem["services"], mem["max_rss_kib"], mem["max_rss_mib"], mem["method"]))
    lines.append("")
    lines.append("targets:")
    for t in res["targets"]:
        lines.append("  [%s] %s: %.3g%s (limit %.3g%s)" % ("met " if t["met"] else "MISS", t["target"], t["value"],
                                                          t["unit"], t["limit"], t["unit"]))
    return "\n".join(lines)


def check_results(path, scenarios=None, tools=None):
    """Every scenario, tool and metric is present with numbers > 0 (timings are not judged)."""
    with open(path) as f:
        res = json.load(f)
    problems = []

    def positive(where, x):
        if not isinstance(x, (int, float)) or isinstance(x, bool) or not x > 0:
            problems.append("%s: %r is not a number > 0" % (where, x))

    def positive_summary(where, s):
        if not isinstance(s, dict) or not s.get("samples"):
            problems.append("%s: no samples" % where)
            return
        for key in ("median", "min", "max"):
            positive("%s.%s" % (where, key), s.get(key))
        for i, x in enumerate(s["samples"]):
            positive("%s.samples[%d]" % (where, i), x)

    tools = tools or res.get("config", {}).get("tools") or TOOLS
    scenarios = scenarios or res.get("config", {}).get("scenarios") or []
    if not scenarios:
        problems.append("no scenarios")
    for name in scenarios:
        s = res.get("scenarios", {}).get(name)
        if s is None:
            problems.append("scenario %s missing" % name)
            continue
        phases = s.get("cold_start_phases_ms", {})
        for tool in tools:
            for phase in ("before_first_create", "containers"):
                positive_summary("%s.cold_start_phases_ms.%s.%s" % (name, tool, phase), phases.get(tool, {}).get(phase))
        for metric in METRICS:
            for tool in tools:
                positive_summary("%s.%s.%s" % (name, metric, tool), s.get("metrics", {}).get(metric, {}).get(tool))
            if "boss" in tools:
                for other in ("compose", "floor"):
                    if other in tools:
                        positive("%s.ratios.%s.boss/%s" % (name, metric, other), s.get("ratios", {}).get(metric, {}).get("boss/" + other))
    h = res.get("handoff") or {}
    positive_summary("handoff.ready_to_dependent_create_ms", h.get("ready_to_dependent_create_ms"))
    positive_summary("handoff.engine_create_latency_ms", h.get("engine_create_latency_ms"))
    positive("handoff.ping_interval_ms", h.get("ping_interval_ms"))
    v = res.get("version") or {}
    positive_summary("version.boss_version_ms", v.get("boss_version_ms"))
    positive("memory.max_rss_kib", (res.get("memory") or {}).get("max_rss_kib"))
    if not res.get("targets"):
        problems.append("no targets evaluated")
    return problems


# --- Main ---------------------------------------------------------------------------------------


def default_boss():
    for candidate in (os.environ.get("BOSS"), os.path.join(REPO, "build-bench", "boss"), os.path.join(REPO, "build", "boss")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return "boss"


def main(argv=None):
    p = argparse.ArgumentParser(description="boss vs docker-compose vs the engine floor (see bench/README.md)")
    p.add_argument("--boss", default=default_boss(), help="boss binary (default: $BOSS, build-bench/boss, build/boss)")
    p.add_argument("--compose", default="docker-compose", help="compose command (default: docker-compose)")
    p.add_argument("--image", default=os.environ.get("BOSS_TEST_BUSYBOX_IMAGE", "boss-test/busybox:latest"))
    p.add_argument("--size", type=int, default=20, help="wide-N, layers-4x(N/4), chain-(N/2) (default 20)")
    p.add_argument("--scenarios", help="comma-separated, e.g. wide-20,layers-4x5 (overrides --size)")
    p.add_argument("--scale", action="store_true", help="issue 13's scale runs: wide-20, wide-100, wide-500,"
                   " layers-10x50, chain-100, boss alone, one repetition (unless --scenarios/--tools/--reps say)")
    p.add_argument("--tools", default=",".join(TOOLS), help="subset of boss,compose,floor")
    p.add_argument("--reps", type=int, default=None, help="repetitions (default 5; 1 with --scale)")
    p.add_argument("--handoff-reps", type=int, default=15)
    p.add_argument("--ping-interval", type=float, default=0.1, help="gate's ping_interval in the hand-off (s)")
    p.add_argument("--version-runs", type=int, default=200)
    p.add_argument("--memory-size", type=int, default=100)
    p.add_argument("--skip", default="", help="comma-separated parts to skip: scenarios,handoff,version,memory")
    p.add_argument("--settle", type=float, default=0.5, help="pause before each measured step (s)")
    p.add_argument("--work", default=os.path.join(HERE, "results", "work"), help="where generated files go")
    p.add_argument("--out", default=os.path.join(HERE, "results", "latest.json"))
    p.add_argument("--smoke", action="store_true", help="tiny sizes, one repetition, then check the JSON")
    p.add_argument("--check", metavar="FILE", help="only check that FILE is a complete results file"
                   " (with --scenarios/--tools: that those are all in it)")
    p.add_argument("--prefix", default=None, help="name prefix of every project made (default bbench; bbsmoke with"
                   " --smoke); leftovers with this prefix are removed at start and end")
    args = p.parse_args(argv)

    if args.check:
        problems = check_results(args.check, args.scenarios.split(",") if args.scenarios else None,
                                 args.tools.split(",") if args.tools != ",".join(TOOLS) else None)
        for x in problems:
            print("bench check: " + x, file=sys.stderr)
        print("bench check: %s" % ("FAILED" if problems else "ok"))
        return 1 if problems else 0

    global PREFIX
    PREFIX = args.prefix or ("bbsmoke" if args.smoke else "bbench")
    if not re.fullmatch(r"[a-z][a-z0-9]{1,15}", PREFIX):
        raise BenchError("--prefix: 2-16 lowercase letters and digits, starting with a letter")
    if args.scale:
        args.scenarios = args.scenarios or "wide-20,wide-100,wide-500,layers-10x50,chain-100"
        if args.tools == ",".join(TOOLS):
            args.tools = "boss"
    if args.reps is None:
        args.reps = 1 if args.scale else 5
    if args.smoke:
        args.scenarios = args.scenarios or "wide-2,layers-2x2,chain-2"
        args.reps, args.handoff_reps, args.version_runs, args.memory_size = 1, 1, 5, 4
        args.settle = 0.1
    scenario_names = args.scenarios.split(",") if args.scenarios else scenarios_for_size(args.size)
    args.tools = [t for t in args.tools.split(",") if t]
    skip = set(x for x in args.skip.split(",") if x)
    for t in args.tools:
        if t not in TOOLS:
            raise BenchError("unknown tool " + t)
    if not os.access(args.boss, os.X_OK) and not shutil.which(args.boss):
        raise BenchError("boss binary not found: %s (build it or pass --boss)" % args.boss)
    args.boss = os.path.abspath(args.boss) if os.path.exists(args.boss) else shutil.which(args.boss)
    if "compose" in args.tools and not shutil.which(args.compose.split()[0]):
        raise BenchError("%s not found (install docker-compose or pass --tools boss,floor)" % args.compose)

    bench = Bench(args)
    bench.docker.call("GET", "/_ping")
    if not bench.docker.call("GET", "/images/%s/json" % args.image, ok=(200, 404)):
        raise BenchError("image %s is missing: run tests/images/make-images.sh" % args.image)
    bench.sweep()

    res = {
        "machine": machine_info(bench.docker),
        "config": {
            "boss": args.boss, "boss_version": tool_version([args.boss, "--version"]),
            "compose_version": tool_version(args.compose.split() + ["version", "--short"]) if "compose" in args.tools else None,
            "image": args.image, "reps": args.reps, "tools": args.tools, "scenarios": scenario_names,
            "settle_s": args.settle, "smoke": args.smoke,
        },
        "scenarios": {},
    }
    t_start = time.time()
    try:
        if "scenarios" not in skip:
            for name in scenario_names:
                scn = make_scenario(name)
                bench.log("scenario %s (%d services, %d layers)" % (name, len(scn.services), len(scn.layers)))
                res["scenarios"][name] = bench.run_scenario(scn)
        if "handoff" not in skip:
            bench.log("readiness hand-off")
            res["handoff"] = bench.handoff()
        if "version" not in skip:
            bench.log("boss --version")
            res["version"] = bench.version()
        if "memory" not in skip:
            bench.log("peak memory, wide-%d" % args.memory_size)
            res["memory"] = bench.memory()
    finally:
        bench.sweep()
    res["config"]["wall_s"] = time.time() - t_start
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    res["targets"] = evaluate_targets(res)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)
    print(render_table(res))
    print("\nwritten: %s" % args.out)

    if args.smoke:
        problems = check_results(args.out, scenario_names, args.tools)
        for x in problems:
            print("bench smoke: " + x, file=sys.stderr)
        print("bench smoke: %s" % ("FAILED" if problems else "ok: every scenario, tool and metric present, all > 0"))
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print("bench: " + str(e), file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench: interrupted (run it again: leftovers of %s-* projects are swept at start)" % PREFIX, file=sys.stderr)
        sys.exit(130)
