#!/usr/bin/env python3
# A hostile bundle: a valid index naming one member that inflates to 511 MiB
# (just under the 512 MiB unpacked budget) whose digest is wrong: the verifier
# inflates it completely before it can tell.
import json, zipfile, sys
N = 511 << 20
index = {"format": "lading-bundle/v1", "kind": "evidence-bundle", "members": [
    {"path": "big.bin", "sha256": "00" * 32, "size": N, "media_type": "application/octet-stream", "role": "attachment"}]}
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("bundle.json", json.dumps(index))
    with z.open("big.bin", "w", force_zip64=True) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(N >> 20):
            f.write(chunk)
