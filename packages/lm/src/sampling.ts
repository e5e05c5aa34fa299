import { type SeededRandom, greedyToken } from '@deeprnn/core';

/**
 * Picks the next token from float64 logits computed on the host, by a rule that does not depend on the
 * backend (the same logits and seed give the same token everywhere):
 *
 * - greedy (`temperature` 0 or absent): the argmax, the lowest index among equal maxima;
 * - `temperature` > 0: p_v = exp((l_v - max) / temperature) in float64, then inverse-CDF sampling:
 *   u = rng.nextFloat() * sum(p), and the first v (in index order) where the running sum of p exceeds
 *   u. One draw of the seeded generator per token, whatever the vocabulary.
 *
 * @param logits - one score per token.
 * @param temperature - 0 for greedy, > 0 to sample from softmax(logits / temperature).
 * @param rng - the seeded generator (core's xoshiro128**), advanced by one `nextFloat` when sampling.
 * @returns the token index.
 */
export function pickToken(logits: Float64Array, temperature: number, rng: SeededRandom): number {
  const best = greedyToken(logits);
  if (!(temperature > 0)) return best;
  let sum = 0;
  const p = new Float64Array(logits.length);
  for (let v = 0; v < logits.length; v++) {
    p[v] = Math.exp((logits[v]! - logits[best]!) / temperature);
    sum += p[v]!;
  }
  let u = rng.nextFloat() * sum;
  for (let v = 0; v < p.length; v++) {
    u -= p[v]!;
    if (u < 0) return v;
  }
  // Rounding can leave u at or just above 0 after the last token: the top token is the answer then.
  return best;
}
