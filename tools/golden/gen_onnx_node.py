#!/usr/bin/python3
"""Single-node ONNX RNN/GRU/LSTM tests in the ONNX backend-test layout -> fixtures/onnx-node/.

    fixtures/onnx-node/<test>/model.onnx                  one RNN/GRU/LSTM node, opset 14
    fixtures/onnx-node/<test>/test_data_set_0/input_K.pb  serialized onnx.TensorProto, one per graph input
    fixtures/onnx-node/<test>/test_data_set_0/output_K.pb one per graph output (Y, Y_h[, Y_c])
    fixtures/onnx-node/index.json                         every test with a one-line description

These cover what PyTorch cannot express: LSTM peepholes, clip, non-default activations
with alpha/beta, input_forget, sequence_lens, GRU linear_before_reset=0, direction
reverse. Every node input that is present is a graph input (no initializers), named as in
the operator spec (X, W, R, B, sequence_lens, initial_h, initial_c, P); omitted optional
inputs are '' in the node. All float inputs are float32 (sequence_lens int32).

Expected outputs come from onnx_ref.py (float64 numpy, written from the operator docs),
rounded to float32. Before writing anything, self_check() compares onnx_ref against
PyTorch (float64) where the semantics coincide and against the reference helpers in
onnx/backend/test/case/node/{rnn,gru,lstm}.py; any mismatch aborts.

Rerun: /usr/bin/python3 tools/golden/gen_onnx_node.py
"""

import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_ref  # noqa: E402
from common import FIXTURES, case_seed, write_index  # noqa: E402

OUT = os.path.join(FIXTURES, "onnx-node")
OPSET = 14
INPUT_ORDER = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"]


def T(**kw):
    return kw


