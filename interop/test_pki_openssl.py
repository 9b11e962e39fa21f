"""X.509 interop between `lading pki` / `lading verify-signature` and the OpenSSL 3 command line.

Both directions:
- every chain `lading pki` makes is accepted by `openssl verify` (SM2 links with
  `-vfyopt distid:1234567812345678`), its TSA certificates pass `-purpose timestampsign`, its
  CRLs verify with `openssl crl` and revoke with `openssl verify -crl_check`;
- chains, CRLs and bad certificates made by `openssl req/x509/ca` are validated by
  `lading pki verify`, with the rule and the certificate named when they fail.

OpenSSL 3.0's `verify -vfyopt distid:` sets the distinguishing id on the target certificate only;
the certificates above it are checked with OpenSSL's empty default id (openssl/openssl#23471),
so a whole SM2 chain fails there even when OpenSSL made it itself (checked below). SM2 chains are
therefore checked link by link: each certificate as the target, its issuer as the trust anchor
(`-partial_chain`).
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

DISTID = "distid:1234567812345678"
ORG_ID = "91440300MA5EXAMPLE"


@pytest.fixture(scope="module")
def openssl(openssl_bin):
    def run(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([openssl_bin, *[str(a) for a in args]], capture_output=True, text=True, timeout=60, cwd=cwd)

    return run


def ok(res):
    assert res.code == 0, res.stderr
    return res


def lading_hierarchy(run_lading, d: Path, prefix: str, ca_alg: str, leaf_algs: list[str]) -> dict[str, Path]:
    """Root and intermediate of `ca_alg`, one signer per leaf algorithm, a TSA, a CRL revoking the first signer."""
    for name, alg in [("root", ca_alg), ("int", ca_alg), ("tsa", ca_alg if ca_alg != "ed25519" else "p256")]:
        ok(run_lading("key", "generate", "--alg", alg, "--out", f"{prefix}-{name}", cwd=d))
    ok(run_lading("pki", "init-ca", "--key", f"{prefix}-root.key", "--subject", f"CN={prefix} Root,O=Lading Test,C=CN",
                  "--path-len", "1", "--days", "3650", "--out", f"{prefix}-root.pem", cwd=d))
    ok(run_lading("pki", "issue", "--ca-cert", f"{prefix}-root.pem", "--ca-key", f"{prefix}-root.key",
                  "--subject-key", f"{prefix}-int.pub", "--subject", f"CN={prefix} Intermediate,O=Lading Test",
                  "--profile", "ca", "--out", f"{prefix}-int.pem", cwd=d))
    files = {"root": d / f"{prefix}-root.pem", "int": d / f"{prefix}-int.pem"}
    for alg in leaf_algs:
        ok(run_lading("key", "generate", "--alg", alg, "--out", f"{prefix}-leaf-{alg}", cwd=d))
        ok(run_lading("pki", "issue", "--ca-cert", f"{prefix}-int.pem", "--ca-key", f"{prefix}-int.key",
                      "--subject-key", f"{prefix}-leaf-{alg}.pub",
                      "--subject", f"CN=Signer {alg},O=Example Ltd,organizationIdentifier={ORG_ID}",
                      "--profile", "signer", "--out", f"{prefix}-leaf-{alg}.pem", cwd=d))
        files[f"leaf-{alg}"] = d / f"{prefix}-leaf-{alg}.pem"
    ok(run_lading("pki", "issue", "--ca-cert", f"{prefix}-int.pem", "--ca-key", f"{prefix}-int.key",
                  "--subject-key", f"{prefix}-tsa.pub", "--subject", f"CN={prefix} TSA,O=Lading Test",
                  "--profile", "tsa", "--out", f"{prefix}-tsa.pem", cwd=d))
    files["tsa"] = d / f"{prefix}-tsa.pem"
    shown = ok(run_lading("--json", "pki", "show", files[f"leaf-{leaf_algs[0]}"], cwd=d)).json()
    serial = shown["certificates"][0]["certificate"]["serial"]
    ok(run_lading("pki", "crl", "--ca-cert", f"{prefix}-int.pem", "--ca-key", f"{prefix}-int.key",
                  "--revoke", serial, "--out", f"{prefix}-int.crl", cwd=d))
    files["crl"] = d / f"{prefix}-int.crl"
    return files


def first_cert(openssl, chain: Path, out: Path) -> Path:
    res = openssl("x509", "-in", chain, "-out", out)
    assert res.returncode == 0, res.stderr
    return out


def test_openssl_verifies_lading_p256_chains_tsa_and_crl(run_lading, openssl, workdir):
    f = lading_hierarchy(run_lading, workdir, "p256", "p256", ["p256", "ed25519"])
    for alg in ["p256", "ed25519"]:
        leaf = first_cert(openssl, f[f"leaf-{alg}"], workdir / f"leaf-{alg}-only.pem")
        res = openssl("verify", "-x509_strict", "-CAfile", f["root"], "-untrusted", f["int"], leaf)
        assert res.returncode == 0 and ": OK" in res.stdout, res.stdout + res.stderr
        # The chain file lading wrote (leaf + intermediate) is the -untrusted set as is.
        res = openssl("verify", "-CAfile", f["root"], "-untrusted", f[f"leaf-{alg}"], leaf)
        assert res.returncode == 0, res.stderr
    tsa = first_cert(openssl, f["tsa"], workdir / "tsa-only.pem")
    res = openssl("verify", "-purpose", "timestampsign", "-CAfile", f["root"], "-untrusted", f["int"], tsa)
    assert res.returncode == 0, res.stdout + res.stderr
    # A signer is not a TSA for OpenSSL either.
    leaf = workdir / "leaf-p256-only.pem"
    res = openssl("verify", "-purpose", "timestampsign", "-CAfile", f["root"], "-untrusted", f["int"], leaf)
    assert res.returncode != 0
    res = openssl("crl", "-in", f["crl"], "-CAfile", f["int"], "-noout")
    assert res.returncode == 0 and "verify OK" in (res.stdout + res.stderr), res.stderr
    res = openssl("verify", "-crl_check", "-CRLfile", f["crl"], "-CAfile", f["root"], "-untrusted", f["int"], leaf)
    assert res.returncode != 0 and "certificate revoked" in (res.stdout + res.stderr), res.stdout + res.stderr
    res = openssl("verify", "-crl_check", "-CRLfile", f["crl"], "-CAfile", f["root"], "-untrusted", f["int"],
                  workdir / "leaf-ed25519-only.pem")
    assert res.returncode == 0, res.stdout + res.stderr


def test_openssl_verifies_lading_sm2_chains_link_by_link(run_lading, openssl, workdir):
    f = lading_hierarchy(run_lading, workdir, "sm2", "sm2", ["sm2", "ed25519"])
    res = openssl("verify", "-x509_strict", "-vfyopt", DISTID, "-CAfile", f["root"], f["int"])
    assert res.returncode == 0, res.stdout + res.stderr
    for name in ["leaf-sm2", "leaf-ed25519", "tsa"]:
        leaf = first_cert(openssl, f[name], workdir / f"{name}-only.pem")
        res = openssl("verify", "-x509_strict", "-vfyopt", DISTID, "-partial_chain", "-CAfile", f["int"], leaf)
        assert res.returncode == 0, name + res.stdout + res.stderr
    # The distinguishing id matters: without it OpenSSL 3.0 (empty id) rejects the SM2 signature.
    res = openssl("verify", "-CAfile", f["root"], f["int"])
    assert res.returncode != 0


@pytest.fixture
def openssl_pki(openssl, workdir):
    """OpenSSL-made P-256 and SM2 hierarchies: root, intermediate and leaves, plus bad leaves."""
    d = workdir

    def must(*args):
        res = openssl(*args, cwd=d)
        assert res.returncode == 0, f"openssl {args}: {res.stderr}"
        return res

    (d / "ca.ext").write_text("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                              "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    (d / "leaf.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n")
    (d / "enc.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,keyEncipherment\n")
    (d / "tls.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
    (d / "crit.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n1.3.6.1.4.1.99999.7=critical,ASN1:NULL\n")
    for p, genargs, sig in [
        ("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], ["-sha256"]),
        ("sm2", ["-algorithm", "SM2"], ["-sm3", "-sigopt", DISTID]),
    ]:
        vfy = ["-vfyopt", DISTID] if p == "sm2" else []
        for k in ["root", "int", "leaf", "enc", "tls", "crit"]:
            must("genpkey", *genargs, "-out", f"{p}-{k}.key")
        must("genpkey", "-algorithm", "ED25519", "-out", f"{p}-ed.key")
        must("req", "-new", "-x509", "-key", f"{p}-root.key", *sig, "-subj", f"/C=CN/O=OpenSSL Test/CN={p} Root",
             "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", f"{p}-root.pem")
        must("req", "-new", "-key", f"{p}-int.key", *sig, "-subj", f"/O=OpenSSL Test/CN={p} Intermediate",
             "-out", f"{p}-int.csr")
        must("x509", "-req", "-in", f"{p}-int.csr", "-CA", f"{p}-root.pem", "-CAkey", f"{p}-root.key", *sig, *vfy,
             "-set_serial", "2", "-days", "365", "-extfile", "ca.ext", "-out", f"{p}-int.pem")
        for k, ext, subj in [
            ("leaf", "leaf.ext", f"/O=Example Ltd/organizationIdentifier={ORG_ID}/CN={p} Signer"),
            ("ed", "leaf.ext", f"/O=Example Ltd/serialNumber={ORG_ID}/CN={p} Ed25519 Signer"),
            ("enc", "enc.ext", f"/CN={p} Encryption Only"),
            ("tls", "tls.ext", f"/CN={p} TLS Server"),
            ("crit", "crit.ext", f"/CN={p} Unknown Critical"),
        ]:
            leaf_sig = [] if k == "ed" else sig
            must("req", "-new", "-key", f"{p}-{k}.key", *leaf_sig, "-subj", subj, "-out", f"{p}-{k}.csr")
            must("x509", "-req", "-in", f"{p}-{k}.csr", "-CA", f"{p}-int.pem", "-CAkey", f"{p}-int.key", *sig,
                 *(vfy if k != "ed" else []), "-set_serial", str(100 + len(k)), "-days", "30", "-extfile", ext,
                 "-out", f"{p}-{k}.pem")
    return d


def lading_verify(run_lading, d: Path, chain: list[str], root: str, *extra: str):
    (d / "chain.pem").write_text("".join((d / c).read_text() for c in chain))
    return run_lading("--json", "pki", "verify", "chain.pem", "--ca", root, *extra, cwd=d)


@pytest.mark.parametrize("p", ["p256", "sm2"])
def test_lading_validates_openssl_chains(run_lading, openssl_pki, p):
    d = openssl_pki
    res = ok(lading_verify(run_lading, d, [f"{p}-leaf.pem", f"{p}-int.pem"], f"{p}-root.pem"))
    out = res.json()
    assert out["valid"] is True
    assert out["signer"]["organization_identifier"] == ORG_ID
    assert out["signer"]["subject"] == f"CN={p} Signer,organizationIdentifier={ORG_ID},O=Example Ltd"
    assert out["anchor"] == f"CN={p} Root,O=OpenSSL Test,C=CN"
    out = ok(lading_verify(run_lading, d, [f"{p}-ed.pem", f"{p}-int.pem"], f"{p}-root.pem")).json()
    assert out["signer"]["subject_serial_number"] == ORG_ID


@pytest.mark.parametrize("p", ["p256", "sm2"])
def test_lading_refuses_bad_openssl_certificates_naming_them(run_lading, openssl, openssl_pki, p):
    d = openssl_pki
    cases = [
        ([f"{p}-enc.pem", f"{p}-int.pem"], f"certificate #0 (leaf) (CN={p} Encryption Only): keyUsage lacks digitalSignature"),
        ([f"{p}-tls.pem", f"{p}-int.pem"], f"certificate #0 (leaf) (CN={p} TLS Server): extKeyUsage [1.3.6.1.5.5.7.3.1]"),
        ([f"{p}-crit.pem", f"{p}-int.pem"],
         f"certificate #0 (leaf) (CN={p} Unknown Critical): unknown critical extension 1.3.6.1.4.1.99999.7"),
        ([f"{p}-leaf.pem"], f"issuer \"CN={p} Intermediate,O=OpenSSL Test\" is neither a trust anchor nor the next "
                            "certificate in the chain (broken chain)"),
    ]
    for chain, message in cases:
        res = lading_verify(run_lading, d, chain, f"{p}-root.pem")
        assert res.code == 1, res.stderr
        assert res.json()["valid"] is False
        assert message in res.stderr, res.stderr
    # OpenSSL agrees about the unknown critical extension (P-256, where its whole-chain check works).
    if p == "p256":
        res = openssl("verify", "-CAfile", d / "p256-root.pem", "-untrusted", d / "p256-int.pem", d / "p256-crit.pem")
        assert res.returncode != 0 and "unhandled critical extension" in (res.stdout + res.stderr)
    # Expired and not yet valid, judged at a given time.
    chain = [f"{p}-leaf.pem", f"{p}-int.pem"]
    res = lading_verify(run_lading, d, chain, f"{p}-root.pem", "--at", "2099-01-01T00:00:00Z")
    assert res.code == 1 and "expired: notAfter" in res.stderr, res.stderr
    res = lading_verify(run_lading, d, chain, f"{p}-root.pem", "--at", "2000-01-01T00:00:00Z")
    assert res.code == 1 and "not yet valid: notBefore" in res.stderr, res.stderr


def test_lading_reads_openssl_ca_crls_and_expired_certificates(run_lading, openssl, workdir):
    """`openssl ca` keeps a database, issues with explicit dates and generates CRLs."""
    d = workdir
    for sub in ["newcerts"]:
        (d / sub).mkdir()
    (d / "index.txt").write_text("")
    (d / "serial").write_text("1000\n")
    (d / "crlnumber").write_text("01\n")
    (d / "ca.cnf").write_text(
        "[ca]\ndefault_ca = test\n[test]\ndir = .\ndatabase = index.txt\nnew_certs_dir = newcerts\n"
        "serial = serial\ncrlnumber = crlnumber\ncertificate = root.pem\nprivate_key = root.key\n"
        "default_md = sha256\ndefault_days = 30\ndefault_crl_days = 7\npolicy = any\nunique_subject = no\n"
        "copy_extensions = none\nx509_extensions = leaf\n[any]\ncommonName = supplied\n"
        "[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n"
    )

    def must(*args):
        res = openssl(*args, cwd=d)
        assert res.returncode == 0, f"openssl {args}: {res.stderr}"
        return res

    must("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "root.key")
    must("req", "-new", "-x509", "-key", "root.key", "-sha256", "-subj", "/CN=CA Root", "-days", "3650",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
         "-out", "root.pem")
    for name, dates in [("good", []), ("revoked", []),
                        ("old", ["-startdate", "20200101000000Z", "-enddate", "20210101000000Z"])]:
        must("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f"{name}.key")
        must("req", "-new", "-key", f"{name}.key", "-subj", f"/CN={name} signer", "-out", f"{name}.csr")
        must("ca", "-batch", "-config", "ca.cnf", "-in", f"{name}.csr", "-out", f"{name}.pem", "-notext", *dates)
    # A second later, so the revocation date is after the certificate's notBefore.
    time.sleep(1.1)
    must("ca", "-config", "ca.cnf", "-revoke", "revoked.pem")
    must("ca", "-config", "ca.cnf", "-gencrl", "-out", "ca.crl")

    def verify(name, *extra):
        return run_lading("--json", "pki", "verify", f"{name}.pem", "--ca", "root.pem", *extra, cwd=d)

    out = ok(verify("good", "--crl", "ca.crl")).json()
    assert out["chain"][0]["revocation"].startswith("not revoked"), out
    res = verify("revoked", "--crl", "ca.crl")
    assert res.code == 1 and "certificate #0 (leaf) (CN=revoked signer): revoked at" in res.stderr, res.stderr
    # Before the revocation date, the same certificate was fine.
    issued = json.loads(ok(verify("revoked")).stdout)["signer"]["not_before"]
    res = ok(verify("revoked", "--crl", "ca.crl", "--at", issued))
    assert res.json()["chain"][0]["revocation"].startswith("revoked later")
    res = verify("old")
    assert res.code == 1 and "(CN=old signer): expired: notAfter 2021-01-01T00:00:00Z" in res.stderr, res.stderr


def test_garbage_pem_is_refused_clearly(run_lading, workdir):
    (workdir / "garbage.pem").write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n")
    (workdir / "root.pem").write_text("hello\n")
    res = run_lading("pki", "verify", "garbage.pem", "--ca", "root.pem", cwd=workdir)
    assert res.code == 1
    assert "garbage.pem: certificate #0 (PEM block at line 1): bad PEM" in res.stderr, res.stderr
    res = run_lading("pki", "show", "root.pem", cwd=workdir)
    assert res.code == 1 and "root.pem: no PEM CERTIFICATE block and not DER" in res.stderr, res.stderr
