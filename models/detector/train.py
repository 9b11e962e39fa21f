"""Trains Lading's demo surface-defect detector (scratch / spot / dent boxes) with numpy alone and
exports it to ONNX in the YOLOv8 output layout. Deterministic: the same seeds give the same weights,
bit for bit, on one machine.

    python train.py OUT_DIR          # writes OUT_DIR/surface-detector.onnx and OUT_DIR/metrics.json
    python train.py --gradcheck      # backpropagation against finite differences, then exits

Network (anchor-free, one prediction per 8x8-pixel cell): Conv3x3(1->8)-ReLU-MaxPool2,
Conv3x3(8->16)-ReLU-MaxPool2, Conv3x3(16->32)-ReLU-MaxPool2, Conv3x3(32->32)-ReLU,
Conv3x3(32->32)-ReLU, then a 1x1 head giving per cell dx, dy, log w, log h and three class logits.
The ONNX graph decodes them itself: cx = (column + 0.5 + dx) * 8, cy = (row + 0.5 + dy) * 8,
w = 8 exp(log w), h = 8 exp(log h), scores = sigmoid(logits); output `output0` is [1, 7, 64]
(rows cx, cy, w, h, then scratch, spot, dent; anchors row-major over the 8x8 grid). Input `images`:
1x1x64x64 float32, pixel/255 normalised with mean 0.5 and std 0.25 (the inspection profile says so).

Loss: binary cross-entropy on every cell and class (target 1 for the class of a box whose centre is
in the cell), plus L1 on dx, dy, log w, log h for those cells. Adam, cosine learning-rate decay.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import detect_data as data

MEAN, STD = 0.5, 0.25
CONFIDENCE, IOU = 0.25, 0.45  # the decoding a user of the profile gets
BOX_WEIGHT = 2.0
PRIOR = 0.01  # initial class score


def im2col(x, k=3, pad=1):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((n, h, w, c, k, k), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, :, :, i, j] = xp[:, :, i:i + h, j:j + w].transpose(0, 2, 3, 1)
    return cols.reshape(n * h * w, c * k * k)


def col2im(cols, shape, k=3, pad=1):
    n, c, h, w = shape
    cols = cols.reshape(n, h, w, c, k, k).transpose(0, 3, 4, 5, 1, 2)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for i in range(k):
        for j in range(k):
            xp[:, :, i:i + h, j:j + w] += cols[:, :, i, j]
    return xp[:, :, pad:pad + h, pad:pad + w]


class Conv:
    """A convolution with 'same' padding: k = 3 (pad 1) or k = 1 (pad 0)."""

    def __init__(self, rng, cin, cout, k=3, dtype=np.float32):
        self.k = k
        self.w = rng.normal(0, np.sqrt(2 / (cin * k * k)), (cout, cin, k, k)).astype(dtype)
        self.b = np.zeros(cout, dtype)

    def forward(self, x):
        self.shape = x.shape
        n, _, h, w = x.shape
        self.cols = im2col(x, self.k, self.k // 2)
        out = self.cols @ self.w.reshape(len(self.b), -1).T + self.b
        return out.reshape(n, h, w, -1).transpose(0, 3, 1, 2)

    def backward(self, g, need_input=True):
        n, cout, h, w = g.shape
        g2 = g.transpose(0, 2, 3, 1).reshape(-1, cout)
        self.gw = (g2.T @ self.cols).reshape(self.w.shape)
        self.gb = g2.sum(0)
        if need_input:
            return col2im(g2 @ self.w.reshape(cout, -1), self.shape, self.k, self.k // 2)
        return None


def relu(x):
    return np.maximum(x, 0)


def maxpool(x):
    n, c, h, w = x.shape
    r = x.reshape(n, c, h // 2, 2, w // 2, 2)
    out = r.max(axis=(3, 5))
    mask = r == out[:, :, :, None, :, None]
    return out, mask


def maxpool_back(g, mask):
    n, c, h, _, w, _ = mask.shape
    return (mask * g[:, :, :, None, :, None]).reshape(n, c, h * 2, w * 2)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class Net:
    WIDTHS = ((1, 8), (8, 16), (16, 32), (32, 32), (32, 32))
    POOLED = (True, True, True, False, False)

    def __init__(self, seed, dtype=np.float32):
        rng = np.random.default_rng(seed)
        self.convs = [Conv(rng, cin, cout, 3, dtype) for cin, cout in self.WIDTHS]
        self.head = Conv(rng, self.WIDTHS[-1][1], 4 + len(data.CLASSES), 1, dtype)
        self.head.w *= 0.1
        self.head.b[4:] = np.log(PRIOR / (1 - PRIOR))

    def layers(self):
        return self.convs + [self.head]

    def params(self):
        return [p for c in self.layers() for p in (c.w, c.b)]

    def grads(self):
        return [g for c in self.layers() for g in (c.gw, c.gb)]

    def forward(self, x):
        """Raw head output: n x 7 x 8 x 8 (dx, dy, log w, log h in cell units, then class logits)."""
        self.pre, self.masks = [], []
        for conv, pooled in zip(self.convs, self.POOLED):
            a = conv.forward(x)
            self.pre.append(a)
            x = relu(a)
            if pooled:
                x, m = maxpool(x)
                self.masks.append(m)
            else:
                self.masks.append(None)
        return self.head.forward(x)

    def backward(self, d):
        d = self.head.backward(d)
        for i in reversed(range(len(self.convs))):
            if self.masks[i] is not None:
                d = maxpool_back(d, self.masks[i])
            d = d * (self.pre[i] > 0)
            d = self.convs[i].backward(d, need_input=i > 0)


def grid():
    """Cell centres in cell units, 2 x 64 (row 0: column + 0.5, row 1: row + 0.5), anchors row-major."""
    gy, gx = np.mgrid[0:data.GRID, 0:data.GRID]
    return np.stack([gx.ravel() + 0.5, gy.ravel() + 0.5]).astype(np.float32)


def decode(raw):
    """What the ONNX graph computes: n x 7 x 8 x 8 raw -> n x 7 x 64 (cx, cy, w, h in pixels, scores)."""
    n, rows = raw.shape[:2]
    flat = raw.reshape(n, rows, -1)
    s = np.float32(data.STRIDE)
    xy = (flat[:, 0:2] + grid()) * s
    wh = np.exp(flat[:, 2:4]) * s
    return np.concatenate([xy, wh, sigmoid(flat[:, 4:])], axis=1).astype(np.float32)


def targets(boxes, labels):
    """Per-cell training targets: class (n x 3 x 8 x 8), box (n x 4 x 8 x 8) and positive mask (n x 8 x 8)."""
    n, g = len(boxes), data.GRID
    cls = np.zeros((n, len(data.CLASSES), g, g), np.float32)
    box = np.zeros((n, 4, g, g), np.float32)
    pos = np.zeros((n, g, g), np.float32)
    for i, (bs, ls) in enumerate(zip(boxes, labels)):
        for b, label in zip(bs, ls):
            gx, gy = data.cell(b)
            cx, cy = (b[0] + b[2]) / 2 / data.STRIDE, (b[1] + b[3]) / 2 / data.STRIDE
            w, h = (b[2] - b[0]) / data.STRIDE, (b[3] - b[1]) / data.STRIDE
            cls[i, label, gy, gx] = 1
            box[i, :, gy, gx] = (cx - gx - 0.5, cy - gy - 0.5, np.log(w), np.log(h))
            pos[i, gy, gx] = 1
    return cls, box, pos


def loss_and_grad(raw, cls, box, pos):
    n = len(raw)
    z = raw[:, 4:]
    p = sigmoid(z)
    bce = (np.maximum(z, 0) - z * cls + np.log1p(np.exp(-np.abs(z)))).sum() / n  # stable, no epsilon
    diff = raw[:, :4] - box
    l1 = BOX_WEIGHT * (np.abs(diff) * pos[:, None]).sum() / n
    d = np.empty_like(raw)
    d[:, 4:] = (p - cls) / n
    d[:, :4] = BOX_WEIGHT * np.sign(diff) * pos[:, None] / n
    return bce + l1, d


def prep(images):
    return ((images.astype(np.float32) / 255.0 - MEAN) / STD)[:, None]


def predict(net, x):
    return np.concatenate([decode(net.forward(x[i:i + 256])) for i in range(0, len(x), 256)])


# --- decoding and metrics, as Lading's detector head does it -------------------------------------

def detect(out, confidence=CONFIDENCE, iou_limit=IOU):
    """One image's [7, N] output -> detections (class, score, [x0, y0, x1, y1]), best score first:
    every anchor's best class at or above `confidence`, then class-wise greedy NMS at `iou_limit`."""
    scores = out[4:]
    best = scores.argmax(0)
    top = scores[best, np.arange(out.shape[1])]
    cand = []
    for a in np.nonzero(top >= confidence)[0]:
        cx, cy, w, h = (float(v) for v in out[:4, a])
        cand.append((int(best[a]), float(top[a]), [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]))
    cand.sort(key=lambda d: (-d[1], d[0], d[2][0], d[2][1]))
    kept = []
    for d in cand:
        if all(k[0] != d[0] or data.iou(k[2], d[2]) <= iou_limit for k in kept):
            kept.append(d)
    return kept


