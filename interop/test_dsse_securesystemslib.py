"""DSSE interop between lading and securesystemslib / pyca-cryptography.

Direction 1: envelopes signed by `lading sign` verify with securesystemslib.
Direction 2: envelopes signed by securesystemslib's CryptoSigner (or by
`cryptography` over a PAE computed here) verify with `lading verify-signature`.
"""

from __future__ import annotations

import copy
import json

import pytest
import rfc8785
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from interop_helpers import (
    DOC_KINDS,
    PAYLOAD_TYPE,
    b64d,
    build_statement,
    envelope_json,
    flip_byte,
    pae,
    pkcs8_pem,
    spki_keyid_from_pem,
    spki_pem,
    write_json,
)

ALGS = ("ed25519", "p256")
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def sslib_key_from_pem(alg: str, pub_pem: bytes, keyid: str) -> SSlibKey:
    """An SSlibKey for a public key PEM, in the keyval form securesystemslib documents."""
    if alg == "ed25519":
        raw = serialization.load_pem_public_key(pub_pem).public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return SSlibKey(keyid, "ed25519", "ed25519", {"public": raw.hex()})
    if alg == "p256":
        return SSlibKey(keyid, "ecdsa", "ecdsa-sha2-nistp256", {"public": pub_pem.decode("ascii")})
    raise ValueError(alg)


def sign_with_lading(run_lading, workdir, doc_path, key_path):
    out = workdir / "envelope.json"
    res = run_lading("sign", doc_path, "--key", key_path, "--out", out)
    assert res.code == 0, f"lading sign failed: {res.stderr}"
    return json.loads(out.read_text(encoding="utf-8"))


# --- direction 1: lading signs, securesystemslib verifies -------------------------------


@pytest.mark.parametrize("alg", ALGS)
def test_lading_keyid_is_sha256_of_spki_der_computed_by_cryptography(run_lading, lading_key, alg):
    priv, pub, keyid = lading_key(alg)
    assert keyid == spki_keyid_from_pem(pub.read_bytes())
    for path in (priv, pub):
        res = run_lading("key", "show", path, "--json")
        assert res.code == 0, res.stderr
        assert res.json()["keyid"] == keyid
        assert res.json()["algorithm"] == alg


@pytest.mark.parametrize("kind", DOC_KINDS)
@pytest.mark.parametrize("alg", ALGS)
def test_securesystemslib_verifies_lading_envelope(run_lading, workdir, documents, lading_key, alg, kind):
    priv, pub, keyid = lading_key(alg)
    env = sign_with_lading(run_lading, workdir, documents[kind], priv)

    assert env["payloadType"] == PAYLOAD_TYPE
    assert [s["keyid"] for s in env["signatures"]] == [spki_keyid_from_pem(pub.read_bytes())]

    envelope = Envelope.from_dict(copy.deepcopy(env))
    key = sslib_key_from_pem(alg, pub.read_bytes(), keyid)
    accepted = envelope.verify([key], 1)
    assert list(accepted) == [keyid]

    # The statement inside is the document it claims to be.
    statement = json.loads(envelope.payload)
    assert statement["predicate"] == json.loads(documents[kind].read_bytes())
    assert statement["predicateType"] == f"urn:lading:{kind}:v1"


@pytest.mark.parametrize("alg", ALGS)
def test_lading_signature_encoding_matches_documented_format(run_lading, workdir, documents, lading_key, alg):
    priv, pub, _ = lading_key(alg)
    env = sign_with_lading(run_lading, workdir, documents["saas-release"], priv)
    sig = b64d(env["signatures"][0]["sig"])
    if alg == "ed25519":
        assert len(sig) == 64
    else:
        r, s = decode_dss_signature(sig)  # raises if not ASN.1 DER
        assert encode_dss_signature(r, s) == sig, "P-256 signature is not strict DER"


