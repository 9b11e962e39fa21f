"""SCITT interop with an independent COSE implementation (pycose, cbor2).

Both directions, against a real `lading serve` on loopback:

- pycose verifies the signed statements `lading scitt sign` makes (ES256,
  EdDSA) and the COSE receipts `POST /entries` answers with; the receipt's
  detached root is recomputed here from the statement (RFC 9943: the
  statement with an empty unprotected header, hashed; RFC 9162 leaf and
  inclusion proof) with hashlib alone, then pycose checks the log's signature
  over that root with the key from `/.well-known/scitt-keys`.
- Statements pycose signs (ES256, EdDSA) are registered by `lading serve` and
  verified by `lading scitt verify`; ones it must refuse get RFC 9290 problems.

Nothing here uses lading's own COSE code: the RFC 9162 maths, did:key,
RFC 9679 thumbprints and the leaf derivation are written from the RFCs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives import serialization
from pycose.keys import CoseKey
from pycose.messages import Sign1Message

from interop_helpers import pkcs8_pem, spki_pem

LADING_DOCUMENT = "application/vnd.lading.document+json"


# --- RFC 9162 §2.1, written from the RFC -------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 verification algorithm, returning the computed root."""
    assert 0 <= index < size, (index, size)
    fn, sn, r = index, size - 1, leaf
    for p in path:
        assert sn != 0, "proof too long"
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    assert sn == 0, "proof too short"
    return r


# --- SCITT leaf derivation (RFC 9943 "Registration"), did:key, RFC 9679 ---------------------


def statement_entry(statement: bytes) -> bytes:
    """SHA-256 of the statement with its unprotected header set to an empty map."""
    tag = cbor2.loads(statement)
    assert isinstance(tag, cbor2.CBORTag) and tag.tag == 18
    protected, _unprotected, payload, signature = tag.value
    return hashlib.sha256(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature]))).digest()


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def did_key(public) -> str:
    if isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "did:key:z" + base58btc(b"\xed\x01" + raw)
    point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    return "did:key:z" + base58btc(b"\x80\x24" + point)


def spki_kid(public) -> bytes:
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).digest()


def okp_thumbprint(x: bytes) -> bytes:
    """RFC 9679: SHA-256 of the deterministic CBOR of {1: 1, -1: 6, -2: x}."""
    return hashlib.sha256(cbor2.dumps({1: 1, -1: 6, -2: x}, canonical=True)).digest()


# --- the server ------------------------------------------------------------------------------


