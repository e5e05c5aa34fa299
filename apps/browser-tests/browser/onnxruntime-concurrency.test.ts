// onnxruntime-web runs every provider in one Asyncify wasm module per page: two calls into it at once
// corrupt its heap. The backend serializes its calls; here a page does what applications do (forwards
// in parallel, models created and disposed while others run) and gets what sequential calls give.
import { type RnnSpec, defineSpec, initParams, tensor } from '@deeprnn/core';
import { expect, it } from 'vitest';
import { pageBackend } from '../../playground/src/backends.js';
import { withWebgpu } from './webgpu-lane.js';

const ort = pageBackend('onnxruntime');
const MODES = ['gru', 'lstm', 'rnn_tanh'] as const;

function job(k: number): { spec: RnnSpec; input: ReturnType<typeof tensor> } {
  const spec = defineSpec({ mode: MODES[k % 3]!, inputSize: 2 + k, hiddenSize: 3 + k });
  const x = Float32Array.from({ length: 3 * 2 * (2 + k) }, (_, i) => Math.sin(i * 0.7 + k));
  return { spec, input: tensor(x, [3, 2, 2 + k]) };
}

await withWebgpu('onnxruntime webgpu (chromium) concurrency', () => {
  it('parallel forwards and model churn on the webgpu provider give the sequential results', async () => {
    const backend = await ort.create('webgpu');
    try {
      const jobs = [0, 1, 2, 3, 4, 5].map(job);
      const sequential: Float32Array[] = [];
      for (const { spec, input } of jobs) {
        const model = await backend.createModel(spec, initParams(spec, { seed: 7 }));
        sequential.push(Float32Array.from((await model.forward(input)).output.data));
        await model.dispose();
      }
      for (let round = 0; round < 2; round++) {
        const parallel = await Promise.all(
          jobs.map(async ({ spec, input }) => {
            const model = await backend.createModel(spec, initParams(spec, { seed: 7 }));
            const [a, b] = await Promise.all([model.forward(input), model.forward(input)]);
            await model.dispose();
            expect(Array.from(b.output.data)).toEqual(Array.from(a.output.data));
            return Float32Array.from(a.output.data);
          }),
        );
        parallel.forEach((out, k) =>
          expect(Array.from(out), `job ${k}, round ${round}`).toEqual(Array.from(sequential[k]!)),
        );
      }
    } finally {
      await backend.dispose();
    }
  }, 120_000); // unserialized, the page hung here (ORT never answered)
});
