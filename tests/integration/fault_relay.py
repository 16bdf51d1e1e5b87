#!/usr/bin/env python3
"""A fault-injecting relay in front of a Docker engine's unix socket, for boss's fault tests.

    fault_relay.py LISTEN_SOCKET [--upstream /var/run/docker.sock] [RULE...]

Every request is read whole (head, and a Content-Length body), matched against the rules
in order, and either answered by the relay or forwarded on a fresh upstream connection
with `Connection: close`; the upstream's answer is relayed byte for byte until it closes,
then the client connection is closed too (clients reconnect, as libcurl does). Rules:

    fail:REGEX[:STATUS]   answer STATUS (default 500) with a JSON {"message": ...} body
    drop:REGEX            close the client connection without answering
    slow:REGEX:MS         wait MS milliseconds before forwarding

REGEX is searched in the request line ("POST /v1.41/containers/create?name=x HTTP/1.1").
Each rule fires for every matching request unless it ends with `@N` (only the first N).
Standard library only; one thread per connection.
"""

import argparse
import os
import re
import socket
import sys
import threading
import time


class Rule:
    def __init__(self, text):
        self.limit = None
        if "@" in text:
            text, limit = text.rsplit("@", 1)
            self.limit = int(limit)
        kind, rest = text.split(":", 1)
        self.kind = kind
        self.status = 500
        self.ms = 0
        if kind == "fail":
            parts = rest.rsplit(":", 1)
            if len(parts) == 2 and parts[1].isdigit():
                rest, self.status = parts[0], int(parts[1])
        elif kind == "slow":
            rest, ms = rest.rsplit(":", 1)
            self.ms = int(ms)
        elif kind != "drop":
            raise SystemExit(f"fault_relay: unknown rule kind '{kind}'")
        self.pattern = re.compile(rest)
        self.fired = 0
        self.lock = threading.Lock()

    def take(self, request_line):
        if not self.pattern.search(request_line):
            return False
        with self.lock:
            if self.limit is not None and self.fired >= self.limit:
                return False
            self.fired += 1
        return True


def read_request(conn):
    """The whole request as bytes (head + Content-Length body), or None at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def with_connection_close(head):
    lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"connection:")]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines)


def pipe(src, dst):
    try:
        while True:
            chunk = src.recv(65536)
            if not chunk:
                break
            dst.sendall(chunk)
    except OSError:
        pass


def close(sock):
    # shutdown first: a plain close() does not end the connection while the other pipe
    # thread is blocked in recv() on the same socket.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def serve(conn, upstream, rules, log):
    try:
        request = read_request(conn)
        if request is None:
            return
        head, body = request
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        for rule in rules:
            if not rule.take(request_line):
                continue
            log.write(f"{time.time():.3f} {rule.kind} {request_line}\n")
            log.flush()
            if rule.kind == "drop":
                return
            if rule.kind == "fail":
                message = b'{"message":"fault_relay: injected failure"}'
                conn.sendall(b"HTTP/1.1 %d Injected\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                             % (rule.status, len(message), message))
                return
            if rule.kind == "slow":
                time.sleep(rule.ms / 1000)
            break
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        up.connect(upstream)
        up.sendall(with_connection_close(head) + b"\r\n\r\n" + body)
        # The request is whole; anything more from the client (an attach's stdin) follows.
        threading.Thread(target=pipe, args=(conn, up), daemon=True).start()
        pipe(up, conn)
        close(up)
    except OSError:
        pass
    finally:
        close(conn)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("listen")
    parser.add_argument("rules", nargs="*")
    parser.add_argument("--upstream", default="/var/run/docker.sock")
    parser.add_argument("--log", default=None, help="where fired rules are logged (default stderr)")
    args = parser.parse_intermixed_args()
    rules = [Rule(r) for r in args.rules]
    log = open(args.log, "a") if args.log else sys.stderr
    if os.path.exists(args.listen):
        os.unlink(args.listen)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(args.listen)
    server.listen(64)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, args.upstream, rules, log), daemon=True).start()


if __name__ == "__main__":
    main()
