import type { RnnSpec } from '@deeprnn/core';
import {
  RECURRENCE_UNIFORMS,
  previousStep,
  recAt,
  recurrenceHeader,
  rowFlags,
  trainBackwardWorkgroup,
} from './recurrence-kernels.js';
import { type KernelProgram, kernelProgram } from '../kernels/kernel-program.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { declareWorkgroup } from '../kernels/workgroup-memory.js';
import { perRow } from '../kernels/wgsl-unroll.js';
import { forStateRows, loadStateRows } from '../forward/state-rows-wgsl.js';
import { recordReader, trainCell } from './train-cells.js';

/** dh_{t-1} += W_hh^T gh_t for the state columns a thread owns (W_hh in row order [D][G*H][P]: adjacent threads read adjacent words). */
function hiddenGradProduct(R: number, gateRows: string): string {
  return `    for (var q = lid; q < PU; q += WG) {
${perRow(R, (r) => `      var acc${r} = VT(0.0);`)}
      for (var n = 0u; n < ${gateRows}; n++) {
        let wv = wr[wb + n * PU + q];
${perRow(R, (r) => `        acc${r} += gs[${r}u * GH + n] * wv;`)}
      }
${perRow(
  R,
  (r) => `      {
        let b = row0 + ${r}u;
        let a = b < p.B && t < lens[min(b, p.B - 1u)];
        for (var e = 0u; e < U; e++) {
          let k = q * U + e;
          dh[nxt + ${r}u * P + k] = select(dh[cur + ${r}u * P + k], dh[nxt + ${r}u * P + k] + lane(acc${r}, e), a);
        }
      }`,
)}
    }`;
}

/**
 * Reset-before GRU: once every unit's dn is in `gs`, d(r h) = W_hn^T dn gives the reset gate's
 * gradient (d(r h) h r') and h_{t-1}'s share (d(r h) r); r h is written out for dW_hn.
 */
function resetGatePhase(spec: RnnSpec): string {
  const rec = recordReader(spec, recAt('t * p.B + bc'));
  const pass = spec.clip !== null ? ` * ${rec.mask(0)}` : '';
  return `    workgroupBarrier();
    for (var j = lid; j < H; j += WG) {
      for (var r = 0u; r < R; r++) {
${rowFlags('r')}
        var drh = 0.0;
        for (var n = 0u; n < H; n++) { drh += gs[r * GH + 2u * H + n] * wr_at(dir * GH * P + (2u * H + n) * P + j); }
${previousStep('j')}
        let rg = ${rec.value('r')};
        let gx0 = drh * hprev * dact_f(rg, dir)${pass};
        gs[r * GH + j] = select(0.0, gx0, a);
        dh[nxt + r * P + j] = dh[nxt + r * P + j] + drh * rg;
        if (ok) {
          g[(t * p.B + bc) * NG + dir * GH + j] = select(0.0, gx0, a);
          hp[p.T * p.B * HP_RH + (t * p.B + bc) * N + dir * H + j] = select(0.0, rg * hprev, a);
        }
      }
    }
    workgroupBarrier();`;
}

/**
 * With an LSTM projection, the step's gradient reaching h_t (P wide) first: kept in `dhp` for the
 * units' m gradient W_hr^T dh, and written out (for dW_hr) beside the h_{t-1} each step read.
 */
function projectedStepGradient(): string {
  return `    for (var q = lid; q < P; q += WG) {
      for (var r = 0u; r < R; r++) {
${rowFlags('r')}
        let at = (t * p.B + bc) * NP + dir * P + q;
        let dhv = dy[at] + dh[cur + r * P + q];
        dhp[r * P + q] = select(0.0, dhv, a);
        dh[nxt + r * P + q] = 0.0;
${previousStep('q')}
        if (ok) {
          hp[at] = select(0.0, hprev, a);
          hp[p.T * p.B * HP_DH + at] = select(0.0, dhv, a);
        }
      }
    }
    workgroupBarrier();`;
}

/**
 * The backward recurrence of one layer, both directions, from the last step of each direction to
 * its first. Per step: (projections: the step's dh first) the cell's gate gradients per unit
 * (from the gradient reaching h_t, the record slots and h_{t-1}; reset-before GRU: r's in a second
 * phase), then dh_{t-1} = direct + W_hh^T gh_t. Steps past a row's length pass dh (and LSTM's dc) through. Writes the input-side
 * gate gradients [T*B, D*G*H] (then, for GRU, the hidden side's after them), the h_{t-1} each step
 * read (so dW_hh is one product afterwards; with projections also the step's dh and m, for dW_hr)
 * and the initial state's gradient. s0 holds the initial states, then from word `seed` the final
 * state's gradient that seeds the walk (zeros in a trainer). `wr` holds W_hh in row order, then
 * (projections) W_hr^T [D][H][P], then (peepholes) a copy of them [D][3H]; `hp` also takes, after
 * h_{t-1}, what the extra weight gradients need (projections: dh and m; reset-before GRU: r h;
 * peepholes: their per-step products).
 */
