"""Writes the demo inspection lot: 200 generated surface images, one per item, as
lot/part-0000.png … lot/part-0199.png, about 6 % of them defective (scratch, spot or dent). The
true labels go to lot-labels.json beside the folder, so the folder holds images only
(`lading inspect run --images lot/`). Deterministic: the same seed gives the same bytes.

    python make_lot.py        # needs numpy (requirements.txt)
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import surface
from make_samples import png

HERE = Path(__file__).resolve().parent
ITEMS = 200
DEFECT_SHARE = 0.06


def main() -> None:
    out = HERE / "lot"
    out.mkdir(exist_ok=True)
    rng = np.random.default_rng(20261128)
    labels = {}
    for i in range(ITEMS):
        label = "ok"
        if rng.random() < DEFECT_SHARE:
            label = surface.CLASSES[int(rng.integers(1, 4))]
        img, _ = surface.sample(rng, label)
        name = f"part-{i:04d}.png"
        (out / name).write_bytes(png(img))
        labels[name] = label
    (HERE / "lot-labels.json").write_text(json.dumps(labels, indent=1) + "\n")


if __name__ == "__main__":
    main()
