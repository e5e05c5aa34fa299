#!/usr/bin/python3
"""Golden forward cases from PyTorch -> fixtures/pytorch/<case>.json + index.json.

Format: /work/shared/golden/README.md section 1 (same keys, same order, float32 values
written as the shortest repr of their float64 widening). Each case: seed the global torch
RNG with the case seed, build the module (PyTorch's default init), multiply every
parameter by weightScale, draw the input (and h0/c0 when given) from torch.randn, run
the module in eval mode, float32, 1 thread. The same module and inputs are also run in
float64 (.double()) to record f32VsF64MaxAbsDiff.

Rerun: /usr/bin/python3 tools/golden/gen_pytorch.py
"""

import copy
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (FIXTURES, case_seed, clean_dir, config_dict as C, dump_case, input_shape,  # noqa: E402
                    make_module, state_shapes, tensor, torch_source, write_index, write_text)

OUT = os.path.join(FIXTURES, "pytorch")

# (name, config, T, B or None (= unbatched 2-D input), h0/c0 given, weightScale, description)
CASES = [
    # rnn_tanh
    ("proj_rnn_tanh_l1", C("rnn_tanh", 4, 5, 1), 4, 2, True, 1.0, "single layer tanh RNN, h0 given"),
    ("proj_rnn_tanh_l2_bidir_bf", C("rnn_tanh", 5, 6, 2, batch_first=True, bidirectional=True), 5, 3, False, 1.0,
     "2 layers, bidirectional, batchFirst, h0 null"),
    ("proj_rnn_tanh_l3_nobias", C("rnn_tanh", 3, 7, 3, bias=False), 6, 2, True, 1.0, "3 layers, bias=False"),
    ("proj_rnn_tanh_l4_sat_x3", C("rnn_tanh", 5, 8, 4), 7, 2, True, 3.0, "4 layers, weights x3 (tanh saturation)"),
    ("proj_rnn_tanh_t1_b1", C("rnn_tanh", 3, 4, 2), 1, 1, True, 1.0, "T=1, B=1"),
    ("proj_rnn_tanh_unbatched_bidir_bf", C("rnn_tanh", 4, 5, 2, batch_first=True, bidirectional=True), 6, None,
     True, 1.0, "unbatched [T, I] input with batchFirst=true and bidirectional"),
    ("proj_rnn_tanh_h1_l3", C("rnn_tanh", 2, 1, 3), 5, 3, True, 1.0, "hiddenSize 1, 3 layers"),
    # rnn_relu
    ("proj_rnn_relu_l1_nobias", C("rnn_relu", 4, 6, 1, bias=False), 5, 2, True, 1.0, "relu, bias=False"),
    ("proj_rnn_relu_l3_bidir", C("rnn_relu", 3, 5, 3, bidirectional=True), 5, 2, True, 1.0,
     "relu, 3 layers, bidirectional, h0 given"),
    ("proj_rnn_relu_unbatched_l2", C("rnn_relu", 4, 6, 2), 6, None, False, 1.0, "relu, unbatched, h0 null"),
    ("proj_rnn_relu_l2_bf_sat_x3", C("rnn_relu", 5, 6, 2, batch_first=True), 4, 3, True, 3.0,
     "relu, batchFirst, weights x3"),
    # gru
    ("proj_gru_l1", C("gru", 4, 5, 1), 5, 2, False, 1.0, "single layer GRU, h0 null"),
    ("proj_gru_l2_bidir_bf", C("gru", 5, 6, 2, batch_first=True, bidirectional=True), 5, 3, True, 1.0,
     "2 layers, bidirectional, batchFirst, h0 given"),
    ("proj_gru_l4_nobias", C("gru", 3, 5, 4, bias=False), 6, 2, True, 1.0, "4 layers, bias=False"),
    ("proj_gru_l2_sat_x3", C("gru", 4, 6, 2), 6, 2, True, 3.0, "weights x3 (sigmoid/tanh saturation)"),
    ("proj_gru_unbatched_bidir_bf", C("gru", 3, 5, 2, batch_first=True, bidirectional=True), 5, None, True, 1.0,
     "unbatched, batchFirst=true, bidirectional, h0 given"),
    ("proj_gru_h1_l2", C("gru", 3, 1, 2), 6, 2, True, 1.0, "hiddenSize 1"),
    ("proj_gru_t1_b1_bidir", C("gru", 3, 4, 2, bidirectional=True), 1, 1, False, 1.0, "T=1, B=1, bidirectional"),
    ("proj_gru_l2_t64", C("gru", 3, 4, 2), 64, 2, True, 1.0, "long sequence T=64"),
    # lstm
    ("proj_lstm_l1", C("lstm", 4, 5, 1), 5, 2, True, 1.0, "single layer LSTM, h0/c0 given"),
    ("proj_lstm_l2_proj_bf", C("lstm", 5, 7, 2, batch_first=True, proj=3), 5, 2, True, 1.0,
     "projSize 3, batchFirst, h0/c0 given"),
    ("proj_lstm_l2_proj_bidir", C("lstm", 4, 6, 2, bidirectional=True, proj=4), 5, 2, False, 1.0,
     "projSize + bidirectional, h0/c0 null"),
    ("proj_lstm_l3_proj_bidir_bf", C("lstm", 3, 6, 3, batch_first=True, bidirectional=True, proj=2), 4, 3, True,
     1.0, "projSize + bidirectional + batchFirst, 3 layers"),
    ("proj_lstm_l2_proj1_nobias", C("lstm", 4, 5, 2, bias=False, proj=1), 5, 2, True, 1.0,
     "projSize 1, bias=False"),
    ("proj_lstm_l2_nobias_bidir", C("lstm", 3, 5, 2, bias=False, bidirectional=True), 4, 2, False, 1.0,
     "bias=False, bidirectional"),
    ("proj_lstm_l4_bidir", C("lstm", 3, 4, 4, bidirectional=True), 4, 2, True, 1.0, "4 layers, bidirectional"),
    ("proj_lstm_l2_sat_x3", C("lstm", 4, 6, 2), 6, 2, True, 3.0, "weights x3 (saturation)"),
    ("proj_lstm_l2_proj_sat_x3", C("lstm", 4, 6, 2, proj=3), 5, 2, True, 3.0, "projSize, weights x3"),
    ("proj_lstm_unbatched_proj_bidir", C("lstm", 4, 6, 2, bidirectional=True, proj=3), 5, None, True, 1.0,
     "unbatched, projSize, bidirectional, h0/c0 given"),
    ("proj_lstm_unbatched_bf_bidir", C("lstm", 3, 5, 2, batch_first=True, bidirectional=True), 5, None, False, 1.0,
     "unbatched, batchFirst=true, bidirectional, h0/c0 null"),
    ("proj_lstm_h1_l2", C("lstm", 3, 1, 2), 5, 2, True, 1.0, "hiddenSize 1"),
    ("proj_lstm_t1_b1", C("lstm", 3, 4, 3), 1, 1, True, 1.0, "T=1, B=1, 3 layers"),
    ("proj_lstm_l2_proj_t64", C("lstm", 3, 4, 2, proj=2), 64, 2, True, 1.0, "long sequence T=64, projSize 2"),
]


