import type { GraphBuilder } from '../graph-builder.js';
import type { Shape } from './tape.js';

/**
 * One term of a value's gradient. Terms that are products with a weight are kept apart until the
 * end, so that the T per-step terms of a recurrent weight become one large MatMul over all steps
 * (rows concatenated) instead of T small ones and a sum: that product then runs at the sgemm
 * ceiling, and the graph has two nodes instead of 2T.
 */
export type GradTerm =
  /** A gradient with the value's own shape. */
  | { readonly kind: 'full'; readonly v: string }
  /** `leftᵀ · right` (both [rows, *]): a weight's gradient from one product. */
  | { readonly kind: 'outer'; readonly left: string; readonly right: string }
  /** The column sums of a [rows, N] gradient: a broadcast bias's. */
  | { readonly kind: 'rowsum'; readonly g: string }
  /**
   * `a · b`: an activation's gradient through a product with a weight. Written as a Gemm whose C
   * input is the value's other terms (`a · b + C`), so the backward recurrence adds the step's
   * output gradient inside the product instead of in a separate Sum node.
   */
  | { readonly kind: 'product'; readonly a: string; readonly b: string };

const concats = new WeakMap<GraphBuilder, Map<string, string>>();

/**
 * One Concat of `vs` along `axis` per graph: a second request for the same pieces answers the first
 * node's output (a recurrent weight's gradient and its input projection's both concatenate every
 * step's pre-activation gradient).
 */
export function concatOnce(b: GraphBuilder, vs: readonly string[], axis: number): string {
  if (vs.length === 1) return vs[0] as string;
  let memo = concats.get(b);
  if (memo === undefined) concats.set(b, (memo = new Map()));
  const key = `${axis}|${vs.join('|')}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const out = b.op1('Concat', [...vs], { axis });
  memo.set(key, out);
  return out;
}

/**
 * Sums a value's gradient terms into one value (null when there are none): full terms with `Sum`,
 * every `outer` term in one Gemm over the concatenated rows, every `rowsum` in one ReduceSum.
 */
export function sumTerms(b: GraphBuilder, terms: readonly GradTerm[]): string | null {
  const parts: string[] = [];
  // Terms arrive in backward order (last step first): reversed, the rows of an outer product's
  // operands are in step order, the order of the Concat that a Split's gradient writes.
  const outers = terms.filter((t): t is GradTerm & { kind: 'outer' } => t.kind === 'outer').reverse();
  const rowsums = terms.filter((t): t is GradTerm & { kind: 'rowsum' } => t.kind === 'rowsum').reverse();
  const products = terms.filter((t): t is GradTerm & { kind: 'product' } => t.kind === 'product');
  for (const t of terms) if (t.kind === 'full') parts.push(t.v);
  const cat = (vs: string[]): string => concatOnce(b, vs, 0);
  if (outers.length > 0) {
    parts.push(b.op1('Gemm', [cat(outers.map((t) => t.left)), cat(outers.map((t) => t.right))], { transA: 1 }));
  }
  if (rowsums.length > 0) {
    parts.push(b.op1('ReduceSum', [cat(rowsums.map((t) => t.g)), b.ints([0])], { keepdims: 0 }));
  }
  let acc: string | null = parts.length === 0 ? null : parts.length === 1 ? (parts[0] as string) : b.op1('Sum', parts);
  for (const p of products) acc = acc === null ? b.op1('MatMul', [p.a, p.b]) : b.op1('Gemm', [p.a, p.b, acc]);
  return acc;
}

/**
 * The term that `g` (shaped `from`, the broadcast result) contributes to an operand shaped `to`:
 * summed over the broadcast axes.
 */
export function unbroadcast(b: GraphBuilder, g: string, from: Shape, to: Shape): GradTerm {
  if (from.length === to.length && from.every((d, i) => d === to[i])) return { kind: 'full', v: g };
  if (to.length === 1 && from.length === 2 && from[1] === to[0]) return { kind: 'rowsum', g };
  const lead = from.length - to.length;
  const axes: number[] = [];
  from.forEach((d, i) => {
    if (i < lead || (to[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const summed = axes.length === 0 ? g : b.op1('ReduceSum', [g, b.ints(axes)], { keepdims: 1 });
  return { kind: 'full', v: b.op1('Reshape', [summed, b.ints([...to], [to.length])]) };
}
