import { type Tensor, swapLeadingAxes, tensor } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';

/** Uploads a core tensor to the active tfjs engine as float32 (float64 data is rounded). */
export function toTf(t: Tensor): tf.Tensor {
  const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  return tf.tensor(data, [...t.shape], 'float32');
}

/** Downloads a tfjs tensor into a new float32 core tensor (a copy: tfjs may reuse its buffers). */
export async function fromTf(t: tf.Tensor): Promise<Tensor> {
  const values = await t.data();
  const data = values instanceof Float32Array ? values.slice() : Float32Array.from(values);
  return tensor(data, t.shape);
}

/**
 * Uploads an input `[T, B, I]`, `[B, T, I]` (batchFirst) or `[T, I]` straight into per-step tensors
 * `[B, I]`, arranging batch-first data on the host: cheaper than uploading once and slicing T times
 * (on wasm every tfjs slice copies its whole source).
 */
export function uploadSteps(t: Tensor, isBatchFirst: boolean): tf.Tensor[] {
  const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  const isUnbatched = t.shape.length === 2;
  const I = t.shape[t.shape.length - 1] ?? 0;
  const T = isUnbatched || !isBatchFirst ? (t.shape[0] ?? 0) : (t.shape[1] ?? 0);
  const B = isUnbatched ? 1 : isBatchFirst ? (t.shape[0] ?? 0) : (t.shape[1] ?? 0);
  const timeMajor = isUnbatched || !isBatchFirst ? data : swapLeadingAxes(data, B, T, I);
  const steps: tf.Tensor[] = [];
  for (let s = 0; s < T; s++)
    steps.push(tf.tensor2d(timeMajor.subarray(s * B * I, (s + 1) * B * I), [B, I], 'float32'));
  return steps;
}
