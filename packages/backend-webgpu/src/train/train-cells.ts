import { type RnnSpec, gateCount } from '@deeprnn/core';
import { clampExpr, f32 } from '../wgsl-math.js';
import { SCALAR_MATH } from './train-activations.js';

/**
 * The per-unit cell code of the training recurrences, one scalar unit `j` of one batch row at a
 * time. The forward reads the input projection `x<g>` and the hidden product `hh<g>` (W_hh h +
 * b_hh) of each gate and the previous output `hp`, and sets `hn`; what the backward needs beyond
 * the outputs is recorded per step in `rec` slots (post-activation gates, and for GRU the hidden
 * product of n, for LSTM the new cell). The backward reads `dhv` (the gradient reaching h_t),
 * `hprev`, the slots, and sets the gate gradients: `gx<g>` for the input side (W_ih, b_ih, the
 * layer below) and `gh<g>` for the hidden side (W_hh, b_hh, h_{t-1}); they differ only in GRU's n
 * gate, which the reset gate scales. `direct` is what reaches h_{t-1} outside W_hh (GRU's z h).
 * LSTM's cell state and its gradient live in the state buffers (`sN`/`ds0` at `ci`), each element
 * touched only by the thread that owns its unit; its backward also sets `m` = o act_h(c), the
 * input of a projection.
 */
export interface TrainCell {
  /** Record slots per unit (0 for plain RNN, which recomputes nothing from its output). */
  readonly slots: number;
  /** Whether the hidden-side gate gradients differ from the input side's (stored apart). */
  readonly splitsHiddenGrad: boolean;
  /**
   * WGSL setting `hn` and each gate's pre-activation `q<g>` (before clipping: `clip_pre` clamps
   * it), and writing record slot s at `rec(s)`; runs when the row exists.
   */
  forward(rec: (slot: number) => string): string;
  /**
   * WGSL setting gx<g>, gh<g>, direct from `dhv`, `hprev`, slot reads `rec(s)` and (LSTM) `cprev`;
   * `pass(g)` is the factor (empty, or ` * <mask>`) by which gate g's clip lets its gradient through.
   */
  backward(rec: (slot: number) => string, pass: (gate: number) => string): string;
}

const I = '          ';

function lines(...l: string[]): string {
  return l.map((s) => I + s).join('\n');
}

const RNN: TrainCell = {
  slots: 0,
  splitsHiddenGrad: false,
  forward: () => lines('let q0 = x0 + hh0;', 'let hn = act_f(clip_pre(q0), dir);'),
  backward: (_rec, pass) =>
    lines(`let gx0 = dhv * dact_f(y[at], dir)${pass(0)};`, 'let gh0 = gx0;', 'let direct = 0.0;'),
};

// Both GRU forms: the reset and update gates forward, and the update and new gates' gradients
// (`zg`, `ng` and `dhv` in scope) backward.
const GRU_RZ_FORWARD = [
  'let q0 = x0 + hh0;',
  'let rg = act_f(clip_pre(q0), dir);',
  'let q1 = x1 + hh1;',
  'let zg = act_f(clip_pre(q1), dir);',
];
const gruZnBackward = (pass: (gate: number) => string): string[] => [
  `let gx2 = dhv * (1.0 - zg) * dact_g(ng, dir)${pass(2)};`,
  `let gx1 = dhv * (hprev - ng) * dact_f(zg, dir)${pass(1)};`,
];

// GRU with the reset gate applied after the hidden product (PyTorch's; ONNX linear_before_reset=1).
const GRU: TrainCell = {
  slots: 4,
  splitsHiddenGrad: true,
  forward: (rec) =>
    lines(
      ...GRU_RZ_FORWARD,
      'let q2 = x2 + rg * hh2;',
      'let ng = act_g(clip_pre(q2), dir);',
      'let hn = (1.0 - zg) * ng + zg * hp;',
      `if (a) { ${rec(0)} = rg; ${rec(1)} = zg; ${rec(2)} = ng; ${rec(3)} = hh2; }`,
    ),
  backward: (rec, pass) =>
    lines(
      `let rg = ${rec(0)};`,
      `let zg = ${rec(1)};`,
      `let ng = ${rec(2)};`,
      `let hhn = ${rec(3)};`,
      ...gruZnBackward(pass),
      `let gx0 = gx2 * hhn * dact_f(rg, dir)${pass(0)};`,
      'let gh0 = gx0;',
      'let gh1 = gx1;',
      'let gh2 = gx2 * rg;',
      'let direct = dhv * zg;',
    ),
};

