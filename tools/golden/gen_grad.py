#!/usr/bin/python3
"""Backpropagation-through-time fixtures -> fixtures/grad/<case>.json + index.json.

Each case holds the keys of a forward case (shared/golden/README.md section 1) and
    "loss":       a description of L,
    "gradOutput": {"output": gOut, "h": gH, "c": gC or null},
    "grads":      {"params": {name: dL/dparam}, "input": dL/dinput,
                   "h0": dL/dh0 or null, "c0": dL/dc0 or null}
with L = sum(output * gOut) + sum(hN * gH) (+ sum(cN * gC) for LSTM). So `grads` is
exactly what a backward pass returns when it is handed the output gradients
(gOut, gH, gC).

Everything is computed in float64 (module.double(), float64 inputs) and every number
is written as the shortest repr of a float64. Parameters (PyTorch default init in
float32, then widened), input, h0/c0 and gOut/gH/gC are float32-exact values (drawn in
float32 and widened), so a float32 implementation sees the same problem; the results
(output, hN, cN, grads) are full float64.

Rerun: /usr/bin/python3 tools/golden/gen_grad.py
"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (FIXTURES, case_seed, clean_dir, config_dict as C, dump_case, input_shape,  # noqa: E402
                    make_module, state_shapes, tensor, torch_source, write_index, write_text)

OUT = os.path.join(FIXTURES, "grad")

# (name, config, T, B or None (= unbatched), h0/c0 given, description)
CASES = [
    ("grad_rnn_tanh_l1", C("rnn_tanh", 3, 4, 1), 4, 2, True, "tanh RNN, 1 layer, h0 given"),
    ("grad_rnn_tanh_l3_bidir", C("rnn_tanh", 3, 3, 3, bidirectional=True), 4, 2, True,
     "tanh RNN, 3 layers, bidirectional"),
    ("grad_rnn_tanh_unbatched_nobias", C("rnn_tanh", 3, 4, 2, bias=False), 5, None, True,
     "tanh RNN, unbatched, bias=False"),
    ("grad_rnn_relu_l2_bf", C("rnn_relu", 3, 4, 2, batch_first=True), 4, 3, False,
     "relu RNN, 2 layers, batchFirst, h0 null"),
    ("grad_gru_l1", C("gru", 3, 4, 1), 4, 2, False, "GRU, 1 layer, h0 null"),
    ("grad_gru_l2_bidir_bf", C("gru", 3, 3, 2, batch_first=True, bidirectional=True), 4, 2, True,
     "GRU, 2 layers, bidirectional, batchFirst"),
    ("grad_gru_l3_nobias", C("gru", 2, 3, 3, bias=False), 4, 2, True, "GRU, 3 layers, bias=False"),
    ("grad_gru_unbatched_bidir", C("gru", 3, 3, 1, bidirectional=True), 5, None, True,
     "GRU, unbatched, bidirectional"),
    ("grad_lstm_l1", C("lstm", 3, 4, 1), 4, 2, True, "LSTM, 1 layer, h0/c0 given"),
    ("grad_lstm_l2_proj", C("lstm", 3, 4, 2, proj=2), 4, 2, True, "LSTM, 2 layers, projSize 2"),
    ("grad_lstm_l2_proj_bidir_bf", C("lstm", 3, 4, 2, batch_first=True, bidirectional=True, proj=3), 3, 2, False,
     "LSTM, projSize + bidirectional + batchFirst, h0/c0 null"),
    ("grad_lstm_l3_nobias_bidir", C("lstm", 2, 3, 3, bias=False, bidirectional=True), 3, 2, True,
     "LSTM, 3 layers, bias=False, bidirectional"),
    ("grad_lstm_unbatched_l2", C("lstm", 3, 4, 2), 4, None, False, "LSTM, unbatched, 2 layers, h0/c0 null"),
]

LOSS = ("L = sum(output * gradOutput.output) + sum(hN * gradOutput.h) (+ sum(cN * gradOutput.c) for lstm); "
        "grads = dL/d(params, input, h0, c0), i.e. the backward pass for output gradients gradOutput")


def main():
    torch.set_num_threads(1)
    clean_dir(OUT, {".json"})
    index = []
    for name, cfg, T, batch, given, desc in CASES:
        seed = case_seed(name)
        torch.manual_seed(seed)
        module = make_module(torch, cfg)          # float32 default init
        module = module.double().eval()
        lstm = cfg["mode"] == "lstm"
        hs, cs = state_shapes(cfg, batch)
        x = torch.randn(input_shape(cfg, T, batch)).double().requires_grad_(True)
        h0 = c0 = None
        if given:
            h0 = torch.randn(hs).double().requires_grad_(True)
            if lstm:
                c0 = torch.randn(cs).double().requires_grad_(True)
        if h0 is None:
            out, st = module(x)
        else:
            out, st = module(x, (h0, c0) if lstm else h0)
        hN, cN = (st if lstm else (st, None))
        g_out = torch.randn(out.shape).double()
        g_h = torch.randn(hN.shape).double()
        g_c = torch.randn(cN.shape).double() if lstm else None
        loss = (out * g_out).sum() + (hN * g_h).sum()
        if lstm:
            loss = loss + (cN * g_c).sum()
        names = [k for k, _ in module.named_parameters()]
        assert names == list(module.state_dict().keys())
        leaves = [p for _, p in module.named_parameters()] + [x] + [t for t in (h0, c0) if t is not None]
        grads = torch.autograd.grad(loss, leaves)
        gp = dict(zip(names, grads[:len(names)]))
        rest = list(grads[len(names):])
        gx = rest.pop(0)
        gh0 = rest.pop(0) if h0 is not None else None
        gc0 = rest.pop(0) if c0 is not None else None
        t64 = lambda t: None if t is None else tensor(t, np.float64)  # noqa: E731
        case = {
            "name": name,
            "source": torch_source(torch, cfg, "float64", ", autograd (torch.autograd.grad)"),
            "config": cfg,
            "params": {k: t64(v) for k, v in module.state_dict().items()},
            "input": t64(x),
            "h0": t64(h0),
            "c0": t64(c0),
            "output": t64(out),
            "hN": t64(hN),
            "cN": t64(cN),
            "loss": LOSS,
            "gradOutput": {"output": t64(g_out), "h": t64(g_h), "c": t64(g_c)},
            "grads": {"params": {k: t64(v) for k, v in gp.items()}, "input": t64(gx), "h0": t64(gh0),
                      "c0": t64(gc0)},
        }
        text = dump_case(case)
        write_text(os.path.join(OUT, name + ".json"), text)
        index.append({"name": name, "file": name + ".json", "config": cfg, "seqLen": T, "batch": batch,
                      "unbatched": batch is None, "h0Given": given, "c0Given": given and lstm,
                      "seed": seed, "lossValue": float(loss), "description": desc,
                      "bytes": len(text.encode("utf-8"))})
    write_index(os.path.join(OUT, "index.json"), {
        "set": "project-grad",
        "generator": "tools/golden/gen_grad.py",
        "source": f"torch {torch.__version__} (CPU, 1 thread), float64, autograd",
        "loss": LOSS,
        "count": len(index),
        "cases": index,
    })
    print(f"gen_grad: {len(index)} cases -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
