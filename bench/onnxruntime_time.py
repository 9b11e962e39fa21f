"""Times onnxruntime on the exact input tensors Lading's tract run used: the baseline of
`lading bench inspect`. Reads a raw little-endian float32 file of N tensors of the given shape,
runs each through onnxruntime (CPU, one intra-op thread, like tract's single-threaded plan) and
prints JSON: median and mean seconds per image, and the first output of every tensor (so the
caller can bound the difference between the two runtimes).

    python onnxruntime_time.py MODEL TENSORS SHAPE REPEATS      # SHAPE like 1,1,64,64
"""
from __future__ import annotations

import json
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort


def main() -> None:
    model, tensors, shape, repeats = sys.argv[1], sys.argv[2], tuple(int(x) for x in sys.argv[3].split(",")), int(sys.argv[4])
    data = np.fromfile(tensors, dtype="<f4")
    per = int(np.prod(shape))
    inputs = data.reshape((-1,) + shape)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    outputs = [session.run(None, {name: x})[0].ravel().tolist() for x in inputs]  # warm-up and outputs
    times = []
    for _ in range(repeats):
        for x in inputs:
            t = time.perf_counter()
            session.run(None, {name: x})
            times.append(time.perf_counter() - t)
    print(json.dumps({
        "runtime": f"onnxruntime {ort.__version__}",
        "images": len(inputs),
        "tensor_values": per,
        "median_s": statistics.median(times),
        "mean_s": statistics.fmean(times),
        "outputs": outputs,
    }))


if __name__ == "__main__":
    main()
