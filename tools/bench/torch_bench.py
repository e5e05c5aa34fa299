#!/usr/bin/python3
"""PyTorch baseline (CPU with one thread, or CUDA) for the deeprnn benchmark configs; prints JSON lines.

Usage:
  /usr/bin/python3 tools/bench/torch_bench.py --mode rnn_tanh --mode gru --config d2l [--repeats N]
  /usr/bin/python3 tools/bench/torch_bench.py --mode lstm --train [--layers 1,3] [--repeats N]
  python3 tools/bench/torch_bench.py --device cuda --config d2l --config medium
  python3 tools/bench/torch_bench.py --device cuda --train --mode lstm --layers 1,3
  python3 tools/bench/torch_bench.py --device cuda --case DIR/d2l-lstm.json      # agreement + timing

--device cuda (default cpu): the same measurements on the first CUDA device. Every timed call is
bracketed by torch.cuda.synchronize(); there are more warm-up calls (cuDNN picks and caches its
kernels on the first ones) and more repeats (default 20). Forward records two times: msPerCall is end
to end from host memory to host memory (input copied to the GPU, output copied back, as deeprnn's
backends are measured) and msDevice with input and output staying on the GPU. The training step copies
each token batch to the GPU and ends at a synchronize (the loss is not read back). Without CUDA the
script prints one line saying so to stderr and exits with status 3.

--case FILE.json (repeatable; replaces --config/--mode for forward): a forward case written by
tools/gpu/gpu-bench.mjs: mode and sizes, the input and PyTorch-named parameters (float32) and, when
present, the float64 reference output, all in FILE's sibling .bin file at the byte offsets the JSON
gives. The record gains maxRelError = max |y - y_ref| / max |y_ref| (null without a reference).

Forward configs (input [T, B, inputSize], batchFirst false, unidirectional, bias, h0 = zeros):
  d2l      inputSize 28, hidden 256, 3 layers, T 35,   B 32
  medium   inputSize 64, hidden 512, 3 layers, T 100,  B 64
  latency  inputSize 28, hidden 256, 3 layers, T 1,    B 1
  latency8 inputSize 28, hidden 256, 3 layers, T 1,    B 8
  long     inputSize 28, hidden 128, 2 layers, T 1000, B 8
Forward timing: module(x) under torch.no_grad(), eval mode, after warmup calls; the median
of --repeats calls (default 10; 3 for medium and long).

--train: one step of the d2l character language model: vocab 28, one-hot input [35, 32, 28],
nn.RNN/GRU/LSTM(28, 256, numLayers) with numLayers from --layers (default 1,3), Linear(256, 28)
head, mean cross-entropy over all T*B next-token targets, backward, gradient clipping to
total norm 1 (torch.nn.utils.clip_grad_norm_), SGD lr 1 step, fresh zero state per step,
random token batches (fixed seed). msPerCall is the median time of one whole step. --hidden,
--batch and --steps shrink the model for a quick rehearsal (config is then "d2l-small").

Output fields: backend, device ("cpu" or "cuda"), mode, config, inputSize, hiddenSize, numLayers, T, B,
msPerCall, tokensPerSec (= T*B*1000/msPerCall), gflops (= flops/msPerCall/1e6), train, plus
repeats, threads, torch (version), flops, blas (resolved path of the BLAS library the process loaded; Debian's
torch uses whatever libblas.so.3 resolves to, and reference BLAS is several times slower than
OpenBLAS, so compare numbers only from the same machine and BLAS). With --device cuda also gpu (the
device's name), cudnn (version) and, for forward, msDevice; with --case also case and maxRelError.

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
import ctypes
import json
import statistics
import sys
import time

import torch

CONFIGS = {
    "d2l": dict(inputSize=28, hiddenSize=256, numLayers=3, T=35, B=32),
    "medium": dict(inputSize=64, hiddenSize=512, numLayers=3, T=100, B=64),
    "latency": dict(inputSize=28, hiddenSize=256, numLayers=3, T=1, B=1),
    "latency8": dict(inputSize=28, hiddenSize=256, numLayers=3, T=1, B=8),
    "long": dict(inputSize=28, hiddenSize=128, numLayers=2, T=1000, B=8),
}
DEFAULT_REPEATS = {"d2l": 10, "medium": 3, "latency": 10, "latency8": 10, "long": 3}
WARMUP = {"d2l": 3, "medium": 1, "latency": 10, "latency8": 10, "long": 1}
# On CUDA a call costs microseconds to milliseconds: more repeats, and warm-ups that cover cuDNN's setup.
CUDA_REPEATS, CUDA_WARMUP = 20, 5
MODES = ["rnn_tanh", "rnn_relu", "gru", "lstm"]
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "gru": 3, "lstm": 4}
VOCAB, TRAIN_HIDDEN, TRAIN_T, TRAIN_B = 28, 256, 35, 32
EXIT_NO_CUDA = 3


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


def no_sync():
    pass


def timed(fn, warmup, repeats, sync=no_sync):
    """Median ms of `repeats` calls after `warmup` ones; `sync` (torch.cuda.synchronize) brackets each."""
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
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
        return ",".join(f"{h} ({openblas_core(h)})" if "openblas" in h else h for h in hits) or "unknown"
    except OSError:
        return "unknown"


def openblas_core(path):
    """OpenBLAS's kernel family (e.g. Haswell = AVX2, SkylakeX/Cooperlake = AVX-512): a DYNAMIC_ARCH build
    picks it per CPU unless OPENBLAS_CORETYPE forces one, and it sets PyTorch's speed on the CPU."""
    try:
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return "core " + lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return "core unknown"


