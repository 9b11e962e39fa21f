"""Writes a few generated surface images as PNG (samples/) and the demo detector's outputs for them
under onnxruntime (samples/expected.json): the oracle Lading's tract runs are compared with.

    python make_samples.py        # needs numpy and onnxruntime==1.20.1 (see requirements.txt)

For each image, expected.json holds the ground-truth boxes it was drawn with, the raw `output0`
(shape [1, 7, 64], flattened row-major: 64 values of cx, then 64 of cy, w, h, and the scratch, spot
and dent scores) and the detections decoded from it at confidence 0.25 and class-wise NMS IoU 0.45.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

import detect_data as data
import train

HERE = Path(__file__).resolve().parent
# the PNG writer (no imaging library) of models/surface/make_samples.py, loaded by path: same name as this file
_spec = importlib.util.spec_from_file_location("surface_make_samples", HERE.parent / "surface" / "make_samples.py")
_surface_samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_surface_samples)
png = _surface_samples.png

# name -> classes of the defects drawn (indices into data.CLASSES), in drawing order
SAMPLES = {
    "ok-0.png": [], "ok-1.png": [], "ok-2.png": [],
    "scratch-0.png": [0], "spot-0.png": [1], "dent-0.png": [2],
    "scratch-spot-0.png": [0, 1], "spot-dent-0.png": [1, 2], "scratch-dent-0.png": [0, 2],
    "scratch-spot-dent-0.png": [0, 1, 2], "spot-spot-dent-0.png": [1, 1, 2], "scratch-scratch-spot-0.png": [0, 0, 1],
}


def box(b):
    return [round(float(v), 4) for v in b]


def main() -> None:
    import onnxruntime as ort

    out = HERE / "samples"
    out.mkdir(exist_ok=True)
    session = ort.InferenceSession(str(HERE / "surface-detector.onnx"), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(20261128)
    expected = {}
    margin = 1.0
    for name, classes in SAMPLES.items():
        img, boxes, labels = data.sample(rng, classes=classes)
        assert labels == classes, f"{name}: could not place every defect"
        (out / name).write_bytes(png(img))
        x = ((img.astype(np.float32) / 255.0 - 0.5) / 0.25)[None, None]
        raw = session.run(None, {"images": x})[0]
        assert raw.shape == (1, 7, 64), raw.shape
        dets = train.detect(raw[0])
        margin = min(margin, float(np.abs(raw[0, 4:].max(0) - train.CONFIDENCE).min()))
        expected[name] = {
            "boxes": [{"class": data.CLASSES[c], "box": box(b)} for c, b in zip(labels, boxes)],
            "detections": [{"class": data.CLASSES[c], "score": s, "box": [float(v) for v in b]} for c, s, b in dets],
            "output0": [float(v) for v in raw.ravel()],
        }
    (out / "expected.json").write_text(json.dumps({
        "runtime": f"onnxruntime {ort.__version__}",
        "preprocessing": "pixel / 255, minus 0.5, divided by 0.25; 1x1x64x64",
        "output0": "shape [1, 7, 64], row-major: rows cx, cy, w, h (input pixels), scratch, spot, dent scores",
        "decoding": "best class per anchor at or above confidence 0.25, then class-wise NMS at IoU 0.45",
        "images": expected,
    }, indent=2) + "\n")
    print(f"{len(expected)} samples; closest best-class score to the 0.25 threshold is {margin:.4f} away")


if __name__ == "__main__":
    main()
