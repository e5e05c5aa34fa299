#!/usr/bin/python3
"""Keras model files built with h5py (Python Keras is not installable here) -> fixtures/keras/.

Each file follows the layout Keras' own saving code writes:

  Keras 2 `.h5` (keras/src/legacy/saving/legacy_h5_format.py, `model.save("m.h5")`):
    root attrs   keras_version, backend, model_config (the model's get_config() as JSON)
    /model_weights                 attrs layer_names, backend, keras_version
    /model_weights/<layer name>    attrs weight_names ["lstm/lstm_cell/kernel:0", ...], one dataset
                                   per weight name (its slashes are nested groups), in layer order
  Keras 3 `.keras` (keras/src/saving/saving_lib.py): a zip of
    config.json      {"module", "class_name", "config", "registered_name"} of the model
    metadata.json    {"keras_version", "date_saved"}
    model.weights.h5 /layers/<snake_case(class name)[_n]>/vars/<i> for a layer's own variables;
                     recurrent layers keep theirs in /cell/vars, Bidirectional in
                     /forward_layer/cell/vars and /backward_layer/cell/vars (H5IOStore)

Weights are seeded uniform(-0.6, 0.6) float32. `<name>.expected.json` holds an input and the output
Keras computes, from an independent numpy implementation of Keras' cell equations (masked steps carry
the last output forward, go_backwards, Bidirectional merge, Dense). Where tfjs-layers can run the model
(reset_after=False) `<name>.tfjs/` holds the same weights as a tfjs-layers model.json + shard, so the
tests also check the expected outputs against tfjs-layers' own loading of those weights.

Rerun: /usr/bin/python3 tools/golden/gen_keras.py
"""

import io
import json
import os
import struct
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FIXTURES, case_seed, write_index, write_text  # noqa: E402

OUT = os.path.join(FIXTURES, "keras")
Z = {"class_name": "Zeros", "config": {}}


def rnn_config(cls, name, units, **kw):
    cfg = {"name": name, "trainable": True, "dtype": "float32", "return_sequences": kw.get("return_sequences", False),
           "return_state": False, "go_backwards": kw.get("go_backwards", False), "stateful": False, "unroll": False,
           "time_major": False, "units": units, "activation": kw.get("activation", "tanh"), "use_bias": True,
           "kernel_initializer": Z, "recurrent_initializer": Z, "bias_initializer": Z, "kernel_regularizer": None,
           "recurrent_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
           "kernel_constraint": None, "recurrent_constraint": None, "bias_constraint": None, "dropout": 0.0,
           "recurrent_dropout": 0.0}
    if cls != "SimpleRNN":
        cfg["recurrent_activation"] = kw.get("recurrent_activation", "sigmoid")
        cfg["implementation"] = 2
    if cls == "LSTM":
        cfg["unit_forget_bias"] = True
    if cls == "GRU":
        cfg["reset_after"] = kw.get("reset_after", True)
    return cfg


# ---- numpy Keras ------------------------------------------------------------------------------------

def act(name, x, keras3=False):
    if name == "tanh":
        return np.tanh(x)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "hard_sigmoid":
        return np.clip(x / 6 + 0.5 if keras3 else 0.2 * x + 0.5, 0, 1)
    if name == "relu":
        return np.maximum(x, 0)
    if name == "linear":
        return x
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(name)


