import { type RnnSpec, gateCount } from '@deeprnn/core';
import { forwardCell } from '../kernels/cells/forward-cell.js';

/**
 * The per-unit backward cells of the training recurrence, one scalar unit `j` of one batch row at
 * a time (the forward is the shared cell table, kernels/cells/). The backward reads `dhv` (the
 * gradient reaching h_t), `hprev`, the values the forward recorded (by their names in
 * `ForwardCell.records`) and sets the gate gradients: `gx<g>` for the input side (W_ih, b_ih,
 * the layer below) and `gh<g>` for the hidden side (W_hh, b_hh, h_{t-1}); they differ only in
 * GRU's n gate, which the reset gate scales. `direct` is what reaches h_{t-1} outside W_hh (GRU's
 * z h). LSTM's cell gradient lives in the state buffer (`ds0` at `ci`), each element touched only
 * by the thread that owns its unit; its backward also sets `m` = o act_h(c), the input of a projection.
 */
export interface TrainCell {
  /** Whether the hidden-side gate gradients differ from the input side's (stored apart). */
  readonly splitsHiddenGrad: boolean;
  /**
   * WGSL setting gx<g>, gh<g>, direct from `dhv`, `hprev`, record reads `rec(name)` and (LSTM) `cprev`;
   * `pass(g)` is the factor (empty, or ` * <mask>`) by which gate g's clip lets its gradient through.
   */
  backward(rec: (name: string) => string, pass: (gate: number) => string): string;
}

const I = '          ';

function lines(...l: string[]): string {
  return l.map((s) => I + s).join('\n');
}

const RNN: TrainCell = {
  splitsHiddenGrad: false,
  backward: (_rec, pass) =>
    lines(`let gx0 = dhv * dact_f(y[at], dir)${pass(0)};`, 'let gh0 = gx0;', 'let direct = 0.0;'),
};

// Both GRU forms: the update and new gates' gradients (`zg`, `ng` and `dhv` in scope).
const gruZnBackward = (pass: (gate: number) => string): string[] => [
  `let gx2 = dhv * (1.0 - zg) * dact_g(ng, dir)${pass(2)};`,
  `let gx1 = dhv * (hprev - ng) * dact_f(zg, dir)${pass(1)};`,
];

// GRU with the reset gate applied after the hidden product (PyTorch's; ONNX linear_before_reset=1).
const GRU: TrainCell = {
  splitsHiddenGrad: true,
  backward: (rec, pass) =>
    lines(
      `let rg = ${rec('r')};`,
      `let zg = ${rec('z')};`,
      `let ng = ${rec('n')};`,
      `let hhn = ${rec('hhn')};`,
      ...gruZnBackward(pass),
      `let gx0 = gx2 * hhn * dact_f(rg, dir)${pass(0)};`,
      'let gh0 = gx0;',
      'let gh1 = gx1;',
      'let gh2 = gx2 * rg;',
      'let direct = dhv * zg;',
    ),
};

// GRU with the reset gate before the hidden product (ONNX's linear_before_reset=0): z's and n's
// gradients here; r's needs W_hn^T dn over every unit, so the backward kernel's next phase sets it.
const GRU_RESET_BEFORE: TrainCell = {
  splitsHiddenGrad: false,
  backward: (rec, pass) =>
    lines(
      `let rg = ${rec('r')};`,
      `let zg = ${rec('z')};`,
      `let ng = ${rec('n')};`,
      ...gruZnBackward(pass),
      'let gx0 = 0.0;',
      'let gh0 = gx0;',
      'let gh1 = gx1;',
      'let gh2 = gx2;',
      'let direct = dhv * zg;',
    ),
};

// LSTM; with peepholes (pi, pf, po: the unit's peephole weights) the backward also writes the
// products whose column sums are their gradients at `peep(k)`.
function lstm(inputForget: boolean, peepholes: boolean): TrainCell {
  const peep = (w: string, c: string): string => (peepholes ? ` + ${w} * ${c}` : '');
  return {
    splitsHiddenGrad: false,
    backward: (rec, pass) =>
      lines(
        `let ig = ${rec('i')};`,
        `let fg = ${rec('f')};`,
        `let gg = ${rec('g')};`,
        `let og = ${rec('o')};`,
        `let cn = ${rec('c')};`,
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

/** Record slots per unit and step: the forward cell's records, then with gate clipping one pass mask per gate. */
export function recordSlots(spec: RnnSpec): number {
  return forwardCell(spec).records.length + (spec.clip !== null ? gateCount(spec.mode) : 0);
}

/**
 * Reads of a spec's records, given `at(slot)`, the WGSL of record slot `slot`: `value(name)`, one
 * the forward cell recorded, and `mask(g)`, gate g's clip mask (after the cell's records).
 */
export function recordReader(
  spec: RnnSpec,
  at: (slot: number) => string,
): { readonly value: (name: string) => string; readonly mask: (gate: number) => string } {
  const { records } = forwardCell(spec);
  return {
    value: (name) => {
      const slot = records.indexOf(name);
      if (slot < 0) throw new Error(`backend-webgpu: the ${spec.mode} cell records no '${name}'`);
      return at(slot);
    },
    mask: (gate) => at(records.length + gate),
  };
}
