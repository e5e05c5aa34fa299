import { type RnnMode, type Tensor, gateCount, tensor } from '@deeprnn/core';

/**
 * For each PyTorch gate (LSTM i,f,g,o; GRU r,z,n), the index of the same gate in Keras' order
 * (LSTM i,f,c,o; GRU z,r,h). The only place in this package that knows the two orders.
 */
export function kerasGateIndex(mode: RnnMode): readonly number[] {
  return mode === 'gru' ? [1, 0, 2] : mode === 'lstm' ? [0, 1, 2, 3] : [0];
}

/**
 * A Keras kernel `[in, G*H]` (x @ kernel, gates in Keras order) as a PyTorch weight `[G*H, in]`
 * (weight @ x, gates in PyTorch order).
 */
export function kernelToWeight(kernel: Tensor, mode: RnnMode, H: number): Tensor {
  const G = gateCount(mode);
  const [rows, cols] = kernel.shape as [number, number];
  const order = kerasGateIndex(mode);
  const out = new Float32Array(rows * cols);
  for (let g = 0; g < G; g++) {
    const from = (order[g] as number) * H;
    for (let j = 0; j < H; j++) {
      for (let i = 0; i < rows; i++) out[(g * H + j) * rows + i] = kernel.data[i * cols + from + j] as number;
    }
  }
  return tensor(out, [G * H, rows]);
}

/** The inverse of {@link kernelToWeight}: a PyTorch weight `[G*H, in]` as a Keras kernel `[in, G*H]`. */
export function weightToKernel(weight: Tensor, mode: RnnMode, H: number): Tensor {
  const G = gateCount(mode);
  const cols = weight.shape[1] as number;
  const order = kerasGateIndex(mode);
  const out = new Float32Array(G * H * cols);
  for (let g = 0; g < G; g++) {
    const to = (order[g] as number) * H;
    for (let j = 0; j < H; j++) {
      for (let i = 0; i < cols; i++) out[i * G * H + to + j] = weight.data[(g * H + j) * cols + i] as number;
    }
  }
  return tensor(out, [cols, G * H]);
}

/** A Keras bias row `[G*H]` (from `offset` in `data`) in PyTorch gate order. */
export function biasToTorch(data: ArrayLike<number>, offset: number, mode: RnnMode, H: number): Tensor {
  const G = gateCount(mode);
  const order = kerasGateIndex(mode);
  const out = new Float32Array(G * H);
  for (let g = 0; g < G; g++)
    for (let j = 0; j < H; j++) out[g * H + j] = data[offset + (order[g] as number) * H + j] as number;
  return tensor(out, [G * H]);
}

/** A PyTorch bias `[G*H]` in Keras gate order, written into `out` at `offset`. */
export function biasToKeras(bias: Tensor, mode: RnnMode, H: number, out: Float32Array, offset: number): void {
  const G = gateCount(mode);
  const order = kerasGateIndex(mode);
  for (let g = 0; g < G; g++)
    for (let j = 0; j < H; j++) out[offset + (order[g] as number) * H + j] = bias.data[g * H + j] as number;
}
