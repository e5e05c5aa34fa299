#!/usr/bin/python3
"""Re-checks everything under fixtures/ without PyTorch (numpy only, float64).

  pytorch/, safetensors/  layout and key order of every case, float32-exact numbers,
                          shapes; outputs recomputed with an independent numpy
                          implementation of PyTorch's equations (README section
                          "Equations" of shared/golden) and compared with the tolerance
                          |got - expected| <= 1e-5 + 1e-4*|expected|; the worst diff
                          is printed and must stay below 5e-6.
  safetensors/*.safetensors  parsed with a separate reader: u64 header length, header
                          a multiple of 8, offsets contiguous and covering the data,
                          tensors bit-equal to the params of <name>.json.
  grad/                   forward recomputed (|diff| < 1e-12) and every gradient
                          entry checked by central finite differences on the numpy
                          forward (|diff| <= 1e-7 + 1e-6*|grad|).
  onnx-node/              check_model, graph input/output names equal the .pb tensor
                          names, expected outputs equal onnx_ref's (float32 bit-equal).

Run: /usr/bin/python3 tools/golden/verify_fixtures.py  (exit status 1 on any failure)
"""

import glob
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CASE_KEYS, FIXTURES  # noqa: E402

FAILS = []


def fail(msg):
    FAILS.append(msg)
    print("FAIL", msg)


def arr(t, dtype=np.float64):
    if t is None:
        return None
    a = np.array(t["data"], dtype=np.float64).reshape(t["shape"])
    assert a.size == int(np.prod(t["shape"])), "data length != prod(shape)"
    return a.astype(dtype)


def sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def forward(cfg, params, x, h0, c0):
    """PyTorch nn.RNN/GRU/LSTM semantics in float64. Returns (output, hN, cN or None)."""
    mode, L, H, P = cfg["mode"], cfg["numLayers"], cfg["hiddenSize"], cfg["projSize"]
    D = 2 if cfg["bidirectional"] else 1
    hout = P if P > 0 else H
    unbatched = x.ndim == 2
    if unbatched:
        x = x[:, None, :]
        h0 = None if h0 is None else h0[:, None, :]
        c0 = None if c0 is None else c0[:, None, :]
    elif cfg["batchFirst"]:
        x = x.transpose(1, 0, 2)
    T, B, _ = x.shape
    h0 = np.zeros((L * D, B, hout)) if h0 is None else h0
    c0 = np.zeros((L * D, B, H)) if c0 is None else c0
    layer_in, hN, cN = x, [], []
    for layer in range(L):
        outs = []
        for d in range(D):
            s = f"l{layer}" + ("_reverse" if d else "")
            w_ih, w_hh = params["weight_ih_" + s], params["weight_hh_" + s]
            b_ih = params.get("bias_ih_" + s, 0.0)
            b_hh = params.get("bias_hh_" + s, 0.0)
            h, c = h0[layer * D + d], c0[layer * D + d]
            ys = [None] * T
            for t in (range(T - 1, -1, -1) if d else range(T)):
                gi = layer_in[t] @ w_ih.T + b_ih
                gh = h @ w_hh.T + b_hh
                if mode == "rnn_tanh":
                    h = np.tanh(gi + gh)
                elif mode == "rnn_relu":
                    h = np.maximum(gi + gh, 0.0)
                elif mode == "gru":
                    i_r, i_z, i_n = np.split(gi, 3, axis=-1)
                    h_r, h_z, h_n = np.split(gh, 3, axis=-1)
                    r, z = sig(i_r + h_r), sig(i_z + h_z)
                    n = np.tanh(i_n + r * h_n)
                    h = (1.0 - z) * n + z * h
                else:
                    i, f, g, o = np.split(gi + gh, 4, axis=-1)
                    c = sig(f) * c + sig(i) * np.tanh(g)
                    h = sig(o) * np.tanh(c)
                    if P > 0:
                        h = h @ params["weight_hr_" + s].T
                ys[t] = h
            outs.append(np.stack(ys))
            hN.append(h)
            cN.append(c)
        layer_in = np.concatenate(outs, axis=-1)
    out, hN, cN = layer_in, np.stack(hN), np.stack(cN)
    if unbatched:
        out, hN, cN = out[:, 0], hN[:, 0], cN[:, 0]
    elif cfg["batchFirst"]:
        out = out.transpose(1, 0, 2)
    return out, hN, (cN if mode == "lstm" else None)


def expected_param_names(cfg):
    names = []
    for layer in range(cfg["numLayers"]):
        for sfx in ["", "_reverse"][:2 if cfg["bidirectional"] else 1]:
            names += [f"weight_ih_l{layer}{sfx}", f"weight_hh_l{layer}{sfx}"]
            if cfg["bias"]:
                names += [f"bias_ih_l{layer}{sfx}", f"bias_hh_l{layer}{sfx}"]
            if cfg["projSize"] > 0:
                names.append(f"weight_hr_l{layer}{sfx}")
    return names


