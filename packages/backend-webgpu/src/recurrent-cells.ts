import type { RecurrentPlan } from './kernel-plan.js';
import { hiddenProduct, perRow } from './wgsl-unroll.js';

/** Stores row r's new h for unit `unit` (frozen when the row is past its length) and its output (zero then). */
function emit(r: number, unit: string, value: string): string {
  return `        hs[nxt + ${r}u * HO + ${unit}] = select(hs[cur + ${r}u * HO + ${unit}], ${value}, a${r});
        if (ok${r}) { y[yo${r} + ${unit}] = select(0.0, ${value}, a${r}); }`;
}

function rnnUpdate(r: number): string {
  return `        let hn${r} = act_f(clip_gate(xp[xo${r} + j] + acc${r}_0), dir);
${emit(r, 'j', `hn${r}`)}`;
}

function gruUpdate(plan: RecurrentPlan, r: number): string {
  const H = plan.H;
  const gates = `        let hp${r} = hs[cur + ${r}u * HO + j];
        let rg${r} = act_f(clip_gate(xp[xo${r} + j] + acc${r}_0), dir);
        let z${r} = act_f(clip_gate(xp[xo${r} + ${H}u + j] + acc${r}_1), dir);`;
  if (!plan.spec.linearBeforeReset) {
    // n needs W_hn (r ⊙ h) over every unit: park r ⊙ h in workgroup memory, finish after a barrier.
    return `${gates}
        zr[u * R + ${r}u] = z${r};
        ex[${r}u * H + j] = rg${r} * hp${r};`;
  }
  return `${gates}
        let n${r} = act_g(clip_gate(xp[xo${r} + ${2 * H}u + j] + rg${r} * (acc${r}_2 + bhn)), dir);
        let hn${r} = (1.0 - z${r}) * n${r} + z${r} * hp${r};
${emit(r, 'j', `hn${r}`)}`;
}

function lstmUpdate(plan: RecurrentPlan, r: number): string {
  const { H, spec } = plan;
  const peep = (which: string, c: string): string => (spec.peepholes ? ` + ${which} * ${c}` : '');
  const f = spec.inputForget ? `1.0 - i${r}` : `act_f(clip_gate(xp[xo${r} + ${H}u + j] + acc${r}_1${peep('pf', `cp${r}`)}), dir)`;
  const lines = `        let cp${r} = c[u * R + ${r}u];
        let i${r} = act_f(clip_gate(xp[xo${r} + j] + acc${r}_0${peep('pi', `cp${r}`)}), dir);
        let f${r} = ${f};
        let g${r} = act_g(clip_gate(xp[xo${r} + ${2 * H}u + j] + acc${r}_2), dir);
        let cn${r} = f${r} * cp${r} + i${r} * g${r};
        let o${r} = act_f(clip_gate(xp[xo${r} + ${3 * H}u + j] + acc${r}_3${peep('po', `cn${r}`)}), dir);
        let hn${r} = o${r} * act_h(cn${r}, dir);
        c[u * R + ${r}u] = select(cp${r}, cn${r}, a${r});`;
  // With a projection, h = W_hr (o ⊙ act(c)) needs every unit: park it, project after a barrier.
  return spec.projSize > 0 ? `${lines}\n        ex[${r}u * H + j] = hn${r};` : `${lines}\n${emit(r, 'j', `hn${r}`)}`;
}

/** The per-unit update of every row after the hidden products (`acc<r>_<g>`) are done. */
export function cellUpdate(plan: RecurrentPlan): string {
  const { spec, layout } = plan;
  const pre: string[] = [];
  if (spec.mode === 'gru' && spec.linearBeforeReset) pre.push(`        let bhn = w[wb + ${layout.bhn}u + j];`);
  if (spec.mode === 'lstm' && spec.peepholes) {
    pre.push(`        let pi = w[wb + ${layout.peep}u + j];`);
    pre.push(`        let pf = w[wb + ${layout.peep}u + H + j];`);
    pre.push(`        let po = w[wb + ${layout.peep}u + 2u * H + j];`);
  }
  const body = perRow(plan.R, (r) => {
    switch (spec.mode) {
      case 'lstm':
        return lstmUpdate(plan, r);
      case 'gru':
        return gruUpdate(plan, r);
      default:
        return rnnUpdate(r);
    }
  });
  return [...pre, body].join('\n');
}

/** GRU without linearBeforeReset: n = g(x_n + W_hn (r ⊙ h)), once every unit's r ⊙ h is in `ex`. */
export function resetBeforeLinearPhase(plan: RecurrentPlan): string {
  return `    workgroupBarrier();
    for (var u = 0u; u < UPT; u++) {
      let j = lid + u * WG;
      if (j < H) {
${hiddenProduct(plan, [2], 'ex', plan.H, plan.H)}
${perRow(plan.R, (r) => `        let z${r} = zr[u * R + ${r}u];
        let hp${r} = hs[cur + ${r}u * HO + j];
        let n${r} = act_g(clip_gate(xp[xo${r} + ${2 * plan.H}u + j] + acc${r}_2), dir);
        let hn${r} = (1.0 - z${r}) * n${r} + z${r} * hp${r};
${emit(r, 'j', `hn${r}`)}`)}
      }
    }`;
}

/** LSTM projection: h = W_hr (o ⊙ act(c)), once every unit's o ⊙ act(c) is in `ex`. */
export function projectionPhase(plan: RecurrentPlan): string {
  const { R, layout } = plan;
  return `    workgroupBarrier();
    for (var q = lid; q < HO; q += WG) {
${perRow(R, (r) => `      var pr${r} = 0.0;`)}
      for (var k = 0u; k < H; k++) {
        let wv = w[wb + ${layout.whr}u + k * HO + q];
${perRow(R, (r) => `        pr${r} += ex[${r}u * H + k] * wv;`)}
      }
${perRow(R, (r) => emit(r, 'q', `pr${r}`).replace(/^ {8}/gm, '      '))}
    }`;
}
