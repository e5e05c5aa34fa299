import { type Tensor, tensor } from '@deeprnn/core';
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
