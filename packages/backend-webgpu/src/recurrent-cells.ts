import type { RecurrentPlan } from './kernel-plan.js';
import { hiddenProduct, perRow, perUnitBlock, vload, vstore } from './wgsl-unroll.js';

const IND = '        ';

/** Stores row r's new h (VT) for the thread's units (frozen past the row's length) and its output (zero then). */
function emit(plan: RecurrentPlan, r: number, value: string): string {
  const V = plan.V;
  return `${IND}let keep${r} = select(${vload(V, 'hs', `cur + ${r}u * HO + j`)}, ${value}, a${r});
${IND}${vstore(V, 'hs', `nxt + ${r}u * HO + j`, `keep${r}`)}
${IND}if (ok${r}) { let out${r} = select(VT(0.0), ${value}, a${r}); ${vstore(V, 'y', `yo${r} + j`, `out${r}`)} }`;
}

/** The gate pre-activation block `g` of row r from the input projection. */
function xg(plan: RecurrentPlan, r: number, g: number): string {
  return `xp[xo${r} + ${(g * plan.H) / plan.V}u + jv]`;
}

function rnnUpdate(plan: RecurrentPlan, r: number): string {
  return `${IND}let hn${r} = act_f(clip_gate(${xg(plan, r, 0)} + acc${r}_0), dir);
${emit(plan, r, `hn${r}`)}`;
}

function gruUpdate(plan: RecurrentPlan, u: number, r: number): string {
  const gates = `${IND}let hp${r} = ${vload(plan.V, 'hs', `cur + ${r}u * HO + j`)};
${IND}let rg${r} = act_f(clip_gate(${xg(plan, r, 0)} + acc${r}_0), dir);
${IND}let z${r} = act_f(clip_gate(${xg(plan, r, 1)} + acc${r}_1), dir);`;
  if (!plan.spec.linearBeforeReset) {
    // n needs W_hn (r ⊙ h) over every unit: park r ⊙ h in workgroup memory, finish after a barrier.
    return `${gates}
${IND}z${u}_${r} = z${r};
${IND}${vstore(plan.V, 'ex', `${r}u * H + j`, `rg${r} * hp${r}`)}`;
  }
  return `${gates}
${IND}let n${r} = act_g(clip_gate(${xg(plan, r, 2)} + rg${r} * (acc${r}_2 + bhn)), dir);
${IND}let hn${r} = (VT(1.0) - z${r}) * n${r} + z${r} * hp${r};
${emit(plan, r, `hn${r}`)}`;
}

function lstmUpdate(plan: RecurrentPlan, u: number, r: number): string {
  const { spec } = plan;
  const peep = (which: string, c: string): string => (spec.peepholes ? ` + ${which} * ${c}` : '');
  const f = spec.inputForget
    ? `forget_coupled(zi${r}, i${r}, dir)`
    : `act_f(clip_gate(${xg(plan, r, 1)} + acc${r}_1${peep('pf', `cp${r}`)}), dir)`;
  const lines = `${IND}let cp${r} = c${u}_${r};
${IND}let zi${r} = clip_gate(${xg(plan, r, 0)} + acc${r}_0${peep('pi', `cp${r}`)});
${IND}let i${r} = act_f(zi${r}, dir);
${IND}let f${r} = ${f};
${IND}let g${r} = act_g(clip_gate(${xg(plan, r, 2)} + acc${r}_2), dir);
${IND}let cn${r} = f${r} * cp${r} + i${r} * g${r};
${IND}let o${r} = act_f(clip_gate(${xg(plan, r, 3)} + acc${r}_3${peep('po', `cn${r}`)}), dir);
${IND}let hn${r} = o${r} * act_h(cn${r}, dir);
${IND}c${u}_${r} = select(cp${r}, cn${r}, a${r});`;
  // With a projection, h = W_hr (o ⊙ act(c)) needs every unit: park it, project after a barrier.
  if (spec.projSize > 0) return `${lines}\n${IND}${vstore(plan.V, 'ex', `${r}u * H + j`, `hn${r}`)}`;
  return `${lines}\n${emit(plan, r, `hn${r}`)}`;
}

/** The per-unit update of every row after the hidden products (`acc<r>_<g>`) are done. */
export function cellUpdate(plan: RecurrentPlan, u: number): string {
  const { spec, layout, V } = plan;
  const pre: string[] = [];
  if (spec.mode === 'gru' && spec.linearBeforeReset) pre.push(`${IND}let bhn = w[wbv + ${layout.bhn / V}u + jv];`);
  if (spec.mode === 'lstm' && spec.peepholes) {
    pre.push(`${IND}let pi = w[wbv + ${layout.peep / V}u + jv];`);
    pre.push(`${IND}let pf = w[wbv + ${layout.peep / V}u + HV + jv];`);
    pre.push(`${IND}let po = w[wbv + ${layout.peep / V}u + 2u * HV + jv];`);
  }
  const body = perRow(plan.R, (r) => {
    switch (spec.mode) {
      case 'lstm':
        return lstmUpdate(plan, u, r);
      case 'gru':
        return gruUpdate(plan, u, r);
      default:
        return rnnUpdate(plan, r);
    }
  });
  return [...pre, body].join('\n');
}

/** GRU without linearBeforeReset: n = g(x_n + W_hn (r ⊙ h)), once every unit's r ⊙ h is in `ex`. */
export function resetBeforeLinearPhase(plan: RecurrentPlan, unitsPerThread: number): string {
  return `    workgroupBarrier();
${perUnitBlock(
  plan,
  unitsPerThread,
  (u) => `${hiddenProduct(plan, [2], 'ex', plan.H, plan.H)}
${perRow(
  plan.R,
  (r) => `${IND}let hp${r} = ${vload(plan.V, 'hs', `cur + ${r}u * HO + j`)};
${IND}let n${r} = act_g(clip_gate(${xg(plan, r, 2)} + acc${r}_2), dir);
${IND}let hn${r} = (VT(1.0) - z${u}_${r}) * n${r} + z${u}_${r} * hp${r};
${emit(plan, r, `hn${r}`)}`,
)}`,
)}`;
}

/** LSTM projection: h = W_hr (o ⊙ act(c)), once every unit's o ⊙ act(c) is in `ex`. Scalar per output. */
export function projectionPhase(plan: RecurrentPlan): string {
  const { R, layout } = plan;
  return `    workgroupBarrier();
    for (var q = lid; q < HO; q += WG) {
${perRow(R, (r) => `      var pr${r} = 0.0;`)}
      for (var k = 0u; k < H; k++) {
        let wv = w_at(wb + ${layout.whr}u + k * HO + q);
${perRow(R, (r) => `        pr${r} += ex[${r}u * H + k] * wv;`)}
      }
${perRow(
  R,
  (r) => `      hs[nxt + ${r}u * HO + q] = select(hs[cur + ${r}u * HO + q], pr${r}, a${r});
      if (ok${r}) { y[yo${r} + q] = select(0.0, pr${r}, a${r}); }`,
)}
    }`;
}
