"""RFC 3161 interop between Lading and the OpenSSL 3 command line, both directions.

- `openssl ts -reply`, behind a small loopback HTTP wrapper, is the TSA for `lading sign --tsa`
  and `lading timestamp`; `lading verify-signature --tsa-ca` verifies its tokens (ESS
  signingCertificate v1 with SHA-1, genTime with milliseconds, accuracy, ordering, tsa name) and
  takes the signing time from them. A rejection from OpenSSL, and a reply to another request
  (a replayed one), are refused by Lading's client with the reason.
- `lading serve --tsa-key` is the TSA for `openssl ts -query`, and `openssl ts -verify` accepts
  its tokens, both those `lading sign --tsa` put in a bundle and those asked by OpenSSL itself;
  also when the TSA's P-256 key is in a SoftHSM2 token (`--tsa-key pkcs11:…`).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def ok(res):
    assert res.code == 0, res.stderr
    return res


def hierarchy(run_lading, d: Path) -> None:
    """P-256 root → intermediate → signer and TSA, as the interop for certificates makes them."""
    for name in ["root", "int", "signer", "tsa"]:
        ok(run_lading("key", "generate", "--alg", "p256", "--out", name, cwd=d))
    ok(run_lading("pki", "init-ca", "--key", "root.key", "--subject", "CN=TS Root,O=Lading Test,C=CN",
                  "--days", "3650", "--out", "root.pem", cwd=d))
    ok(run_lading("pki", "issue", "--ca-cert", "root.pem", "--ca-key", "root.key", "--subject-key", "int.pub",
                  "--subject", "CN=TS Intermediate,O=Lading Test", "--profile", "ca", "--out", "int.pem", cwd=d))
    ok(run_lading("pki", "issue", "--ca-cert", "int.pem", "--ca-key", "int.key", "--subject-key", "signer.pub",
                  "--subject", "CN=Signer,O=Example Ltd,organizationIdentifier=91440300MA5EXAMPLE",
                  "--profile", "signer", "--out", "signer.pem", cwd=d))
    ok(run_lading("pki", "issue", "--ca-cert", "int.pem", "--ca-key", "int.key", "--subject-key", "tsa.pub",
                  "--subject", "CN=TS Authority,O=Lading Test", "--profile", "tsa", "--out", "tsa.pem", cwd=d))
    doc = ok(run_lading("new", "saas-release", cwd=d)).stdout
    (d / "doc.json").write_bytes(doc)


TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/int.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.55555.99.1
other_policies = 1.3.6.1.4.1.55555.99.2
digests = {digests}
accuracy = secs:1, millisecs:500, microsecs:100
clock_precision_digits = 3
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha1
"""


class OpensslTsa:
    """`openssl ts -reply` behind HTTP on 127.0.0.1; `replay` answers every request with the first reply."""

    def __init__(self, openssl_bin: str, d: Path, digests: str = "sha256, sha384, sha512", replay: bool = False):
        self.dir = d
        (d / "tsaserial").write_text("01\n")
        config = d / f"tsa-{digests.count(',')}.cnf"
        config.write_text(TSA_CONFIG.format(dir=d, digests=digests))
        self.first_reply: bytes | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.first_reply is not None and replay:
                    reply = outer.first_reply
                else:
                    query = d / "q.tsq"
                    query.write_bytes(body)
                    res = subprocess.run([openssl_bin, "ts", "-reply", "-config", str(config), "-queryfile", str(query),
                                          "-out", str(d / "r.tsr")], capture_output=True, text=True, timeout=30)
                    assert res.returncode == 0, res.stderr
                    reply = (d / "r.tsr").read_bytes()
                    outer.first_reply = outer.first_reply or reply
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def signed_timestamp(bundle: Path, index: int = 0) -> bytes:
    b = json.loads(bundle.read_text())
    ts = b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]
    return base64.b64decode(ts[index]["signedTimestamp"])


def signature_bytes(bundle: Path) -> bytes:
    return base64.b64decode(json.loads(bundle.read_text())["dsseEnvelope"]["signatures"][0]["sig"])


def test_lading_client_and_verifier_accept_openssl_ts_reply(run_lading, openssl_bin, workdir):
    d = workdir
    hierarchy(run_lading, d)
    tsa = OpensslTsa(openssl_bin, d)
    try:
        ok(run_lading("sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--tsa", tsa.url,
                      "--out", "b.json", cwd=d))
        ok(run_lading("timestamp", "b.json", "--tsa", tsa.url, "--out", "b2.json", cwd=d))
    finally:
        tsa.close()
    # The reply really is OpenSSL's: its text form names our policy and the TSA.
    (d / "resp.der").write_bytes(signed_timestamp(d / "b.json"))
    text = subprocess.run([openssl_bin, "ts", "-reply", "-in", str(d / "resp.der"), "-text"],
                          capture_output=True, text=True).stdout
    assert "Policy OID: 1.3.6.1.4.1.55555.99.1" in text and "TS Authority" in text, text
    res = ok(run_lading("--json", "verify-signature", "b2.json", "--ca", "root.pem", "--tsa-ca", "root.pem", cwd=d))
    out = res.json()
    assert out["valid"] is True
    assert out["time_source"].startswith("RFC 3161 timestamp by CN=TS Authority"), out
    assert [t["policy"] for t in out["timestamps"]] == ["1.3.6.1.4.1.55555.99.1", "1.3.6.1.4.1.55555.99.1"]
    assert all(t["accuracy_micros"] == 1_500_100 for t in out["timestamps"])
    # Milliseconds kept from genTime (clock_precision_digits = 3) when OpenSSL wrote a fraction
    # (it drops trailing zeros, so a time on the whole second has none).
    openssl_time = next(line for line in text.splitlines() if line.startswith("Time stamp:"))
    assert ("." in openssl_time) == ("." in out["timestamps"][0]["gen_time"]), (openssl_time, out["timestamps"][0])


