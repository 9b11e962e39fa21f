"""Maintenance-log segments against independent code: the segment document's
DSSE envelope is verified by securesystemslib, the checkpoint's signed note
by `cryptography` (Ed25519 over the note text, C2SP signed-note format),
every event's bytes are checked to be the RFC 8785 form computed by the
`rfc8785` package, and the segment's Merkle root is recomputed with hashlib
(RFC 9162 §2.1.1). The same checks run on a stream whose key is in a SoftHSM2 token."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key
import rfc8785
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

from interop_helpers import create_stream

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "maint"


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 Merkle Tree Hash of leaf hashes."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def _segment(run_lading, workdir, key=None):
    data = create_stream(run_lading, workdir, key=key)
    for name, fmt in [("events.jsonl", "jsonl"), ("syslog.log", "syslog"), ("otlp.jsonl", "otlp-json")]:
        res = run_lading("maint", "ingest", "fleet", str(SAMPLES / name), "--data", data, "--format", fmt)
        assert res.code == 0, res.stderr
    out = workdir / "seg.lading"
    res = run_lading("maint", "export", "fleet", "--data", data, "--from", "3", "--to", "37", "--out", str(out))
    assert res.code == 0, res.stderr
    with zipfile.ZipFile(out) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_independent_checks_of_a_segment(run_lading, workdir):
    _check_segment(_segment(run_lading, workdir), workdir)


SOFTHSM_MODULES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"]


def test_independent_checks_of_a_segment_whose_stream_key_is_in_softhsm2(run_lading, workdir, monkeypatch):
    """The same checks when the stream's key never leaves a SoftHSM2 token: the stream keeps its
    URI, ingest and export sign in the token, and the public key is the one the token holds."""
    module = next((m for m in SOFTHSM_MODULES if os.path.isfile(m)), None)
    if module is None or shutil.which("softhsm2-util") is None:
        pytest.fail("SoftHSM2 is required: apt-get install softhsm2 (scripts/test installs it)", pytrace=False)
    (workdir / "tokens").mkdir()
    conf = workdir / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {workdir / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "ops", "--pin", "1111", "--so-pin", "2222"],
                   check=True, capture_output=True)
    (workdir / "pin").write_text("1111\n")
    uri = f"pkcs11:token=ops;object=stream?module-path={module}&pin-source=file:{workdir / 'pin'}"
    res = run_lading("key", "generate", "--alg", "ed25519", "--pkcs11", uri, "--out", workdir / "k")
    assert res.code == 0, res.stderr
    assert not (workdir / "k.key").exists()
    files = _segment(run_lading, workdir, key=uri)
    assert (workdir / "data" / "streams" / "fleet" / "log.key").read_text().startswith("pkcs11:")
    _check_segment(files, workdir)


def _check_segment(files, workdir):
    public = load_pem_public_key((workdir / "k.pub").read_bytes())
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    segment = json.loads(files["segment.json"])

    # 1. securesystemslib verifies the signed segment document.
    envelope = json.loads(files["segment.dsse.json"])
    keyid = envelope["signatures"][0]["keyid"]
    key = SSlibKey(keyid, "ed25519", "ed25519", {"public": raw.hex()})
    assert keyid in Envelope.from_dict(envelope).verify([key], 1)
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["predicateType"] == "urn:lading:maintenance-segment:v1"
    assert rfc8785.dumps(statement["predicate"]) == files["segment.json"]

    # 2. The checkpoint note: Ed25519 over the text, key hash = SHA-256(name \n 0x01 key)[:4].
    note = files["checkpoint.txt"].decode()
    text, sigs = note.split("\n\n", 1)
    text += "\n"
    origin, size, root_b64 = text.splitlines()[:3]
    line = sigs.splitlines()[0]
    assert line.startswith("\u2014 " + origin + " ")
    blob = base64.b64decode(line.rsplit(" ", 1)[1])
    assert blob[:4] == hashlib.sha256(origin.encode() + b"\n\x01" + raw).digest()[:4]
    public.verify(blob[4:], text.encode())
    assert segment["checkpoint"]["tree_size"] == int(size) == 39
    assert segment["checkpoint"]["root_hash"] == base64.b64decode(root_b64).hex()
    assert segment["checkpoint"]["note_sha256"] == hashlib.sha256(files["checkpoint.txt"]).hexdigest()

    # 3. Every event is exactly its RFC 8785 form; sequences are contiguous.
    lines = files["events.jsonl"].split(b"\n")[:-1]
    assert len(lines) == segment["event_count"] == 34
    for i, line in enumerate(lines):
        event = json.loads(line)
        assert rfc8785.dumps(event) == line
        assert event["sequence"] == segment["first_sequence"] + i

    # 4. The Merkle root over the events, recomputed here.
    leaves = [hashlib.sha256(b"\x00" + line).digest() for line in lines]
    assert _mth(leaves).hex() == segment["merkle_root"]

    # A changed event no longer matches the root.
    forged = [hashlib.sha256(b"\x00" + lines[0].replace(b"success", b"failure", 1)).digest()] + leaves[1:]
    assert _mth(forged).hex() != segment["merkle_root"]
