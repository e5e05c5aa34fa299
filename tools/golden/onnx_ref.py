"""A plain float64 numpy implementation of the ONNX RNN, GRU and LSTM operators (opset 14).

Written from the operator documentation (onnx/defs/rnn/defs.cc), one batch row and one
time step at a time so that it reads like the equations:

  RNN   Ht = f(Xt*Wi^T + Ht-1*Ri^T + Wbi + Rbi)
  GRU   zt = f(Xt*Wz^T + Ht-1*Rz^T + Wbz + Rbz)
        rt = f(Xt*Wr^T + Ht-1*Rr^T + Wbr + Rbr)
        ht = g(Xt*Wh^T + (rt (.) Ht-1)*Rh^T + Rbh + Wbh)       linear_before_reset = 0
        ht = g(Xt*Wh^T + rt (.) (Ht-1*Rh^T + Rbh) + Wbh)       linear_before_reset != 0
        Ht = (1 - zt) (.) ht + zt (.) Ht-1
  LSTM  it = f(Xt*Wi^T + Ht-1*Ri^T + Pi (.) Ct-1 + Wbi + Rbi)
        ft = f(Xt*Wf^T + Ht-1*Rf^T + Pf (.) Ct-1 + Wbf + Rbf)   (input_forget: ft = 1 - it)
        ct = g(Xt*Wc^T + Ht-1*Rc^T + Wbc + Rbc)
        Ct = ft (.) Ct-1 + it (.) ct
        ot = f(Xt*Wo^T + Ht-1*Ro^T + Po (.) Ct + Wbo + Rbo)
        Ht = ot (.) h(Ct)

Gate order: GRU W/R/B blocks [z, r, h]; LSTM [i, o, f, c]; B = [Wb, Rb]; P = [Pi, Po, Pf].
`clip` clamps every gate pre-activation (the argument of f and g above) to [-clip, clip];
it is NOT applied to Ct before h (see README: the spec wording is ambiguous there and the
generator makes sure |Ct| < clip so that both readings agree).
sequence_lens: row b runs steps 0..len-1 (forward) or len-1..0 (reverse); Y is 0 at
t >= len; Y_h / Y_c are the state after the last processed step. layout is always 0.
"""

import numpy as np

ACTIVATIONS = {
    # name: (function(x, alpha, beta), default alpha, default beta); None = not used
    "Relu": (lambda x, a, b: np.maximum(x, 0.0), None, None),
    "Tanh": (lambda x, a, b: np.tanh(x), None, None),
    "Sigmoid": (lambda x, a, b: 1.0 / (1.0 + np.exp(-x)), None, None),
    "Affine": (lambda x, a, b: a * x + b, "required", "required"),
    "LeakyRelu": (lambda x, a, b: np.where(x >= 0, x, a * x), 0.01, None),
    "ThresholdedRelu": (lambda x, a, b: np.where(x >= a, x, 0.0), 1.0, None),
    "ScaledTanh": (lambda x, a, b: a * np.tanh(b * x), "required", "required"),
    "HardSigmoid": (lambda x, a, b: np.minimum(np.maximum(a * x + b, 0.0), 1.0), 0.2, 0.5),
    "Elu": (lambda x, a, b: np.where(x >= 0, x, a * (np.exp(np.minimum(x, 0.0)) - 1.0)), 1.0, None),
    "Softsign": (lambda x, a, b: x / (1.0 + np.abs(x)), None, None),
    "Softplus": (lambda x, a, b: np.logaddexp(0.0, x), None, None),
}

DEFAULT_ACTIVATIONS = {"RNN": ["Tanh"], "GRU": ["Sigmoid", "Tanh"], "LSTM": ["Sigmoid", "Tanh", "Tanh"]}
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def resolve_activations(op, num_directions, names=None, alpha=None, beta=None):
    """-> list (per direction) of lists of (name, fn(x) with alpha/beta bound, alpha).

    Only the unambiguous forms are accepted: activation_alpha (beta) either absent, so
    every activation takes its ONNX default, or given with exactly one entry per
    activation and every listed activation reading alpha (beta).
    """
    n = len(DEFAULT_ACTIVATIONS[op])
    names = list(names) if names is not None else DEFAULT_ACTIVATIONS[op] * num_directions
    assert len(names) == n * num_directions, names
    for key, vals, idx in (("alpha", alpha, 1), ("beta", beta, 2)):
        if vals is not None:
            assert len(vals) == len(names), f"activation_{key} must have one entry per activation"
            assert all(ACTIVATIONS[a][idx] is not None for a in names), f"every activation must read {key}"
    out = []
    for i, name in enumerate(names):
        fn, da, db = ACTIVATIONS[name]
        a = alpha[i] if alpha is not None else da
        b = beta[i] if beta is not None else db
        assert a != "required" and b != "required", f"{name} needs explicit alpha/beta"
        out.append((name, (lambda f, a, b: (lambda x: f(x, a, b)))(fn, a, b), a))
    return [out[d * n:(d + 1) * n] for d in range(num_directions)]


