// ms per forward call of the onnxruntime backend (end to end: feeds, session run, result tensors) per
// mode and lowering, CPU provider. Usage: node tools/bench.mjs [d2l|medium] [threads] [modes]
// Build first: npx tsc -b packages/backend-onnxruntime (from the repository root).
import { SeededRandom, defineSpec, initParams, tensor } from '@deeprnn/core';
import { createBackend } from '@deeprnn/backend-onnxruntime';

const CONFIGS = {
  d2l: { inputSize: 28, hiddenSize: 256, numLayers: 3, T: 35, B: 32, reps: 30 },
  medium: { inputSize: 64, hiddenSize: 512, numLayers: 3, T: 100, B: 64, reps: 5 },
};
const which = process.argv[2] ?? 'd2l';
const threads = Number(process.argv[3] ?? 1);
const modes = (process.argv[4] ?? 'rnn_tanh,rnn_relu,gru,lstm').split(',');
const c = CONFIGS[which];
const rng = new SeededRandom(1);
const x = tensor(Float32Array.from({ length: c.T * c.B * c.inputSize }, () => rng.uniform(-1, 1)), [c.T, c.B, c.inputSize]);
for (const mode of modes) {
  const spec = defineSpec({ mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers });
  const params = initParams(spec, { seed: 1 });
  const cells = [];
  for (const lowering of ['node', 'loop']) {
    const backend = await createBackend({ executionProviders: ['cpu'], intraOpThreads: threads, lowering });
    const model = await backend.createModel(spec, params);
    for (let i = 0; i < 3; i++) await model.forward(x);
    const times = [];
    for (let i = 0; i < c.reps; i++) {
      const t0 = performance.now();
      await model.forward(x);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    cells.push(`${lowering} min ${times[0].toFixed(1)} median ${times[Math.floor(times.length / 2)].toFixed(1)}`);
    await backend.dispose();
  }
  console.log(`${which} ${mode} threads=${threads}: ${cells.join(' | ')} ms/call (of ${c.reps})`);
}
