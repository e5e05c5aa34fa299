#!/usr/bin/python3
"""PyTorch side of tools/bench/latency.mjs: per-step latency of a stacked RNN run one step at a time.

Usage (latency.mjs writes the case file and runs this itself):
  /usr/bin/python3 tools/bench/latency_torch.py CASE.json

CASE.json: {"mode", "inputSize", "hiddenSize", "numLayers", "B", "warmup", "steps", "bin",
"params": {state_dict name: {"shape", "offset"}}, "input": {"shape": [warmup + steps, B, I], "offset"}}
with float32 data at byte offsets of the sibling file "bin". One thread (OpenBLAS and OpenMP pools too).
The loop is the streaming form users write in PyTorch: `out, h = rnn(x_t, h)` with x_t [1, B, I],
under torch.no_grad(), eval mode, the state carried from step to step. Prints one JSON line:
msMedian, msP99 (over `steps` timed steps after `warmup`), threads, torch, blas, and lastOutput (the
last step's output, to check that both sides ran the same weights).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import json
import statistics
import sys
import time

import torch

from torch_bench import blas_library, make_rnn


def tensor_at(blob, spec):
    n = 1
    for d in spec["shape"]:
        n *= d
    start = spec["offset"]
    return torch.frombuffer(blob[start:start + 4 * n], dtype=torch.float32).reshape(spec["shape"]).clone()


def main(path):
    torch.set_num_threads(1)
    with open(path) as f:
        case = json.load(f)
    with open(os.path.join(os.path.dirname(os.path.abspath(path)), case["bin"]), "rb") as f:
        blob = bytearray(f.read())
    rnn = make_rnn(case["mode"], case["inputSize"], case["hiddenSize"], case["numLayers"]).eval()
    rnn.load_state_dict({name: tensor_at(blob, spec) for name, spec in case["params"].items()})
    xs = tensor_at(blob, case["input"])
    B, H, L = case["B"], case["hiddenSize"], case["numLayers"]
    zeros = torch.zeros(L, B, H)
    h = (zeros, zeros.clone()) if case["mode"] == "lstm" else zeros
    times = []
    out = None
    with torch.no_grad():
        for t in range(xs.shape[0]):
            x = xs[t:t + 1]
            t0 = time.perf_counter()
            out, h = rnn(x, h)
            times.append((time.perf_counter() - t0) * 1000.0)
    timed = sorted(times[case["warmup"]:])
    p99 = timed[min(len(timed) - 1, int(0.99 * len(timed)))]
    print(json.dumps({"backend": "pytorch", "msMedian": statistics.median(timed), "msP99": p99, "threads": 1,
                      "torch": torch.__version__, "blas": blas_library(), "lastOutput": out.reshape(-1).tolist()}))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main(sys.argv[1])
