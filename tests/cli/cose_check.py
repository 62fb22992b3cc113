#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""An independent reading of certseal's wire format: checks one COSE_Sign1
signature with nothing of certseal, only the specifications (RFC 9052
COSE_Sign1 and Sig_structure, RFC 8949 CBOR, RFC 9285 Base45, RFC 1950
zlib, RFC 9053 ES256 raw r||s) and python3-cryptography.

Usage: cose_check.py PUBLIC_KEY.pem FILE
FILE holds a token in the offline form (CS1: + Base45 of zlib), a link
(https://.../ + Base32 of zlib), zlib(COSE_Sign1), or COSE_Sign1 itself.
Prints "OK ALG KID" and exits 0 when the signature verifies with the key,
else prints why and exits 1.
"""
import base64
import sys
import zlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = [B45.index(c) for c in text[i:i + 3]]
        n = sum(v * 45 ** k for k, v in enumerate(chunk))
        out += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
    return bytes(out)


def cbor_item(data, pos):
    """(value, next position) of the CBOR item at pos; bytes stay bytes."""
    head = data[pos]
    major, info = head >> 5, head & 31
    pos += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise ValueError("indefinite or reserved length")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        value = data[pos:pos + arg]
        return (bytes(value) if major == 2 else value.decode("utf-8")), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = cbor_item(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = {}
        for _ in range(arg):
            key, pos = cbor_item(data, pos)
            value, pos = cbor_item(data, pos)
            pairs[key] = value
        return pairs, pos
    if major == 6:
        value, pos = cbor_item(data, pos)
        return ("tag", arg, value), pos
    return {20: False, 21: True, 22: None}.get(arg, ("simple", arg)), pos


def bstr_head(n):
    if n < 24:
        return bytes([0x40 | n])
    if n < 256:
        return bytes([0x58, n])
    if n < 65536:
        return bytes([0x59]) + n.to_bytes(2, "big")
    return bytes([0x5a]) + n.to_bytes(4, "big")


def cose_bytes(raw):
    text = raw.strip()
    if text.startswith(b"CS1:"):
        return zlib.decompress(b45decode(text[4:].decode("ascii")))
    if text.lower().startswith((b"https://", b"http://")):
        part = text.decode("ascii").rstrip("/").rsplit("/", 1)[1]
        return zlib.decompress(base64.b32decode(part + "=" * (-len(part) % 8)))
    if raw[:1] == b"\x78":
        return zlib.decompress(raw)
    return raw


def main():
    key = serialization.load_pem_public_key(open(sys.argv[1], "rb").read())
    cose = cose_bytes(open(sys.argv[2], "rb").read())
    msg, end = cbor_item(cose, 0)
    if end != len(cose):
        print("trailing bytes after the COSE_Sign1")
        return 1
    if isinstance(msg, tuple) and msg[0] == "tag":
        if msg[1] != 18:
            print(f"tag {msg[1]}, not COSE_Sign1 (18)")
            return 1
        msg = msg[2]
    protected, _unprotected, payload, signature = msg
    header, _ = cbor_item(protected, 0)
    alg = header.get(1)
    tbs = (b"\x84\x6aSignature1" + bstr_head(len(protected)) + protected + b"\x40"
           + bstr_head(len(payload)) + payload)
    try:
        if alg == -8 and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, tbs)
        elif alg == -7 and isinstance(key, ec.EllipticCurvePublicKey) and len(signature) == 64:
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big"))
            key.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
        else:
            print(f"alg {alg} does not fit the key")
            return 1
    except InvalidSignature:
        print("the signature does not verify")
        return 1
    kid = header.get(4, _unprotected.get(4, b"") if isinstance(_unprotected, dict) else b"")
    print(f"OK {'EdDSA' if alg == -8 else 'ES256'} {kid.hex()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
