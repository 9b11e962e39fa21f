"""A JPEG lot reproduced by a third party with Pillow (libjpeg-turbo) and onnxruntime.

`tests/data/jpeg-lot/` holds 24 JPEGs written by Pillow 11.0.0 with libjpeg-turbo 3.0.4 (see
tests/data/jpeg-lot.md): 12 grayscale at 160×160 and 12 RGB at 200×150 with 4:2:0 chroma subsampling, so every
image is decoded, resized (stretch, the `triangle` filter) and, for the RGB ones, made gray. The
report must record the decoders and the filter; the pipeline it records, rebuilt here with
Pillow's decoder, Pillow's `BILINEAR` resize per channel and the `image` crate's luma
(Rec. 709, `round(0.2126 R + 0.7152 G + 0.0722 B)` — not Pillow's `convert("L")`, which uses
Rec. 601), must give every item the same verdict and raw outputs within the documented
tolerance (docs/inspection.md, "Reproducing a JPEG lot elsewhere").
"""

import hashlib
import json
import re
import tomllib
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image, features

REPO = Path(__file__).resolve().parent.parent
SURFACE = REPO / "models" / "surface"
LOT = REPO / "tests" / "data" / "jpeg-lot"
# Largest difference of a raw output (softmax probability) between Lading's pipeline and Pillow's,
# measured on this lot and documented in docs/inspection.md; verdicts must be identical.
SCORE_TOLERANCE = 0.05


def pillow_tensor(path: Path, profile: dict) -> np.ndarray:
    i = profile["input"]
    size = (i["width"], i["height"])
    img = Image.open(path)
    img.load()
    if img.mode == "L":
        gray = np.asarray(img.resize(size, Image.BILINEAR), dtype=np.uint32)
    else:
        rgb = np.asarray(img.convert("RGB").resize(size, Image.BILINEAR), dtype=np.float64)
        gray = np.round(0.2126 * rgb[..., 0] + 0.7152 * rgb[..., 1] + 0.0722 * rgb[..., 2])
    x = gray.astype(np.float32) * np.float32(i["scale"])
    x = (x - np.float32(i["mean"][0])) / np.float32(i["std"][0])
    return x[None, None]


def test_a_jpeg_lot_reproduces_with_pillow_and_onnxruntime(run_lading, workdir):
    assert features.check_feature("libjpeg_turbo"), "Pillow must decode JPEG with libjpeg-turbo"
    out = workdir / "report.json"
    r = run_lading(
        "inspect", "run", "--model", SURFACE / "surface-classifier.onnx", "--images", LOT,
        "--profile", SURFACE / "profile.toml", "--lot", SURFACE / "lot.toml",
        "--full", "--max-defects", "major=24,critical=24", "--out", out,
    )
    assert r.code == 0, r.stderr
    report = json.loads(out.read_text())
    pre = report["model"]["preprocessing"]
    # The report says which filter and which decoders; the versions are the ones Cargo.lock builds.
    assert pre["resize"] == "stretch" and pre["resize_filter"] == "triangle", pre
    lock = (REPO / "Cargo.lock").read_text()
    for field, crate in (("library", "image"), ("jpeg", "zune-jpeg"), ("png", "png")):
        name, version = pre["decoder"][field].split(" ")
        assert name == crate, pre["decoder"]
        assert re.search(rf'name = "{re.escape(name)}"\nversion = "{re.escape(version)}"\n', lock), pre["decoder"]
    profile = tomllib.loads((SURFACE / "profile.toml").read_text())
    classes = profile["head"]["classes"]
    model = (SURFACE / "surface-classifier.onnx").read_bytes()
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    worst = 0.0
    modes = set()
    verdicts = set()
    for item in report["items"]:
        path = LOT / item["image"]["name"]
        assert item["image"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        modes.add(Image.open(path).mode)
        probs = session.run(None, {name: pillow_tensor(path, profile)})[0].ravel()
        worst = max(worst, float(np.max(np.abs(probs - np.array(item["scores"])))))
        top = classes[int(np.argmax(probs))]
        want = [] if top == profile["head"]["ok_class"] else [profile["defects"][top]]
        assert item["defect_classes"] == want, (item["image"]["name"], probs, item["scores"])
        verdicts.add(item["verdict"])
    assert modes == {"L", "RGB"}, modes
    assert worst <= SCORE_TOLERANCE, f"Lading's and Pillow's pipelines differ by {worst}"
    print(f"largest raw-output difference over {len(report['items'])} items: {worst:.6f}; verdicts {sorted(verdicts)}")
