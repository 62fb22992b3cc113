#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""browser_upload.py - submits the service's front page form in a real browser.

usage: browser_upload.py CHROMIUM URL FILE OUT_PREFIX WIDTH HEIGHT

Starts headless Chromium with the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ended by NUL on file descriptors 3
and 4, no network port), opens URL, puts FILE in the page's file input
(DOM.setFileInputFiles, what choosing a file does), clicks the submit
button with the mouse at its place on the page, waits for the answer page
to load, and writes its DOM to OUT_PREFIX.html and a screenshot of the
window to OUT_PREFIX.png.  The page itself runs no script.  Exits 1 with
a message when a step fails, bounded to 90 seconds in all.
"""
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

DEADLINE = time.monotonic() + 90


class Browser:
    def __init__(self, chromium, width, height):
        self.profile = tempfile.mkdtemp(prefix="upload-profile.")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def fds():  # in the child: the pipe's ends as 3 and 4, whatever they were
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--hide-scrollbars",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
             "--window-size=%d,%d" % (width, height), "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def read_message(self):
        while b"\0" not in self.buffer:
            if time.monotonic() > DEADLINE:
                sys.exit("browser_upload: the browser did not answer in time")
            chunk = os.read(self.from_browser, 65536)
            if not chunk:
                sys.exit("browser_upload: the browser closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, session=None, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    sys.exit("browser_upload: %s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method):
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    del self.events[i]
                    return event
            self.events.append(self.read_message())


def main():
    chromium, url, path, out, width, height = sys.argv[1:7]
    b = Browser(chromium, int(width), int(height))
    try:
        pages = [t for t in b.call("Target.getTargets")["targetInfos"] if t["type"] == "page"]
        if not pages:
            sys.exit("browser_upload: no page target")
        session = b.call("Target.attachToTarget", targetId=pages[0]["targetId"],
                         flatten=True)["sessionId"]
        b.call("Page.enable", session)
        # a phone's window, as the other screenshots of the service
        b.call("Emulation.setDeviceMetricsOverride", session, width=int(width),
               height=int(height), deviceScaleFactor=1, mobile=True)
        b.call("Page.navigate", session, url=url)
        b.wait_event("Page.loadEventFired")
        root = b.call("DOM.getDocument", session)["root"]["nodeId"]
        field = b.call("DOM.querySelector", session, nodeId=root,
                       selector="form input[type=file]")["nodeId"]
        button = b.call("DOM.querySelector", session, nodeId=root,
                        selector="form button[type=submit]")["nodeId"]
        if not field or not button:
            sys.exit("browser_upload: the front page has no file input or no submit button")
        b.call("DOM.setFileInputFiles", session, nodeId=field, files=[os.path.abspath(path)])
        b.call("DOM.scrollIntoViewIfNeeded", session, nodeId=button)
        quad = b.call("DOM.getContentQuads", session, nodeId=button)["quads"][0]
        x, y = sum(quad[0::2]) / 4, sum(quad[1::2]) / 4
        for kind in ("mousePressed", "mouseReleased"):
            b.call("Input.dispatchMouseEvent", session, type=kind, x=x, y=y, button="left",
                   clickCount=1)
        b.wait_event("Page.loadEventFired")
        root = b.call("DOM.getDocument", session)["root"]["nodeId"]
        html = b.call("DOM.getOuterHTML", session, nodeId=root)["outerHTML"]
        with open(out + ".html", "w", encoding="utf-8") as f:
            f.write(html)
        shot = b.call("Page.captureScreenshot", session, format="png")["data"]
        with open(out + ".png", "wb") as f:
            f.write(base64.b64decode(shot))
    finally:
        b.close()


if __name__ == "__main__":
    main()
