import {
  type CallShape,
  type RnnSpec,
  type Tensor,
  directionCount,
  dropoutMasks,
  outputSize,
  swapLeadingAxes,
} from '@deeprnn/core';

/** The training graphs' key for a call: they are built per T, B and optional inputs. */
export function graphKey(call: CallShape, hasLengths: boolean, hasDropout: boolean): string {
  return `${call.T}x${call.B}${hasLengths ? ':lengths' : ''}${hasDropout ? ':dropout' : ''}`;
}

/** float32 data as ORT takes it: float32 as is, float64 rounded once. */
export function float32(data: ArrayLike<number>): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** A sequence [T, B, F] / [B, T, F] / [T, F] as the time-major float32 rows the graphs read. */
export function timeMajor(spec: RnnSpec, t: Tensor, call: CallShape): Float32Array {
  const data = float32(t.data);
  if (call.isUnbatched || !spec.batchFirst) return data;
  return swapLeadingAxes(data, call.B, call.T, data.length / (call.T * call.B));
}

/** The inverse of {@link timeMajor}: time-major rows back to the spec's layout. */
export function fromTimeMajor(spec: RnnSpec, data: Float32Array, call: CallShape): Float32Array {
  if (call.isUnbatched || !spec.batchFirst) return data;
  return swapLeadingAxes(data, call.T, call.B, data.length / (call.T * call.B));
}

/** Targets in time-major row order (t * B + b); batchFirst rows come as b * T + t. */
export function timeMajorTargets(spec: RnnSpec, targets: Int32Array, call: CallShape): Int32Array {
  if (call.isUnbatched || !spec.batchFirst) return targets;
  return swapLeadingAxes(targets, call.B, call.T, 1);
}

/** Whether a call of `spec` draws dropout masks (training mode, p > 0, two layers or more). */
export function hasDropout(spec: RnnSpec, isTraining: boolean): boolean {
  return isTraining && spec.dropout > 0 && spec.numLayers > 1;
}

/**
 * The dropout multipliers (keep / (1 - p)) of every layer but the last, time-major [T*B*F], from
 * core's seeded masks: the same masks the reference draws for this seed.
 */
export function dropoutMultipliers(spec: RnnSpec, seed: number, call: CallShape): Float32Array[] {
  const F = directionCount(spec) * outputSize(spec);
  const masks = dropoutMasks(spec, { training: true, dropoutSeed: seed }, call.T * call.B * F);
  const scale = 1 / (1 - spec.dropout);
  return masks.slice(0, -1).map((keep) => Float32Array.from(keep ?? [], (k) => k * scale));
}
