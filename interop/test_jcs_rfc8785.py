"""RFC 8785 (JCS) interop: `lading canonicalize` and `lading sign` against the
published cyberphone vectors and the independent `rfc8785` Python package."""

from __future__ import annotations

import hashlib
import json
import math
import random
import struct

import pytest
import rfc8785

from interop_helpers import DOC_KINDS, b64d

JCS_VECTOR_NAMES = ("arrays", "french", "structures", "unicode", "values", "weird")


def canonicalize(run_lading, path) -> bytes:
    res = run_lading("canonicalize", path)
    assert res.code == 0, f"lading canonicalize {path} failed: {res.stderr}"
    return res.stdout


# --- published vectors ------------------------------------------------------------------


def test_jcs_vector_folder_has_the_expected_files(vectors_dir):
    names = sorted(p.stem for p in (vectors_dir / "jcs" / "input").glob("*.json"))
    assert names == sorted(JCS_VECTOR_NAMES)


@pytest.mark.parametrize("name", JCS_VECTOR_NAMES)
def test_lading_canonicalize_matches_jcs_vector_and_rfc8785(run_lading, vectors_dir, name):
    src = vectors_dir / "jcs" / "input" / f"{name}.json"
    expected = (vectors_dir / "jcs" / "output" / f"{name}.json").read_bytes()
    outhex = (vectors_dir / "jcs" / "outhex" / f"{name}.txt").read_text()
    assert bytes.fromhex("".join(outhex.split())) == expected, "vector files disagree with each other"

    ours = canonicalize(run_lading, src)
    assert ours == expected
    with open(src, encoding="utf-8") as fh:
        assert rfc8785.dumps(json.load(fh)) == ours


# --- lading documents and envelopes -------------------------------------------------------


@pytest.mark.parametrize("kind", DOC_KINDS)
def test_lading_canonicalize_of_example_document_matches_rfc8785(run_lading, documents, kind):
    doc = json.loads(documents[kind].read_bytes())
    assert canonicalize(run_lading, documents[kind]) == rfc8785.dumps(doc)


@pytest.mark.parametrize("alg", ["ed25519", "p256", "sm2"])
@pytest.mark.parametrize("kind", DOC_KINDS)
def test_lading_dsse_payload_is_rfc8785_and_subject_digest_is_sha256_of_canonical_predicate(
    run_lading, workdir, documents, lading_key, kind, alg
):
    priv, _, _ = lading_key(alg)
    out = workdir / "env.json"
    res = run_lading("sign", documents[kind], "--key", priv, "--out", out)
    assert res.code == 0, res.stderr
    env = json.loads(out.read_bytes())
    payload = b64d(env["payload"])
    statement = json.loads(payload)

    assert payload == rfc8785.dumps(statement), "DSSE payload is not RFC 8785 canonical JSON"
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    doc = json.loads(documents[kind].read_bytes())
    assert statement["predicate"] == doc
    subject = statement["subject"][0]
    assert subject["name"] == f"{kind}/{doc['meta']['id']}"
    assert subject["digest"]["sha256"] == hashlib.sha256(rfc8785.dumps(statement["predicate"])).hexdigest()
    assert subject["digest"]["sha256"] == hashlib.sha256(rfc8785.dumps(doc)).hexdigest()


# --- numbers ------------------------------------------------------------------------------

EDGE_FLOATS = [
    1e21, 1e20, 9.999999999999999e20, 1e-7, 1e-6, 1.5e-7, 0.000001, -0.0, 0.0,
    5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
    1.7976931348623157e308, -1.7976931348623157e308,
    0.1, 0.2, 0.30000000000000004, 1 / 3, 2 / 3, math.pi, math.e,
    333333333.3333333, 1e30, 4.5, 2e-3, 1e-27, 123456789012345680000.0,
    9007199254740992.0, 9007199254740994.0, 4503599627370496.5, 295147905179352830000.0,
    1e16, 1e15, 1e17, 12345678.9, 100.0, 1.0, -1.0, 0.5, 1e23, 5e-7, 1e-5, 9.5367431640625e-7,
]
EDGE_INTS = [0, 1, -1, 2**53 - 1, -(2**53 - 1), 2**31, -(2**31), 2**32 + 1, 10**15, 999999999999999]


def _number_batch(seed: int = 8785):
    """(json text, value) pairs: seeded random doubles and ints plus edge cases."""
    rng = random.Random(seed)
    items = []
    for f in EDGE_FLOATS:
        items.append((repr(f), f))
    for i in EDGE_INTS:
        items.append((str(i), i))
    # doubles from random bit patterns: every exponent range, subnormals included
    while len(items) < 900:
        f = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(f):
            items.append((repr(f), f))
    for _ in range(500):
        f = rng.uniform(-1e6, 1e6)
        items.append((repr(f), f))
    for _ in range(300):  # short decimals around the 1e-7 / 1e21 switch points
        f = round(rng.uniform(1, 10), rng.randint(0, 6)) * 10.0 ** rng.randint(-9, 22)
        items.append((repr(f), f))
    for _ in range(300):
        i = rng.randint(-(2**53 - 1), 2**53 - 1)
        items.append((str(i), i))
    for _ in range(200):
        i = rng.randint(-1000, 1000)
        items.append((str(i), i))
    # the same values written in other valid JSON spellings: lading must parse them exactly
    for text, value in list(items[:800]):
        if isinstance(value, float):
            items.append(("%.17e" % value, value))
            items.append((("%.25E" % value).replace("E+", "E"), value))
    return items


