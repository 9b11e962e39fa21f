"""SM2/SM3 interop between lading and the OpenSSL 3 command line.

DSSE signatures with SM2 are made over the PAE with SM3 and the GB/T 32918
default user id 1234567812345678 (OpenSSL: -sigopt distid:1234567812345678).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
import rfc8785

from interop_helpers import (
    DOC_KINDS,
    PAYLOAD_TYPE,
    SM2_DEFAULT_ID,
    b64d,
    build_statement,
    envelope_json,
    flip_byte,
    pae,
    write_json,
)


@pytest.fixture(scope="session")
def openssl(openssl_bin):
    def run(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([openssl_bin, *[str(a) for a in args]], input=stdin, capture_output=True, timeout=60)

    return run


def sm3(openssl, data: bytes) -> str:
    res = openssl("dgst", "-sm3", "-binary", stdin=data)
    assert res.returncode == 0, res.stderr
    assert len(res.stdout) == 32
    return res.stdout.hex()


def spki_der_sha256(openssl, pem_path: Path, private: bool = False) -> str:
    args = ["pkey", "-in", pem_path, "-pubout", "-outform", "DER"] if private else [
        "pkey", "-pubin", "-in", pem_path, "-outform", "DER"]
    res = openssl(*args)
    assert res.returncode == 0, res.stderr
    return hashlib.sha256(res.stdout).hexdigest()


def openssl_sm3_verify(openssl, workdir: Path, pub: Path, message: bytes, sig: bytes, distid: str | None):
    """Returns (ok, output) of `openssl dgst -sm3 -verify` over `message`."""
    msg, sig_path = workdir / "pae.bin", workdir / "sig.der"
    msg.write_bytes(message)
    sig_path.write_bytes(sig)
    args = ["dgst", "-sm3", "-verify", pub]
    if distid is not None:
        args += ["-sigopt", f"distid:{distid}"]
    res = openssl(*args, "-signature", sig_path, msg)
    out = (res.stdout + res.stderr).decode("utf-8", "replace")
    ok = res.returncode == 0 and "Verified OK" in out
    if not ok:
        assert res.returncode != 0 and "Verification failure" in out, f"unexpected openssl output: {out}"
    return ok, out


def openssl_sm3_sign(openssl, workdir: Path, key: Path, message: bytes, distid: str | None) -> bytes:
    msg, sig_path = workdir / "to-sign.bin", workdir / "openssl-sig.der"
    msg.write_bytes(message)
    args = ["dgst", "-sm3", "-sign", key]
    if distid is not None:
        args += ["-sigopt", f"distid:{distid}"]
    res = openssl(*args, "-out", sig_path, msg)
    assert res.returncode == 0, res.stderr
    return sig_path.read_bytes()


def envelope_pae_and_sig(env: dict) -> tuple[bytes, bytes]:
    payload = b64d(env["payload"])
    return pae(env["payloadType"], payload), b64d(env["signatures"][0]["sig"])


@pytest.fixture(scope="session")
def openssl_sm2_key(openssl, session_dir):
    """(private PEM, public PEM) of an SM2 key made by `openssl genpkey -algorithm SM2`."""
    priv, pub = session_dir / "openssl-sm2.pem", session_dir / "openssl-sm2.pub"
    res = openssl("genpkey", "-algorithm", "SM2", "-out", priv)
    assert res.returncode == 0, res.stderr
    res = openssl("pkey", "-in", priv, "-pubout", "-out", pub)
    assert res.returncode == 0, res.stderr
    return priv, pub


def lading_sign(run_lading, workdir, doc, key) -> dict:
    out = workdir / "env.json"
    res = run_lading("sign", doc, "--key", key, "--out", out)
    assert res.code == 0, f"lading sign failed: {res.stderr}"
    return json.loads(out.read_bytes())


# --- (a) lading SM2 key signs, OpenSSL verifies --------------------------------------------


@pytest.mark.parametrize("kind", DOC_KINDS)
def test_openssl_verifies_lading_sm2_envelope_with_default_distid(
    run_lading, openssl, workdir, documents, lading_key, kind
):
    priv, pub, keyid = lading_key("sm2")
    env = lading_sign(run_lading, workdir, documents[kind], priv)
    assert env["payloadType"] == PAYLOAD_TYPE
    assert env["signatures"][0]["keyid"] == keyid
    message, sig = envelope_pae_and_sig(env)
    ok, out = openssl_sm3_verify(openssl, workdir, pub, message, sig, SM2_DEFAULT_ID)
    assert ok, out


def test_openssl_rejects_lading_sm2_envelope_with_flipped_payload_byte(
    run_lading, openssl, workdir, documents, lading_key
):
    priv, pub, _ = lading_key("sm2")
    env = lading_sign(run_lading, workdir, documents["saas-release"], priv)
    payload, sig = b64d(env["payload"]), b64d(env["signatures"][0]["sig"])
    assert openssl_sm3_verify(openssl, workdir, pub, pae(PAYLOAD_TYPE, payload), sig, SM2_DEFAULT_ID)[0]
    for index in (0, len(payload) // 2, len(payload) - 1):
        ok, out = openssl_sm3_verify(openssl, workdir, pub, pae(PAYLOAD_TYPE, flip_byte(payload, index)), sig, SM2_DEFAULT_ID)
        assert not ok, f"openssl accepted a tampered payload (byte {index})"


@pytest.mark.parametrize("distid", [None, "1234567812345679", ""], ids=["no-distid", "other-distid", "empty-distid"])
def test_lading_sm2_signature_is_bound_to_default_user_id(run_lading, openssl, workdir, documents, lading_key, distid):
    priv, pub, _ = lading_key("sm2")
    env = lading_sign(run_lading, workdir, documents["maintenance-event"], priv)
    message, sig = envelope_pae_and_sig(env)
    assert openssl_sm3_verify(openssl, workdir, pub, message, sig, SM2_DEFAULT_ID)[0]
    ok, _ = openssl_sm3_verify(openssl, workdir, pub, message, sig, distid)
    assert not ok, f"signature also verified with distid {distid!r}"


@pytest.mark.parametrize("kind", DOC_KINDS)
def test_lading_sm2_subject_sm3_digest_equals_openssl_sm3_of_canonical_predicate(
    run_lading, openssl, workdir, documents, lading_key, kind
):
    priv, _, _ = lading_key("sm2")
    env = lading_sign(run_lading, workdir, documents[kind], priv)
    statement = json.loads(b64d(env["payload"]))
    digest = statement["subject"][0]["digest"]
    canonical = rfc8785.dumps(json.loads(documents[kind].read_bytes()))
    assert digest["sm3"] == sm3(openssl, canonical)
    assert digest["sha256"] == hashlib.sha256(canonical).hexdigest()


def test_lading_sm2_keyid_equals_sha256_of_spki_der_from_openssl(run_lading, openssl, lading_key, openssl_sm2_key):
    priv, pub, keyid = lading_key("sm2")
    assert keyid == spki_der_sha256(openssl, pub)
    assert keyid == spki_der_sha256(openssl, priv, private=True)  # openssl reads lading's PKCS#8 too
    o_priv, o_pub = openssl_sm2_key
    for path in (o_priv, o_pub):
        res = run_lading("key", "show", path, "--json")
        assert res.code == 0, res.stderr
        assert res.json()["algorithm"] == "sm2"
        assert res.json()["keyid"] == spki_der_sha256(openssl, o_pub)


# --- (b) OpenSSL SM2 key signs, lading verifies --------------------------------------------


def _statement_payload(openssl, documents, kind) -> bytes:
    doc = json.loads(documents[kind].read_bytes())
    return rfc8785.dumps(build_statement(doc, {"sm3": sm3(openssl, rfc8785.dumps(doc))}))


def _openssl_keyid(run_lading, pub) -> str:
    res = run_lading("key", "show", pub, "--json")
    assert res.code == 0, res.stderr
    return res.json()["keyid"]


@pytest.mark.parametrize("kind", DOC_KINDS)
def test_lading_verifies_envelope_signed_by_openssl_sm2_with_default_distid(
    run_lading, openssl, workdir, documents, openssl_sm2_key, kind
):
    o_priv, o_pub = openssl_sm2_key
    payload = _statement_payload(openssl, documents, kind)
    sig = openssl_sm3_sign(openssl, workdir, o_priv, pae(PAYLOAD_TYPE, payload), SM2_DEFAULT_ID)
    keyid = _openssl_keyid(run_lading, o_pub)
    env_path = write_json(workdir / "openssl-env.json", envelope_json(payload, [(keyid, sig)]))

    res = run_lading("verify-signature", env_path, "--pubkey", o_pub, "--json")
    assert res.code == 0, f"lading rejected an OpenSSL SM2 signature: {res.stdout!r} {res.stderr}"
    report = res.json()
    assert report["valid"] is True
    assert report["algorithm"] == "sm2"
    assert report["keyid"] == keyid
    assert report["kind"] == kind


def test_lading_rejects_openssl_sm2_envelope_with_flipped_payload_byte(
    run_lading, openssl, workdir, documents, openssl_sm2_key
):
    o_priv, o_pub = openssl_sm2_key
    payload = _statement_payload(openssl, documents, "inspection-report")
    sig = openssl_sm3_sign(openssl, workdir, o_priv, pae(PAYLOAD_TYPE, payload), SM2_DEFAULT_ID)
    keyid = _openssl_keyid(run_lading, o_pub)
    good = write_json(workdir / "good.json", envelope_json(payload, [(keyid, sig)]))
    assert run_lading("verify-signature", good, "--pubkey", o_pub).code == 0
    bad = write_json(workdir / "bad.json", envelope_json(flip_byte(payload, len(payload) // 2), [(keyid, sig)]))
    res = run_lading("verify-signature", bad, "--pubkey", o_pub)
    assert res.code == 1, f"lading accepted a tampered payload: {res.stdout!r}"


@pytest.mark.parametrize("distid", [None, ""], ids=["no-distid", "explicit-empty-distid"])
def test_lading_rejects_openssl_sm2_signature_made_without_distid(
    run_lading, openssl, workdir, documents, openssl_sm2_key, distid
):
    o_priv, o_pub = openssl_sm2_key
    payload = _statement_payload(openssl, documents, "maintenance-segment")
    message = pae(PAYLOAD_TYPE, payload)
    sig = openssl_sm3_sign(openssl, workdir, o_priv, message, distid)
    # the signature is valid for OpenSSL's empty default id, and not for 1234567812345678
    assert openssl_sm3_verify(openssl, workdir, o_pub, message, sig, None)[0]
    assert not openssl_sm3_verify(openssl, workdir, o_pub, message, sig, SM2_DEFAULT_ID)[0]

    keyid = _openssl_keyid(run_lading, o_pub)
    env_path = write_json(workdir / "noid-env.json", envelope_json(payload, [(keyid, sig)]))
    res = run_lading("verify-signature", env_path, "--pubkey", o_pub, "--json")
    assert res.code == 1, f"lading accepted an SM2 signature made with the empty user id: {res.stdout!r}"
    assert res.json()["valid"] is False


# --- (c) lading signs with the OpenSSL-generated private key -------------------------------


@pytest.mark.parametrize("kind", DOC_KINDS)
def test_lading_signs_with_openssl_sm2_private_key_and_openssl_verifies(
    run_lading, openssl, workdir, documents, openssl_sm2_key, kind
):
    o_priv, o_pub = openssl_sm2_key
    env = lading_sign(run_lading, workdir, documents[kind], o_priv)
    assert env["signatures"][0]["keyid"] == spki_der_sha256(openssl, o_pub)
    message, sig = envelope_pae_and_sig(env)
    ok, out = openssl_sm3_verify(openssl, workdir, o_pub, message, sig, SM2_DEFAULT_ID)
    assert ok, out
    res = run_lading("verify-signature", workdir / "env.json", "--pubkey", o_pub)
    assert res.code == 0, res.stderr


# --- (d) GB/T 32918 / GB/T 32905 example vectors -------------------------------------------


@pytest.fixture(scope="session")
def gbt(vectors_dir):
    return json.loads((vectors_dir / "sm" / "gbt-examples.json").read_text(encoding="utf-8"))


def test_openssl_sm3_matches_gbt_known_answers(openssl, gbt):
    vectors = gbt["sm3_examples"]["vectors"]
    assert len(vectors) >= 2
    for v in vectors:
        msg = v["message"].encode("ascii")
        assert len(msg) == v["message_len"]
        assert sm3(openssl, msg) == v["digest"].lower(), v.get("label", v["message"])


def test_gbt_sm2_example_za_and_e_recompute_with_openssl_sm3(openssl, gbt):
    ex = gbt["sm2_signature_example"]
    uid = ex["user_id"].encode("ascii")
    assert uid.hex() == ex["user_id_hex"].lower()
    assert len(uid) * 8 == ex["entl_bits"]
    c = ex["curve"]
    za_input = (len(uid) * 8).to_bytes(2, "big") + uid + b"".join(
        bytes.fromhex(h) for h in (c["a"], c["b"], c["gx"], c["gy"], ex["public_key_x"], ex["public_key_y"])
    )
    za = sm3(openssl, za_input)
    assert za == ex["z_a"].lower()
    assert sm3(openssl, bytes.fromhex(za) + ex["message"].encode("ascii")) == ex["e"].lower()


def test_openssl_verifies_gbt_sm2_example_signature(openssl, workdir, gbt):
    ex = gbt["sm2_signature_example"]
    pub = workdir / "gbt.pub"
    pub.write_text(ex["public_key_spki_pem"])
    msg = ex["message"].encode("ascii")
    sig = bytes.fromhex(ex["signature_der"])
    ok, out = openssl_sm3_verify(openssl, workdir, pub, msg, sig, ex["user_id"])
    assert ok, out
    assert not openssl_sm3_verify(openssl, workdir, pub, msg + b".", sig, ex["user_id"])[0]


def test_lading_key_show_gives_gbt_example_keyid(run_lading, openssl, workdir, gbt):
    ex = gbt["sm2_signature_example"]
    priv, pub = workdir / "gbt.key", workdir / "gbt.pub"
    priv.write_text(ex["private_key_pkcs8_pem"])
    priv.chmod(0o600)  # lading refuses private keys others may read
    pub.write_text(ex["public_key_spki_pem"])
    assert spki_der_sha256(openssl, pub) == ex["public_key_spki_der_sha256"]
    for path in (priv, pub):
        res = run_lading("key", "show", path, "--json")
        assert res.code == 0, res.stderr
        assert res.json()["algorithm"] == "sm2"
        assert res.json()["keyid"] == ex["public_key_spki_der_sha256"]


def test_lading_signs_with_gbt_example_key_and_openssl_verifies(run_lading, openssl, workdir, documents, gbt):
    ex = gbt["sm2_signature_example"]
    priv, pub = workdir / "gbt.key", workdir / "gbt.pub"
    priv.write_text(ex["private_key_pkcs8_pem"])
    priv.chmod(0o600)  # lading refuses private keys others may read
    pub.write_text(ex["public_key_spki_pem"])
    env = lading_sign(run_lading, workdir, documents["maintenance-event"], priv)
    assert env["signatures"][0]["keyid"] == ex["public_key_spki_der_sha256"]
    message, sig = envelope_pae_and_sig(env)
    ok, out = openssl_sm3_verify(openssl, workdir, pub, message, sig, ex["user_id"])
    assert ok, out
