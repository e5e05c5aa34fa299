#!/usr/bin/python3
"""Half-precision safetensors written from PyTorch -> fixtures/safetensors-half/.

PyTorch rounds the weights itself (`tensor.to(torch.float16)` / `.to(torch.bfloat16)`, round to
nearest even), and the raw 16-bit patterns it produced are what the files hold, so a reader that
widens them and a writer that rounds float32 to half can both be checked against PyTorch's own
arithmetic:

  <model>_<f16|bf16>.safetensors  the module's state_dict in F16 or BF16 (PyTorch names and order)
  <model>_<f16|bf16>.json         a golden case: `params` are the half values widened to float32
                                  (exact), `output`/`hN`/`cN` come from the module run in float32
                                  with exactly those weights, so the golden tolerance applies.
  rounding_<f16|bf16>.safetensors one tensor `values`: the float32 values of rounding.json rounded
                                  by PyTorch (ties, subnormals, overflow to inf, NaN, +-inf, -0);
                                  a writer must produce these bytes exactly.
  rounding.json                   the float32 inputs, as {"shape", "data", "special"} where
                                  `special` lists the non-finite inputs by index (JSON has no NaN).
  index.json                      every file with its dtype and header length.

The file layout (header, padding to 8 bytes, `__metadata__` {"format": "pt"}) is the one
gen_safetensors.py writes; the safetensors Python package is not installed on Debian, so the
container is written by hand and only the numbers come from PyTorch.

Rerun: /usr/bin/python3 tools/golden/gen_safetensors_half.py
"""

import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (FIXTURES, case_seed, clean_dir, config_dict as C, dump_case, input_shape,  # noqa: E402
                    make_module, state_shapes, tensor, torch_source, write_index, write_text)

OUT = os.path.join(FIXTURES, "safetensors-half")

HALF = {"F16": torch.float16, "BF16": torch.bfloat16}

# (name, config, T, batch, h0/c0 given, description)
MODELS = [
    ("half_lstm_l2_bidir", C("lstm", 4, 5, 2, bidirectional=True), 4, 2, True, "LSTM 2 layers, bidirectional"),
    ("half_gru_l2", C("gru", 3, 6, 2), 5, 2, False, "GRU 2 layers, h0 null"),
]

# float32 inputs chosen to exercise every rounding path of both formats.
ROUNDING_VALUES = [
    0.0, -0.0, 1.0, -1.0, 0.1, -0.1, 1.0 / 3.0, 65504.0, 65519.996, 65520.0, 1e5, -1e5,
    6.1035156e-05, 6.0975552e-05, 5.9604645e-08, 2.9802322e-08, 2.9802326e-08, 1e-9,
    1.0009765625, 1.00048828125, 1.00146484375,  # f16: exact, tie to even (down), tie to even (up)
    1.00390625, 1.001953125, 1.005859375,  # bf16: exact, tie to even (down), tie to even (up)
    3.3895314e38, 3.4028235e38, 1.1754944e-38, 9.1835e-41,
    float("nan"), float("inf"), float("-inf"),
]


def header_bytes(entries):
    hjson = json.dumps(entries, separators=(",", ":")).encode("utf-8")
    hjson += b" " * (-(8 + len(hjson)) % 8)
    return struct.pack("<Q", len(hjson)) + hjson, len(hjson)


def half_file(state, dtype):
    """state: ordered {name: torch tensor in `dtype`}; the bytes are PyTorch's 16-bit patterns."""
    header = {}
    blobs = []
    offset = 0
    for name, t in state.items():
        raw = t.contiguous().view(torch.int16).numpy().astype("<i2").tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    head, hlen = header_bytes(header)
    return head + b"".join(blobs), hlen


def write_bytes(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    torch.set_num_threads(1)
    clean_dir(OUT, {".json", ".safetensors"})
    index = []
    for name, cfg, T, batch, given, desc in MODELS:
        for dtype, tdtype in HALF.items():
            case_name = f"{name}_{dtype.lower()}"
            torch.manual_seed(case_seed(name))
            module = make_module(torch, cfg).eval()
            # PyTorch rounds the weights; the module then runs in float32 on exactly those values.
            with torch.no_grad():
                half_state = {k: v.to(tdtype) for k, v in module.state_dict().items()}
                for k, p in module.named_parameters():
                    p.copy_(half_state[k].to(torch.float32))
            x = torch.randn(input_shape(cfg, T, batch))
            lstm = cfg["mode"] == "lstm"
            h0 = c0 = None
            if given:
                hs, cs = state_shapes(cfg, batch)
                h0 = torch.randn(hs)
                c0 = torch.randn(cs) if lstm else None
            with torch.no_grad():
                out, st = module(x) if h0 is None else module(x, (h0, c0) if lstm else h0)
            hN, cN = st if lstm else (st, None)
            data, hlen = half_file(half_state, dtype)
            write_bytes(case_name + ".safetensors", data)
            case = {
                "name": case_name,
                "source": torch_source(torch, cfg, extra=f", weights rounded by torch to {tdtype}"),
                "config": cfg,
                "params": {k: tensor(v.to(torch.float32)) for k, v in half_state.items()},
                "input": tensor(x),
                "h0": None if h0 is None else tensor(h0),
                "c0": None if c0 is None else tensor(c0),
                "output": tensor(out),
                "hN": tensor(hN),
                "cN": None if cN is None else tensor(cN),
            }
            write_text(os.path.join(OUT, case_name + ".json"), dump_case(case))
            index.append({"name": case_name, "file": case_name + ".safetensors", "case": case_name + ".json",
                          "dtype": dtype, "config": cfg, "headerBytes": hlen, "bytes": len(data),
                          "description": desc})
    values = torch.tensor(ROUNDING_VALUES, dtype=torch.float32)
    special = {i: repr(float(v)) for i, v in enumerate(ROUNDING_VALUES) if not np.isfinite(v)}
    finite = [float(v) if np.isfinite(v) else 0.0 for v in values.numpy()]
    write_text(os.path.join(OUT, "rounding.json"), json.dumps(
        {"shape": [len(finite)], "data": finite, "special": special}, indent=1) + "\n")
    for dtype, tdtype in HALF.items():
        data, hlen = half_file({"values": values.to(tdtype)}, dtype)
        write_bytes(f"rounding_{dtype.lower()}.safetensors", data)
        index.append({"name": f"rounding_{dtype.lower()}", "file": f"rounding_{dtype.lower()}.safetensors",
                      "dtype": dtype, "headerBytes": hlen, "bytes": len(data),
                      "description": "rounding.json's float32 values rounded by torch"})
    write_index(os.path.join(OUT, "index.json"), {
        "set": "project-safetensors-half",
        "generator": "tools/golden/gen_safetensors_half.py",
        "source": f"torch {torch.__version__} (CPU, 1 thread): state_dicts rounded with Tensor.to(float16/bfloat16)",
        "count": len(index),
        "models": index,
    })
    print(f"gen_safetensors_half: {len(index)} files -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
