# SPDX-License-Identifier: ISC
"""A small HTTP server on 127.0.0.1 for tests/cli/test_fetch.sh.

usage: python3 fetch_server.py DIR PORT_FILE LOG_FILE [PORT] [--stall]

Serves the files of DIR (GET only) on 127.0.0.1, on PORT or else a free
port, which it writes to PORT_FILE once it listens.  Each request's path is
appended to LOG_FILE, so a test can count what was fetched.  With --stall it
accepts requests and never answers them.  It stops by itself after 300
seconds, or when killed.
"""
import http.server
import os
import sys
import threading
import time

LIFETIME = 300  # seconds
STALL = 60  # seconds a stalled request is held at most


def main():
    args = [a for a in sys.argv[1:] if a != "--stall"]
    stall = "--stall" in sys.argv[1:]
    folder, port_file, log_file = args[0], args[1], args[2]
    port = int(args[3]) if len(args) > 3 else 0

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=folder, **kw)

        def do_GET(self):
            with open(log_file, "a", encoding="utf-8") as log:
                log.write(self.path + "\n")
            if stall:
                deadline = time.monotonic() + STALL
                while time.monotonic() < deadline:
                    time.sleep(0.1)
                    try:  # the client hung up: stop holding the request
                        if self.connection.recv(1, 0x40) == b"":  # MSG_DONTWAIT
                            return
                    except BlockingIOError:
                        pass
                    except OSError:
                        return
                return
            super().do_GET()

        def log_message(self, *a):
            pass

    http.server.ThreadingHTTPServer.daemon_threads = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    with open(port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(port_file + ".tmp", port_file)
    threading.Timer(LIFETIME, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
