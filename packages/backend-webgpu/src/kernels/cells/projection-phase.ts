import { perRow } from '../wgsl-unroll.js';

/** How a kernel names the LSTM projection's weights and stores its result. */
export interface ProjectionNames {
  /** Batch rows of the workgroup (unrolled). */
  readonly R: number;
  /** The WGSL constant of the projected width (output columns q). */
  readonly width: string;
  /** W_hr^T at row `k` (a unit) and column q. */
  weight(k: string): string;
  /** Statement(s), indented, storing row r's projected h `value` at column q (state and output). */
  store(r: number, value: string): string;
}

/**
 * LSTM projection, after a barrier: h = W_hr (o ⊙ act_h(c)) once every unit's o ⊙ act_h(c) is in
 * `ex`; one output column per thread at a time, scalar (it is P wide, not H).
 */
export function projectionPhase(names: ProjectionNames): string {
  const { R } = names;
  return `    workgroupBarrier();
    for (var q = lid; q < ${names.width}; q += WG) {
${perRow(R, (r) => `      var pr${r} = 0.0;`)}
      for (var k = 0u; k < H; k++) {
        let wv = ${names.weight('k')};
${perRow(R, (r) => `        pr${r} += ex[${r}u * H + k] * wv;`)}
      }
${perRow(R, (r) => names.store(r, `pr${r}`))}
    }`;
}