def cell_step(cls, cfg, w, x, state, keras3):
    """One Keras cell step on a batch: returns (output, new state list)."""
    k, u = w[0], w[1]
    b = w[2] if len(w) > 2 else None
    H = cfg["units"]
    a = lambda v: act(cfg["activation"], v, keras3)  # noqa: E731
    ra = lambda v: act(cfg.get("recurrent_activation", "sigmoid"), v, keras3)  # noqa: E731
    h = state[0]
    if cls == "SimpleRNN":
        y = a(x @ k + h @ u + (0 if b is None else b))
        return y, [y]
    if cls == "LSTM":
        z = x @ k + h @ u + (0 if b is None else b)
        i, f, c_, o = ra(z[:, :H]), ra(z[:, H:2 * H]), a(z[:, 2 * H:3 * H]), ra(z[:, 3 * H:])
        c = f * state[1] + i * c_
        y = o * a(c)
        return y, [y, c]
    # GRU, gates z, r, h
    if cfg["reset_after"]:
        bx, bh = (b[0], b[1]) if b is not None else (0, 0)
        xz = x @ k + bx
        hz = h @ u + bh
        zg = ra(xz[:, :H] + hz[:, :H])
        rg = ra(xz[:, H:2 * H] + hz[:, H:2 * H])
        hh = a(xz[:, 2 * H:] + rg * hz[:, 2 * H:])
    else:
        bx = 0 if b is None else b
        xz = x @ k + bx
        zg = ra(xz[:, :H] + h @ u[:, :H])
        rg = ra(xz[:, H:2 * H] + h @ u[:, H:2 * H])
        hh = a(xz[:, 2 * H:] + (rg * h) @ u[:, 2 * H:])
    y = zg * h + (1 - zg) * hh
    return y, [y]


def run_rnn(cls, cfg, w, x, mask, go_backwards, keras3):
    """Keras' RNN loop (tfjs-layers' rnn() / Keras' backend rnn): masked steps keep state and output."""
    B, T, _ = x.shape
    H = cfg["units"]
    state = [np.zeros((B, H)) for _ in range(2 if cls == "LSTM" else 1)]
    order = range(T - 1, -1, -1) if go_backwards else range(T)
    outs = []
    last = np.zeros((B, H))
    for t in order:
        y, new = cell_step(cls, cfg, w, x[:, t], state, keras3)
        m = mask[:, t:t + 1] if mask is not None else np.ones((B, 1))
        last = m * y + (1 - m) * state[0]
        state = [m * n + (1 - m) * s for n, s in zip(new, state)]
        outs.append(last)
    seq = np.stack(outs, axis=1)
    return seq if cfg["return_sequences"] else last


def run_model(layers, weights, x, keras3):
    """layers: list of (class, config); weights: per layer list of arrays (Bidirectional: fw + bw)."""
    mask = None
    for (cls, cfg), w in zip(layers, weights):
        if cls == "Masking":
            mask = (np.abs(x - cfg["mask_value"]).max(axis=-1) > 0).astype(np.float64)
        elif cls == "Embedding":
            ids = x.astype(np.int64)
            mask = (ids != 0).astype(np.float64) if cfg["mask_zero"] else None
            x = w[0][ids]
        elif cls == "Dense":
            x = act(cfg["activation"], x @ w[0] + w[1])
        elif cls == "Bidirectional":
            inner_cls, inner = cfg["layer"]["class_name"], cfg["layer"]["config"]
            n = len(w) // 2
            y = run_rnn(inner_cls, inner, w[:n], x, mask, False, keras3)
            yr = run_rnn(inner_cls, inner, w[n:], x, mask, True, keras3)
            if inner["return_sequences"]:
                yr = yr[:, ::-1]
            mm = cfg["merge_mode"]
            x = {"concat": lambda: np.concatenate([y, yr], -1), "sum": lambda: y + yr,
                 "ave": lambda: (y + yr) / 2, "mul": lambda: y * yr}[mm]()
            if not inner["return_sequences"]:
                mask = None
        else:
            x = run_rnn(cls, cfg, w, x, mask, cfg["go_backwards"], keras3)
            if not cfg["return_sequences"]:
                mask = None
    return x


# ---- writers ----------------------------------------------------------------------------------------

