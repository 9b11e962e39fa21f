"""Writes a few generated surface images as PNG (samples/) and the demo model's outputs for them
under onnxruntime (samples/expected.json): the oracle Lading's tract runs are compared with.

    python make_samples.py        # needs numpy and onnxruntime (requirements.txt + onnxruntime)
"""
from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import numpy as np

import surface

HERE = Path(__file__).resolve().parent


def png(gray: np.ndarray) -> bytes:
    """An 8-bit grayscale PNG, written from the PNG specification (no imaging library)."""
    h, w = gray.shape
    raw = b"".join(b"\x00" + gray[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main() -> None:
    import onnxruntime as ort

    out = HERE / "samples"
    out.mkdir(exist_ok=True)
    session = ort.InferenceSession(str(HERE / "surface-classifier.onnx"), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(20261127)
    expected = {}
    for label in surface.CLASSES:
        for k in range(3):
            img, _ = surface.sample(rng, label)
            name = f"{label}-{k}.png"
            (out / name).write_bytes(png(img))
            x = ((img.astype(np.float32) / 255.0 - 0.5) / 0.25)[None, None]
            probs = session.run(None, {"image": x})[0][0]
            expected[name] = {"label": label, "probabilities": [float(p) for p in probs]}
    (out / "expected.json").write_text(json.dumps({
        "runtime": f"onnxruntime {ort.__version__}",
        "preprocessing": "pixel / 255, minus 0.5, divided by 0.25; 1x1x64x64",
        "images": expected,
    }, indent=2) + "\n")


if __name__ == "__main__":
    main()