class Stats:
    """What happened during a run, so that generators can assert a test means something."""

    def __init__(self):
        self.clipped = 0          # gate pre-activations that |.| > clip
        self.max_abs_c = 0.0      # max |Ct| (LSTM)
        self.min_dist_threshold = np.inf  # min |pre-activation - alpha| for ThresholdedRelu


def run(op, X, W, R, B=None, sequence_lens=None, initial_h=None, initial_c=None, P=None, *,
        hidden_size, direction="forward", activations=None, activation_alpha=None, activation_beta=None,
        clip=None, linear_before_reset=0, input_forget=0, stats=None):
    """Returns (Y [T, D, B, H], Y_h [D, B, H], Y_c or None), all float64."""
    X = np.asarray(X, np.float64)
    T, batch, _ = X.shape
    H = hidden_size
    D = 2 if direction == "bidirectional" else 1
    G = GATES[op]
    W = np.asarray(W, np.float64)
    R = np.asarray(R, np.float64)
    assert W.shape[:2] == (D, G * H) and R.shape == (D, G * H, H)
    B = np.zeros((D, 2 * G * H)) if B is None else np.asarray(B, np.float64)
    P = np.zeros((D, 3 * H)) if P is None else np.asarray(P, np.float64)
    h0 = np.zeros((D, batch, H)) if initial_h is None else np.asarray(initial_h, np.float64)
    c0 = np.zeros((D, batch, H)) if initial_c is None else np.asarray(initial_c, np.float64)
    lens = [T] * batch if sequence_lens is None else [int(v) for v in sequence_lens]
    acts = resolve_activations(op, D, activations, activation_alpha, activation_beta)
    stats = stats if stats is not None else Stats()

    def cl(v):
        if clip is None:
            return v
        stats.clipped += int(np.sum(np.abs(v) > clip))
        return np.clip(v, -clip, clip)

    def act(entry, v):
        """Applies one activation; notes how close ThresholdedRelu came to its tie x == alpha."""
        name, fn, alpha = entry
        if name == "ThresholdedRelu":
            stats.min_dist_threshold = min(stats.min_dist_threshold, float(np.min(np.abs(v - alpha))))
        return fn(v)

    Y = np.zeros((T, D, batch, H))
    Y_h = np.zeros((D, batch, H))
    Y_c = np.zeros((D, batch, H))
    for d in range(D):
        reverse = direction == "reverse" or d == 1
        w = np.split(W[d], G)
        r = np.split(R[d], G)
        wb = np.split(B[d][:G * H], G)
        rb = np.split(B[d][G * H:], G)
        f = acts[d][0]
        for b in range(batch):
            n = lens[b]
            assert 1 <= n <= T
            h = h0[d, b].copy()
            c = c0[d, b].copy()
            for t in (range(n - 1, -1, -1) if reverse else range(n)):
                x = X[t, b]
                if op == "RNN":
                    h = act(f, cl(w[0] @ x + r[0] @ h + wb[0] + rb[0]))
                elif op == "GRU":
                    g = acts[d][1]
                    z = act(f, cl(w[0] @ x + r[0] @ h + wb[0] + rb[0]))
                    rr = act(f, cl(w[1] @ x + r[1] @ h + wb[1] + rb[1]))
                    if linear_before_reset:
                        hh = act(g, cl(w[2] @ x + rr * (r[2] @ h + rb[2]) + wb[2]))
                    else:
                        hh = act(g, cl(w[2] @ x + r[2] @ (rr * h) + rb[2] + wb[2]))
                    h = (1.0 - z) * hh + z * h
                else:  # LSTM, blocks i, o, f, c
                    g, hact = acts[d][1], acts[d][2]
                    p_i, p_o, p_f = np.split(P[d], 3)
                    i = act(f, cl(w[0] @ x + r[0] @ h + p_i * c + wb[0] + rb[0]))
                    if input_forget:
                        ff = 1.0 - i
                    else:
                        ff = act(f, cl(w[2] @ x + r[2] @ h + p_f * c + wb[2] + rb[2]))
                    ct = act(g, cl(w[3] @ x + r[3] @ h + wb[3] + rb[3]))
                    c = ff * c + i * ct
                    stats.max_abs_c = max(stats.max_abs_c, float(np.max(np.abs(c))))
                    o = act(f, cl(w[1] @ x + r[1] @ h + p_o * c + wb[1] + rb[1]))
                    h = o * act(hact, c)
                Y[t, d, b] = h
            Y_h[d, b] = h
            Y_c[d, b] = c
    return Y, Y_h, (Y_c if op == "LSTM" else None)
