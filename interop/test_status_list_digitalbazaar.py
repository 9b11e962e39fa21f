"""W3C Bitstring Status List interop: lading's status lists and entries against Digital Bazaar's
`@digitalbazaar/vc-bitstring-status-list` (pinned in interop/vc/package.json, installed by
scripts/test with `npm ci --prefix interop/vc`), driven by interop/vc/status.mjs offline (the
lists are served to the library's document loader from files, by their id).

Both directions:

- a certificate `lading certify issue --status-list --suspension-list` made, and the lists
  `lading status-list new` / `certify suspend` / `certify revoke` wrote, pass Digital Bazaar's
  `checkStatus` (each list's eddsa-jcs-2022 proof verified, issuers matching, purposes matching)
  with the bits lading set, and `decodeList` reads exactly those bits; a list of another issuer is
  refused there as here;
- a list Digital Bazaar made and signed (`createList`, `createCredential`, `vc.issue`) is read by
  `lading status-list show` and `lading credential verify --status-list`.

Missing `node` or node_modules fail the tests; they never skip.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from interop_helpers import require_node_packages, write_json

VC_DIR = Path(__file__).resolve().parent / "vc"
STATUS_MJS = VC_DIR / "status.mjs"
VERIFY_MJS = VC_DIR / "verify.mjs"
INSTALL_HINT = "run `npm ci --prefix interop/vc` (Node 20+ and npm, from the npm registry)"
NODE_TIMEOUT = 60
V2 = "https://www.w3.org/ns/credentials/v2"
REV_URL = "https://cb.example/status/revocation/1"
SUSP_URL = "https://cb.example/status/suspension/1"


@pytest.fixture(scope="session")
def node():
    return require_node_packages(VC_DIR, INSTALL_HINT, (20, 0), "the status list interop tests")


def db(node, script: Path, mode: str, *args) -> dict:
    proc = subprocess.run([node, str(script), mode, *map(str, args)], capture_output=True, text=True, timeout=NODE_TIMEOUT)
    assert proc.stdout.strip(), f"{script.name} printed nothing; stderr: {proc.stderr}"
    return json.loads(proc.stdout)


def lading_ok(run_lading, *args):
    res = run_lading(*args)
    assert res.code == 0, f"lading {args}: {res.stderr}"
    return res


@pytest.fixture()
def certified(run_lading, workdir):
    """A certification body's lists and a certificate issued with both entries (cwd = workdir)."""
    lading_ok(run_lading, "key", "generate", "--out", workdir / "cb")
    lading_ok(run_lading, "key", "generate", "--out", workdir / "other")
    for out, url, purpose in [("rev.json", REV_URL, "revocation"), ("susp.json", SUSP_URL, "suspension")]:
        lading_ok(run_lading, "status-list", "new", "--key", workdir / "cb.key", "--url", url, "--purpose", purpose,
                  "--out", workdir / out)
    report = {
        "format": "lading-conformity-report/v1",
        "profile_id": "urn:lading:profile:maintenance-log:reference",
        "profile_version": "1.0.0",
        "profile_sha256": "ab" * 32,
        "deliverable_kind": "maintenance-log",
        "evaluated_at": "2026-11-27T09:00:00Z",
        "provider_key_id": "cd" * 32,
        "deliverables": [],
        "results": [],
        "passed": True,
    }
    write_json(workdir / "report.json", report)
    lading_ok(run_lading, "certify", "issue", "--report", workdir / "report.json", "--key", workdir / "cb.key",
              "--provider-id", "acme", "--provider-name", "Acme", "--status-list", workdir / "rev.json",
              "--suspension-list", workdir / "susp.json", "--out", workdir / "cert.json")
    return workdir


def indexes(cert: Path) -> dict[str, int]:
    doc = json.loads(cert.read_text(encoding="utf-8"))
    return {e["statusPurpose"]: int(e["statusListIndex"]) for e in doc["credentialStatus"]}


