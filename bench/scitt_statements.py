"""Writes N distinct SCITT signed statements for `bench/scitt_register.lua`.

Usage: python bench/scitt_statements.py DOC.json ISSUER.key N OUT
(DOC a Lading maintenance-event document, ISSUER.key an Ed25519 PKCS#8 PEM
key registered as a provider of the `registry` log; needs pycose, as pinned
in interop/requirements.txt). Each statement carries DOC with a fresh
meta.id; OUT holds them as 4-byte big-endian lengths and bytes.
"""

import hashlib
import json
import sys
import uuid

from cryptography.hazmat.primitives import serialization
from pycose.keys import CoseKey
from pycose.messages import Sign1Message

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    n, out = int.from_bytes(data, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def main(doc_path: str, key_path: str, count: int, out_path: str) -> None:
    doc = json.loads(open(doc_path, "rb").read())
    pem = open(key_path, "rb").read()
    private = serialization.load_pem_private_key(pem, None)
    public = private.public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    did = "did:key:z" + base58btc(b"\xed\x01" + raw)
    key = CoseKey.from_pem_private_key(pem.decode())
    with open(out_path, "wb") as out:
        for _ in range(count):
            doc["meta"]["id"] = str(uuid.uuid4())
            payload = json.dumps(doc).encode()
            phdr = {1: -8, 3: "application/vnd.lading.document+json", 4: hashlib.sha256(spki).digest(),
                    15: {1: did, 2: f"{doc['meta']['kind']}/{doc['meta']['id']}"}}
            msg = Sign1Message(phdr=phdr, payload=payload)
            msg.key = key
            statement = msg.encode(tag=True)
            out.write(len(statement).to_bytes(4, "big") + statement)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