// GRU with the reset gate before the hidden product (ONNX's linear_before_reset=0): n = g(x_n +
// W_hn (r h) + b_hn) needs every unit's r h, so the kernels finish n in a second phase (see
// train-forward-kernel.ts and train-backward-kernel.ts); the cell here is the first phase: r and z,
// with r h parked in workgroup memory. Its backward gives z's and n's gradients; r's follows in the
// backward kernel's next phase.
const GRU_RESET_BEFORE: TrainCell = {
  slots: 3,
  splitsHiddenGrad: false,
  forward: (rec) => lines(...GRU_RZ_FORWARD, `if (a) { ${rec(0)} = rg; ${rec(1)} = zg; }`),
  backward: (rec, pass) =>
    lines(
      `let rg = ${rec(0)};`,
      `let zg = ${rec(1)};`,
      `let ng = ${rec(2)};`,
      ...gruZnBackward(pass),
      // r's gradient needs W_hn^T dn over every unit: the backward kernel's next phase sets it.
      'let gx0 = 0.0;',
      'let gh0 = gx0;',
      'let gh1 = gx1;',
      'let gh2 = gx2;',
      'let direct = dhv * zg;',
    ),
};

// LSTM; with peepholes the kernel defines pi, pf, po (the unit's peephole weights), the forward adds
// them to the i and f pre-activations (times c_{t-1}) and to o's (times c_t), and the backward
// writes the products whose column sums are their gradients at `peep(k)`.
function lstm(inputForget: boolean, peepholes: boolean): TrainCell {
  const peep = (w: string, c: string): string => (peepholes ? ` + ${w} * ${c}` : '');
  return {
    slots: 5,
    splitsHiddenGrad: false,
    forward: (rec) =>
      lines(
        'let cp = sN[ci];',
        `let q0 = x0 + hh0${peep('pi', 'cp')};`,
        `let q1 = x1 + hh1${peep('pf', 'cp')};`,
        'let q2 = x2 + hh2;',
        'let zi = clip_pre(q0);',
        'let ig = act_f(zi, dir);',
        inputForget ? 'let fg = forget_coupled(zi, ig, dir);' : 'let fg = act_f(clip_pre(q1), dir);',
        'let gg = act_g(clip_pre(q2), dir);',
        'let cn = fg * cp + ig * gg;',
        `let q3 = x3 + hh3${peep('po', 'cn')};`,
        'let og = act_f(clip_pre(q3), dir);',
        'let hn = og * act_h(cn, dir);',
        `if (a) { sN[ci] = cn; ${rec(0)} = ig; ${rec(1)} = fg; ${rec(2)} = gg; ${rec(3)} = og; ${rec(4)} = cn; }`,
      ),
    backward: (rec, pass) =>
      lines(
        `let ig = ${rec(0)};`,
        `let fg = ${rec(1)};`,
        `let gg = ${rec(2)};`,
        `let og = ${rec(3)};`,
        `let cn = ${rec(4)};`,
        'let tc = act_h(cn, dir);',
        `let gx3 = dhv * tc * dact_f(og, dir)${pass(3)};`,
        // The cell's gradient: what the next step passed back, plus what h_t = o act_h(c_t) adds
        // (and, with peepholes, what o's pre-activation po c_t adds).
        `let dct = ds0[ci] + dhv * og * dact_h(tc, dir)${peep('gx3', 'po')};`,
        // With input_forget, f = 1 - i: i's gradient also takes -dL/df, and f's own gate gets none.
        inputForget
          ? `let gx0 = dct * (gg - cprev) * dact_f(ig, dir)${pass(0)};`
          : `let gx0 = dct * gg * dact_f(ig, dir)${pass(0)};`,
        inputForget ? 'let gx1 = 0.0;' : `let gx1 = dct * cprev * dact_f(fg, dir)${pass(1)};`,
        `let gx2 = dct * ig * dact_g(gg, dir)${pass(2)};`,
        // m = o act_h(c): what a projection multiplied (its weight gradient needs it).
        'let m = og * tc;',
        `if (a) { ds0[ci] = dct * fg${peep('gx0', 'pi')}${peep('gx1', 'pf')}; }`,
        'let gh0 = gx0;',
        'let gh1 = gx1;',
        'let gh2 = gx2;',
        'let gh3 = gx3;',
        'let direct = 0.0;',
      ),
  };
}

/** The training cell of a spec's mode. */
export function trainCell(spec: RnnSpec): TrainCell {
  if (spec.mode === 'gru') return spec.linearBeforeReset ? GRU : GRU_RESET_BEFORE;
  if (spec.mode === 'lstm') return lstm(spec.inputForget, spec.peepholes);
  return RNN;
}

/** Record slots per unit and step: the cell's own, then with gate clipping one pass mask per gate. */
export function recordSlots(spec: RnnSpec): number {
  return trainCell(spec).slots + (spec.clip !== null ? gateCount(spec.mode) : 0);
}

/**
 * WGSL `clip_pre(v)` (ONNX `clip` on a gate's pre-activation, or the identity) and `in_clip(v)`:
 * 1 where the clamp lets the gradient through (-clip <= v <= clip, as PyTorch's clamp; NaN passes
 * none), else 0.
 */
export function clipWgsl(clip: number | null): string {
  if (clip === null) return 'fn clip_pre(v: f32) -> f32 { return v; }\n';
  const c = f32(clip);
  return `fn clip_pre(v: f32) -> f32 { return ${clampExpr(SCALAR_MATH, 'v', clip)}; }
fn in_clip(v: f32) -> f32 { return select(0.0, 1.0, abs(v) <= ${c}); }
`;
}
