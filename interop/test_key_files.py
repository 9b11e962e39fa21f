"""Issue 23: key files are standard. The private keys `lading key generate`
writes are read by the OpenSSL CLI and by Python `cryptography` (SM2 by
OpenSSL only: `cryptography` has no SM2), with the same public key; and key
files OpenSSL and `cryptography` write — PKCS#8, SEC1 with `EC PARAMETERS`,
other PEM line lengths, CRLF — are read by Lading with the key id OpenSSL
computes (SHA-256 of the SPKI DER)."""

import base64
import hashlib
import os
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519


def openssl(*args, stdin=None) -> bytes:
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, check=True).stdout


def spki_key_id(key_file) -> str:
    return hashlib.sha256(openssl("pkey", "-in", str(key_file), "-pubout", "-outform", "DER")).hexdigest()


@pytest.mark.parametrize("alg", ["ed25519", "p256", "sm2"])
def test_generated_private_keys_are_read_by_openssl_and_cryptography(run_lading, workdir, alg):
    res = run_lading("--json", "key", "generate", "--alg", alg, "--out", workdir / "k")
    assert res.code == 0, res.stderr
    key_id = res.json()["keyid"]
    key, pub = workdir / "k.key", workdir / "k.pub"
    openssl("pkey", "-in", str(key), "-noout", "-check") if alg != "ed25519" else openssl("pkey", "-in", str(key), "-noout")
    assert spki_key_id(key) == key_id
    assert openssl("pkey", "-in", str(key), "-pubout") == pub.read_bytes()
    if alg == "sm2":
        return  # cryptography has no SM2
    private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey if alg == "ed25519" else ec.EllipticCurvePrivateKey)
    spki = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert hashlib.sha256(spki).hexdigest() == key_id
    # What cryptography writes back is what Lading wrote (PKCS#8 v1, 64 columns).
    again = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    if alg == "ed25519":
        assert again == key.read_bytes()


def _wrap(der: bytes, label: str, width: int, newline: str) -> bytes:
    text = base64.b64encode(der).decode()
    lines = [text[i:i + width] for i in range(0, len(text), width)] if width else [text]
    return newline.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]).encode()


def _tool_keys(workdir):
    """(name, path) of key files written by OpenSSL and cryptography."""
    out = []
    for name, args in [
        ("openssl-genpkey-ed25519", ["genpkey", "-algorithm", "ed25519"]),
        ("openssl-genpkey-p256", ["genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
        ("openssl-genpkey-sm2", ["genpkey", "-algorithm", "SM2"]),
        ("openssl-ecparam-p256", ["ecparam", "-genkey", "-name", "prime256v1"]),
        ("openssl-ecparam-sm2", ["ecparam", "-genkey", "-name", "SM2"]),
    ]:
        path = workdir / f"{name}.pem"
        path.write_bytes(openssl(*args))
        out.append((name, path))
    ed = ed25519.Ed25519PrivateKey.generate()
    p256 = ec.generate_private_key(ec.SECP256R1())
    for name, key, fmt in [
        ("cryptography-ed25519-pkcs8", ed, serialization.PrivateFormat.PKCS8),
        ("cryptography-p256-pkcs8", p256, serialization.PrivateFormat.PKCS8),
        ("cryptography-p256-traditional", p256, serialization.PrivateFormat.TraditionalOpenSSL),
    ]:
        path = workdir / f"{name}.pem"
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()))
        out.append((name, path))
    # The same DER with other line lengths and line ends, as built by hand.
    der = p256.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    for width, newline in [(76, "\n"), (0, "\r\n"), (40, "\r\n")]:
        path = workdir / f"hand-p256-{width}-{len(newline)}.pem"
        path.write_bytes(_wrap(der, "PRIVATE KEY", width, newline))
        out.append((path.stem, path))
    sec1 = openssl("ec", "-in", str(workdir / "openssl-ecparam-p256.pem"), "-outform", "DER")
    path = workdir / "hand-p256-sec1-one-line.pem"
    path.write_bytes(_wrap(sec1, "EC PRIVATE KEY", 0, "\n"))
    out.append((path.stem, path))
    return out


def test_key_files_from_openssl_cryptography_and_by_hand_are_read(run_lading, workdir):
    for name, path in _tool_keys(workdir):
        os.chmod(path, 0o600)
        res = run_lading("--json", "key", "show", path)
        assert res.code == 0, f"{name}: {res.stderr}"
        assert res.json()["keyid"] == spki_key_id(path), name