def weight_shapes(cls, cfg, features):
    if cls == "Masking":
        return []
    if cls == "Dense":
        return [("kernel", (features, cfg["units"])), ("bias", (cfg["units"],))]
    if cls == "Embedding":
        return [("embeddings", (cfg["input_dim"], cfg["output_dim"]))]
    if cls == "Bidirectional":
        inner = weight_shapes(cfg["layer"]["class_name"], cfg["layer"]["config"], features)
        return [("forward/" + n, s) for n, s in inner] + [("backward/" + n, s) for n, s in inner]
    G = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[cls]
    H = cfg["units"]
    bias = (2, G * H) if cls == "GRU" and cfg["reset_after"] else (G * H,)
    return [("kernel", (features, G * H)), ("recurrent_kernel", (H, G * H)), ("bias", bias)]


def out_features(cls, cfg, features):
    if cls in ("Masking",):
        return features
    if cls == "Embedding":
        return cfg["output_dim"]
    if cls == "Dense":
        return cfg["units"]
    if cls == "Bidirectional":
        return cfg["layer"]["config"]["units"] * (2 if cfg["merge_mode"] == "concat" else 1)
    return cfg["units"]


def draw_weights(name, layers, features):
    rng = np.random.default_rng(case_seed(name))
    out = []
    for cls, cfg in layers:
        out.append([rng.uniform(-0.6, 0.6, s).astype(np.float32) for _, s in weight_shapes(cls, cfg, features)])
        features = out_features(cls, cfg, features)
    return out


def keras2_weight_names(cls, cfg):
    cell = {"SimpleRNN": "simple_rnn_cell", "GRU": "gru_cell", "LSTM": "lstm_cell"}
    n = cfg["name"]
    if cls == "Dense":
        return [f"{n}/kernel:0", f"{n}/bias:0"]
    if cls == "Embedding":
        return [f"{n}/embeddings:0"]
    if cls == "Bidirectional":
        ic, inner = cfg["layer"]["class_name"], cfg["layer"]["config"]
        names = []
        for d in ("forward", "backward"):
            names += [f"{n}/{d}_{inner['name']}/{cell[ic]}/{w}:0" for w in ("kernel", "recurrent_kernel", "bias")]
        return names
    return [f"{n}/{cell[cls]}/{w}:0" for w in ("kernel", "recurrent_kernel", "bias")]


def write_keras2_h5(path, model_config, layers, weights):
    with h5py.File(path, "w") as f:
        # As legacy_h5_format.py: bytes scalars, and name lists as fixed-length byte-string arrays.
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        mw = f.create_group("model_weights")
        names = [cfg["name"] for _, cfg in layers]
        mw.attrs["layer_names"] = np.asarray([n.encode("utf8") for n in names])
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = b"2.15.0"
        for (cls, cfg), w in zip(layers, weights):
            g = mw.create_group(cfg["name"])
            wn = keras2_weight_names(cls, cfg) if w else []
            g.attrs["weight_names"] = np.asarray([n.encode("utf8") for n in wn], dtype="S") if wn else np.zeros((0,), dtype="S1")
            for n, v in zip(wn, w):
                g.create_dataset(n, data=v)


def snake(name):
    import re
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def write_keras3(path, model_config, layers, weights, version="3.3.3"):
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        used = {}
        for (cls, cfg), w in zip(layers, weights):
            base = snake(cls)
            used[base] = used.get(base, -1) + 1
            p = "layers/" + (base if used[base] == 0 else f"{base}_{used[base]}")
            if cls == "Bidirectional":
                n = len(w) // 2
                groups = [(p + "/forward_layer/cell", w[:n]), (p + "/backward_layer/cell", w[n:])]
            elif cls in ("SimpleRNN", "GRU", "LSTM"):
                groups = [(p + "/cell", w)]
            else:
                groups = [(p, w)]
            for gp, ws in groups:
                g = f.create_group(gp).create_group("vars")
                for i, v in enumerate(ws):
                    g[str(i)] = v
            if not w:
                f.create_group(p).create_group("vars")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("metadata.json", json.dumps({"keras_version": version, "date_saved": "2026-12-05@12:00:00"}))
        z.writestr("config.json", json.dumps(model_config))
        z.writestr("model.weights.h5", buf.getvalue())


