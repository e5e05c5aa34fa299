#!/usr/bin/python3
"""PyTorch state_dicts as .safetensors, written by hand -> fixtures/safetensors/.

For every model <name>:
  <name>.safetensors  the module's state_dict (PyTorch names, order and shapes)
  <name>.json         a golden case (shared/golden/README.md section 1) whose `params`
                      equal the safetensors content, with input/h0/c0 and the module's
                      outputs, so a test can load the weights from the .safetensors file
                      and compare outputs.
  index.json          every file with its dtype, tensors and header length.

safetensors layout (https://github.com/huggingface/safetensors, written without the
safetensors package):
  8 bytes   N, little-endian u64
  N bytes   JSON header {"<name>": {"dtype": "F32"|"F64", "shape": [...],
            "data_offsets": [begin, end]}, ..., "__metadata__": {"format": "pt"}},
            compact separators, padded with spaces so that 8 + N is a multiple of 8
  rest      the tensors' raw little-endian bytes, row-major, back to back in state_dict
            order; offsets are relative to the first byte after the header.

All values are float32-exact (PyTorch's float32 init); the F64 model stores those same
values widened to float64, so loading it as float32 loses nothing.

Rerun: /usr/bin/python3 tools/golden/gen_safetensors.py
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

OUT = os.path.join(FIXTURES, "safetensors")

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8")}

# (name, config, dtype in the file, T, B, h0/c0 given, description)
MODELS = [
    ("st_lstm_l2_proj_bidir", C("lstm", 5, 6, 2, bidirectional=True, proj=3), "F32", 4, 2, True,
     "LSTM 2 layers, projSize 3, bidirectional (weight_hr_* tensors)"),
    ("st_gru_l3", C("gru", 4, 6, 3), "F32", 5, 2, True, "GRU 3 layers"),
    ("st_rnn_tanh_l2", C("rnn_tanh", 4, 5, 2), "F32", 5, 3, False, "tanh RNN 2 layers, h0 null"),
    ("st_lstm_l2_nobias_f64", C("lstm", 3, 4, 2, bias=False), "F64", 4, 2, True,
     "LSTM 2 layers, bias=False, stored as F64 (float32-exact values)"),
]


def safetensors_bytes(state, dtype):
    """state: ordered {name: np.ndarray}; dtype 'F32' or 'F64'."""
    header = {}
    blobs = []
    offset = 0
    for name, arr in state.items():
        raw = np.ascontiguousarray(arr, dtype=DTYPES[dtype]).tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * (-(8 + len(hjson)) % 8)
    return struct.pack("<Q", len(hjson)) + hjson + b"".join(blobs), len(hjson)


def read_safetensors(data):
    """Minimal reader used to verify what was written."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(body[b:e], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return header, out


def main():
    torch.set_num_threads(1)
    clean_dir(OUT, {".json", ".safetensors"})
    index = []
    for name, cfg, dtype, T, batch, given, desc in MODELS:
        seed = case_seed(name)
        torch.manual_seed(seed)
        module = make_module(torch, cfg).eval()
        x = torch.randn(input_shape(cfg, T, batch))
        h0 = c0 = None
        lstm = cfg["mode"] == "lstm"
        if given:
            hs, cs = state_shapes(cfg, batch)
            h0 = torch.randn(hs)
            c0 = torch.randn(cs) if lstm else None
        with torch.no_grad():
            if h0 is None:
                out, st = module(x)
            else:
                out, st = module(x, (h0, c0) if lstm else h0)
        hN, cN = st if lstm else (st, None)
        state = {k: v.detach().numpy() for k, v in module.state_dict().items()}
        data, hlen = safetensors_bytes(state, dtype)
        # verify: the file decodes to exactly the state_dict
        header, back = read_safetensors(data)
        assert list(back) == list(state)
        for k in state:
            assert np.array_equal(back[k].astype(np.float32), state[k]), k
        st_file = name + ".safetensors"
        os.makedirs(OUT, exist_ok=True)
        with open(os.path.join(OUT, st_file), "wb") as f:
            f.write(data)
        case = {
            "name": name,
            "source": torch_source(torch, cfg),
            "config": cfg,
            "params": {k: tensor(v) for k, v in state.items()},
            "input": tensor(x),
            "h0": None if h0 is None else tensor(h0),
            "c0": None if c0 is None else tensor(c0),
            "output": tensor(out),
            "hN": tensor(hN),
            "cN": None if cN is None else tensor(cN),
        }
        write_text(os.path.join(OUT, name + ".json"), dump_case(case))
        index.append({"name": name, "file": st_file, "case": name + ".json", "dtype": dtype, "config": cfg,
                      "headerBytes": hlen, "bytes": len(data), "seed": seed,
                      "tensors": [{"name": k, "shape": list(v.shape)} for k, v in state.items()],
                      "metadata": {"format": "pt"}, "description": desc})
    write_index(os.path.join(OUT, "index.json"), {
        "set": "project-safetensors",
        "generator": "tools/golden/gen_safetensors.py",
        "source": f"torch {torch.__version__} (CPU, 1 thread), float32 state_dicts",
        "count": len(index),
        "models": index,
    })
    print(f"gen_safetensors: {len(index)} models -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
