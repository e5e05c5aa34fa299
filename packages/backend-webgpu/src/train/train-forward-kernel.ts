import { RECURRENCE_UNIFORMS, recAt, recurrenceHeader, rowFlags, trainForwardWorkgroup } from './recurrence-kernels.js';
import { type KernelProgram, kernelProgram } from '../kernels/kernel-program.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { declareWorkgroup } from '../kernels/workgroup-memory.js';
import { perRow, productLoop } from '../kernels/wgsl-unroll.js';
import { forStateRows, loadStateRows } from '../forward/state-rows-wgsl.js';
import { recordReader } from './train-cells.js';
import type { CellNames } from '../kernels/cells/cell-names.js';
import { type ForwardCell, forwardCell } from '../kernels/cells/forward-cell.js';
import { projectionPhase as projection } from '../kernels/cells/projection-phase.js';

/** The training forward's names for unrolled row r (one scalar lane `j` at a time, rowFlags in scope). */
function trainNames(
  geo: RecurrenceGeometry,
  r: number,
  x: (g: number) => string,
  hh: (g: number) => string,
): CellNames {
  const rec = recordReader(geo.spec, recAt('t * p.B + bc'));
  const clips = geo.spec.clip !== null;
  return {
    type: 'f32',
    suffix: '',
    indent: '          ',
    x,
    hh,
    hPrev: `hs[cur + ${r}u * P + j]`,
    cPrev: 'sN[ci]',
    // LSTM's c is updated in place in the state buffer as the walk goes.
    keepCell: (_cp, cn) => `if (a) { sN[ci] = ${cn}; }`,
    emit: (hn) => `hs[nxt + ${r}u * P + j] = select(hs[cur + ${r}u * P + j], ${hn}, a);
if (ok) { y[(t * p.B + bc) * NP + dir * P + j] = select(0.0, ${hn}, a); }`,
    park: (value) => `ex[${r}u * H + j] = ${value};`,
    // The record holds what the second phase needs; it reads it back into a local of the same name.
    carry: () => '',
    carried: (name) => name,
    record: (values, pre) => {
      const writes = [
        ...values.map(([name, v]) => `${rec.value(name)} = ${v};`),
        ...(clips ? pre.map(([g, q]) => `${rec.mask(g)} = in_clip(${q});`) : []),
      ];
      return writes.length > 0 ? `if (a) { ${writes.join(' ')} }` : '';
    },
  };
}

/**
 * A cell's second phase (reset-before GRU: n = g(x_n + W_hn (r h) + b_hn)) once every unit's r h
 * is in `ex`. Each thread owns the same units as in the first phase.
 */
function secondPhase(geo: RecurrenceGeometry, cell: ForwardCell, R: number, wRead: string): string {
  const finish = cell.finish;
  if (!finish) return '';
  const rec = recordReader(geo.spec, recAt('t * p.B + bc'));
  const bias = geo.spec.bias ? ' + w[p.bhh + dir * GH + 2u * H + j]' : ' + 0.0';
  return `    workgroupBarrier();
    for (var q = lid; q < HU; q += WG) {
${productLoop({
  rows: R,
  gates: [2],
  bound: 'H',
  weightRow: 'wb + k * GHU + q',
  weight: () => `${wRead}[wrow + 2u * HU]`,
  state: (r) => `ex[${r}u * H + k]`,
  acc: (r) => `acc${r}`,
  indent: 6,
})}
${perRow(
  R,
  (r) => `      {
${rowFlags(r)}
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
${cell.carries.map((name) => `          let ${name} = ${rec.value(name)};`).join('\n')}
${finish(
  trainNames(
    geo,
    r,
    (g) => `xp[(t * p.B + bc) * NG + dir * GH + ${g}u * H + j]`,
    () => `lane(acc${r}, e)${bias}`,
  ),
)}
        }
      }`,
)}
    }`;
}

/** LSTM projection: h = W_hr m for the step, once every unit's m = o act_h(c) is in `ex`. */
function projectionPhase(R: number): string {
  return projection({
    R,
    width: 'P',
    weight: (k) => `w[p.whr + dir * H * P + ${k} * P + q]`,
    store: (r, value) => `      {
${rowFlags(r)}
        hs[nxt + ${r}u * P + q] = select(hs[cur + ${r}u * P + q], ${value}, a);
        if (ok) { y[(t * p.B + bc) * NP + dir * P + q] = select(0.0, ${value}, a); }
      }`,
  });
}

/**
 * The recording forward of one layer, both directions (workgroup (x, d) owns rows [x*R, x*R + R)
 * of direction d): each step's hidden products for every gate (W_hh^T read as [P][G*H], vec4
 * when U = 4), then the cell per unit, then (LSTM projections) h = W_hr m. Writes the outputs
 * y [T*B, D*P], the record slots the backward needs after them in the same buffer, and the final
 * state (LSTM's c is updated in place in the state buffer as the walk goes).
 */
export function trainForwardProgram(geo: RecurrenceGeometry): KernelProgram {
  const { spec, isLstm, isProjected } = geo;
  const plan = geo.trainForward;
  const { R, threads, U } = plan;
  const cell = forwardCell(spec);
  const wRead = U === 4 ? 'wv' : 'w';
  const bias = (g: number): string => (spec.bias ? `w[p.bhh + dir * GH + ${g}u * H + j]` : '0.0');
  // Reset-before GRU: the main phase computes r and z; n follows once every unit's r h is parked.
  const gates = Array.from({ length: cell.gates }, (_, g) => g);
  const names = (r: number): CellNames =>
    trainNames(
      geo,
      r,
      (g) => `x${g}`,
      (g) => `hh${g}`,
    );
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
${productLoop({
  rows: R,
  gates,
  bound: 'P',
  weightRow: 'wb + k * GHU + q',
  weight: (g) => `${wRead}[wrow + ${g}u * HU]`,
  state: (r) => `hs[cur + ${r}u * P + k]`,
  acc: (r, g) => `acc${r}_${g}`,
  indent: 6,
})}
${perRow(
  R,
  (r) => `      {
${rowFlags(r)}
        for (var e = 0u; e < U; e++) {
          let j = q * U + e;
          let xg = (t * p.B + bc) * NG + dir * GH + j;
          let ci = p.cOff + (srow * p.B + bc) * H + j;
${
  spec.peepholes
    ? `          let pi = w[p.peep + dir * 3u * H + j];
          let pf = w[p.peep + dir * 3u * H + H + j];
          let po = w[p.peep + dir * 3u * H + 2u * H + j];`
    : ''
}
${gates.map((g) => `          let x${g} = xp[xg + ${g}u * H];\n          let hh${g} = lane(acc${r}_${g}, e) + ${bias(g)};`).join('\n')}
${cell.update(names(r))}
        }
      }`,
)}
    }
${isProjected ? projectionPhase(R) : ''}
${secondPhase(geo, cell, R, wRead)}
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