@pytest.mark.parametrize("alg", ALGS)
def test_securesystemslib_rejects_lading_envelope_with_flipped_payload_byte(
    run_lading, workdir, documents, lading_key, alg
):
    priv, pub, keyid = lading_key(alg)
    env = sign_with_lading(run_lading, workdir, documents["maintenance-event"], priv)
    key = sslib_key_from_pem(alg, pub.read_bytes(), keyid)

    good = Envelope.from_dict(copy.deepcopy(env))
    good.verify([key], 1)  # the untouched envelope verifies

    for index in (0, len(good.payload) // 2, len(good.payload) - 1):
        bad = Envelope.from_dict(copy.deepcopy(env))
        bad.payload = flip_byte(bad.payload, index)
        with pytest.raises(VerificationError):
            bad.verify([key], 1)

    # lading agrees on the same tampered envelope
    tampered = copy.deepcopy(env)
    tampered["payload"] = envelope_json(flip_byte(good.payload, len(good.payload) // 2), [])["payload"]
    path = write_json(workdir / "tampered.json", tampered)
    res = run_lading("verify-signature", path, "--pubkey", pub)
    assert res.code == 1, f"lading accepted a tampered payload: {res.stdout!r}"


@pytest.mark.parametrize("alg", ALGS)
def test_securesystemslib_rejects_lading_envelope_with_flipped_signature_byte(
    run_lading, workdir, documents, lading_key, alg
):
    priv, pub, keyid = lading_key(alg)
    env = sign_with_lading(run_lading, workdir, documents["inspection-report"], priv)
    key = sslib_key_from_pem(alg, pub.read_bytes(), keyid)
    sig = b64d(env["signatures"][0]["sig"])
    bad = copy.deepcopy(env)
    # flip a byte inside the signature value (last byte: inside s for DER, inside S for Ed25519)
    bad["signatures"][0]["sig"] = envelope_json(b"", [(None, flip_byte(sig, len(sig) - 1))])["signatures"][0]["sig"]
    with pytest.raises(VerificationError):
        Envelope.from_dict(bad).verify([key], 1)


# --- direction 2: securesystemslib / cryptography sign, lading verifies -----------------


def generate_private_key(alg: str):
    if alg == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def lading_keyid_of(run_lading, path) -> str:
    res = run_lading("key", "show", path, "--json")
    assert res.code == 0, f"lading key show {path} failed: {res.stderr}"
    return res.json()["keyid"]


@pytest.mark.parametrize("kind", DOC_KINDS)
@pytest.mark.parametrize("alg", ALGS)
def test_lading_verifies_envelope_signed_by_securesystemslib(run_lading, workdir, documents, alg, kind):
    private_key = generate_private_key(alg)
    pub_path = workdir / "sslib.pub"
    pub_path.write_bytes(spki_pem(private_key.public_key()))

    keyid = lading_keyid_of(run_lading, pub_path)
    assert keyid == spki_keyid_from_pem(pub_path.read_bytes())

    public = SSlibKey.from_crypto(private_key.public_key(), keyid=keyid)
    signer = CryptoSigner(private_key, public)

    doc = json.loads(documents[kind].read_bytes())
    payload = rfc8785.dumps(build_statement(doc))
    envelope = Envelope(payload, PAYLOAD_TYPE, {})
    envelope.sign(signer)
    envelope.verify([public], 1)  # securesystemslib accepts its own envelope
    env_path = write_json(workdir / "sslib-envelope.json", envelope.to_dict())

    res = run_lading("verify-signature", env_path, "--pubkey", pub_path, "--json")
    assert res.code == 0, f"lading rejected a securesystemslib envelope: {res.stdout!r} {res.stderr}"
    report = res.json()
    assert report["valid"] is True
    assert report["keyid"] == keyid
    assert report["kind"] == kind
    assert report["document_id"] == doc["meta"]["id"]
    assert report["algorithm"] == alg

    # and rejects it once a payload byte is flipped
    bad = envelope.to_dict()
    bad["payload"] = envelope_json(flip_byte(payload, len(payload) // 3), [])["payload"]
    bad_path = write_json(workdir / "sslib-envelope-bad.json", bad)
    res = run_lading("verify-signature", bad_path, "--pubkey", pub_path, "--json")
    assert res.code == 1
    assert res.json()["valid"] is False


@pytest.mark.parametrize("alg", ALGS)
def test_lading_rejects_securesystemslib_envelope_checked_with_another_key(run_lading, workdir, documents, alg):
    signing_key = generate_private_key(alg)
    other_key = generate_private_key(alg)
    other_pub = workdir / "other.pub"
    other_pub.write_bytes(spki_pem(other_key.public_key()))
    # claim the other key's id, so lading must actually check the signature
    claimed = lading_keyid_of(run_lading, other_pub)
    public = SSlibKey.from_crypto(signing_key.public_key(), keyid=claimed)
    doc = json.loads(documents["saas-release"].read_bytes())
    envelope = Envelope(rfc8785.dumps(build_statement(doc)), PAYLOAD_TYPE, {})
    envelope.sign(CryptoSigner(signing_key, public))
    env_path = write_json(workdir / "env.json", envelope.to_dict())
    res = run_lading("verify-signature", env_path, "--pubkey", other_pub, "--json")
    assert res.code == 1, f"lading accepted a signature by a different key: {res.stdout!r}"
    assert res.json()["valid"] is False


def _p256_envelope_with_sig(documents, private_key, keyid, sig_transform):
    doc = json.loads(documents["maintenance-segment"].read_bytes())
    payload = rfc8785.dumps(build_statement(doc))
    der = private_key.sign(pae(PAYLOAD_TYPE, payload), ec.ECDSA(hashes.SHA256()))
    sig = sig_transform(der)
    return envelope_json(payload, [(keyid, sig)]), payload


@pytest.mark.parametrize("s_form", ["low-s", "high-s"])
def test_lading_accepts_p256_der_signature_with_low_or_high_s(run_lading, workdir, documents, s_form):
    """ECDSA (FIPS 186 / X9.62) accepts both s and n-s; cryptography and OpenSSL sign with either."""
    key = ec.generate_private_key(ec.SECP256R1())
    pub = workdir / "p.pub"
    pub.write_bytes(spki_pem(key.public_key()))
    keyid = spki_keyid_from_pem(pub.read_bytes())

    def transform(der):
        r, s = decode_dss_signature(der)
        low = min(s, P256_ORDER - s)
        return encode_dss_signature(r, low if s_form == "low-s" else P256_ORDER - low)

    env, payload = _p256_envelope_with_sig(documents, key, keyid, transform)
    sig = b64d(env["signatures"][0]["sig"])
    key.public_key().verify(sig, pae(PAYLOAD_TYPE, payload), ec.ECDSA(hashes.SHA256()))  # cryptography accepts it
    res = run_lading("verify-signature", write_json(workdir / "env.json", env), "--pubkey", pub)
    assert res.code == 0, f"lading rejected a valid {s_form} P-256 signature: {res.stderr}"


def test_lading_accepts_p256_raw_r_s_signature_as_in_dsse_spec(run_lading, workdir, documents):
    """The DSSE spec's own test vector encodes the P-256 signature as raw r||s."""
    key = ec.generate_private_key(ec.SECP256R1())
    pub = workdir / "p.pub"
    pub.write_bytes(spki_pem(key.public_key()))
    keyid = spki_keyid_from_pem(pub.read_bytes())

    def to_raw(der):
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    env, _ = _p256_envelope_with_sig(documents, key, keyid, to_raw)
    assert len(b64d(env["signatures"][0]["sig"])) == 64
    res = run_lading("verify-signature", write_json(workdir / "env.json", env), "--pubkey", pub)
    assert res.code == 0, f"lading rejected a raw r||s P-256 signature: {res.stderr}"


@pytest.mark.parametrize("alg", ALGS)
def test_lading_sign_accepts_private_key_made_by_cryptography(run_lading, workdir, documents, alg):
    key = generate_private_key(alg)
    priv = workdir / "c.key"
    priv.write_bytes(pkcs8_pem(key))
    priv.chmod(0o600)  # lading refuses private keys others may read
    pub = workdir / "c.pub"
    pub.write_bytes(spki_pem(key.public_key()))
    keyid = spki_keyid_from_pem(pub.read_bytes())
    assert lading_keyid_of(run_lading, priv) == keyid

    env = sign_with_lading(run_lading, workdir, documents["inspection-report"], priv)
    Envelope.from_dict(copy.deepcopy(env)).verify([sslib_key_from_pem(alg, pub.read_bytes(), keyid)], 1)


# --- DSSE envelope parsing rules (envelope.md, "Parsing rules") ---------------------------
#   * signature.keyid is OPTIONAL and MAY be unset; unset MUST be treated as set-but-empty.
#   * Consumers MUST ignore unrecognized fields.
#   * Either standard or URL-safe base64 is allowed.


FIXED_ED25519_SEED = bytes(range(1, 33))  # deterministic key => deterministic envelope bytes


def _ed25519_statement_envelope(documents, keyid_of):
    key = ed25519.Ed25519PrivateKey.from_private_bytes(FIXED_ED25519_SEED)
    pem = spki_pem(key.public_key())
    doc = json.loads(documents["maintenance-event"].read_bytes())
    payload = rfc8785.dumps(build_statement(doc))
    sig = key.sign(pae(PAYLOAD_TYPE, payload))
    return pem, envelope_json(payload, [(keyid_of(pem), sig)])


def test_lading_verifies_envelope_with_url_safe_unpadded_base64(run_lading, workdir, documents):
    import base64

    pem, env = _ed25519_statement_envelope(documents, spki_keyid_from_pem)
    payload, sig = b64d(env["payload"]), b64d(env["signatures"][0]["sig"])
    env["payload"] = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    env["signatures"][0]["sig"] = base64.urlsafe_b64encode(sig).decode().rstrip("=")
    # make sure the URL-safe alphabet and missing padding are really exercised
    assert any(c in env["payload"] + env["signatures"][0]["sig"] for c in "-_")
    pub = workdir / "k.pub"
    pub.write_bytes(pem)
    res = run_lading("verify-signature", write_json(workdir / "env.json", env), "--pubkey", pub)
    assert res.code == 0, res.stderr


@pytest.mark.parametrize("keyid_form", ["absent", "empty"])
def test_lading_verifies_envelope_without_keyid(run_lading, workdir, documents, keyid_form):
    pem, env = _ed25519_statement_envelope(documents, lambda _pem: None if keyid_form == "absent" else "")
    assert ("keyid" in env["signatures"][0]) == (keyid_form == "empty")
    pub = workdir / "k.pub"
    pub.write_bytes(pem)
    res = run_lading("verify-signature", write_json(workdir / "env.json", env), "--pubkey", pub, "--json")
    assert res.code == 0, f"{res.stdout!r}"


@pytest.mark.parametrize("where", ["envelope", "signature"])
def test_lading_ignores_unrecognized_envelope_fields(run_lading, workdir, documents, where):
    pem, env = _ed25519_statement_envelope(documents, spki_keyid_from_pem)
    target = env if where == "envelope" else env["signatures"][0]
    target["x-extension"] = {"note": "added by another producer"}
    # securesystemslib, a reference DSSE consumer, accepts it
    keyid = spki_keyid_from_pem(pem)
    Envelope.from_dict(copy.deepcopy(env)).verify([sslib_key_from_pem("ed25519", pem, keyid)], 1)
    pub = workdir / "k.pub"
    pub.write_bytes(pem)
    res = run_lading("verify-signature", write_json(workdir / "env.json", env), "--pubkey", pub, "--json")
    assert res.code == 0, f"{res.stdout!r}"
