"""Shared helpers for the golden-data generators in tools/golden/.

Tensors are written as {"shape": [...], "data": [...]} with data in row-major order.
Every number is written with Python's repr of a float, which is the shortest decimal
that round-trips to that float64. For float32 data we first widen to float64, so
float32 0.1 is written 0.10000000149011612 and Math.fround / Float32Array recovers the
exact float32 bits.

The case-file layout follows /work/shared/golden/README.md section 1: the top-level keys
each on their own line, a tensor on one line, `config` on one line, `params` one entry a
line.
"""

import json
import math
import os
import zlib

import numpy as np

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO_ROOT, "fixtures")

CASE_KEYS = ["name", "source", "config", "params", "input", "h0", "c0", "output", "hN", "cN"]
MODE_CLASS = {"rnn_tanh": "RNN", "rnn_relu": "RNN", "gru": "GRU", "lstm": "LSTM"}
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "gru": 3, "lstm": 4}


def case_seed(name):
    """A stable per-case seed: adding or reordering cases never changes another case."""
    return zlib.crc32(name.encode("utf-8")) % 1_000_000


def num(x):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x!r}")
    return repr(x)


def tensor(arr, dtype=np.float32):
    """numpy / torch array -> {"shape", "data"} with values of `dtype` (float32 or float64)."""
    if hasattr(arr, "detach"):
        arr = arr.detach().cpu().numpy()
    a = np.asarray(arr)
    if a.dtype != dtype:
        a2 = a.astype(dtype)
        if dtype == np.float32 and a.dtype == np.float64 and not np.array_equal(a2.astype(np.float64), a):
            raise ValueError("float64 data is not float32-exact")
        a = a2
    return {"shape": [int(d) for d in a.shape], "data": [float(v) for v in a.ravel()]}


def _is_tensor(v):
    return isinstance(v, dict) and list(v.keys()) == ["shape", "data"]


def _fmt_tensor(t):
    shape = ", ".join(str(d) for d in t["shape"])
    data = ",".join(num(v) for v in t["data"])
    return '{"shape": [' + shape + '], "data": [' + data + "]}"


def _fmt(v, indent):
    """Tensors and flat dicts/lists on one line; dicts of tensors/dicts expanded."""
    if v is None:
        return "null"
    if _is_tensor(v):
        return _fmt_tensor(v)
    if isinstance(v, dict) and any(isinstance(x, dict) for x in v.values()):
        pad = "  " * (indent + 1)
        items = [pad + json.dumps(k) + ": " + _fmt(x, indent + 1) for k, x in v.items()]
        if not items:
            return "{}"
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(v, float):
        return num(v)
    return json.dumps(v)


def dump_case(obj):
    """Serialises a case dict (keys in insertion order) in the golden-file layout."""
    lines = ["  " + json.dumps(k) + ": " + _fmt(v, 1) for k, v in obj.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_index(path, obj):
    """index.json files: plain json.dumps with indent=1 (like the shared golden index)."""
    write_text(path, json.dumps(obj, indent=1, allow_nan=False) + "\n")


def clean_dir(path, keep_exts):
    """Removes generated files from a previous run so stale cases never linger."""
    if not os.path.isdir(path):
        os.makedirs(path)
        return
    for fn in os.listdir(path):
        if os.path.splitext(fn)[1] in keep_exts:
            os.remove(os.path.join(path, fn))


def config_dict(mode, I, H, L, bias=True, batch_first=False, bidirectional=False, proj=0):
    return {"mode": mode, "inputSize": I, "hiddenSize": H, "numLayers": L, "bias": bias,
            "batchFirst": batch_first, "bidirectional": bidirectional, "projSize": proj}


def make_module(torch, cfg):
    """The nn.RNN/GRU/LSTM for a config dict (default PyTorch init from the global RNG)."""
    nn = torch.nn
    kw = dict(input_size=cfg["inputSize"], hidden_size=cfg["hiddenSize"], num_layers=cfg["numLayers"],
              bias=cfg["bias"], batch_first=cfg["batchFirst"], bidirectional=cfg["bidirectional"])
    mode = cfg["mode"]
    if mode in ("rnn_tanh", "rnn_relu"):
        return nn.RNN(nonlinearity=mode[4:], **kw)
    if mode == "gru":
        return nn.GRU(**kw)
    return nn.LSTM(proj_size=cfg["projSize"], **kw)


def state_shapes(cfg, batch):
    """(h shape, c shape) for batch size `batch` (None = unbatched)."""
    D = 2 if cfg["bidirectional"] else 1
    H = cfg["hiddenSize"]
    hout = cfg["projSize"] or H
    LD = cfg["numLayers"] * D
    if batch is None:
        return [LD, hout], [LD, H]
    return [LD, batch, hout], [LD, batch, H]


def input_shape(cfg, T, batch):
    if batch is None:
        return [T, cfg["inputSize"]]
    if cfg["batchFirst"]:
        return [batch, T, cfg["inputSize"]]
    return [T, batch, cfg["inputSize"]]


def torch_source(torch, cfg, dtype="float32", extra=""):
    return f"torch {torch.__version__} nn.{MODE_CLASS[cfg['mode']]}, {dtype}, CPU{extra}"
