#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Writes org-name-escape.token (org-name-escape.txt says what it is for).

A validly signed certificate token whose text holds terminal control
sequences: certseal refuses to issue such text, but whoever holds a CB key
can sign it, so verifiers must show it escaped.  Signed here with the demo
CB key (keys-example/cb-demo.key) under the demo credential DEMO-004
(demo-004.ac.cose, signed by keys-example/ab-demo.key), with the CBOR and
token helpers of tests/data/tokens/make_tokens.py.  Ed25519 signatures are
deterministic: running it again writes the same token.
"""
import os
import sys

sys.dont_write_bytecode = True

from cryptography.hazmat.primitives import serialization

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, "tests", "data", "tokens"))
import make_tokens as mt  # noqa: E402


def main():
    with open(os.path.join(ROOT, "keys-example", "cb-demo.key"), "rb") as f:
        private = serialization.load_pem_private_key(f.read(), password=None)
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    kid = mt.hashlib.sha256(spki).digest()[:8]
    with open(os.path.join(HERE, "demo-004.ac.cose"), "rb") as f:
        ac = f.read()
    claims = mt.cbor(
        {
            1: "CB-DEMO-001",
            2: "GB-Q-2026-0666",
            4: 1889913600,
            6: 1795219200,
            -65537: {
                "std": ["ISO 9001:2015"],
                "org": {
                    "nam": "Acme Forged Ltd\x1b[2J\x1b[H\x1b[1;32mVALID\x1b[0m \u202edtL emcA",
                    "ctr": "GB",
                    "adr": "1 Road\x1b]0;VALID\x07, Sheffield",
                },
                "scp": "Machining\u009b2J.",
                "grt": 1795219200,
                "rev": 0,
                "acc": "DEMO-004",
            },
        }
    )
    protected = {1: mt.ALG_EDDSA, 4: kid, 16: mt.TYP_CT, -65537: ac}
    cose = mt.sign1(None, protected, claims, private.sign)
    with open(os.path.join(HERE, "org-name-escape.token"), "w") as f:
        f.write(mt.offline_form(cose) + "\n")


if __name__ == "__main__":
    main()