def write_tfjs(dirpath, topology, layers, weights):
    """The same weights as tfjs-layers writes them (names <layer>/<weight>, one float32 shard)."""
    os.makedirs(dirpath, exist_ok=True)
    specs, blobs = [], []
    for (cls, cfg), w in zip(layers, weights):
        n = cfg["name"]
        if cls == "Bidirectional":
            inner = cfg["layer"]["config"]["name"]
            names = [f"{n}/{d}_{inner}/{x}" for d in ("forward", "backward") for x in ("kernel", "recurrent_kernel", "bias")]
        else:
            names = [f"{n}/{x}" for x, _ in weight_shapes(cls, cfg, 0)]
        for name, v in zip(names, w):
            specs.append({"name": name, "shape": list(v.shape), "dtype": "float32"})
            blobs.append(v.astype("<f4").tobytes())
    with open(os.path.join(dirpath, "weights.bin"), "wb") as f:
        f.write(b"".join(blobs))
    write_text(os.path.join(dirpath, "model.json"), json.dumps({
        "format": "layers-model", "generatedBy": "tools/golden/gen_keras.py", "convertedBy": None,
        "modelTopology": topology, "weightsManifest": [{"paths": ["weights.bin"], "weights": specs}]}, indent=1) + "\n")


def tfjs_cfg(cfg):
    """A Keras 2 RNN config as tfjs-layers writes it (no time_major; tfjs' field set)."""
    out = {k: v for k, v in cfg.items() if k not in ("time_major", "dtype")}
    if "implementation" in out:
        out["implementation"] = None
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for fn in os.listdir(OUT):
        p = os.path.join(OUT, fn)
        if os.path.isfile(p):
            os.remove(p)
    index = []

    # 1. Keras 2 .h5: Masking + LSTM (sequences) + Dense
    name = "keras2_masking_lstm_dense"
    layers = [("Masking", {"name": "masking", "trainable": True, "dtype": "float32", "mask_value": 0.0}),
              ("LSTM", rnn_config("LSTM", "lstm", 3, return_sequences=True)),
              ("Dense", {"name": "dense", "trainable": True, "dtype": "float32", "units": 2, "activation": "linear",
                         "use_bias": True, "kernel_initializer": Z, "bias_initializer": Z, "kernel_regularizer": None,
                         "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
                         "bias_constraint": None})]
    layers[0][1]["batch_input_shape"] = [None, 4, 2]
    cases = [(name, layers, 2, "h5", [4, 2])]

    # 2. Keras 2 .h5: Bidirectional(GRU reset_after=False), merge ave, last output only
    name = "keras2_bidir_gru_ave"
    gru = rnn_config("GRU", "gru", 2, reset_after=False, recurrent_activation="hard_sigmoid")
    layers = [("Bidirectional", {"name": "bidirectional", "trainable": True, "dtype": "float32",
                                 "layer": {"class_name": "GRU", "config": gru}, "merge_mode": "ave",
                                 "batch_input_shape": [None, 5, 2]})]
    cases.append((name, layers, 2, "h5", [5, 2]))

    # 3. Keras 3 .keras: Bidirectional(GRU reset_after=True, hard_sigmoid = x/6 + 1/2), concat, sequences
    name = "keras3_bidir_gru_reset_after"
    gru3 = rnn_config("GRU", "gru", 3, reset_after=True, return_sequences=True, recurrent_activation="hard_sigmoid")
    del gru3["time_major"], gru3["implementation"]
    gru3["seed"] = None
    back = dict(gru3, name="backward_gru", go_backwards=True)
    k3 = lambda c, cfg: {"module": "keras.layers", "class_name": c, "config": cfg, "registered_name": None}  # noqa: E731
    layers = [("Bidirectional", {"name": "bidirectional", "trainable": True,
                                 "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None},
                                 "merge_mode": "concat", "layer": k3("GRU", gru3), "backward_layer": k3("GRU", back)})]
    cases.append((name, layers, 2, "keras", [4, 2]))

    # 4. Keras 3 .keras: Embedding(mask_zero) + SimpleRNN(relu) + Dense(softmax)
    name = "keras3_embedding_simplernn_softmax"
    rnn = rnn_config("SimpleRNN", "simple_rnn", 4, return_sequences=True, activation="relu")
    del rnn["time_major"]
    layers = [("Embedding", {"name": "embedding", "trainable": True, "input_dim": 6, "output_dim": 3, "mask_zero": True,
                             "embeddings_initializer": Z}),
              ("SimpleRNN", rnn),
              ("Dense", {"name": "dense", "units": 2, "activation": "softmax", "use_bias": True, "kernel_initializer": Z})]
    cases.append((name, layers, 3, "keras", [5]))

    for name, layers, features, kind, xshape in cases:
        weights = draw_weights(name, layers, features)
        rng = np.random.default_rng(case_seed(name) + 1)
        B = 3
        if layers[0][0] == "Embedding":
            x = rng.integers(1, layers[0][1]["input_dim"], (B, *xshape)).astype(np.float64)
            x[1, 3:] = 0
            x[2, 1:] = 0
        else:
            x = rng.uniform(-1, 1, (B, *xshape)).astype(np.float32).astype(np.float64)
            if layers[0][0] == "Masking":
                x[1, 2:] = 0
                x[2, 1:] = 0
        keras3 = kind == "keras"
        y = run_model(layers, weights, x, keras3)
        if kind == "h5":
            inp = {"class_name": "InputLayer", "config": {"batch_input_shape": [None, *xshape], "dtype": "float32",
                                                          "sparse": False, "ragged": False, "name": "input_1"}}
            mc = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [inp] + [{"class_name": c, "config": cfg} for c, cfg in layers]}}
            write_keras2_h5(os.path.join(OUT, name + ".h5"), mc, layers, weights)
            topo = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
                {"class_name": c, "config": tfjs_cfg(cfg) if c in ("LSTM", "GRU", "SimpleRNN") else
                 dict(cfg, layer={"class_name": cfg["layer"]["class_name"], "config": tfjs_cfg(cfg["layer"]["config"])}) if c == "Bidirectional" else cfg}
                for c, cfg in layers]}, "keras_version": "tfjs-layers 4.22.0", "backend": "tensor_flow.js"}
            topo["config"]["layers"][0]["config"]["batch_input_shape"] = [None, *xshape]
            write_tfjs(os.path.join(OUT, name + ".tfjs"), topo, layers, weights)
            file = name + ".h5"
        else:
            inp = k3("InputLayer", {"batch_shape": [None, *xshape], "dtype": "float32", "sparse": False, "name": "input_layer"})
            mc = {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": True,
                  "layers": [inp] + [k3(c, cfg) for c, cfg in layers]}, "registered_name": None, "compile_config": None}
            write_keras3(os.path.join(OUT, name + ".keras"), mc, layers, weights)
            file = name + ".keras"
        write_text(os.path.join(OUT, name + ".expected.json"), json.dumps({
            "name": name, "file": file, "input": {"shape": list(x.shape), "data": [float(v) for v in x.ravel()]},
            "output": {"shape": list(y.shape), "data": [float(v) for v in np.asarray(y).ravel()]}}) + "\n")
        index.append({"name": name, "file": file, "expected": name + ".expected.json",
                      "tfjs": (name + ".tfjs/model.json") if kind == "h5" else None,
                      "layers": [c for c, _ in layers]})
    write_index(os.path.join(OUT, "index.json"), {
        "set": "project-keras", "generator": "tools/golden/gen_keras.py",
        "source": f"h5py {h5py.__version__} in Keras' documented layouts; outputs from numpy Keras equations",
        "count": len(index), "models": index})
    print(f"gen_keras: {len(index)} models -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