@pytest.fixture
def scitt_server(run_lading, lading_bin, workdir):
    data = workdir / "data"
    proc = subprocess.Popen(
        [str(lading_bin), "--json", "serve", "--data", str(data), "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = None
        for _ in range(5):
            line = proc.stdout.readline()
            if not line:
                break
            msg = json.loads(line)
            if msg.get("event") == "listening":
                address = msg["address"]
                break
        assert address, proc.stderr.read()
        res = run_lading("--json", "token", "create", "--data", data, "--log", "registry", "--scope", "submit")
        assert res.code == 0, res.stderr
        token = res.json()["token"]
        yield f"http://{address}", token, data
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def register(base: str, token: str, statement: bytes):
    return http(
        "POST",
        f"{base}/entries",
        statement,
        {"Content-Type": "application/cose", "Authorization": f"Bearer {token}"},
    )


def registry_origin(base: str) -> str:
    _, _, logs = http("GET", f"{base}/v1/logs")
    return json.loads(logs)["logs"][0]["origin"]


def receipt_key(base: str) -> tuple[CoseKey, bytes]:
    """The registry's receipt key from the COSE key set, and its kid."""
    status, headers, body = http("GET", f"{base}/.well-known/scitt-keys", headers={"Accept": "application/cbor"})
    assert status == 200 and headers["content-type"] == "application/cbor"
    _, _, logs = http("GET", f"{base}/v1/logs")
    kid_b64 = json.loads(logs)["logs"][0]["receipt_key"]["kid"]
    for entry in cbor2.loads(body):
        assert entry[1] == 1 and entry[-1] == 6, entry  # OKP, Ed25519
        kid = okp_thumbprint(entry[-2])
        assert entry[2] == kid, "kid is the RFC 9679 thumbprint"
        if base64.urlsafe_b64encode(kid).rstrip(b"=").decode() == kid_b64:
            return CoseKey.from_dict({1: 1, -1: 6, -2: entry[-2]}), kid
    raise AssertionError("the registry's key is not in the key set")


def check_receipt(receipt: bytes, statement: bytes, key: CoseKey, kid: bytes, origin: str) -> int:
    """Recomputes the receipt's root from the statement and has pycose verify it; returns the index."""
    msg = Sign1Message.decode(receipt)
    assert msg.payload is None, "the root is detached"
    phdr = {getattr(k, "identifier", k): v for k, v in msg.phdr.items()}
    assert phdr[395] == 1, "vds RFC9162_SHA256"
    assert phdr[4] == kid
    claims = phdr[15]
    leaf = leaf_hash(statement_entry(statement))
    assert claims[1] == origin, claims
    assert claims[2] == leaf.hex()
    uhdr = {getattr(k, "identifier", k): v for k, v in msg.uhdr.items()}
    (proof,) = uhdr[396][-1]
    size, index, path = cbor2.loads(proof)
    root = root_from_inclusion_proof(leaf, index, size, path)
    msg.key = key
    assert msg.verify_signature(detached_payload=root), "pycose: the receipt signature over the recomputed root"
    # Another leaf gives another root, which the signature does not cover.
    other = root_from_inclusion_proof(leaf_hash(b"another statement"), index, size, path)
    assert not msg.verify_signature(detached_payload=other)
    return index


@pytest.mark.parametrize("alg", ["p256", "ed25519"])
def test_pycose_verifies_lading_statements_and_receipts(run_lading, scitt_server, documents, lading_key, workdir, alg):
    base, token, data = scitt_server
    private, public, keyid = lading_key(alg)
    assert run_lading("provider", "add", "--data", data, "--log", "registry", "--pubkey", public).code == 0
    out = workdir / "s.cose"
    doc = documents["maintenance-event"]
    res = run_lading("scitt", "sign", doc, "--key", private, "--out", out)
    assert res.code == 0, res.stderr
    statement = out.read_bytes()

    # pycose verifies the statement with the issuer's public key.
    msg = Sign1Message.decode(statement)
    msg.key = CoseKey.from_pem_public_key(public.read_text())
    assert msg.verify_signature()
    phdr = {getattr(k, "identifier", k): v for k, v in msg.phdr.items()}
    assert phdr[1].identifier == (-7 if alg == "p256" else -8)
    assert phdr[4] == bytes.fromhex(keyid)
    loaded = serialization.load_pem_public_key(public.read_bytes())
    assert phdr[15][1] == did_key(loaded)
    meta = json.loads(doc.read_text())["meta"]
    assert phdr[15][2] == f"maintenance-event/{meta['id']}"
    assert msg.payload == doc.read_bytes()

    # Registered: the receipt verifies with pycose over the root recomputed here.
    status, headers, receipt = register(base, token, statement)
    assert status == 201, cbor2.loads(receipt)
    assert headers["content-type"] == "application/cose"
    key, kid = receipt_key(base)
    check_receipt(receipt, statement, key, kid, registry_origin(base))
    status, _, again = http("GET", base + headers["location"])
    assert status == 200
    check_receipt(again, statement, key, kid, registry_origin(base))


def pycose_statement(private, public, payload: bytes, subject: str, extra: dict | None = None) -> bytes:
    alg = -8 if isinstance(private, ed25519.Ed25519PrivateKey) else -7
    phdr = {1: alg, 3: LADING_DOCUMENT, 4: spki_kid(public), 15: {1: did_key(public), 2: subject}}
    phdr.update(extra or {})
    msg = Sign1Message(phdr=phdr, payload=payload)
    msg.key = CoseKey.from_pem_private_key(pkcs8_pem(private).decode())
    return msg.encode(tag=True)


@pytest.mark.parametrize("alg", ["es256", "eddsa"])
def test_lading_registers_and_verifies_pycose_statements(run_lading, scitt_server, documents, workdir, alg):
    base, token, data = scitt_server
    private = ec.generate_private_key(ec.SECP256R1()) if alg == "es256" else ed25519.Ed25519PrivateKey.generate()
    public = private.public_key()
    (workdir / "issuer.pub").write_bytes(spki_pem(public))
    assert run_lading("provider", "add", "--data", data, "--log", "registry", "--pubkey", workdir / "issuer.pub").code == 0
    doc = documents["inspection-report"].read_bytes()
    subject = f"inspection-report/{json.loads(doc)['meta']['id']}"
    statement = pycose_statement(private, public, doc, subject)
    (workdir / "s.cose").write_bytes(statement)

    status, headers, receipt = register(base, token, statement)
    assert status == 201, cbor2.loads(receipt)
    (workdir / "r.cose").write_bytes(receipt)
    key, kid = receipt_key(base)
    check_receipt(receipt, statement, key, kid, registry_origin(base))

    _, _, logs = http("GET", f"{base}/v1/logs")
    vkey = json.loads(logs)["logs"][0]["vkey"]
    res = run_lading("--json", "scitt", "verify", workdir / "s.cose", "--receipt", workdir / "r.cose", "--log-key", vkey)
    assert res.code == 0, res.stdout
    assert res.json()["valid"] is True

    # Refused, with concise problem details: a wrong subject, an unknown critical header, a stranger's key.
    stranger = ed25519.Ed25519PrivateKey.generate()
    for bad, want_status, want_title in [
        (pycose_statement(private, public, doc, "inspection-report/other"), 422, "Rejected"),
        (pycose_statement(private, public, doc, subject, {2: [-70000], -70000: 1}), 400, "Invalid Signed Statement"),
        (pycose_statement(stranger, stranger.public_key(), doc, subject), 403, "Unregistered Issuer"),
    ]:
        status, headers, body = register(base, token, bad)
        assert status == want_status, cbor2.loads(body)
        assert headers["content-type"] == "application/concise-problem-details+cbor"
        problem = cbor2.loads(body)
        assert problem[-1] == want_title and problem[-2], problem