def test_digital_bazaar_checks_the_status_of_a_lading_certificate(node, run_lading, certified):
    d = certified
    cert = d / "cert.json"
    entries = json.loads(cert.read_text(encoding="utf-8"))["credentialStatus"]
    assert [e["type"] for e in entries] == ["BitstringStatusListEntry"] * 2
    assert all(isinstance(e["statusListIndex"], str) for e in entries)
    at = indexes(cert)

    result = db(node, STATUS_MJS, "check", cert, d / "rev.json", d / "susp.json")
    assert result["verified"] is True, result
    assert {s["statusPurpose"]: s["status"] for s in result["statuses"]} == {"revocation": False, "suspension": False}

    lading_ok(run_lading, "certify", "suspend", cert, "--status-list", d / "susp.json", "--key", d / "cb.key",
              "--reason", "audit")
    result = db(node, STATUS_MJS, "check", cert, d / "rev.json", d / "susp.json")
    assert result["verified"] is True, result
    assert {s["statusPurpose"]: s["status"] for s in result["statuses"]} == {"revocation": False, "suspension": True}
    assert db(node, STATUS_MJS, "decode", d / "susp.json") == {"length": 131072, "set": [at["suspension"]]}

    lading_ok(run_lading, "certify", "revoke", cert, "--status-list", d / "rev.json", "--key", d / "cb.key",
              "--reason", "fraud")
    result = db(node, STATUS_MJS, "check", cert, d / "rev.json", d / "susp.json")
    assert {s["statusPurpose"]: s["status"] for s in result["statuses"]} == {"revocation": True, "suspension": True}
    assert db(node, STATUS_MJS, "decode", d / "rev.json") == {"length": 131072, "set": [at["revocation"]]}
    # The list credential itself (with lading's sequenceNumber and statusChanges) verifies there.
    assert db(node, VERIFY_MJS, "verify", d / "rev.json") == {"verified": True}


def test_digital_bazaar_refuses_a_list_of_another_issuer_as_lading_does(node, run_lading, certified):
    d = certified
    lading_ok(run_lading, "status-list", "new", "--key", d / "other.key", "--url", REV_URL, "--purpose", "revocation",
              "--out", d / "foreign.json")
    result = db(node, STATUS_MJS, "check", d / "cert.json", d / "foreign.json", d / "susp.json")
    assert result["verified"] is False and "Issuers" in result["error"], result
    res = run_lading("credential", "verify", d / "cert.json", "--status-list", d / "foreign.json",
                     "--status-list", d / "susp.json")
    assert res.code == 1 and "not by the credential's issuer" in res.stderr, res.stderr


def test_lading_reads_a_list_digital_bazaar_made(node, run_lading, vectors_dir, workdir):
    pair = json.loads((vectors_dir / "vc-di-eddsa" / "keyPair.json").read_text(encoding="utf-8"))
    secret, public = pair["privateKeyMultibase"], pair["publicKeyMultibase"]
    url = "https://dbvc.example/status/7"
    made = db(node, STATUS_MJS, "make", url, "revocation", 131072 * 2, "0,77,262143", secret, public)
    assert made.get("proof", {}).get("cryptosuite") == "eddsa-jcs-2022", made
    write_json(workdir / "db-list.json", made)
    shown = lading_ok(run_lading, "--json", "status-list", "show", workdir / "db-list.json", "--index", "77").json()
    assert (shown["entries"], shown["set"], shown["purpose"]) == (262144, 3, "revocation")
    assert shown["issuer"] == f"did:key:{public}" and shown["index"]["value"] == 1

    # A credential Digital Bazaar signs, pointing at index 77 (revoked) or 78 (valid) of its list.
    for index, status, code in [(77, "revoked", 1), (78, "valid", 0)]:
        unsigned = {
            "@context": [V2],
            "id": f"urn:uuid:6a4f5a2e-0c55-4d3f-8a0e-00000000000{index % 10}",
            "type": ["VerifiableCredential"],
            "issuer": f"did:key:{public}",
            "credentialSubject": {"id": "urn:example:subject"},
            "credentialStatus": {"id": f"{url}#{index}", "type": "BitstringStatusListEntry",
                                 "statusPurpose": "revocation", "statusListIndex": str(index),
                                 "statusListCredential": url},
        }
        write_json(workdir / "unsigned.json", unsigned)
        signed = db(node, VERIFY_MJS, "sign", workdir / "unsigned.json", secret, public)
        write_json(workdir / "cred.json", signed)
        res = run_lading("--json", "credential", "verify", workdir / "cred.json", "--status-list", workdir / "db-list.json")
        assert res.code == code, res.stderr
        assert res.json()["status"] == status
        assert res.json()["statuses"][0]["version"] is None
