// backend-webgpu with float32 vs float16 weight storage, side by side in one process: d2l forward
// (I 28, H 256, 3 layers, T 35, B 32) and one stream step (k 1, B 1 and 8), ms per call (median of
// repeats, the two storages alternating), and the weight bytes each model holds. Needs an adapter
// with shader-f16. Run from the repository root after `npm run build`:
//   source <lavapipe env.sh> && node tools/bench/webgpu-f16.mjs [--repeats 7] [--steps 200] [--mode gru]...
import { parseArgs } from 'node:util';
import { defineSpec, initParams, tensor } from '@deeprnn/core';
import { createBackend } from '@deeprnn/backend-webgpu';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '7' },
    steps: { type: 'string', default: '200' },
    mode: { type: 'string', multiple: true, default: ['rnn_tanh', 'gru', 'lstm'] },
  },
});
const repeats = Number(values.repeats);
const steps = Number(values.steps);
const [I, H, L, T, B] = [28, 256, 3, 35, 32];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const storages = ['float32', 'float16'];
const backends = Object.fromEntries(
  await Promise.all(storages.map(async (s) => [s, await createBackend({ weightStorage: s })])),
);
console.log(`adapter: ${backends.float16.device}`);
const rows = [];
for (const mode of values.mode) {
  const spec = defineSpec({ mode, inputSize: I, hiddenSize: H, numLayers: L });
  const params = initParams(spec, { seed: 1 });
  const weights = Object.values(params).reduce((n, t) => n + t.data.length, 0);
  const x = tensor(
    Float32Array.from({ length: T * B * I }, (_, i) => Math.sin(i)),
    [T, B, I],
  );
  const models = {};
  const streams = {};
  for (const s of storages) {
    models[s] = await backends[s].createModel(spec, params);
    await models[s].forward(x);
    streams[s] = { 1: await models[s].stream({ batchSize: 1 }), 8: await models[s].stream({ batchSize: 8 }) };
  }
  const forward = { float32: [], float16: [] };
  const step = { 1: { float32: [], float16: [] }, 8: { float32: [], float16: [] } };
  for (let r = 0; r < repeats; r++) {
    for (const s of storages) forward[s].push(await time(() => models[s].forward(x)));
    for (const b of [1, 8]) {
      const xs = tensor(
        Float32Array.from({ length: b * I }, (_, i) => Math.cos(i)),
        [b, I],
      );
      for (const s of storages) {
        const stream = streams[s][b];
        const each = [];
        for (let k = 0; k < steps / repeats; k++) each.push(await time(() => stream.step(xs)));
        step[b][s].push(median(each));
      }
    }
  }
  for (const s of storages) {
    rows.push({
      mode,
      storage: s,
      'weight MB': ((weights * (s === 'float16' ? 2 : 4)) / 2 ** 20).toFixed(2),
      'forward ms': median(forward[s]).toFixed(1),
      'step B1 ms': median(step[1][s]).toFixed(3),
      'step B8 ms': median(step[8][s]).toFixed(3),
    });
    for (const b of [1, 8]) await streams[s][b].dispose();
    await models[s].dispose();
  }
}
console.table(rows);
for (const s of storages) await backends[s].dispose();
process.exit(0);
