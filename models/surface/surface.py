"""Synthetic machined-surface images with defects, for Lading's demo inspection model.

Every image is 64x64 grayscale (uint8): a brushed-metal texture (directional noise plus a lighting
gradient) and, for defective parts, one defect: a scratch (a thin bright or dark line), a spot (a
dark blob, e.g. contamination) or a dent (a shaded ring). Deterministic from a seed, so the data
set, the model trained on it and the demo lots can be rebuilt bit for bit.
"""
from __future__ import annotations

import numpy as np

SIZE = 64
CLASSES = ("ok", "scratch", "spot", "dent")


def texture(rng: np.random.Generator) -> np.ndarray:
    base = rng.uniform(110, 170)
    noise = rng.normal(0, 1, (SIZE, SIZE))
    # brushing: smooth the noise along a random direction (rows or columns)
    k = int(rng.integers(5, 12))
    kernel = np.ones(k) / k
    if rng.random() < 0.5:
        noise = np.apply_along_axis(lambda r: np.convolve(r, kernel, mode="same"), 1, noise)
    else:
        noise = np.apply_along_axis(lambda c: np.convolve(c, kernel, mode="same"), 0, noise)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    angle = rng.uniform(0, 2 * np.pi)
    gradient = (np.cos(angle) * xx + np.sin(angle) * yy) * rng.uniform(-25, 25)
    return base + gradient + noise * rng.uniform(6, 12)


def scratch(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    x0, y0 = rng.uniform(8, 56, 2)
    angle = rng.uniform(0, np.pi)
    length = rng.uniform(18, 40)
    x1, y1 = x0 + np.cos(angle) * length, y0 + np.sin(angle) * length
    x1, y1 = float(np.clip(x1, 2, 61)), float(np.clip(y1, 2, 61))
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / max(dx * dx + dy * dy, 1e-6), 0, 1)
    dist = np.hypot(xx - (x0 + t * dx), yy - (y0 + t * dy))
    width = rng.uniform(0.6, 1.4)
    strength = rng.uniform(45, 80) * (1 if rng.random() < 0.5 else -1)
    img = img + strength * np.exp(-(dist / width) ** 2)
    box = (min(x0, x1) - 2, min(y0, y1) - 2, max(x0, x1) + 2, max(y0, y1) + 2)
    return img, box


def spot(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    cx, cy = rng.uniform(10, 54, 2)
    r = rng.uniform(2.5, 6)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    d = np.hypot(xx - cx, yy - cy)
    img = img - rng.uniform(50, 90) * np.exp(-(d / r) ** 4)
    return img, (cx - r - 1, cy - r - 1, cx + r + 1, cy + r + 1)


def dent(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    cx, cy = rng.uniform(12, 52, 2)
    r = rng.uniform(5, 10)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    d = np.hypot(xx - cx, yy - cy)
    light = np.cos(rng.uniform(0, 2 * np.pi))
    shade = (xx - cx) / max(r, 1) * light * 40 * np.exp(-((d - r * 0.6) / (r * 0.45)) ** 2)
    img = img + shade
    return img, (cx - r - 1, cy - r - 1, cx + r + 1, cy + r + 1)


DEFECTS = {"scratch": scratch, "spot": spot, "dent": dent}


def sample(rng: np.random.Generator, label: str) -> tuple[np.ndarray, tuple | None]:
    img = texture(rng)
    box = None
    if label != "ok":
        img, box = DEFECTS[label](img, rng)
    return np.clip(img, 0, 255).astype(np.uint8), box


def dataset(n: int, seed: int, ok_share: float = 0.4):
    """n images with labels (index into CLASSES) and boxes (x0, y0, x1, y1) or None."""
    rng = np.random.default_rng(seed)
    images, labels, boxes = [], [], []
    for _ in range(n):
        if rng.random() < ok_share:
            label = 0
        else:
            label = int(rng.integers(1, 4))
        img, box = sample(rng, CLASSES[label])
        images.append(img)
        labels.append(label)
        boxes.append(box)
    return np.stack(images), np.array(labels), boxes
