#!/usr/bin/env python3
"""tests/data/tokens/make_tokens.py - writes the hand-made tokens of this folder.

Each case is NAME.token (the offline form, one line) beside NAME.txt, whose
first line says why the token must get its verdict, second line names the
verdict (as certseal verify prints it) and third line the trust store file
(in this folder) to verify it with.  Every case is verified as of
2027-01-01 (VERIFY_AT).  The library refuses to make these tokens, so they
are built here from first principles: CBOR (RFC 8949), COSE_Sign1 (RFC
9052), the claims of DESIGN section 3, zlib and base45 (RFC 9285).

The keys are derived from fixed seeds so that the Ed25519 tokens come out
the same on every run (ES256 signatures are randomised; the ES256 tokens
differ from run to run but keep their verdicts).  Run from the repository
root; needs python3-cryptography:

    python3 tests/data/tokens/make_tokens.py
"""
import hashlib
import os
import zlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

HERE = os.path.dirname(os.path.abspath(__file__))
VERIFY_AT = "2027-01-01"

# RFC 8032 section 5.1 and SEC 2 section 2.4.2
ED25519_L = 2**252 + 27742317777372353535851937790883648493
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

ALG_EDDSA, ALG_ES256 = -8, -7
TYP_AC, TYP_CT = "cs-accr", "cs-cert"

# NumericDates (00:00 UTC)
D_2026_01_01 = 1767225600
D_2026_06_01 = 1780272000
D_2029_06_01 = 1874966400
D_2031_01_01 = 1924992000
D_2100_01_01 = 4102444800


# ---- CBOR, definite lengths only ---------------------------------------------


class Tag:
    def __init__(self, tag, item):
        self.tag, self.item = tag, item


def head(major, value):
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("too large")


def cbor(item):
    if isinstance(item, bool) or item is None:
        raise TypeError("not used here")
    if isinstance(item, int):
        return head(0, item) if item >= 0 else head(1, -1 - item)
    if isinstance(item, bytes):
        return head(2, len(item)) + item
    if isinstance(item, str):
        data = item.encode("utf-8")
        return head(3, len(data)) + data
    if isinstance(item, list):
        return head(4, len(item)) + b"".join(cbor(i) for i in item)
    if isinstance(item, dict):  # insertion order is the wire order
        return head(5, len(item)) + b"".join(cbor(k) + cbor(v) for k, v in item.items())
    if isinstance(item, Tag):
        return head(6, item.tag) + cbor(item.item)
    raise TypeError(type(item))