def check_float32_exact(case, where):
    def walk(v):
        if isinstance(v, dict) and "data" in v:
            a = np.array(v["data"], dtype=np.float64)
            if not np.array_equal(a.astype(np.float32).astype(np.float64), a):
                fail(f"{where}: value not float32-exact")
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
    walk({k: case[k] for k in CASE_KEYS if k not in ("name", "source", "config")})


def check_forward_case(path, keys=CASE_KEYS):
    with open(path) as f:
        text = f.read()
    case = json.loads(text)
    name = os.path.basename(path)[:-5]
    if list(case.keys()) != keys:
        fail(f"{path}: keys {list(case.keys())}")
    if case["name"] != name:
        fail(f"{path}: name {case['name']}")
    cfg = case["config"]
    if list(case["params"].keys()) != expected_param_names(cfg):
        fail(f"{path}: param names/order")
    params = {k: arr(v) for k, v in case["params"].items()}
    out, hN, cN = forward(cfg, params, arr(case["input"]), arr(case["h0"]), arr(case["c0"]))
    worst = 0.0
    for key, got in (("output", out), ("hN", hN), ("cN", cN)):
        exp = arr(case[key])
        if (got is None) != (exp is None) or (got is not None and got.shape != exp.shape):
            fail(f"{path}: {key} shape")
            continue
        if got is None:
            continue
        err = np.abs(got - exp)
        if np.any(err > 1e-5 + 1e-4 * np.abs(exp)):
            fail(f"{path}: {key} outside tolerance")
        worst = max(worst, float(err.max()))
    return case, worst


def check_pytorch():
    d = os.path.join(FIXTURES, "pytorch")
    index = json.load(open(os.path.join(d, "index.json")))
    worst = 0.0
    files = sorted(glob.glob(os.path.join(d, "proj_*.json")))
    if len(files) != index["count"] or sorted(os.path.basename(f) for f in files) != sorted(
            c["file"] for c in index["cases"]):
        fail("pytorch: index does not list exactly the case files")
    by_name = {c["name"]: c for c in index["cases"]}
    for p in files:
        case, w = check_forward_case(p)
        check_float32_exact(case, p)
        meta = by_name[case["name"]]
        if meta["config"] != case["config"] or meta["unbatched"] != (len(case["input"]["shape"]) == 2):
            fail(f"{p}: index metadata")
        # float64 numpy vs stored float32 should reproduce torch's own float64 diff
        if abs(w - meta["f32VsF64MaxAbsDiff"]) > 1e-9:
            fail(f"{p}: numpy f64 diff {w} vs index f32VsF64MaxAbsDiff {meta['f32VsF64MaxAbsDiff']}")
        worst = max(worst, w)
    if worst > 5e-6:
        fail(f"pytorch: worst diff {worst}")
    print(f"pytorch: {len(files)} cases checked, worst |numpy f64 - stored f32| {worst:.3g}")


def read_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    if n % 8 or len(data) < 8 + n:
        fail(f"{path}: header length {n}")
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    sizes = {"F32": 4, "F64": 8}
    spans, out = [], {}
    for k, v in header.items():
        if k == "__metadata__":
            if v != {"format": "pt"}:
                fail(f"{path}: metadata {v}")
            continue
        b, e = v["data_offsets"]
        if e - b != sizes[v["dtype"]] * int(np.prod(v["shape"])):
            fail(f"{path}: {k} size")
        spans.append((b, e))
        out[k] = np.frombuffer(body[b:e], dtype="<f4" if v["dtype"] == "F32" else "<f8").reshape(v["shape"])
    spans.sort()
    pos = 0
    for b, e in spans:
        if b != pos:
            fail(f"{path}: hole/overlap at {b}")
        pos = e
    if pos != len(body):
        fail(f"{path}: data does not end at last offset")
    return header, out


def check_safetensors():
    d = os.path.join(FIXTURES, "safetensors")
    index = json.load(open(os.path.join(d, "index.json")))
    worst = 0.0
    for m in index["models"]:
        header, tensors = read_safetensors(os.path.join(d, m["file"]))
        case, w = check_forward_case(os.path.join(d, m["case"]))
        check_float32_exact(case, m["case"])
        worst = max(worst, w)
        if list(tensors) != list(case["params"]):
            fail(f"{m['file']}: tensor names/order")
        for k, t in tensors.items():
            if {h["dtype"] for n, h in header.items() if n != "__metadata__"} != {m["dtype"]}:
                fail(f"{m['file']}: dtype")
            if not np.array_equal(t.astype(np.float64), arr(case["params"][k])):
                fail(f"{m['file']}: {k} differs from json params")
    print(f"safetensors: {len(index['models'])} models checked, worst |numpy f64 - stored f32| {worst:.3g}")