def match(dets, boxes, labels, thr=0.5):
    """Marks each detection true or false positive: greedily, best score first, against the unmatched
    ground-truth box of its class with the highest IoU (at least `thr`)."""
    used = [False] * len(boxes)
    flags = []
    for c, _, b in dets:
        best, j = thr, -1
        for k, (g, label) in enumerate(zip(boxes, labels)):
            if label == c and not used[k]:
                v = data.iou(b, g)
                if v >= best:
                    best, j = v, k
        if j >= 0:
            used[j] = True
        flags.append(j >= 0)
    return flags


def average_precision(scored, n_truth):
    """All-point interpolated AP from (score, is_true_positive) pairs."""
    if n_truth == 0:
        return float("nan")
    scored = sorted(scored, key=lambda s: -s[0])
    tp = np.cumsum([s[1] for s in scored], dtype=float)
    fp = np.cumsum([not s[1] for s in scored], dtype=float)
    recall = np.concatenate([[0], tp / n_truth, [tp[-1] / n_truth if len(tp) else 0]])
    precision = np.concatenate([[1], tp / np.maximum(tp + fp, 1e-9), [0]])
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum((recall[1:] - recall[:-1]) * precision[1:]))


def evaluate(outputs, boxes, labels):
    k = len(data.CLASSES)
    truth = np.zeros(k, int)
    tp, fp = np.zeros(k, int), np.zeros(k, int)
    scored = [[] for _ in range(k)]
    flagged = np.zeros((2, 2), int)  # rows: image has a defect (no, yes); cols: any detection (no, yes)
    for out, bs, ls in zip(outputs, boxes, labels):
        for label in ls:
            truth[label] += 1
        dets = detect(out)
        for (c, _, _), ok in zip(dets, match(dets, bs, ls)):
            tp[c] += ok
            fp[c] += not ok
        flagged[int(len(bs) > 0), int(len(dets) > 0)] += 1
        # for AP, every detection down to a score of 0.001 (same NMS)
        low = detect(out, confidence=0.001)
        for (c, s, _), ok in zip(low, match(low, bs, ls)):
            scored[c].append((s, ok))
    per_class = {}
    for c, name in enumerate(data.CLASSES):
        per_class[name] = {
            "boxes": int(truth[c]),
            "precision": round(float(tp[c] / max(tp[c] + fp[c], 1)), 4),
            "recall": round(float(tp[c] / max(truth[c], 1)), 4),
            "ap50": round(average_precision(scored[c], truth[c]), 4),
        }
    return {
        "precision": round(float(tp.sum() / max(tp.sum() + fp.sum(), 1)), 4),
        "recall": round(float(tp.sum() / max(truth.sum(), 1)), 4),
        "map50": round(float(np.mean([per_class[n]["ap50"] for n in data.CLASSES])), 4),
        "per_class": per_class,
        "images_rows_defective_cols_flagged": flagged.tolist(),
    }


