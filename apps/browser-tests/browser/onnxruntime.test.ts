// The conformance suite on onnxruntime-web in Chromium: the wasm provider, and WebGPU.
import { runConformance } from '@deeprnn/conformance/vitest';
import {
  type RnnConfig,
  type Tensor,
  createReferenceBackend,
  defineSpec,
  fromArray,
  initParams,
  isTrainingBackend,
} from '@deeprnn/core';
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
  // onnxruntime-web's WebGPU GRU/LSTM kernels know only the default activations and no clip: such specs
  // run as the Loop lowering there (they were refused while the Loop seemed to corrupt the wasm heap,
  // which was the overlapping-calls bug). Each must answer the float64 reference's numbers, on WebGPU.
  it('onnxruntime webgpu (chromium) runs GRU/LSTM specs its kernels lack as the Loop lowering, on WebGPU, and they agree', async () => {
    await using backend = await ort.create('webgpu');
    const reference = createReferenceBackend({ dtype: 'float64' });
    const configs: RnnConfig[] = [
      {
        mode: 'gru',
        inputSize: 3,
        hiddenSize: 4,
        activations: [{ name: 'HardSigmoid', alpha: 0.2, beta: 0.5 }, { name: 'Softsign' }],
      },
      { mode: 'lstm', inputSize: 3, hiddenSize: 4, clip: 0.5, numLayers: 2 },
      {
        mode: 'lstm',
        inputSize: 2,
        hiddenSize: 3,
        bidirectional: true,
        activations: [{ name: 'Sigmoid' }, { name: 'ScaledTanh', alpha: 1.5, beta: 0.7 }, { name: 'Tanh' }],
      },
    ];
    for (const config of configs) {
      const spec = defineSpec(config);
      expect(backend.unsupported(spec)).toBeNull();
      const [T, B] = [4, 2];
      const input = fromArray(
        Array.from({ length: T * B * spec.inputSize }, (_, i) => Math.sin(0.7 * i)),
        [T, B, spec.inputSize],
      );
      const params = initParams(spec, { seed: 3 });
      await using model = await backend.createModel(spec, params);
      let got: Tensor | undefined;
      expect(await dispatchesDuring(async () => void (got = (await model.forward(input)).output))).toBeGreaterThan(0);
      await using exact = await reference.createModel(spec, params);
      const want = (await exact.forward(input)).output;
      const { rtol, atol } = backend.capabilities.tolerance;
      want.data.forEach((w, i) => expect(Math.abs(got!.data[i]! - w)).toBeLessThanOrEqual(atol + rtol * Math.abs(w)));
    }
    const notices = backend.notices.join('\n');
    expect(notices).toMatch(/GRU kernel cannot run HardSigmoid activations; .* Loop of ONNX operators on webgpu/);
    expect(notices).toMatch(
      /WebGPU LSTM kernel runs only the default activations and no clip; .* Loop of ONNX operators on webgpu/,
    );
  });
  withFewerRuns(0.4, () => runConformance('onnxruntime webgpu (chromium)', () => ort.create('webgpu'), { onnx }));
});