BLAS = None


class Device:
    """Where the measurement runs: "cpu" (one thread) or "cuda" (the first CUDA device)."""

    def __init__(self, name):
        self.name = name
        self.is_cuda = name == "cuda"
        self.torch = torch.device("cuda:0" if self.is_cuda else "cpu")
        self.sync = torch.cuda.synchronize if self.is_cuda else no_sync

    def extra(self):
        if not self.is_cuda:
            return {}
        return {"gpu": torch.cuda.get_device_name(0), "cudnn": torch.backends.cudnn.version()}


def record(mode, config, c, ms, flops, train, repeats, dev):
    T, B = c["T"], c["B"]
    return {"backend": "pytorch", "device": dev.name, "mode": mode, "config": config, "inputSize": c["inputSize"],
            "hiddenSize": c["hiddenSize"], "numLayers": c["numLayers"], "T": T, "B": B,
            "msPerCall": round(ms, 4), "tokensPerSec": round(T * B * 1000.0 / ms, 2),
            "gflops": round(flops / ms / 1e6, 4), "train": train, "repeats": repeats, "threads": 1,
            "torch": torch.__version__, "flops": flops, "blas": BLAS, **dev.extra()}


def forward_timings(rnn, x_host, dev, warmup, repeats):
    """(ms host to host, ms on the device or None): median forward times of `rnn` on `x_host`."""
    def call_on(x):
        with torch.no_grad():
            return rnn(x)

    if not dev.is_cuda:
        return timed(lambda: call_on(x_host), warmup, repeats), None
    x_dev = x_host.to(dev.torch)
    ms_device = timed(lambda: call_on(x_dev), warmup, repeats, dev.sync)
    ms_host = timed(lambda: call_on(x_host.to(dev.torch))[0].cpu(), warmup, repeats, dev.sync)
    return ms_host, ms_device


def bench_forward(mode, config, repeats, warmup, dev):
    c = CONFIGS[config]
    rnn = make_rnn(mode, c["inputSize"], c["hiddenSize"], c["numLayers"]).eval().to(dev.torch)
    x = torch.randn(c["T"], c["B"], c["inputSize"])
    ms, ms_device = forward_timings(rnn, x, dev, warmup, repeats)
    flops = rnn_flops(mode, c["inputSize"], c["hiddenSize"], c["numLayers"], c["T"], c["B"])
    r = record(mode, config, c, ms, flops, False, repeats, dev)
    if ms_device is not None:
        r["msDevice"] = round(ms_device, 4)
    return r


def read_case(path):
    """A forward case of tools/gpu/gpu-bench.mjs: (manifest, {name: tensor}) from FILE.json and its .bin."""
    with open(path) as f:
        manifest = json.load(f)
    with open(os.path.join(os.path.dirname(os.path.abspath(path)), manifest["bin"]), "rb") as f:
        blob = bytearray(f.read())
    dtypes = {"float32": (torch.float32, 4), "float64": (torch.float64, 8)}
    tensors = {}
    for name, entry in manifest["tensors"].items():
        dtype, size = dtypes[entry["dtype"]]
        count = 1
        for d in entry["shape"]:
            count *= d
        start = entry["offset"]
        if start + count * size > len(blob):
            raise ValueError(f"{path}: tensor {name} ends at byte {start + count * size}, past the "
                             f"{len(blob)}-byte data file")
        tensors[name] = torch.frombuffer(blob[start:start + count * size], dtype=dtype).reshape(entry["shape"])
    return manifest, tensors


def read_case_config(path):
    """The config name a case file was made for ("d2l", "medium", ...), for its default repeats."""
    with open(path) as f:
        return json.load(f).get("config")


def bench_case(path, repeats, warmup, dev):
    m, t = read_case(path)
    c = dict(inputSize=m["inputSize"], hiddenSize=m["hiddenSize"], numLayers=m["numLayers"], T=m["T"], B=m["B"])
    rnn = make_rnn(m["mode"], c["inputSize"], c["hiddenSize"], c["numLayers"])
    rnn.load_state_dict({k[len("param."):]: v for k, v in t.items() if k.startswith("param.")}, strict=True)
    rnn = rnn.eval().to(dev.torch)
    x = t["input"]
    with torch.no_grad():
        y = rnn(x.to(dev.torch))[0].cpu().double()
    err = None
    if "expected" in t:
        want = t["expected"]
        err = float((y - want).abs().max() / want.abs().max().clamp_min(1e-30))
    ms, ms_device = forward_timings(rnn, x, dev, warmup, repeats)
    flops = rnn_flops(m["mode"], c["inputSize"], c["hiddenSize"], c["numLayers"], c["T"], c["B"])
    r = record(m["mode"], m["config"], c, ms, flops, False, repeats, dev)
    r["case"] = os.path.basename(path)
    r["maxRelError"] = err
    if ms_device is not None:
        r["msDevice"] = round(ms_device, 4)
    return r


