import type { RecurrentPlan } from './kernel-plan.js';

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
 * The dot products of a state (`hs` at `cur`, or `ex`) with W_hh^T columns `gates` of the thread's
 * units, for R rows at once: acc<r>_<g> (VT). The state value is the same for every thread (one
 * broadcast load); the weights of adjacent threads are adjacent in memory.
 */
export function hiddenProduct(
  plan: RecurrentPlan,
  gates: readonly number[],
  source: 'hs' | 'ex',
  sourceStride: number,
  K: number,
): string {
  const { V, H } = plan;
  const decl = perRow(plan.R, (r) => gates.map((g) => `        var acc${r}_${g} = VT(0.0);`).join('\n'));
  const loads = gates.map((g) => `          let w${g} = w[wrow + ${(g * H) / V}u];`).join('\n');
  const base = source === 'hs' ? 'cur + ' : '';
  const fmas = perRow(plan.R, (r) => {
    const h = `${source}[${base}${r * sourceStride}u + k]`;
    return `          let h${r} = ${h};\n${gates.map((g) => `          acc${r}_${g} += h${r} * w${g};`).join('\n')}`;
  });
  return `${decl}
        for (var k = 0u; k < ${K}u; k++) {
          let wrow = wbv + ${plan.layout.whh / V}u + k * GHV + jv;
${loads}
${fmas}
        }`;
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
