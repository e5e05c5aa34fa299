import * as tf from '@tensorflow/tfjs-core';

/**
 * Which batch rows are still inside their sequence at each step, for variable lengths. `at(t, F)` is
 * a boolean `[B, F]` mask, or null when every row is valid at step t (then no masking op runs).
 */
export interface StepMasks {
  at(t: number, features: number): tf.Tensor | null;
  /** A zero `[B, F]` tensor for outputs past a sequence's end. */
  zeros(features: number): tf.Tensor;
}

/**
 * Builds the masks of a call, or null when every sequence is full length (no masking at all).
 * Masks are created lazily and cached per (step, width); they live in the caller's tf.tidy scope.
 */
export function stepMasks(lengths: ArrayLike<number> | null, T: number, B: number): StepMasks | null {
  if (lengths === null || Array.from(lengths).every((n) => n >= T)) return null;
  const cache = new Map<string, tf.Tensor | null>();
  const zeroCache = new Map<number, tf.Tensor>();
  return {
    at(t, features) {
      const key = `${t}:${features}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      let allValid = true;
      const data = new Uint8Array(B * features);
      for (let b = 0; b < B; b++) {
        const valid = t < (lengths[b] as number);
        if (!valid) allValid = false;
        else data.fill(1, b * features, (b + 1) * features);
      }
      const mask = allValid ? null : tf.tensor2d(data, [B, features], 'bool');
      cache.set(key, mask);
      return mask;
    },
    zeros(features) {
      let z = zeroCache.get(features);
      if (z === undefined) {
        z = tf.zeros([B, features]);
        zeroCache.set(features, z);
      }
      return z;
    },
  };
}