def bench_train(mode, layers, repeats, warmup, dev, hidden=TRAIN_HIDDEN, batch=TRAIN_B, steps=TRAIN_T):
    c = dict(inputSize=VOCAB, hiddenSize=hidden, numLayers=layers, T=steps, B=batch)
    rnn = make_rnn(mode, VOCAB, hidden, layers).to(dev.torch)
    head = torch.nn.Linear(hidden, VOCAB).to(dev.torch)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=1.0)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(0)

    def step():
        tokens = torch.randint(0, VOCAB, (steps + 1, batch), generator=gen).to(dev.torch)
        x = torch.nn.functional.one_hot(tokens[:-1], VOCAB).float()    # [T, B, V]
        y = tokens[1:]
        out, _ = rnn(x)                                                # zero initial state
        logits = head(out.reshape(-1, hidden))
        loss = loss_fn(logits, y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    ms = timed(step, warmup, repeats, dev.sync)
    fwd = rnn_flops(mode, VOCAB, hidden, layers, steps, batch) + 2 * steps * batch * hidden * VOCAB
    config = "d2l" if (hidden, batch, steps) == (TRAIN_HIDDEN, TRAIN_B, TRAIN_T) else "d2l-small"
    return record(mode, config, c, ms, 3 * fwd, True, repeats, dev)


def positive(text):
    v = int(text)
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text}")
    return v


def main():
    ap = argparse.ArgumentParser(description="PyTorch baseline (CPU with 1 thread, or CUDA) for the deeprnn benchmark "
                                 "configs; prints one JSON object per line.")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                    help="where to run (default cpu, one thread); cuda: the first CUDA device, synchronized timings")
    ap.add_argument("--mode", action="append", choices=MODES,
                    help="cell to benchmark (repeatable; default: all four)")
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS),
                    help="forward config (repeatable; default d2l). Ignored with --train (always d2l LM)")
    ap.add_argument("--case", action="append", metavar="FILE.json",
                    help="forward case written by tools/gpu/gpu-bench.mjs (weights, input, float64 reference); "
                         "repeatable; replaces --config and --mode")
    ap.add_argument("--train", action="store_true", help="benchmark the d2l language-model training step instead")
    ap.add_argument("--layers", default="1,3", help="with --train: comma-separated layer counts (default 1,3)")
    ap.add_argument("--hidden", type=positive, default=TRAIN_HIDDEN, help="with --train: hidden size (default 256)")
    ap.add_argument("--batch", type=positive, default=TRAIN_B, help="with --train: batch size (default 32)")
    ap.add_argument("--steps", type=positive, default=TRAIN_T, help="with --train: time steps (default 35)")
    ap.add_argument("--repeats", type=int, default=None,
                    help="timed calls per measurement (default 10; medium 3, long 3; 20 on cuda)")
    ap.add_argument("--seed", type=int, default=0, help="torch seed for weights and inputs (default 0)")
    args = ap.parse_args()
    if args.repeats is not None and args.repeats < 1:
        ap.error("--repeats must be >= 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        print(f"torch_bench.py: --device cuda: CUDA is not available to this torch ({torch.__version__}, "
              f"built for CUDA {torch.version.cuda or 'none'}); use --device cpu or a machine with an NVIDIA GPU",
              file=sys.stderr)
        sys.exit(EXIT_NO_CUDA)
    dev = Device(args.device)
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    global BLAS
    BLAS = blas_library()
    modes = args.mode or MODES

    def repeats_for(default):
        return args.repeats or (CUDA_REPEATS if dev.is_cuda else default)

    def warmup_for(default):
        return max(default, CUDA_WARMUP) if dev.is_cuda else default

    if args.train:
        layers = [int(v) for v in args.layers.split(",") if v.strip()]
        for mode in modes:
            for L in layers:
                print(json.dumps(bench_train(mode, L, repeats_for(10), warmup_for(3), dev,
                                             args.hidden, args.batch, args.steps)), flush=True)
        return
    if args.case:
        for path in args.case:
            config = read_case_config(path)
            print(json.dumps(bench_case(path, repeats_for(DEFAULT_REPEATS.get(config, 10)),
                                        warmup_for(WARMUP.get(config, 3)), dev)), flush=True)
        return
    for config in args.config or ["d2l"]:
        for mode in modes:
            print(json.dumps(bench_forward(mode, config, repeats_for(DEFAULT_REPEATS[config]), warmup_for(WARMUP[config]),
                                           dev)), flush=True)


if __name__ == "__main__":
    main()
