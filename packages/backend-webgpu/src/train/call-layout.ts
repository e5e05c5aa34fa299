import {
  type CallShape,
  type RnnSpec,
  type RnnState,
  type Tensor,
  cellStateShape,
  dropoutMasks,
  hiddenStateShape,
  outputSize,
  swapLeadingAxes,
  tensor,
} from '@deeprnn/core';

/** A call's input (or output gradient) as time-major float32 words. */
export function timeMajor(spec: RnnSpec, t: Tensor, call: CallShape): Float32Array {
  const data = Float32Array.from(t.data);
  if (call.isUnbatched || !spec.batchFirst) return data;
  return Float32Array.from(swapLeadingAxes(data, call.B, call.T, data.length / (call.T * call.B)));
}

/** Targets in time-major row order (t * B + b). */
export function timeMajorTargets(spec: RnnSpec, targets: Int32Array, call: CallShape): Uint32Array {
  const out = new Uint32Array(targets.length);
  if (call.isUnbatched || !spec.batchFirst) {
    out.set(targets);
    return out;
  }
  for (let b = 0; b < call.B; b++) for (let t = 0; t < call.T; t++) out[t * call.B + b] = targets[b * call.T + t]!;
  return out;
}

/** Core's seeded dropout masks of a step as multipliers (keep / (1 - p)), one per layer but the last. */
export function dropoutMultipliers(spec: RnnSpec, seed: number, words: number): Float32Array[] {
  const scale = 1 / (1 - spec.dropout);
  return dropoutMasks(spec, { training: true, dropoutSeed: seed }, words)
    .slice(0, spec.numLayers - 1)
    .map((keep) => Float32Array.from(keep!, (k) => k * scale));
}

/** Words of a call's h ([L*D][B][P]) and, for LSTM, c ([L*D][B][H]) as the kernels keep them. */
export function stateSizes(spec: RnnSpec, B: number): { readonly h: number; readonly c: number } {
  const rows = spec.numLayers * (spec.bidirectional ? 2 : 1) * B;
  return { h: rows * outputSize(spec), c: spec.mode === 'lstm' ? rows * spec.hiddenSize : 0 };
}

/** A state as the kernels' words: h, then c for LSTM; absent parts are zeros. */
export function stateWords(spec: RnnSpec, state: Partial<RnnState> | undefined, B: number): Float32Array {
  const size = stateSizes(spec, B);
  const out = new Float32Array(size.h + size.c);
  if (state?.h) out.set(state.h.data);
  if (size.c > 0 && state?.c) out.set(state.c.data, size.h);
  return out;
}

/** The kernels' state words as an RnnState of a call's shapes (c only for LSTM). */
export function stateOf(spec: RnnSpec, words: Float32Array, call: CallShape): RnnState {
  const size = stateSizes(spec, call.B);
  const h = tensor(words.slice(0, size.h), hiddenStateShape(spec, call));
  return spec.mode === 'lstm'
    ? { h, c: tensor(words.slice(size.h, size.h + size.c), cellStateShape(spec, call)) }
    : { h };
}