# name, op, description, sizes (T, B, I, H), which optional inputs, attributes, weight scale
TESTS = [
    T(name="onnx_rnn_leakyrelu", op="RNN", desc="RNN forward, activations [LeakyRelu] alpha 0.1, B and initial_h",
      inputs=["B", "initial_h"], attrs=dict(activations=["LeakyRelu"], activation_alpha=[0.1])),
    T(name="onnx_rnn_thresholdedrelu", op="RNN", desc="RNN forward, activations [ThresholdedRelu] alpha 0.05",
      inputs=["B", "initial_h"], attrs=dict(activations=["ThresholdedRelu"], activation_alpha=[0.05])),
    T(name="onnx_rnn_softplus_nobias", op="RNN", desc="RNN forward, activations [Softplus], no B, no initial_h",
      inputs=[], attrs=dict(activations=["Softplus"])),
    T(name="onnx_rnn_reverse_clip", op="RNN", desc="RNN direction=reverse, Tanh, clip 0.5, weights x3",
      inputs=["B", "initial_h"], attrs=dict(direction="reverse", clip=0.5), scale=3.0),
    T(name="onnx_rnn_bidir_seqlens", op="RNN",
      desc="RNN bidirectional, activations [Tanh, Relu] (forward, reverse), sequence_lens [5, 2, 3]",
      inputs=["B", "sequence_lens"], attrs=dict(direction="bidirectional", activations=["Tanh", "Relu"]),
      lens=[5, 2, 3]),
    T(name="onnx_gru_lbr0", op="GRU", desc="GRU forward, linear_before_reset absent (= 0, ONNX default)",
      inputs=["B", "initial_h"], attrs=dict()),
    T(name="onnx_gru_lbr1", op="GRU", desc="GRU forward, linear_before_reset=1 (PyTorch's formula)",
      inputs=["B", "initial_h"], attrs=dict(linear_before_reset=1)),
    T(name="onnx_gru_hardsigmoid_softsign", op="GRU",
      desc="GRU activations [HardSigmoid, Softsign] with default alpha/beta (0.2, 0.5), lbr=0",
      inputs=["B", "initial_h"], attrs=dict(activations=["HardSigmoid", "Softsign"]), scale=2.0),
    T(name="onnx_gru_bidir_scaledtanh_affine", op="GRU",
      desc="GRU bidirectional, [HardSigmoid, ScaledTanh, HardSigmoid, Affine] with explicit alpha/beta, lbr=1",
      inputs=["B", "initial_h"],
      attrs=dict(direction="bidirectional", linear_before_reset=1,
                 activations=["HardSigmoid", "ScaledTanh", "HardSigmoid", "Affine"],
                 activation_alpha=[0.25, 0.9, 0.15, 0.8], activation_beta=[0.45, 1.2, 0.55, 0.1])),
    T(name="onnx_gru_reverse_seqlens_clip", op="GRU",
      desc="GRU direction=reverse, sequence_lens [4, 5, 1], clip 0.7, lbr=0, weights x3",
      inputs=["B", "sequence_lens", "initial_h"], attrs=dict(direction="reverse", clip=0.7), lens=[4, 5, 1],
      scale=3.0),
    T(name="onnx_gru_bidir_seqlens", op="GRU",
      desc="GRU bidirectional, sequence_lens [3, 5, 2], lbr=1, initial_h",
      inputs=["B", "sequence_lens", "initial_h"], attrs=dict(direction="bidirectional", linear_before_reset=1),
      lens=[3, 5, 2]),
    T(name="onnx_lstm_peepholes", op="LSTM", desc="LSTM forward with peepholes P, B, initial_h/initial_c",
      inputs=["B", "initial_h", "initial_c", "P"], attrs=dict(), pscale=1.0),
    T(name="onnx_lstm_bidir_peepholes_seqlens", op="LSTM",
      desc="LSTM bidirectional, peepholes, sequence_lens [5, 3, 1], initial_h/initial_c",
      inputs=["B", "sequence_lens", "initial_h", "initial_c", "P"], attrs=dict(direction="bidirectional"),
      lens=[5, 3, 1], pscale=1.0),
    T(name="onnx_lstm_clip_peepholes", op="LSTM",
      desc="LSTM forward, clip 1.5 on gate pre-activations (|Ct| stays < clip), peepholes, weights x3",
      inputs=["B", "P"], attrs=dict(clip=1.5), scale=3.0, pscale=1.0, seq=3),
    T(name="onnx_lstm_input_forget", op="LSTM", desc="LSTM forward, input_forget=1 (f = 1 - i)",
      inputs=["B", "initial_h", "initial_c"], attrs=dict(input_forget=1)),
    T(name="onnx_lstm_hardsigmoid_scaledtanh_affine", op="LSTM",
      desc="LSTM activations [HardSigmoid, ScaledTanh, Affine] with explicit alpha/beta",
      inputs=["B", "initial_h", "initial_c"],
      attrs=dict(activations=["HardSigmoid", "ScaledTanh", "Affine"], activation_alpha=[0.3, 1.1, 0.7],
                 activation_beta=[0.4, 0.8, -0.2])),
    T(name="onnx_lstm_leakyrelu_elu", op="LSTM",
      desc="LSTM activations [LeakyRelu, Elu, Elu] with explicit alpha [0.2, 0.5, 1.5]",
      inputs=["B", "initial_h", "initial_c"],
      attrs=dict(activations=["LeakyRelu", "Elu", "Elu"], activation_alpha=[0.2, 0.5, 1.5]), scale=1.5),
    T(name="onnx_lstm_bidir_activations", op="LSTM",
      desc="LSTM bidirectional, forward [Sigmoid, Tanh, Tanh], reverse [HardSigmoid, Softsign, Softplus] (defaults)",
      inputs=["B", "initial_h", "initial_c"],
      attrs=dict(direction="bidirectional",
                 activations=["Sigmoid", "Tanh", "Tanh", "HardSigmoid", "Softsign", "Softplus"])),
    T(name="onnx_lstm_reverse_seqlens", op="LSTM",
      desc="LSTM direction=reverse, sequence_lens [2, 5, 4], no B, initial_h/initial_c",
      inputs=["sequence_lens", "initial_h", "initial_c"], attrs=dict(direction="reverse"), lens=[2, 5, 4]),
]


