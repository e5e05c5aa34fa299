import { createBackend } from './dist/index.js';
import { defineSpec, initParams, tensor } from '@deeprnn/core';
const R = Number(process.env.ROWS ?? 4), TH = process.env.THREADS ? Number(process.env.THREADS) : undefined;
const be = await createBackend({ kernelShape: { rowsPerWorkgroup: R, vectorWidth: Number(process.env.VW ?? 4), ...(TH ? { threads: TH } : {}) } });
for (const mode of (process.env.MODES ?? 'rnn_tanh,gru,lstm').split(',')) {
  const spec = defineSpec({ mode, inputSize: 28, hiddenSize: 256, numLayers: 3 });
  const m = await be.createModel(spec, initParams(spec, { seed: 1 }));
  const x = tensor(Float32Array.from({ length: 35 * 32 * 28 }, (_, i) => Math.sin(i)), [35, 32, 28]);
  for (let i = 0; i < 2; i++) await m.forward(x);
  const ts = [];
  for (let i = 0; i < 5; i++) { const t0 = performance.now(); await m.forward(x); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  console.log(mode, 'R', R, 'TH', TH, 'median ms', ts[2].toFixed(1), m.lastRunStats.dispatches);
  await m.dispose();
}
await be.dispose();
