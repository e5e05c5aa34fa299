"""Generates torch.onnx.export models for the importer tests (run with /usr/bin/python3, torch 1.13).

Writes test/fixtures/torch/<name>.onnx and <name>.json (golden case format, shared/golden/README.md):
opsets 9..17, batch-first and unbatched variants, with and without initial states.
"""
import json, os, sys
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch')

def t(x):
    return None if x is None else {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}

class Wrap(torch.nn.Module):
    def __init__(self, rnn, with_state):
        super().__init__(); self.rnn = rnn; self.with_state = with_state
    def forward(self, x, *state):
        if not self.with_state:
            return self.rnn(x)
        if isinstance(self.rnn, torch.nn.LSTM):
            return self.rnn(x, (state[0], state[1]))
        return self.rnn(x, state[0])

def flat(out):
    y, s = out
    return (y, s[0], s[1]) if isinstance(s, tuple) else (y, s)

def gen(name, mode, I, H, L, bidir, bf, opset, unbatched, with_state, T=5, B=3, seed=0):
    torch.manual_seed(seed)
    cls = {"rnn_tanh": torch.nn.RNN, "rnn_relu": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[mode]
    kw = {"nonlinearity": "relu" if mode == "rnn_relu" else "tanh"} if mode.startswith("rnn") else {}
    rnn = cls(I, H, num_layers=L, bidirectional=bidir, batch_first=bf, **kw).eval()
    D = 2 if bidir else 1
    x = torch.randn(T, I) if unbatched else (torch.randn(B, T, I) if bf else torch.randn(T, B, I))
    sshape = (L * D, H) if unbatched else (L * D, B, H)
    h0 = torch.randn(*sshape) if with_state else None
    c0 = torch.randn(*sshape) if with_state and mode == "lstm" else None
    m = Wrap(rnn, with_state)
    args = (x,) + ((h0,) if h0 is not None else ()) + ((c0,) if c0 is not None else ())
    with torch.no_grad():
        outs = flat(m(*args))
    in_names = ["input"] + (["h0"] if h0 is not None else []) + (["c0"] if c0 is not None else [])
    out_names = ["output", "hN"] + (["cN"] if mode == "lstm" else [])
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(m, args, path, opset_version=opset, input_names=in_names, output_names=out_names, do_constant_folding=True)
    case = {"name": name, "source": f"torch {torch.__version__} torch.onnx.export opset {opset}",
            "config": {"mode": mode, "inputSize": I, "hiddenSize": H, "numLayers": L, "bias": True,
                       "batchFirst": bf, "bidirectional": bidir, "projSize": 0},
            "params": {k: t(v) for k, v in rnn.state_dict().items()},
            "input": t(x), "h0": t(h0), "c0": t(c0), "output": t(outs[0]), "hN": t(outs[1]),
            "cN": t(outs[2]) if mode == "lstm" else None}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(case, f)

SETS = [
    ("tv_rnn_tanh_l2_op9", "rnn_tanh", 3, 4, 2, False, False, 9, False, True),
    ("tv_gru_l2_bidir_op11", "gru", 3, 4, 2, True, False, 11, False, True),
    ("tv_lstm_l2_bf_op13", "lstm", 3, 4, 2, False, True, 13, False, True),
    ("tv_lstm_l2_bidir_op9", "lstm", 3, 4, 2, True, False, 9, False, False),
    ("tv_rnn_relu_unbatched_op14", "rnn_relu", 3, 4, 2, False, False, 14, True, True),
    ("tv_gru_unbatched_bf_bidir_op17", "gru", 3, 4, 2, True, True, 17, True, True),
    ("tv_lstm_unbatched_op11", "lstm", 3, 4, 3, False, False, 11, True, True),
    ("tv_lstm_unbatched_bf_op9", "lstm", 3, 4, 1, False, True, 9, True, False),
    ("tv_gru_l3_nostate_op15", "gru", 2, 3, 3, False, False, 15, False, False),
    ("tv_rnn_tanh_bidir_bf_op16", "rnn_tanh", 3, 4, 3, True, True, 16, False, True),
]
if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for s in SETS:
        try:
            gen(*s)
            print("ok", s[0])
        except Exception as e:
            print("FAIL", s[0], type(e).__name__, str(e)[:200])