def test_lading_canonicalizes_2000_plus_numbers_like_rfc8785(run_lading, workdir):
    items = _number_batch()
    assert len(items) >= 2000
    src = workdir / "numbers.json"
    src.write_text("[" + ",".join(text for text, _ in items) + "]", encoding="ascii")

    parsed = json.loads(src.read_text())
    for (text, value), got in zip(items, parsed):
        assert got == value, f"Python's json parsed {text} as {got!r}"

    ours = canonicalize(run_lading, src)
    theirs = rfc8785.dumps(parsed)
    if ours != theirs:
        ours_items = ours.decode().strip("[]").split(",")
        theirs_items = theirs.decode().strip("[]").split(",")
        assert len(ours_items) == len(theirs_items), "element count differs"
        diffs = [(t, o, r) for (t, _), o, r in zip(items, ours_items, theirs_items) if o != r]
        pytest.fail(f"{len(diffs)} numbers differ (input, lading, rfc8785): {diffs[:20]}")


def test_lading_canonical_number_edge_cases_exact_bytes(run_lading, workdir):
    """Spot values whose ECMAScript Number-to-String form is fixed by the spec."""
    cases = {
        "1e21": "1e+21", "1e20": "100000000000000000000", "1e-7": "1e-7", "1e-6": "0.000001",
        "-0.0": "0", "-0": "0", "5e-324": "5e-324", "1.7976931348623157e308": "1.7976931348623157e+308",
        "1E2": "100", "100e-2": "1", "0.1": "0.1", "123.4560": "123.456", "-1.5e-7": "-1.5e-7",
    }
    src = workdir / "edge.json"
    src.write_text("[" + ",".join(cases) + "]")
    expected = ("[" + ",".join(cases.values()) + "]").encode()
    assert canonicalize(run_lading, src) == expected
    assert rfc8785.dumps(json.loads(src.read_text())) == expected


# --- strings and keys ---------------------------------------------------------------------


def test_lading_canonicalizes_strings_and_key_order_like_rfc8785(run_lading, workdir):
    value = {
        "\U0001f600": "emoji key sorts by UTF-16 code units, before U+FFFF",
        "\uffff": 2,
        "\ue000": "private use",
        "a\u0000b": "\u007f\u0080\u2028\u2029\ud7ff",
        "\u00e9": "\x1f\"\\/\b\f\n\r\t",
        "": [True, False, None, {}, [], {"b": 1, "a": [{"d": 0, "c": 1}]}],
        "\U0001f600x": "\U0010ffff",
        "A": "\u20ac$\u000f\nA'B\"\\",
        "10": 10,
        "9": 9,
    }
    for ensure_ascii in (True, False):
        src = workdir / f"strings-{ensure_ascii}.json"
        src.write_text(json.dumps(value, ensure_ascii=ensure_ascii, indent=1), encoding="utf-8")
        assert canonicalize(run_lading, src) == rfc8785.dumps(value)


# --- rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,text",
    [
        ("duplicate-top-level-key", '{"a":1,"a":2}'),
        ("duplicate-key-via-escape", '{"a":1,"\\u0061":2}'),
        ("duplicate-nested-key", '[{"x":{"b":1,"c":2,"b":3}}]'),
        ("lone-leading-surrogate", '{"a":"\\ud800"}'),
        ("lone-trailing-surrogate", '{"a":"\\udc00"}'),
        ("leading-surrogate-then-letter", '["\\ud800\\u0041"]'),
        ("lone-surrogate-in-key", '{"\\udfff":1}'),
        ("integer-beyond-2^53", "[9007199254740993]"),
        ("negative-integer-beyond-2^53", "[-9007199254740993]"),
    ],
)
def test_lading_canonicalize_rejects_non_i_json_input(run_lading, workdir, name, text):
    src = workdir / f"{name}.json"
    src.write_text(text, encoding="ascii")
    res = run_lading("canonicalize", src)
    assert res.code == 1, f"exit {res.code}, stdout {res.stdout!r}"
    assert res.stdout == b"", "no canonical output may be printed for rejected input"
    assert res.stderr.strip(), "a rejection must say why"


def test_valid_surrogate_pair_is_not_rejected(run_lading, workdir):
    """Control for the surrogate rejections: a proper pair is fine."""
    src = workdir / "pair.json"
    src.write_text('{"a":"\\ud83d\\ude00"}', encoding="ascii")
    assert canonicalize(run_lading, src) == rfc8785.dumps({"a": "\U0001f600"})
