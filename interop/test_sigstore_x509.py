"""Sigstore's own verifier accepts Lading's certificate-bound bundles.

`lading sign --cert CHAIN --tsa URL` (a P-256 chain; `lading serve --tsa-key` as the TSA) writes a
Sigstore bundle v0.3 with `x509CertificateChain` and an RFC 3161 timestamp whose
`signedTimestamp` is the whole DER TimeStampResp. Node's `@sigstore/verify` (pinned by
interop/sigstore/package-lock.json, driven by interop/sigstore/verify-x509.mjs) verifies it
offline against a trusted root naming the CA and the TSA, with timestampThreshold 1 and no
transparency or CT log — and refuses it without a timestamp, with a TSA it does not trust, or
with an altered payload.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from interop_helpers import b64d, b64e, require_node_packages
from test_tsa_openssl import hierarchy, ok, start_serve

SIGSTORE_DIR = Path(__file__).resolve().parent / "sigstore"
VERIFY_X509 = SIGSTORE_DIR / "verify-x509.mjs"
INSTALL_HINT = "run `npm ci --prefix interop/sigstore` (Node 20.17+ and npm, from the npm registry)"


@pytest.fixture(scope="module")
def node_verify_x509():
    node = require_node_packages(SIGSTORE_DIR, INSTALL_HINT, (20, 17), "the Sigstore X.509 interop tests")

    def run(bundle: Path, ca_chain: Path, tsa_chain: Path, artifact: Path | None = None) -> subprocess.CompletedProcess:
        extra = [] if artifact is None else [str(artifact)]
        return subprocess.run([node, str(VERIFY_X509), str(bundle), str(ca_chain), str(tsa_chain), *extra],
                              capture_output=True, text=True, timeout=60, cwd=SIGSTORE_DIR)

    return run


def concat(d: Path, out: str, *files: str) -> Path:
    (d / out).write_text("".join((d / f).read_text() for f in files))
    return d / out


def test_sigstore_verify_accepts_lading_x509_bundle_with_rfc3161_timestamp(run_lading, lading_bin, node_verify_x509,
                                                                           workdir):
    d = workdir
    hierarchy(run_lading, d)
    proc, base = start_serve(lading_bin, d)
    try:
        ok(run_lading("sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--tsa",
                      f"{base}/v1/timestamp", "--out", "b.json", cwd=d))
    finally:
        proc.kill()
        proc.wait()
    ok(run_lading("sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--out", "no-ts.json", cwd=d))
    bundle = json.loads((d / "b.json").read_text())
    assert len(bundle["verificationMaterial"]["x509CertificateChain"]["certificates"]) == 2
    assert len(bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]) == 1

    ca_chain = concat(d, "ca-chain.pem", "int.pem", "root.pem")
    tsa_chain = concat(d, "tsa-chain.pem", "tsa.pem", "root.pem")  # tsa.pem is the TSA and its intermediate
    res = node_verify_x509(d / "b.json", ca_chain, tsa_chain)
    assert res.returncode == 0 and res.stdout.startswith("OK application/vnd.in-toto+json"), res.stdout + res.stderr

    # No timestamp: threshold 1 is not met.
    res = node_verify_x509(d / "no-ts.json", ca_chain, tsa_chain)
    assert res.returncode == 1 and "TIMESTAMP_ERROR" in res.stderr, res.stdout + res.stderr

    # A TSA the trusted root does not name (another root's chain): the timestamp does not verify.
    ok(run_lading("key", "generate", "--alg", "p256", "--out", "other", cwd=d))
    ok(run_lading("pki", "init-ca", "--key", "other.key", "--subject", "CN=Other Root", "--out", "other.pem", cwd=d))
    res = node_verify_x509(d / "b.json", ca_chain, d / "other.pem")
    assert res.returncode == 1 and "TIMESTAMP_ERROR" in res.stderr, res.stdout + res.stderr

    # An altered payload: the DSSE signature fails.
    payload = b64d(bundle["dsseEnvelope"]["payload"]).replace(b'"', b"'", 1)
    bundle["dsseEnvelope"]["payload"] = b64e(payload)
    (d / "altered.json").write_text(json.dumps(bundle))
    res = node_verify_x509(d / "altered.json", ca_chain, tsa_chain)
    assert res.returncode == 1 and "SIGNATURE_ERROR" in res.stderr, res.stdout + res.stderr


def test_sigstore_verify_accepts_lading_p256_blob_bundle_with_chain_and_rfc3161_timestamp(run_lading, lading_bin,
                                                                                          node_verify_x509, workdir):
    """`lading sign-blob --cert CHAIN --tsa URL`: a v0.2 message-signature bundle (a chain is not allowed in
    v0.3) that @sigstore/verify accepts with timestampThreshold 1 and no transparency log."""
    d = workdir
    hierarchy(run_lading, d)
    (d / "app.tar").write_bytes(bytes(range(256)) * 300)
    proc, base = start_serve(lading_bin, d)
    try:
        ok(run_lading("sign-blob", "app.tar", "--key", "signer.key", "--cert", "signer.pem", "--tsa",
                      f"{base}/v1/timestamp", "--out", "blob.sigstore.json", cwd=d))
    finally:
        proc.kill()
        proc.wait()
    bundle = json.loads((d / "blob.sigstore.json").read_text())
    assert bundle["mediaType"] == "application/vnd.dev.sigstore.bundle+json;version=0.2"
    assert len(bundle["verificationMaterial"]["x509CertificateChain"]["certificates"]) == 2
    assert len(bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]) == 1

    ca_chain = concat(d, "ca-chain.pem", "int.pem", "root.pem")
    tsa_chain = concat(d, "tsa-chain.pem", "tsa.pem", "root.pem")
    res = node_verify_x509(d / "blob.sigstore.json", ca_chain, tsa_chain, d / "app.tar")
    assert res.returncode == 0 and res.stdout.startswith("OK messageSignature"), res.stdout + res.stderr

    # Lading agrees, and takes the signing time from the token.
    res = run_lading("verify-blob", "app.tar", "--bundle", "blob.sigstore.json", "--ca", "root.pem",
                     "--tsa-ca", "root.pem", "--json", cwd=d)
    ok(res)
    assert json.loads(res.stdout)["time_source"].startswith("RFC 3161 timestamp by CN=TS Authority")

    # Another file: the message digest does not match.
    (d / "other.tar").write_bytes(b"other")
    res = node_verify_x509(d / "blob.sigstore.json", ca_chain, tsa_chain, d / "other.tar")
    assert res.returncode == 1, res.stdout + res.stderr

    # Without the timestamp the threshold of 1 is not met.
    del bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]
    (d / "no-ts.json").write_text(json.dumps(bundle))
    res = node_verify_x509(d / "no-ts.json", ca_chain, tsa_chain, d / "app.tar")
    assert res.returncode == 1 and "TIMESTAMP_ERROR" in res.stderr, res.stdout + res.stderr