def make_inputs(t, rng):
    """All input arrays for a test, float32 (sequence_lens int32), keyed by spec name."""
    op = t["op"]
    seq, batch, I, H = t.get("seq", 5), 3, 3, 4
    D = 2 if t["attrs"].get("direction") == "bidirectional" else 1
    G = onnx_ref.GATES[op]
    k = t.get("scale", 1.0) / np.sqrt(H)
    u = lambda *shape: rng.uniform(-k, k, size=shape).astype(np.float32)  # noqa: E731
    arrs = {"X": rng.standard_normal((seq, batch, I)).astype(np.float32), "W": u(D, G * H, I), "R": u(D, G * H, H)}
    for name in t["inputs"]:
        if name == "B":
            arrs["B"] = u(D, 2 * G * H)
        elif name == "sequence_lens":
            arrs["sequence_lens"] = np.array(t["lens"], dtype=np.int32)
        elif name in ("initial_h", "initial_c"):
            arrs[name] = rng.standard_normal((D, batch, H)).astype(np.float32)
        elif name == "P":
            arrs["P"] = rng.uniform(-t["pscale"], t["pscale"], size=(D, 3 * H)).astype(np.float32)
    return arrs, H


def build_model(t, arrs, outs):
    present = [n for n in INPUT_ORDER if n in arrs]
    last = max(INPUT_ORDER.index(n) for n in present)
    node_inputs = [n if n in arrs else "" for n in INPUT_ORDER[:last + 1]]
    out_names = ["Y", "Y_h", "Y_c"][:len(outs)]
    attrs = dict(t["attrs"])
    node = helper.make_node(t["op"], node_inputs, out_names, hidden_size=arrs["R"].shape[-1], **attrs)
    vi = lambda n, a: helper.make_tensor_value_info(  # noqa: E731
        n, TensorProto.INT32 if a.dtype == np.int32 else TensorProto.FLOAT, list(a.shape))
    graph = helper.make_graph([node], t["name"], [vi(n, arrs[n]) for n in present],
                              [vi(n, a) for n, a in zip(out_names, outs)])
    model = helper.make_model(graph, producer_name="deeprnn tools/golden/gen_onnx_node.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(model, full_check=True)
    return model, present, out_names


def reference(t, arrs, stats):
    a = t["attrs"]
    return onnx_ref.run(
        t["op"], arrs["X"], arrs["W"], arrs["R"], arrs.get("B"), arrs.get("sequence_lens"), arrs.get("initial_h"),
        arrs.get("initial_c"), arrs.get("P"), hidden_size=arrs["R"].shape[-1],
        direction=a.get("direction", "forward"), activations=a.get("activations"),
        activation_alpha=a.get("activation_alpha"), activation_beta=a.get("activation_beta"), clip=a.get("clip"),
        linear_before_reset=a.get("linear_before_reset", 0), input_forget=a.get("input_forget", 0), stats=stats)


# ---------------------------------------------------------------------------------------
# self check: onnx_ref against PyTorch and against onnx's own backend-test helpers
# ---------------------------------------------------------------------------------------

def self_check():
    import torch
    from onnx.backend.test.case.node.gru import GRU_Helper
    from onnx.backend.test.case.node.lstm import LSTM_Helper
    from onnx.backend.test.case.node.rnn import RNN_Helper

    torch.set_num_threads(1)
    rng = np.random.default_rng(12345)
    worst = 0.0
    # torch row blocks -> ONNX row blocks
    perm = {"rnn_tanh": [0], "rnn_relu": [0], "gru": [1, 0, 2], "lstm": [0, 3, 1, 2]}
    op_of = {"rnn_tanh": "RNN", "rnn_relu": "RNN", "gru": "GRU", "lstm": "LSTM"}
    checks = 0
    for mode in ["rnn_tanh", "rnn_relu", "gru", "lstm"]:
        for bidir in (False, True):
            for with_lens in (False, True):
                for direction_rev in ((False, True) if not bidir else (False,)):
                    torch.manual_seed(checks)
                    Tn, batch, I, H = 6, 4, 3, 5
                    cls = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}.get(mode, torch.nn.RNN)
                    kw = {"nonlinearity": mode[4:]} if mode.startswith("rnn") else {}
                    m = cls(I, H, 1, bidirectional=bidir, **kw).double()
                    D = 2 if bidir else 1
                    x = torch.randn(Tn, batch, I, dtype=torch.float64)
                    h0 = torch.randn(D, batch, H, dtype=torch.float64)
                    c0 = torch.randn(D, batch, H, dtype=torch.float64)
                    lens = [6, 3, 1, 5] if with_lens else [Tn] * batch
                    sd = {k: v.detach().numpy() for k, v in m.state_dict().items()}
                    G = len(perm[mode])
                    blk = lambda a: np.concatenate([np.split(a, G)[j] for j in perm[mode]])  # noqa: E731
                    sfx = ["", "_reverse"][:D]
                    W = np.stack([blk(sd["weight_ih_l0" + s]) for s in sfx])
                    R = np.stack([blk(sd["weight_hh_l0" + s]) for s in sfx])
                    B = np.stack([np.concatenate([blk(sd["bias_ih_l0" + s]), blk(sd["bias_hh_l0" + s])]) for s in sfx])
                    state = (h0, c0) if mode == "lstm" else h0
                    with torch.no_grad():
                        xin = x
                        if direction_rev:  # a reverse-only node = forward torch on per-row reversed input
                            xin = x.clone()
                            for b, n in enumerate(lens):
                                xin[:n, b] = x[:n, b].flip(0)
                        packed = torch.nn.utils.rnn.pack_padded_sequence(xin, lens, enforce_sorted=False)
                        out, st = m(packed, state)
                        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=Tn)
                        if direction_rev:
                            out2 = out.clone()
                            for b, n in enumerate(lens):
                                out2[:n, b] = out[:n, b].flip(0)
                            out = out2
                    hN = st[0] if mode == "lstm" else st
                    acts = {"rnn_tanh": ["Tanh"], "rnn_relu": ["Relu"]}.get(mode)
                    Y, Y_h, Y_c = onnx_ref.run(
                        op_of[mode], x.numpy(), W, R, B, lens if with_lens else None, h0.numpy(),
                        c0.numpy() if mode == "lstm" else None, hidden_size=H,
                        direction="bidirectional" if bidir else ("reverse" if direction_rev else "forward"),
                        activations=acts * D if acts else None, linear_before_reset=1)
                    got = np.transpose(Y, (0, 2, 1, 3)).reshape(Tn, batch, D * H)
                    errs = [np.abs(got - out.numpy()).max(), np.abs(Y_h - hN.numpy()).max()]
                    if mode == "lstm":
                        errs.append(np.abs(Y_c - st[1].numpy()).max())
                    worst = max(worst, *errs)
                    checks += 1
    assert worst < 1e-12, f"onnx_ref disagrees with torch: {worst}"

    # onnx's helpers: forward only, no sequence_lens; covers peepholes and linear_before_reset=0
    worst2 = 0.0
    for trial in range(6):
        Tn, batch, I, H = 5, 2, 3, 4
        X = rng.standard_normal((Tn, batch, I))
        h0 = rng.standard_normal((1, batch, H))
        c0 = rng.standard_normal((1, batch, H))
        for op, G in (("RNN", 1), ("GRU", 3), ("LSTM", 4)):
            W = rng.uniform(-0.5, 0.5, (1, G * H, I))
            R = rng.uniform(-0.5, 0.5, (1, G * H, H))
            B = rng.uniform(-0.5, 0.5, (1, 2 * G * H))
            kw = dict(X=X, W=W.copy(), R=R.copy(), B=B.copy(), initial_h=h0.copy())
            lbr = trial % 2
            P = None
            if op == "RNN":
                Yh_ref = RNN_Helper(**kw).step()[1]
            elif op == "GRU":
                Yh_ref = GRU_Helper(linear_before_reset=np.array([lbr]), **kw).step()[1]
            else:
                P = rng.uniform(-1, 1, (1, 3 * H))
                Yh_ref = LSTM_Helper(initial_c=c0.copy(), P=P.copy(), **kw).step()[1]
            _, Yh, _ = onnx_ref.run(op, X, W, R, B, None, h0, c0 if op == "LSTM" else None, P, hidden_size=H,
                                    linear_before_reset=lbr)
            worst2 = max(worst2, np.abs(Yh - Yh_ref).max())
    assert worst2 < 1e-12, f"onnx_ref disagrees with onnx helpers: {worst2}"
    return checks, worst, worst2