# ---- base45 (RFC 9285) ---------------------------------------------------------

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def base45(data):
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        out += [B45[n % 45], B45[n // 45 % 45], B45[n // 2025]]
    if len(data) % 2:
        n = data[-1]
        out += [B45[n % 45], B45[n // 45]]
    return "".join(out)


def offline_form(cose):
    return "CS1:" + base45(zlib.compress(cose, 9))


# ---- keys ---------------------------------------------------------------------


def seed(label):
    return hashlib.sha256(b"certseal test data: " + label.encode()).digest()


class Ed25519Key:
    def __init__(self, label):
        self.seed = seed(label)
        self.private = ed25519.Ed25519PrivateKey.from_private_bytes(self.seed)
        self.public = self.private.public_key()
        self.x = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.alg = ALG_EDDSA

    def spki(self):
        return self.public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def cose_key(self):
        return {1: 1, -1: 6, -2: self.x}

    def sign(self, message):
        return self.private.sign(message)

    def sign_small_order_r(self, message):
        """R = the identity, S = k * a mod L: [S]B = R + [k]A holds, so a
        verifier without the small-order rule accepts it (RFC 8032 5.1.6/7)."""
        h = hashlib.sha512(self.seed).digest()
        a = int.from_bytes(h[:32], "little")
        a &= (1 << 254) - 8
        a |= 1 << 254
        r = bytes([1]) + bytes(31)
        k = int.from_bytes(hashlib.sha512(r + self.x + message).digest(), "little") % ED25519_L
        return r + (k * a % ED25519_L).to_bytes(32, "little")


class RawEd25519Public:
    """A public key given by its 32 bytes, private half unknown (or none)."""

    def __init__(self, x):
        self.x = x
        self.alg = ALG_EDDSA

    def spki(self):
        return bytes.fromhex("302a300506032b6570032100") + self.x

    def cose_key(self):
        return {1: 1, -1: 6, -2: self.x}


class P256Key:
    def __init__(self, label):
        scalar = int.from_bytes(seed(label), "big") % (P256_N - 1) + 1
        self.private = ec.derive_private_key(scalar, ec.SECP256R1())
        self.public = self.private.public_key()
        numbers = self.public.public_numbers()
        self.x = numbers.x.to_bytes(32, "big")
        self.y = numbers.y.to_bytes(32, "big")
        self.alg = ALG_ES256

    def spki(self):
        return self.public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def cose_key(self):
        return {1: 2, -1: 1, -2: self.x, -3: self.y}

    def sign(self, message, high_s=False):
        r, s = decode_dss_signature(self.private.sign(message, ec.ECDSA(hashes.SHA256())))
        if high_s != (s > P256_N // 2):
            s = P256_N - s
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def kid(key):
    return hashlib.sha256(key.spki()).digest()[:8]


def write_public(key, name):
    pem = key.public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(pem)


# ---- objects ------------------------------------------------------------------


def sign1(signer_public, protected, payload, signature_of):
    protected_bytes = cbor(protected)
    to_be_signed = cbor(["Signature1", protected_bytes, b"", payload])
    signature = signature_of(to_be_signed)
    assert len(signature) == 64
    return cbor(Tag(18, [protected_bytes, {}, payload, signature]))


def ac_claims(cb_public, extra=None):
    claims = {
        1: "AB-TEST",
        2: "CB-TEST",
        4: D_2031_01_01,
        5: D_2026_01_01,
        6: D_2026_01_01,
        8: {1: cb_public.cose_key()},
        -65538: {
            "nam": "Test CB",
            "no": "ACC-1",
            "ctr": "GB",
            "std": ["ISO 9001:2015", "ISO 14001:2015"],
            "iaf": [17, 18, 31],
        },
    }
    claims.update(extra or {})
    return cbor(claims)


def ct_claims(nbf=None, extra=None, std=None, tail=None):
    claims = {1: "CB-TEST", 2: "GB-Q-2026-000001", 4: D_2029_06_01}
    if nbf is not None:
        claims[5] = nbf
    claims[6] = D_2026_06_01
    claims[-65537] = {
        "std": std or ["ISO 9001:2015"],
        "org": {"nam": "Acme Precision Engineering Ltd", "ctr": "GB", "adr": "Unit 4, Sheffield"},
        "scp": "Design and manufacture of machined components.",
        "iaf": [17],
        "grt": D_2026_06_01,
        "rev": 0,
        "acc": "ACC-1",
    }
    claims[-65537].update(tail or {})  # after "acc": "prd", "rst"
    claims.update(extra or {})
    return cbor(claims)


def make_ac(ab, cb_public, extra=None):
    protected = {1: ab.alg, 4: kid(ab), 16: TYP_AC}
    return sign1(ab, protected, ac_claims(cb_public, extra), ab.sign)


def make_ct(cb_public, ac, claims, signature_of):
    protected = {1: cb_public.alg, 4: kid(cb_public), 16: TYP_CT, -65537: ac}
    return sign1(cb_public, protected, claims, signature_of)


def write_case(name, cose, verdict, trust, why):
    with open(os.path.join(HERE, name + ".token"), "w") as f:
        f.write(offline_form(cose) + "\n")
    with open(os.path.join(HERE, name + ".txt"), "w") as f:
        f.write("%s\n%s\n%s\n" % (why, verdict, trust))


def main():
    ab, cb = Ed25519Key("ab-ed25519"), Ed25519Key("cb-ed25519")
    ab_es, cb_es = P256Key("ab-es256"), P256Key("cb-es256")
    write_public(ab, "ab-ed25519.pub")
    write_public(ab_es, "ab-es256.pub")
    ac = make_ac(ab, cb)

    write_case(
        "valid-eddsa",
        make_ct(cb, ac, ct_claims(), cb.sign),
        "VALID",
        "ab-ed25519.pub",
        "control: an ordinary EdDSA token built by this script, so that the other cases fail "
        "for their own reason only",
    )

    identity = RawEd25519Public(bytes([1]) + bytes(31))
    forged_ac = make_ac(ab, identity)
    write_case(
        "small-order-cb-key",
        make_ct(identity, forged_ac, ct_claims(), lambda m: bytes([1]) + bytes(63)),
        "INVALID_SIGNATURE",
        "ab-ed25519.pub",
        "the AC (genuinely signed by the trusted AB) accredits the Ed25519 identity point "
        "01 00..00 as the CB key, and the CT's signature is 01 00..00 || 00..00, which "
        "verifies over any content with no private key: a small-order key must be refused",
    )

    write_case(
        "small-order-r",
        make_ct(cb, ac, ct_claims(), cb.sign_small_order_r),
        "INVALID_SIGNATURE",
        "ab-ed25519.pub",
        "the CT's Ed25519 signature has R = the identity (small order) and S = k * a mod L; "
        "the cofactorless equation holds, but RFC 8032 5.1.7 as libsodium applies it "
        "refuses a small-order R",
    )

    write_case(
        "nbf-2100",
        make_ct(cb, ac, ct_claims(nbf=D_2100_01_01), cb.sign),
        "NOT_YET_VALID",
        "ab-ed25519.pub",
        "the CT carries nbf 2100-01-01 (claim 5): it is not valid before then, like a CT "
        "whose iat is in the future",
    )

    write_case(
        "ct-unknown-claim",
        make_ct(cb, ac, ct_claims(extra={-65540: "restricted"}), cb.sign),
        "MALFORMED",
        "ab-ed25519.pub",
        "the CT carries claim -65540, which format 1 does not define: a claim the verifier "
        "would ignore may change what the token means, so it is refused",
    )

    odd_ac = make_ac(ab, cb, extra={-65540: "restricted"})
    write_case(
        "ac-unknown-claim",
        make_ct(cb, odd_ac, ct_claims(), cb.sign),
        "MALFORMED",
        "ab-ed25519.pub",
        "the AC carries claim -65540, which format 1 does not define: refused like an "
        "unknown claim of the CT",
    )

    write_case(
        "integrated-not-accredited",
        make_ct(cb, ac, ct_claims(std=["ISO 9001:2015", "ISO 14001:2015", "ISO 45001:2018"]),
                cb.sign),
        "NOT_ACCREDITED",
        "ab-ed25519.pub",
        "an integrated certificate for ISO 9001, ISO 14001 and ISO 45001 whose AC lists only "
        "the first two: one standard outside the accreditation makes the whole certificate "
        "NOT_ACCREDITED, and the verdict names ISO 45001:2018",
    )

    write_case(
        "integrated-transfer-valid",
        make_ct(cb, ac, ct_claims(std=["ISO 9001:2015", "ISO 14001:2015"],
                                  tail={"prd": {"cb": "CB-PREVIOUS", "no": "PRV-1"},
                                        "rst": D_2026_06_01}), cb.sign),
        "VALID",
        "ab-ed25519.pub",
        "control for the one above: ISO 9001 and ISO 14001, both in the AC, with a transfer's "
        "predecessor (prd) and a restoration date (rst) written last, as DESIGN section 3 "
        "orders them",
    )

    ac_es = make_ac(ab_es, cb_es)
    write_case(
        "es256-high-s",
        make_ct(cb_es, ac_es, ct_claims(), lambda m: cb_es.sign(m, high_s=True)),
        "VALID",
        "ab-es256.pub",
        "the CT's ES256 signature has s > n/2; certseal signs with a low s but, as COSE "
        "does, verifies either: this token stays VALID",
    )


if __name__ == "__main__":
    main()
