#!/usr/bin/env python3
"""A headless Chromium driven over the DevTools protocol, for browser.sh.

    browser_cdp.py CHROMIUM URL OUTDIR APP_TEXT TIMEOUT_S

Opens URL once (one Page.navigate, never again: whatever follows is the page's own
doing), screenshots the first page it shows to OUTDIR/first.png, then watches the page
until its text holds APP_TEXT, screenshots that to OUTDIR/final.png, and prints one JSON
object: the first page's title and text, every distinct title seen on the way, how many
loads the page made by itself, the final title and text, and the seconds it took. Exit 0
when APP_TEXT was reached within TIMEOUT_S, 1 when not (the JSON says what was shown
last), 2 on a usage or browser error.

The browser is reached with --remote-debugging-pipe (commands on its fd 3, answers and
events on its fd 4, each message JSON ending in a NUL byte): no port, no websocket client.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, chromium, profile):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # The browser wants them as its fds 3 and 4: a shell puts them there and execs it.
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                 "--window-size=900,600", "--user-data-dir=" + profile, "--remote-debugging-pipe",
                 "about:blank"]
        self.process = subprocess.Popen(
            ["sh", "-c", 'exec "$0" "$@" 3<&%d 4>&%d' % (to_browser_r, from_browser_w), chromium] + flags,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(to_browser_r, from_browser_w))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from the browser")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("the browser closed its pipe (exit %s)" % self.process.poll())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError("%s: %s" % (method, answer["error"]))
                return answer.get("result", {})
            self.events.append(answer)

    def take_events(self, method):
        taken = [e for e in self.events if e.get("method") == method]
        self.events = [e for e in self.events if e.get("method") != method]
        return taken


def page_text(browser, session):
    # During a navigation the old document may be gone: that is a moment without text.
    try:
        result = browser.send("Runtime.evaluate", {
            "expression": "JSON.stringify([document.title, document.body ? document.body.innerText : ''])",
            "returnByValue": True}, session)
        return json.loads(result["result"]["value"])
    except (RuntimeError, KeyError, ValueError):
        return None


def screenshot(browser, session, path):
    data = browser.send("Page.captureScreenshot", {"format": "png"}, session)["data"]
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))


def main(argv):
    if len(argv) != 6:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    chromium, url, outdir, app_text, timeout = argv[1], argv[2], argv[3], argv[4], float(argv[5])
    os.makedirs(outdir, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="boss-chromium-")
    browser = Browser(chromium, profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Page.enable", session=session)
        browser.send("Runtime.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 900, "height": 600, "deviceScaleFactor": 1, "mobile": False}, session)
        started = time.monotonic()
        browser.send("Page.navigate", {"url": url}, session)
        # The first page: what the browser shows once the first load ends.
        deadline = started + 20
        while not browser.take_events("Page.loadEventFired"):
            if time.monotonic() > deadline:
                raise TimeoutError("the first page did not load within 20 s")
            browser.send("Runtime.evaluate", {"expression": "1"}, session)  # reads events meanwhile
            time.sleep(0.02)
        first = page_text(browser, session) or ["", ""]
        screenshot(browser, session, os.path.join(outdir, "first.png"))
        titles, loads, last = [first[0]], 1, first
        reached = app_text in first[1]
        while not reached and time.monotonic() - started < timeout:
            time.sleep(0.1)
            loads += len(browser.take_events("Page.loadEventFired"))
            shown = page_text(browser, session)
            if shown is None:
                continue
            last = shown
            if shown[0] != titles[-1]:
                titles.append(shown[0])
            reached = app_text in shown[1]
        loads += len(browser.take_events("Page.loadEventFired"))
        screenshot(browser, session, os.path.join(outdir, "final.png"))
        print(json.dumps({"first_title": first[0], "first_text": first[1], "titles": titles,
                          "loads": loads, "final_title": last[0], "final_text": last[1],
                          "seconds": round(time.monotonic() - started, 2), "reached": reached}))
        return 0 if reached else 1
    except (RuntimeError, TimeoutError, OSError) as e:
        print("browser_cdp.py: %s" % e, file=sys.stderr)
        return 2
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
