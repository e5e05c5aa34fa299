import type { RnnSpec } from '@deeprnn/core';
import { RECURRENCE_UNIFORMS, recAt, recurrenceHeader, rowFlags, trainForwardWorkgroup } from './recurrence-kernels.js';
import { type KernelProgram, kernelProgram } from '../kernels/kernel-program.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { declareWorkgroup } from '../workgroup-memory.js';
import { perRow } from '../wgsl-unroll.js';
import { forStateRows, loadStateRows } from '../state-rows-wgsl.js';
import { trainCell } from './train-cells.js';

/** LSTM projection: h = W_hr m for the step, once every unit's m = o act_h(c) is in `ex`. */
function projectionPhase(R: number): string {
  return `    workgroupBarrier();
    for (var q = lid; q < P; q += WG) {
${perRow(R, (r) => `      var pr${r} = 0.0;`)}
      for (var j = 0u; j < H; j++) {
        let wv = w[p.whr + dir * H * P + j * P + q];
${perRow(R, (r) => `        pr${r} += ex[${r}u * H + j] * wv;`)}
      }
${perRow(
  R,
  (r) => `      {
${rowFlags(r)}
        hs[nxt + ${r}u * P + q] = select(hs[cur + ${r}u * P + q], pr${r}, a);
        if (ok) { y[(t * p.B + bc) * NP + dir * P + q] = select(0.0, pr${r}, a); }
      }`,
)}
    }`;
}

/**
 * Reset-before GRU's second phase: n = g(x_n + W_hn (r h) + b_hn) once every unit's r h is in
 * `ex`, then h = (1 - z) n + z h_{t-1}. Each thread owns the same units as in the first phase, so
 * it reads back the z it recorded there.
 */
function resetBeforePhase(spec: RnnSpec, R: number, wRead: string): string {
  const bias = spec.bias ? 'w[p.bhh + dir * GH + 2u * H + j]' : '0.0';
  const mask = spec.clip !== null ? ` ${recAt('t * p.B + bc')(trainCell(spec).slots + 2)} = in_clip(q2);` : '';
  return `    workgroupBarrier();
    for (var q = lid; q < HU; q += WG) {
${perRow(R, (r) => `      var acc${r} = VT(0.0);`)}
      for (var k = 0u; k < H; k++) {
        let wn = ${wRead}[wb + k * GHU + 2u * HU + q];
${perRow(R, (r) => `        acc${r} += ex[${r}u * H + k] * wn;`)}
      }
${perRow(
  R,
  (r) => `      {
${rowFlags(r)}
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
          let hp = hs[cur + ${r}u * P + j];
          let zg = ${recAt('t * p.B + bc')(1)};
          let q2 = xp[(t * p.B + bc) * NG + dir * GH + 2u * H + j] + lane(acc${r}, e) + ${bias};
          let ng = act_g(clip_pre(q2), dir);
          let hn = (1.0 - zg) * ng + zg * hp;
          if (a) { ${recAt('t * p.B + bc')(2)} = ng;${mask} }
          hs[nxt + ${r}u * P + j] = select(hp, hn, a);
          if (ok) { y[(t * p.B + bc) * NP + dir * P + j] = select(0.0, hn, a); }
        }
      }`,
)}
    }`;
}

/**
 * The recording forward of one layer, both directions (workgroup (x, d) owns rows [x*R, x*R + R)
 * of direction d): each step's hidden products for every gate (W_hh^T read as [P][G*H], vec4
 * when U = 4), then the cell per unit, then (LSTM projections) h = W_hr m. Writes the outputs
 * y [T*B, D*P], the record slots the backward needs after them in the same buffer, and the final
 * state (LSTM's c is updated in place in the state buffer as the walk goes).
 */