def test_lading_client_refuses_openssl_rejections_and_replayed_replies(run_lading, openssl_bin, workdir):
    d = workdir
    hierarchy(run_lading, d)
    # A TSA that only takes SHA-384 imprints answers Lading's SHA-256 request with badAlg.
    tsa = OpensslTsa(openssl_bin, d, digests="sha384")
    try:
        res = run_lading("sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--tsa", tsa.url,
                         "--out", "x.json", cwd=d)
    finally:
        tsa.close()
    assert res.code != 0 and "status 2 (rejection)" in res.stderr and "badAlg" in res.stderr, res.stderr
    assert not (d / "x.json").exists()
    # A TSA that replays its first reply: the second request's nonce and imprint differ.
    tsa = OpensslTsa(openssl_bin, d, replay=True)
    try:
        ok(run_lading("sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--tsa", tsa.url,
                      "--out", "first.json", cwd=d))
        res = run_lading("timestamp", "first.json", "--tsa", tsa.url, "--out", "y.json", cwd=d)
    finally:
        tsa.close()
    assert res.code != 0 and "nonce" in res.stderr, res.stderr
    assert not (d / "y.json").exists()


def start_serve(lading_bin, d: Path, key: str = "tsa.key", cert: str = "tsa.pem"):
    proc = subprocess.Popen([str(lading_bin), "--json", "serve", "--data", "dep", "--listen", "127.0.0.1:0",
                             "--tsa-key", key, "--tsa-cert", cert],
                            cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        assert line, f"lading serve exited: {proc.stderr.read()}"
        event = json.loads(line)
        if event.get("event") == "listening":
            return proc, f"http://{event['address']}"
    proc.kill()
    pytest.fail("lading serve did not start listening")


def test_openssl_ts_verify_accepts_tokens_from_lading_serve(run_lading, lading_bin, openssl_bin, workdir):
    d = workdir
    hierarchy(run_lading, d)
    proc, base = start_serve(lading_bin, d)
    try:
        url = f"{base}/v1/timestamp"
        ok(run_lading("sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--tsa", url,
                      "--out", "b.json", cwd=d))
        # OpenSSL asks Lading's TSA itself.
        (d / "data.bin").write_bytes(b"bytes OpenSSL wants stamped")
        subprocess.run([openssl_bin, "ts", "-query", "-data", str(d / "data.bin"), "-sha256", "-cert",
                        "-out", str(d / "q.tsq")], check=True, capture_output=True)
        req = urllib.request.Request(url, data=(d / "q.tsq").read_bytes(),
                                     headers={"Content-Type": "application/timestamp-query"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.headers["Content-Type"] == "application/timestamp-reply"
            (d / "r.tsr").write_bytes(r.read())
        with urllib.request.urlopen(f"{base}/v1/logs", timeout=10) as r:
            logs = {log["name"]: log for log in json.loads(r.read())["logs"]}
    finally:
        proc.kill()
        proc.wait()
    assert logs["timestamps"]["size"] == 2
    (d / "sig.bin").write_bytes(signature_bytes(d / "b.json"))
    (d / "resp.der").write_bytes(signed_timestamp(d / "b.json"))
    for args in (["-data", "sig.bin", "-in", "resp.der"], ["-queryfile", "q.tsq", "-in", "r.tsr"]):
        res = subprocess.run([openssl_bin, "ts", "-verify", *args, "-CAfile", "root.pem", "-untrusted", "int.pem"],
                             cwd=d, capture_output=True, text=True)
        assert res.returncode == 0 and "Verification: OK" in res.stdout, res.stdout + res.stderr
    # And OpenSSL refuses the token over other data (the check is not vacuous).
    (d / "other.bin").write_bytes(b"other")
    res = subprocess.run([openssl_bin, "ts", "-verify", "-data", "other.bin", "-in", "resp.der", "-CAfile", "root.pem",
                          "-untrusted", "int.pem"], cwd=d, capture_output=True, text=True)
    assert res.returncode != 0


def test_detached_tokens_over_a_credential_verify_with_openssl(run_lading, lading_bin, openssl_bin, workdir):
    """`lading timestamp CREDENTIAL` (what `statement issue --tsa` does for a statement) writes a
    detached TimeStampResp over the credential's exact bytes: `openssl ts -verify -data` accepts
    it from `lading serve`'s TSA, and Lading's client takes OpenSSL's TSA's reply over it too."""
    d = workdir
    hierarchy(run_lading, d)
    ok(run_lading("key", "generate", "--out", "issuer", cwd=d))
    ok(run_lading("status-list", "new", "--key", "issuer.key", "--url", "https://example.com/status/1",
                  "--purpose", "revocation", "--out", "cred.json", cwd=d))
    proc, base = start_serve(lading_bin, d)
    try:
        ok(run_lading("timestamp", "cred.json", "--tsa", f"{base}/v1/timestamp", "--out", "cred.json.tsr", cwd=d))
    finally:
        proc.kill()
        proc.wait()
    tsa = OpensslTsa(openssl_bin, d)
    try:
        ok(run_lading("timestamp", "cred.json", "--tsa", tsa.url, "--out", "cred-openssl.tsr", cwd=d))
    finally:
        tsa.close()
    text = subprocess.run([openssl_bin, "ts", "-reply", "-in", "cred-openssl.tsr", "-text"], cwd=d,
                          capture_output=True, text=True).stdout
    assert "Policy OID: 1.3.6.1.4.1.55555.99.1" in text, text
    for token in ["cred.json.tsr", "cred-openssl.tsr"]:
        res = subprocess.run([openssl_bin, "ts", "-verify", "-data", "cred.json", "-in", token, "-CAfile", "root.pem",
                              "-untrusted", "int.pem"], cwd=d, capture_output=True, text=True)
        assert res.returncode == 0 and "Verification: OK" in res.stdout, token + res.stdout + res.stderr
    # The credential one byte longer: OpenSSL refuses the token (the imprint is over the exact bytes).
    (d / "cred2.json").write_bytes((d / "cred.json").read_bytes() + b" ")
    res = subprocess.run([openssl_bin, "ts", "-verify", "-data", "cred2.json", "-in", "cred.json.tsr", "-CAfile",
                          "root.pem", "-untrusted", "int.pem"], cwd=d, capture_output=True, text=True)
    assert res.returncode != 0


SOFTHSM_MODULES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"]


def test_openssl_ts_verify_accepts_tokens_signed_by_a_tsa_key_in_softhsm2(run_lading, lading_bin, openssl_bin,
                                                                          workdir, monkeypatch):
    module = next((m for m in SOFTHSM_MODULES if os.path.isfile(m)), None)
    if module is None or shutil.which("softhsm2-util") is None:
        pytest.fail("SoftHSM2 is required: apt-get install softhsm2 (scripts/test installs it)", pytrace=False)
    d = workdir
    hierarchy(run_lading, d)
    (d / "tokens").mkdir()
    conf = d / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {d / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "tsa", "--pin", "1111", "--so-pin", "2222"],
                   check=True, capture_output=True)
    (d / "pin").write_text("1111\n")
    uri = f"pkcs11:token=tsa;object=tsa?module-path={module}&pin-source=file:{d / 'pin'}"
    ok(run_lading("key", "generate", "--alg", "p256", "--pkcs11", uri, "--out", "token-tsa", cwd=d))
    assert not (d / "token-tsa.key").exists()
    ok(run_lading("pki", "issue", "--ca-cert", "int.pem", "--ca-key", "int.key", "--subject-key", "token-tsa.pub",
                  "--subject", "CN=Token TSA,O=Lading Test", "--profile", "tsa", "--out", "token-tsa.pem", cwd=d))
    proc, base = start_serve(lading_bin, d, key=uri, cert="token-tsa.pem")
    try:
        (d / "data.bin").write_bytes(b"bytes OpenSSL wants stamped by a token key")
        subprocess.run([openssl_bin, "ts", "-query", "-data", str(d / "data.bin"), "-sha256", "-cert",
                        "-out", str(d / "q.tsq")], check=True, capture_output=True)
        req = urllib.request.Request(f"{base}/v1/timestamp", data=(d / "q.tsq").read_bytes(),
                                     headers={"Content-Type": "application/timestamp-query"})
        with urllib.request.urlopen(req, timeout=10) as r:
            (d / "r.tsr").write_bytes(r.read())
    finally:
        proc.kill()
        proc.wait()
    res = subprocess.run([openssl_bin, "ts", "-verify", "-queryfile", "q.tsq", "-in", "r.tsr", "-CAfile", "root.pem",
                          "-untrusted", "int.pem"], cwd=d, capture_output=True, text=True)
    assert res.returncode == 0 and "Verification: OK" in res.stdout, res.stdout + res.stderr
    # The token names the token key's certificate, not the file TSA's.
    text = subprocess.run([openssl_bin, "ts", "-reply", "-in", "r.tsr", "-text"], cwd=d, capture_output=True,
                          text=True).stdout
    assert "Token TSA" in text, text
