import type { RecurrentPlan } from './kernel-plan.js';
import { widenWeight } from './weight-storage.js';

/** `body(r)` for every row r of a workgroup, joined: the kernel unrolls its row loop. */
export function perRow(R: number, body: (r: number) => string): string {
  return Array.from({ length: R }, (_, r) => body(r)).join('\n');
}

/** V adjacent f32 of `array` from word `index` as one VT value. */
export function vload(V: number, array: string, index: string): string {
  if (V === 1) return `${array}[${index}]`;
  return `VT(${array}[${index}], ${array}[${index} + 1u], ${array}[${index} + 2u], ${array}[${index} + 3u])`;
}

/** Statements storing the VT `value` into V adjacent f32 of `array` from word `index`. */
export function vstore(V: number, array: string, index: string, value: string): string {
  if (V === 1) return `${array}[${index}] = ${value};`;
  return [0, 1, 2, 3].map((c) => `${array}[${index}${c ? ` + ${c}u` : ''}] = (${value})[${c}];`).join(' ');
}

/**
 * One hidden-product loop of a recurrence: for k < `bound`, accumulate state(r, k) times weight(g, k)
 * into an accumulator per row and gate. The inference and training kernels differ only in where the
 * weights and the state sit, so each passes those expressions; the loop itself is written here once.
 */
export interface ProductLoop {
  /** Rows of the workgroup (R). */
  readonly rows: number;
  /** Gates whose products are accumulated. */
  readonly gates: readonly number[];
  /** The loop bound, a WGSL expression (the state's width). */
  readonly bound: string;
  /** Index of row k's first weight, a WGSL expression in k, bound to `wrow`. */
  readonly weightRow: string;
  /** Gate g's weight of row k, read through `wrow`. */
  readonly weight: (g: number) => string;
  /** Row r's state at k. */
  readonly state: (r: number) => string;
  /** The accumulator of row r and gate g. */
  readonly acc: (r: number, g: number) => string;
  /** Spaces before the declarations (the loop body is two more). */
  readonly indent: number;
}

/** The WGSL of a {@link ProductLoop}: accumulators declared as VT(0.0), then the loop. */
export function productLoop(loop: ProductLoop): string {
  const at = ' '.repeat(loop.indent);
  const inner = `${at}  `;
  const { gates } = loop;
  const decl = perRow(loop.rows, (r) => gates.map((g) => `${at}var ${loop.acc(r, g)} = VT(0.0);`).join('\n'));
  const loads = gates.map((g) => `${inner}let w${g} = ${loop.weight(g)};`).join('\n');
  const fmas = perRow(
    loop.rows,
    (r) =>
      `${inner}let h${r} = ${loop.state(r)};\n${gates.map((g) => `${inner}${loop.acc(r, g)} += h${r} * w${g};`).join('\n')}`,
  );
  return `${decl}
${at}for (var k = 0u; k < ${loop.bound}; k++) {
${inner}let wrow = ${loop.weightRow};
${loads}
${fmas}
${at}}`;
}

/**
 * The inference kernel's dot products of a state (`hs` at `cur`, or `ex`) with W_hh^T columns `gates`
 * of the thread's units, for R rows at once: acc<r>_<g> (VT). The state value is the same for every
 * thread (one broadcast load); the weights of adjacent threads are adjacent in memory.
 */
export function hiddenProduct(
  plan: RecurrentPlan,
  gates: readonly number[],
  source: 'hs' | 'ex',
  sourceStride: number,
  K: number,
): string {
  const { V, H } = plan;
  const base = source === 'hs' ? 'cur + ' : '';
  return productLoop({
    rows: plan.R,
    gates,
    bound: `${K}u`,
    weightRow: `wbv + ${plan.layout.whh / V}u + k * GHV + jv`,
    weight: (g) => widenWeight(plan.weightStorage, `w[wrow + ${(g * H) / V}u]`, 'VT'),
    state: (r) => `${source}[${base}${r * sourceStride}u + k]`,
    acc: (r, g) => `acc${r}_${g}`,
    indent: 8,
  });
}

/**
 * A fused step kernel's input gates (plan.fusedInput set): for rows r and `gates` g of the thread's
 * units, `xa<r>_<g>` = bias + sum over k < K of x[row r, k] * W_ih^T[k, column], read from `x` at
 * `xi<r>` and the projection weights `wp` laid out as the projection kernel reads them ([K][NG] of
 * VT, then the bias row, or b_ih and b_hh rows for float16 storage).
 */
export function inputProduct(plan: RecurrentPlan, gates: readonly number[]): string {
  const { V, H } = plan;
  const K = plan.fusedInput!;
  const read = (row: string, g: number): string =>
    widenWeight(plan.weightStorage, `wp[${row} * XSV + dir * GHV + ${(g * H) / V}u + jv]`, 'VT');
  const biasRows = plan.weightStorage === 'f16' ? [`${K}u`, `${K + 1}u`] : [`${K}u`];
  const loop = productLoop({
    rows: plan.R,
    gates,
    bound: `${K}u`,
    weightRow: 'k * XSV + dir * GHV + jv',
    weight: (g) => widenWeight(plan.weightStorage, `wp[wrow + ${(g * H) / V}u]`, 'VT'),
    state: (r) => `x[xi${r} + k]`,
    acc: (r, g) => `xa${r}_${g}`,
    indent: 8,
  });
  const bias = gates.map((g) => `        let xb${g} = ${biasRows.map((row) => read(row, g)).join(' + ')};`).join('\n');
  const add = perRow(plan.R, (r) => gates.map((g) => `        xa${r}_${g} += xb${g};`).join('\n'));
  return `${loop}\n${bias}\n${add}`;
}

/**
 * Emits `body(u)` once per unit block a thread owns (units jv = lid + u * WG). The guard `jv < HV` is
 * left out when every thread has a unit in every block: code outside divergent control flow lets
 * compilers (lavapipe's among them) turn the state reads that are equal across threads into one
 * broadcast load instead of a gather.
 */
export function perUnitBlock(plan: RecurrentPlan, unitsPerThread: number, body: (u: number) => string): string {
  const isExact = plan.H / plan.V === plan.threads * unitsPerThread;
  return Array.from(
    { length: unitsPerThread },
    (_, u) => `    {
      let jv = lid + ${u}u * WG;
      let j = jv * V;
      ${isExact ? '{' : 'if (jv < HV) {'}
${body(u)}
      }
    }`,
  ).join('\n');
}
