import { ShapeError, type Tensor, tensor } from '@deeprnn/core';
import type { KerasImport } from './types.js';

/**
 * The stack's input features `[B, T, F]` and, when the model masks, each row's valid length.
 * Embedding ids (any numeric tensor `[B, T]`) are looked up; `Masking` masks the steps whose every
 * feature equals `mask_value`, `Embedding(mask_zero)` the steps whose id is 0.
 *
 * @throws {@link ShapeError} when the input has the wrong rank or features, an id is out of range, or
 *   a row's mask is not a prefix (valid steps, then padding): deeprnn's `lengths` express only that.
 */
export function stackInput(imported: KerasImport, x: Tensor): { features: Tensor; lengths: number[] | null } {
  const emb = imported.embedding;
  const [B, T] = x.shape as [number, number];
  if (x.shape.length !== (emb === null ? 3 : 2)) {
    throw new ShapeError(
      `predictKeras: input must be ${emb === null ? '[B, T, F]' : '[B, T] token ids'}, got [${x.shape.join(', ')}]`,
    );
  }
  let features = x;
  let mask: Uint8Array | null = null;
  if (emb !== null) {
    const E = emb.outputDim;
    const out = new Float32Array(B * T * E);
    mask = emb.maskZero ? new Uint8Array(B * T) : null;
    for (let i = 0; i < B * T; i++) {
      const id = x.data[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= emb.inputDim)
        throw new ShapeError(`predictKeras: token id ${id} at ${i} is outside [0, ${emb.inputDim})`);
      out.set(emb.weight.data.subarray(id * E, (id + 1) * E), i * E);
      if (mask !== null) mask[i] = id === 0 ? 0 : 1;
    }
    features = tensor(out, [B, T, E]);
  } else {
    const F = x.shape[2] as number;
    if (F !== imported.spec.inputSize)
      throw new ShapeError(`predictKeras: input has ${F} features, the model takes ${imported.spec.inputSize}`);
    if (imported.maskValue !== null) {
      mask = new Uint8Array(B * T);
      for (let i = 0; i < B * T; i++) {
        for (let f = 0; f < F; f++) if (x.data[i * F + f] !== imported.maskValue) mask[i] = 1;
      }
    }
  }
  if (mask === null) return { features, lengths: null };
  const lengths: number[] = [];
  for (let b = 0; b < B; b++) {
    let n = 0;
    while (n < T && mask[b * T + n] === 1) n++;
    for (let t = n; t < T; t++) {
      if (mask[b * T + t] === 1)
        throw new ShapeError(
          `predictKeras: row ${b} is masked at step ${n} but not at step ${t}; deeprnn's lengths need the padding at the end`,
        );
    }
    lengths.push(n);
  }
  return { features, lengths };
}

/** Each row's valid prefix reversed in time (Keras go_backwards on a right-padded batch). */
export function reversePrefixes(x: Tensor, lengths: readonly number[] | null): Tensor {
  const [B, T, F] = x.shape as [number, number, number];
  const out = new Float32Array(x.data.length);
  for (let b = 0; b < B; b++) {
    const n = lengths?.[b] ?? T;
    for (let t = 0; t < n; t++) out.set(x.data.subarray((b * T + n - 1 - t) * F, (b * T + n - t) * F), (b * T + t) * F);
  }
  return tensor(out, [B, T, F]);
}
