# SPDX-License-Identifier: ISC
"""Clients that press `certseal serve` hard, for tests/cli/test_serve_flood.sh.
Python standard library only; connects to 127.0.0.1 only, a bounded number
of connections for a bounded time.

usage:
  flood_client.py halfopen PORT COUNT HOLD
      opens COUNT connections one after the other, each sending a request
      line and one header but never the blank line that ends the head;
      holds them HOLD seconds, then closes them all.  Prints how many were
      held open and how many the server refused (a 503, or closed).
  flood_client.py slowloris PORT COUNT SECONDS [SOURCE]
      keeps COUNT connections open for SECONDS, each sending its request
      head one byte a second and opening again when the server closes it;
      SOURCE is the local address to connect from (default 127.0.0.1).
      Stops early when the server no longer accepts.
      Prints: opened, refused (a 503, or closed before a byte was sent),
      closed by the server after sending.
  flood_client.py load PORT SECONDS BODY
      four connections POSTing BODY to /api/v1/verify one after the other
      for SECONDS (or until the server goes away).  Prints the answers and
      the errors.
  flood_client.py raw PORT FILE
      sends the request of FILE (tests/data/http/: the first line is
      "# CODE [CODE...]: why", the rest the request: each line is sent with
      CRLF, a line ending in the two characters \\n with a bare LF only, a
      last line that is not empty (a body) with nothing; \\e is ESC) and
      prints the status code of each answer, in order ("none" if none).
"""
import os
import select
import socket
import sys
import time

HOST = "127.0.0.1"
HEAD = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"


def connect(port, source=None, timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source is not None:
        s.bind((source, 0))
    s.connect((HOST, port))
    return s


def refused(s):
    """True when the server has answered 503 or closed the connection."""
    r, _, _ = select.select([s], [], [], 0)
    if not r:
        return False
    try:
        data = s.recv(64)
    except OSError:
        return True
    return data == b"" or data.startswith(b"HTTP/1.1 503")


def halfopen(args):
    port, count, hold = int(args[0]), int(args[1]), float(args[2])
    socks = []
    for _ in range(count):
        s = connect(port)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    time.sleep(hold)
    n_refused = sum(1 for s in socks if refused(s))
    for s in socks:
        s.close()
    print("held %d refused %d" % (count - n_refused, n_refused))
    return 0


def slowloris(args):
    port, count, seconds = int(args[0]), int(args[1]), float(args[2])
    source = args[3] if len(args) > 3 else None
    start = time.monotonic()
    conns = {}  # socket -> bytes sent
    opened = n_refused = closed = failures = 0
    while time.monotonic() - start < seconds and failures < 3:  # 3: the server is gone
        while len(conns) < count and time.monotonic() - start < seconds:
            try:
                s = connect(port, source, timeout=2)
            except OSError:
                n_refused += 1
                failures += 1
                break
            failures = 0
            s.setblocking(False)
            conns[s] = 0
            opened += 1
        tick = time.monotonic()
        for s in list(conns):
            sent = conns[s]
            gone = False
            try:
                data = s.recv(4096)
                gone = data == b"" or data.startswith(b"HTTP/1.1 503")
            except BlockingIOError:
                pass
            except OSError:
                gone = True
            if not gone and sent < len(HEAD) - 4:
                try:
                    s.send(HEAD[sent:sent + 1])
                    conns[s] = sent + 1
                except OSError:
                    gone = True
            if gone:
                if sent == 0:
                    n_refused += 1
                else:
                    closed += 1
                s.close()
                del conns[s]
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    for s in conns:
        s.close()
    print("opened %d refused %d closed %d" % (opened, n_refused, closed))
    return 0


def read_answer(s):
    """One answer's status code (None when the connection ends first)."""
    return read_answer_buffered(s, b"")[0]


def load(args):
    port, seconds, body = int(args[0]), float(args[1]), open(args[2], "rb").read()
    request = (b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
               % len(body)) + body
    start = time.monotonic()
    answers = errors = 0
    socks = []
    while time.monotonic() - start < seconds:
        try:
            while len(socks) < 4:
                socks.append(connect(port, timeout=2))
            for s in list(socks):
                s.sendall(request)
                status = read_answer(s)
                if status is None:
                    socks.remove(s)
                    s.close()
                    errors += 1
                else:
                    answers += 1
        except OSError:
            errors += 1
            if errors > answers + 20:
                break  # the server is gone
            for s in socks:
                s.close()
            socks = []
            time.sleep(0.05)
    print("answers %d errors %d" % (answers, errors))
    return 0


def request_bytes(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's last newline
    out = bytearray()
    body = lines[1:]
    for i, line in enumerate(body):
        bare = line.endswith("\\n")
        if bare:
            line = line[:-2]
        out += line.replace("\\e", "\x1b").encode("latin-1")
        if bare:
            out += b"\n"
        elif i + 1 < len(body) or line == "":
            out += b"\r\n"  # a last line that is not empty is a body: sent as is
    return bytes(out)


def raw(args):
    port, path = int(args[0]), args[1]
    s = connect(port)
    s.sendall(request_bytes(path))
    statuses = []
    pending = b""
    try:
        while True:
            status, pending = read_answer_buffered(s, pending)
            if status is None:
                break
            statuses.append(str(status))
    except OSError:
        pass
    s.close()
    print(" ".join(statuses) if statuses else "none")
    return 0


def read_answer_buffered(s, data):
    """The status code of the answer that starts in data or on s, its body
    read by Content-Length, and what follows it; None when the connection
    ends first."""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return int(head.split(b" ")[1]), rest[length:]


def main():
    commands = {"halfopen": halfopen, "slowloris": slowloris, "load": load, "raw": raw}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]](sys.argv[2:]) or 0)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
