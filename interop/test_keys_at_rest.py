"""Keys at rest (issue 29 item 4) and keys in a token (issue 22), proven by independent tools.

- Encrypted PKCS#8 keys `lading key generate --encrypt` writes are read by `openssl pkey -passin`
  (and by Python `cryptography`, which has no SM2), with the same public key.
- Encrypted keys OpenSSL writes (`genpkey -aes-256-cbc`, `pkcs8 -topk8 -v2 aes-256-cbc`,
  `pkcs8 -topk8 -scrypt`) are read by Lading with the key id OpenSSL computes; they sign what
  OpenSSL verifies; a wrong passphrase is a clear error.
- A key generated inside a SoftHSM2 token signs a DSSE envelope that `cryptography` verifies
  with the public key `pkcs11-tool` reads out of the token.
"""

import base64
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

PASSPHRASE = "correct horse battery staple"


def openssl(*args) -> bytes:
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, check=True).stdout


def pass_file(workdir: Path, text: str = PASSPHRASE, name: str = "pass") -> Path:
    path = workdir / name
    path.write_text(text + "\n")
    os.chmod(path, 0o600)
    return path


def pae(payload_type: str, payload: bytes) -> bytes:
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def verify_envelope(envelope_path: Path, public_pem: bytes):
    env = json.loads(envelope_path.read_text())
    payload = base64.b64decode(env["payload"])
    sig = base64.b64decode(env["signatures"][0]["sig"])
    key = serialization.load_pem_public_key(public_pem)
    message = pae(env["payloadType"], payload)
    if isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(sig, message)
    else:
        key.verify(sig, message, ec.ECDSA(hashes.SHA256()))


@pytest.mark.parametrize("alg", ["ed25519", "p256", "sm2"])
def test_encrypted_keys_lading_writes_are_read_by_openssl(run_lading, workdir, openssl_bin, alg):
    pw = pass_file(workdir)
    res = run_lading("--json", "key", "generate", "--alg", alg, "--encrypt", "--passphrase-file", pw, "--out", workdir / "k")
    assert res.code == 0, res.stderr
    key = workdir / "k.key"
    assert key.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert openssl("pkey", "-in", key, "-passin", f"file:{pw}", "-pubout") == (workdir / "k.pub").read_bytes()
    wrong = pass_file(workdir, "not it", "wrong")
    assert subprocess.run(["openssl", "pkey", "-in", key, "-passin", f"file:{wrong}", "-noout"], capture_output=True).returncode != 0
    if alg != "sm2":
        private = serialization.load_pem_private_key(key.read_bytes(), password=PASSPHRASE.encode())
        spki = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        assert hashlib.sha256(spki).hexdigest() == res.json()["keyid"]


OPENSSL_KEYS = {
    "ed25519": ["-algorithm", "ed25519"],
    "p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "sm2": ["-algorithm", "SM2"],
}


@pytest.mark.parametrize("alg", sorted(OPENSSL_KEYS))
@pytest.mark.parametrize("how", ["genpkey-aes-256-cbc", "pkcs8-v2-aes-256-cbc", "pkcs8-scrypt"])
def test_encrypted_keys_openssl_writes_are_read_by_lading(run_lading, workdir, openssl_bin, alg, how):
    pw = pass_file(workdir)
    key = workdir / "k.key"
    if how == "genpkey-aes-256-cbc":
        openssl("genpkey", *OPENSSL_KEYS[alg], "-aes-256-cbc", "-pass", f"file:{pw}", "-out", key)
    else:
        plain = workdir / "plain.key"
        openssl("genpkey", *OPENSSL_KEYS[alg], "-out", plain)
        cipher = ["-v2", "aes-256-cbc"] if how == "pkcs8-v2-aes-256-cbc" else ["-scrypt"]
        openssl("pkcs8", "-topk8", *cipher, "-in", plain, "-passout", f"file:{pw}", "-out", key)
        plain.unlink()
    os.chmod(key, 0o600)
    assert key.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    expected = hashlib.sha256(openssl("pkey", "-in", key, "-passin", f"file:{pw}", "-pubout", "-outform", "DER")).hexdigest()
    res = run_lading("--json", "key", "show", key, "--passphrase-file", pw)
    assert res.code == 0, res.stderr
    assert res.json()["keyid"] == expected
    # It signs what an independent verifier accepts.
    doc = workdir / "doc.json"
    doc.write_bytes(run_lading("new", "maintenance-event").stdout)
    res = run_lading("sign", doc, "--key", key, "--passphrase-file", pw, "--out", workdir / "doc.dsse.json")
    assert res.code == 0, res.stderr
    if alg != "sm2":
        verify_envelope(workdir / "doc.dsse.json", openssl("pkey", "-in", key, "-passin", f"file:{pw}", "-pubout"))
    # A wrong passphrase is a clear error, and nothing is written.
    wrong = pass_file(workdir, "not it", "wrong")
    res = run_lading("sign", doc, "--key", key, "--passphrase-file", wrong, "--out", workdir / "never.json")
    assert res.code == 1
    assert "wrong passphrase" in res.stderr
    assert not (workdir / "never.json").exists()


SOFTHSM_MODULES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"]


@pytest.mark.parametrize("alg", ["ed25519", "p256"])
def test_a_token_key_signs_what_cryptography_verifies(run_lading, lading_bin, workdir, alg):
    module = next((m for m in SOFTHSM_MODULES if os.path.isfile(m)), None)
    if module is None or shutil.which("softhsm2-util") is None or shutil.which("pkcs11-tool") is None:
        pytest.fail("SoftHSM2 and OpenSC are required: apt-get install softhsm2 opensc (scripts/test installs them)", pytrace=False)
    (workdir / "tokens").mkdir()
    conf = workdir / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {workdir / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "interop", "--pin", "1111", "--so-pin", "2222"],
                   env=env, check=True, capture_output=True)
    pin = pass_file(workdir, "1111", "pin")
    uri = f"pkcs11:token=interop;object=signer?module-path={module}&pin-source=file:{pin}"
    doc = workdir / "doc.json"
    doc.write_bytes(run_lading("new", "maintenance-event").stdout)
    for args in (["key", "generate", "--alg", alg, "--pkcs11", uri, "--out", workdir / "tok"],
                 ["sign", doc, "--key", uri, "--out", workdir / "doc.dsse.json"]):
        proc = subprocess.run([str(lading_bin), *map(str, args)], env=env, capture_output=True)
        assert proc.returncode == 0, proc.stderr.decode()
    # The public key as pkcs11-tool reads it out of the token, not Lading's file.
    der = subprocess.run(["pkcs11-tool", "--module", module, "--token-label", "interop", "--read-object", "--type", "pubkey",
                          "--label", "signer"], env=env, check=True, capture_output=True).stdout
    # (pkcs11-tool writes EdDSA public keys as PEM, EC keys as DER.)
    loaded = serialization.load_pem_public_key(der) if der.startswith(b"-----BEGIN") else serialization.load_der_public_key(der)
    public = loaded.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert public == (workdir / "tok.pub").read_bytes()
    verify_envelope(workdir / "doc.dsse.json", public)
