# SPDX-License-Identifier: ISC
"""A raw HTTP client and token encoder for the tests of `certseal serve`
(tests/cli/test_serve.sh, test_serve_browser.sh).  Python standard library
only; talks to 127.0.0.1 only.

usage:
  serve_client.py request PORT OUT METHOD TARGET [--body FILE] [--header 'K: V']...
      sends one request (Connection: close) and writes OUT.status (the
      status code), OUT.headers ("name: value" lines, names in lower case)
      and OUT.body (the body, chunked transfer decoded).  TARGET @FILE reads
      the target from FILE.  Exit 0 when an answer came, 1 when not.
  serve_client.py slow PORT COUNT SECONDS OUT [SEND]
      opens COUNT connections that send a request one byte a second (for
      SEND seconds, then nothing more: idle); after SECONDS, or when the
      server has closed all of them, writes to OUT how many the server
      closed and after how many seconds the last one was.
  serve_client.py burst PORT COUNT LIMIT TARGET
      COUNT requests one after the other, each on a new connection; exit 1
      (saying which) when one fails or takes more than LIMIT seconds.
      Prints the slowest time.
  serve_client.py inflight PORT PID FILE
      POSTs FILE to /api/v1/verify in two halves, sending SIGTERM to PID in
      between; prints the status code of the answer (exit 1 when none).
  serve_client.py encode offline|link COSE_FILE [LINK_BASE]
      prints the COSE_Sign1 bytes as a token: CS1:base45(zlib) or the link
      form LINK_BASE/BASE32 in upper case.
  serve_client.py link TOKEN_FILE LINK_BASE
      prints the offline token of TOKEN_FILE in link form.
  serve_client.py quote TEXT
      prints TEXT percent-encoded for a query string.
"""
import base64
import os
import signal
import socket
import sys
import time
import urllib.parse
import zlib

HOST = "127.0.0.1"
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
TIMEOUT = 10  # seconds any one request may take at most


def recv_all(sock):
    chunks = []
    while True:
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def dechunk(body):
    out = bytearray()
    while body:
        line, _, rest = body.partition(b"\r\n")
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return bytes(out)


def request(args):
    port, out, method, target = args[0], args[1], args[2], args[3]
    body, headers = None, []
    rest = args[4:]
    while rest:
        if rest[0] == "--body":
            body = open(rest[1], "rb").read()
        elif rest[0] == "--header":
            headers.append(rest[1])
        else:
            sys.exit("serve_client.py: unknown option " + rest[0])
        rest = rest[2:]
    if target.startswith("@"):
        target = open(target[1:], encoding="utf-8").read().strip()
    head = "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n" % (method, target, HOST, port)
    for h in headers:
        head += h + "\r\n"
    if body is not None:
        head += "Content-Length: %d\r\n" % len(body)
    data = head.encode("utf-8") + b"\r\n" + (body or b"")
    sock = socket.create_connection((HOST, int(port)), timeout=TIMEOUT)
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # answered (413, 414) before all of it was read: read the answer
    raw = recv_all(sock)
    sock.close()
    head, sep, payload = raw.partition(b"\r\n\r\n")
    if not sep:
        print("serve_client.py: no HTTP answer (%d bytes)" % len(raw), file=sys.stderr)
        return 1
    lines = head.decode("iso-8859-1").split("\r\n")
    status = lines[0].split(" ")
    names = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        names.append("%s: %s" % (name.strip().lower(), value.strip()))
    if "transfer-encoding: chunked" in [n.lower() for n in names]:
        payload = dechunk(payload)
    with open(out + ".status", "w") as f:
        f.write(status[1] + "\n")
    with open(out + ".headers", "w") as f:
        f.write("\n".join(names) + "\n")
    with open(out + ".body", "wb") as f:
        f.write(payload)
    return 0


