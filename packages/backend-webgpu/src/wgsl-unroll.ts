import type { RecurrentPlan } from './kernel-plan.js';

/** `body(r)` for every row r of a workgroup, joined: the kernel unrolls its row loop. */
export function perRow(R: number, body: (r: number) => string): string {
  return Array.from({ length: R }, (_, r) => body(r)).join('\n');
}

/** The dot products of the hidden state with W_hh columns `gates` of unit j, for R rows at once. */
export function hiddenProduct(plan: RecurrentPlan, gates: readonly number[], source: 'hs' | 'ex', sourceStride: number, K: number): string {
  const decl = perRow(plan.R, (r) => gates.map((g) => `    var acc${r}_${g} = 0.0;`).join('\n'));
  const loads = gates.map((g) => `      let w${g} = w[wrow + ${g * plan.H}u];`).join('\n');
  const base = source === 'hs' ? 'cur + ' : '';
  const fmas = perRow(plan.R, (r) => {
    const h = `${source}[${base}${r * sourceStride}u + k]`;
    return `      let h${r} = ${h};\n${gates.map((g) => `      acc${r}_${g} += h${r} * w${g};`).join('\n')}`;
  });
  return `${decl}
    for (var k = 0u; k < ${K}u; k++) {
      let wrow = wb + ${plan.layout.whh}u + k * GH + j;
${loads}
${fmas}
    }`;
}
