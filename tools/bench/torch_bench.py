#!/usr/bin/python3
"""PyTorch (CPU, one thread) baseline for the deeprnn benchmark configs; prints JSON lines.

Usage:
  /usr/bin/python3 tools/bench/torch_bench.py --mode rnn_tanh --mode gru --config d2l [--repeats N]
  /usr/bin/python3 tools/bench/torch_bench.py --mode lstm --train [--layers 1,3] [--repeats N]

Forward configs (input [T, B, inputSize], batchFirst false, unidirectional, bias, h0 = zeros):
  d2l      inputSize 28, hidden 256, 3 layers, T 35,   B 32
  medium   inputSize 64, hidden 512, 3 layers, T 100,  B 64
  latency  inputSize 28, hidden 256, 3 layers, T 1,    B 1
  long     inputSize 28, hidden 128, 2 layers, T 1000, B 8
Forward timing: module(x) under torch.no_grad(), eval mode, after warmup calls; the median
of --repeats calls (default 10; 3 for medium and long).

--train: one step of the d2l character language model: vocab 28, one-hot input [35, 32, 28],
nn.RNN/GRU/LSTM(28, 256, numLayers) with numLayers from --layers (default 1,3), Linear(256, 28)
head, mean cross-entropy over all T*B next-token targets, backward, gradient clipping to
total norm 1 (torch.nn.utils.clip_grad_norm_), SGD lr 1 step, fresh zero state per step,
random token batches (fixed seed). msPerCall is the median time of one whole step.

Output fields: backend, device, mode, config, inputSize, hiddenSize, numLayers, T, B,
msPerCall, tokensPerSec (= T*B*1000/msPerCall), gflops (= flops/msPerCall/1e6), train, plus
repeats, threads, torch (version), flops, blas (resolved path of the BLAS library the process loaded; Debian's
torch uses whatever libblas.so.3 resolves to, and reference BLAS is several times slower than
OpenBLAS, so compare numbers only from the same machine and BLAS).

FLOP count (multiply-add = 2 flops; only the matrix products, elementwise gate math is
not counted), for L layers, D directions (1 here), G gates (rnn 1, gru 3, lstm 4):
  forward flops = 2*T*B * sum over layers l and directions of G*H*(I_l + Hout)
                + 2*T*B*P*H per layer and direction when projSize P > 0
  where I_0 = inputSize, I_l = D*Hout for l > 0, Hout = P if P > 0 else H.
  train flops   = 3 * (forward flops + 2*T*B*H*V)  for the RNN plus the Linear(H, V) head:
                  backward costs two matrix products per forward one (grad wrt input and
                  wrt weights); the one-hot input is counted as a dense [V]-wide input.
"""

import os

# One thread for real: torch.set_num_threads(1) does not reach OpenBLAS's own pthread pool, which
# otherwise uses every core (d2l rnn_tanh: 8.7 ms with two threads, 13 ms with one). These must be
# set before torch (and with it libblas) is loaded.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import json
import statistics
import time

import torch

CONFIGS = {
    "d2l": dict(inputSize=28, hiddenSize=256, numLayers=3, T=35, B=32),
    "medium": dict(inputSize=64, hiddenSize=512, numLayers=3, T=100, B=64),
    "latency": dict(inputSize=28, hiddenSize=256, numLayers=3, T=1, B=1),
    "long": dict(inputSize=28, hiddenSize=128, numLayers=2, T=1000, B=8),
}
DEFAULT_REPEATS = {"d2l": 10, "medium": 3, "latency": 10, "long": 3}
WARMUP = {"d2l": 3, "medium": 1, "latency": 10, "long": 1}
MODES = ["rnn_tanh", "rnn_relu", "gru", "lstm"]
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "gru": 3, "lstm": 4}
VOCAB, TRAIN_HIDDEN, TRAIN_T, TRAIN_B = 28, 256, 35, 32


def rnn_flops(mode, I, H, L, T, B, D=1, P=0):
    """Forward matmul flops of a stacked RNN (see the module docstring)."""
    G = GATES[mode]
    hout = P if P > 0 else H
    total = 0
    for layer in range(L):
        il = I if layer == 0 else D * hout
        for _ in range(D):
            total += 2 * T * B * G * H * (il + hout)
            if P > 0:
                total += 2 * T * B * P * H
    return total