def main():
    checks, worst, worst2 = self_check()
    print(f"gen_onnx_node: self-check ok ({checks} torch comparisons max |diff| {worst:.2g}; "
          f"onnx helpers max |diff| {worst2:.2g})")
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    index = []
    for t in TESTS:
        rng = np.random.default_rng(case_seed(t["name"]))
        arrs, H = make_inputs(t, rng)
        stats = onnx_ref.Stats()
        Y, Y_h, Y_c = reference(t, arrs, stats)
        a = t["attrs"]
        if "clip" in a:
            assert stats.clipped > 0, f"{t['name']}: clip never active"
            if t["op"] == "LSTM":
                assert stats.max_abs_c < a["clip"], f"{t['name']}: |Ct| reached clip, h(Ct) clipping ambiguous"
        if "ThresholdedRelu" in a.get("activations", []):
            assert stats.min_dist_threshold > 1e-4, "ThresholdedRelu tie x == alpha too close"
        outs = [y.astype(np.float32) for y in (Y, Y_h, Y_c) if y is not None]
        for o in outs:
            assert np.all(np.isfinite(o))
        model, present, out_names = build_model(t, arrs, outs)
        d = os.path.join(OUT, t["name"])
        os.makedirs(os.path.join(d, "test_data_set_0"))
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for kind, names, values in (("input", present, [arrs[n] for n in present]), ("output", out_names, outs)):
            for k, (n, v) in enumerate(zip(names, values)):
                with open(os.path.join(d, "test_data_set_0", f"{kind}_{k}.pb"), "wb") as f:
                    f.write(numpy_helper.from_array(v, n).SerializeToString())
        node = model.graph.node[0]
        index.append({
            "name": t["name"], "op": t["op"], "description": t["desc"], "opset": OPSET,
            "nodeInputs": list(node.input), "inputs": present, "outputs": out_names,
            "attributes": {k: v for k, v in sorted(a.items())}, "hiddenSize": H,
            "seqLen": int(arrs["X"].shape[0]), "batch": int(arrs["X"].shape[1]), "inputSize": int(arrs["X"].shape[2]),
            "seed": case_seed(t["name"]), "maxAbsOutput": float(max(np.abs(o).max() for o in outs)),
            "clippedPreActivations": stats.clipped if "clip" in a else None,
        })
    write_index(os.path.join(OUT, "index.json"), {
        "set": "project-onnx-node",
        "generator": "tools/golden/gen_onnx_node.py",
        "source": f"onnx {onnx.__version__} helper, opset {OPSET}; expected outputs from tools/golden/onnx_ref.py "
                  "(float64 numpy) rounded to float32",
        "layout": "<name>/model.onnx, <name>/test_data_set_0/input_K.pb and output_K.pb (onnx.TensorProto), "
                  "inputs in graph-input order, outputs Y, Y_h[, Y_c]",
        "count": len(index),
        "tests": index,
    })
    print(f"gen_onnx_node: {len(index)} tests -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
