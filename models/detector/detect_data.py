"""Synthetic machined-surface images with zero to three defects and their boxes, for Lading's demo
object detector.

The texture and the defects are drawn by `models/surface/surface.py` (imported unchanged, so the
classifier's data and samples stay what they are): a brushed-metal texture and, per defect, a
scratch, a spot or a dent. Boxes are `[x0, y0, x1, y1]` in pixels of the 64x64 image, pixel
edges as coordinates: pixel (row i, column j) covers x in [j, j + 1) and y in [i, i + 1) (surface.py
draws with pixel centres at whole numbers; its boxes are moved by half a pixel to match). Two rules
keep the ground truth fair for a one-object-per-cell detector: a defect whose centre falls in an
8x8 cell already holding one, or whose box overlaps another's by IoU 0.2 or more, is redrawn; and a
defect that changes no pixel by 10 grey levels or more (a dent lit edge-on is invisible) is
redrawn. Deterministic from a seed.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

# models/surface/surface.py, loaded by path (not via sys.path: models/surface has a train.py and a
# make_samples.py of its own, whose names would shadow this folder's)
_spec = importlib.util.spec_from_file_location("surface", Path(__file__).resolve().parent.parent / "surface" / "surface.py")
surface = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(surface)
sys.modules.setdefault("surface", surface)

SIZE = surface.SIZE
CLASSES = ("scratch", "spot", "dent")
STRIDE = 8
GRID = SIZE // STRIDE
# how many defects an image holds: 0, 1, 2 or 3
COUNT_SHARES = (0.2, 0.35, 0.25, 0.2)
MIN_CONTRAST = 10.0


def iou(a, b) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def cell(box) -> tuple[int, int]:
    """The grid cell (column, row) holding the box's centre."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return min(int(cx // STRIDE), GRID - 1), min(int(cy // STRIDE), GRID - 1)


def sample(rng: np.random.Generator, count: int | None = None, classes: list[int] | None = None):
    """One image (uint8 64x64), its boxes (list of [x0, y0, x1, y1]) and labels (indices into CLASSES).

    `count` defects of random classes, or the classes listed in `classes`; by default a random count.
    """
    img = surface.texture(rng)
    if classes is None:
        if count is None:
            count = int(rng.choice(4, p=COUNT_SHARES))
        classes = [int(rng.integers(0, len(CLASSES))) for _ in range(count)]
    boxes, labels = [], []
    for label in classes:
        for _ in range(50):
            drawn, box = surface.DEFECTS[CLASSES[label]](img, rng)
            box = [float(np.clip(v + 0.5, 0, SIZE)) for v in box]
            if np.abs(drawn - img).max() < MIN_CONTRAST:
                continue
            if any(cell(box) == cell(b) or iou(box, b) >= 0.2 for b in boxes):
                continue
            img = drawn
            boxes.append(box)
            labels.append(label)
            break
    return np.clip(img, 0, 255).astype(np.uint8), boxes, labels


def dataset(n: int, seed: int):
    """n images (uint8, n x 64 x 64) with, per image, a list of boxes and a list of labels."""
    rng = np.random.default_rng(seed)
    images, boxes, labels = [], [], []
    for _ in range(n):
        img, b, lab = sample(rng)
        images.append(img)
        boxes.append(b)
        labels.append(lab)
    return np.stack(images), boxes, labels
