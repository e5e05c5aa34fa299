import {
  type RnnParams,
  type RnnSpec,
  type RnnState,
  SeededRandom,
  type Tensor,
  type Tolerance,
  cellStateShape,
  compareTensors,
  hiddenStateShape,
  initParams,
  sizeOf,
  tensor,
} from '@deeprnn/core';
import { expect } from 'vitest';

/** A float64 tensor of uniform(-scale, scale) values from a seeded generator. */
export function randomTensor(shape: readonly number[], seed: number, scale = 1): Tensor {
  const rng = new SeededRandom(seed);
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-scale, scale);
  return tensor(data, shape);
}

/** Rounds a tensor to float32 values kept in a Float64Array, so float32 and float64 backends see the same numbers. */
export function roundToF32(t: Tensor): Tensor {
  return tensor(Float64Array.from(Float32Array.from(t.data)), t.shape);
}

/** Everything one forward call needs, float32-exact, in float64 arrays. */
export interface Case {
  readonly spec: RnnSpec;
  readonly params: RnnParams;
  readonly input: Tensor;
  readonly initial: RnnState | undefined;
}

/** A random case: params from initParams (scaled), input, and h0/c0 when `withState`. */
export function randomCase(
  spec: RnnSpec,
  T: number,
  B: number | null,
  seed: number,
  withState = true,
  weightScale = 1,
): Case {
  const raw = initParams(spec, { seed, dtype: 'float64' });
  const params: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(raw))
    params[k] = roundToF32(
      tensor(
        Float64Array.from(v.data, (x) => x * weightScale),
        v.shape,
      ),
    );
  const call = { T, B: B ?? 1, isUnbatched: B === null };
  const inputShape =
    B === null ? [T, spec.inputSize] : spec.batchFirst ? [B, T, spec.inputSize] : [T, B, spec.inputSize];
  const input = roundToF32(randomTensor(inputShape, seed + 1));
  let initial: RnnState | undefined;
  if (withState) {
    const h = roundToF32(randomTensor(hiddenStateShape(spec, call), seed + 2, 0.5));
    initial =
      spec.mode === 'lstm' ? { h, c: roundToF32(randomTensor(cellStateShape(spec, call), seed + 3, 0.5)) } : { h };
  }
  return { spec, params, input, initial };
}

/** Asserts |got - want| <= atol + rtol |want| everywhere, naming the tensor on failure. */
export function expectClose(got: Tensor, want: Tensor, tol: Tolerance, what: string): void {
  const c = compareTensors(got, want, tol);
  expect(c.pass, `${what}: ${c.detail} (max abs error ${c.maxAbsError})`).toBe(true);
}
