import {
  type RnnConfig,
  type RnnSpec,
  UnsupportedError,
  defineSpec,
  initParams,
  outputSize,
  tensor,
} from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { describeOnAdapter, probeBackend } from './adapter.js';

// The documented workgroup-memory boundaries on a real device (lavapipe on CI): at the boundary the
// kernel compiles and runs, one above is refused with UnsupportedError before any compile (before
// the fix these crashed with an untyped GPUPipelineError "workgroup storage (16400 bytes) > 16384").
// T 1, B 1 (B 4 for the row-plan case) and 2 inputs keep lavapipe's compiles and runs short.
const probe = await probeBackend();
const cfg = (c: Partial<RnnConfig> & Pick<RnnConfig, 'mode' | 'hiddenSize'>): RnnSpec =>
  defineSpec({ inputSize: 2, ...c });
const input = (B: number): ReturnType<typeof tensor> =>
  tensor(
    Float32Array.from({ length: 2 * B }, (_, i) => Math.sin(i + 1)),
    [1, B, 2],
  );

describeOnAdapter('workgroup-memory limits on the device', probe, (gpu) => {
  afterAll(() => gpu.dispose());

  it("the backend plans against the device's own maxComputeWorkgroupStorageSize (16384 on a default device)", () => {
    expect(gpu.gpuDevice.limits.maxComputeWorkgroupStorageSize).toBe(16384);
  });

  it.each<[string, RnnSpec, RnnSpec]>([
    [
      'gru reset-before H 1364 / 1365',
      cfg({ mode: 'gru', hiddenSize: 1364, linearBeforeReset: false }),
      cfg({ mode: 'gru', hiddenSize: 1365, linearBeforeReset: false }),
    ],
    [
      'lstm H 1366 projSize 1364 / 1365',
      cfg({ mode: 'lstm', hiddenSize: 1366, projSize: 1364 }),
      cfg({ mode: 'lstm', hiddenSize: 1366, projSize: 1365 }),
    ],
    [
      'lstm H 2046 projSize 1024 / 1025',
      cfg({ mode: 'lstm', hiddenSize: 2046, projSize: 1024 }),
      cfg({ mode: 'lstm', hiddenSize: 2046, projSize: 1025 }),
    ],
  ])('forward %s: runs at the boundary, refused above', async (_, at, above) => {
    expect(gpu.unsupported(at)).toBeNull();
    await using model = await gpu.createModel(at, initParams(at, { seed: 1 }));
    const { output } = await model.forward(input(1));
    expect(output.shape).toEqual([1, 1, outputSize(at)]);
    expect(Array.from(output.data).every(Number.isFinite)).toBe(true);
    expect(gpu.unsupported(above)).toMatch(/16400 bytes of workgroup memory/);
    await expect(gpu.createModel(above, initParams(above, { seed: 1 }))).rejects.toThrow(UnsupportedError);
  });

  it.each<[string, RnnSpec, RnnSpec, number]>([
    [
      'rnn_tanh H 1364 / 1365',
      cfg({ mode: 'rnn_tanh', hiddenSize: 1364 }),
      cfg({ mode: 'rnn_tanh', hiddenSize: 1365 }),
      1,
    ],
    ['gru H 818 / 819', cfg({ mode: 'gru', hiddenSize: 818 }), cfg({ mode: 'gru', hiddenSize: 819 }), 1],
    [
      'gru reset-before H 342 at B 4 (3 forward rows) / H 819',
      cfg({ mode: 'gru', hiddenSize: 342, linearBeforeReset: false }),
      cfg({ mode: 'gru', hiddenSize: 819, linearBeforeReset: false }),
      4,
    ],
  ])('training %s: a step runs at the boundary, refused above', async (_, at, above, B) => {
    const init = (spec: RnnSpec) => ({
      params: { rnn: initParams(spec, { seed: 2 }), head: null },
      optimizer: { name: 'sgd', lr: 0.1 } as const,
      gradClipNorm: null,
    });
    expect(gpu.unsupportedTraining(at)).toBeNull();
    await using trainer = await gpu.createTrainer(at, init(at));
    const gradOutput = tensor(new Float32Array(B * outputSize(at)).fill(0.5), [1, B, outputSize(at)]);
    const { loss, gradNorm } = await trainer.step({ input: input(B), gradOutput });
    expect(Number.isFinite(loss) && Number.isFinite(gradNorm)).toBe(true);
    expect(gpu.unsupportedTraining(above)).toMatch(/16400 bytes of workgroup memory/);
    await expect(gpu.createTrainer(above, init(above))).rejects.toThrow(UnsupportedError);
  });
});
