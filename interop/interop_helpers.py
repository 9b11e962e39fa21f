"""Helpers shared by the interop tests.

Everything here is written from the public specifications (DSSE protocol,
in-toto Statement v1, RFC 8785, RFC 5280 SPKI) using third-party libraries, so
that nothing in a check depends on lading's own code.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import rfc8785
from cryptography.hazmat.primitives import serialization

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"

DOC_KINDS = (
    "inspection-report",
    "maintenance-event",
    "maintenance-segment",
    "saas-release",
)

# Fixed ids and timestamps keep `lading new` output deterministic.
DOC_IDS = {
    "inspection-report": "0b7f2a3c-1d4e-4f5a-8b6c-7d8e9f0a1b2c",
    "maintenance-event": "1c8a3b4d-2e5f-4a6b-9c7d-8e9f0a1b2c3d",
    "maintenance-segment": "2d9b4c5e-3f6a-4b7c-8d8e-9f0a1b2c3d4e",
    "saas-release": "3e0c5d6f-4a7b-4c8d-9e9f-0a1b2c3d4e5f",
}
CREATED_AT = "2025-03-14T09:26:53Z"

SM2_DEFAULT_ID = "1234567812345678"


def pae(payload_type: str | bytes, payload: bytes) -> bytes:
    """DSSE v1 Pre-Authentication Encoding, as written in the DSSE protocol."""
    if isinstance(payload_type, str):
        payload_type = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(payload), payload)


def b64d(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def flip_byte(data: bytes, index: int, mask: int = 0x01) -> bytes:
    """Returns `data` with one bit of byte `index` flipped (the result differs)."""
    out = bytearray(data)
    out[index] ^= mask
    assert bytes(out) != data
    return bytes(out)


def spki_keyid_from_pem(pem: bytes) -> str:
    """Key id = lowercase hex SHA-256 of the SPKI DER, computed with `cryptography`."""
    key = serialization.load_pem_public_key(pem)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def spki_pem(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def pkcs8_pem(private_key) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def build_statement(doc: dict, extra_digests: dict[str, str] | None = None) -> dict:
    """An in-toto Statement v1 over a lading document, built independently.

    subject[0] names the document (`KIND/ID`) with the SHA-256 of the RFC 8785
    form of the document (computed by the `rfc8785` package).
    """
    kind = doc["meta"]["kind"]
    digest = {"sha256": hashlib.sha256(rfc8785.dumps(doc)).hexdigest()}
    if extra_digests:
        digest.update(extra_digests)
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": f"{kind}/{doc['meta']['id']}", "digest": digest}],
        "predicateType": f"urn:lading:{kind}:v1",
        "predicate": doc,
    }


def envelope_json(payload: bytes, sigs: list[tuple[str | None, bytes]], payload_type: str = PAYLOAD_TYPE) -> dict:
    """A DSSE envelope in its JSON form; a keyid of None leaves the field out."""
    signatures = []
    for keyid, sig in sigs:
        entry = {"sig": b64e(sig)}
        if keyid is not None:
            entry["keyid"] = keyid
        signatures.append(entry)
    return {"payload": b64e(payload), "payloadType": payload_type, "signatures": signatures}


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")
    return path


def create_stream(run_lading, workdir: Path, name: str = "fleet", key: str | None = None) -> str:
    """A maintenance stream `name` in workdir/data with a fresh key (workdir/k.key), or with `key`
    (a pkcs11: URI whose public key is in workdir/k.pub); returns the data dir."""
    if key is None:
        assert run_lading("key", "generate", "--out", str(workdir / "k")).code == 0
        key = str(workdir / "k.key")
    data = str(workdir / "data")
    res = run_lading(
        "maint", "stream", "create", name, "--data", data, "--key", key,
        "--provider", "Suzhou Example Cloud Operations Co., Ltd.", "--registration-id", "91320500MA1EXAMPLE",
    )
    assert res.code == 0, res.stderr
    return data


def require_node_packages(package_dir: Path, install_hint: str, minimum: tuple[int, int], who: str) -> str:
    """The `node` binary, once Node >= `minimum` and every dependency pinned in
    `package_dir`/package.json is installed at its pinned version; otherwise the
    calling test fails (never skips) saying what is missing and how to install it."""
    import re
    import shutil
    import subprocess

    import pytest

    node = shutil.which("node")
    if node is None:
        pytest.fail(
            f"`node` is not on PATH; {who} need Node.js {minimum[0]}.{minimum[1]}+ and npm "
            f"(e.g. apt-get install nodejs npm), then {install_hint}",
            pytrace=False,
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    m = re.match(r"v(\d+)\.(\d+)", version)
    if not m or (int(m.group(1)), int(m.group(2))) < minimum:
        pytest.fail(f"Node {minimum[0]}.{minimum[1]}+ is required by {who}, found {version!r}", pytrace=False)
    wanted = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for name, pin in wanted.items():
        installed = package_dir / "node_modules" / name / "package.json"
        if not installed.is_file():
            pytest.fail(f"{name} is not installed under {package_dir / 'node_modules'}: {install_hint}", pytrace=False)
        got = json.loads(installed.read_text(encoding="utf-8"))["version"]
        if got != pin:
            pytest.fail(f"{name} {got} is installed but package.json pins {pin}: {install_hint}", pytrace=False)
    return node
