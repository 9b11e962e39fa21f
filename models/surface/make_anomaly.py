"""Derives Lading's demo anomaly-score model from the trained classifier: the same network, whose
output is one score, 1 − P(ok), shape [1, 1]. It exists so that the anomaly head of Lading's
inspection reports runs on a real model (a threshold on the score decides); it is exactly as good as
the classifier (MODEL_CARD.md) and no better.

    python make_anomaly.py        # needs onnx (requirements.txt); writes surface-anomaly.onnx
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

HERE = Path(__file__).resolve().parent


def main() -> None:
    model = onnx.load(HERE / "surface-classifier.onnx")
    g = model.graph
    for name, value in [("ok_start", [0]), ("ok_end", [1]), ("ok_axis", [1])]:
        g.initializer.append(numpy_helper.from_array(np.array(value, np.int64), name))
    g.initializer.append(numpy_helper.from_array(np.array(1.0, np.float32), "one"))
    g.node.append(helper.make_node("Slice", ["probabilities", "ok_start", "ok_end", "ok_axis"], ["p_ok"]))
    g.node.append(helper.make_node("Sub", ["one", "p_ok"], ["anomaly"]))
    del g.output[:]
    g.output.append(helper.make_tensor_value_info("anomaly", onnx.TensorProto.FLOAT, [1, 1]))
    model.producer_name = "lading-demo-make-anomaly"
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, HERE / "surface-anomaly.onnx")


if __name__ == "__main__":
    main()
