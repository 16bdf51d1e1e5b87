#!/usr/bin/env python3
"""A WebSocket-upgrade client for websocket.sh, standard library only: asks URL's host
and path to upgrade, prints the status line and what the backend sent first, then checks
that bytes go both ways through the tunnel (a line, then SIZE random bytes echoed back),
holds the tunnel open for HOLD seconds (so its open connection can be seen), half-closes
and expects the end of stream. One `key: value` line per finding, on stdout.

    ws_client.py HOST PORT PATH SIZE HOLD
"""
import os
import socket
import sys
import time


def read_until(sock, marker, buf):
    while marker not in buf:
        got = sock.recv(65536)
        if not got:
            raise SystemExit("closed before %r (got %r)" % (marker, buf[:200]))
        buf += got
    head, _, rest = buf.partition(marker)
    return head, rest


def main():
    host, port, path, size, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    sock = socket.create_connection((host, port), timeout=20)
    sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                  % (path, host, port)).encode())
    head, rest = read_until(sock, b"\r\n\r\n", b"")
    lines = head.decode("latin-1").split("\r\n")
    print("status:", lines[0])
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() in ("connection", "upgrade"):
            print("response %s: %s" % (name.lower(), value.strip()))
    greeting, rest = read_until(sock, b"\n", rest)
    print("backend said:", greeting.decode())
    sock.sendall(b"ping through boss\n")
    echo, rest = read_until(sock, b"\n", rest)
    print("echo:", echo.decode())
    payload = os.urandom(size)
    sent_at = time.monotonic()
    sock.sendall(payload)
    while len(rest) < size:
        got = sock.recv(65536)
        if not got:
            break
        rest += got
    print("bulk echoed intact:", "yes" if rest[:size] == payload else "no (%d of %d bytes)" % (len(rest), size))
    print("bulk round trip ms: %.1f" % ((time.monotonic() - sent_at) * 1000))
    print("holding", flush=True)
    time.sleep(hold)
    sock.shutdown(socket.SHUT_WR)
    tail = sock.recv(65536)
    print("end of stream after half-close:", "yes" if tail == b"" else "no (%r)" % tail[:50])
    sock.close()


main()