def slow(args):
    port, count, seconds, out = int(args[0]), int(args[1]), float(args[2]), args[3]
    send = int(args[4]) if len(args) > 4 else 1 << 30
    text = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 64 + b"\r\n\r\n"
    socks = []
    for _ in range(count):
        s = socket.create_connection((HOST, port), timeout=5)
        s.setblocking(False)
        socks.append(s)
    start = time.monotonic()
    closed = {}
    pos = 0
    while time.monotonic() - start < seconds and len(closed) < count:
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                data = s.recv(4096)
                if data == b"" or data.startswith(b"HTTP/1.1 408"):
                    closed[i] = time.monotonic() - start
                    continue
            except BlockingIOError:
                pass
            except OSError:
                closed[i] = time.monotonic() - start
                continue
            if pos < min(len(text), send):
                try:
                    s.send(text[pos:pos + 1])
                except OSError:
                    closed[i] = time.monotonic() - start
        pos += 1
        time.sleep(1)
    for s in socks:
        s.close()
    last = max(closed.values()) if closed else -1
    with open(out, "w") as f:
        f.write("%d %.1f\n" % (len(closed), last))
    return 0


def burst(args):
    port, count, limit, target = int(args[0]), int(args[1]), float(args[2]), args[3]
    slowest = 0.0
    for i in range(count):
        start = time.monotonic()
        try:
            s = socket.create_connection((HOST, port), timeout=limit + 1)
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % target).encode())
            raw = recv_all(s)
            s.close()
        except OSError as e:
            print("request %d failed: %s" % (i + 1, e))
            return 1
        took = time.monotonic() - start
        slowest = max(slowest, took)
        if not raw.startswith(b"HTTP/1.1 200"):
            print("request %d: %r" % (i + 1, raw[:40]))
            return 1
        if took > limit:
            print("request %d took %.2f s" % (i + 1, took))
            return 1
    print("%.3f" % slowest)
    return 0


def inflight(args):
    port, pid, body = int(args[0]), int(args[1]), open(args[2], "rb").read()
    half = len(body) // 2
    s = socket.create_connection((HOST, port), timeout=TIMEOUT)
    s.sendall(b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[:half])
    time.sleep(0.3)
    os.kill(pid, signal.SIGTERM)
    time.sleep(0.3)
    try:
        s.sendall(body[half:])
        raw = recv_all(s)
    except OSError as e:
        print("no answer: %s" % e)
        return 1
    print(raw[9:12].decode("ascii", "replace") if raw.startswith(b"HTTP/1.") else "no answer")
    return 0 if raw.startswith(b"HTTP/1.") else 1


def b45encode(data):
    out = []
    for i in range(0, len(data), 2):
        if i + 1 < len(data):
            n = data[i] * 256 + data[i + 1]
            out += [B45[n % 45], B45[n // 45 % 45], B45[n // 2025]]
        else:
            out += [B45[data[i] % 45], B45[data[i] // 45]]
    return "".join(out)


def b45decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        part = [B45.index(c) for c in text[i:i + 3]]
        if len(part) == 3:
            n = part[0] + part[1] * 45 + part[2] * 2025
            out += bytes([n // 256, n % 256])
        else:
            out.append(part[0] + part[1] * 45)
    return bytes(out)


def link_form(cose, base):
    payload = base64.b32encode(zlib.compress(cose, 9)).decode().rstrip("=")
    return (base.rstrip("/") + "/" + payload).upper()


def encode(args):
    cose = open(args[1], "rb").read()
    if args[0] == "offline":
        print("CS1:" + b45encode(zlib.compress(cose, 9)))
    else:
        print(link_form(cose, args[2]))
    return 0


def link(args):
    token = open(args[0], encoding="utf-8").read().strip()
    if not token.startswith("CS1:"):
        sys.exit("serve_client.py: %s: not an offline token" % args[0])
    print(link_form(zlib.decompress(b45decode(token[4:])), args[1]))
    return 0


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    commands = {"request": request, "slow": slow, "burst": burst, "inflight": inflight,
                "encode": encode,
                "link": link, "quote": lambda a: print(urllib.parse.quote(a[0], safe=""))}
    if sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]](sys.argv[2:]) or 0)


if __name__ == "__main__":
    main()
