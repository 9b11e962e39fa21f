"""SaaS release packages against independent tools: an SBOM produced by the
real CycloneDX generator for Python (cyclonedx-py) is read by
`lading release pack`, and the signed release manifest inside the `.lading`
package is verified by securesystemslib."""

import base64
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

CYCLONEDX_PY = Path(sys.executable).parent / "cyclonedx-py"

PACK_FLAGS = [
    "--provider", "Example Cloud Ltd", "--registration-id", "91440300EXAMPLE",
    "--availability", "99.9", "--support-hours", "24x7", "--data-location", "DE",
    "--region", "eu-central-1", "--source-repo", "https://git.example.invalid/svc", "--commit", "4f1c2d9",
]


def _generate_sbom(out: Path, spec: str) -> dict:
    assert CYCLONEDX_PY.exists(), f"cyclonedx-py is missing from the venv ({CYCLONEDX_PY}); install interop/requirements.txt"
    subprocess.run(
        [str(CYCLONEDX_PY), "environment", "--of", "JSON", "--sv", spec, "-o", str(out), sys.executable],
        check=True, capture_output=True,
    )
    return json.loads(out.read_text())


def _components(bom: dict) -> int:
    def walk(items):
        for c in items or []:
            yield c
            yield from walk(c.get("components"))
    return len(list(walk(bom.get("components"))))


@pytest.mark.parametrize("spec", ["1.4", "1.5", "1.6"])
def test_lading_reads_a_cyclonedx_py_sbom(run_lading, workdir, spec):
    tree = workdir / "release"
    (tree / "bin").mkdir(parents=True)
    (tree / "bin" / "app").write_bytes(b"app v1\n")
    bom = _generate_sbom(tree / "sbom.cdx.json", spec)
    assert bom["specVersion"] == spec
    res = run_lading("key", "generate", "--out", str(workdir / "k"))
    assert res.code == 0, res.stderr
    res = run_lading(
        "--json", "release", "pack", str(tree), "--name", "svc", "--version", "1.0.0",
        "--sbom", str(tree / "sbom.cdx.json"), "--key", str(workdir / "k.key"),
        "--out", str(workdir / "r.lading"), *PACK_FLAGS,
    )
    assert res.code == 0, res.stderr
    reply = json.loads(res.stdout)
    sbom = reply["sboms"][0]
    assert sbom["format"] == "cyclonedx" and sbom["spec_version"] == spec
    assert sbom["component_count"] == _components(bom) > 0


@pytest.mark.parametrize("alg", ["ed25519", "p256"])
def test_securesystemslib_verifies_the_release_manifest(run_lading, workdir, alg):
    tree = workdir / "release"
    tree.mkdir()
    (tree / "app").write_bytes(b"app\n")
    assert run_lading("key", "generate", "--alg", alg, "--out", str(workdir / "k")).code == 0
    res = run_lading(
        "release", "pack", str(tree), "--name", "svc", "--version", "2.0.0",
        "--key", str(workdir / "k.key"), "--out", str(workdir / "r.lading"), *PACK_FLAGS,
    )
    assert res.code == 0, res.stderr
    with zipfile.ZipFile(workdir / "r.lading") as z:
        envelope = json.loads(z.read("manifest.dsse.json"))
        index = json.loads(z.read("bundle.json"))
    assert {m["role"] for m in index["members"]} >= {"manifest", "envelope"}
    keyid = envelope["signatures"][0]["keyid"]
    pem = (workdir / "k.pub").read_bytes()
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

    public = load_pem_public_key(pem)
    if alg == "ed25519":
        key = SSlibKey(keyid, "ed25519", "ed25519", {"public": public.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()})
    else:
        key = SSlibKey(keyid, "ecdsa", "ecdsa-sha2-nistp256", {"public": pem.decode()})
    env = Envelope.from_dict(envelope)
    assert keyid in env.verify([key], 1)
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["predicateType"] == "urn:lading:saas-release:v1"
    assert any(s["name"] == "app" for s in statement["subject"])