export function trainBackwardProgram(geo: RecurrenceGeometry): KernelProgram {
  const { spec, G, isLstm, isProjected, isResetBefore } = geo;
  const plan = geo.trainBackward;
  const { R, threads, U } = plan;
  const cell = trainCell(spec);
  const rec = recordReader(spec, recAt('t * p.B + bc'));
  const gates = Array.from({ length: G }, (_, g) => g);
  const { sideOutputs, gateGrads } = geo.train;
  const stepGradient = isProjected
    ? `        var dhv = 0.0;
        let wh = WR_WHR + dir * H * P + j * P;
        for (var q = 0u; q < P; q++) { dhv += dhp[r * P + q] * wr_at(wh + q); }
${previousStep(null)}`
    : `        let at = (t * p.B + bc) * NP + dir * P + j;
        let dhv = dy[at] + dh[cur + r * P + j];
${previousStep('j')}`;
  return kernelProgram({
    name: 'train-backward',
    uniforms: RECURRENCE_UNIFORMS,
    bindings: [
      { name: 'y', element: 'f32', access: 'read', shape: '[T*B][NP] outputs, then the record slots (train-forward)' },
      { name: 'dy', element: 'f32', access: 'read', shape: '[T*B][NP] gradient of the outputs' },
      {
        name: 'wr',
        element: 'VT',
        access: 'read',
        shape: 'W_hh rows [D][GH][P], W_hr^T at WR_WHR, peepholes at WR_PEEP',
      },
      {
        name: 's0',
        element: 'f32',
        access: 'read',
        shape: "initial states, then from p.seed the final state's gradient",
      },
      { name: 'lens', element: 'u32', access: 'read', shape: '[B] valid steps' },
      {
        name: 'g',
        element: 'f32',
        access: 'read_write',
        shape: "[T*B][NG] input-side gate gradients, then the hidden side's at GATES_HIDDEN",
      },
      {
        name: 'hp',
        element: 'f32',
        access: 'read_write',
        shape: 'per row: h_{t-1} [NP], dh at HP_DH, m at HP_M, r h at HP_RH, peephole products at HP_PEEP',
      },
      { name: 'ds0', element: 'f32', access: 'read_write', shape: "the initial state's gradient" },
    ],
    workgroupSize: [threads],
    source: (decl) => /* wgsl */ `${recurrenceHeader(geo, plan, decl.struct)}
// Regions of wr (words) and of hp and g (words per time-major row), from recurrenceGeometry: the host
// sizes and reads the same buffers with the same numbers.
const WR_WHR = ${geo.backwardWeights.whr}u;
const WR_PEEP = ${geo.backwardWeights.peep}u;
const HP_DH = ${sideOutputs.dh}u;
const HP_M = ${sideOutputs.m}u;
const HP_RH = ${sideOutputs.rh}u;
const HP_PEEP = ${sideOutputs.peep}u;
const GATES_HIDDEN = ${gateGrads.hidden}u;
${decl.bindings}
${declareWorkgroup(trainBackwardWorkgroup(spec, R))}
fn wr_at(i: u32) -> f32 { ${U === 4 ? 'return wr[i >> 2u][i & 3u];' : 'return wr[i];'} }

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let row0 = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = dir * GH * PU;
  let recBase = p.T * p.B * Y_RECORDS;
  let ghBase = p.T * p.B * GATES_HIDDEN;
${loadStateRows('dh', 'P', 'row0', (at) => `s0[p.seed + ${at}]`)}
${isLstm ? forStateRows('H', 'row0', (at) => `let ci = p.cOff + ${at}; ds0[ci] = s0[p.seed + ci];`) : ''}
  storageBarrier();
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(p.T - 1u - s, s, dir == 1u);
    let cur = (s & 1u) * (R * P);
    let nxt = R * P - cur;
${isProjected ? projectedStepGradient() : ''}
    for (var j = lid; j < H; j += WG) {
      for (var r = 0u; r < R; r++) {
${rowFlags('r')}
        let ci = p.cOff + (srow * p.B + bc) * H + j;
${stepGradient}
${
  isLstm
    ? `        var cprev = s0[ci];
        if (!first) { cprev = ${recAt('prev * p.B + bc')(4)}; }`
    : ''
}
${
  spec.peepholes
    ? `        let pi = wr_at(WR_PEEP + dir * 3u * H + j);
        let pf = wr_at(WR_PEEP + dir * 3u * H + H + j);
        let po = wr_at(WR_PEEP + dir * 3u * H + 2u * H + j);`
    : ''
}
${cell.backward(rec.value, (g) => (spec.clip !== null ? ` * ${rec.mask(g)}` : ''))}
${gates.map((k) => `        gs[r * GH + ${k}u * H + j] = select(0.0, gh${k}, a);`).join('\n')}
${isProjected ? '' : '        dh[nxt + r * P + j] = direct;'}
        if (ok) {
          let gi = (t * p.B + bc) * NG + dir * GH + j;
${gates.map((k) => `          g[gi + ${k}u * H] = select(0.0, gx${k}, a);`).join('\n')}
${cell.splitsHiddenGrad ? gates.map((k) => `          g[ghBase + gi + ${k}u * H] = select(0.0, gh${k}, a);`).join('\n') : ''}
${isProjected ? '          hp[p.T * p.B * HP_M + (t * p.B + bc) * N + dir * H + j] = select(0.0, m, a);' : '          hp[at] = select(0.0, hprev, a);'}
${
  spec.peepholes
    ? `          let pk = p.T * p.B * HP_PEEP + (t * p.B + bc) * 3u * N + dir * 3u * H + j;
          hp[pk] = select(0.0, gx0 * cprev, a);
          hp[pk + H] = select(0.0, gx1 * cprev, a);
          hp[pk + 2u * H] = select(0.0, gx3 * cn, a);`
    : ''
}
        }
      }
    }
    workgroupBarrier();
${isResetBefore ? resetGatePhase(spec) : ''}
${hiddenGradProduct(R, isResetBefore ? '2u * H' : 'GH')}
    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * P);
${forStateRows('P', 'row0', (at) => `ds0[${at}] = dh[fin + i];`)}
}
`,
  });
}

/** The WGSL of {@link trainBackwardProgram}. */
export function trainBackwardWgsl(geo: RecurrenceGeometry): string {
  return trainBackwardProgram(geo).code;
}