# --- training ------------------------------------------------------------------------------------

def train(seed=11, n_train=8000, n_test=1000, epochs=24, batch=32, lr=2e-3):
    xs, bs, ls = data.dataset(n_train, seed=2000 + seed)
    xt, bt, lt = data.dataset(n_test, seed=6000 + seed)
    x, xtest = prep(xs), prep(xt)
    cls, box, pos = targets(bs, ls)
    net = Net(seed)
    m = [np.zeros_like(p) for p in net.params()]
    v = [np.zeros_like(p) for p in net.params()]
    rng = np.random.default_rng(seed)
    step, total = 0, epochs * ((len(x) + batch - 1) // batch)
    started = time.time()
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        running = 0.0
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            # flips keep boxes exact and double the textures' variety
            xb, cb, bb, pb = x[idx], cls[idx], box[idx], pos[idx]
            if epoch % 2:
                xb, cb, pb = xb[..., ::-1], cb[..., ::-1], pb[..., ::-1]
                bb = bb[..., ::-1] * np.array([-1, 1, 1, 1], np.float32)[None, :, None, None]
            xb = np.ascontiguousarray(xb)
            loss, d = loss_and_grad(net.forward(xb), cb, bb, pb)
            running += loss * len(idx)
            net.backward(d.astype(np.float32))
            step += 1
            rate = lr * 0.5 * (1 + np.cos(np.pi * step / total))
            for k, (param, grad) in enumerate(zip(net.params(), net.grads())):
                m[k] = 0.9 * m[k] + 0.1 * grad
                v[k] = 0.999 * v[k] + 0.001 * grad * grad
                mh = m[k] / (1 - 0.9 ** step)
                vh = v[k] / (1 - 0.999 ** step)
                param -= (rate * mh / (np.sqrt(vh) + 1e-8)).astype(param.dtype)
        msg = f"epoch {epoch + 1}: loss {running / len(x):.4f} ({time.time() - started:.0f} s)"
        if epoch % 4 == 3 or epoch == epochs - 1:
            r = evaluate(predict(net, xtest), bt, lt)
            msg += f"; held-out P {r['precision']:.3f} R {r['recall']:.3f} mAP50 {r['map50']:.3f}"
        print(msg, flush=True)
    return net, evaluate(predict(net, xtest), bt, lt), time.time() - started


def gradcheck():
    """Backpropagation of the whole loss against central finite differences, in float64."""
    rng = np.random.default_rng(0)
    xs, bs, ls = data.dataset(3, seed=99)
    x = prep(xs).astype(np.float64)
    cls, box, pos = targets(bs, ls)
    net = Net(1, dtype=np.float64)
    for p in net.params():
        p += rng.normal(0, 0.05, p.shape)
    _, d = loss_and_grad(net.forward(x), cls, box, pos)
    net.backward(d)
    worst, h = 0.0, 1e-6
    for param, grad in zip(net.params(), net.grads()):
        for _ in range(6):
            j = tuple(int(rng.integers(0, s)) for s in param.shape)
            keep = param[j]
            param[j] = keep + h
            up = loss_and_grad(net.forward(x), cls, box, pos)[0]
            param[j] = keep - h
            down = loss_and_grad(net.forward(x), cls, box, pos)[0]
            param[j] = keep
            num = (up - down) / (2 * h)
            worst = max(worst, abs(num - grad[j]) / max(1e-6, abs(num) + abs(grad[j])))
    print(f"gradient check: worst relative difference {worst:.2e}")
    return worst


# --- ONNX export ---------------------------------------------------------------------------------

def export(net, path: Path):
    def init(name, arr, dtype=np.float32):
        return numpy_helper.from_array(np.ascontiguousarray(arr.astype(dtype)), name)

    nodes, inits, x = [], [], "images"
    for i, (conv, pooled) in enumerate(zip(net.convs, net.POOLED), start=1):
        nodes += [
            helper.make_node("Conv", [x, f"c{i}w", f"c{i}b"], [f"a{i}"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
            helper.make_node("Relu", [f"a{i}"], [f"r{i}"]),
        ]
        inits += [init(f"c{i}w", conv.w), init(f"c{i}b", conv.b)]
        x = f"r{i}"
        if pooled:
            nodes.append(helper.make_node("MaxPool", [x], [f"p{i}"], kernel_shape=[2, 2], strides=[2, 2]))
            x = f"p{i}"
    n = data.GRID * data.GRID
    k = len(data.CLASSES)
    # the 1x1 head as three convolutions (box centre, box size, class logits): no Slice needed
    for name, rows in (("xy", slice(0, 2)), ("wh", slice(2, 4)), ("cls", slice(4, 4 + k))):
        nodes.append(helper.make_node("Conv", [x, f"{name}w", f"{name}b"], [f"{name}_map"], kernel_shape=[1, 1]))
        inits += [init(f"{name}w", net.head.w[rows]), init(f"{name}b", net.head.b[rows])]
    nodes += [
        helper.make_node("Reshape", ["xy_map", "shape2"], ["xy_cells"]),
        helper.make_node("Add", ["xy_cells", "grid"], ["xy_grid"]),
        helper.make_node("Mul", ["xy_grid", "stride"], ["xy_px"]),
        helper.make_node("Reshape", ["wh_map", "shape2"], ["wh_log"]),
        helper.make_node("Exp", ["wh_log"], ["wh_cells"]),
        helper.make_node("Mul", ["wh_cells", "stride"], ["wh_px"]),
        helper.make_node("Reshape", ["cls_map", "shape3"], ["logits"]),
        helper.make_node("Sigmoid", ["logits"], ["scores"]),
        helper.make_node("Concat", ["xy_px", "wh_px", "scores"], ["output0"], axis=1),
    ]
    inits += [
        init("shape2", np.array([1, 2, n]), np.int64),
        init("shape3", np.array([1, k, n]), np.int64),
        init("grid", grid()[None]),
        init("stride", np.array(data.STRIDE)),
    ]
    graph = helper.make_graph(
        nodes,
        "surface_detector",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 1, data.SIZE, data.SIZE])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 4 + k, n])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="lading-demo-train")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))


if __name__ == "__main__":
    if sys.argv[1:] == ["--gradcheck"]:
        sys.exit(0 if gradcheck() < 1e-4 else 1)
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    net, metrics, seconds = train()
    export(net, out / "surface-detector.onnx")
    params = sum(p.size for p in net.params())
    (out / "metrics.json").write_text(json.dumps({
        "held_out_images": 1000,
        "classes": list(data.CLASSES),
        "decoding": {"confidence": CONFIDENCE, "iou": IOU, "match_iou": 0.5,
                     "ap": "all-point interpolated, detections down to score 0.001 after the same NMS"},
        **metrics,
        "parameters": int(params),
    }, indent=2) + "\n")
    print(json.dumps(metrics))
    print(f"trained in {seconds:.0f} s; {params} parameters")
