import type { RecurrentPlan } from '../kernels/kernel-plan.js';
import { hiddenProduct, inputProduct, perRow, perUnitBlock, vload, vstore } from '../kernels/wgsl-unroll.js';
import type { CellNames } from '../kernels/cells/cell-names.js';
import { forwardCell } from '../kernels/cells/forward-cell.js';
import { projectionPhase as projection } from '../kernels/cells/projection-phase.js';
import { widenWeight } from '../kernels/weight-storage.js';

const IND = '        ';

/** Statements storing row r's new h (VT) for the thread's units (frozen past the row's length) and its output (zero then). */
function emit(plan: RecurrentPlan, r: number, value: string): string {
  const V = plan.V;
  return `let keep${r} = select(${vload(V, 'hs', `cur + ${r}u * HO + j`)}, ${value}, a${r});
${vstore(V, 'hs', `nxt + ${r}u * HO + j`, `keep${r}`)}
if (ok${r}) { let out${r} = select(VT(0.0), ${value}, a${r}); ${vstore(V, 'y', `yo${r} + j`, `out${r}`)} }`;
}

/**
 * The inference recurrence's names for row r in unit block u: VT values, the gate pre-activations
 * from the input projection (every bias folded in but linear-before-reset GRU's b_hn) and the
 * hidden products `acc<r>_<g>`, c (LSTM) and z (reset-before GRU) in registers `c<u>_<r>`, `z<u>_<r>`.
 */
function inferenceNames(plan: RecurrentPlan, u: number, r: number): CellNames {
  const { spec, H, V } = plan;
  const hasBhn = spec.mode === 'gru' && spec.linearBeforeReset;
  return {
    type: 'VT',
    suffix: `${r}`,
    indent: IND,
    x: (g) => (plan.fusedInput === undefined ? `xp[xo${r} + ${(g * H) / V}u + jv]` : `xa${r}_${g}`),
    hh: (g) => `acc${r}_${g}${hasBhn && g === 2 ? ' + bhn' : ''}`,
    hPrev: vload(V, 'hs', `cur + ${r}u * HO + j`),
    cPrev: `c${u}_${r}`,
    keepCell: (cp, cn) => `c${u}_${r} = select(${cp}, ${cn}, a${r});`,
    emit: (hn) => emit(plan, r, hn),
    park: (value) => vstore(V, 'ex', `${r}u * H + j`, value),
    carry: (name, value) => `${name}${u}_${r} = ${value};`,
    carried: (name) => `${name}${u}_${r}`,
  };
}

/** The per-unit update of every row after the hidden products (`acc<r>_<g>`) are done. */
export function cellUpdate(plan: RecurrentPlan, u: number): string {
  const { spec, layout, V } = plan;
  const read = (at: string): string => widenWeight(plan.weightStorage, `w[${at}]`, 'VT');
  const pre: string[] = [];
  if (spec.mode === 'gru' && spec.linearBeforeReset)
    pre.push(`${IND}let bhn = ${read(`wbv + ${layout.bhn / V}u + jv`)};`);
  if (spec.mode === 'lstm' && spec.peepholes) {
    pre.push(`${IND}let pi = ${read(`wbv + ${layout.peep / V}u + jv`)};`);
    pre.push(`${IND}let pf = ${read(`wbv + ${layout.peep / V}u + HV + jv`)};`);
    pre.push(`${IND}let po = ${read(`wbv + ${layout.peep / V}u + 2u * HV + jv`)};`);
  }
  const cell = forwardCell(spec);
  return [...pre, perRow(plan.R, (r) => cell.update(inferenceNames(plan, u, r)))].join('\n');
}

/** The gates whose hidden products the main phase computes. */
export function mainGates(plan: RecurrentPlan): number[] {
  return Array.from({ length: forwardCell(plan.spec).gates }, (_, g) => g);
}

/** A cell's second phase (reset-before GRU: n = g(x_n + W_hn (r ⊙ h))), once every unit's parked value is in `ex`. */
export function secondPhase(plan: RecurrentPlan, unitsPerThread: number): string {
  const finish = forwardCell(plan.spec).finish;
  if (!finish) return '';
  return `    workgroupBarrier();
${perUnitBlock(
  plan,
  unitsPerThread,
  (
    u,
  ) => `${plan.fusedInput === undefined ? '' : `${inputProduct(plan, [2])}\n`}${hiddenProduct(plan, [2], 'ex', plan.H, plan.H)}
${perRow(plan.R, (r) => finish(inferenceNames(plan, u, r)))}`,
)}`;
}

/** LSTM projection: h = W_hr (o ⊙ act(c)), once every unit's o ⊙ act(c) is in `ex`. Scalar per output. */
export function projectionPhase(plan: RecurrentPlan): string {
  return projection({
    R: plan.R,
    width: 'HO',
    weight: (k) => `w_at(wb + ${plan.layout.whr}u + ${k} * HO + q)`,
    store: (r, value) => `      hs[nxt + ${r}u * HO + q] = select(hs[cur + ${r}u * HO + q], ${value}, a${r});
      if (ok${r}) { y[yo${r} + q] = select(0.0, ${value}, a${r}); }`,
  });
}
