import {
  type RnnSpec,
  type RnnState,
  type Tensor,
  createReferenceBackend,
  initParams,
  outputSize,
  tensor,
  type RnnParams,
} from '@deeprnn/core';
import { expect } from 'vitest';

/** Asserts |got - want| <= atol + rtol |want| elementwise, NaN only where want is NaN. */
export function expectClose(
  got: Tensor | undefined,
  want: Tensor | undefined,
  tol: { rtol: number; atol: number },
  what: string,
): void {
  expect(got, what).toBeDefined();
  expect(got!.shape, `${what} shape`).toEqual(want!.shape);
  for (let i = 0; i < want!.data.length; i++) {
    const g = got!.data[i]!;
    const w = want!.data[i]!;
    if (Number.isNaN(w)) {
      expect(g, `${what}[${i}]`).toBeNaN();
      continue;
    }
    const bound = tol.atol + tol.rtol * Math.abs(w);
    if (!(Math.abs(g - w) <= bound)) expect.fail(`${what}[${i}] is ${g}, expected ${w} within ${bound}`);
  }
}

/** A seeded case: params, a [T, B, I] (or [B, T, I]) input and initial state drawn from sin. */
export function smoothCase(
  spec: RnnSpec,
  T: number,
  B: number,
  seed: number,
): { params: RnnParams; input: Tensor; initial: RnnState } {
  const params = initParams(spec, { seed });
  const I = spec.inputSize;
  const input = tensor(
    Float32Array.from({ length: T * B * I }, (_, i) => Math.sin(seed + i * 0.7)),
    spec.batchFirst ? [B, T, I] : [T, B, I],
  );
  const rows = spec.numLayers * (spec.bidirectional ? 2 : 1);
  const h = tensor(
    Float32Array.from({ length: rows * B * outputSize(spec) }, (_, i) => 0.5 * Math.cos(seed + i)),
    [rows, B, outputSize(spec)],
  );
  const c = tensor(
    Float32Array.from({ length: rows * B * spec.hiddenSize }, (_, i) => 0.5 * Math.sin(seed * 3 + i)),
    [rows, B, spec.hiddenSize],
  );
  return { params, input, initial: spec.mode === 'lstm' ? { h, c } : { h } };
}

/** The float64 reference's answer for a case. */
export async function oracle(
  spec: RnnSpec,
  params: RnnParams,
  input: Tensor,
  initial?: RnnState,
  lengths?: readonly number[],
) {
  await using model = await createReferenceBackend({ dtype: 'float64' }).createModel(spec, params);
  return model.forward(input, initial, lengths ? { lengths } : {});
}
