"""AI inspection reports against independent tools: every item of a report that `lading inspect run`
produced (tract, pure Rust) is recomputed here with Pillow (decoding), numpy (the profile's
preprocessing) and onnxruntime (inference), and must agree within 1e-5 with the same verdict. The
report's sample is re-drawn with an independent implementation of the documented draw, and its lot
listing digest with hashlib, as `sha256sum` would give it."""

import hashlib
import json
import tomllib
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SURFACE = REPO / "models" / "surface"
SEED = "5eed0000000000000000000000c0ffee"


def draw(lot_size: int, n: int, seed: bytes) -> list[int]:
    """The sample draw as docs/inspection.md documents it: a partial Fisher-Yates shuffle driven by SHA-256."""
    n = min(n, lot_size)
    swapped: dict[int, int] = {}
    out = []
    top = 2**64 - 1
    for i in range(n):
        span = lot_size - i
        limit = top - top % span
        k = 0
        while True:
            d = hashlib.sha256(b"lading-sample/v1" + seed + i.to_bytes(8, "big") + k.to_bytes(8, "big")).digest()
            r = int.from_bytes(d[:8], "big")
            if r < limit:
                break
            k += 1
        j = i + r % span
        at_j, at_i = swapped.get(j, j), swapped.get(i, i)
        swapped[j] = at_i
        out.append(at_j)
    return sorted(out)


def tensor(path: Path, profile: dict) -> np.ndarray:
    i = profile["input"]
    assert i["channels"] == "gray" and i["layout"] == "nchw", "this oracle covers the demo profile"
    img = Image.open(path).convert("L")
    assert img.size == (i["width"], i["height"]), "demo images need no resizing"
    x = np.asarray(img, dtype=np.float32) * np.float32(i["scale"])
    x = (x - np.float32(i["mean"][0])) / np.float32(i["std"][0])
    return x[None, None]


def test_tract_reports_agree_with_pillow_numpy_and_onnxruntime(run_lading, workdir):
    out = workdir / "report.json"
    r = run_lading(
        "inspect", "run", "--model", SURFACE / "surface-classifier.onnx", "--images", SURFACE / "lot",
        "--profile", SURFACE / "profile.toml", "--lot", SURFACE / "lot.toml",
        "--aql", "major=2.5,critical=0.25", "--level", "III", "--seed", SEED, "--out", out,
    )
    assert r.code == 0, r.stderr
    report = json.loads(out.read_text())
    profile = tomllib.loads((SURFACE / "profile.toml").read_text())
    classes = profile["head"]["classes"]
    model = (SURFACE / "surface-classifier.onnx").read_bytes()
    assert report["model"]["sha256"] == hashlib.sha256(model).hexdigest()
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    items = report["items"]
    plan = report["inspection"]
    assert [i["position"] for i in items] == draw(200, plan["sample_size"], bytes.fromhex(SEED))
    worst = 0.0
    for item in items:
        path = SURFACE / "lot" / item["image"]["name"]
        assert item["image"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        probs = session.run(None, {name: tensor(path, profile)})[0].ravel()
        worst = max(worst, float(np.max(np.abs(probs - np.array(item["scores"])))))
        top = classes[int(np.argmax(probs))]
        want = [] if top == profile["head"]["ok_class"] else [profile["defects"][top]]
        assert item["defect_classes"] == want, item["image"]["name"]
    assert worst < 1e-5, f"tract and onnxruntime differ by {worst}"
    listing = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted((SURFACE / "lot").iterdir())
    )
    assert report["lot"]["images_sha256"] == hashlib.sha256(listing.encode()).hexdigest()
