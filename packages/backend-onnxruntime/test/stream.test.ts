import {
  BackendDisposedError,
  type RnnConfig,
  SeededRandom,
  type Tensor,
  UnsupportedError,
  defineSpec,
  initParams,
  swapLeadingAxes,
  tensor,
} from '@deeprnn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

const backend = await createBackend({ executionProviders: ['cpu'] });
afterAll(() => backend.dispose());

function random(seed: number, shape: number[]): Tensor {
  const rng = new SeededRandom(seed);
  return tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)),
    shape,
  );
}

function expectClose(got: Tensor | undefined, want: Tensor | undefined): void {
  expect(got?.shape).toEqual(want?.shape);
  for (let i = 0; i < (want?.data.length ?? 0); i++)
    expect(Math.abs(got!.data[i]! - want!.data[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(want!.data[i]!));
}

const steps = (x: Tensor, a: number, b: number): Tensor => {
  const per = x.shape[1]! * x.shape[2]!;
  return tensor(Float32Array.from(x.data.subarray(a * per, b * per)), [b - a, x.shape[1]!, x.shape[2]!]);
};

describe('onnxruntime stream', () => {
  const configs: RnnConfig[] = [
    { mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, projSize: 2 },
    { mode: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 3, batchFirst: true },
    { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, numLayers: 1 },
  ];
  for (const config of configs) {
    it(`${config.mode}${config.batchFirst ? ' batchFirst' : ''}: chunks 1+3+1+2, a length-0 row and a reset row agree with forward`, async () => {
      const spec = defineSpec(config);
      await using model = await backend.createModel(spec, initParams(spec, { seed: 2 }));
      const T = 7;
      const B = 2;
      const x = random(1, [T, B, spec.inputSize]);
      const userX = spec.batchFirst
        ? tensor(swapLeadingAxes(x.data as Float32Array, T, B, spec.inputSize), [B, T, spec.inputSize])
        : x;
      const whole = await model.forward(userX);
      await using stream = await model.stream({ batchSize: B });
      const outs: number[] = [];
      for (const [a, b] of [
        [0, 1],
        [1, 4],
        [4, 5],
        [5, 7],
      ] as const)
        outs.push(...(await stream.step(steps(x, a, b))).data);
      const F = whole.output.shape[2]!;
      const want = spec.batchFirst
        ? tensor(swapLeadingAxes(whole.output.data as Float32Array, B, T, F), [T, B, F])
        : whole.output;
      expectClose(tensor(Float32Array.from(outs), [T, B, F]), want);
      const s = await stream.readState();
      expectClose(s.h, whole.state.h);
      expectClose(s.c, whole.state.c);
      // Row 0 idles (length 0: its state stays), row 1 restarts from zeros.
      const more = random(3, [2, B, spec.inputSize]);
      await stream.step(more, { lengths: [0, 2], reset: [0, 1] });
      const after = await stream.readState();
      await using fresh = await model.stream({ batchSize: 1 });
      await fresh.step(
        steps(
          tensor(more.data.filter((_, i) => Math.floor(i / spec.inputSize) % B === 1) as Float32Array, [
            2,
            1,
            spec.inputSize,
          ]),
          0,
          2,
        ),
      );
      const freshH = (await fresh.readState()).h;
      const Hout = s.h.shape[2]!;
      for (let l = 0; l < spec.numLayers; l++) {
        for (let j = 0; j < Hout; j++) {
          expect(after.h.data[l * B * Hout + j]).toBe(s.h.data[l * B * Hout + j]);
          expect(after.h.data[(l * B + 1) * Hout + j]).toBeCloseTo(freshH.data[l * Hout + j]!, 5);
        }
      }
    });
  }

  it('a NaN chunk keeps NaN (the non-finite route), and the stream goes on', async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    await using model = await backend.createModel(spec, initParams(spec, { seed: 1 }));
    await using stream = await model.stream();
    const y = await stream.step(tensor(Float32Array.of(Number.NaN, 0), [1, 2]));
    expect(Array.from(y.data).every(Number.isNaN)).toBe(true);
    await stream.reset();
    expect(Array.from((await stream.step(tensor(Float32Array.of(1, 0), [1, 2]))).data).some(Number.isNaN)).toBe(false);
  });

  it('refuses bidirectional specs and use after the model is disposed', async () => {
    const bi = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, bidirectional: true });
    await using m = await backend.createModel(bi, initParams(bi));
    await expect(m.stream()).rejects.toThrow(UnsupportedError);
    const spec = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3 });
    const model = await backend.createModel(spec, initParams(spec));
    const stream = await model.stream();
    await model.dispose();
    await expect(stream.step(random(1, [1, 2]))).rejects.toThrow(BackendDisposedError);
    await stream.dispose();
  });
});