def check_grad():
    d = os.path.join(FIXTURES, "grad")
    files = sorted(glob.glob(os.path.join(d, "grad_*.json")))
    worst_fwd = worst_grad = 0.0
    n_checked = 0
    for p in files:
        case = json.load(open(p))
        if list(case.keys()) != CASE_KEYS + ["loss", "gradOutput", "grads"]:
            fail(f"{p}: keys")
        cfg = case["config"]
        params = {k: arr(v) for k, v in case["params"].items()}
        x, h0, c0 = arr(case["input"]), arr(case["h0"]), arr(case["c0"])
        go = {k: arr(v) for k, v in case["gradOutput"].items()}

        def loss(params, x, h0, c0):
            out, hN, cN = forward(cfg, params, x, h0, c0)
            v = np.sum(out * go["output"]) + np.sum(hN * go["h"])
            return v + (np.sum(cN * go["c"]) if cN is not None else 0.0)

        out, hN, cN = forward(cfg, params, x, h0, c0)
        for key, got in (("output", out), ("hN", hN), ("cN", cN)):
            if got is not None:
                worst_fwd = max(worst_fwd, float(np.abs(got - arr(case[key])).max()))
        g = case["grads"]
        if (g["h0"] is None) != (h0 is None) or (g["c0"] is None) != (c0 is None):
            fail(f"{p}: h0/c0 grads presence")
        targets = [("params." + k, params[k], arr(g["params"][k])) for k in params]
        targets += [("input", x, arr(g["input"]))]
        targets += [(n, a, arr(g[n])) for n, a in (("h0", h0), ("c0", c0)) if a is not None]
        eps = 1e-6
        for label, a, ga in targets:
            if ga.shape != a.shape:
                fail(f"{p}: grad {label} shape")
                continue
            flat = a.reshape(-1)
            for i in range(flat.size):
                keep = flat[i]
                flat[i] = keep + eps
                lp = loss(params, x, h0, c0)
                flat[i] = keep - eps
                lm = loss(params, x, h0, c0)
                flat[i] = keep
                fd = (lp - lm) / (2 * eps)
                exp = ga.reshape(-1)[i]
                err = abs(fd - exp)
                worst_grad = max(worst_grad, err)
                n_checked += 1
                if err > 1e-7 + 1e-6 * abs(exp):
                    fail(f"{p}: grad {label}[{i}] fd {fd} vs {exp}")
    if worst_fwd > 1e-12:
        fail(f"grad: forward diff {worst_fwd}")
    print(f"grad: {len(files)} cases checked, forward |diff| {worst_fwd:.2g}, {n_checked} gradient entries vs "
          f"finite differences, worst |diff| {worst_grad:.2g}")


def check_onnx_node():
    import onnx
    from onnx import numpy_helper
    import gen_onnx_node
    import onnx_ref
    d = os.path.join(FIXTURES, "onnx-node")
    index = json.load(open(os.path.join(d, "index.json")))
    tests = {t["name"]: t for t in gen_onnx_node.TESTS}
    dirs = sorted(n for n in os.listdir(d) if os.path.isdir(os.path.join(d, n)))
    if dirs != sorted(t["name"] for t in index["tests"]):
        fail("onnx-node: index does not match directories")
    for name in dirs:
        model = onnx.load(os.path.join(d, name, "model.onnx"))
        onnx.checker.check_model(model, full_check=True)
        node = model.graph.node[0]
        if len(model.graph.node) != 1 or node.op_type not in ("RNN", "GRU", "LSTM"):
            fail(f"{name}: not a single recurrent node")
        if [o.version for o in model.opset_import] != [14]:
            fail(f"{name}: opset")
        ds = os.path.join(d, name, "test_data_set_0")
        ins = {}
        for k, vi in enumerate(model.graph.input):
            t = onnx.load_tensor(os.path.join(ds, f"input_{k}.pb"))
            if t.name != vi.name:
                fail(f"{name}: input_{k}.pb name {t.name} != {vi.name}")
            ins[vi.name] = numpy_helper.to_array(t)
        outs = []
        for k, vi in enumerate(model.graph.output):
            t = onnx.load_tensor(os.path.join(ds, f"output_{k}.pb"))
            if t.name != vi.name:
                fail(f"{name}: output_{k}.pb name")
            outs.append(numpy_helper.to_array(t))
        if len(glob.glob(os.path.join(ds, "*.pb"))) != len(model.graph.input) + len(model.graph.output):
            fail(f"{name}: stray .pb files")
        ref = gen_onnx_node.reference(tests[name], ins, onnx_ref.Stats())
        ref = [r.astype(np.float32) for r in ref if r is not None]
        if len(ref) != len(outs) or any(not np.array_equal(a, b) for a, b in zip(ref, outs)):
            fail(f"{name}: outputs differ from onnx_ref")
    print(f"onnx-node: {len(dirs)} tests checked")


def main():
    check_pytorch()
    check_safetensors()
    check_grad()
    check_onnx_node()
    if FAILS:
        print(f"{len(FAILS)} failure(s)")
        sys.exit(1)
    print("verify_fixtures: all ok")


if __name__ == "__main__":
    main()
