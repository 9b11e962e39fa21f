"""Verifiable Credential interop: lading's eddsa-jcs-2022 credentials against Digital Bazaar's libraries.

The independent implementation is `@digitalbazaar/vc` with `@digitalbazaar/data-integrity`,
`@digitalbazaar/eddsa-jcs-2022-cryptosuite` and `@digitalbazaar/ed25519-multikey` (pinned in
interop/vc/package.json, installed by scripts/test with `npm ci --prefix interop/vc`), driven by
interop/vc/verify.mjs with an offline document loader: contexts from the packages, did:key
documents derived from the identifier. Both directions are checked:

- `lading credential sign` output verifies with Digital Bazaar's `verifyCredential`, and any
  changed claim, proof field or issuer makes it fail there too;
- a credential Digital Bazaar signs (`vc.issue`, with the W3C test vector key pair) verifies with
  `lading credential verify`, and fails there once altered.

Missing `node` or node_modules fail the tests; they never skip.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from interop_helpers import require_node_packages, write_json

VC_DIR = Path(__file__).resolve().parent / "vc"
VERIFY_MJS = VC_DIR / "verify.mjs"
INSTALL_HINT = "run `npm ci --prefix interop/vc` (Node 20+ and npm, from the npm registry)"
NODE_TIMEOUT = 60
V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture(scope="session")
def dbvc():
    """dbvc(mode, *args) -> parsed JSON printed by interop/vc/verify.mjs."""
    node = require_node_packages(VC_DIR, INSTALL_HINT, (20, 0), "the VC interop tests")

    def run(mode: str, *args) -> dict:
        proc = subprocess.run([node, str(VERIFY_MJS), mode, *map(str, args)], capture_output=True, text=True, timeout=NODE_TIMEOUT)
        assert proc.stdout.strip(), f"verify.mjs printed nothing; stderr: {proc.stderr}"
        return json.loads(proc.stdout)

    return run


@pytest.fixture(scope="session")
def issuer(run_lading, session_dir):
    """(private key path, did:key) of an Ed25519 issuer made by lading."""
    prefix = session_dir / "vc-issuer"
    assert run_lading("key", "generate", "--out", prefix).code == 0
    shown = run_lading("--json", "key", "show", f"{prefix}.pub")
    assert shown.code == 0, shown.stderr
    return Path(f"{prefix}.key"), shown.json()["did"]


def certificate(did: str) -> dict:
    return {
        "@context": [V2],
        "id": "urn:uuid:2f1c7a52-8d0e-4b8e-9a61-0c7d3f0e5b11",
        "type": ["VerifiableCredential", "LadingCertificate"],
        "issuer": did,
        "validFrom": "2026-11-01T00:00:00Z",
        "validUntil": "2036-11-01T00:00:00Z",
        "name": "Conformity certificate — remote maintenance logs",
        "credentialSubject": {
            "id": "urn:lading:provider:acme-cloud-ops",
            "legalName": "Acme Cloud Ops (Shenzhen) Co., Ltd. 深圳",
            "scope": ["maintenance-log"],
            "profile": {"id": "urn:lading:profile:maintenance-log:reference", "version": "1.0.0"},
            "reportDigest": {"sha256": "ab" * 32},
        },
    }


@pytest.fixture(scope="session")
def signed_by_lading(run_lading, issuer, session_dir) -> Path:
    key, did = issuer
    unsigned = session_dir / "cert.unsigned.json"
    write_json(unsigned, certificate(did))
    out = session_dir / "cert.signed.json"
    res = run_lading("credential", "sign", unsigned, "--key", key, "--out", out, "--created", "2026-11-27T09:00:00Z")
    assert res.code == 0, res.stderr
    return out


def test_digital_bazaar_verifies_a_lading_credential(dbvc, signed_by_lading):
    result = dbvc("verify", signed_by_lading)
    assert result == {"verified": True}, result


@pytest.mark.parametrize(
    "path,value",
    [
        (("credentialSubject", "scope", 0), "saas-release"),
        (("credentialSubject", "legalName"), "Another Co."),
        (("validUntil",), "2099-01-01T00:00:00Z"),
        (("proof", "created"), "2026-11-27T09:00:01Z"),
        (("name",), "Conformity certificate"),
    ],
)
def test_digital_bazaar_rejects_an_altered_lading_credential(dbvc, run_lading, signed_by_lading, workdir, path, value):
    doc = json.loads(signed_by_lading.read_text(encoding="utf-8"))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    altered = workdir / "altered.json"
    write_json(altered, doc)
    assert dbvc("verify", altered)["verified"] is False
    res = run_lading("credential", "verify", altered, "--at", "2030-01-01T00:00:00Z")
    assert res.code == 1 and "not valid" in res.stderr, res.stderr


def test_digital_bazaar_rejects_a_credential_whose_issuer_is_not_the_signer(dbvc, run_lading, signed_by_lading, workdir):
    doc = json.loads(signed_by_lading.read_text(encoding="utf-8"))
    doc["issuer"] = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    altered = workdir / "issuer.json"
    write_json(altered, doc)
    assert dbvc("verify", altered)["verified"] is False
    res = run_lading("credential", "verify", altered)
    assert res.code == 1, res.stderr


def test_lading_verifies_a_credential_digital_bazaar_signed(dbvc, run_lading, vectors_dir, workdir):
    pair = json.loads((vectors_dir / "vc-di-eddsa" / "keyPair.json").read_text(encoding="utf-8"))
    did = f"did:key:{pair['publicKeyMultibase']}"
    unsigned = workdir / "unsigned.json"
    write_json(unsigned, certificate(did))
    signed = dbvc("sign", unsigned, pair["privateKeyMultibase"], pair["publicKeyMultibase"])
    assert signed.get("proof", {}).get("cryptosuite") == "eddsa-jcs-2022", signed
    path = workdir / "signed.json"
    write_json(path, signed)
    res = run_lading("--json", "credential", "verify", path)
    assert res.code == 0, res.stderr
    assert res.json()["issuer"] == did
    signed["credentialSubject"]["scope"] = ["inspection-report"]
    write_json(path, signed)
    res = run_lading("credential", "verify", path)
    assert res.code == 1 and "does not verify" in res.stderr, res.stderr


def test_lading_reproduces_the_w3c_signed_vector(run_lading, vectors_dir):
    """The W3C vector's proof verifies with lading (its issuer is a URL, not the did:key, so only
    the proof is checked here; `credential verify` also demands issuer == signer and refuses it)."""
    signed = vectors_dir / "vc-di-eddsa" / "eddsa-jcs-2022" / "signedJCS.json"
    res = run_lading("credential", "verify", signed)
    assert res.code == 1 and "names issuer https://vc.example/issuers/5678" in res.stderr, res.stderr


def test_digital_bazaar_verifies_the_demo_certificates_and_statement(dbvc, run_lading, tmp_path_factory):
    """`lading demo` issues three certificates (a certification body's: maintenance log, SaaS release,
    inspection report) and a compliance statement (the provider's); Digital Bazaar's verifier accepts
    all four as they are."""
    out = tmp_path_factory.mktemp("demo")
    res = run_lading("--json", "demo", "--keep", out)
    assert res.code == 0, res.stderr
    assert res.json()["verified"] is True
    trust = out / "trust"
    issued = sorted(trust.glob("certificate-*.json")) + [trust / "statement.json"]
    assert len(issued) == 4, issued
    for path in issued:
        assert dbvc("verify", path) == {"verified": True}, path
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["proof"]["cryptosuite"] == "eddsa-jcs-2022"
        assert doc["issuer"].startswith("did:key:z6Mk")
