"""Sigstore bundle interop: `lading sigstore-bundle` output verified by Sigstore's own verifier.

The verifier is Sigstore's JavaScript library `@sigstore/verify` (pinned in
interop/sigstore/package.json, installed with `npm ci --prefix interop/sigstore`),
driven by interop/sigstore/verify.mjs. It verifies offline: the provider's public
key is the only trust material, registered under lading's key id (hex SHA-256 of
the SPKI DER), and no transparency log, CT log or timestamp is required.

Missing `node` or missing node_modules fail the tests; they never skip.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest

from interop_helpers import (
    DOC_KINDS,
    PAYLOAD_TYPE,
    b64d,
    b64e,
    flip_byte,
    require_node_packages,
    spki_keyid_from_pem,
    write_json,
)

ALGS = ("ed25519", "p256")
BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json"
SIGSTORE_DIR = Path(__file__).resolve().parent / "sigstore"
VERIFY_MJS = SIGSTORE_DIR / "verify.mjs"
NODE_MIN = (20, 17)
NODE_TIMEOUT = 60
INSTALL_HINT = "run `npm ci --prefix interop/sigstore` (Node 20.17+ and npm, from the npm registry)"


@pytest.fixture(scope="session")
def node_verify():
    """node_verify(bundle_path, pubkey_path, hint=None, artifact=None) -> CompletedProcess (text)."""
    node = require_node_packages(SIGSTORE_DIR, INSTALL_HINT, NODE_MIN, "the Sigstore interop tests")

    def run(
        bundle: Path, pubkey: Path, hint: str | None = None, artifact: Path | None = None
    ) -> subprocess.CompletedProcess:
        cmd = [node, str(VERIFY_MJS), str(bundle), str(pubkey)]
        if hint is not None:
            cmd += ["--hint", hint]
        if artifact is not None:
            cmd += ["--artifact", str(artifact)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=NODE_TIMEOUT, cwd=SIGSTORE_DIR)

    return run


def export_bundle(run_lading, source: Path, out: Path) -> dict:
    res = run_lading("sigstore-bundle", source, "--out", out)
    assert res.code == 0, f"lading sigstore-bundle {source.name} failed: {res.stderr}"
    return json.loads(out.read_text(encoding="utf-8"))


def sign_and_export(run_lading, workdir: Path, doc: Path, key: Path) -> tuple[dict, dict, Path]:
    env_path = workdir / "envelope.json"
    res = run_lading("sign", doc, "--key", key, "--out", env_path)
    assert res.code == 0, f"lading sign failed: {res.stderr}"
    bundle_path = workdir / "bundle.json"
    bundle = export_bundle(run_lading, env_path, bundle_path)
    return json.loads(env_path.read_text(encoding="utf-8")), bundle, bundle_path


def assert_accepted(proc: subprocess.CompletedProcess, what: str) -> None:
    assert proc.returncode == 0, f"@sigstore/verify rejected {what}:\n{proc.stderr}{proc.stdout}"
    assert proc.stdout.startswith("OK "), proc.stdout


def assert_rejected(proc: subprocess.CompletedProcess, what: str, reason: str) -> None:
    assert proc.returncode == 1, f"@sigstore/verify accepted {what} (rc={proc.returncode}):\n{proc.stdout}{proc.stderr}"
    assert reason in proc.stderr, f"{what}: expected {reason!r} in:\n{proc.stderr}"


@pytest.fixture
def other_key(run_lading, workdir):
    """other_key(alg) -> (private, public) of a fresh key lading did not sign with."""

    def make(alg: str) -> tuple[Path, Path]:
        prefix = workdir / f"other-{alg}"
        res = run_lading("key", "generate", "--alg", alg, "--out", prefix)
        assert res.code == 0, res.stderr
        return Path(f"{prefix}.key"), Path(f"{prefix}.pub")

    return make


# --- the bundle lading writes ---------------------------------------------------------------


@pytest.mark.parametrize("alg", ALGS)
def test_bundle_carries_the_envelope_and_the_keyid_hint(run_lading, workdir, documents, lading_key, alg):
    priv, pub, keyid = lading_key(alg)
    env, bundle, _ = sign_and_export(run_lading, workdir, documents["maintenance-event"], priv)

    assert bundle["mediaType"] == BUNDLE_V03
    vm = bundle["verificationMaterial"]
    assert vm["publicKey"]["hint"] == keyid == spki_keyid_from_pem(pub.read_bytes())
    assert vm["tlogEntries"] == []
    assert bundle["dsseEnvelope"]["payloadType"] == PAYLOAD_TYPE
    assert b64d(bundle["dsseEnvelope"]["payload"]) == b64d(env["payload"])
    assert [b64d(s["sig"]) for s in bundle["dsseEnvelope"]["signatures"]] == [b64d(s["sig"]) for s in env["signatures"]]


# --- @sigstore/verify accepts lading's bundles -----------------------------------------------


@pytest.mark.parametrize("kind", DOC_KINDS)
@pytest.mark.parametrize("alg", ALGS)
def test_sigstore_verify_accepts_lading_bundle(run_lading, workdir, documents, lading_key, node_verify, alg, kind):
    priv, pub, keyid = lading_key(alg)
    _, _, bundle_path = sign_and_export(run_lading, workdir, documents[kind], priv)

    proc = node_verify(bundle_path, pub)
    assert_accepted(proc, f"the {alg} bundle of {kind}")
    assert f"hint={keyid}" in proc.stdout


# --- and rejects tampered bundles or the wrong key --------------------------------------------


@pytest.mark.parametrize("alg", ALGS)
def test_sigstore_verify_rejects_tampered_payload(run_lading, workdir, documents, lading_key, node_verify, alg):
    priv, pub, _ = lading_key(alg)
    _, bundle, _ = sign_and_export(run_lading, workdir, documents["maintenance-event"], priv)
    payload = b64d(bundle["dsseEnvelope"]["payload"])

    for index in (0, len(payload) // 2, len(payload) - 1):
        bad = copy.deepcopy(bundle)
        bad["dsseEnvelope"]["payload"] = b64e(flip_byte(payload, index))
        path = write_json(workdir / f"tampered-payload-{index}.json", bad)
        assert_rejected(node_verify(path, pub), f"a bundle with payload byte {index} flipped", "SIGNATURE_ERROR")


@pytest.mark.parametrize("alg", ALGS)
def test_sigstore_verify_rejects_tampered_signature_and_payload_type(
    run_lading, workdir, documents, lading_key, node_verify, alg
):
    priv, pub, _ = lading_key(alg)
    _, bundle, _ = sign_and_export(run_lading, workdir, documents["maintenance-event"], priv)

    bad_sig = copy.deepcopy(bundle)
    sig = b64d(bad_sig["dsseEnvelope"]["signatures"][0]["sig"])
    bad_sig["dsseEnvelope"]["signatures"][0]["sig"] = b64e(flip_byte(sig, len(sig) - 1))
    path = write_json(workdir / "tampered-sig.json", bad_sig)
    assert_rejected(node_verify(path, pub), "a bundle with a flipped signature byte", "SIGNATURE_ERROR")

    bad_type = copy.deepcopy(bundle)
    bad_type["dsseEnvelope"]["payloadType"] = "application/json"
    path = write_json(workdir / "tampered-type.json", bad_type)
    assert_rejected(node_verify(path, pub), "a bundle with another payloadType", "SIGNATURE_ERROR")


@pytest.mark.parametrize("alg", ALGS)
def test_sigstore_verify_rejects_another_key(run_lading, workdir, documents, lading_key, other_key, node_verify, alg):
    priv, _, keyid = lading_key(alg)
    _, _, bundle_path = sign_and_export(run_lading, workdir, documents["maintenance-event"], priv)

    for other_alg in ALGS:
        _, other_pub = other_key(other_alg)
        # Registered under its own key id, the other key is not the one the hint names.
        assert_rejected(node_verify(bundle_path, other_pub), f"the {alg} bundle with a {other_alg} key", "key not found")
        # Registered under the bundle's hint, it reaches the signature check and fails there.
        assert_rejected(
            node_verify(bundle_path, other_pub, hint=keyid),
            f"the {alg} bundle with a {other_alg} key trusted under its hint",
            "SIGNATURE_ERROR",
        )


@pytest.mark.parametrize("alg", ALGS)
def test_sigstore_verify_rejects_changed_hint(run_lading, workdir, documents, lading_key, node_verify, alg):
    priv, pub, keyid = lading_key(alg)
    _, bundle, _ = sign_and_export(run_lading, workdir, documents["maintenance-event"], priv)

    bad = copy.deepcopy(bundle)
    bad["verificationMaterial"]["publicKey"]["hint"] = "0" * len(keyid)
    path = write_json(workdir / "other-hint.json", bad)
    assert_rejected(node_verify(path, pub), "a bundle whose hint names another key", "key not found")


# --- release packages ------------------------------------------------------------------------


def pack_release(run_lading, workdir: Path, key: Path) -> Path:
    tree = workdir / "tree"
    (tree / "bin").mkdir(parents=True)
    (tree / "bin" / "svc").write_bytes(b"#!/bin/sh\necho svc 1.0.0\n")
    (tree / "README.md").write_text("svc 1.0.0\n", encoding="utf-8")
    out = workdir / "r.lading"
    res = run_lading(
        "release", "pack", tree,
        "--name", "svc", "--version", "1.0.0",
        "--provider", "Example Provider GmbH", "--registration-id", "HRB-12345",
        "--availability", "99.9", "--support-hours", "24x7",
        "--data-location", "DE", "--region", "eu",
        "--source-repo", "https://example.invalid/r", "--commit", "abcdef1",
        "--key", key, "--out", out,
    )  # fmt: skip
    assert res.code == 0, f"lading release pack failed: {res.stderr}"
    return out


@pytest.mark.parametrize("alg", ALGS)
def test_sigstore_verify_accepts_release_package_bundle(run_lading, workdir, lading_key, node_verify, alg):
    priv, pub, keyid = lading_key(alg)
    package = pack_release(run_lading, workdir, priv)
    bundle_path = workdir / "release-bundle.json"
    bundle = export_bundle(run_lading, package, bundle_path)

    assert bundle["mediaType"] == BUNDLE_V03
    assert bundle["verificationMaterial"]["publicKey"]["hint"] == keyid
    statement = json.loads(b64d(bundle["dsseEnvelope"]["payload"]))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"

    assert_accepted(node_verify(bundle_path, pub), f"the {alg} release package bundle")

    payload = b64d(bundle["dsseEnvelope"]["payload"])
    bad = copy.deepcopy(bundle)
    bad["dsseEnvelope"]["payload"] = b64e(flip_byte(payload, len(payload) // 2))
    path = write_json(workdir / "tampered-release.json", bad)
    assert_rejected(node_verify(path, pub), "a tampered release package bundle", "SIGNATURE_ERROR")


# --- blobs: `lading sign-blob` message-signature bundles --------------------------------------


def sign_blob(run_lading, workdir: Path, priv: Path, data: bytes) -> tuple[Path, Path, dict]:
    blob = workdir / "artifact.bin"
    blob.write_bytes(data)
    out = workdir / "artifact.sigstore.json"
    res = run_lading("sign-blob", blob, "--key", priv, "--out", out)
    assert res.code == 0, f"lading sign-blob failed: {res.stderr}"
    return blob, out, json.loads(out.read_text(encoding="utf-8"))


# @sigstore/verify checks a message signature with Node's crypto.verify("sha256", ...), which
# Node refuses for Ed25519 keys ("invalid digest"), so only P-256 blob bundles reach it; Ed25519
# ones are checked with Python `cryptography` below (the signature over the file's bytes).
@pytest.mark.parametrize("alg", ["p256"])
def test_sigstore_verify_accepts_lading_blob_bundle(run_lading, workdir, lading_key, node_verify, alg):
    import hashlib

    priv, pub, keyid = lading_key(alg)
    data = bytes(range(256)) * 300
    blob, bundle_path, bundle = sign_blob(run_lading, workdir, priv, data)
    digest = bundle["messageSignature"]["messageDigest"]
    assert digest["algorithm"] == "SHA2_256"
    assert b64d(digest["digest"]) == hashlib.sha256(data).digest()
    proc = node_verify(bundle_path, pub, artifact=blob)
    assert_accepted(proc, f"the {alg} blob bundle")
    assert f"hint={keyid}" in proc.stdout and "messageSignature" in proc.stdout


@pytest.mark.parametrize("alg", ["p256"])
def test_sigstore_verify_rejects_a_changed_blob_or_another_key(
    run_lading, workdir, lading_key, other_key, node_verify, alg
):
    priv, pub, keyid = lading_key(alg)
    blob, bundle_path, _ = sign_blob(run_lading, workdir, priv, b"release 1.0\n" * 1000)
    changed = workdir / "changed.bin"
    changed.write_bytes(flip_byte(blob.read_bytes(), 5000))
    proc = node_verify(bundle_path, pub, artifact=changed)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    _, other_pub = other_key(alg)
    proc = node_verify(bundle_path, other_pub, hint=keyid, artifact=blob)
    assert proc.returncode == 1, proc.stdout + proc.stderr


@pytest.mark.parametrize("alg", ALGS)
def test_cryptography_verifies_the_blob_signature_over_the_file(run_lading, workdir, lading_key, alg):
    import hashlib

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    priv, pub, _ = lading_key(alg)
    data = b"any file at all\n" * 4096
    blob, _, bundle = sign_blob(run_lading, workdir, priv, data)
    assert b64d(bundle["messageSignature"]["messageDigest"]["digest"]) == hashlib.sha256(data).digest()
    signature = b64d(bundle["messageSignature"]["signature"])
    key = serialization.load_pem_public_key(pub.read_bytes())
    if alg == "p256":
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    else:
        key.verify(signature, data)
    with pytest.raises(Exception):
        changed = flip_byte(data, 100)
        if alg == "p256":
            key.verify(signature, changed, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(signature, changed)