export function trainForwardProgram(geo: RecurrenceGeometry): KernelProgram {
  const { spec, G, isLstm, isProjected, isResetBefore } = geo;
  const plan = geo.trainForward;
  const { R, threads, U } = plan;
  const cell = trainCell(spec);
  const wRead = U === 4 ? 'wv' : 'w';
  const bias = (g: number): string => (spec.bias ? `w[p.bhh + dir * GH + ${g}u * H + j]` : '0.0');
  // Reset-before GRU: the main phase computes r and z; n follows once every unit's r h is parked.
  const gates = Array.from({ length: isResetBefore ? 2 : G }, (_, g) => g);
  // Without a projection the unit's h is final; with one, park m = o act_h(c) for the projection.
  const emit = (r: number): string =>
    isResetBefore
      ? `          ex[${r}u * H + j] = rg * hp;`
      : isProjected
        ? `          ex[${r}u * H + j] = hn;`
        : `          hs[nxt + ${r}u * P + j] = select(hp, hn, a);
          if (ok) { y[(t * p.B + bc) * NP + dir * P + j] = select(0.0, hn, a); }`;
  return kernelProgram({
    name: 'train-forward',
    uniforms: RECURRENCE_UNIFORMS,
    bindings: [
      { name: 'xp', element: 'f32', access: 'read', shape: '[T*B][NG] input projection' },
      { name: 'w', element: 'f32', access: 'read', shape: 'the flat parameters (TrainLayout)' },
      { name: 's0', element: 'f32', access: 'read', shape: 'initial states: h [L*D][B][P], then c [L*D][B][H]' },
      { name: 'lens', element: 'u32', access: 'read', shape: '[B] valid steps' },
      {
        name: 'y',
        element: 'f32',
        access: 'read_write',
        shape: '[T*B][NP] outputs, then [T*B][D][RS][H] record slots',
      },
      { name: 'sN', element: 'f32', access: 'read_write', shape: 'final states, as s0 (LSTM c updated in place)' },
      ...(U === 4
        ? [
            {
              name: 'wv',
              element: 'vec4<f32>',
              access: 'read',
              shape: 'the flat parameters as vec4 (W_hh^T is 4-aligned)',
            } as const,
          ]
        : []),
    ],
    workgroupSize: [threads],
    source: (decl) => /* wgsl */ `${recurrenceHeader(geo, plan, decl.struct)}
${decl.bindings}
${declareWorkgroup(trainForwardWorkgroup(spec, R))}

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let row0 = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = (p.whh + dir * P * GH) / U;
  let recBase = p.T * p.B * Y_RECORDS;
  // Every binding is used in every variant (without bias and with vec4 weights, w would not be,
  // and a layout derived from the shader would then drop it and refuse the bind group).
  _ = w[0];
${loadStateRows('hs', 'P', 'row0', (at) => `s0[${at}]`)}
${isLstm ? forStateRows('H', 'row0', (at) => `let ci = p.cOff + ${at}; sN[ci] = s0[ci];`) : ''}
  storageBarrier();
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(s, p.T - 1u - s, dir == 1u);
    let cur = (s & 1u) * (R * P);
    let nxt = R * P - cur;
    for (var q = lid; q < HU; q += WG) {
${perRow(R, (r) => gates.map((g) => `      var acc${r}_${g} = VT(0.0);`).join('\n'))}
      for (var k = 0u; k < P; k++) {
        let wk = wb + k * GHU + q;
${gates.map((g) => `        let w${g} = ${wRead}[wk + ${g}u * HU];`).join('\n')}
${perRow(R, (r) => `        let h${r} = hs[cur + ${r}u * P + k];\n${gates.map((g) => `        acc${r}_${g} += h${r} * w${g};`).join('\n')}`)}
      }
${perRow(
  R,
  (r) => `      {
${rowFlags(r)}
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
          let xg = (t * p.B + bc) * NG + dir * GH + j;
          let ci = p.cOff + (srow * p.B + bc) * H + j;
${isProjected ? '' : `          let hp = hs[cur + ${r}u * P + j];`}
${
  spec.peepholes
    ? `          let pi = w[p.peep + dir * 3u * H + j];
          let pf = w[p.peep + dir * 3u * H + H + j];
          let po = w[p.peep + dir * 3u * H + 2u * H + j];`
    : ''
}
${gates.map((g) => `          let x${g} = xp[xg + ${g}u * H];\n          let hh${g} = lane(acc${r}_${g}, e) + ${bias(g)};`).join('\n')}
${cell.forward(recAt('t * p.B + bc'))}
${spec.clip !== null ? `          if (a) { ${gates.map((g) => `${recAt('t * p.B + bc')(cell.slots + g)} = in_clip(q${g});`).join(' ')} }` : ''}
${emit(r)}
        }
      }`,
)}
    }
${isProjected ? projectionPhase(R) : ''}
${isResetBefore ? resetBeforePhase(spec, R, U === 4 ? 'wv' : 'w') : ''}
    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * P);
${forStateRows('P', 'row0', (at) => `sN[${at}] = hs[fin + i];`)}
}
`,
  });
}

/** The WGSL of {@link trainForwardProgram}. */
export function trainForwardWgsl(geo: RecurrenceGeometry): string {
  return trainForwardProgram(geo).code;
}
