// The conformance suite on onnxruntime-web in Chromium: the wasm provider, and WebGPU.
import { runConformance } from '@deeprnn/conformance/vitest';
import { type Tensor, defineSpec, fromArray, initParams, isTrainingBackend } from '@deeprnn/core';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { describe, expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { withFewerRuns } from './fewer-runs.js';
import { withWebgpu } from './webgpu-lane.js';

const ort = pageBackend('onnxruntime');
const onnx = { exportOnnx, importOnnx };

describe('onnxruntime in the page', () => {
  it('resolves to onnxruntime-web: the default starts on a web provider and names it', async () => {
    const backend = await ort.create();
    try {
      expect(backend.device).toMatch(/^(webgpu|wasm \(simd, \d+ threads?\))$/);
    } finally {
      await backend.dispose();
    }
  });

  it('rejects a Node-only provider with a typed error naming the web ones', async () => {
    // The catalog refuses it before onnxruntime-web is loaded: a ConfigError listing the page's providers.
    const refused = ort.create('cuda');
    await expect(refused).rejects.toMatchObject({ code: 'E_CONFIG' });
    await expect(refused).rejects.toThrow(/no variant 'cuda' on browser \(known: webgpu, wasm\)/);
  });
});

runConformance('onnxruntime wasm (chromium)', () => ort.create('wasm'), { onnx });

/** Counts the page's WebGPU compute dispatches while `run` runs (every provider's kernels go through it). */
async function dispatchesDuring(run: () => Promise<void>): Promise<number> {
  type Encoder = { dispatchWorkgroups(...args: unknown[]): void };
  const proto = (globalThis as unknown as { GPUComputePassEncoder: { prototype: Encoder } }).GPUComputePassEncoder
    .prototype;
  const original = proto.dispatchWorkgroups;
  let count = 0;
  proto.dispatchWorkgroups = function (this: Encoder, ...args: unknown[]) {
    count += 1;
    original.apply(this, args);
  };
  try {
    await run();
  } finally {
    proto.dispatchWorkgroups = original;
  }
  return count;
}

await withWebgpu('onnxruntime webgpu (chromium)', () => {
  // The gradient and training graphs run on the forward's provider (trainingOnWebgpu 'same'): once the
  // page's calls into ORT took turns, WebGPU training no longer corrupted the wasm heap.
  it('onnxruntime webgpu (chromium) trains on WebGPU: gradients and trainer steps dispatch compute work', async () => {
    await using backend = await ort.create('webgpu');
    expect(backend.device).toBe('webgpu');
    if (!isTrainingBackend(backend)) throw new Error('onnxruntime does not declare training');
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    const [T, B] = [3, 2];
    const input = (): Tensor =>
      fromArray(
        Array.from({ length: T * B * 2 }, (_, i) => Math.sin(i)),
        [T, B, 2],
      );
    const gradOutput = fromArray(
      Array.from({ length: T * B * 3 }, (_, i) => Math.cos(i)),
      [T, B, 3],
    );
    await using model = await backend.createModel(spec, initParams(spec, { seed: 1 }));
    await model.forward(input());
    expect(
      await dispatchesDuring(async () => void (await model.gradients!(input(), undefined, { output: gradOutput }))),
    ).toBeGreaterThan(0);
    await using trainer = await backend.createTrainer(spec, {
      params: { rnn: initParams(spec, { seed: 2 }), head: null },
      optimizer: { name: 'sgd', lr: 0.1 },
      gradClipNorm: null,
    });
    const dispatches = await dispatchesDuring(async () => {
      const { loss } = await trainer.step({ input: input(), gradOutput });
      expect(Number.isFinite(loss)).toBe(true);
    });
    expect(dispatches).toBeGreaterThan(0);
  });
  withFewerRuns(0.4, () => runConformance('onnxruntime webgpu (chromium)', () => ort.create('webgpu'), { onnx }));
});
