"""Trains Lading's demo surface-defect classifier (ok / scratch / spot / dent) with numpy alone and
exports it to ONNX. Deterministic: the same seeds give the same weights, bit for bit, on one machine.

    python train.py OUT_DIR        # writes OUT_DIR/surface-classifier.onnx and OUT_DIR/metrics.json

Network: Conv3x3(1->8)-ReLU-MaxPool2, Conv3x3(8->16)-ReLU-MaxPool2, Conv3x3(16->16)-ReLU,
GlobalMaxPool, Dense(16->4), Softmax. Input: 1x1x64x64 float32, pixel/255 normalised with mean
0.5 and std 0.25 (the inspection profile says so). Trained with Adam on cross-entropy.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import surface

MEAN, STD = 0.5, 0.25


def im2col(x, k=3, pad=1):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((n, c, k, k, h, w), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = xp[:, :, i:i + h, j:j + w]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * h * w, c * k * k)


def col2im(cols, shape, k=3, pad=1):
    n, c, h, w = shape
    cols = cols.reshape(n, h, w, c, k, k).transpose(0, 3, 4, 5, 1, 2)
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=cols.dtype)
    for i in range(k):
        for j in range(k):
            xp[:, :, i:i + h, j:j + w] += cols[:, :, i, j]
    return xp[:, :, pad:pad + h, pad:pad + w]


class Conv:
    def __init__(self, rng, cin, cout):
        self.w = (rng.normal(0, np.sqrt(2 / (cin * 9)), (cout, cin, 3, 3))).astype(np.float32)
        self.b = np.zeros(cout, np.float32)

    def forward(self, x):
        self.shape = x.shape
        n, _, h, w = x.shape
        self.cols = im2col(x)
        out = self.cols @ self.w.reshape(len(self.b), -1).T + self.b
        return out.reshape(n, h, w, -1).transpose(0, 3, 1, 2)

    def backward(self, g):
        n, cout, h, w = g.shape
        g2 = g.transpose(0, 2, 3, 1).reshape(-1, cout)
        self.gw = (g2.T @ self.cols).reshape(self.w.shape)
        self.gb = g2.sum(0)
        return col2im(g2 @ self.w.reshape(cout, -1), self.shape)


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
    gg = mask * g[:, :, :, None, :, None]
    # one winner per window keeps the gradient well defined on ties
    return gg.reshape(n, c, h * 2, w * 2)


class Net:
    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        self.c1, self.c2, self.c3 = Conv(rng, 1, 8), Conv(rng, 8, 16), Conv(rng, 16, 16)
        self.fw = (rng.normal(0, np.sqrt(1 / 16), (4, 16))).astype(np.float32)
        self.fb = np.zeros(4, np.float32)

    def params(self):
        return [self.c1.w, self.c1.b, self.c2.w, self.c2.b, self.c3.w, self.c3.b, self.fw, self.fb]

    def grads(self):
        return [self.c1.gw, self.c1.gb, self.c2.gw, self.c2.gb, self.c3.gw, self.c3.gb, self.gfw, self.gfb]

    def forward(self, x):
        self.a1 = self.c1.forward(x)
        self.p1, self.m1 = maxpool(relu(self.a1))
        self.a2 = self.c2.forward(self.p1)
        self.p2, self.m2 = maxpool(relu(self.a2))
        self.a3 = self.c3.forward(self.p2)
        r3 = relu(self.a3)
        n, c, h, w = r3.shape
        flat = r3.reshape(n, c, h * w)
        self.arg = flat.argmax(2)
        self.g = flat.max(2)
        return self.g @ self.fw.T + self.fb

    def backward(self, dlogits):
        self.gfw = dlogits.T @ self.g
        self.gfb = dlogits.sum(0)
        dg = dlogits @ self.fw
        n, c, h, w = self.a3.shape
        d3 = np.zeros((n, c, h * w), np.float32)
        np.put_along_axis(d3, self.arg[:, :, None], dg[:, :, None], axis=2)
        d3 = d3.reshape(n, c, h, w) * (self.a3 > 0)
        d = self.c3.backward(d3)
        d = maxpool_back(d, self.m2) * (self.a2 > 0)
        d = self.c2.backward(d)
        d = maxpool_back(d, self.m1) * (self.a1 > 0)
        self.c1.backward(d)


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def prep(images):
    return ((images.astype(np.float32) / 255.0 - MEAN) / STD)[:, None]


def evaluate(net, x, y):
    pred = np.concatenate([softmax(net.forward(x[i:i + 256])).argmax(1) for i in range(0, len(x), 256)])
    acc = float((pred == y).mean())
    confusion = np.zeros((4, 4), int)
    for t, p in zip(y, pred):
        confusion[t, p] += 1
    return acc, confusion


def train(seed=7, n_train=4000, n_test=1000, epochs=6, batch=64, lr=3e-3):
    xs, ys, _ = surface.dataset(n_train, seed=1000 + seed)
    xt, yt, _ = surface.dataset(n_test, seed=5000 + seed)
    x, xtest = prep(xs), prep(xt)
    net = Net(seed)
    m = [np.zeros_like(p) for p in net.params()]
    v = [np.zeros_like(p) for p in net.params()]
    rng = np.random.default_rng(seed)
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            logits = net.forward(x[idx])
            p = softmax(logits)
            p[np.arange(len(idx)), ys[idx]] -= 1
            net.backward((p / len(idx)).astype(np.float32))
            step += 1
            for k, (param, grad) in enumerate(zip(net.params(), net.grads())):
                m[k] = 0.9 * m[k] + 0.1 * grad
                v[k] = 0.999 * v[k] + 0.001 * grad * grad
                mh = m[k] / (1 - 0.9 ** step)
                vh = v[k] / (1 - 0.999 ** step)
                param -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        acc, _ = evaluate(net, xtest, yt)
        print(f"epoch {epoch + 1}: held-out accuracy {acc:.3f}", flush=True)
    acc, confusion = evaluate(net, xtest, yt)
    return net, acc, confusion


def export(net, path: Path):
    def init(name, arr):
        return numpy_helper.from_array(np.ascontiguousarray(arr.astype(np.float32)), name)

    nodes = [
        helper.make_node("Conv", ["image", "c1w", "c1b"], ["a1"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["a1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "c2w", "c2b"], ["a2"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["a2"], ["r2"]),
        helper.make_node("MaxPool", ["r2"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p2", "c3w", "c3b"], ["a3"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["a3"], ["r3"]),
        helper.make_node("GlobalMaxPool", ["r3"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "surface_classifier",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 64, 64])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 4])],
        [init("c1w", net.c1.w), init("c1b", net.c1.b), init("c2w", net.c2.w), init("c2b", net.c2.b),
         init("c3w", net.c3.w), init("c3b", net.c3.b), init("fw", net.fw), init("fb", net.fb)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="lading-demo-train")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    net, acc, confusion = train()
    export(net, out / "surface-classifier.onnx")
    (out / "metrics.json").write_text(json.dumps({
        "held_out_images": int(confusion.sum()),
        "accuracy": round(acc, 4),
        "classes": list(surface.CLASSES),
        "confusion_rows_true_cols_predicted": confusion.tolist(),
    }, indent=2) + "\n")
    print(f"accuracy {acc:.3f}")