def make_rnn(mode, I, H, L):
    if mode in ("rnn_tanh", "rnn_relu"):
        return torch.nn.RNN(I, H, L, nonlinearity=mode[4:])
    return {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[mode](I, H, L)


def timed(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def blas_library():
    """Resolved path of the BLAS shared library mapped into this process (Linux), else 'unknown'."""
    try:
        torch.mm(torch.ones(2, 2), torch.ones(2, 2))
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if line.rstrip().endswith(".so") or ".so." in line}
        hits = sorted({os.path.realpath(p) for p in paths
                       if any(k in os.path.basename(p).lower() for k in ("blas", "mkl_rt", "libmkl"))})
        return ",".join(hits) or "unknown"
    except OSError:
        return "unknown"


BLAS = None


def record(mode, config, c, ms, flops, train, repeats):
    T, B = c["T"], c["B"]
    return {"backend": "pytorch", "device": "cpu", "mode": mode, "config": config, "inputSize": c["inputSize"],
            "hiddenSize": c["hiddenSize"], "numLayers": c["numLayers"], "T": T, "B": B,
            "msPerCall": round(ms, 4), "tokensPerSec": round(T * B * 1000.0 / ms, 2),
            "gflops": round(flops / ms / 1e6, 4), "train": train, "repeats": repeats, "threads": 1,
            "torch": torch.__version__, "flops": flops, "blas": BLAS}


def bench_forward(mode, config, repeats):
    c = CONFIGS[config]
    rnn = make_rnn(mode, c["inputSize"], c["hiddenSize"], c["numLayers"]).eval()
    x = torch.randn(c["T"], c["B"], c["inputSize"])

    def call():
        with torch.no_grad():
            rnn(x)

    ms = timed(call, WARMUP[config], repeats)
    flops = rnn_flops(mode, c["inputSize"], c["hiddenSize"], c["numLayers"], c["T"], c["B"])
    return record(mode, config, c, ms, flops, False, repeats)


def bench_train(mode, layers, repeats):
    c = dict(inputSize=VOCAB, hiddenSize=TRAIN_HIDDEN, numLayers=layers, T=TRAIN_T, B=TRAIN_B)
    rnn = make_rnn(mode, VOCAB, TRAIN_HIDDEN, layers)
    head = torch.nn.Linear(TRAIN_HIDDEN, VOCAB)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=1.0)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(0)

    def step():
        tokens = torch.randint(0, VOCAB, (TRAIN_T + 1, TRAIN_B), generator=gen)
        x = torch.nn.functional.one_hot(tokens[:-1], VOCAB).float()    # [T, B, V]
        y = tokens[1:]
        out, _ = rnn(x)                                                # zero initial state
        logits = head(out.reshape(-1, TRAIN_HIDDEN))
        loss = loss_fn(logits, y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    ms = timed(step, 3, repeats)
    fwd = rnn_flops(mode, VOCAB, TRAIN_HIDDEN, layers, TRAIN_T, TRAIN_B) + 2 * TRAIN_T * TRAIN_B * TRAIN_HIDDEN * VOCAB
    return record(mode, "d2l", c, ms, 3 * fwd, True, repeats)


def main():
    ap = argparse.ArgumentParser(description="PyTorch (CPU, 1 thread) baseline for the deeprnn benchmark configs; "
                                 "prints one JSON object per line.")
    ap.add_argument("--mode", action="append", choices=MODES,
                    help="cell to benchmark (repeatable; default: all four)")
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS),
                    help="forward config (repeatable; default d2l). Ignored with --train (always d2l LM)")
    ap.add_argument("--train", action="store_true", help="benchmark the d2l language-model training step instead")
    ap.add_argument("--layers", default="1,3", help="with --train: comma-separated layer counts (default 1,3)")
    ap.add_argument("--repeats", type=int, default=None,
                    help="timed calls per measurement (default 10; medium 3, long 3)")
    ap.add_argument("--seed", type=int, default=0, help="torch seed for weights and inputs (default 0)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    global BLAS
    BLAS = blas_library()
    modes = args.mode or MODES
    if args.repeats is not None and args.repeats < 1:
        ap.error("--repeats must be >= 1")
    if args.train:
        layers = [int(v) for v in args.layers.split(",") if v.strip()]
        for mode in modes:
            for L in layers:
                print(json.dumps(bench_train(mode, L, args.repeats or 10)), flush=True)
        return
    for config in args.config or ["d2l"]:
        for mode in modes:
            print(json.dumps(bench_forward(mode, config, args.repeats or DEFAULT_REPEATS[config])), flush=True)


if __name__ == "__main__":
    main()
