import { gradientRule } from './grad-rules.js';
import { type GradTerm, sumTerms } from './gradient-sum.js';
import type { Tape } from './tape.js';

/**
 * Appends the reverse pass of everything recorded on `tape` to its graph (reverse-mode
 * differentiation, unrolled: one backward node group per forward node, no Loop or Scan).
 *
 * @param seeds - gradients of the loss with respect to forward values (value -> gradient value).
 * @param wrt - values whose gradients are wanted (graph inputs: parameters, input, initial state).
 * @returns the gradient of each `wrt` value, or null where the loss does not depend on it.
 */
export function differentiate(
  tape: Tape,
  seeds: readonly (readonly [string, string])[],
  wrt: readonly string[],
): Map<string, string | null> {
  const terms = new Map<string, GradTerm[]>();
  const summed = new Map<string, string | null>();
  const add = (v: string, t: GradTerm): void => {
    const list = terms.get(v);
    if (list) list.push(t);
    else terms.set(v, [t]);
  };
  for (const [v, g] of seeds) add(v, { kind: 'full', v: g });
  const gradOf = (v: string): string | null => {
    if (summed.has(v)) return summed.get(v) ?? null;
    const g = sumTerms(tape.b, terms.get(v) ?? []);
    summed.set(v, g);
    return g;
  };
  // Records are in forward order, so every consumer of a value comes after its producer: walking
  // backwards, a value's gradient is complete when its producer is reached.
  for (let i = tape.records.length - 1; i >= 0; i--) {
    const node = tape.records[i]!;
    const gs = node.outputs.map(gradOf);
    if (gs.every((g) => g === null)) continue;
    for (const [k, t] of gradientRule(tape, node, gs)) add(node.inputs[k]!, t);
  }
  return new Map(wrt.map((v) => [v, gradOf(v)]));
}