def run(module, x, h0, c0):
    if h0 is None:
        out, st = module(x)
    elif c0 is None:
        out, st = module(x, h0)
    else:
        out, st = module(x, (h0, c0))
    if isinstance(st, tuple):
        return out, st[0], st[1]
    return out, st, None


def build(name, cfg, T, batch, given, scale):
    """Returns (module, input, h0, c0), all float32, from the case seed."""
    torch.manual_seed(case_seed(name))
    module = make_module(torch, cfg)
    with torch.no_grad():
        for p in module.parameters():
            p.mul_(scale)
    module.eval()
    x = torch.randn(input_shape(cfg, T, batch))
    h0 = c0 = None
    if given:
        hs, cs = state_shapes(cfg, batch)
        h0 = torch.randn(hs)
        if cfg["mode"] == "lstm":
            c0 = torch.randn(cs)
    return module, x, h0, c0


def main():
    torch.set_num_threads(1)
    clean_dir(OUT, {".json"})
    index = []
    names = set()
    for name, cfg, T, batch, given, scale, desc in CASES:
        assert name not in names and name.startswith("proj_"), name
        names.add(name)
        module, x, h0, c0 = build(name, cfg, T, batch, given, scale)
        with torch.no_grad():
            out, hN, cN = run(module, x, h0, c0)
            m64 = copy.deepcopy(module).double()
            dbl = lambda t: None if t is None else t.double()  # noqa: E731
            out64, hN64, cN64 = run(m64, x.double(), dbl(h0), dbl(c0))
        diff = max(float((a.double() - b).abs().max()) for a, b in ((out, out64), (hN, hN64), (cN, cN64))
                   if a is not None)
        maxabs = max(float(a.abs().max()) for a in (out, hN, cN) if a is not None)
        case = {
            "name": name,
            "source": torch_source(torch, cfg),
            "config": cfg,
            "params": {k: tensor(v) for k, v in module.state_dict().items()},
            "input": tensor(x),
            "h0": None if h0 is None else tensor(h0),
            "c0": None if c0 is None else tensor(c0),
            "output": tensor(out),
            "hN": tensor(hN),
            "cN": None if cN is None else tensor(cN),
        }
        text = dump_case(case)
        write_text(os.path.join(OUT, name + ".json"), text)
        index.append({
            "name": name, "file": name + ".json", "config": cfg, "seqLen": T, "batch": batch,
            "unbatched": batch is None, "h0Given": given, "c0Given": given and cfg["mode"] == "lstm",
            "weightScale": scale, "inputScale": 1.0, "stateScale": 1.0, "seed": case_seed(name),
            "maxAbsValue": maxabs, "f32VsF64MaxAbsDiff": diff, "description": desc,
            "bytes": len(text.encode("utf-8")),
        })
    write_index(os.path.join(OUT, "index.json"), {
        "set": "project",
        "generator": "tools/golden/gen_pytorch.py",
        "source": f"torch {torch.__version__} (CPU, 1 thread), float32",
        "format": "see /work/shared/golden/README.md section 1; tools/golden/README.md",
        "count": len(index),
        "cases": index,
    })
    print(f"gen_pytorch: {len(index)} cases -> {os.path.relpath(OUT)}; "
          f"max f32VsF64MaxAbsDiff {max(c['f32VsF64MaxAbsDiff'] for c in index):.3g}")


if __name__ == "__main__":
    main()
